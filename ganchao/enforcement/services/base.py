"""What every enforcement service shares: locking the case, moving it along choices.TRANSITIONS,
requiring the gates, and the audit event in the same transaction."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, Forbidden
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates, permissions
from ganchao.enforcement.choices import TRANSITIONS, Stage, Step
from ganchao.enforcement.models import Case

register_object_type("enforcementcase", _("执法案件"))
register_object_type("enforcementagency", _("执法主体"))
register_object_type("enforcementmatter", _("执法事项"))
register_object_type("enforcementofficer", _("执法人员"))


def lock(case) -> Case:
    """The case re-read under a row lock, inside the caller's transaction."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "agency__unit", "matter")
        .get(pk=case.pk)
    )


def target(case) -> Target:
    return Target("enforcementcase", str(case.pk), f"{case.code} {case.title}"[:300])


def record(*, actor, case, action: str, changes=None, reason: str = "", success=True):
    return audit_record(
        actor=actor,
        action=action,
        target=target(case),
        changes=changes or {},
        reason=reason,
        success=success,
    )


def step_label(step: str) -> str:
    return str(Step(step).label)


def require(case, step: str) -> None:
    """Refuse the step with 409 procedure_blocked naming every rule that stops it."""
    from ganchao.enforcement.selectors import case_facts

    found = gates.blockers_for(step, case_facts(case))
    if found:
        raise ProcedureBlocked.of(step_label(step), found)


def move(*, actor, case, to: str, action: str, reason: str = "", extra=None) -> None:
    """Change the stage along an allowed transition, remembering the stages passed."""
    if to not in TRANSITIONS.get(case.stage, set()):
        raise Conflict(
            _("案件当前处于“%(stage)s”环节，不能转入“%(to)s”")
            % {"stage": Stage(case.stage).label, "to": Stage(to).label}
        )
    before = case.stage
    case.stage = to
    visited = list(case.visited or [])
    if to not in visited:
        visited.append(to)
    case.visited = visited
    case.version += 1
    fields = ["stage", "visited", "version", "updated_at"]
    for name, value in (extra or {}).items():
        setattr(case, name, value)
        fields.append(name)
    case.save(update_fields=fields)
    record(
        actor=actor,
        case=case,
        action=action,
        changes={"stage": {"before": before, "after": to}},
        reason=reason,
    )


def require_handler(actor, case) -> None:
    if not permissions.handles(actor, case):
        raise Forbidden(_("只有本执法主体的执法人员可以办理此案件"))


def require_head(actor, case) -> None:
    if not permissions.is_head(actor, case):
        raise Forbidden(_("只有执法机关负责人可以作出决定"))


def require_open(case) -> None:
    if case.stage in (Stage.CLOSED, Stage.WITHDRAWN):
        raise Conflict(_("案件已%(stage)s，不能再办理") % {"stage": Stage(case.stage).label})


def require_stage(case, *stages) -> None:
    if case.stage not in stages:
        raise Conflict(
            _("案件当前处于“%(stage)s”环节，不能办理此项") % {"stage": Stage(case.stage).label}
        )


PLACE_NOISE = re.compile(r"[\s,，。.、·()（）\-—_/]+")


def place_key(place: str) -> str:
    """A place as compared for 屡禁不止 and 监管缺位: without spaces and punctuation."""
    return PLACE_NOISE.sub("", place or "").lower()[:200]


def now():
    return timezone.now()


register("enforcement.case_open", _("执法案件立案"))
register("enforcement.case_update", _("修改执法案件"))
register("enforcement.case_move", _("执法案件转入下一环节"))
register("enforcement.case_withdraw", _("撤销立案"))
register("enforcement.case_close", _("执法案件结案"))
register("enforcement.record_add", _("登记执法文字记录"))
register("enforcement.blocked", _("执法程序被阻止"))
