"""The workflow steps after 交办: 签收, 转办, 反馈, 延期, 退办, 办结, 销号 and 再批示.
Access rules and helpers live in matter_services."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.models import Unit
from ganchao.supervision import matter_attachments as attachments
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import (
    FINAL_FEEDBACK_TARGET,
    MATTER_TRANSITIONS,
    RECEIPT_TARGET,
    ExtensionState,
    FeedbackKind,
    HandlingRole,
    MatterState,
    Urgency,
)
from ganchao.supervision.matter_services import (
    _audit,
    _event,
    _matter_for_change,
    _milestones,
    _notify_issuer,
    _notify_office,
    _notify_units,
    _now,
    _save,
    _text,
    check_step,
    handler_hop,
    own_unit_ids,
)
from ganchao.supervision.models import Matter, MatterExtension, MatterFeedback, MatterHop


def _handler(actor, matter, verb, unit_id=None) -> MatterHop:
    hop = handler_hop(actor, matter, unit_id)
    check_step(verb, matter, actor, hop)
    return hop


# ---- 签收 and 转办 ---------------------------------------------------------------------------


@transaction.atomic
def matter_receive(
    *, actor, matter_id: int, unit_id=None, at: dt.datetime | None = None
) -> MatterHop:
    """签收 for the actor's unit; the lead unit's receipt starts the handling."""
    at = _now(at)
    matter = _matter_for_change(actor, matter_id)
    hop = _handler(actor, matter, "receive", unit_id)
    if hop.received_at is not None:
        raise Conflict(_("本单位已签收该事项，不能重复签收"))
    hop.received_at, hop.received_by = at, actor
    hop.save(update_fields=["received_at", "received_by"])
    if hop.role == HandlingRole.LEAD and matter.received_at is None:
        matter.received_at = at
        fields = ["received_at"]
        if matter.state == MatterState.ASSIGNED:
            matter.state = RECEIPT_TARGET
            fields.append("state")
        _save(matter, *fields)
    _event(matter, "receive", actor, at, hop.person, unit=hop.to_unit)
    _audit(actor, "receive", matter, {"received_at": {"before": None, "after": at}})
    return hop


def _check_forward_target(matter: Matter, from_unit: Unit, to_unit: Unit) -> None:
    """转办 goes down the tree only: to the forwarding unit's own subordinate units. A unit
    already on the matter (a co-handling unit among them) is not forwarded to again."""
    on_matter = {h.to_unit_id: h for h in matter.hops.all()}
    if to_unit.pk in on_matter:
        if on_matter[to_unit.pk].role == HandlingRole.COOPERATING:
            message = _("转办单位：“%(u)s”是本事项的协办单位，已随交办收到本事项，无需转办")
        else:
            message = _("转办单位：“%(u)s”已在办理该事项")
        raise ValidationFailed.on("to_unit", message % {"u": to_unit.name})
    if to_unit.parent_id != from_unit.pk:
        raise ValidationFailed.on(
            "to_unit",
            _("转办单位：只能转给本单位的下级单位，“%(u)s”不是%(own)s的下级单位")
            % {"u": to_unit.name, "own": from_unit.name},
        )


@transaction.atomic
def matter_forward(
    *,
    actor,
    matter_id: int,
    to_unit: Unit,
    person: str,
    note: str = "",
    unit_id=None,
    at: dt.datetime | None = None,
) -> MatterHop:
    """转办 to a subordinate unit (镇 → 村); the forwarding unit stays answerable."""
    at = _now(at)
    matter = _matter_for_change(actor, matter_id)
    hop = _handler(actor, matter, "forward", unit_id)
    if hop.received_at is None:
        raise Conflict(_("请先签收，再转办"))
    if not isinstance(to_unit, Unit) or not to_unit.active:
        raise ValidationFailed.on("to_unit", _("转办单位：请选择启用中的单位"))
    _check_forward_target(matter, hop.to_unit, to_unit)
    person = _text(person, "person", _("责任人"))[:50]
    note = _text(note, "note", _("转办意见"), required=False)
    cal = workdays.current_calendar()
    new = MatterHop.objects.create(
        matter=matter,
        from_unit=hop.to_unit,
        to_unit=to_unit,
        role=HandlingRole.FORWARDED,
        person=person,
        note=note,
        forwarded_at=at,
        forwarded_by=actor,
        receipt_due=rules.receipt_due(matter.urgency, at, cal),
    )
    _save(matter)
    text = f"{hop.to_unit.name} → {to_unit.name}（{person}）"
    _event(matter, "forward", actor, at, f"{text} {note}".strip(), unit=hop.to_unit)
    _audit(actor, "forward", matter, {"hop": {"before": None, "after": text}})
    _notify_units(matter, [to_unit.pk], _("请签收转办事项"), note or matter.content, at)
    return new


# ---- 反馈 ------------------------------------------------------------------------------------


def names_for(matter: Matter, hop: MatterHop, actor) -> list[str]:
    """Unit and person names a feedback may be padded with: the chain's units and people,
    the answering unit's own subtree, the leader and the author."""
    names = [actor.full_name, actor.username]
    if matter.leader_id:
        names.append(matter.leader.name)
    units = Unit.objects.filter(path__startswith=hop.to_unit.path).values_list("name", "aliases")
    chain = matter.hops.values_list("to_unit__name", "to_unit__aliases", "person")
    for name, aliases in units:
        names += [name, *(aliases or [])]
    for name, aliases, person in chain:
        names += [name, person, *(aliases or [])]
    return [n for n in names if n]


@transaction.atomic
def matter_respond(
    *,
    actor,
    matter_id: int,
    kind: str,
    text: str,
    attachment=None,
    unit_id=None,
    at: dt.datetime | None = None,
) -> MatterFeedback:
    """反馈. A substantive answer stops the response clock (a final one from the lead unit asks
    the office to review completion); a non-substantive one is kept as a note and the unit is
    told why."""
    at = _now(at)
    matter = _matter_for_change(actor, matter_id)
    hop = _handler(actor, matter, "respond", unit_id)
    if kind not in FeedbackKind.values:
        raise ValidationFailed.on("kind", _("反馈类型：请选择"))
    if kind == FeedbackKind.FINAL and hop.role != HandlingRole.LEAD:
        raise Forbidden(_("办结反馈由牵头单位报送，协办和转办单位请报送阶段反馈"))
    if hop.received_at is None:
        raise Conflict(_("请先签收，再反馈"))
    text = _text(text, "text", _("反馈内容"))
    checked = attachments.attachment_check(attachment)
    verdict = rules.judge_feedback(
        text, has_attachment=attachment is not None, names=names_for(matter, hop, actor)
    )
    feedback = MatterFeedback(
        matter=matter,
        unit=hop.to_unit,
        kind=kind,
        text=text,
        substantive=verdict.substantive,
        judgement=verdict.reason,
        created_by=actor,
        created_at=at,
    )
    if checked is not None:
        attachments.attachment_attach(feedback, attachment, checked)
    feedback.save()
    _apply_feedback(matter, feedback, actor, at)
    return feedback


def _apply_feedback(matter: Matter, feedback: MatterFeedback, actor, at) -> None:
    label = feedback.get_kind_display()
    if not feedback.substantive:
        _event(matter, "note", actor, at, feedback.text, unit=feedback.unit)
        _audit(actor, "respond", matter, {"substantive": {"before": None, "after": False}})
        _notify_units(matter, [feedback.unit_id], _("反馈未计为实质性答复"), feedback.judgement, at)
        return
    fields = []
    if matter.responded_at is None:
        matter.responded_at = at
        fields.append("responded_at")
    if matter.first_response_at is None:
        matter.first_response_at = at
        fields.append("first_response_at")
    if matter.urgency == Urgency.LONG_TERM and feedback.kind == FeedbackKind.PROGRESS:
        # a long-term matter answers milestone by milestone: the next one restarts the clock
        next_day = timezone.localtime(at).date() + dt.timedelta(days=1)
        upcoming = rules.response_due(
            matter.urgency, _start_of(next_day), None, _milestones(matter)
        )
        if upcoming is not None:
            matter.response_due, matter.responded_at = upcoming, None
            fields += ["response_due", "responded_at"]
    if feedback.kind == FeedbackKind.FINAL:
        matter.state = FINAL_FEEDBACK_TARGET
        fields.append("state")
    elif matter.state == MatterState.RETURNED:
        matter.state = MatterState.IN_PROGRESS
        fields.append("state")
    _save(matter, *sorted(set(fields)))
    _event(matter, feedback.kind, actor, at, feedback.text, unit=feedback.unit)
    _audit(actor, "respond", matter, {"substantive": {"before": None, "after": True}}, label)
    if feedback.kind == FeedbackKind.FINAL:
        _notify_office(matter, _("请审核办结"), feedback.text, at, kind="matter_feedback")
    else:
        title = _("%(unit)s报送了%(kind)s") % {"unit": feedback.unit.name, "kind": label}
        _notify_office(matter, title, feedback.text, at, kind="matter_feedback")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# ---- 延期 ------------------------------------------------------------------------------------


@transaction.atomic
def matter_request_extension(
    *, actor, matter_id: int, reason: str, until: dt.datetime, unit_id=None, at=None
) -> MatterExtension:
    """申请延期 with a reason; the reason stays on record whatever the decision."""
    at = _now(at)
    matter = _matter_for_change(actor, matter_id)
    hop = _handler(actor, matter, "request_extension", unit_id)
    reason = _text(reason, "reason", _("延期理由"))
    if until is None or timezone.is_naive(until):
        raise ValidationFailed.on("until", _("申请延至：请填写日期"))
    if until <= (matter.response_due or at):
        raise ValidationFailed.on("until", _("申请延至：应晚于当前反馈期限"))
    if matter.extensions.filter(state=ExtensionState.REQUESTED).exists():
        raise Conflict(_("已有待审批的延期申请，请等待审批结果"))
    extension = MatterExtension.objects.create(
        matter=matter,
        unit=hop.to_unit,
        reason=reason,
        requested_due=until,
        requested_by=actor,
        requested_at=at,
    )
    _save(matter)
    _event(matter, "request_extension", actor, at, reason, unit=hop.to_unit)
    _audit(
        actor,
        "request_extension",
        matter,
        {"requested_due": {"before": None, "after": until}},
        reason,
    )
    _notify_office(matter, _("请审批延期申请"), reason, at, kind="extension")
    return extension


@transaction.atomic
def matter_decide_extension(
    *, actor, extension_id: int, approve: bool, note: str = "", at=None
) -> MatterExtension:
    """审批延期 by the office; a unit never approves its own request."""
    at = _now(at)
    extension = MatterExtension.objects.filter(pk=extension_id).first()
    if extension is None:
        raise NotFound(_("延期申请不存在"))
    matter = _matter_for_change(actor, extension.matter_id)
    if extension.unit_id in own_unit_ids(actor):
        raise Forbidden(_("延期申请须由督查部门审批，申请单位不能自行批准"))
    check_step("decide_extension", matter, actor)
    if extension.state != ExtensionState.REQUESTED:
        raise Conflict(_("该延期申请已审批"))
    note = _text(note, "note", _("审批意见"), required=not approve)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decision_note, extension.decided_by, extension.decided_at = note, actor, at
    extension.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    before = matter.response_due
    if approve:
        matter.response_due = extension.requested_due
        _save(matter, "response_due")
    _event(matter, "decide_extension", actor, at, f"{extension.get_state_display()} {note}".strip())
    _audit(
        actor,
        "decide_extension",
        matter,
        {"response_due": {"before": before, "after": matter.response_due}},
        note,
    )
    _notify_units(
        matter,
        [extension.unit_id],
        _("延期申请%(s)s") % {"s": extension.get_state_display()},
        note,
        at,
    )
    return extension


# ---- 退办, 办结, 销号, 再批示 -----------------------------------------------------------------


def _restart_clock(matter: Matter, at) -> None:
    cal = workdays.current_calendar()
    matter.responded_at = None
    matter.response_due = rules.response_due(matter.urgency, at, cal, _milestones(matter))


def _state_step(verb, actor, matter_id, at, text) -> tuple[Matter, str]:
    matter = _matter_for_change(actor, matter_id)
    hop = handler_hop(actor, matter)
    check_step(verb, matter, actor, hop if verb == "complete" else None)
    before = matter.state
    matter.state = MATTER_TRANSITIONS[verb].target
    return matter, before


@transaction.atomic
def matter_return(*, actor, matter_id: int, reason: str, at=None) -> Matter:
    """退办: the feedback is inadequate; the unit must answer again on a fresh clock."""
    at = _now(at)
    reason = _text(reason, "reason", _("退办理由"))
    matter, before = _state_step("return", actor, matter_id, at, reason)
    _restart_clock(matter, at)
    _save(matter, "state", "responded_at", "response_due")
    _finish(matter, "return", actor, at, before, reason)
    _notify_units(matter, [matter.lead_unit_id], _("督办事项被退办"), reason, at)
    return matter


@transaction.atomic
def matter_complete(*, actor, matter_id: int, note: str = "", at=None) -> Matter:
    """办结 after the office has reviewed the final feedback; the leader is asked to close out."""
    at = _now(at)
    note = _text(note, "note", _("审核意见"), required=False)
    matter, before = _state_step("complete", actor, matter_id, at, note)
    matter.completed_at = at
    _save(matter, "state", "completed_at")
    _finish(matter, "complete", actor, at, before, note)
    _notify_issuer(matter, _("督办事项已办结，请销号"), note, at)
    return matter


@transaction.atomic
def matter_close(*, actor, matter_id: int, note: str = "", at=None) -> Matter:
    """销号 by the issuing leader."""
    at = _now(at)
    note = _text(note, "note", _("销号意见"), required=False)
    matter, before = _state_step("close", actor, matter_id, at, note)
    matter.closed_at = at
    _save(matter, "state", "closed_at")
    _finish(matter, "close", actor, at, before, note)
    _notify_units(
        matter,
        list(matter.hops.values_list("to_unit_id", flat=True)),
        _("督办事项已销号"),
        note,
        at,
    )
    return matter


@transaction.atomic
def matter_reopen(*, actor, matter_id: int, instruction: str, at=None) -> Matter:
    """再批示: instead of closing out, the leader adds an instruction and the matter reopens."""
    at = _now(at)
    instruction = _text(instruction, "instruction", _("再批示内容"))
    matter, before = _state_step("reopen", actor, matter_id, at, instruction)
    _restart_clock(matter, at)
    matter.completed_at, matter.reopen_count = None, matter.reopen_count + 1
    _save(matter, "state", "responded_at", "response_due", "completed_at", "reopen_count")
    _finish(matter, "reopen", actor, at, before, instruction)
    _notify_units(matter, [matter.lead_unit_id], _("领导再批示"), instruction, at)
    return matter


def _finish(matter, verb, actor, at, before, text) -> None:
    _event(matter, verb, actor, at, text)
    _audit(actor, verb, matter, {"state": {"before": before, "after": matter.state}}, text)
