"""The layout of the unit sheet (单位及领导分工表, DESIGN.md 3.4), shared by import and export.

The headers are the contract's Chinese words whatever the interface language.
"""

CODE = "单位编码"
NAME = "单位名称"
PARENT = "上级单位"
TYPE = "单位类型"
CATEGORY = "单位类别"
ALIASES = "简称"
ORDER = "排序"
UNIT_HEADERS = [CODE, NAME, PARENT, TYPE, CATEGORY, ALIASES, ORDER]
UNIT_KEYS = (NAME, TYPE)
UNIT_SHEET_TITLE = "单位"

LEADER_SHEET_TITLE = "领导分工"
LEADER_NAME = "姓名"
LEADER_TITLE = "职务"
LEADER_AREAS = "分管单位"
LEADER_PRINCIPAL = "主要领导"  # 是 / 否: the 市长 and the 市委书记 read the whole city
LEADER_HEADERS = [LEADER_NAME, LEADER_TITLE, LEADER_PRINCIPAL, LEADER_AREAS]
YES, NO = "是", "否"
LEADER_KEYS = (LEADER_NAME, LEADER_AREAS)

NOTES_SHEET_TITLE = "填写说明"

MAX_CODE = 64
MAX_NAME = 200
MAX_CATEGORY = 100
MAX_LEADER_NAME = 50
MAX_LEADER_TITLE = 100
