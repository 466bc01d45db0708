"""Pages: workbench, report form (save, submit, conflict, evidence), review queue, item page,
adjustments; scope (404) and pinned query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals import services_reports
from ganchao.goals.choices import AdjustmentState, ReportState
from ganchao.goals.models import ProgressReport, TargetAdjustment
from ganchao.goals.tests.factories import make_plan, make_report

# The workbench and its query count depend on "today": the 2026 plan's October report is late
# on 2026-11-29, and in another year the workbench has other rows.
pytestmark = pytest.mark.usefixtures("pinned_clock")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def tree(city):
    return make_plan(city)


def form_url(assignment, period="2026-04", suffix=""):
    return f"/goals/assignments/{assignment.pk}/report/{period}/{suffix}"


def test_workbench_lists_what_to_report(city, tree, login):
    response = login(city.liaison_a).get("/goals/workbench/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "新增城镇就业" in text and "建成西湖污水处理厂" in text
    assert "城镇调查失业率" not in text  # 东山镇's
    assert "已逾期" in text  # the October report was due in early November
    late = login(city.liaison_a).get("/goals/workbench/?show=late")
    assert late.context["late_count"] == 2 and len(late.context["page"].object_list) == 2


def test_workbench_shows_returned_reason(city, tree, login):
    make_report(
        tree.ind_lead, "2026-10", value=9000, state=ReportState.RETURNED
    ).__class__.objects.filter(assignment=tree.ind_lead).update(return_reason="请附统计局盖章数据")
    text = login(city.liaison_a).get("/goals/workbench/").content.decode()
    assert "请附统计局盖章数据" in text
    assert "<td>2026年10月</td>" in text and "<td>2026-10</td>" not in text  # not the key
    form = login(city.liaison_a).get(form_url(tree.ind_lead, "2026-10")).content.decode()
    assert "2026年10月 · 第1版 · 已退回" in form and "2026-10 · " not in form


def test_report_form_shows_targets_and_expected(city, tree, login):
    response = login(city.liaison_a).get(form_url(tree.ind_lead))
    assert response.status_code == 200
    text = response.content.decode()
    assert "12,000" in text or "12000" in text
    assert 'name="version"' in text and 'value="0"' in text


def test_submit_with_evidence(city, tree, login):
    client = login(city.liaison_a)
    response = client.post(
        form_url(tree.ind_lead, suffix="submit/"),
        {
            "value": "4,200",
            "narrative": "进展顺利",
            "version": "0",
            "files": [SimpleUploadedFile("台账.pdf", PDF), SimpleUploadedFile("照片.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(assignment=tree.ind_lead, period="2026-04")
    assert (report.state, report.value, report.evidence.count()) == (
        ReportState.SUBMITTED,
        Decimal("4200"),
        2,
    )
    download = client.get(f"/goals/evidence/{report.evidence.first().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_bad_file_refuses_the_whole_post(city, tree, login):
    response = login(city.liaison_a).post(
        form_url(tree.ind_lead, suffix="save/"),
        {
            "value": "4200",
            "version": "0",
            "files": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 100)],
        },
    )
    assert response.status_code == 422
    assert "不是可接受的文件类型" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_stale_form_conflicts(city, tree, login):
    client = login(city.liaison_a)
    client.post(form_url(tree.ind_lead, suffix="save/"), {"value": "4000", "version": "0"})
    report = ProgressReport.objects.get()
    client.post(
        form_url(tree.ind_lead, suffix="save/"), {"value": "4100", "version": str(report.version)}
    )
    response = client.post(
        form_url(tree.ind_lead, suffix="save/"), {"value": "9999", "version": str(report.version)}
    )
    assert response.status_code == 422
    assert "已被他人修改" in response.content.decode()
    assert ProgressReport.objects.get().value == Decimal("4100")


def test_town_b_gets_404_for_town_a(city, tree, login):
    report = services_reports.report_save_draft(
        actor=city.liaison_a,
        assignment=tree.ind_lead,
        period="2026-04",
        value="1",
        today=dt.date(2026, 5, 20),
    )
    evidence = services_reports.evidence_add(
        actor=city.liaison_a, report=report, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    client = login(city.liaison_b)
    assert client.get(form_url(tree.ind_lead)).status_code == 404
    assert client.post(form_url(tree.ind_lead, suffix="save/"), {"value": "1"}).status_code == 404
    assert client.get(f"/goals/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/goals/items/{tree.task.pk}/").status_code == 200  # 东山镇 cooperates
    page = client.get(f"/goals/items/{tree.indicator.pk}/").content.decode()
    assert "西湖镇" not in page.split('id="assignments"')[1].split("</table>")[0]
    assert client.get("/goals/reports/review/").status_code == 404


def test_village_user_cannot_see_the_town_item(city, tree, login):
    assert login(city.village_a_user).get(f"/goals/items/{tree.indicator.pk}/").status_code == 404


def test_office_accepts_and_returns(city, tree, login):
    first = make_report(tree.ind_lead, "2026-04", value=4000)
    second = make_report(tree.ind_resp, "2026-04", value=1300)
    client = login(city.office)
    assert "新增城镇就业" in client.get("/goals/reports/review/").content.decode()
    client.post(f"/goals/reports/{first.pk}/accept/", {"version": first.version})
    response = client.post(
        f"/goals/reports/{second.pk}/return/",
        {"version": second.version, "reason": ""},
        follow=True,
    )
    assert "请填写退回原因" in response.content.decode()
    client.post(
        f"/goals/reports/{second.pk}/return/", {"version": second.version, "reason": "口径不符"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.return_reason) == (
        ReportState.ACCEPTED,
        ReportState.RETURNED,
        "口径不符",
    )


def test_liaison_cannot_accept(city, tree, login):
    report = make_report(tree.ind_lead, "2026-04", value=4000)
    assert login(city.liaison_a).post(f"/goals/reports/{report.pk}/accept/").status_code == 404


def test_tampered_download_is_refused_with_a_message(city, tree, login):
    report = services_reports.report_save_draft(
        actor=city.liaison_a,
        assignment=tree.ind_lead,
        period="2026-04",
        value="1",
        today=dt.date(2026, 5, 20),
    )
    evidence = services_reports.evidence_add(
        actor=city.liaison_a, report=report, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    from django.core.files.storage import default_storage

    with open(default_storage.path(evidence.file.name), "wb") as handle:
        handle.write(PDF.replace(b"1 0", b"2 0"))
    response = login(city.office).get(f"/goals/evidence/{evidence.pk}/")
    assert response.status_code == 409
    assert "校验未通过" in response.content.decode()


def test_correction_from_the_form(city, tree, login):
    accepted = make_report(tree.ind_lead, "2026-04", value=4000, state=ReportState.ACCEPTED)
    client = login(city.liaison_a)
    assert "提交更正" in client.get(form_url(tree.ind_lead)).content.decode()
    client.post(
        f"/goals/reports/{accepted.pk}/correct/",
        {"value": "4050", "narrative": "修正", "reason": "核对后修正", "version": accepted.version},
    )
    versions = list(
        ProgressReport.objects.order_by("revision").values_list("revision", "is_current", "value")
    )
    assert versions == [(1, False, Decimal("4000")), (2, True, Decimal("4050"))]


def test_adjustment_request_and_approval_pages(city, tree, login):
    client = login(city.liaison_a)
    url = f"/goals/items/{tree.indicator.pk}/adjustments/new/?assignment={tree.ind_lead.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "assignment": tree.ind_lead.pk,
            "field": "target",
            "new_value": "11000",
            "reason": "受疫情影响",
        },
    )
    assert response.status_code == 302
    adjustment = TargetAdjustment.objects.get()
    office = login(city.office)
    assert "受疫情影响" in office.get("/goals/adjustments/").content.decode()
    office.post(f"/goals/adjustments/{adjustment.pk}/approve/", {"version": adjustment.version})
    adjustment.refresh_from_db()
    tree.ind_lead.refresh_from_db()
    assert adjustment.state == AdjustmentState.APPROVED and tree.ind_lead.target == Decimal("11000")
    page = office.get(f"/goals/items/{tree.indicator.pk}/").content.decode()
    assert "原 12000" in page


def test_town_b_cannot_request_for_town_a(city, tree, login):
    url = f"/goals/items/{tree.indicator.pk}/adjustments/new/?assignment={tree.ind_lead.pk}"
    assert login(city.liaison_b).get(url).status_code == 404


def test_plan_pages(city, tree, login):
    office = login(city.office)
    assert office.get("/goals/plans/").status_code == 200
    response = office.post(
        "/goals/plans/new/", {"year": 2027, "name": "", "report_due_working_days": 5}
    )
    assert response.status_code == 302
    assert "下达计划" in office.get(response["Location"]).content.decode()
    assert "新增城镇就业" in office.get(f"/goals/plans/{tree.plan.pk}/").content.decode()


# ---- query counts ---------------------------------------------------------------------------


WORKBENCH_QUERIES = (
    13  # session, user, scope (one union), plans, calendar (2), counts, rows, lists, alerts
)
ITEM_PAGE_QUERIES = 12


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(city, tree, extra):
    from ganchao.goals.tests.factories import make_assignment, make_item

    for number in range(extra):
        item = make_item(
            tree.plan,
            f"1.{number + 50}",
            f"指标{number}",
            "indicator",
            parent=tree.goal,
            measure_unit="个",
            target=100,
        )
        assignment = make_assignment(item, city.town_a)
        make_report(assignment, "2026-10", value=number, state=ReportState.RETURNED)
        make_report(assignment, "2026-09", value=number, state=ReportState.DRAFT)


def test_workbench_query_count_is_pinned(city, tree, login):
    client = login(city.liaison_a)
    small = _count(client, "/goals/workbench/")
    _grow(city, tree, 15)
    large = _count(client, "/goals/workbench/")
    assert small == large == WORKBENCH_QUERIES


def test_item_page_query_count_is_pinned(city, tree, login):
    client = login(city.office)
    url = f"/goals/items/{tree.indicator.pk}/"
    for period in ("2026-01", "2026-02"):
        report = make_report(tree.ind_lead, period, value=1000)
        report.evidence.create(
            file="x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0",
            uploaded_by=city.liaison_a,
        )
    small = _count(client, url)
    for period in ("2026-03", "2026-04", "2026-05", "2026-06"):
        make_report(tree.ind_lead, period, value=2000).evidence.create(
            file="y.pdf",
            original_name="y.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0",
            uploaded_by=city.liaison_a,
        )
        make_report(tree.ind_resp, period, value=600)
    large = _count(client, url)
    assert small == large == ITEM_PAGE_QUERIES
