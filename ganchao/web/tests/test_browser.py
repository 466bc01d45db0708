"""Real-browser flows (Playwright driving Debian chromium): login, unit tree, lockout."""

import datetime as dt

import pytest

from ganchao.conftest import PINNED_NOW
from ganchao.demodata.generator import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_city(pinned_clock, demo_snapshots):
    """The demo city as `ganchao demo` seeds it, on the day the fixtures were written for; the
    worker's one seed, restored (the role crawl and the chart tests restore the same one)."""
    return demo_snapshots.restore(
        scale="city", seed=1, as_of=dt.date(2026, 11, 29), moment=PINNED_NOW, clock=pinned_clock
    )


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_demo_liaison_logs_in_and_browses_the_unit_tree(page, demo_city, artifacts_dir):
    log_in(page, "t01_liaison", DEMO_PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_text("东城街道").first.is_visible()
    page.get_by_role("link", name="单位目录", exact=True).click()
    page.wait_for_url("**/orgs/units/")
    # towns are listed under the city; their villages load when a town is opened
    town = page.locator("xpath=//details[summary/a[normalize-space()='东城街道']]")
    town.locator("summary").first.click(
        position={"x": 4, "y": 8}
    )  # the disclosure marker, not the link
    village = town.get_by_role("link", name="工农社区", exact=True)
    village.wait_for()
    assert "/orgs/units/" in page.url and page.get_by_role("heading", name="单位目录").is_visible()
    page.screenshot(path=str(artifacts_dir / "unit_tree.png"), full_page=True)
    village.click()
    page.get_by_role("heading", name="工农社区").wait_for()
    assert page.get_by_role("heading", name="工农社区").is_visible()
    page.goto("/orgs/units/")
    page.get_by_label("查找单位").fill("工农")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**/orgs/units/?q=*")
    result = (
        page.get_by_role("row").filter(has_text="东城街道").get_by_role("link", name="工农社区")
    )
    result.first.wait_for()
    assert result.first.is_visible()


def test_five_wrong_passwords_lock_the_account(page, demo_city):
    for _ in range(5):
        log_in(page, "t01_liaison", "Wrong-pass-1")
    log_in(page, "t01_liaison", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="账号已锁定").is_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_the_current_menu_entry_is_scrolled_into_view(page, demo_city):
    """At 1366×768 the office's menu is taller than the screen: a page low in it (考核通报)
    still shows its own entry."""
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "office1", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/assessment/bulletins/")
    entry = page.locator('.gc-sidebar [aria-current="page"]')
    assert entry.inner_text() == "考核通报"
    box = entry.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768
