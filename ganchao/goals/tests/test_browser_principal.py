"""Real browser: the mayor (a principal leader) opens a cockpit of the whole city, switches to
"我分管的" and back, and follows the red card to the tree page showing the same count; at 1366 and
390 pixels wide, without a page wider than the screen."""

import re

import pytest

from ganchao.conftest import make_user
from ganchao.goals.tests.test_browser_tree import log_in, plan  # noqa: F401 (a fixture)
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, LeaderArea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mayor(city):
    leader = Leader.objects.create(name="王市长", title="市长", principal=True)
    LeaderArea.objects.create(leader=leader, unit=city.stats, start_date="2026-01-01")
    return make_user("mayor", city.gov_office, Role.LEADER, leader=leader)


def _figure(page, title: str) -> int:
    card = page.locator(".gc-stat").filter(has_text=title).first
    return int(card.locator(".gc-figure").inner_text())


def test_the_mayors_cockpit_covers_the_city_with_their_areas_a_switch_away(
    pinned_clock,
    page,
    city,
    plan,  # noqa: F811 (the fixture)
    mayor,
    artifacts_dir,
):
    log_in(page, "mayor")
    page.locator("#chart-status canvas").first.wait_for()
    whole = _figure(page, "指标和任务")
    assert whole == 15  # every indicator and task of the city, not only 市统计局's
    red = _figure(page, "严重滞后")
    page.screenshot(path=str(artifacts_dir / "goals_cockpit_mayor.png"), full_page=True)

    page.get_by_role("link", name="我分管的").click()
    page.wait_for_url("**mine=1**")
    assert _figure(page, "指标和任务") == 0  # 市统计局 leads nothing in this plan
    page.get_by_role("link", name="全市").click()
    page.wait_for_url(re.compile(r".*/\?plan=\d+$"))
    assert _figure(page, "指标和任务") == whole

    page.locator(".gc-stat").filter(has_text="严重滞后").first.click()
    page.wait_for_url("**status=red**")
    assert page.locator("#goal-tree tbody tr:not(.gc-goal-row)").count() == red

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.locator("#chart-status canvas").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "goals_cockpit_mayor_390.png"), full_page=True)
