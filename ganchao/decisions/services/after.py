"""After the decision (Decree 713 Arts 31–37, LEGAL_RULES A14, A15): party report,
publication, archive with its completeness checklist, execution and its reports, suspension,
major adjustment and termination, post-decision evaluation, and the refusal to delete.

decided → party_reported → published → archived → executing; executing ⇄ suspended (the head);
executing/suspended → adjusting (head or office: the procedures re-open) or → terminated (head).
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common.errors import Conflict, FieldError, Forbidden, ValidationFailed
from ganchao.decisions import gates, permissions
from ganchao.decisions.choices import (
    EvaluationTrigger,
    FairConclusion,
    MaterialKind,
    MeetingState,
    PublicationChannel,
    ReviewConclusion,
    ReviewState,
    State,
    Step,
    SuspensionReason,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import (
    Archive,
    ExecutionReport,
    PartyReport,
    PostEvaluation,
    Publication,
    Suspension,
)
from ganchao.decisions.services.base import lock, move, now, record, require, require_office
from ganchao.decisions.services.files import decision_file_add
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

__all__ = [
    "archive_checklist",
    "archive_create",
    "archive_delete",
    "decision_adjust",
    "decision_delete",
    "decision_resume",
    "decision_suspend",
    "decision_terminate",
    "evaluation_add",
    "execution_report_add",
    "execution_start",
    "execution_unit_set",
    "party_report_add",
    "publication_add",
]

DELETE_REFUSED = "重大行政决策档案及其审计记录不得删除"
EVALUATOR_CONFLICT = "评估主体不得为决策前主要论证评估单位"

register("decision.party_report", _("向同级党委请示报告"))
register("decision.publish", _("公布重大行政决策"))
register("decision.archive", _("重大行政决策归档"))
register("decision.execution_unit", _("明确决策执行单位"))
register("decision.execute", _("决策转入执行"))
register("decision.execution_report", _("报告决策执行情况"))
register("decision.suspend", _("暂停执行重大行政决策"))
register("decision.resume", _("恢复执行重大行政决策"))
register("decision.adjust", _("启动重大调整程序"))
register("decision.terminate", _("终止重大行政决策"))
register("decision.evaluate", _("决策后评估"))
register("decision.delete_refused", _("删除重大行政决策或档案（已拒绝）"))


def _text(value, name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(name, message)
    return value


def _require_state(decision, state: str, action: str) -> None:
    if decision.state != state:
        raise Conflict(
            _("决策当前状态为“%(state)s”，不能%(action)s")
            % {"state": State(decision.state).label, "action": action}
        )


# ---- A14(a) party report ---------------------------------------------------------------------


def default_recipient(decision) -> str:
    return f"中共{decision.owner.name}委员会"


def party_report_add(
    *,
    actor,
    decision,
    reported_on: dt.date,
    doc_number: str,
    recipient: str = "",
    reply: str = "",
    upload=None,
) -> PartyReport:
    """decided → party_reported: the 请示报告 to the party committee (Art. 31). Office."""
    doc_number = _text(doc_number, "doc_number", _("请填写请示报告文号"))
    if reported_on is None:
        raise ValidationFailed.on("reported_on", _("请填写报告日期"))
    with transaction.atomic():
        decision = lock(decision)
        require_office(actor)
        _require_state(decision, State.DECIDED, _("报告党委"))
        report = PartyReport.objects.create(
            decision=decision,
            reported_on=reported_on,
            doc_number=doc_number[:100],
            recipient=((recipient or "").strip() or default_recipient(decision))[:100],
            reply=reply or "",
            recorded_by=actor,
        )
        if upload is not None:
            report.file = decision_file_add(
                actor=actor,
                decision=decision,
                kind=MaterialKind.PARTY_REPORT,
                upload=upload,
                procedure="party_report",
                object_id=report.pk,
            )
            report.save(update_fields=["file"])
        require(decision, Step.PARTY_REPORT)
        move(
            actor=actor,
            decision=decision,
            to=State.PARTY_REPORTED,
            action="decision.party_report",
            reason=doc_number,
        )
    return report


# ---- A14(b) publication ----------------------------------------------------------------------


def _adoption_report_required(decision) -> bool:
    """Public participation was held (not exempted) and the decision is of wide concern."""
    from ganchao.decisions.models import Consultation

    if not decision.wide_concern or decision.participation_exempt_basis:
        return False
    held = Consultation.objects.filter(decision=decision).exclude(state="draft")
    if decision.procedures_since:
        held = held.filter(created_at__gte=decision.procedures_since)
    return held.exists()


def _adoption_report_exists(decision) -> bool:
    reports = decision.adoption_reports.all()
    if decision.procedures_since:
        reports = reports.filter(generated_at__gte=decision.procedures_since)
    return reports.exists()


def publication_add(
    *,
    actor,
    decision,
    channel: str,
    reference: str,
    published_on: dt.date,
    doc_number: str = "",
    text: str = "",
    interpretation: str = "",
) -> Publication:
    """party_reported → published (Art. 32): the gazette issue or the web address is required;
    a decision of wide concern that heard the public publishes the 采纳情况说明 with it."""
    if channel not in PublicationChannel.values:
        raise ValidationFailed.on("channel", _("请选择公布渠道"))
    reference = _text(reference, "reference", _("请填写政府公报期号或网址"))
    if published_on is None:
        raise ValidationFailed.on("published_on", _("请填写公布日期"))
    with transaction.atomic():
        decision = lock(decision)
        require_office(actor)
        _require_state(decision, State.PARTY_REPORTED, _("公布"))
        if _adoption_report_required(decision) and not _adoption_report_exists(decision):
            raise ProcedureBlocked.rule(
                "A14", _("社会广泛关注的决策公布时须说明公众意见采纳情况，尚未形成采纳情况说明")
            )
        publication = Publication.objects.create(
            decision=decision,
            channel=channel,
            reference=reference[:300],
            published_on=published_on,
            doc_number=(doc_number or "").strip()[:100],
            text=text or "",
            interpretation=interpretation or "",
            recorded_by=actor,
        )
        require(decision, Step.PUBLISH)
        move(
            actor=actor,
            decision=decision,
            to=State.PUBLISHED,
            action="decision.publish",
            reason=reference[:300],
        )
    return publication


# ---- A14(c) archive: the completeness checklist ---------------------------------------------


def _item(name: str, done: bool, reference: str = "") -> dict:
    return {"name": name, "done": bool(done), "reference": reference}


def _participation_items(i) -> list[dict]:
    if i.exempt_basis:
        return [_item("公众参与：依法不予公开的法律依据", True, i.exempt_basis[:200])]
    closed = [title for title, is_closed in i.consultations if is_closed]
    items = [_item("公开征求意见公告", bool(closed), "、".join(closed))]
    if i.opinion_count or closed:
        unhandled = "、".join(str(n) for n in i.unhandled_opinions[:10])
        items.append(
            _item(
                "公众意见逐条处理",
                not i.unhandled_opinions,
                f"未处理：第{unhandled}条" if unhandled else f"{i.opinion_count}条",
            )
        )
        items.append(_item("意见采纳情况说明", bool(i.adoption_report), i.adoption_report))
    return items


def _hearing_items(i) -> list[dict]:
    items = []
    for title, closed, missing in i.hearings:
        reference = ("缺签字笔录或拒签说明：" + "、".join(missing)) if missing else title
        items.append(
            _item(f"听证会“{title}”笔录（逐人签字或拒签说明）", closed and not missing, reference)
        )
    return items


def _expert_items(i) -> list[dict]:
    if not (i.technical or i.expert_opinions or i.experts_without_opinion):
        return []
    unsigned = [name for name, signed, sealed in i.expert_opinions if not (signed and sealed)]
    missing = unsigned + i.experts_without_opinion
    done = bool(i.expert_opinions) and not missing
    reference = (
        ("缺签名盖章意见：" + "、".join(missing))
        if missing
        else ("、".join(name for name, _s, _x in i.expert_opinions))
    )
    return [_item("专家论证意见（签名并盖章）", done, reference)]


def _risk_items(i) -> list[dict]:
    facts = i.risk_facts
    if not (i.stability_risk or (facts and facts.risk_assessments)):
        return []
    ok, reason = gates.risk_ok(facts) if facts else (False, "")
    return [_item("社会稳定风险评估报告", ok, i.risk_reference if ok else reason)]


def _fair_items(i) -> list[dict]:
    if not (i.market_activity or i.fair_reviews):
        return []
    passing = {FairConclusion.PASSES, FairConclusion.AFTER_CHANGES}
    done = bool(i.fair_reviews) and i.fair_reviews[-1][1] in passing
    return [_item("公平竞争审查", done, i.fair_reviews[-1][0] if i.fair_reviews else "")]


def _review_items(i) -> list[dict]:
    done = bool(
        i.review
        and i.review[1] == ReviewState.CONCLUDED
        and i.review[2]
        and i.review[2] != ReviewConclusion.UNLAWFUL
    )
    return [_item("合法性审查意见书", done, i.review[0] if i.review else "")]


def _after_items(i) -> list[dict]:
    signed = [title for title, state in i.meetings if state == MeetingState.SIGNED_OFF]
    return [
        _item("法律顾问、公职律师意见", bool(i.adviser_opinions), "、".join(i.adviser_opinions)),
        _item("集体讨论会议记录（已签发）", bool(signed), "、".join(signed)),
        _item("向同级党委请示报告", bool(i.party_report), i.party_report),
        _item("决策公布", bool(i.publication), i.publication),
    ]


def archive_checklist(inputs) -> list[dict]:
    """The completeness checklist (Art. 33): one item {name, done, reference} for every
    procedure performed or required. A pure function of selectors_after.ChecklistInputs."""
    return [
        *_participation_items(inputs),
        *_hearing_items(inputs),
        *_expert_items(inputs),
        *_risk_items(inputs),
        *_fair_items(inputs),
        *_review_items(inputs),
        *_after_items(inputs),
    ]


def archive_create(*, actor, decision, archive_number: str) -> Archive:
    """published → archived: refused while any checklist item is missing, naming each (A14)."""
    from ganchao.decisions.selectors_after import checklist_inputs

    archive_number = _text(archive_number, "archive_number", _("请填写档号"))
    with transaction.atomic():
        decision = lock(decision)
        require_office(actor)
        _require_state(decision, State.PUBLISHED, _("归档"))
        checklist = archive_checklist(checklist_inputs(decision))
        missing = [item for item in checklist if not item["done"]]
        if missing:
            raise ProcedureBlocked(
                _("归档材料不完整：%(names)s") % {"names": "、".join(m["name"] for m in missing)},
                [FieldError("A14", _("缺少%(name)s") % {"name": m["name"]}) for m in missing],
            )
        archive = Archive.objects.create(
            decision=decision,
            archive_number=archive_number[:100],
            checklist=checklist,
            archived_by=actor,
        )
        require(decision, Step.ARCHIVE)
        move(
            actor=actor,
            decision=decision,
            to=State.ARCHIVED,
            action="decision.archive",
            reason=archive_number[:100],
        )
    return archive


# ---- A14(d) execution ------------------------------------------------------------------------


def execution_unit_set(*, actor, decision, unit):
    """Name the 决策执行单位 (Art. 34). Office; until execution starts."""
    if unit is None:
        raise ValidationFailed.on("unit", _("请选择决策执行单位"))
    with transaction.atomic():
        decision = lock(decision)
        require_office(actor)
        if decision.state not in (
            State.DECIDED,
            State.PARTY_REPORTED,
            State.PUBLISHED,
            State.ARCHIVED,
            State.EXECUTING,
            State.SUSPENDED,
        ):
            raise Conflict(_("决策作出后才能明确执行单位"))
        before = str(decision.execution_unit) if decision.execution_unit_id else None
        decision.execution_unit = unit
        decision.version += 1
        decision.save(update_fields=["execution_unit", "version", "updated_at"])
        record(
            actor=actor,
            decision=decision,
            action="decision.execution_unit",
            changes={"execution_unit": {"before": before, "after": str(unit)}},
        )
    return decision


def execution_start(*, actor, decision):
    """archived → executing, once the execution unit is named. Office."""
    with transaction.atomic():
        decision = lock(decision)
        require_office(actor)
        _require_state(decision, State.ARCHIVED, _("转入执行"))
        require(decision, Step.EXECUTE)
        move(actor=actor, decision=decision, to=State.EXECUTING, action="decision.execute")
    return decision


def may_report_execution(actor, decision) -> bool:
    scope = scope_of(actor)
    unit = decision.execution_unit
    return bool(
        unit
        and scope.has(Role.LIAISON, Role.UNIT_HEAD)
        and scope.covers_path(unit.path, write=True)
    )


def execution_report_add(
    *, actor, decision, period: str, progress: str, problems: str = "", serious_change=False
) -> ExecutionReport:
    """A report of the execution unit (Arts 34–35), by its own staff."""
    period = _text(period, "period", _("请填写报告期"))
    progress = _text(progress, "progress", _("请填写执行情况"))
    with transaction.atomic():
        decision = lock(decision)
        if not may_report_execution(actor, decision):
            raise Forbidden(_("只有决策执行单位可以报告执行情况"))
        if decision.state not in (State.EXECUTING, State.SUSPENDED):
            raise Conflict(_("决策尚未转入执行"))
        report = ExecutionReport.objects.create(
            decision=decision,
            unit=decision.execution_unit,
            period=period[:40],
            progress=progress,
            problems=problems or "",
            serious_change=bool(serious_change),
            reported_by=actor,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.execution_report",
            changes={"execution_report": {"before": None, "after": period[:40]}},
            reason=_("出现重大问题或客观情况重大变化") if serious_change else "",
        )
    return report


# ---- A14(e) suspension, adjustment, termination ---------------------------------------------


def _require_head(actor, decision) -> None:
    if not permissions.is_head(actor, decision):
        raise Forbidden(_("只有决策机关行政首长可以暂停、恢复或终止决策执行"))


def _change(actor, decision, *, action: str, to: str, reason: str, reason_code="", extra=None):
    Suspension.objects.create(
        decision=decision, action=action, reason_code=reason_code, reason=reason, by=actor
    )
    move(
        actor=actor,
        decision=decision,
        to=to,
        action=f"decision.{action}",
        reason=reason,
        extra=extra,
    )
    return decision


def decision_suspend(*, actor, decision, reason_code: str, reason: str):
    """executing → suspended: the head only, with an Art. 35 reason code (Art. 37)."""
    if reason_code not in SuspensionReason.values:
        raise ValidationFailed.on("reason_code", _("请选择暂停执行的事由（第三十五条）"))
    reason = _text(reason, "reason", _("请填写暂停执行的理由"))
    with transaction.atomic():
        decision = lock(decision)
        _require_head(actor, decision)
        _require_state(decision, State.EXECUTING, _("暂停执行"))
        return _change(
            actor,
            decision,
            action="suspend",
            to=State.SUSPENDED,
            reason=reason,
            reason_code=reason_code,
        )


def decision_resume(*, actor, decision, reason: str):
    """suspended → executing: the head."""
    reason = _text(reason, "reason", _("请填写恢复执行的理由"))
    with transaction.atomic():
        decision = lock(decision)
        _require_head(actor, decision)
        _require_state(decision, State.SUSPENDED, _("恢复执行"))
        return _change(actor, decision, action="resume", to=State.EXECUTING, reason=reason)


def decision_adjust(*, actor, decision, reason: str):
    """executing/suspended → adjusting: a major adjustment re-runs the procedures (Art. 37).
    The head or the office. Earlier records are kept but no longer count towards the gates."""
    reason = _text(reason, "reason", _("请填写重大调整的理由"))
    with transaction.atomic():
        decision = lock(decision)
        if not (permissions.is_head(actor, decision) or permissions.is_office(actor)):
            raise Forbidden(_("只有行政首长或政府办公室可以启动重大调整程序"))
        if decision.state not in (State.EXECUTING, State.SUSPENDED):
            raise Conflict(
                _("决策当前状态为“%(state)s”，不能启动重大调整")
                % {"state": State(decision.state).label}
            )
        return _change(
            actor,
            decision,
            action="adjust",
            to=State.ADJUSTING,
            reason=reason,
            extra={"procedures_since": now()},
        )


def decision_terminate(*, actor, decision, reason: str):
    """→ terminated: the head, from executing, suspended or adjusting."""
    reason = _text(reason, "reason", _("请填写终止的理由"))
    with transaction.atomic():
        decision = lock(decision)
        _require_head(actor, decision)
        if decision.state not in (State.EXECUTING, State.SUSPENDED, State.ADJUSTING):
            raise Conflict(
                _("决策当前状态为“%(state)s”，不能终止") % {"state": State(decision.state).label}
            )
        return _change(actor, decision, action="terminate", to=State.TERMINATED, reason=reason)


# ---- A14(f) post-decision evaluation ---------------------------------------------------------

EVALUATION_STATES = {State.EXECUTING, State.SUSPENDED, State.ADJUSTING, State.TERMINATED}


def evaluation_add(
    *,
    actor,
    decision,
    trigger: str,
    evaluator: str,
    evaluator_unit=None,
    public_input: str = "",
    result: str = "",
    upload=None,
) -> PostEvaluation:
    """A post-decision evaluation (Art. 36), organised by the head or the office. Refused when
    the evaluator did the main pre-decision argumentation or risk assessment."""
    from ganchao.decisions.selectors_after import evaluation_conflicts

    if trigger not in EvaluationTrigger.values:
        raise ValidationFailed.on("trigger", _("请选择评估事由"))
    evaluator = _text(evaluator, "evaluator", _("请填写评估主体"))
    with transaction.atomic():
        decision = lock(decision)
        if not (permissions.is_head(actor, decision) or permissions.is_office(actor)):
            raise Forbidden(_("只有行政首长或政府办公室可以组织决策后评估"))
        if decision.state not in EVALUATION_STATES:
            raise Conflict(_("决策转入执行后才能开展决策后评估"))
        units, names = evaluation_conflicts(decision)
        if (evaluator_unit is not None and evaluator_unit.pk in units) or evaluator in names:
            raise ProcedureBlocked.rule("A14", _("评估主体不得为决策前主要论证评估单位"))
        evaluation = PostEvaluation.objects.create(
            decision=decision,
            trigger=trigger,
            evaluator=evaluator[:200],
            evaluator_unit=evaluator_unit,
            public_input=public_input or "",
            result=result or "",
            created_by=actor,
            completed_at=now() if (result or "").strip() else None,
        )
        if upload is not None:
            evaluation.report = decision_file_add(
                actor=actor,
                decision=decision,
                kind=MaterialKind.EVALUATION,
                upload=upload,
                procedure="evaluation",
                object_id=evaluation.pk,
            )
            evaluation.save(update_fields=["report"])
        record(
            actor=actor,
            decision=decision,
            action="decision.evaluate",
            changes={"evaluation": {"before": None, "after": evaluator[:200]}},
            reason=str(EvaluationTrigger(trigger).label),
        )
    return evaluation


# ---- A15 nothing is deleted ------------------------------------------------------------------


def _refuse_delete(actor, decision, what: str):
    """Record the attempt in its own committed transaction, then refuse (409 A15)."""
    with transaction.atomic():
        record(
            actor=actor,
            decision=decision,
            action="decision.delete_refused",
            changes={what: {"before": str(decision), "after": None}},
            reason=_("重大行政决策档案及其审计记录不得删除"),
            success=False,
        )
    raise ProcedureBlocked.rule("A15", _("重大行政决策档案及其审计记录不得删除"))


def decision_delete(*, actor, decision):
    """Never deletes: decisions are kept for lifetime accountability (Art. 38, A15)."""
    _refuse_delete(actor, decision, "decision")


def archive_delete(*, actor, decision):
    """Never deletes the archive (A15)."""
    _refuse_delete(actor, decision, "archive")
