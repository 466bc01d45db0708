"""In a real browser: the owner's tokens on 我的账号, the security policy page, and the login
page of a paused address (screenshots under test-artifacts/tokens-policy/)."""

import pytest
from django.test import Client

from ganchao.accounts.models import SecurityPolicy
from ganchao.conftest import log_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(artifacts_dir):
    path = artifacts_dir / "tokens-policy"
    path.mkdir(exist_ok=True)
    return path


def test_a_liaison_creates_and_revokes_a_named_token(page, city, shots):
    log_in_page(page, "town_a_liaison")
    page.goto("/accounts/me/")
    page.get_by_label("令牌名称").fill("区县报送系统")
    page.get_by_role("button", name="创建令牌").click()
    new_key = page.locator("#new-token")
    assert new_key.inner_text().startswith("gc_")
    row = page.get_by_role("row").filter(has_text="区县报送系统")
    assert row.get_by_text("有效", exact=True).is_visible()
    page.screenshot(path=str(shots / "profile_tokens.png"), full_page=True)
    row.get_by_role("button", name="吊销").click()
    row = page.get_by_role("row").filter(has_text="区县报送系统")
    assert row.get_by_text("已吊销", exact=True).is_visible()


def test_the_security_administrator_edits_the_policy(page, city, shots):
    log_in_page(page, "security_admin")
    page.get_by_role("link", name="安全策略").click()
    page.wait_for_url("**/accounts/policy/")
    page.get_by_label("日志保留天数").fill("90")
    page.get_by_role("button", name="保存安全策略").click()
    page.wait_for_url("**/accounts/policy/")
    assert page.get_by_text("安全策略已保存").first.is_visible()
    assert page.get_by_text("低于法定最少六个月").first.is_visible()
    page.screenshot(path=str(shots / "policy.png"), full_page=True)
    assert SecurityPolicy.current().log_retention_days == 90


def test_a_paused_address_sees_why_on_the_login_page(page, city, shots):
    for n in range(30):
        Client(REMOTE_ADDR="127.0.0.1").post(
            "/accounts/login/", {"username": f"guess{n}", "password": "wrong-Pass1"}
        )
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("town_a_liaison")
    page.get_by_label("密码").fill("Gc-test-2026!")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_text("登录失败次数过多").first.is_visible()
    page.screenshot(path=str(shots / "login_paused.png"), full_page=True)
