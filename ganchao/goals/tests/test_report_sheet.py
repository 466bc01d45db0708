"""The report-values sheet (DESIGN.md 3.6): submitted reports, revisions, checks, scope."""

import datetime as dt
from decimal import Decimal

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Forbidden
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import ReportState
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Plan, ProgressReport
from ganchao.goals.report_imports import report_sheet_import
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet, report_sheet


@pytest.fixture
def plan(city):
    result = goal_sheet_import(actor=None, data=goal_sheet(basic_rows()), year=2026)
    assert result.errors == []
    return Plan.objects.get()


def rows_jan_feb():
    return [
        {gs.CODE: "1.1", gs.PERIOD: "2026-01", gs.VALUE: 1000, gs.EXPLANATION: "一月"},
        {gs.CODE: "1.1", gs.UNIT: "东山镇", gs.PERIOD: "2026-01", gs.VALUE: 800},
        {gs.CODE: "2.1", gs.PERIOD: "2026-Q1", gs.VALUE: "3.2%"},
    ]


def run(plan, rows, actor=None, **kwargs):
    return report_sheet_import(
        actor=actor, data=report_sheet(rows), plan=plan, filename="r.xlsx", **kwargs
    )


@pytest.mark.django_db
def test_import_creates_submitted_reports(city, plan):
    result = run(plan, rows_jan_feb())
    assert [str(e) for e in result.errors] == []
    assert result.summary_lines() == ["新增 3，更新 0，未变 0"]
    lead = ProgressReport.objects.get(assignment__unit=city.town_a, period="2026-01")
    assert lead.state == ReportState.SUBMITTED and lead.revision == 1 and lead.is_current
    assert (
        lead.value == 1000 and lead.narrative == "一月" and lead.period_end == dt.date(2026, 1, 31)
    )
    assert lead.late  # back-filled long after its due day
    assert ProgressReport.objects.get(period="2026-Q1").value == Decimal("3.2")
    assert AuditEvent.objects.filter(action="report.import").count() == 1
    again = run(plan, rows_jan_feb())
    assert again.summary_lines() == ["新增 0，更新 0，未变 3"] and not again.written


@pytest.mark.django_db
def test_accepted_report_gets_revision_2(city, plan):
    run(plan, rows_jan_feb())
    ProgressReport.objects.filter(assignment__unit=city.town_a).update(state=ReportState.ACCEPTED)
    result = run(plan, rows_jan_feb()[:1])
    assert result.summary_lines() == ["新增 0，更新 1，未变 0"]
    versions = ProgressReport.objects.filter(
        assignment__unit=city.town_a, period="2026-01"
    ).order_by("revision")
    assert [(r.revision, r.state, r.is_current) for r in versions] == [
        (1, ReportState.ACCEPTED, False), (2, ReportState.SUBMITTED, True)]  # fmt: skip


@pytest.mark.django_db
def test_changed_value_of_submitted_report_makes_a_new_revision(city, plan):
    run(plan, rows_jan_feb())
    rows = rows_jan_feb()
    rows[0][gs.VALUE] = 1100
    result = run(plan, rows)
    assert result.summary_lines() == ["新增 0，更新 1，未变 2"]
    current = ProgressReport.objects.get(
        assignment__unit=city.town_a, period="2026-01", is_current=True
    )
    assert (current.revision, current.value) == (2, 1100)


@pytest.mark.django_db
def test_errors_are_reported_and_nothing_written(city, plan):
    rows = [
        {gs.CODE: "1.1", gs.PERIOD: "2026-Q1", gs.VALUE: 1},
        {gs.CODE: "2.1", gs.PERIOD: "2026-03", gs.VALUE: 1},
        {gs.CODE: "9.9", gs.PERIOD: "2026-01", gs.VALUE: 1},
        {gs.CODE: "1.1", gs.UNIT: "王庄村", gs.PERIOD: "2026-01", gs.VALUE: 1},
        {gs.CODE: "1.1", gs.PERIOD: "2026-02", gs.VALUE: "很多"},
        {gs.CODE: "1.1", gs.PERIOD: "2025-12", gs.VALUE: 1},
        {gs.CODE: "1.2", gs.PERIOD: "2026-01", gs.VALUE: 1},
        {gs.CODE: "1.1", gs.PERIOD: "2026-02", gs.VALUE: 2},
    ]
    result = run(plan, rows)
    assert [str(e) for e in result.errors] == [
        "第2行 C列（期间）：编号 1.1 按月度报送，期间应写作 2026-04 这样的月份",
        "第3行 C列（期间）：编号 2.1 按季度报送，期间应写作 2026-Q1 这样的季度",
        "第4行 A列（编号）：编号“9.9”不在2026年计划中",
        "第5行 B列（单位）：“王庄村”不承担编号 1.1",
        "第6行 D列（数值）：不是数字",
        "第7行 C列（期间）：期间不在2026年内",
        "第8行 D列（数值）：任务和配合单位只报送进展说明，不填数值",
    ]
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_negative_count_names_its_cell_and_nothing_is_written(city, plan):
    rows = rows_jan_feb()
    rows[1][gs.VALUE] = -3
    result = run(plan, rows)
    assert [str(e) for e in result.errors] == ["第3行 D列（数值）：本期数值以“人”计，不能为负数"]
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_scope_office_or_data_source_unit(city, plan):
    with pytest.raises(Forbidden):
        run(plan, rows_jan_feb(), actor=city.liaison_b)
    stats_user = __import__("ganchao.conftest", fromlist=["make_user"]).make_user(
        "stats_liaison", city.stats, "liaison"
    )
    result = run(plan, rows_jan_feb(), actor=stats_user)
    # 2.1 has no data-source unit: 统计局 may not report it
    assert [str(e) for e in result.errors] == [
        "第4行 B列（单位）：您无权报送该单位在本事项上的数据（只有督查室、数据来源单位或本单位可以报送）"
    ]
    result = run(plan, rows_jan_feb()[:2], actor=stats_user)
    assert result.errors == [] and result.written
    assert ProgressReport.objects.filter(submitted_by=stats_user).count() == 2
    assert run(plan, rows_jan_feb(), actor=city.office).summary_lines() == [
        "新增 1，更新 0，未变 2"
    ]
