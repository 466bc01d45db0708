"""Real browser: the office filters the review queue, accepts two ticked reports and then all
matching ones after a confirmation that states how many; the page never scrolls sideways at 1366
or 390 pixels (the table scrolls inside its card). Screenshots of the queue at both widths."""

import pytest

from ganchao.conftest import log_in_page
from ganchao.goals.choices import ReportState
from ganchao.goals.models import ProgressReport
from ganchao.goals.tests.factories import make_assignment, make_item, make_plan, make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def page_overflows(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_filter_and_accept_in_bulk(pinned_clock, page, city, artifacts_dir):
    tree = make_plan(city)
    for month in range(1, 11):
        make_report(tree.ind_lead, f"2026-{month:02d}", value=400 * month, late=month in (3, 7))
        make_report(tree.ind_resp, f"2026-{month:02d}", value=100 * month)
    long_item = make_item(
        tree.plan, "1.5", "江川高新技术产业开发区标准化厂房建设6万平方米及配套基础设施提升工程",
        "indicator", tree.goal,
    )  # fmt: skip
    make_report(make_assignment(long_item, city.town_b), "2026-10", value=3)

    log_in(page, "office")
    page.goto("/goals/reports/review/")
    assert page.locator("#review-rows tbody tr").count() == 21
    assert not page_overflows(page)
    page.screenshot(path=str(artifacts_dir / "goals_review_queue_1366.png"), full_page=True)

    # filter: 逾期 only — the two late reports of 西湖镇
    page.get_by_label("是否逾期").select_option("1")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**late=1**")
    rows = page.locator("#review-rows tbody tr")
    assert rows.count() == 2
    assert "西湖镇" in rows.first.inner_text()

    # tick both, one confirmation stating how many, then the result
    for index in range(2):
        rows.nth(index).locator('input[type="checkbox"]').check()
    page.get_by_role("button", name="审核通过所选报告").click()
    page.locator("#bulk-count").wait_for()
    assert "将审核通过 2 条进展报告" in page.locator("#bulk-count").inner_text()
    page.get_by_role("button", name="确认审核通过 2 条").click()
    page.locator("#bulk-result").wait_for()
    assert "已审核通过 2 条" in page.locator("#bulk-result").inner_text()
    page.get_by_role("link", name="返回审核列表").click()
    page.wait_for_url("**late=1**")
    assert "没有符合筛选条件的报告" in page.locator(".gc-review").inner_text()

    # search 东山镇 and accept all matching after confirming the count
    page.goto("/goals/reports/review/?q=东山镇")
    page.get_by_role("button", name="审核通过全部 11 条符合条件的报告").click()
    page.locator("#bulk-count").wait_for()
    assert "将审核通过 11 条进展报告" in page.locator("#bulk-count").inner_text()
    page.get_by_role("button", name="确认审核通过 11 条").click()
    page.locator("#bulk-result").wait_for()
    assert ProgressReport.objects.filter(state=ReportState.ACCEPTED).count() == 13
    assert ProgressReport.objects.filter(state=ReportState.SUBMITTED).count() == 8

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/goals/reports/review/")
    assert not page_overflows(page)
    page.screenshot(path=str(artifacts_dir / "goals_review_queue_390.png"), full_page=True)
