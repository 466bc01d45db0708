"""The registry of audit action codes. Every app registers the codes it writes."""

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, str] = {}


def register(code: str, label) -> str:
    ACTIONS[code] = label
    return code


OBJECT_TYPES: dict[str, str] = {}


def label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def register_object_type(code: str, name) -> str:
    OBJECT_TYPES[code] = name
    return code


def object_type_label(code: str) -> str:
    return str(OBJECT_TYPES.get(code, code))


for _code, _name in {
    "unit": _("单位"),
    "unitcategory": _("单位类别"),
    "unitsheet": _("单位表"),
    "user": _("用户"),
    "leader": _("市级领导"),
    "calendaroverride": _("工作日调整"),
    "calendaryear": _("年度节假日安排"),
    "seed": _("演示数据"),
    "address": _("网络地址"),
    "securitypolicy": _("安全策略"),
}.items():
    register_object_type(_code, _name)


for _code, _label in {
    "auth.login": _("登录成功"),
    "auth.login_failed": _("登录失败"),
    "auth.locked_out": _("账号锁定"),
    "auth.logout": _("退出登录"),
    "auth.idle_logout": _("超时退出"),
    "auth.password_changed": _("修改密码"),
    "auth.unlocked": _("解除账号锁定"),
    "auth.password_reset": _("重置密码"),
    "auth.token_created": _("创建接口令牌"),
    "auth.token_revoked": _("吊销接口令牌"),
    "auth.mfa_enrolled": _("启用双因素认证"),
    "auth.mfa_failed": _("动态验证码错误"),
    "auth.mfa_disabled": _("停用双因素认证"),
    "auth.mfa_reset": _("重置双因素认证"),
    "auth.recovery_codes_generated": _("生成恢复码"),
    "auth.recovery_code_used": _("使用恢复码"),
    "auth.tokens_revoked": _("作废用户的全部接口令牌"),
    "auth.address_throttled": _("暂停失败过多地址的登录"),
    "auth.token_refused": _("拒绝签发接口令牌"),
    "auth.policy_updated": _("修改安全策略"),
    "user.create": _("新增用户"),
    "user.update": _("修改用户"),
    "user.deactivate": _("停用用户"),
    "user.activate": _("启用用户"),
    "user.role_grant": _("授予角色"),
    "user.role_revoke": _("撤销角色"),
    "user.post_add": _("新增兼职"),
    "user.post_remove": _("撤销兼职"),
    "unit.create": _("新增单位"),
    "unit.update": _("修改单位"),
    "unit.deactivate": _("停用单位"),
    "unit.activate": _("启用单位"),
    "unit.import": _("导入单位表"),
    "category.create": _("新增单位类别"),
    "leader.create": _("新增市级领导"),
    "leader.update": _("修改市级领导"),
    "leader.area_set": _("调整分管"),
    "calendar.override_set": _("设置工作日调整"),
    "calendar.override_remove": _("删除工作日调整"),
    "calendar.year_set": _("录入年度节假日安排"),
    "seed.load": _("生成演示数据"),
    "audit.checkpoint": _("审计检查点"),
    "access.denied": _("拒绝访问"),
    "access.denied_summary": _("拒绝访问汇总"),
    "file.downloaded": _("下载文件"),
    "export.downloaded": _("下载导出表"),
}.items():
    register(_code, _label)
