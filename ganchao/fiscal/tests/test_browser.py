"""Real browser: 西湖镇 can carry 100 万元 in 2026; its liaison pledges 150 — the reason field
appears as the amount passes what is left — and the pledge waits; the office approves it from
the queue; the overview shows the excess in red. Screenshots go to /tmp/shots/fiscal."""

from pathlib import Path

import pytest
from django.utils import timezone

from ganchao.conftest import log_in_page
from ganchao.fiscal.models import Commitment
from ganchao.fiscal.services import capacity_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shots_dir() -> Path:
    path = Path("/tmp/shots/fiscal")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_pledge_beyond_capacity_is_approved_and_shown_in_red(city, page, browser):
    shots = shots_dir()
    year = timezone.localdate().year
    capacity_set(actor=city.office, unit=city.town_a, year=year, amount="100", basis="年初预算")
    capacity_set(actor=city.office, unit=city.town_b, year=year, amount="300")

    log_in_page(page, "town_a_liaison")
    page.wait_for_url("**/")
    page.goto(f"/fiscal/units/{city.town_a.pk}/{year}/")
    reason = page.locator("#reason-field")
    assert reason.is_hidden()
    page.get_by_label("事项名称").fill("文化礼堂新建工程")
    page.get_by_label("承诺金额（万元）").fill("60")
    assert reason.is_hidden()
    page.get_by_label("承诺金额（万元）").fill("150")
    assert reason.is_visible()
    page.screenshot(path=f"{shots}/unit-form-reason.png", full_page=True)
    page.get_by_label("超出理由").fill("群众呼声高，列入年度民生实事")
    page.get_by_role("button", name="登记承诺").click()
    assert "待审批" in page.locator("#commitment-rows").inner_text()
    page.screenshot(path=f"{shots}/unit-pending.png", full_page=True)

    office = browser.new_context(
        viewport={"width": 1366, "height": 768},
        locale="zh-CN",
        base_url=page.url.split("/fiscal")[0],
    )
    desk = office.new_page()
    log_in_page(desk, "office")
    desk.wait_for_url("**/")
    desk.goto("/fiscal/approvals/")
    assert "超出可用财力 50.00 万元" in desk.locator("#approval-rows").inner_text()
    desk.screenshot(path=f"{shots}/approvals.png", full_page=True)
    desk.get_by_label("审批意见").fill("同意，超出部分由年中追加预算解决")
    desk.get_by_role("button", name="批准", exact=True).click()
    desk.wait_for_url("**/fiscal/approvals/")
    assert Commitment.objects.get().state == "approved"

    desk.goto(f"/fiscal/?year={year}")
    desk.locator("#fiscal-chart canvas").wait_for()
    rows = desk.locator("#fiscal-rows").inner_text()
    assert "西湖镇" in rows and "超出财力" in rows and "50.00 万元" in rows
    desk.screenshot(path=f"{shots}/overview.png", full_page=True)
    office.close()
