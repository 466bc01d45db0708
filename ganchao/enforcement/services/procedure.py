"""The procedure after the investigation (B9, B11; 《行政处罚法》 Arts 44, 45, 61–64): the notice of
the proposed penalty, the party's statement or hearing, the head's decision (never heavier than
the notified proposal), delivery of the issued document and execution.

Each verb locks the case, checks who may act, asks the gates, moves the case, writes a text
record in the stage (B6) and its audit event, all in one transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common import workdays
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement.choices import (
    ActionKind,
    DecisionKind,
    DeliveryMethod,
    MatterCategory,
    PartyKind,
    PenaltyKind,
    RecordKind,
    Stage,
    StatementKind,
    Step,
)
from ganchao.enforcement.models import (
    Action,
    CaseDecision,
    CaseRecord,
    Delivery,
    Execution,
    Hearing,
    PartyStatement,
    PenaltyNotice,
    settings_get,
)
from ganchao.enforcement.services.base import (
    lock,
    move,
    record,
    require,
    require_handler,
    require_head,
    require_open,
    require_stage,
)
from ganchao.enforcement.services.core import _decimal, _plain, _text

register("enforcement.notice_serve", _("送达行政处罚事先告知"))
register("enforcement.statement_record", _("登记陈述申辩或听证申请"))
register("enforcement.hearing_schedule", _("安排听证"))
register("enforcement.hearing_hold", _("登记听证举行情况"))
register("enforcement.decide", _("负责人作出执法决定"))
register("enforcement.delivery_record", _("登记决定书送达"))
register("enforcement.execution_record", _("登记执行情况"))
register("enforcement.rectification_verify", _("核实整改情况"))
register("enforcement.preservation_resolve", _("处理先行登记保存的证据"))

# 《行政处罚法》 Art. 63: penalties after which the party may ask for a hearing (besides a fine
# of a 较大数额, read from the B8 thresholds). Confiscation depends on the amount, so it only
# suggests the right and the officer may leave it out.
HEARING_PENALTIES = {
    PenaltyKind.SUSPEND_LICENCE,
    PenaltyKind.REVOKE_LICENCE,
    PenaltyKind.RESTRICT,
    PenaltyKind.STOP_PRODUCTION,
    PenaltyKind.RESTRICT_EMPLOYMENT,
}
HEARING_SUGGESTED = {PenaltyKind.CONFISCATION}

# Which decisions fit which kind of matter.
DECISION_KINDS = {
    MatterCategory.PENALTY: [
        DecisionKind.PENALTY,
        DecisionKind.NO_PENALTY,
        DecisionKind.TRANSFER,
        DecisionKind.OTHER,
    ],
    MatterCategory.PERMIT: [DecisionKind.PERMIT, DecisionKind.PERMIT_DENIED, DecisionKind.OTHER],
    MatterCategory.COMPULSION: [DecisionKind.COMPULSION, DecisionKind.TRANSFER, DecisionKind.OTHER],
}
DECIDE_FROM = (
    Stage.REVIEWED,
    Stage.NOTIFIED,
    Stage.STATEMENT,
    Stage.LEGAL_REVIEW,
    Stage.COLLECTIVE,
)

FINE_PERFORMANCE = (
    "自收到本决定书之日起十五日内缴纳罚款。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，"
    "加处罚款的数额不超过罚款的数额。"
)
REMEDY = (
    "如不服本决定，可以在收到本决定书之日起六十日内向{review_organ}申请行政复议，"
    "或者在六个月内依法向{court}提起行政诉讼。"
)


# ---- small rules ----------------------------------------------------------------------------


def hearing_required(case, settings=None) -> bool:
    """Art. 63: the proposed penalty gives the party the right to ask for a hearing."""
    s = settings or settings_get()
    kinds = set(case.proposed_penalties or [])
    if kinds & HEARING_PENALTIES:
        return True
    fine = case.proposed_fine
    if fine is None or fine <= 0:
        return False
    limit = s.major_fine_person if case.party_kind == PartyKind.PERSON else None
    if case.party_kind == PartyKind.ORGANISATION:
        limit = s.major_fine_organisation
    return limit is not None and fine >= limit


def hearing_suggested(case, settings=None) -> bool:
    return hearing_required(case, settings) or bool(
        set(case.proposed_penalties or []) & HEARING_SUGGESTED
    )


def default_rights(hearing_right: bool, days: int = 5) -> str:
    text = _(
        "当事人有权进行陈述和申辩。当事人提出的事实、理由或者证据成立的，本机关将予以采纳，"
        "不因当事人陈述、申辩而给予更重的处罚。"
    )
    if hearing_right:
        text += _(
            "当事人有权要求听证；要求听证的，应当在收到本告知书之日起%(days)d个工作日内提出，"
            "逾期视为放弃听证权利。"
        ) % {"days": days}
    return text


def hearing_request_due(notice, settings=None) -> dt.date:
    s = settings or settings_get()
    return workdays.add_working_days(notice.served_on, s.hearing_request_working_days)


def hearing_notice_earliest(notified_on: dt.date, settings=None) -> dt.date:
    s = settings or settings_get()
    return workdays.add_working_days(notified_on, s.hearing_notice_working_days)


def latest_notice(case):
    return PenaltyNotice.objects.filter(case=case).order_by("-served_on", "-id").first()


def _date(value, name: str, label: str, *, not_before=None, not_before_label="") -> dt.date:
    if value in (None, ""):
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.on(name, _("%(label)s无效") % {"label": label}) from None
    if value > timezone.localdate():
        raise ValidationFailed.on(name, _("%(label)s不能晚于今天") % {"label": label})
    if not_before and value < not_before:
        raise ValidationFailed.on(
            name,
            _("%(label)s不能早于%(what)s") % {"label": label, "what": not_before_label},
        )
    return value


def _future_date(value, name: str, label: str) -> dt.date:
    """A date that may lie ahead (a hearing's day)."""
    if value in (None, ""):
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.on(name, _("%(label)s无效") % {"label": label}) from None
    return value


def _case_record(case, stage, text, actor, action=None) -> CaseRecord:
    return CaseRecord.objects.create(
        case=case, stage=stage, action=action, text=text, created_by=actor
    )


def _money(amount) -> str:
    return f"{amount:,.2f}"


def penalty_words(penalties, fine) -> str:
    words = [str(PenaltyKind(k).label) for k in penalties]
    if fine is not None and PenaltyKind.FINE in penalties:
        words = [
            _("罚款%(amount)s元") % {"amount": _money(fine)} if k == PenaltyKind.FINE else w
            for k, w in zip(penalties, words, strict=True)
        ]
    return "、".join(words)


def _penalties(values, name="penalties") -> list[str]:
    kinds = list(dict.fromkeys(values or []))
    for kind in kinds:
        if kind not in PenaltyKind.values:
            raise ValidationFailed.on(name, _("处罚种类无效"))
    return kinds


# ---- 1. notice --------------------------------------------------------------------------------


def notice_serve(
    *,
    actor,
    case,
    served_on,
    proposal: str = "",
    facts: str = "",
    rights: str = "",
    hearing_right: bool | None = None,
) -> PenaltyNotice:
    """告知 (Arts 44, 63, 64): the proposed penalty, its facts, reasons and basis and the
    party's rights, served from 审核. The notice keeps the proposal as notified (Art. 62). A
    second notice (a heavier proposal) may be served while the party is still being heard."""
    with transaction.atomic(), workdays.calendar_session():
        case = lock(case)
        require_handler(actor, case)
        require_open(case)
        require_stage(case, Stage.REVIEWED, Stage.NOTIFIED, Stage.STATEMENT)
        if case.matter.category != MatterCategory.PENALTY:
            raise Conflict(_("只有行政处罚案件须事先告知"))
        require(case, Step.NOTIFY)
        served_on = _date(
            served_on,
            "served_on",
            _("告知日期"),
            not_before=case.filed_on,
            not_before_label=_("立案日期"),
        )
        settings = settings_get()
        required = hearing_required(case, settings)
        if hearing_right is None:
            hearing_right = hearing_suggested(case, settings)
        if required and not hearing_right:
            raise ProcedureBlocked.rule(
                "B9",
                _(
                    "拟作出的处罚属于《行政处罚法》第六十三条规定的情形，须告知当事人有要求听证的权利"
                ),
            )
        proposal = _text(proposal or case.proposed_summary, "proposal", _("拟作出的处罚"))
        facts = _text(facts or case.facts, "facts", _("事实、理由和依据"))
        rights = (rights or "").strip() or default_rights(
            hearing_right, settings.hearing_request_working_days
        )
        notice = PenaltyNotice.objects.create(
            case=case,
            served_on=served_on,
            proposal=proposal,
            facts=facts,
            rights=rights,
            hearing_right=hearing_right,
            proposed_penalties=list(case.proposed_penalties or []),
            proposed_fine=case.proposed_fine,
            created_by=actor,
        )
        if case.stage == Stage.REVIEWED:
            move(actor=actor, case=case, to=Stage.NOTIFIED, action="enforcement.case_move")
        _case_record(
            case,
            Stage.NOTIFIED,
            _("已告知当事人拟作出的处罚：%(proposal)s%(hearing)s")
            % {
                "proposal": proposal,
                "hearing": _("（已告知听证权利）") if hearing_right else "",
            },
            actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.notice_serve",
            changes={
                "notice": {"before": None, "after": proposal[:200]},
                "served_on": {"before": None, "after": served_on.isoformat()},
                "hearing_right": {"before": None, "after": hearing_right},
                "proposed_fine": {"before": None, "after": _plain(case.proposed_fine)},
            },
        )
        return notice


# ---- 2. statement, hearing request, waiver ----------------------------------------------------


def statement_record(
    *,
    actor,
    case,
    kind: str,
    received_on,
    text: str = "",
    adopted: bool | None = None,
    handling: str = "",
) -> PartyStatement:
    """The party's statement and defence, a hearing request (within 5 working days of the
    notice, Art. 64), an express waiver, or no word within the period (only once it passed)."""
    if kind not in StatementKind.values:
        raise ValidationFailed.on("kind", _("类型无效"))
    with transaction.atomic(), workdays.calendar_session():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.NOTIFIED, Stage.STATEMENT)
        notice = latest_notice(case)
        if notice is None:
            raise ProcedureBlocked.rule("B9", _("尚未告知当事人，不能登记陈述申辩"))
        received_on = _date(
            received_on,
            "received_on",
            _("收到日期"),
            not_before=notice.served_on,
            not_before_label=_("告知日期"),
        )
        due = hearing_request_due(notice)
        text = (text or "").strip()
        handling = (handling or "").strip()
        if kind == StatementKind.STATEMENT:
            _text(text, "text", _("陈述申辩内容"))
        if kind == StatementKind.HEARING_REQUEST:
            _hearing_request_allowed(case, notice, received_on, due)
        if kind == StatementKind.NONE and received_on <= due:
            raise ProcedureBlocked.rule(
                "B11",
                _("陈述申辩和申请听证的期限至%(due)s届满，期满后才能登记为期限内未陈述申辩")
                % {"due": _day(due)},
            )
        item = PartyStatement.objects.create(
            case=case,
            kind=kind,
            received_on=received_on,
            text=text,
            adopted=adopted if kind == StatementKind.STATEMENT else None,
            handling=handling,
            created_by=actor,
        )
        if kind == StatementKind.HEARING_REQUEST:
            Hearing.objects.create(case=case, requested_on=received_on, created_by=actor)
        if case.stage == Stage.NOTIFIED:
            move(actor=actor, case=case, to=Stage.STATEMENT, action="enforcement.case_move")
        _case_record(case, Stage.STATEMENT, _statement_text(item), actor)
        record(
            actor=actor,
            case=case,
            action="enforcement.statement_record",
            changes={
                "kind": {"before": None, "after": kind},
                "received_on": {"before": None, "after": received_on.isoformat()},
                "adopted": {"before": None, "after": item.adopted},
            },
        )
        return item


def _hearing_request_allowed(case, notice, received_on, due) -> None:
    if not notice.hearing_right:
        raise Conflict(_("告知中未告知听证权利，拟作出的处罚不属于可以要求听证的情形"))
    if received_on > due:
        raise ProcedureBlocked.rule("B11", _("已超过申请听证期限（告知后5个工作日）"))
    if Hearing.objects.filter(case=case, held_on__isnull=True).exists():
        raise Conflict(_("当事人已申请听证，听证尚未举行"))


def _day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _statement_text(item: PartyStatement) -> str:
    label = str(StatementKind(item.kind).label)
    text = f"{_day(item.received_on)}，{label}"
    if item.text:
        text += f"：{item.text}"
    if item.adopted is not None:
        text += _("。复核意见：%(verdict)s") % {
            "verdict": _("意见成立，予以采纳") if item.adopted else _("意见不成立，不予采纳")
        }
    if item.handling:
        text += f"（{item.handling}）"
    return text


# ---- 3. hearing ------------------------------------------------------------------------------


def _locked_hearing(hearing):
    case = lock(hearing.case)
    return case, Hearing.objects.select_for_update().get(pk=hearing.pk)


def hearing_schedule(
    *, actor, hearing, notified_on, scheduled_on, place: str, host: str
) -> Hearing:
    """Art. 64: the party is told of the hearing's time and place 7 working days before it; the
    host is not one of the case's investigators."""
    with transaction.atomic(), workdays.calendar_session():
        case, hearing = _locked_hearing(hearing)
        require_handler(actor, case)
        require_stage(case, Stage.STATEMENT)
        if hearing.held_on:
            raise Conflict(_("听证已经举行"))
        notified_on = _date(
            notified_on,
            "notified_on",
            _("通知日期"),
            not_before=hearing.requested_on,
            not_before_label=_("申请日期"),
        )
        scheduled_on = _future_date(scheduled_on, "scheduled_on", _("举行日期"))
        place = _text(place, "place", _("听证地点"), limit=200)
        host = _text(host, "host", _("听证主持人"), limit=50)
        investigators = set(case.case_officers.values_list("officer__name", flat=True))
        if host in investigators:
            raise ValidationFailed.on(
                "host", _("听证由非本案调查人员主持，%(name)s是本案承办人员") % {"name": host}
            )
        earliest = hearing_notice_earliest(notified_on)
        if scheduled_on < earliest:
            raise ProcedureBlocked.rule(
                "B11",
                _("听证应当在举行7个工作日前通知当事人（%(notified)s通知的，最早%(earliest)s举行）")
                % {"notified": _day(notified_on), "earliest": _day(earliest)},
            )
        before = {"scheduled_on": hearing.scheduled_on, "place": hearing.place}
        hearing.notified_on = notified_on
        hearing.scheduled_on = scheduled_on
        hearing.place = place
        hearing.host = host
        hearing.save(update_fields=["notified_on", "scheduled_on", "place", "host"])
        _case_record(
            case,
            Stage.STATEMENT,
            _("%(notified)s通知当事人于%(day)s在%(place)s举行听证，主持人%(host)s")
            % {
                "notified": _day(notified_on),
                "day": _day(scheduled_on),
                "place": place,
                "host": host,
            },
            actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.hearing_schedule",
            changes={
                "scheduled_on": {
                    "before": before["scheduled_on"] and before["scheduled_on"].isoformat(),
                    "after": scheduled_on.isoformat(),
                },
                "place": {"before": before["place"], "after": place},
            },
        )
        return hearing


def hearing_hold(*, actor, hearing, held_on, record_text: str) -> Hearing:
    """The hearing was held: its transcript summary; from now on the decision is major (B8)."""
    with transaction.atomic():
        case, hearing = _locked_hearing(hearing)
        require_handler(actor, case)
        require_stage(case, Stage.STATEMENT)
        if hearing.held_on:
            raise Conflict(_("听证已经举行"))
        if hearing.scheduled_on is None:
            raise ProcedureBlocked.rule("B11", _("听证尚未安排并通知当事人"))
        held_on = _date(
            held_on,
            "held_on",
            _("实际举行日期"),
            not_before=hearing.scheduled_on,
            not_before_label=_("通知的举行日期"),
        )
        text = _text(record_text, "record", _("听证笔录摘要"))
        hearing.held_on = held_on
        hearing.record = text
        hearing.save(update_fields=["held_on", "record"])
        _case_record(
            case,
            Stage.STATEMENT,
            _("%(day)s举行听证。%(text)s") % {"day": _day(held_on), "text": text},
            actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.hearing_hold",
            changes={"held_on": {"before": None, "after": held_on.isoformat()}},
        )
        return hearing


# ---- 4. decision -----------------------------------------------------------------------------


def _check_not_heavier(case, kind, penalties, fine) -> None:
    """Art. 62: not heavier than the notified proposal (the latest notice)."""
    if case.matter.category != MatterCategory.PENALTY or kind != DecisionKind.PENALTY:
        return
    notice = latest_notice(case)
    if notice is None:
        return  # the gates already refused
    proposed = set(notice.proposed_penalties or [])
    extra = [k for k in penalties if k not in proposed]
    higher = fine is not None and (notice.proposed_fine is None or fine > notice.proposed_fine)
    if extra or higher:
        raise ProcedureBlocked.rule(
            "B9",
            _(
                "不得因当事人陈述申辩而给予更重的处罚：决定不能重于告知的处罚（%(notified)s）；"
                "须加重的，应当重新告知"
            )
            % {
                "notified": penalty_words(notice.proposed_penalties, notice.proposed_fine)
                or notice.proposal[:60]
            },
        )


def _check_heard_since_notice(case) -> None:
    """After a new notice (a heavier proposal) the party is heard again: a statement, waiver or
    hearing since it, or its period passed."""
    notice = latest_notice(case)
    if notice is None or case.matter.category != MatterCategory.PENALTY:
        return
    if PenaltyNotice.objects.filter(case=case).count() < 2:
        return  # the gates judged the only notice
    since = notice.served_on
    answered = (
        PartyStatement.objects.filter(
            case=case,
            received_on__gte=since,
            kind__in=[StatementKind.STATEMENT, StatementKind.WAIVED, StatementKind.NONE],
        ).exists()
        or Hearing.objects.filter(case=case, held_on__gte=since).exists()
    )
    with workdays.calendar_session():
        passed = timezone.localdate() > hearing_request_due(notice)
    if not (answered or passed):
        raise ProcedureBlocked.rule("B9", _("重新告知后，尚未听取当事人的陈述申辩"))


def _decision_terms(case, kind, penalties, fine):
    allowed = DECISION_KINDS.get(case.matter.category, [DecisionKind.OTHER])
    if kind not in allowed:
        raise ValidationFailed.on("kind", _("决定类型与执法事项的类别不符"))
    penalties = _penalties(penalties)
    fine = _decimal(fine, "fine", _("罚款金额"))
    if kind != DecisionKind.PENALTY:
        if penalties or fine:
            raise ValidationFailed.on("penalties", _("只有给予行政处罚的决定才填写处罚种类和罚款"))
        return [], None
    if not penalties:
        raise ValidationFailed.on("penalties", _("请选择处罚种类"))
    if PenaltyKind.FINE in penalties and not fine:
        raise ValidationFailed.on("fine", _("处以罚款的，请填写罚款金额"))
    if fine and PenaltyKind.FINE not in penalties:
        raise ValidationFailed.on("penalties", _("填写了罚款金额的，处罚种类须包含罚款"))
    return penalties, fine


def decide(
    *,
    actor,
    case,
    kind: str,
    decided_on,
    penalties=None,
    fine=None,
    summary: str = "",
) -> CaseDecision:
    """负责人决定 (B9): only the organ's head, once the gates allow it (notice, the party heard,
    a requested hearing held, legal review passed if major, collective discussion if complex or
    major), never heavier than the notified proposal (Art. 62). Prefills the decision
    document's fields (B12) for the document slice to complete and issue."""
    with transaction.atomic():
        case = lock(case)
        require_head(actor, case)
        require_open(case)
        require_stage(case, *DECIDE_FROM)
        require(case, Step.DECIDE)
        penalties, fine = _decision_terms(case, kind, penalties, fine)
        decided_on = _date(
            decided_on,
            "decided_on",
            _("决定日期"),
            not_before=case.filed_on,
            not_before_label=_("立案日期"),
        )
        notice = latest_notice(case)
        if notice and decided_on < notice.served_on:
            raise ValidationFailed.on("decided_on", _("决定日期不能早于告知日期"))
        _check_heard_since_notice(case)
        _check_not_heavier(case, kind, penalties, fine)
        if CaseDecision.objects.filter(case=case).exists():
            raise Conflict(_("本案已作出决定"))
        decision = CaseDecision.objects.create(
            case=case,
            kind=kind,
            penalties=penalties,
            fine=fine,
            decided_on=decided_on,
            decided_by=actor,
            **_document_prefill(case, kind, penalties, fine),
        )
        move(actor=actor, case=case, to=Stage.DECIDED, action="enforcement.case_move")
        words = penalty_words(penalties, fine)
        text = _("负责人决定：%(kind)s%(words)s") % {
            "kind": DecisionKind(kind).label,
            "words": f"（{words}）" if words else "",
        }
        if (summary or "").strip():
            text += f"。{summary.strip()}"
        _case_record(case, Stage.DECIDED, text, actor)
        record(
            actor=actor,
            case=case,
            action="enforcement.decide",
            changes={
                "kind": {"before": None, "after": kind},
                "penalties": {"before": None, "after": penalties},
                "fine": {"before": None, "after": _plain(fine)},
                "decided_on": {"before": None, "after": decided_on.isoformat()},
            },
        )
        return decision


def _document_prefill(case, kind, penalties, fine) -> dict:
    agency = case.agency
    remedy = ""
    if agency.review_organ and agency.court:
        remedy = REMEDY.format(review_organ=agency.review_organ, court=agency.court)
    basis = case.matter.legal_basis or ""
    words = penalty_words(penalties, fine)
    if words:
        basis = _("依据%(basis)s，决定给予%(words)s。") % {"basis": basis, "words": words}
    return {
        "party_name": case.party_name,
        "party_address": case.party_address,
        "facts_evidence": case.facts,
        "penalty_basis": basis,
        "remedy": remedy,
        "organ_name": agency.name,
        "performance": FINE_PERFORMANCE if fine else "",
    }


# ---- 5. delivery -----------------------------------------------------------------------------


def delivery_record(
    *,
    actor,
    case,
    method: str,
    delivered_on,
    recipient: str,
    consent_upload=None,
    note: str = "",
) -> Delivery:
    """送达 (Art. 61) of the issued document (B12); electronic delivery only with the party's
    signed consent, stored with the case's files."""
    if method not in DeliveryMethod.values:
        raise ValidationFailed.on("method", _("送达方式无效"))
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.DECIDED, Stage.SERVED)
        require(case, Step.SERVE)
        if method == DeliveryMethod.ELECTRONIC and consent_upload is None:
            raise ProcedureBlocked.rule("B11", _("电子送达须附当事人签署的同意确认书"))
        decision = CaseDecision.objects.get(case=case)
        delivered_on = _date(
            delivered_on,
            "delivered_on",
            _("送达日期"),
            not_before=decision.decided_on,
            not_before_label=_("决定日期"),
        )
        recipient = _text(recipient, "recipient", _("受送达人"), limit=100)
        consent = None
        if method == DeliveryMethod.ELECTRONIC:
            from ganchao.enforcement.services.records import case_file_store

            consent = case_file_store(
                actor=actor,
                case=case,
                upload=consent_upload,
                kind=RecordKind.DOCUMENT,
                stage=Stage.SERVED,
                title=_("电子送达确认书"),
            )
        delivery = Delivery.objects.create(
            case=case,
            method=method,
            delivered_on=delivered_on,
            recipient=recipient,
            consent_file=consent,
            note=(note or "").strip(),
            created_by=actor,
        )
        if case.stage == Stage.DECIDED:
            move(actor=actor, case=case, to=Stage.SERVED, action="enforcement.case_move")
        _case_record(
            case,
            Stage.SERVED,
            _("%(day)s以%(method)s方式将决定书送达%(recipient)s")
            % {
                "day": _day(delivered_on),
                "method": DeliveryMethod(method).label,
                "recipient": recipient,
            }
            + (f"。{delivery.note}" if delivery.note else ""),
            actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.delivery_record",
            changes={
                "method": {"before": None, "after": method},
                "delivered_on": {"before": None, "after": delivered_on.isoformat()},
                "consent_sha256": {"before": None, "after": consent.sha256 if consent else None},
            },
        )
        return delivery


# ---- 6. execution, rectification, preservation ----------------------------------------------


def execution_record(
    *, actor, case, done_on, note: str, compulsory: bool = False, amount_paid=None
) -> Execution:
    """执行: the party performed (a fine paid, an order carried out) or compulsory execution."""
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.SERVED, Stage.EXECUTING)
        require(case, Step.EXECUTE)
        first = Delivery.objects.filter(case=case).order_by("delivered_on").first()
        done_on = _date(
            done_on,
            "done_on",
            _("履行日期"),
            not_before=first.delivered_on if first else None,
            not_before_label=_("送达日期"),
        )
        note = _text(note, "note", _("执行情况"))
        amount = _decimal(amount_paid, "amount_paid", _("缴纳罚没款"))
        item = Execution.objects.create(
            case=case,
            done_on=done_on,
            compulsory=bool(compulsory),
            amount_paid=amount,
            note=note,
            created_by=actor,
        )
        if case.stage == Stage.SERVED:
            move(actor=actor, case=case, to=Stage.EXECUTING, action="enforcement.case_move")
        text = _("%(day)s%(how)s：%(note)s") % {
            "day": _day(done_on),
            "how": _("强制执行") if item.compulsory else _("当事人履行"),
            "note": note,
        }
        if amount is not None:
            text += _("（缴纳罚没款%(amount)s元）") % {"amount": _money(amount)}
        _case_record(case, Stage.EXECUTING, text, actor)
        record(
            actor=actor,
            case=case,
            action="enforcement.execution_record",
            changes={
                "done_on": {"before": None, "after": done_on.isoformat()},
                "compulsory": {"before": None, "after": item.compulsory},
                "amount_paid": {"before": None, "after": _plain(amount)},
            },
        )
        return item


def rectification_verify(*, actor, case, rectified_on, note: str):
    """整改核实: the officer saw the violation corrected (a fine alone is not enough, 以罚代管)."""
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED)
        decision = CaseDecision.objects.filter(case=case).first()
        if decision is None:
            raise Conflict(_("尚未作出决定"))
        rectified_on = _date(
            rectified_on,
            "rectified_on",
            _("整改核实日期"),
            not_before=decision.decided_on,
            not_before_label=_("决定日期"),
        )
        note = _text(note, "note", _("整改核实情况"))
        before = case.rectified_on
        case.rectified_on = rectified_on
        case.rectification_note = note
        case.version += 1
        case.save(update_fields=["rectified_on", "rectification_note", "version", "updated_at"])
        stage = Stage.EXECUTING if case.stage == Stage.CLOSED else case.stage
        _case_record(
            case,
            stage,
            _("%(day)s核实整改情况：%(note)s") % {"day": _day(rectified_on), "note": note},
            actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.rectification_verify",
            changes={
                "rectified_on": {
                    "before": before and before.isoformat(),
                    "after": rectified_on.isoformat(),
                }
            },
        )
        return case


def preservation_resolve(*, actor, action, resolved_on, resolution: str) -> Action:
    """Art. 56: evidence registered and preserved in advance is dealt with within 7 working
    days (the clock shows when it was)."""
    with transaction.atomic():
        case = lock(action.case)
        action = Action.objects.select_for_update().get(pk=action.pk)
        require_handler(actor, case)
        if action.kind != ActionKind.PRESERVATION:
            raise Conflict(_("只有先行登记保存的证据需要作出处理决定"))
        if action.resolved_on:
            raise Conflict(_("先行登记保存的证据已经处理"))
        started = timezone.localtime(action.started_at).date()
        resolved_on = _date(
            resolved_on,
            "resolved_on",
            _("处理日期"),
            not_before=started,
            not_before_label=_("先行登记保存日期"),
        )
        resolution = _text(resolution, "resolution", _("处理决定"))
        action.resolved_on = resolved_on
        action.resolution = resolution
        action.save(update_fields=["resolved_on", "resolution"])
        _case_record(
            case,
            action.stage,
            _("%(day)s对先行登记保存的证据作出处理决定：%(text)s")
            % {"day": _day(resolved_on), "text": resolution},
            actor,
            action=action,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.preservation_resolve",
            changes={"resolved_on": {"before": None, "after": resolved_on.isoformat()}},
        )
        return action
