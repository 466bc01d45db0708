"""Real browser: a town liaison opens the league table (比着干排行榜), sees the rank-change
arrow and sparkline, follows the unit to its scorecard and the trend chart draws. Screenshots
of both pages at 1366×768."""

import pytest

from ganchao.assessment.tests.league_support import people, quarters  # noqa: F401
from ganchao.conftest import log_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_league_table_to_scorecard(page, people, quarters, artifacts_dir):  # noqa: F811
    log_in(page, "town_a_liaison")
    page.goto("/assessment/league/?scheme=TOWNS&period=2026-Q2")
    table = page.locator("#league-rows")
    assert table.locator("tbody tr").count() == 3
    first = table.locator("tbody tr").first
    assert "乙镇" in first.inner_text() and "98.00" in first.inner_text()
    assert page.get_by_text("较上期下降1位").count() == 1  # 甲镇: 1 in Q1 → 2 in Q2
    assert table.locator("svg.gc-spark").count() == 3
    page.screenshot(path=str(artifacts_dir / "assessment-league.png"), full_page=True)

    table.get_by_role("link", name="甲镇").click()
    page.wait_for_url("**/assessment/scorecards/TOWNS/2026-Q2/T01/")
    assert page.locator("#scorecard-total").inner_text().strip() == "90.92"
    assert page.locator("#trend-chart canvas").count() == 1  # ECharts drew (CSP allows it)
    assert page.get_by_role("link", name="对本项提出申诉").count() == 3
    page.screenshot(path=str(artifacts_dir / "assessment-scorecard.png"), full_page=True)
    page.get_by_role("link", name="1 事项1").click()
    page.wait_for_url("**/goals/items/*/#reports")
