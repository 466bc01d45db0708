# ruff: noqa: F811 — the fixtures `people` and `towns` are imported by name
"""Real browser: the office leaves the assessing office out of a scheme and chooses how empty
work components are filled, on the new-version form; the draft league then lists 丁镇 under
the table (本期无考核内容) and 戊镇's scorecard says how its indicators were filled. Screenshots
at 1366×768 and 390 wide."""

import pytest

from ganchao.assessment import selectors
from ganchao.assessment.tests.league_support import people  # noqa: F401
from ganchao.assessment.tests.test_pages_browser import log_in
from ganchao.assessment.tests.test_participants import towns  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_names_the_participants_and_reads_the_filled_scores(
    page, people, towns, artifacts_dir
):
    log_in(page, "office")
    page.goto("/assessment/schemes/TOWNS/new-version/")
    page.get_by_label("督查镇").check()
    page.get_by_label("按同类单位该项平均得分率折算").check()
    page.get_by_role("button", name="保存为新版本").click()
    page.wait_for_url("**/assessment/schemes/TOWNS/")
    assert "督查镇" in page.locator("#scheme-excluded").inner_text()
    scheme = selectors.scheme_get("TOWNS")
    assert scheme.empty_component == "average" and scheme.excluded_units.get().code == "T06"

    page.goto("/assessment/league/?scheme=TOWNS&period=2026-Q2&draft=1")
    assert "督查镇" not in page.content()
    assert "丁镇" not in page.locator("#league-rows").inner_text()
    assert "丁镇" in page.locator("#league-unassessed").inner_text()
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts_dir / f"assessment-league-unassessed-{width}.png"))

    page.locator("#league-rows").get_by_role("link", name="戊镇").click()
    page.wait_for_url("**/assessment/scorecards/TOWNS/2026-Q2/T05/?draft=1")
    formula = page.locator("#component-IND .gc-formula").inner_text()
    assert "本期无考核指标，按同类单位平均得分率" in formula
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(
            path=str(artifacts_dir / f"assessment-scorecard-filled-{width}.png"), full_page=True
        )
