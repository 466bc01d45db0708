"""The layout of the goal sheet (目标任务分解表, DESIGN.md 3.5) and the report-values sheet
(进展数据导入表, 3.6), shared by import and export.

The headers are the contract's Chinese words whatever the interface language.
"""

CODE = "编号"
NAME = "名称"
TYPE = "类型"
CATEGORY = "类别"
MEASURE_UNIT = "计量单位"
DECIMALS = "小数位数"  # optional: the display precision (goals.precision)
BASELINE = "基期值"
TARGET = "目标值"
STRETCH = "力争值"
DIRECTION = "指标方向"
NATURE = "指标性质"
FREQUENCY = "报送频次"
Q1, Q2, Q3, Q4 = "一季度", "二季度", "三季度", "四季度"
QUARTERS = (Q1, Q2, Q3, Q4)
QUARTER_GROUP = "分季度目标"
MILESTONES = "节点安排"
DEADLINE = "完成时限"
LEAD = "牵头单位"
RESPONSIBLE = "责任单位"
COOPERATING = "配合单位"
DATA_SOURCE = "数据来源单位"
LEADERS = "分管市领导"
WEIGHT = "权重"
NOTE = "备注"

GOAL_HEADERS = [
    CODE, NAME, TYPE, CATEGORY, MEASURE_UNIT, DECIMALS, BASELINE, TARGET, STRETCH, DIRECTION,
    NATURE, FREQUENCY, Q1, Q2, Q3, Q4, MILESTONES, DEADLINE, LEAD, RESPONSIBLE, COOPERATING,
    DATA_SOURCE, LEADERS, WEIGHT, NOTE,
]  # fmt: skip
GOAL_KEYS = (CODE, NAME)
GOAL_SHEET_TITLE = "目标任务"

UNIT = "单位"
RESPONSIBLE_PERSON = "责任人"
CONTACT = "联系人"
CONTACT_PHONE = "联系电话"
SPLIT_SHEET_TITLE = "分解到单位"
SPLIT_HEADERS = [
    CODE,
    UNIT,
    TARGET,
    Q1,
    Q2,
    Q3,
    Q4,
    WEIGHT,
    RESPONSIBLE_PERSON,
    CONTACT,
    CONTACT_PHONE,
]
SPLIT_KEYS = (CODE, UNIT)

ADJUSTMENT_SHEET_TITLE = "目标调整"
ADJUSTMENT_HEADERS = [CODE, NAME, UNIT, "调整内容", "原值", "调整为", "调整理由", "批准时间"]

NOTES_SHEET_TITLE = "填写说明"

PERIOD = "期间"
VALUE = "数值"
EXPLANATION = "说明"
REPORT_HEADERS = [CODE, UNIT, PERIOD, VALUE, EXPLANATION]
REPORT_KEYS = (CODE, PERIOD)
REPORT_SHEET_TITLE = "进展数据"

MAX_CODE = 64
MAX_NAME = 500
MAX_CATEGORY = 50
MAX_MEASURE_UNIT = 30
MAX_PERSON = 50
MAX_PHONE = 30
MAX_MILESTONE = 500
