"""Issue 12 item 4 (LEGAL_RULES C1, C3, C4): the token endpoint runs the login's checks, tokens
expire, are named, capped, revoked on password change and reset, listed and revoked by their
owner; the security policy page and its API twin; HTTPS only when configured."""

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganchao.accounts import services
from ganchao.accounts.models import ApiToken, SecurityPolicy
from ganchao.audit.models import AuditEvent
from ganchao.cli import main
from ganchao.common.tests.api_client import TokenApi
from ganchao.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def obtain(username, password=TEST_PASSWORD, **extra):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


def me(key):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})


# ---- the token endpoint runs the login's checks ---------------------------------------------


def test_a_user_who_must_change_the_password_gets_no_token(city):
    make_user("newcomer", city.town_a, "liaison", must_change=True)
    answer = obtain("newcomer")
    assert answer.status_code == 403
    body = answer.json()
    assert body["code"] == "password_change_required" and "网页" in body["message"]
    assert not ApiToken.objects.filter(user__username="newcomer").exists()


def test_a_password_91_days_old_gets_no_token_and_its_old_token_stops(city):
    _token, key = services.token_create(actor=None, user=city.liaison_a, name="报送")
    city.liaison_a.password_changed_at = timezone.now() - dt.timedelta(days=91)
    city.liaison_a.save(update_fields=["password_changed_at"])
    assert obtain("town_a_liaison").json()["code"] == "password_change_required"
    used = me(key)
    assert used.status_code == 403 and used.json()["code"] == "password_change_required"


def test_a_browser_session_that_must_change_the_password_cannot_use_the_api(city):
    user = make_user("newcomer", city.town_a, "liaison", must_change=True)
    client = Client()
    client.force_login(user)
    answer = client.get("/api/v1/me")
    assert answer.status_code == 403 and answer.json()["code"] == "password_change_required"


def test_after_a_reset_the_token_endpoint_refuses_until_the_password_is_changed(city):
    services.password_reset(actor=city.security, user=city.liaison_a, new_password="Tmp-reset-77")
    answer = obtain("town_a_liaison", "Tmp-reset-77")
    assert answer.status_code == 403 and answer.json()["code"] == "password_change_required"


def test_the_token_answer_carries_id_name_and_expiry(city):
    answer = obtain("town_a_liaison", name="区县报送系统")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert set(body) == {"token", "id", "name", "expires_at"}
    assert body["name"] == "区县报送系统" and body["expires_at"].endswith("+08:00")
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=29, hours=23) < expires - timezone.now() <= dt.timedelta(days=30)
    assert me(body["token"]).status_code == 200


def test_a_username_in_other_case_gets_a_token_for_the_same_account(city):
    answer = obtain("Town_A_Liaison")
    assert answer.status_code == 201
    assert me(answer.json()["token"]).json()["username"] == "town_a_liaison"


def test_an_account_needing_a_second_factor_must_send_a_right_code(city):
    missing = obtain("office")
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    assert missing.json()["errors"][0]["field"] == "otp"
    device = TOTPDevice.objects.create(user=city.office, name="authenticator", confirmed=True)
    wrong = obtain("office", otp="000000" if totp(device.bin_key) != 0 else "111111")
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    assert AuditEvent.objects.filter(
        action="auth.mfa_failed", actor_username="office", success=False
    ).exists()
    right = obtain("office", otp=f"{totp(device.bin_key):06d}")
    assert right.status_code == 201, right.content
    assert not ApiToken.objects.filter(user=city.office).exclude(pk=right.json()["id"])


def test_a_user_who_chose_a_second_factor_needs_it_for_tokens_too(city):
    TOTPDevice.objects.create(user=city.liaison_a, name="authenticator", confirmed=True)
    assert obtain("town_a_liaison").json()["code"] == "otp_required"


def test_an_inactive_account_gets_no_token(city):
    city.liaison_a.is_active = False
    city.liaison_a.save(update_fields=["is_active"])
    assert obtain("town_a_liaison").status_code == 401


# ---- expiry, names, the cap -----------------------------------------------------------------


def test_an_expired_token_answers_token_expired(city):
    token, key = services.token_create(actor=None, user=city.liaison_a, name="脚本")
    assert me(key).status_code == 200
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1)):
        answer = me(key)
    assert answer.status_code == 401 and answer.json()["code"] == "token_expired"


def test_the_expiry_follows_the_policy(city):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"token_days": 7})
    token, _key = services.token_create(actor=None, user=city.liaison_a)
    assert token.expires_at - token.created_at < dt.timedelta(days=7, seconds=5)


def test_each_call_replaces_the_token_of_the_same_name_instead_of_piling_up(city):
    first = obtain("town_a_liaison").json()
    second = obtain("town_a_liaison").json()
    assert first["name"] == second["name"] == "接口登录"
    assert me(first["token"]).json()["code"] == "token_revoked"
    assert me(second["token"]).status_code == 200
    old = ApiToken.objects.get(pk=first["id"])
    assert old.revoked_at is not None and "同名" in old.revoked_reason
    assert services.active_tokens(city.liaison_a).count() == 1


def test_active_tokens_are_capped_and_the_oldest_is_revoked(city):
    made = [
        services.token_create(actor=None, user=city.liaison_a, name=f"系统{n}")[0]
        for n in range(services.MAX_ACTIVE_TOKENS + 1)
    ]
    assert services.active_tokens(city.liaison_a).count() == services.MAX_ACTIVE_TOKENS
    oldest = ApiToken.objects.get(pk=made[0].pk)
    assert oldest.revoked_at is not None and "上限" in oldest.revoked_reason


# ---- revoked on password change and reset ---------------------------------------------------


def test_a_password_change_revokes_every_token(city):
    _token, key = services.token_create(actor=None, user=city.liaison_a, name="报送")
    services.password_change(
        actor=city.liaison_a, old_password=TEST_PASSWORD, new_password="Xin-mima-2027"
    )
    assert me(key).json()["code"] == "token_revoked"
    token = ApiToken.objects.get(user=city.liaison_a)
    assert "修改密码" in token.revoked_reason
    event = AuditEvent.objects.get(action="auth.tokens_revoked")
    assert event.object_id == str(city.liaison_a.pk) and event.reason == token.revoked_reason


def test_a_password_reset_revokes_every_token(city):
    _token, key = services.token_create(actor=None, user=city.liaison_a, name="报送")
    services.password_reset(actor=city.security, user=city.liaison_a, new_password="Tmp-reset-77")
    assert me(key).status_code == 401
    assert "重置" in ApiToken.objects.get(user=city.liaison_a).revoked_reason
    assert AuditEvent.objects.get(action="auth.tokens_revoked").actor_username == "security_admin"


def test_revoke_user_tokens_records_nothing_when_there_is_nothing_to_revoke(city):
    assert services.revoke_user_tokens(city.liaison_a, "停用") == 0
    assert not AuditEvent.objects.filter(action="auth.tokens_revoked").exists()


# ---- the owner lists and revokes ------------------------------------------------------------


def test_the_owner_lists_their_tokens_with_state(city):
    api = TokenApi(city.liaison_a)
    services.token_create(actor=None, user=city.liaison_a, name="报送")
    gone, _key = services.token_create(actor=None, user=city.liaison_a, name="旧系统")
    services.token_revoke(actor=city.liaison_a, token_id=gone.pk)
    services.token_create(actor=None, user=city.liaison_b, name="别人的")
    listed = api.get("/auth/tokens")
    assert listed.status_code == 200
    rows = {row["name"]: row for row in listed.json()["items"]}
    assert set(rows) == {"", "报送", "旧系统"}
    assert rows["报送"]["state"] == "active" and rows["旧系统"]["state"] == "revoked"
    assert rows["旧系统"]["revoked_reason"] == "本人吊销"
    assert {"prefix", "created_at", "last_used_at", "expires_at"} <= set(rows["报送"])


def test_the_profile_page_shows_creates_and_revokes_tokens(city):
    client = Client()
    client.force_login(city.liaison_a)
    old, _key = services.token_create(actor=None, user=city.liaison_a, name="旧系统")
    page = client.post("/accounts/me/", {"name": "区县报送系统"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "只显示这一次" in text and "区县报送系统" in text and "有效期至" in text
    assert "有效" in text and "到期日期" in text and old.prefix in text
    made = ApiToken.objects.get(user=city.liaison_a, name="区县报送系统")
    client.post(f"/accounts/me/tokens/{made.pk}/revoke/")
    text = client.get("/accounts/me/").content.decode()
    assert "已吊销" in text and "本人吊销" in text


def test_the_token_command_sets_the_expiry(city, capsys):
    assert main(["token", "create", "Town_A_Liaison", "--name", "夜间同步"]) == 0
    token = ApiToken.objects.get(user=city.liaison_a, name="夜间同步")
    assert token.expires_at is not None
    assert me(capsys.readouterr().out.strip()).status_code == 200


# ---- the security policy ----------------------------------------------------------------------


def policy_body(**changes):
    policy = SecurityPolicy.current()
    body = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
    return {**body, "expected_version": policy.version, **changes}


def test_the_security_administrator_edits_the_policy_through_the_api(city):
    api = TokenApi(city.security)
    got = api.get("/auth/policy")
    assert got.status_code == 200 and got.json()["token_days"] == 30
    saved = api.call("PUT", "/auth/policy", policy_body(token_days=14, mfa_roles=["office"]))
    assert saved.status_code == 200, saved.content
    assert saved.json()["token_days"] == 14 and saved.json()["version"] == 2
    event = AuditEvent.objects.get(action="auth.policy_updated")
    assert event.changes["token_days"] == {"before": 30, "after": 14}
    assert event.changes["mfa_roles"]["after"] == ["office"]
    stale = api.call("PUT", "/auth/policy", policy_body(token_days=20, expected_version=1))
    assert stale.status_code == 409
    assert SecurityPolicy.current().token_days == 14


def test_a_short_log_retention_is_saved_with_a_warning(city):
    api = TokenApi(city.security)
    saved = api.call("PUT", "/auth/policy", policy_body(log_retention_days=90))
    assert saved.status_code == 200
    assert any("六个月" in warning for warning in saved.json()["warnings"])


def test_bad_policy_values_are_refused_naming_the_field(city):
    api = TokenApi(city.security)
    bad = api.call("PUT", "/auth/policy", policy_body(mfa_roles=["office", "root"]))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "mfa_roles"
    zero = api.call("PUT", "/auth/policy", policy_body(token_days=0))
    assert zero.status_code == 422 and "token_days" in zero.content.decode()
    assert SecurityPolicy.current().version == 1


def test_only_the_security_administrator_sees_the_policy(city):
    for user in (city.admin, city.office, city.liaison_a):
        assert TokenApi(user).get("/auth/policy").status_code == 403
        client = Client()
        client.force_login(user)
        assert client.get("/accounts/policy/").status_code == 403


def test_the_policy_page_saves_and_warns(city):
    client = Client()
    client.force_login(city.security)
    page = client.get("/accounts/policy/")
    assert page.status_code == 200 and "接口令牌有效天数" in page.content.decode()
    assert "/accounts/policy/" in page.content.decode()  # the navigation entry
    form = policy_body(log_retention_days=90)
    form["mfa_roles"] = list(form["mfa_roles"])
    saved = client.post("/accounts/policy/", form, follow=True)
    text = saved.content.decode()
    assert "安全策略已保存" in text and "低于法定最少六个月" in text
    assert SecurityPolicy.current().log_retention_days == 90
    stale = client.post("/accounts/policy/", form)
    assert stale.status_code == 422 and "已被他人修改" in stale.content.decode()


# ---- HTTPS (LEGAL_RULES C3) -------------------------------------------------------------------


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_with_secure_cookies_http_is_redirected_and_https_is_strict(city):
    plain = Client().get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert Client().get("/api/v1/me").status_code == 301
    secure = Client().get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure.cookies["csrftoken"]["secure"]
    client = Client()
    client.get("/accounts/login/", secure=True)
    logged_in = client.post(
        "/accounts/login/",
        {"username": "town_a_liaison", "password": TEST_PASSWORD},
        secure=True,
    )
    assert logged_in.status_code == 302
    assert logged_in.cookies["sessionid"]["secure"]
