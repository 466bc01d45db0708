"""Real-browser flows (Playwright driving Debian chromium): login, unit tree, lockout."""

import pytest

from ganchao.conftest import TEST_PASSWORD, City

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_liaison_logs_in_and_browses_the_unit_tree(page, artifacts_dir):
    City()
    log_in(page, "town_a_liaison", TEST_PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_text("西湖镇").first.is_visible()
    page.get_by_role("link", name="单位目录", exact=True).click()
    page.wait_for_url("**/orgs/units/")
    page.get_by_role("link", name="西湖镇", exact=True).click()
    assert page.get_by_role("heading", name="西湖镇").is_visible()
    page.goto("/orgs/units/")
    page.get_by_label("查找单位").fill("李庄")
    page.get_by_role("button", name="查找").click()
    assert page.get_by_role("link", name="李庄村").is_visible()
    page.goto("/orgs/units/")
    page.screenshot(path=str(artifacts_dir / "unit_tree.png"), full_page=True)


def test_five_wrong_passwords_lock_the_account(page):
    City()
    for _ in range(5):
        log_in(page, "town_a_liaison", "Wrong-pass-1")
    log_in(page, "town_a_liaison", TEST_PASSWORD)
    assert page.get_by_role("heading", name="账号已锁定").is_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url
