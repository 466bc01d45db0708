"""Oversight pages and API: the dashboard (B13 alert, KPIs, warnings, a pinned query count),
complaints and inspections with their forms, the annual statistics, the case panel."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from ganchao.enforcement import escalation
from ganchao.enforcement.choices import DecisionKind, Stage, ViolationKind
from ganchao.enforcement.models import AnnualReport, Case, CaseDecision, Complaint, Inspection
from ganchao.enforcement.services import oversight as services
from ganchao.enforcement.views import oversight as views
from ganchao.orgs.models import LeaderArea

SH = dt.timezone(dt.timedelta(hours=8))
ALERT = "年度执法数据待公开 (截止1月31日)"


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=SH), tick=False)


def fined(ecity, filed_on, decided_on, **extra):
    case = ecity.open_case(filed_on=filed_on, **extra)
    CaseDecision.objects.create(
        case=case, kind=DecisionKind.PENALTY, fine=Decimal("2000"), penalties=["fine"],
        decided_on=decided_on, decided_by=case.filed_by,
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(stage=Stage.SERVED)
    return case


def api(client, method, path, body=None):
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1/enforcement{path}")
    return call(f"/api/v1/enforcement{path}", json.dumps(body), content_type="application/json")


# ---- B13 on the dashboard ----------------------------------------------------------------------


def test_b13_dashboard_shows_the_alert_on_20_january_without_the_report(ecity, login):
    """Given date 2026-01-20 and no annual report published, when the dashboard loads, then a
    "年度执法数据待公开 (截止1月31日)" alert is shown."""
    client = login(ecity.head)
    with on(dt.date(2026, 1, 20)):
        page = client.get(reverse("enforcement:dashboard"))
        assert page.status_code == 200
        assert ALERT in page.content.decode()
        services.annual_report_publish(actor=ecity.head, agency=ecity.agency, year=2025)
        page = client.get(reverse("enforcement:dashboard"))
    assert ALERT not in page.content.decode()


def test_no_annual_alert_before_1_january(ecity, login):
    AnnualReport.objects.create(
        agency=ecity.agency, year=2024, figures={}, published_at=dt.datetime(2025, 1, 10, tzinfo=SH),
        published_by=ecity.head,
    )  # fmt: skip
    with on(dt.date(2025, 12, 31)):
        page = login(ecity.head).get(reverse("enforcement:dashboard"))
    assert ALERT not in page.content.decode()


# ---- the dashboard ---------------------------------------------------------------------------


def _busy_city(ecity, n: int):
    LeaderArea.objects.filter(leader=ecity.cg_leader).update(start_date=dt.date(2020, 1, 1))
    for i in range(n):
        ecity.open_case(filed_on=dt.date(2025, 11, 1 + i), place=f"人民路{i}号")
    for i in range(n):
        fined(ecity, dt.date(2026, 1, 2 + i), dt.date(2026, 2, 2), place=f"建设路{i}号",
              party_name=f"商户{i}", party_id_no="")  # fmt: skip
    for i in range(3):
        services.complaint_create(
            actor=ecity.officer_user_a, agency=ecity.agency, place=f"东山市场{n}",
            received_on=dt.date(2026, 4, 1 + i), summary="占道经营",
        )  # fmt: skip
    escalation.clock_scan(dt.datetime(2026, 4, 10, 9, tzinfo=SH))


@pytest.mark.parametrize("n", [1, 6])
def test_dashboard_runs_a_bounded_number_of_queries(ecity, login, django_assert_max_num_queries, n):
    _busy_city(ecity, n)
    client = login(ecity.office)
    with on(dt.date(2026, 4, 10)), django_assert_max_num_queries(36):
        page = client.get(reverse("enforcement:dashboard"))
    assert page.status_code == 200


def test_dashboard_lists_the_warnings_and_overdue_clocks(ecity, login):
    _busy_city(ecity, 2)
    with on(dt.date(2026, 4, 10)):
        page = login(ecity.office).get(
            reverse("enforcement:dashboard") + f"?agency={ecity.agency.pk}"
        )
    html = page.content.decode()
    ctx = page.context
    # the 2025 cases' decide clocks, and the fined cases' deliver clocks (nothing delivered)
    assert sorted(o.clock for o in ctx["overdue"]) == ["decide", "decide", "deliver", "deliver"]
    assert ctx["kpis"]["overdue_clocks"] == 4
    assert ctx["kpis"]["unrectified"] == 2 and ctx["kpis"]["gaps"] == 1
    assert "催办" in html and "督办" in html
    assert "东山市场2" in html
    assert 'id="oversight-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "2026年2月2日" in html


def test_agency_staff_see_their_own_agency_only(ecity, login):
    page = login(ecity.nr_officer_user).get(
        reverse("enforcement:dashboard") + f"?agency={ecity.agency.pk}"
    )
    assert page.status_code == 404
    page = login(ecity.officer_user_a).get(reverse("enforcement:dashboard"))
    assert page.context["picked"] == ecity.agency


# ---- complaints and inspections ----------------------------------------------------------------


def test_complaint_form_registers_and_close_button_closes(ecity, login):
    client = login(ecity.officer_user_a)
    data = {"agency": ecity.agency.pk, "place": "西湖镇农贸市场", "received_on": "2026-03-01",
            "channel": "12345热线", "summary": "占道经营"}  # fmt: skip
    page = client.post(reverse("enforcement:complaint_list"), data)
    assert page.status_code == 302
    row = Complaint.objects.get()
    assert row.place_key == "西湖镇农贸市场"
    listing = client.get(reverse("enforcement:complaint_list")).content.decode()
    assert "2026年3月1日" in listing and "办结" in listing
    client.post(reverse("enforcement:complaint_close", args=[row.pk]))
    assert Complaint.objects.get().state == "closed"


def test_complaint_form_refusal_keeps_nothing(ecity, login):
    client = login(ecity.officer_user_a)
    page = client.post(reverse("enforcement:complaint_list"), {"agency": ecity.agency.pk,
                       "place": "", "received_on": "2026-03-01", "summary": "x"})  # fmt: skip
    assert page.status_code == 422
    assert "地点" in page.content.decode() and Complaint.objects.count() == 0


def test_inspection_form_links_a_case_by_code(ecity, login):
    case = ecity.open_case()
    client = login(ecity.officer_user_b)
    data = {"agency": ecity.agency.pk, "matter": ecity.building.pk, "place": "李庄村18号",
            "inspected_on": "2026-03-05", "random": "on", "result": "发现违建", "case": case.code}  # fmt: skip
    assert client.post(reverse("enforcement:inspection_list"), data).status_code == 302
    row = Inspection.objects.get()
    assert (row.case_id, row.random) == (case.pk, True)
    data["case"] = "ZF-1999-999"
    page = client.post(reverse("enforcement:inspection_list"), data)
    assert page.status_code == 422 and Inspection.objects.count() == 1


def test_inspection_list_refuses_outsiders_post(ecity, login):
    page = login(ecity.liaison_a).post(reverse("enforcement:inspection_list"), {"place": "x"})
    assert page.status_code == 403


# ---- annual statistics page -------------------------------------------------------------------


def test_annual_report_page_previews_then_publishes(ecity, login):
    ecity.open_case(filed_on=dt.date(2025, 6, 1))
    client = login(ecity.head)
    with on(dt.date(2026, 1, 20)):
        page = client.get(
            reverse("enforcement:annual_report_list") + f"?agency={ecity.agency.pk}&year=2025"
        )
        assert "预览" in page.content.decode() and ALERT in page.content.decode()
        done = client.post(reverse("enforcement:annual_report_list"),
                           {"agency": ecity.agency.pk, "year": 2025, "note": "含撤销立案"})  # fmt: skip
        assert done.status_code == 302
        again = client.post(reverse("enforcement:annual_report_list"),
                            {"agency": ecity.agency.pk, "year": 2025})  # fmt: skip
    assert again.status_code == 409 and "已经公开" in again.content.decode()
    assert AnnualReport.objects.get().figures["cases_filed"] == 1


# ---- API -------------------------------------------------------------------------------------


def test_api_complaints_inspections_and_warnings(ecity, login):
    client = login(ecity.officer_user_a)
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        made = api(client, "post", "/complaints", {"agency_id": ecity.agency.pk, "place": "东山广场",
                   "received_on": day, "summary": "噪音扰民"})  # fmt: skip
        assert made.status_code == 201, made.content
    with on(dt.date(2026, 3, 10)):
        warnings = api(client, "get", "/warnings").json()
        assert [g["place"] for g in warnings["gaps"]] == ["东山广场"]
        listed = api(client, "get", "/complaints?state=open").json()
        assert listed["count"] == 3
        closed = api(client, "post", f"/complaints/{listed['items'][0]['id']}/close")
        assert closed.json()["state"] == "closed"
        made = api(client, "post", "/inspections", {"agency_id": ecity.agency.pk, "place": "东山 广场",
                   "inspected_on": "2026-03-05", "result": "已劝离"})  # fmt: skip
        assert made.status_code == 201
        assert api(client, "get", "/warnings").json()["gaps"] == []
        assert api(client, "get", "/inspections").json()["count"] == 1
        bad = api(
            client,
            "post",
            "/complaints",
            {"agency_id": ecity.agency.pk, "place": "某地", "summary": "x"},
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "received_on"


def test_api_dashboard_and_annual_reports(ecity, login):
    ecity.open_case(filed_on=dt.date(2025, 1, 2), violation=ViolationKind.ILLEGAL_BUILDING)
    client = login(ecity.head)
    with on(dt.date(2026, 1, 20)):
        board = api(client, "get", f"/dashboard?agency={ecity.agency.pk}").json()
        assert board["kpis"]["open_cases"] == 1
        assert board["warnings"]["annual_due"][0]["year"] == 2025
        assert board["overdue"][0]["clock"] == "decide"
        figures = api(
            client, "get", f"/annual-reports/figures?agency={ecity.agency.pk}&year=2025"
        ).json()
        assert figures["cases_filed"] == 1
        made = api(client, "post", "/annual-reports", {"agency_id": ecity.agency.pk, "year": 2025})
        assert made.status_code == 201 and made.json()["figures"]["cases_filed"] == 1
        again = api(client, "post", "/annual-reports", {"agency_id": ecity.agency.pk, "year": 2025})
        assert again.status_code == 409
        assert api(client, "get", "/annual-reports").json()["count"] == 1
    other = login(ecity.nr_officer_user)
    assert api(other, "get", f"/dashboard?agency={ecity.agency.pk}").status_code == 404


# ---- the case panel --------------------------------------------------------------------------


def test_case_panel_shows_alerts_and_repeat_offences(ecity):
    LeaderArea.objects.filter(leader=ecity.cg_leader).update(start_date=dt.date(2020, 1, 1))
    first = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    second = ecity.open_case(filed_on=dt.date(2025, 3, 2))
    escalation.clock_scan(dt.datetime(2025, 4, 30, 9, tzinfo=SH))
    request = RequestFactory().get("/")
    request.user = ecity.head
    context = views.panel_context(request, first, None)
    html = render_to_string("enforcement/panels/oversight.html", {"panel": context})
    assert "催办" in html and "督办" in html and "李副市长" in html
    assert "屡禁不止" in html and f"/enforcement/cases/{second.pk}/" in html
    quiet = ecity.open_case(filed_on=dt.date(2025, 3, 3), party_name="无关", party_id_no="",
                            place="别处", violation=ViolationKind.MARKET)  # fmt: skip
    html = render_to_string("enforcement/panels/oversight.html",
                            {"panel": views.panel_context(request, quiet, None)})  # fmt: skip
    assert "没有超期催办" in html


def test_case_page_carries_the_oversight_panel(ecity, login):
    LeaderArea.objects.filter(leader=ecity.cg_leader).update(start_date=dt.date(2020, 1, 1))
    case = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    escalation.clock_scan(dt.datetime(2025, 4, 30, 9, tzinfo=SH))
    page = login(ecity.head).get(reverse("enforcement:case_detail", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="panel-oversight"' in html
    assert "报分管领导李副市长" in html and "2025年4月3日" in html
