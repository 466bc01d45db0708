"""Real browser: the office opens the enforcement dashboard with overdue clocks, warnings and
charts, then the complaints page, and registers an inspection that closes a 监管缺位."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from ganchao.conftest import log_in_page
from ganchao.enforcement import escalation
from ganchao.enforcement.choices import DecisionKind, Stage, ViolationKind
from ganchao.enforcement.models import Case, CaseDecision
from ganchao.enforcement.services import oversight as services
from ganchao.orgs.models import LeaderArea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("GANCHAO_SHOTS", "/tmp/shots/oversight"))


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def _story(ecity, today):
    LeaderArea.objects.filter(leader=ecity.cg_leader).update(start_date=dt.date(2020, 1, 1))
    ecity.open_case(filed_on=today - dt.timedelta(days=120), place="人民路8号")
    for i, violation in enumerate([ViolationKind.STREET_VENDING, ViolationKind.ILLEGAL_BUILDING]):
        case = ecity.open_case(
            filed_on=today - dt.timedelta(days=80 - i), place=f"建设路{i}号", violation=violation,
            party_name=f"商户{i}", party_id_no="",
        )  # fmt: skip
        CaseDecision.objects.create(
            case=case, kind=DecisionKind.PENALTY, fine=Decimal("3000"), penalties=["fine"],
            decided_on=today - dt.timedelta(days=45), decided_by=case.filed_by,
        )  # fmt: skip
        Case.objects.filter(pk=case.pk).update(stage=Stage.SERVED)
    for days in (20, 12, 5):
        services.complaint_create(
            actor=ecity.officer_user_a, agency=ecity.agency, place="东山镇农贸市场",
            received_on=today - dt.timedelta(days=days), channel="12345热线",
            summary="早市摊贩占道经营，影响通行",
        )  # fmt: skip
    escalation.clock_scan(timezone.now())


def test_dashboard_and_complaints_in_the_browser(ecity, page):
    today = timezone.localdate()
    _story(ecity, today)
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "office")
    page.goto("/enforcement/dashboard/")
    page.wait_for_selector("#chart-filed canvas")
    assert page.locator("#annual-due").count() == 1
    assert "东山镇农贸市场" in page.locator("#gaps").inner_text()
    assert "催办" in page.locator("#overdue").inner_text()
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    page.goto("/enforcement/inspections/")
    page.locator("#inspection-form-card summary").click()
    page.get_by_label("地点").fill("东山镇 农贸市场")
    page.get_by_label("检查日期").fill(today.isoformat())
    page.get_by_label("检查结果").fill("现场劝离摊贩3户，责令恢复通行")
    page.get_by_role("button", name="登记").click()
    page.wait_for_selector(".inspection-row")
    page.screenshot(path=str(SHOTS / "inspections.png"), full_page=True)

    page.goto("/enforcement/complaints/")
    assert page.locator(".complaint-row").count() == 3
    assert "已核查" in page.locator("#complaints").inner_text()
    page.screenshot(path=str(SHOTS / "complaints.png"), full_page=True)
    page.goto("/enforcement/dashboard/")
    assert "东山镇农贸市场" not in page.locator("#gaps").inner_text()

    overdue = Case.objects.order_by("filed_on").first()
    page.goto(f"/enforcement/cases/{overdue.pk}/")
    panel = page.locator("#panel-oversight")
    assert "催办" in panel.inner_text()
    panel.screenshot(path=str(SHOTS / "case_panel.png"))

    page.goto(f"/enforcement/annual-reports/?agency={ecity.agency.pk}&year={today.year - 1}")
    page.screenshot(path=str(SHOTS / "annual.png"), full_page=True)
