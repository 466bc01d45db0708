"""The collective discussion (集体讨论, LEGAL_RULES A12, A13, A16, A10's urgency flag).

- `packet_build`: `in_review → ready` once every gate of Step.MEETING passes and the Art. 29
  packet (packet.packet_entries) is complete.
- `meeting_create`: a 常务会议 or 全体会议 of the decision organ; 传阅会签 is refused (A13).
- `agenda_add`: a `ready` decision onto a meeting, the gates re-run at that moment (A9, A12,
  A16), the A10 minimum review time checked against the meeting date; the packet is frozen.
- `position_record`, `head_decide`: each member's position first, the head's decision last
  (with reasons when it goes against the majority); the outcome moves the decision.
- `meeting_sign_off`: the record becomes append-only.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions import gates, permissions
from ganchao.decisions.choices import (
    ACCEPTED_MEETING_TYPES,
    HeadDecision,
    MeetingState,
    MeetingType,
    Position,
    State,
    Step,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import AgendaItem, Meeting, MemberPosition
from ganchao.decisions.packet import packet_json, packet_missing
from ganchao.decisions.services.base import lock, move, now, record, require, require_office
from ganchao.orgs.choices import UnitType

__all__ = [
    "agenda_add",
    "head_decide",
    "meeting_create",
    "meeting_sign_off",
    "packet_build",
    "position_record",
]

ORGAN_TYPES = {UnitType.PROVINCE, UnitType.CITY, UnitType.DISTRICT}

register("decision.packet_build", _("生成集体讨论材料清单"))
register("decision.meeting_create", _("安排决策会议"))
register("decision.agenda_add", _("列入会议议题"))
register("decision.position_record", _("登记组成人员意见"))
register("decision.head_decide", _("登记行政首长决定"))
register("decision.meeting_sign_off", _("签发会议记录"))
register("decision.meeting_outcome", _("集体讨论结果：作出决定或不予通过"))


def _meeting_target(meeting) -> Target:
    return Target("decisionmeeting", str(meeting.pk), meeting.title[:300])


def _blocked(step_label: str, missing: list[tuple[str, str]]) -> ProcedureBlocked:
    return ProcedureBlocked.of(step_label, [gates.Blocker(rule, msg) for rule, msg in missing])


def _complete_packet(decision) -> list[dict]:
    """require(Step.MEETING), then the packet; a missing required item refuses (A12)."""
    from ganchao.decisions.selectors_meeting import decision_packet

    require(decision, Step.MEETING)
    entries = decision_packet(decision)
    missing = packet_missing(entries)
    if missing:
        raise _blocked(str(Step.MEETING.label), missing)
    return packet_json(entries)


def packet_build(*, actor, decision) -> list[dict]:
    """in_review → ready: the legality review passed and the Art. 29 packet is complete
    (A6, A8, A9, A12, A16). Answers the packet (JSON-ready entries)."""
    with transaction.atomic():
        decision = lock(decision)
        if not permissions.runs_procedures(actor, decision):
            raise Forbidden(_("只有决策承办单位或政府办公室可以生成会议材料"))
        if decision.state not in (State.IN_REVIEW, State.READY):
            if decision.state in (State.LAUNCHED, State.ADJUSTING):
                raise ProcedureBlocked.rule("A9", _("未经合法性审查"))
            raise Conflict(
                _("决策当前状态为“%(state)s”，不能生成集体讨论材料")
                % {"state": State(decision.state).label}
            )
        packet = _complete_packet(decision)
        if decision.state == State.IN_REVIEW:
            move(actor=actor, decision=decision, to=State.READY, action="decision.packet_build")
        else:
            record(actor=actor, decision=decision, action="decision.packet_build")
    return packet


def meeting_create(
    *, actor, owner, kind: str, title: str, held_on: dt.date, chaired_by: str
) -> Meeting:
    """A 常务会议 or 全体会议 (office only). 传阅会签 is refused: A13."""
    require_office(actor)
    if kind == MeetingType.CIRCULATION:
        raise ProcedureBlocked.rule(
            "A13", _("重大行政决策须经常务会议或全体会议讨论，不得以传阅会签代替")
        )
    if kind not in ACCEPTED_MEETING_TYPES:
        raise ValidationFailed.on("kind", _("会议类型无效"))
    title = (title or "").strip()
    chaired_by = (chaired_by or "").strip()
    if owner is None or owner.type not in ORGAN_TYPES:
        raise ValidationFailed.on("owner", _("决策机关须为市、区（县）或省人民政府"))
    if not title:
        raise ValidationFailed.on("title", _("请填写会议名称"))
    if not isinstance(held_on, dt.date):
        raise ValidationFailed.on("held_on", _("请填写会议日期"))
    if not chaired_by:
        raise ValidationFailed.on("chaired_by", _("请填写主持会议的行政首长"))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            owner=owner,
            kind=kind,
            title=title[:200],
            held_on=held_on,
            chaired_by=chaired_by[:50],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="decision.meeting_create",
            target=_meeting_target(meeting),
            changes={"kind": {"before": None, "after": kind}, "held_on": str(held_on)},
        )
    return meeting


def _lock_meeting(meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("owner").get(pk=meeting.pk)
    )


def _require_open(meeting) -> None:
    if meeting.state == MeetingState.SIGNED_OFF:
        raise Conflict(_("会议记录已签发，不得修改（只能追加说明）"))


def agenda_add(*, actor, meeting, decision) -> AgendaItem:
    """Put a `ready` decision on the meeting's agenda (office). The gates are re-run now (A9,
    A12, A16); a meeting before the review's earliest date needs the review's urgency reason
    and is flagged (A10). The packet and the legal risk statement are frozen on the item."""
    from ganchao.decisions.selectors_meeting import latest_review

    require_office(actor)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        decision = lock(decision)
        _require_open(meeting)
        if decision.owner_id != meeting.owner_id:
            raise ValidationFailed.on("decision_id", _("该决策不属于本次会议的决策机关"))
        packet = _complete_packet(decision)
        if decision.state != State.READY:
            raise Conflict(
                _("只有“待集体讨论”的决策可以列入会议议题（当前为“%(state)s”）")
                % {"state": State(decision.state).label}
            )
        pending = AgendaItem.objects.filter(decision=decision).filter(
            head_decision__in=["", HeadDecision.ADOPT, HeadDecision.ADOPT_WITH_CHANGES]
        )
        if decision.procedures_since:
            pending = pending.filter(added_at__gte=decision.procedures_since)
        if pending.exists():
            raise Conflict(_("该决策已列入会议议题，尚待行政首长作出决定"))
        review = latest_review(decision)
        urgency = ""
        if review and review.earliest_meeting_on and meeting.held_on < review.earliest_meeting_on:
            urgency = review.urgency_reason.strip()
            if not urgency:
                raise ProcedureBlocked.rule(
                    "A10",
                    _("会议日期早于%(day)s，留给合法性审查的时间不足7个工作日，须说明紧急情况")
                    % {"day": review.earliest_meeting_on.isoformat()},
                )
        seq = (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("seq"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            decision=decision,
            seq=seq,
            packet=packet,
            legal_risk_statement=review.legal_risk_statement if review else "",
            urgency_flag=urgency,
            added_by=actor,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.agenda_add",
            changes={"meeting": {"before": None, "after": meeting.title}, "seq": seq},
            reason=urgency,
        )
    return item


def _lock_item(item):
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("decision")
        .get(pk=item.pk)
    )
    meeting = _lock_meeting(item.meeting)
    item.meeting = meeting
    return item


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def position_record(
    *,
    actor,
    item,
    member: str,
    position: str,
    member_title: str = "",
    remarks: str = "",
    recorded_at: dt.datetime | None = None,
) -> MemberPosition:
    """One member's position (office, the meeting's secretary). Never after the head's
    decision (A13); `recorded_at` may back-date a paper record, not into the future, not before
    the meeting day."""
    require_office(actor)
    member = (member or "").strip()
    if not member:
        raise ValidationFailed.on("member", _("请填写组成人员姓名"))
    if position not in Position.values:
        raise ValidationFailed.on("position", _("意见无效"))
    at = _local(recorded_at) if recorded_at else now()
    with transaction.atomic():
        item = _lock_item(item)
        _require_open(item.meeting)
        if item.head_decision or item.head_decided_at:
            raise ProcedureBlocked.rule(
                "A13", _("行政首长已作出决定，不得再登记组成人员意见（行政首长应最后发言）")
            )
        if at > now() + dt.timedelta(minutes=1):
            raise ValidationFailed.on("recorded_at", _("发言时间不能晚于当前时间"))
        if timezone.localtime(at).date() < item.meeting.held_on:
            raise ValidationFailed.on("recorded_at", _("发言时间不能早于会议日期"))
        try:
            with transaction.atomic():
                row = MemberPosition.objects.create(
                    item=item,
                    member=member[:50],
                    member_title=(member_title or "").strip()[:100],
                    position=position,
                    remarks=(remarks or "").strip(),
                    recorded_at=at,
                    recorded_by=actor,
                )
        except IntegrityError:
            raise ValidationFailed.on(
                "member", _("%(member)s的意见已登记") % {"member": member}
            ) from None
        if item.meeting.state == MeetingState.SCHEDULED:
            item.meeting.state = MeetingState.HELD
            item.meeting.save(update_fields=["state"])
        record(
            actor=actor,
            decision=item.decision,
            action="decision.position_record",
            changes={"member": member, "position": position, "recorded_at": at.isoformat()},
        )
    return row


def head_decide(
    *,
    actor,
    item,
    head_name: str,
    decision: str,
    reason: str = "",
    decided_at: dt.datetime | None = None,
) -> AgendaItem:
    """The head's decision, last (A13): after at least one member's position, timed after every
    one of them; against the majority (agree + agree with changes vs disagree, abstentions not
    counted) only with reasons. adopt → decided, reject → rejected, defer → stays ready."""
    from ganchao.decisions.selectors_meeting import tally

    head_name = (head_name or "").strip()
    reason = (reason or "").strip()
    if decision not in HeadDecision.values:
        raise ValidationFailed.on("decision", _("行政首长决定无效"))
    if not head_name:
        raise ValidationFailed.on("head_name", _("请填写行政首长姓名"))
    with transaction.atomic():
        item = _lock_item(item)
        subject = lock(item.decision)
        if not (permissions.is_office(actor) or permissions.is_head(actor, subject)):
            raise Forbidden(_("只有政府办公室或行政首长可以登记行政首长的决定"))
        _require_open(item.meeting)
        if item.head_decision:
            raise Conflict(_("行政首长已对该议题作出决定"))
        if subject.state != State.READY:
            raise Conflict(
                _("决策当前状态为“%(state)s”，不能作出决定") % {"state": State(subject.state).label}
            )
        positions = list(item.positions.all())
        if not positions:
            raise ProcedureBlocked.rule(
                "A13", _("组成人员尚未发表意见，行政首长应在集体讨论后最后发言")
            )
        at = _local(decided_at) if decided_at else now()
        if at > now() + dt.timedelta(minutes=1):
            raise ValidationFailed.on("decided_at", _("决定时间不能晚于当前时间"))
        if any(p.recorded_at > at for p in positions):
            raise ProcedureBlocked.rule(
                "A13", _("行政首长的决定须在全体组成人员发言之后（不得早于任何一名组成人员的意见）")
            )
        majority = tally(positions)["majority"]
        adopts = decision in (HeadDecision.ADOPT, HeadDecision.ADOPT_WITH_CHANGES)
        against = (adopts and majority == "disagree") or (
            decision == HeadDecision.REJECT and majority == "agree"
        )
        if against and not reason:
            raise ProcedureBlocked.rule("A13", _("行政首长的决定与多数意见不一致，须说明理由"))
        item.head_name = head_name[:50]
        item.head_decision = decision
        item.head_reason = reason
        item.head_decided_at = at
        item.save(update_fields=["head_name", "head_decision", "head_reason", "head_decided_at"])
        if item.meeting.state == MeetingState.SCHEDULED:
            item.meeting.state = MeetingState.HELD
            item.meeting.save(update_fields=["state"])
        record(
            actor=actor,
            decision=subject,
            action="decision.head_decide",
            changes={"head_decision": {"before": None, "after": decision}, "majority": majority},
            reason=reason,
        )
        if adopts:
            require(subject, Step.DECIDE)
            move(
                actor=actor,
                decision=subject,
                to=State.DECIDED,
                action="decision.meeting_outcome",
                extra={"decided_at": at},
            )
        elif decision == HeadDecision.REJECT:
            move(
                actor=actor, decision=subject, to=State.REJECTED, action="decision.meeting_outcome"
            )
    return item


def meeting_sign_off(*, actor, meeting) -> Meeting:
    """held → signed_off (office): every agenda item has the head's decision; afterwards the
    record is append-only."""
    require_office(actor)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.state == MeetingState.SIGNED_OFF:
            raise Conflict(_("会议记录已签发"))
        items = list(meeting.agenda.all())
        if not items:
            raise Conflict(_("会议没有议题，不能签发记录"))
        undecided = [i.seq for i in items if not i.head_decision]
        if undecided:
            raise Conflict(
                _("议题%(seqs)s尚无行政首长的决定，不能签发记录")
                % {"seqs": "、".join(str(s) for s in undecided)}
            )
        meeting.state = MeetingState.SIGNED_OFF
        meeting.signed_off_by = actor
        meeting.signed_off_at = now()
        meeting.save(update_fields=["state", "signed_off_by", "signed_off_at"])
        audit_record(
            actor=actor,
            action="decision.meeting_sign_off",
            target=_meeting_target(meeting),
            changes={"state": {"before": MeetingState.HELD, "after": MeetingState.SIGNED_OFF}},
        )
    return meeting
