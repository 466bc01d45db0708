"""Disclosure (B3–B5): publication tasks on the working-day calendar, exemptions with a reviewed
reason, the masked public record, outcomes that withdraw it. The disclosure slice owns this
module; `publication_task_for_decision` is called when a decision document is issued.

A withdrawing outcome (变更、撤销、确认违法、确认无效) of a decision that was never published
still gets its withdrawal task, due in 3 working days, so that the dashboard shows it; there is
nothing public to hide, so completing it only records the reason (the publication task, if still
open, is the organ's to publish or to have exempted)."""

import datetime as dt

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import permissions
from ganchao.enforcement.choices import (
    PUBLISH_WORKING_DAYS,
    PUBLISH_WORKING_DAYS_OTHER,
    WITHDRAWAL_WORKING_DAYS,
    WITHDRAWING_OUTCOMES,
    DecisionKind,
    ExemptionGround,
    OutcomeKind,
    OutcomeSource,
    PartyKind,
    PenaltyKind,
    Stage,
    TaskKind,
    TaskState,
)
from ganchao.enforcement.masking import amount_in_words, party_public, public_text
from ganchao.enforcement.models import (
    CaseDecision,
    CaseRecord,
    DecisionOutcome,
    PublicationTask,
    PublicListVersion,
    PublicRecord,
    settings_get,
)
from ganchao.enforcement.services.base import lock, record, require_handler

register("enforcement.publication_task", _("生成执法决定公示任务"))
register("enforcement.publication_publish", _("公开执法决定"))
register("enforcement.exemption_request", _("申请执法决定不予公开"))
register("enforcement.exemption_review", _("审核执法决定不予公开申请"))
register("enforcement.outcome_record", _("登记复议、诉讼或纠错结果"))
register("enforcement.withdrawal_complete", _("撤回已公开的执法决定"))

OPEN_TASK_STATES = (TaskState.OPEN, TaskState.EXEMPTION_REQUESTED)

# The public portal caches its lists under this version, kept in the database so that every
# server process sees a change at once (a per-process counter left the other workers serving the
# old lists until they expired).


def public_cache_version() -> int:
    value = PublicListVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 1


def public_cache_bump(*, at_least: int = 0) -> None:
    """Start a new version of the public lists, in the caller's transaction: the change and
    the new version commit together. `at_least` lifts it past a value seen before a restore."""
    updated = PublicListVersion.objects.filter(pk=1).update(
        value=Greatest(F("value") + 1, Value(at_least + 1))
    )
    if not updated:
        PublicListVersion.objects.get_or_create(pk=1, defaults={"value": max(at_least, 1) + 1})


def publication_days(category: str) -> int:
    return PUBLISH_WORKING_DAYS.get(category, PUBLISH_WORKING_DAYS_OTHER)


def publication_task_for_decision(*, case, decision) -> PublicationTask | None:
    """B3: the task due `decided_on + N working days` (7 for licences and penalties, 20 for
    others). Call inside the issuing transaction. A decision issued again keeps its task."""
    existing = PublicationTask.objects.filter(case=case, kind=TaskKind.PUBLISH).first()
    if existing is not None:
        return existing
    days = publication_days(case.matter.category)
    with workdays.calendar_session():
        due = workdays.add_working_days(decision.decided_on, days)
    return PublicationTask.objects.create(
        case=case,
        kind=TaskKind.PUBLISH,
        created_on=decision.decided_on,
        due=due,
        working_days=days,
    )


def publication_mandatory(decision) -> bool:
    """B4: a penalty decision with social impact must be published (no exemption)."""
    return bool(
        decision is not None
        and decision.kind == DecisionKind.PENALTY
        and decision.social_impact is True
    )


# ---- helpers ---------------------------------------------------------------------------------


def _text(value, name: str, label: str, *, required=True, limit=2000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if len(text) > limit:
        raise ValidationFailed.on(
            name, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}
        )
    return text


def _lock_task(task) -> PublicationTask:
    return (
        PublicationTask.objects.select_for_update(of=("self",))
        .select_related("case", "outcome")
        .get(pk=task.pk)
    )


def _note(actor, case, text: str) -> None:
    """A text record on the case file (B6): publication follows the decision."""
    CaseRecord.objects.create(case=case, stage=Stage.DECIDED, text=text, created_by=actor)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _money(amount) -> str:
    return f"{amount:,.2f}"


def conclusion_text(case, decision) -> str:
    """处理结果 as published: the decision's kind, its penalties and the fine in figures and in
    capitals, scrubbed of IDs, phones and the person's full name."""
    parts = [
        str(PenaltyKind(p).label)
        for p in (decision.penalties or [])
        if p in PenaltyKind.values and not (p == PenaltyKind.FINE and decision.fine)
    ]
    if decision.fine:
        parts.append(
            _("罚款人民币%(figures)s元（%(words)s）")
            % {"figures": _money(decision.fine), "words": amount_in_words(decision.fine)}
        )
    text = str(DecisionKind(decision.kind).label)
    if parts:
        text += "：" + "；".join(parts)
    return public_text(case, text)


def snapshot_fields(case, decision) -> dict:
    """The PublicRecord's content, masked and scrubbed."""
    person = case.party_kind == PartyKind.PERSON
    title = public_text(case, case.title)
    party = party_public(case)
    agency_name = decision.organ_name or case.agency.name
    number = public_text(case, decision.number or case.code)
    return {
        "agency_name": agency_name[:200],
        "matter_name": case.matter.name[:200],
        "category": case.matter.category,
        "number": number[:60],
        "party_masked": party[:200],
        "party_is_person": person,
        "title": title[:200],
        "conclusion": conclusion_text(case, decision),
        "basis": public_text(case, decision.penalty_basis or case.matter.legal_basis),
        "decided_on": decision.decided_on,
        "search_text": " ".join(
            [title, party, number, agency_name, case.matter.name, case.code]
        ).lower(),
    }


# ---- B3: publish -----------------------------------------------------------------------------


def publication_publish(*, actor, task) -> PublicRecord:
    """B3: publish the decision — the masked snapshot on the public portal, the task done, a
    record on the case file. By the handling agency's staff."""
    with transaction.atomic():
        task = _lock_task(task)
        case = lock(task.case)
        require_handler(actor, case)
        if task.kind != TaskKind.PUBLISH:
            raise Conflict(_("这是撤回任务，不能用于公开"))
        if task.state not in OPEN_TASK_STATES:
            raise Conflict(
                _("公示任务已%(state)s，不能再公开") % {"state": TaskState(task.state).label}
            )
        decision = CaseDecision.objects.filter(case=case).first()
        if decision is None:
            raise Conflict(_("案件尚未作出决定，无可公开的内容"))
        if PublicRecord.objects.filter(case=case).exists():
            raise Conflict(_("该决定已经公开"))
        settings = settings_get()
        now = timezone.now()
        years = (
            settings.publication_years_person
            if case.party_kind == PartyKind.PERSON
            else settings.publication_years
        )
        published_on = timezone.localtime(now).date()
        item = PublicRecord.objects.create(
            case=case,
            published_at=now,
            expires_on=_add_years(published_on, years),
            **snapshot_fields(case, decision),
        )
        before = task.state
        task.state = TaskState.DONE
        task.done_at = now
        task.done_by = actor
        task.save(update_fields=["state", "done_at", "done_by"])
        late = published_on > task.due
        _note(
            actor,
            case,
            _("决定信息已公开（决定书文号：%(number)s，公示至%(until)s）%(late)s")
            % {
                "number": item.number,
                "until": f"{item.expires_on.year}年{item.expires_on.month}月{item.expires_on.day}日",
                "late": _("，超过公示期限") if late else "",
            },
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.publication_publish",
            changes={
                "task": {"before": before, "after": TaskState.DONE},
                "public_record": {"before": None, "after": item.number},
            },
        )
        public_cache_bump()
        return item


# ---- exemptions (《政府信息公开条例》 Arts 14–16) -------------------------------------------


def exemption_request(*, actor, task, ground: str, reason: str) -> PublicationTask:
    """Ask that the decision not be published, with the legal ground and a reason. B4: a penalty
    decision with social impact cannot be exempted."""
    with transaction.atomic():
        task = _lock_task(task)
        case = lock(task.case)
        require_handler(actor, case)
        if task.kind != TaskKind.PUBLISH:
            raise Conflict(_("撤回任务不能申请不予公开"))
        if task.state != TaskState.OPEN:
            raise Conflict(
                _("公示任务%(state)s，不能申请不予公开") % {"state": TaskState(task.state).label}
            )
        if ground not in ExemptionGround.values:
            raise ValidationFailed.on("ground", _("请选择不予公开的依据"))
        reason = _text(reason, "reason", _("不予公开的理由"))
        decision = CaseDecision.objects.filter(case=case).first()
        if publication_mandatory(decision):
            raise ProcedureBlocked.rule(
                "B4",
                _("具有一定社会影响的行政处罚决定应当依法公开，不能申请不予公开"),
            )
        task.state = TaskState.EXEMPTION_REQUESTED
        task.exemption_ground = ground
        task.exemption_reason = reason
        task.exemption_requested_by = actor
        task.exemption_reviewed_by = None
        task.exemption_reviewed_at = None
        task.exemption_review_note = ""
        task.save(
            update_fields=[
                "state",
                "exemption_ground",
                "exemption_reason",
                "exemption_requested_by",
                "exemption_reviewed_by",
                "exemption_reviewed_at",
                "exemption_review_note",
            ]
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.exemption_request",
            changes={"task": {"before": TaskState.OPEN, "after": task.state}},
            reason=f"{ExemptionGround(ground).label}：{reason}",
        )
        return task


def may_review_exemption(actor, task) -> bool:
    """The office, a legal reviewer or the agency's head — never the requester."""
    if task.exemption_requested_by_id == getattr(actor, "pk", None):
        return False
    case = task.case
    return (
        permissions.is_office(actor)
        or permissions.is_reviewer(actor)
        or permissions.is_head(actor, case)
    )


def exemption_review(*, actor, task, approve: bool, note: str = "") -> PublicationTask:
    """Approve (exempt) or refuse (back to open) a request not to publish. The reviewer is
    someone other than the requester; a refusal needs a note."""
    with transaction.atomic():
        task = _lock_task(task)
        case = lock(task.case)
        if task.state != TaskState.EXEMPTION_REQUESTED:
            raise Conflict(_("该公示任务没有待审核的不予公开申请"))
        if task.exemption_requested_by_id == actor.pk:
            raise Forbidden(_("不予公开申请须由申请人以外的人员审核"))
        if not may_review_exemption(actor, task):
            raise Forbidden(_("只有督查室、法制审核人员或执法机关负责人可以审核不予公开申请"))
        note = _text(note, "note", _("审核意见"), required=not approve)
        decision = CaseDecision.objects.filter(case=case).first()
        if approve and publication_mandatory(decision):
            raise ProcedureBlocked.rule(
                "B4", _("具有一定社会影响的行政处罚决定应当依法公开，不能批准不予公开")
            )
        now = timezone.now()
        task.state = TaskState.EXEMPT if approve else TaskState.OPEN
        task.exemption_reviewed_by = actor
        task.exemption_reviewed_at = now
        task.exemption_review_note = note
        fields = [
            "state",
            "exemption_reviewed_by",
            "exemption_reviewed_at",
            "exemption_review_note",
        ]
        if approve:
            task.done_at = now
            task.done_by = actor
            fields += ["done_at", "done_by"]
        task.save(update_fields=fields)
        _note(
            actor,
            case,
            (
                _("经审核，决定不予公开（%(ground)s）：%(reason)s")
                if approve
                else _("不予公开申请未获批准，应当依法公开：%(note)s")
            )
            % {
                "ground": ExemptionGround(task.exemption_ground).label,
                "reason": task.exemption_reason,
                "note": note,
            },
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.exemption_review",
            changes={"task": {"before": TaskState.EXEMPTION_REQUESTED, "after": task.state}},
            reason=note,
        )
        return task


# ---- B5: outcomes and withdrawal -------------------------------------------------------------


def outcome_record(
    *,
    actor,
    case,
    source: str,
    kind: str,
    decided_on,
    organ: str,
    reason: str,
    document_no: str = "",
) -> DecisionOutcome:
    """An outcome of 行政复议, 行政诉讼 or 自行纠错. B5: 变更、撤销、确认违法、确认无效 create a
    withdrawal task due in 3 working days from the outcome's date."""
    if source not in OutcomeSource.values:
        raise ValidationFailed.on("source", _("请选择结果来源"))
    if kind not in OutcomeKind.values:
        raise ValidationFailed.on("kind", _("请选择结果"))
    if not isinstance(decided_on, dt.date):
        raise ValidationFailed.on("decided_on", _("请填写结果作出日期"))
    organ = _text(organ, "organ", _("作出机关"), limit=200)
    document_no = _text(document_no, "document_no", _("文书编号"), required=False, limit=100)
    reason = _text(reason, "reason", _("理由"))
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        decision = CaseDecision.objects.filter(case=case).first()
        if decision is None:
            raise Conflict(_("案件尚未作出决定，不能登记复议、诉讼或纠错结果"))
        if decided_on < decision.decided_on:
            raise ValidationFailed.on("decided_on", _("结果作出日期不能早于原决定日期"))
        if decided_on > timezone.localdate():
            raise ValidationFailed.on("decided_on", _("结果作出日期不能晚于今天"))
        outcome = DecisionOutcome.objects.create(
            case=case,
            source=source,
            kind=kind,
            decided_on=decided_on,
            organ=organ,
            document_no=document_no,
            reason=reason,
            recorded_by=actor,
        )
        task = None
        if kind in WITHDRAWING_OUTCOMES:
            with workdays.calendar_session():
                due = workdays.add_working_days(decided_on, WITHDRAWAL_WORKING_DAYS)
            task = PublicationTask.objects.create(
                case=case,
                kind=TaskKind.WITHDRAW,
                created_on=decided_on,
                due=due,
                working_days=WITHDRAWAL_WORKING_DAYS,
                outcome=outcome,
            )
        _note(
            actor,
            case,
            _("%(source)s结果：%(kind)s（%(organ)s %(no)s）。%(reason)s")
            % {
                "source": OutcomeSource(source).label,
                "kind": OutcomeKind(kind).label,
                "organ": organ,
                "no": document_no,
                "reason": reason,
            },
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.outcome_record",
            changes={
                "outcome": {"before": None, "after": f"{source}:{kind}"},
                "withdraw_due": {"before": None, "after": task.due.isoformat() if task else None},
            },
            reason=reason,
        )
        return outcome


def default_withdrawal_reason(outcome) -> str:
    if outcome is None:
        return ""
    return _("该决定已经%(organ)s%(source)s%(kind)s，依法撤回公开的决定信息。") % {
        "organ": outcome.organ,
        "source": OutcomeSource(outcome.source).label,
        "kind": OutcomeKind(outcome.kind).label,
    }


def withdrawal_complete(*, actor, task, reason: str = "") -> PublicationTask:
    """B5: hide the public record and publish the withdrawal notice with its reason; the record
    stays internally. The reason defaults to the outcome's (organ, source, kind)."""
    with transaction.atomic():
        task = _lock_task(task)
        case = lock(task.case)
        require_handler(actor, case)
        if task.kind != TaskKind.WITHDRAW:
            raise Conflict(_("这是公示任务，不是撤回任务"))
        if task.state != TaskState.OPEN:
            raise Conflict(_("撤回任务已%(state)s") % {"state": TaskState(task.state).label})
        reason = (reason or "").strip() or default_withdrawal_reason(task.outcome)
        reason = public_text(case, _text(reason, "reason", _("撤回原因")))
        now = timezone.now()
        item = PublicRecord.objects.select_for_update().filter(case=case).first()
        if item is not None and item.withdrawn_at is None:
            item.withdrawn_at = now
            item.withdrawal_reason = reason
            item.save(update_fields=["withdrawn_at", "withdrawal_reason"])
            public_cache_bump()
        task.state = TaskState.DONE
        task.done_at = now
        task.done_by = actor
        task.save(update_fields=["state", "done_at", "done_by"])
        _note(
            actor,
            case,
            (
                _("已撤回公开的决定信息并公布撤回说明：%(reason)s")
                if item is not None
                else _("该决定未曾公开，无需撤回；撤回原因：%(reason)s")
            )
            % {"reason": reason},
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.withdrawal_complete",
            changes={"task": {"before": TaskState.OPEN, "after": TaskState.DONE}},
            reason=reason,
        )
        return task


__all__ = [
    "default_withdrawal_reason",
    "exemption_request",
    "exemption_review",
    "may_review_exemption",
    "outcome_record",
    "public_cache_bump",
    "public_cache_version",
    "publication_days",
    "publication_mandatory",
    "publication_publish",
    "publication_task_for_decision",
    "withdrawal_complete",
]
