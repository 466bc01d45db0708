"""What the goal services share: audit codes, the role check, transition refusals, number
parsing and the status recompute hook."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.goals.precision import may_be_negative
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

for _code, _name in {
    "plan": gettext_lazy("年度计划"),
    "item": gettext_lazy("目标任务"),
    "assignment": gettext_lazy("任务分解"),
    "report": gettext_lazy("进展报送"),
    "evidence": gettext_lazy("佐证材料"),
    "adjustment": gettext_lazy("目标调整"),
}.items():
    register_object_type(_code, _name)

for _code, _label in {
    "plan.create": gettext_lazy("新建年度计划"),
    "plan.issue": gettext_lazy("下达年度计划"),
    "plan.close": gettext_lazy("结束年度计划"),
    "item.create": gettext_lazy("新增目标任务"),
    "item.update": gettext_lazy("修改目标任务"),
    "assignment.create": gettext_lazy("新增任务分解"),
    "assignment.update": gettext_lazy("修改任务分解"),
    "report.save_draft": gettext_lazy("保存进展草稿"),
    "report.submit": gettext_lazy("报送进展"),
    "report.accept": gettext_lazy("审核通过进展"),
    "report.return": gettext_lazy("退回进展"),
    "report.correct": gettext_lazy("更正进展"),
    "evidence.add": gettext_lazy("上传佐证材料"),
    "evidence.integrity_failed": gettext_lazy("佐证材料校验失败"),
    "adjustment.request": gettext_lazy("申请目标调整"),
    "adjustment.approve": gettext_lazy("批准目标调整"),
    "adjustment.reject": gettext_lazy("不予批准目标调整"),
}.items():
    register(_code, _label)

TARGET_FIELDS = ("target", "q1", "q2", "q3", "q4")
MAX_VALUE = Decimal("1e15")


def require_office(actor) -> None:
    if actor is not None and not scope_of(actor).has(Role.OFFICE):
        raise Forbidden(_("只有督查室可以办理此事项"))


def check_version(obj, expected_version, what: str) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict(
            _("该%(what)s已被他人修改，请刷新页面查看最新内容后重试（您的修改未保存）")
            % {"what": what}
        )


def refuse_transition(kind: str, current_label, action) -> Conflict:
    return Conflict(
        _("该%(kind)s当前状态为“%(state)s”，不能%(action)s")
        % {"kind": kind, "state": current_label, "action": action}
    )


def to_decimal(raw, field: str, label: str, *, required: bool = False) -> Decimal | None:
    """A number typed or imported: thousands separators allowed; anything else is an error."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValidationFailed.on(field, _("请填写%(label)s") % {"label": label})
        return None
    try:
        value = Decimal(str(raw).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValidationFailed.on(field, _("%(label)s不是数字") % {"label": label}) from None
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise ValidationFailed.on(field, _("%(label)s超出允许范围") % {"label": label})
    return value.quantize(Decimal("0.0001"))


def negative_count_error(value, name: str, measure_unit: str) -> str | None:
    """Why a reported value is refused when it is a count of whole things below zero
    (precision.may_be_negative), else None: one rule for the form, the API and the sheet."""
    if value is None or value >= 0 or may_be_negative(name, measure_unit):
        return None
    return _("本期数值以“%(unit)s”计，不能为负数") % {"unit": measure_unit}


def text_of(value) -> str:
    """A stored value as the text kept in an adjustment row (old and new values)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def recompute(assignment_ids, *, at=None) -> None:
    """Refresh the derived status of the assignments (derived data, not audited)."""
    ids = [pk for pk in assignment_ids if pk]
    if not ids:
        return
    from ganchao.goals import status  # imported here: status imports the models' whole app

    status.recompute_assignments(ids, at=at)
