"""What every decision service shares: locking the decision, checking a transition against
the table of choices.TRANSITIONS, requiring the gates, and writing the audit event."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, Forbidden
from ganchao.decisions import gates, permissions
from ganchao.decisions.choices import FROZEN_STATES, PROCEDURE_STATES, TRANSITIONS, State, Step
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import Decision

register_object_type("decision", _("重大行政决策"))
register_object_type("decisioncatalogue", _("决策事项目录"))
register_object_type("legaladviser", _("法律顾问"))
register_object_type("decisionmeeting", _("决策会议"))


def lock(decision) -> Decision:
    """The decision re-read under a row lock, inside the caller's transaction."""
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("owner", "catalogue_item")
        .get(pk=decision.pk)
    )


def target(decision) -> Target:
    return Target("decision", str(decision.pk), f"{decision.code} {decision.title}"[:300])


def record(*, actor, decision, action: str, changes=None, reason: str = "", success=True):
    return audit_record(
        actor=actor,
        action=action,
        target=target(decision),
        changes=changes or {},
        reason=reason,
        success=success,
    )


def step_label(step: str) -> str:
    return str(Step(step).label)


def require(decision, step: str) -> None:
    """Refuse the step with 409 procedure_blocked naming every rule that stops it. No role has
    an override."""
    from ganchao.decisions.selectors import decision_facts

    found = gates.blockers_for(step, decision_facts(decision))
    if found:
        raise ProcedureBlocked.of(step_label(step), found)


def move(*, actor, decision, to: str, action: str, reason: str = "", extra=None) -> None:
    """Change the state along an allowed transition, with the audit event."""
    if to not in TRANSITIONS.get(decision.state, set()):
        raise Conflict(
            _("决策当前状态为“%(state)s”，不能转为“%(to)s”")
            % {"state": State(decision.state).label, "to": State(to).label}
        )
    before = decision.state
    decision.state = to
    decision.version += 1
    fields = ["state", "version", "updated_at"]
    for name, value in (extra or {}).items():
        setattr(decision, name, value)
        fields.append(name)
    decision.save(update_fields=fields)
    record(
        actor=actor,
        decision=decision,
        action=action,
        changes={"state": {"before": before, "after": to}},
        reason=reason,
    )


def require_procedure_state(decision) -> None:
    """Procedure records are made while launched (or in review, or re-opened by an adjustment)."""
    if decision.state not in PROCEDURE_STATES:
        raise Conflict(
            _("决策当前状态为“%(state)s”，不能再登记程序材料")
            % {"state": State(decision.state).label}
        )


def require_not_frozen(decision) -> None:
    """A14: once decided, the substantive content changes only through suspension or a major
    adjustment."""
    if decision.state in FROZEN_STATES:
        raise Conflict(
            _("决策已作出，实质内容不得直接修改；如需变更，请由行政首长暂停执行或启动重大调整程序")
        )


def require_runs_procedures(actor, decision) -> None:
    if not permissions.runs_procedures(actor, decision):
        raise Forbidden(_("只有决策承办单位或政府办公室可以办理此项程序"))


def require_office(actor) -> None:
    if not permissions.is_office(actor):
        raise Forbidden(_("只有政府办公室（督查室）可以办理此项操作"))


def now():
    return timezone.now()


register("decision.propose", _("提出重大行政决策事项"))
register("decision.update", _("修改重大行政决策事项"))
register("decision.launch", _("启动重大行政决策"))
register("decision.draft_add", _("形成决策草案新版本"))
register("decision.undertakers_set", _("确定决策承办单位"))
register("decision.exempt_participation", _("依法不予公开（免予公众参与）"))
register("decision.file_add", _("上传决策材料"))
register("decision.file_open", _("查阅决策材料"))
register("decision.blocked", _("决策程序被阻止"))
