"""The second factor in a real browser: first login binds an authenticator from the QR code's
secret, the recovery codes are shown once, later logins ask for a code (a recovery code
works), and "my account" shows the state."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from ganchao.conftest import TEST_PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_password(page, username):
    page.set_default_timeout(60000)  # two cores shared by the whole suite
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def code_from_secret(secret: str) -> str:
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key):06d}"


def test_enrol_at_first_login_then_sign_in_with_codes(page, city, artifacts_dir):
    sign_in_with_password(page, "office")
    page.wait_for_url("**/second-factor/enrol/")
    assert page.locator(".gc-mfa-qr svg").is_visible()
    page.screenshot(path=artifacts_dir / "mfa-enrol.png", full_page=True)
    secret = page.locator("#mfa-secret").inner_text()
    page.get_by_label("动态验证码").fill(code_from_secret(secret))
    page.get_by_role("button", name="完成绑定").click()
    codes = re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", page.locator("#recovery-codes").inner_text())
    assert len(codes) == 10
    page.screenshot(path=artifacts_dir / "mfa-recovery-codes.png", full_page=True)
    page.get_by_role("button", name="我已妥善保存，进入系统").click()
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))  # the home page: signed in

    # the next login asks for a code; a recovery code stands in for the phone
    sign_in_with_password(page, "office")
    page.wait_for_url("**/second-factor/")
    page.screenshot(path=artifacts_dir / "mfa-login.png", full_page=True)
    page.get_by_label("动态验证码").fill("123")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator("body")).to_contain_text("动态验证码不正确")
    page.get_by_label("动态验证码").fill(codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="验证并登录").click()
    page.goto("/accounts/me/")
    section = page.locator("#mfa")
    assert "已启用" in section.inner_text() and "剩余 9 个恢复码" in section.inner_text()
    page.screenshot(path=artifacts_dir / "mfa-profile.png", full_page=True)

    # and the authenticator's code works as well
    code = totp_code(city.office)
    sign_in_with_password(page, "office")
    page.get_by_label("动态验证码").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="验证并登录").click()
    page.goto("/accounts/me/")
    assert "/accounts/login/" not in page.url


def test_security_admin_sees_and_resets_the_second_factor(page, city, artifacts_dir):
    totp_code(city.office)
    code = totp_code(city.security)
    sign_in_with_password(page, "security_admin")
    page.get_by_label("动态验证码").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="验证并登录").click()
    page.goto(f"/orgs/users/{city.office.pk}/")
    panel = page.locator("#mfa-admin")
    assert "已启用" in panel.inner_text()
    page.screenshot(path=artifacts_dir / "mfa-admin.png", full_page=True)
    panel.get_by_role("button", name="重置双因素认证").click()
    expect(page.locator("body")).to_contain_text("已重置双因素认证")
    assert "未启用" in page.locator("#mfa-admin").inner_text()
