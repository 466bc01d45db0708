"""Writes of levels 3–5 of the ladder done by people: the office issues or dismisses a proposed
督办单 (taking a 文号 from the gap-free counter), the unit answers in writing, the office accepts
or returns the answer; the leader in charge (or the office) records a 约谈 as held or dismisses
it. Each verb is one transaction with its audit event; refused transitions say why.

`at` defaults to the clock; tests and the CLI pass explicit moments.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.ladder.choices import (
    NOTICE_TRANSITIONS,
    TALK_TRANSITIONS,
    DocumentType,
    NoticeState,
    ResponseState,
)
from ganchao.ladder.documents import document_number, plain_date
from ganchao.ladder.matters import notice_response_due as matter_notice_due
from ganchao.ladder.models import DocumentCounter, NoticeResponse, SupervisionNotice, TalkProposal
from ganchao.notifications.recipients import leaders_in_charge
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.orgs.selectors import unit_contacts

NOTICE_RESPONSE_WORKING_DAYS = 5
MAX_TEXT = 5000
UNIT_ROLES = (Role.LIAISON, Role.UNIT_HEAD)

register("notice.issue", _("签发督办单"))
register("notice.dismiss", _("不予督办"))
register("notice.respond", _("书面回复督办单"))
register("notice.accept", _("认可督办回复"))
register("notice.return", _("退回督办回复"))
register("talk.hold", _("记录约谈"))
register("talk.dismiss", _("不予约谈"))
register_object_type("notice", _("督办单"))
register_object_type("talk", _("约谈"))


def number_take(doc_type: str, year: int) -> int:
    """The next 文号 sequence for (type, year). Must run inside the issuing transaction: the
    counter row stays locked until it commits, and a rollback gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the issuing transaction")
    counter = DocumentCounter.objects.select_for_update().filter(type=doc_type, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(type=doc_type, year=year, last_number=0)
        except IntegrityError:
            pass  # another issuer created it first; lock theirs
        counter = DocumentCounter.objects.select_for_update().get(type=doc_type, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _now(at: dt.datetime | None) -> dt.datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("ladder services need an aware datetime")
    return at


def _clean_text(value, field: str, label: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.on(field, _("%(label)s：请填写") % {"label": label})
    if len(text) > MAX_TEXT:
        raise ValidationFailed.on(
            field, _("%(label)s：不能超过%(n)d字") % {"label": label, "n": MAX_TEXT}
        )
    return text


def _notice_for_change(actor, notice_id: int, verb: str, *, office: bool) -> SupervisionNotice:
    """The notice locked for a transition; "missing" and "not yours" are the same NotFound."""
    scope = scope_of(actor)
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("unit", "assignment__item", "matter")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or not scope.covers_path(notice.unit.path):
        raise NotFound(_("督办单不存在"))
    if not scope.reads_all and notice.state not in NOTICE_STATES_SEEN_BY_UNITS:
        raise NotFound(_("督办单不存在"))
    if office and not scope.has(Role.OFFICE):
        raise Forbidden(_("只有督查室可以办理此操作"))
    if not office and not scope.covers_path(notice.unit.path, write=True):
        raise Forbidden(_("只有被督办单位可以回复督办单"))
    if notice.state not in NOTICE_TRANSITIONS[verb]:
        raise Conflict(
            _("督办单当前状态为“%(state)s”，不能办理此操作") % {"state": notice.get_state_display()}
        )
    return notice


NOTICE_STATES_SEEN_BY_UNITS = (
    NoticeState.ISSUED,
    NoticeState.ANSWERED,
    NoticeState.RETURNED,
    NoticeState.ACCEPTED,
)


def _move(notice: SupervisionNotice, verb: str) -> str:
    before = notice.state
    notice.state = NOTICE_TRANSITIONS[verb][before]
    return before


@transaction.atomic
def notice_issue(
    *, actor, notice_id: int, content: str | None = None, at: dt.datetime | None = None
) -> SupervisionNotice:
    """The office issues a proposed 督办单: 文号 from the one yearly counter (assignments and
    matters alike), response due in 5 working days — for a matter min(its tier deadline, 5
    working days) — and the unit told."""
    at = _now(at)
    notice = _notice_for_change(actor, notice_id, "issue", office=True)
    if content is not None:
        notice.content = _clean_text(content, "content", _("督办内容"))
    day = timezone.localtime(at).date()
    before = _move(notice, "issue")
    seq = number_take(DocumentType.NOTICE, day.year)
    notice.number_year, notice.number_seq = day.year, seq
    notice.number = document_number(DocumentType.NOTICE, day.year, seq)
    notice.issued_at, notice.issued_by, notice.issuer_unit_id = at, actor, actor.unit_id
    cal = workdays.current_calendar()
    if notice.matter_id:
        notice.response_due = matter_notice_due(notice.matter, at, cal)
    else:
        notice.response_due = cal.add_working_days(day, NOTICE_RESPONSE_WORKING_DAYS)
    notice.save(
        update_fields=[
            "state", "content", "number", "number_year", "number_seq", "issued_at",
            "issued_by", "issuer_unit", "response_due",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="notice.issue",
        target=Target.of(notice, "notice"),
        changes=diff(
            {"state": before, "number": None},
            {"state": notice.state, "number": notice.number, "response_due": notice.response_due},
        ),
    )
    notify_unit(
        notice,
        _("督办单 %(number)s") % {"number": notice.number},
        _("请于%(due)s前书面回复：%(title)s")
        % {"due": plain_date(notice.response_due), "title": notice.title},
        at,
    )
    notify_leaders(
        notice,
        _("分管单位督办单 %(number)s：%(unit)s")
        % {"number": notice.number, "unit": notice.unit.name},
        _("%(unit)s须于%(due)s前书面回复：%(title)s")
        % {"unit": notice.unit.name, "due": plain_date(notice.response_due), "title": notice.title},
        at,
    )
    return notice


@transaction.atomic
def notice_dismiss(
    *, actor, notice_id: int, reason: str, at: dt.datetime | None = None
) -> SupervisionNotice:
    """The office declines a proposal; the row stays, so its cause never fires again."""
    at = _now(at)
    notice = _notice_for_change(actor, notice_id, "dismiss", office=True)
    text = _clean_text(reason, "reason", _("不予督办理由"))
    before = _move(notice, "dismiss")
    notice.dismissed_at, notice.dismissed_by, notice.dismiss_reason = at, actor, text
    notice.save(update_fields=["state", "dismissed_at", "dismissed_by", "dismiss_reason"])
    audit_record(
        actor=actor,
        action="notice.dismiss",
        target=Target.of(notice, "notice"),
        changes=diff({"state": before}, {"state": notice.state}),
        reason=text,
    )
    return notice


@transaction.atomic
def notice_respond(
    *, actor, notice_id: int, text: str, at: dt.datetime | None = None
) -> NoticeResponse:
    """The unit answers a 督办单 (or answers again after a return) in writing."""
    at = _now(at)
    notice = _notice_for_change(actor, notice_id, "respond", office=False)
    body = _clean_text(text, "text", _("书面回复"))
    before = _move(notice, "respond")
    notice.save(update_fields=["state"])
    response = NoticeResponse.objects.create(
        notice=notice, text=body, submitted_by=actor, submitted_at=at
    )
    audit_record(
        actor=actor,
        action="notice.respond",
        target=Target.of(notice, "notice"),
        changes=diff({"state": before}, {"state": notice.state, "response": body}),
    )
    return response


def _pending_response(notice: SupervisionNotice) -> NoticeResponse:
    return notice.responses.filter(state=ResponseState.SUBMITTED).order_by("-id").first()


@transaction.atomic
def notice_accept(
    *, actor, notice_id: int, note: str = "", at: dt.datetime | None = None
) -> SupervisionNotice:
    """The office accepts the unit's written response; the notice is answered."""
    at = _now(at)
    notice = _notice_for_change(actor, notice_id, "accept", office=True)
    text = _clean_text(note, "note", _("审核意见"), required=False)
    before = _move(notice, "accept")
    notice.accepted_response_at = at
    notice.save(update_fields=["state", "accepted_response_at"])
    response = _pending_response(notice)
    response.state, response.decided_by, response.decided_at = ResponseState.ACCEPTED, actor, at
    response.decision_note = text
    response.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="notice.accept",
        target=Target.of(notice, "notice"),
        changes=diff({"state": before}, {"state": notice.state}),
        reason=text,
    )
    return notice


@transaction.atomic
def notice_return(
    *, actor, notice_id: int, reason: str, at: dt.datetime | None = None
) -> SupervisionNotice:
    """The office returns an inadequate response; the due date does not move."""
    at = _now(at)
    notice = _notice_for_change(actor, notice_id, "return", office=True)
    text = _clean_text(reason, "reason", _("退回理由"))
    before = _move(notice, "return")
    notice.save(update_fields=["state"])
    response = _pending_response(notice)
    response.state, response.decided_by, response.decided_at = ResponseState.RETURNED, actor, at
    response.decision_note = text
    response.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="notice.return",
        target=Target.of(notice, "notice"),
        changes=diff({"state": before}, {"state": notice.state}),
        reason=text,
    )
    notify_unit(
        notice,
        _("督办回复被退回：%(number)s") % {"number": notice.number},
        _("退回理由：%(reason)s。请于%(due)s前重新回复。")
        % {"reason": text, "due": plain_date(notice.response_due)},
        at,
    )
    return notice


# ---- 约谈 ------------------------------------------------------------------------------------


def _talk_for_change(actor, talk_id: int, verb: str) -> TalkProposal:
    scope = scope_of(actor)
    talk = (
        TalkProposal.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=talk_id)
        .first()
    )
    is_leader = talk is not None and actor.leader_id and talk.leader_id == actor.leader_id
    if talk is None or not (scope.has(Role.OFFICE) or is_leader):
        raise NotFound(_("约谈建议不存在"))
    if talk.state not in TALK_TRANSITIONS[verb]:
        raise Conflict(
            _("约谈建议当前状态为“%(state)s”，不能办理此操作") % {"state": talk.get_state_display()}
        )
    return talk


@transaction.atomic
def talk_hold(
    *, actor, talk_id: int, held_on: dt.date | None, notes: str, at: dt.datetime | None = None
) -> TalkProposal:
    """The leader in charge (or the office) records the 约谈 as held, with its date and notes."""
    at = _now(at)
    talk = _talk_for_change(actor, talk_id, "hold")
    if held_on is None:
        raise ValidationFailed.on("held_on", _("约谈日期：请填写"))
    if held_on < talk.bulletin.dated or held_on > timezone.localtime(at).date():
        raise ValidationFailed.on("held_on", _("约谈日期：须在通报日期之后、不晚于今天"))
    text = _clean_text(notes, "notes", _("约谈情况"))
    before = talk.state
    talk.state = TALK_TRANSITIONS["hold"][before]
    talk.held_on, talk.notes, talk.decided_by, talk.decided_at = held_on, text, actor, at
    talk.save(update_fields=["state", "held_on", "notes", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="talk.hold",
        target=Target.of(talk, "talk"),
        changes=diff({"state": before}, {"state": talk.state, "held_on": held_on}),
    )
    return talk


@transaction.atomic
def talk_dismiss(
    *, actor, talk_id: int, reason: str, at: dt.datetime | None = None
) -> TalkProposal:
    at = _now(at)
    talk = _talk_for_change(actor, talk_id, "dismiss")
    text = _clean_text(reason, "reason", _("不予约谈理由"))
    before = talk.state
    talk.state = TALK_TRANSITIONS["dismiss"][before]
    talk.notes, talk.decided_by, talk.decided_at = text, actor, at
    talk.save(update_fields=["state", "notes", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="talk.dismiss",
        target=Target.of(talk, "talk"),
        changes=diff({"state": before}, {"state": talk.state}),
        reason=text,
    )
    return talk


# ---- notifications ---------------------------------------------------------------------------


def unit_users(unit_ids: set[int]) -> dict[int, list]:
    """Liaisons and unit heads of each unit (own unit or an active post)."""
    return unit_contacts(unit_ids, UNIT_ROLES)


def notify_leaders(notice: SupervisionNotice, title: str, body: str, at) -> None:
    """The leaders in charge of the notice's unit on the day it is issued."""
    url = f"/ladder/notices/{notice.pk}/"
    day = timezone.localtime(at).date()
    entries = [
        (user, {"title": title[:200], "body": body, "url": url, "kind": "notice"})
        for user in leaders_in_charge({notice.unit_id}, day).get(notice.unit_id, [])
    ]
    notifications_create_many(entries, at=at)


def notify_unit(notice: SupervisionNotice, title: str, body: str, at) -> None:
    url = f"/ladder/notices/{notice.pk}/"
    entries = [
        (user, {"title": title, "body": body, "url": url, "kind": "notice"})
        for user in unit_users({notice.unit_id}).get(notice.unit_id, [])
    ]
    notifications_create_many(entries, at=at)
