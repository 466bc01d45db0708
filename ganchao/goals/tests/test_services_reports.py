"""Reports: every transition allowed and refused, concurrency, corrections, scope, evidence."""

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.goals import selectors
from ganchao.goals import services_reports as reports
from ganchao.goals.choices import ReportState
from ganchao.goals.models import ProgressReport
from ganchao.goals.tests.factories import make_plan, make_report

TODAY = dt.date(2026, 5, 20)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def tree(city):
    return make_plan(city)


def draft(city, tree, value="4200", **kwargs):
    return reports.report_save_draft(
        actor=city.liaison_a,
        assignment=tree.ind_lead,
        period="2026-04",
        value=value,
        narrative="四月进展",
        today=TODAY,
        **kwargs,
    )


def test_save_draft_then_submit_then_accept(city, tree):
    report = draft(city, tree)
    assert (report.state, report.revision, report.value) == (ReportState.DRAFT, 1, Decimal("4200"))
    report = reports.report_submit(
        actor=city.liaison_a, report=report, expected_version=report.version
    )
    assert report.state == ReportState.SUBMITTED and report.submitted_by == city.liaison_a
    report = reports.report_accept(actor=city.office, report=report)
    assert report.state == ReportState.ACCEPTED and report.reviewed_by == city.office
    actions = list(
        AuditEvent.objects.filter(object_type="report")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["report.save_draft", "report.submit", "report.accept"]


def test_return_needs_a_reason_and_resubmit_is_allowed(city, tree):
    report = reports.report_submit(actor=city.liaison_a, report=draft(city, tree))
    with pytest.raises(ValidationFailed, match="退回原因"):
        reports.report_return(actor=city.office, report=report, reason="  ")
    report = reports.report_return(actor=city.office, report=report, reason="数值与统计口径不符")
    assert report.state == ReportState.RETURNED and report.return_reason == "数值与统计口径不符"
    report = draft(city, tree, value="4300", expected_version=report.version)
    assert report.state == ReportState.RETURNED and report.value == Decimal("4300")
    report = reports.report_submit(actor=city.liaison_a, report=report)
    assert report.state == ReportState.SUBMITTED


@pytest.mark.parametrize(
    "state, verb",
    [
        (ReportState.DRAFT, "accept"),
        (ReportState.DRAFT, "return"),
        (ReportState.SUBMITTED, "submit"),
        (ReportState.ACCEPTED, "submit"),
        (ReportState.ACCEPTED, "accept"),
        (ReportState.ACCEPTED, "return"),
        (ReportState.RETURNED, "accept"),
        (ReportState.RETURNED, "return"),
    ],
)
def test_refused_transitions_name_the_current_state(city, tree, state, verb):
    report = make_report(tree.ind_lead, "2026-04", value=4000, state=state)
    call = {
        "submit": lambda: reports.report_submit(actor=city.liaison_a, report=report),
        "accept": lambda: reports.report_accept(actor=city.office, report=report),
        "return": lambda: reports.report_return(actor=city.office, report=report, reason="不对"),
    }[verb]
    with pytest.raises(Conflict) as caught:
        call()
    assert str(ReportState(state).label) in caught.value.message
    assert ProgressReport.objects.get(pk=report.pk).state == state


def test_submitted_and_accepted_reports_cannot_be_saved_as_drafts(city, tree):
    make_report(tree.ind_lead, "2026-04", value=4000, state=ReportState.SUBMITTED)
    with pytest.raises(Conflict, match="已报送"):
        draft(city, tree)


def test_only_the_office_reviews(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=4000)
    for actor in (city.liaison_a, city.leader_user, city.admin):
        with pytest.raises(Forbidden):
            reports.report_accept(actor=actor, report=report)


def test_submit_requires_a_value_for_an_indicator(city, tree):
    report = draft(city, tree, value="")
    with pytest.raises(ValidationFailed, match="本期数值"):
        reports.report_submit(actor=city.liaison_a, report=report)


def test_a_count_of_people_cannot_be_negative_but_a_net_change_or_a_rate_can(city, tree):
    """新增城镇就业 in 人: −3 is refused on the value, nothing saved; the same item named as a
    net change (净增) takes it, and so does an indicator in %."""
    with pytest.raises(ValidationFailed) as caught:
        draft(city, tree, value="-3")
    assert caught.value.errors[0].field == "value"
    assert "以“人”计，不能为负数" in caught.value.errors[0].message
    assert not ProgressReport.objects.filter(assignment=tree.ind_lead).exists()
    item = tree.ind_lead.item
    item.name = "净增城镇就业人数"
    item.save(update_fields=["name"])
    assert draft(city, tree, value="-3").value == Decimal("-3")
    rate = tree.level_lead
    saved = reports.report_save_draft(
        actor=city.liaison_b,
        assignment=rate,
        period="2026-Q1",
        value="-1.5",
        narrative="四月",
        today=TODAY,
    )
    assert rate.item.measure_unit == "%" and saved.value == Decimal("-1.5")


def test_late_flag_after_the_due_day(city, tree):
    report = draft(city, tree)
    late_moment = dt.datetime(2026, 5, 20, 10, tzinfo=dt.UTC)
    report = reports.report_submit(actor=city.liaison_a, report=report, at=late_moment)
    assert report.late is True
    on_time = reports.report_save_and_submit(
        actor=city.liaison_b,
        assignment=tree.ind_resp,
        period="2026-04",
        value="1500",
        today=TODAY,
        at=dt.datetime(2026, 5, 11, 15, tzinfo=dt.UTC),  # 23:00 on the due day (11 May)
    )
    assert on_time.late is False


def test_stale_version_conflicts_and_overwrites_nothing(city, tree):
    report = draft(city, tree)
    stale = report.version
    draft(city, tree, value="4400", expected_version=stale)
    with pytest.raises(Conflict, match="已被他人修改"):
        draft(city, tree, value="9999", expected_version=stale)
    assert ProgressReport.objects.get(pk=report.pk).value == Decimal("4400")
    with pytest.raises(Conflict, match="已被他人修改"):
        draft(city, tree, value="1", expected_version=0)


def test_periods_are_checked(city, tree):
    for period in ("2026-Q2", "2025-12", "2026-07", "2026-13"):
        with pytest.raises(ValidationFailed):
            reports.report_save_draft(
                actor=city.liaison_a, assignment=tree.ind_lead, period=period, today=TODAY
            )


def test_other_units_cannot_report(city, tree):
    with pytest.raises(Forbidden):
        reports.report_save_draft(
            actor=city.liaison_b, assignment=tree.ind_lead, period="2026-04", today=TODAY
        )
    with pytest.raises(Forbidden):
        reports.report_save_draft(
            actor=city.office, assignment=tree.ind_lead, period="2026-04", today=TODAY
        )


def test_correction_makes_revision_two_and_keeps_revision_one(city, tree):
    accepted = make_report(tree.ind_lead, "2026-04", value=4000, state=ReportState.ACCEPTED)
    with pytest.raises(ValidationFailed, match="更正原因"):
        reports.report_correct(actor=city.liaison_a, report=accepted, value="4100")
    correction = reports.report_correct(
        actor=city.liaison_a, report=accepted, value="4100", reason="统计局反馈修正", today=TODAY
    )
    assert (correction.revision, correction.state, correction.is_current) == (
        2,
        ReportState.SUBMITTED,
        True,
    )
    first = ProgressReport.objects.get(pk=accepted.pk)
    assert (first.revision, first.value, first.state, first.is_current) == (
        1,
        Decimal("4000"),
        ReportState.ACCEPTED,
        False,
    )
    with pytest.raises(Conflict):
        reports.report_correct(actor=city.liaison_a, report=first, value="1", reason="再改")


def test_correction_only_of_an_accepted_report(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=4000, state=ReportState.SUBMITTED)
    with pytest.raises(Conflict, match="已报送"):
        reports.report_correct(actor=city.liaison_a, report=report, value="1", reason="改")


def test_task_reports_milestone_completions(city, tree):
    first, second, _third = tree.milestones
    report = reports.report_save_and_submit(
        actor=city.liaison_a,
        assignment=tree.task_lead,
        period="2026-04",
        narrative="立项完成",
        completions={first.pk: dt.date(2026, 3, 28)},
        today=TODAY,
    )
    assert list(report.completions.values_list("milestone_id", flat=True)) == [first.pk]
    with pytest.raises(ValidationFailed, match="晚于今天"):
        reports.report_save_draft(
            actor=city.liaison_a,
            assignment=tree.task_lead,
            period="2026-05",
            completions={second.pk: dt.date(2026, 6, 1)},
            today=TODAY,
        )
    with pytest.raises(ValidationFailed, match="只报送进展说明"):
        reports.report_save_draft(
            actor=city.liaison_a,
            assignment=tree.task_lead,
            period="2026-05",
            value="3",
            today=TODAY,
        )


def test_cooperating_unit_reports_narrative_only(city, tree):
    with pytest.raises(ValidationFailed, match="进展说明"):
        reports.report_save_and_submit(
            actor=city.liaison_b, assignment=tree.task_coop, period="2026-04", today=TODAY
        )


def test_scope_town_b_never_sees_town_a_reports(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=4000)
    with pytest.raises(NotFound):
        selectors.report_get(city.liaison_b, report.pk)
    with pytest.raises(NotFound):
        selectors.reports_for_assignment(city.liaison_b, tree.ind_lead)
    assert selectors.report_get(city.leader_user, report.pk) == report  # leader of 西湖镇
    assert selectors.report_get(city.office, report.pk) == report


# ---- evidence ---------------------------------------------------------------------------------


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def office_zip(marker):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("照片.png", PNG),
        ("材料.pdf", PDF),
        ("情况说明.docx", office_zip("word/document.xml")),
        ("台账.xlsx", office_zip("xl/workbook.xml")),
    ],
)
def test_evidence_accepted_by_content_and_hashed(city, tree, name, content):
    report = draft(city, tree)
    item = reports.evidence_add(actor=city.liaison_a, report=report, upload=upload(name, content))
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert default_storage.exists(item.file.name) and not item.file.name.endswith(name)
    with reports.evidence_open(actor=city.liaison_a, evidence=item) as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("病毒.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "不是可接受的文件类型"),
        ("伪装.docx", office_zip("other/thing.xml"), "不是可接受的文件类型"),
        ("图片.pdf", PNG, "扩展名与文件内容"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_evidence_refused(city, tree, name, content, message):
    report = draft(city, tree)
    with pytest.raises(ValidationFailed, match=message):
        reports.evidence_add(actor=city.liaison_a, report=report, upload=upload(name, content))
    assert not report.evidence.exists()


def test_evidence_over_20_mb_refused(city, tree):
    report = draft(city, tree)
    big = PDF + b"0" * (21 * 1024 * 1024)
    with pytest.raises(ValidationFailed, match="20 MB"):
        reports.evidence_add(actor=city.liaison_a, report=report, upload=upload("大.pdf", big))


def test_evidence_only_on_editable_reports(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=1, state=ReportState.SUBMITTED)
    with pytest.raises(Conflict, match="已报送"):
        reports.evidence_add(actor=city.liaison_a, report=report, upload=upload("a.png", PNG))


def test_tampered_evidence_refuses_download(city, tree):
    report = draft(city, tree)
    item = reports.evidence_add(actor=city.liaison_a, report=report, upload=upload("a.pdf", PDF))
    path = default_storage.path(item.file.name)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(Conflict, match="校验未通过"):
        reports.evidence_open(actor=city.liaison_a, evidence=item)
    assert AuditEvent.objects.filter(action="evidence.integrity_failed", success=False).exists()
