"""The role crawl (issue 9 item 7): as every demo role and as the public, open every page of
the navigation and a bounded level of links from each, at 1366 and 390 px, and fail on a
broken link, a console error or a page wider than the window. The failure lists every bad
page with role, address and what failed. Screenshots of the pages officials look at most
(league table, a scorecard, the mayor's cockpit, the review queue, the appeals desk) are saved
at both widths to test-artifacts/crawl/."""

import datetime as dt

import pytest

from ganchao.conftest import PINNED_NOW
from ganchao.demodata.generator import DEMO_PASSWORD
from ganchao.web.tests.crawl import PUBLIC_START, WIDTHS, Crawler, log_in

# Heavy: started before the short tests (ganchao/conftest.py), and in no xdist group, so that
# the two workers share the crawl's parts instead of one worker carrying all of it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.heavy,
    pytest.mark.django_db(transaction=True),
]

# (role as the failure names it, demo account; None = the public, logged out)
ROLES = [
    ("督查室", "office1"),
    ("市长（主要领导）", "leader02"),
    ("副市长", "leader04"),
    ("街道联络员", "t01_liaison"),
    ("街道负责人", "t01_head"),
    ("部门联络员", "tjj_liaison"),
    ("村（社区）联络员", "t01v001_liaison"),
    ("审计管理员", "auditor"),
    ("系统管理员", "admin"),
    ("安全管理员", "secadmin"),
    ("法制审核人员", "sfj_review"),
    ("法律顾问", "lawyer1"),
    ("执法人员", "scjg_officer"),
    ("企业服务专员", "gxj_commissioner"),
    ("公众", None),
]
# The crawl in parts, one test each (a part is one crawler: a pattern that an earlier role of the
# part rendered is only fetched for the later ones); roles that share most of their pages are in
# the same part. Every role is crawled in exactly one part.
PARTS = {
    "office-leaders-admins": ("office1", "leader02", "leader04", "auditor", "admin", "secadmin"),
    "units-specialists-public": (
        "t01_liaison",
        "t01_head",
        "tjj_liaison",
        "t01v001_liaison",
        "sfj_review",
        "lawyer1",
        "scjg_officer",
        "gxj_commissioner",
        None,
    ),
}
SCREENSHOTS = [
    ("office1", "league", "/assessment/league/"),
    ("office1", "review_queue", "/goals/reports/review/"),
    ("office1", "appeals", "/assessment/appeals/"),
    ("leader02", "mayor_cockpit", "/"),
]


@pytest.fixture
def demo_city(pinned_clock, demo_snapshots):
    """The demo city as `ganchao demo` seeds it, on the day the fixtures were written for
    (from November the next year's calendar is provisional); the worker's one seed, restored."""
    return demo_snapshots.restore(
        scale="city", seed=1, as_of=dt.date(2026, 11, 29), moment=PINNED_NOW, clock=pinned_clock
    )


def test_the_parts_crawl_every_role_once():
    crawled = [username for part in PARTS.values() for username in part]
    assert sorted(crawled, key=str) == sorted((u for _r, u in ROLES), key=str)


@pytest.mark.parametrize("part", list(PARTS))
def test_every_role_reaches_only_pages_that_open_and_fit(browser, live_server, demo_city, part):
    crawler = Crawler(browser, live_server.url)
    problems, visited = [], 0
    for role, username in [(r, u) for r, u in ROLES if u in PARTS[part]]:
        if username is None:
            done = crawler.crawl(role, None, "", start=PUBLIC_START)
        else:
            done = crawler.crawl(role, username, DEMO_PASSWORD)
        visited += len(done.visited)
        assert done.visited, f"{role}: no page opened"
        problems += done.problems
    report = "\n".join(str(problem) for problem in problems)
    assert not problems, f"{len(problems)} problems on {visited} pages:\n{report}"


def test_screenshots_of_the_main_pages_at_both_widths(
    browser, live_server, demo_city, artifacts_dir
):
    folder = artifacts_dir / "crawl"
    folder.mkdir(exist_ok=True)
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        current = None
        shots = [*SCREENSHOTS, ("office1", "scorecard", _first_scorecard)]
        for username, name, url in shots:
            if username != current:
                context.clear_cookies()
                log_in(page, username, DEMO_PASSWORD)
                current = username
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 768})
                page.goto(url(page) if callable(url) else url)
                page.wait_for_load_state("load")
                path = folder / f"{name}_{width}.png"
                page.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 0
                width_now = page.evaluate("() => document.documentElement.scrollWidth")
                assert width_now <= width + 1, f"{name} at {width}px is {width_now}px wide"
    finally:
        context.close()


def _first_scorecard(page) -> str:
    """The scorecard of the league's first unit, as its link in the league table reads."""
    page.goto("/assessment/league/")
    return page.locator("a[href*='/assessment/scorecards/']").first.get_attribute("href")
