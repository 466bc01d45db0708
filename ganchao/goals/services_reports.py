"""Progress reports (进展报送) and their evidence: save a draft, submit, accept, return, correct,
add evidence. Transitions follow REPORT_TRANSITIONS (choices.py); a refusal names the current
state. Every write checks the report's `version` (optimistic concurrency) and recomputes the
assignment's status in the same transaction.

Who: the assignment's own unit (or the item's data-source unit) saves, submits and corrects;
the supervision office (督查室) accepts and returns (see permissions.py).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, GanchaoError, NotFound, ValidationFailed
from ganchao.goals import evidence as evidence_files
from ganchao.goals import periods, report_messages
from ganchao.goals.choices import REPORT_TRANSITIONS, ItemType, PlanState, ReportState, Role
from ganchao.goals.models import Assignment, Evidence, MilestoneCompletion, ProgressReport
from ganchao.goals.permissions import may_report, value_required
from ganchao.goals.selectors import NOT_FOUND, reports_get_many
from ganchao.goals.service_base import (
    check_version,
    negative_count_error,
    recompute,
    refuse_transition,
    require_office,
    to_decimal,
)

REPORT = "报告"
EDITABLE = {ReportState.DRAFT, ReportState.RETURNED}


def _lock_assignment(assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("item__plan", "item__data_source_unit", "unit")
        .get(pk=assignment.pk)
    )


def _lock_report(report) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__item__plan", "assignment__item__data_source_unit", "assignment__unit"
        )
        .get(pk=report.pk)
    )


def _require_reporter(actor, assignment) -> None:
    if not may_report(actor, assignment):
        raise Forbidden(_("您不能为%(unit)s报送该项进展") % {"unit": assignment.unit.name})


def _require_issued(plan) -> None:
    if plan.state == PlanState.DRAFT:
        raise ValidationFailed.on("period", _("计划尚未下达，暂不能报送"))
    if plan.state == PlanState.CLOSED:
        raise ValidationFailed.on("period", _("该计划已结束，不能再报送"))


def clean_period(assignment, text: str, today: dt.date) -> periods.Period:
    """A data period of the item's frequency within the plan year that has begun by `today`."""
    item = assignment.item
    period = periods.parse_period(text)
    if period is None or period.frequency != item.frequency or period.year != item.plan.year:
        raise ValidationFailed.on(
            "period", _("数据期间“%(text)s”不是该项的报送期间") % {"text": text}
        )
    if period.start > today:
        raise ValidationFailed.on(
            "period", _("%(period)s尚未开始，不能报送") % {"period": period.label}
        )
    return period


def _clean_value(assignment, value):
    if assignment.item.type != ItemType.INDICATOR or assignment.role == Role.COOPERATING:
        if value not in (None, ""):
            raise ValidationFailed.on("value", _("该项只报送进展说明，不填写数值"))
        return None
    cleaned = to_decimal(value, "value", _("本期数值"))
    item = assignment.item
    refused = negative_count_error(cleaned, item.name, item.measure_unit)
    if refused:
        raise ValidationFailed.on("value", refused)
    return cleaned


def _clean_completions(assignment, completions, today: dt.date) -> dict:
    """{milestone id: completion date}; only a task's own milestones, never a future date."""
    if not completions:
        return {}
    if assignment.item.type != ItemType.TASK:
        raise ValidationFailed.on("completions", _("只有任务填写节点完成情况"))
    milestones = {m.pk: m for m in assignment.item.milestones.all()}
    cleaned = {}
    for milestone_id, day in completions.items():
        milestone = milestones.get(int(milestone_id))
        if milestone is None:
            raise ValidationFailed.on("completions", _("节点不属于该项任务"))
        if not isinstance(day, dt.date):
            raise ValidationFailed.on(
                "completions", _("请填写节点“%(name)s”的完成日期") % {"name": milestone.description}
            )
        if day > today:
            raise ValidationFailed.on(
                "completions",
                _("节点“%(name)s”的完成日期不能晚于今天") % {"name": milestone.description},
            )
        cleaned[milestone.pk] = day
    return cleaned


def _completion_text(report) -> list[str]:
    return [
        f"{c.milestone.position}:{c.completed_on:%Y-%m-%d}"
        for c in report.completions.select_related("milestone").order_by("milestone__position")
    ]


def _write_completions(report, completions: dict) -> None:
    report.completions.all().delete()
    MilestoneCompletion.objects.bulk_create(
        MilestoneCompletion(report=report, milestone_id=pk, completed_on=day)
        for pk, day in completions.items()
    )


def _snapshot(report) -> dict:
    return {
        "state": report.state,
        "value": report.value,
        "narrative": report.narrative,
        "completions": _completion_text(report) if report.pk else [],
    }


def _target(report) -> Target:
    return Target("report", str(report.pk), str(report)[:300])


# ---- save a draft --------------------------------------------------------------------------


@transaction.atomic
def report_save_draft(
    *,
    actor,
    assignment,
    period: str,
    value=None,
    narrative: str = "",
    completions: dict | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """Create or change the current report of a period while it is a draft or returned.
    `expected_version` 0 means "no report yet": a report someone created meanwhile conflicts."""
    today = today or timezone.localdate()
    assignment = _lock_assignment(assignment)
    _require_reporter(actor, assignment)
    _require_issued(assignment.item.plan)
    parsed = clean_period(assignment, period, today)
    cleaned_value = _clean_value(assignment, value)
    cleaned_completions = _clean_completions(assignment, completions, today)
    report = (
        ProgressReport.objects.select_for_update()
        .filter(assignment=assignment, period=parsed.code, is_current=True)
        .first()
    )
    if report is None:
        if expected_version not in (None, 0):
            raise Conflict(_("该报告已不存在，请刷新页面后重试"))
        report = ProgressReport(
            assignment=assignment, period=parsed.code, period_end=parsed.end, revision=1
        )
        before = {}
    else:
        check_version(report, expected_version, REPORT)
        if report.state == ReportState.ACCEPTED:
            raise Conflict(_("该报告已审核通过，不能直接修改；如需更正，请办理更正"))
        if report.state not in EDITABLE:
            raise refuse_transition(REPORT, report.get_state_display(), _("修改，请等待审核"))
        before = _snapshot(report)
        report.version += 1
    report.value = cleaned_value
    report.narrative = (narrative or "").strip()
    report.save()
    _write_completions(report, cleaned_completions)
    changes = diff(before, _snapshot(report))
    audit_record(actor=actor, action="report.save_draft", target=_target(report), changes=changes)
    recompute([assignment.pk])
    return report


# ---- transitions ---------------------------------------------------------------------------


def _move(report, to_state, action_word) -> None:
    if to_state not in REPORT_TRANSITIONS[ReportState(report.state)]:
        raise refuse_transition(REPORT, report.get_state_display(), action_word)
    if not report.is_current:
        raise Conflict(_("该报告已有更新的版本，请在最新版本上办理"))


def _check_complete(report) -> None:
    assignment = report.assignment
    if value_required(assignment) and report.value is None:
        raise ValidationFailed.on("value", _("请填写本期数值后再报送"))
    if assignment.role == Role.COOPERATING and not report.narrative:
        raise ValidationFailed.on("narrative", _("配合单位请填写进展说明后再报送"))


def due_on(report) -> dt.date:
    plan = report.assignment.item.plan
    period = periods.parse_period(report.period)
    return periods.due_date(period, workdays.current_calendar(), plan.report_due_working_days)


@transaction.atomic
def report_submit(*, actor, report, expected_version: int | None = None, at=None) -> ProgressReport:
    """Draft or returned → submitted (报送); late when after the due day (DESIGN.md 3.8)."""
    at = at or timezone.now()
    report = _lock_report(report)
    _require_reporter(actor, report.assignment)
    check_version(report, expected_version, REPORT)
    _move(report, ReportState.SUBMITTED, _("报送"))
    _check_complete(report)
    before = {"state": report.state, "late": report.late}
    report.state = ReportState.SUBMITTED
    report.late = timezone.localtime(at).date() > due_on(report)
    report.submitted_at = at
    report.submitted_by = actor
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="report.submit",
        target=_target(report),
        changes=diff(before, {"state": report.state, "late": report.late}),
    )
    recompute([report.assignment_id])
    report_messages.tell_office_submitted(report, at)
    return report


@transaction.atomic
def report_save_and_submit(
    *, actor, assignment, period: str, expected_version=None, at=None, **values
) -> ProgressReport:
    """The report form's 报送 button: save what was typed, then submit it, in one transaction."""
    report = report_save_draft(
        actor=actor,
        assignment=assignment,
        period=period,
        expected_version=expected_version,
        **values,
    )
    return report_submit(actor=actor, report=report, expected_version=report.version, at=at)


@transaction.atomic
def report_accept(
    *, actor, report, expected_version: int | None = None, recompute_status: bool = True
) -> ProgressReport:
    """Submitted → accepted (审核通过), by the office. A batch passes recompute_status=False and
    recomputes its assignments once at the end (accepting leaves the counted value as it was)."""
    require_office(actor)
    report = _lock_report(report)
    check_version(report, expected_version, REPORT)
    _move(report, ReportState.ACCEPTED, _("审核通过"))
    report.state = ReportState.ACCEPTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="report.accept",
        target=_target(report),
        changes=diff({"state": ReportState.SUBMITTED}, {"state": report.state}),
    )
    if recompute_status:
        recompute([report.assignment_id])
    return report


@transaction.atomic
def report_return(
    *, actor, report, reason: str, expected_version: int | None = None
) -> ProgressReport:
    """Submitted → returned (退回) with a reason, by the office; it counts as not submitted."""
    require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写退回原因"))
    report = _lock_report(report)
    check_version(report, expected_version, REPORT)
    _move(report, ReportState.RETURNED, _("退回"))
    report.state = ReportState.RETURNED
    report.return_reason = reason
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="report.return",
        target=_target(report),
        changes=diff({"state": ReportState.SUBMITTED}, {"state": report.state}),
        reason=reason,
    )
    recompute([report.assignment_id])
    report_messages.tell_unit_returned(report, report.reviewed_at)
    return report


BULK_LIMIT = 1000


@dataclass
class BulkAcceptResult:
    accepted: list = field(default_factory=list)  # the accepted reports
    failed: list = field(default_factory=list)  # (report id, GanchaoError)


def reports_accept_bulk(*, actor, entries) -> BulkAcceptResult:
    """批量审核通过: `entries` is [(report id, expected version or None)]. Each report goes through
    report_accept (its own transaction and audit event, so one conflict stops only its row);
    what failed is reported per row with the reason."""
    require_office(actor)
    entries = list(entries)
    if not entries:
        raise ValidationFailed.on("reports", _("请先选择要审核通过的报告"))
    if len(entries) > BULK_LIMIT:
        raise ValidationFailed.on(
            "reports", _("一次最多审核%(n)d条，请缩小筛选范围") % {"n": BULK_LIMIT}
        )
    result = BulkAcceptResult()
    found = reports_get_many(actor, [report_id for report_id, _version in entries])
    for report_id, version in entries:
        try:
            report = found.get(report_id)
            if report is None:
                raise NotFound(NOT_FOUND)
            result.accepted.append(
                report_accept(
                    actor=actor, report=report, expected_version=version, recompute_status=False
                )
            )
        except GanchaoError as error:
            result.failed.append((report_id, error))
    with transaction.atomic():
        recompute(sorted({report.assignment_id for report in result.accepted}))
    return result


@transaction.atomic
def report_correct(
    *,
    actor,
    report,
    value=None,
    narrative: str = "",
    completions: dict | None = None,
    reason: str = "",
    submit: bool = True,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """A correction of an accepted report: a new version (draft or submitted) becomes current;
    the accepted one stays as it was. The new version keeps the original's late flag."""
    today = today or timezone.localdate()
    original = _lock_report(report)
    assignment = original.assignment
    _require_reporter(actor, assignment)
    check_version(original, expected_version, REPORT)
    if not original.is_current:
        raise Conflict(_("该报告已有更新的版本，请在最新版本上办理"))
    if original.state != ReportState.ACCEPTED:
        raise refuse_transition(REPORT, original.get_state_display(), _("更正（请直接修改后报送）"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写更正原因"))
    cleaned_value = _clean_value(assignment, value)
    cleaned_completions = _clean_completions(assignment, completions, today)
    latest = ProgressReport.objects.filter(assignment=assignment, period=original.period).aggregate(
        top=Max("revision")
    )["top"]
    ProgressReport.objects.filter(pk=original.pk).update(
        is_current=False, version=original.version + 1
    )
    correction = ProgressReport.objects.create(
        assignment=assignment,
        period=original.period,
        period_end=original.period_end,
        revision=latest + 1,
        is_current=True,
        state=ReportState.SUBMITTED if submit else ReportState.DRAFT,
        value=cleaned_value,
        narrative=(narrative or "").strip(),
        late=original.late,
        submitted_at=timezone.now() if submit else None,
        submitted_by=actor if submit else None,
    )
    _write_completions(correction, cleaned_completions)
    if submit:
        _check_complete(correction)
    audit_record(
        actor=actor,
        action="report.correct",
        target=_target(correction),
        changes=diff(
            {
                "revision": original.revision,
                "value": original.value,
                "narrative": original.narrative,
            },
            {
                "revision": correction.revision,
                "value": correction.value,
                "narrative": correction.narrative,
            },
        ),
        reason=reason,
    )
    recompute([assignment.pk])
    if submit:
        report_messages.tell_office_submitted(correction, correction.submitted_at)
    return correction


# ---- evidence ------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(*, actor, report, upload) -> Evidence:
    """Attach a checked file to a draft or returned report."""
    report = _lock_report(report)
    _require_reporter(actor, report.assignment)
    if report.state not in EDITABLE:
        raise refuse_transition(REPORT, report.get_state_display(), _("再添加佐证材料"))
    if report.evidence.count() >= evidence_files.MAX_FILES:
        raise ValidationFailed.on(
            "files", _("每份报告最多上传 %(n)d 个文件") % {"n": evidence_files.MAX_FILES}
        )
    checked = evidence_files.check_upload(upload)
    name = evidence_files.store(upload, checked)
    item = Evidence.objects.create(
        report=report,
        file=name,
        original_name=(upload.name or name)[-255:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="evidence.add",
        target=Target("evidence", str(item.pk), item.original_name),
        changes=diff({}, {"report": report.pk, "size": item.size, "sha256": item.sha256}),
    )
    return item


def evidence_open(*, actor, evidence):
    """The stored file for download after re-checking its hash; a mismatch is recorded and
    refused (the file may have been altered or damaged)."""
    if not evidence_files.verify(evidence):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="evidence.integrity_failed",
                target=Target("evidence", str(evidence.pk), evidence.original_name),
                success=False,
            )
        raise Conflict(
            _("文件“%(name)s”校验未通过，可能已被改动或损坏，已停止下载；请联系督查室核实")
            % {"name": evidence.original_name}
        )
    from django.core.files.storage import default_storage

    return default_storage.open(evidence.file.name, "rb")
