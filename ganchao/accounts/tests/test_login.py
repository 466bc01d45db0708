"""Login, lockout, forced password change, password rules, idle timeout, API tokens."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django.utils import timezone

from ganchao.accounts import services
from ganchao.accounts.middleware import LAST_ACTIVITY_KEY
from ganchao.accounts.models import ApiToken
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import ValidationFailed
from ganchao.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "账号登录" in text and "用户名" in text and "密码" in text


def test_right_password_logs_in_and_is_audited(city, client):
    response = post_login(client, "town_a_liaison", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor_username="town_a_liaison").exists()


def test_wrong_password_is_refused_and_audited(city, client):
    response = post_login(client, "town_a_liaison", "wrong-Password1")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.actor_username == "town_a_liaison" and event.success is False


def test_five_failures_lock_the_account_even_for_the_right_password(city, client):
    for _ in range(5):
        post_login(client, "town_a_liaison", "wrong-Password1")
    response = post_login(Client(), "town_a_liaison", TEST_PASSWORD)
    assert response.status_code == 403
    assert "已锁定 15 分钟" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    # other users are not affected (lockout is per username, not per address)
    assert post_login(Client(), "town_b_liaison", TEST_PASSWORD).status_code == 302


def test_success_resets_the_failure_count(city, client):
    for _ in range(4):
        post_login(client, "town_a_liaison", "wrong-Password1")
    assert post_login(Client(), "town_a_liaison", TEST_PASSWORD).status_code == 302
    for _ in range(4):
        post_login(Client(), "town_a_liaison", "wrong-Password1")
    assert post_login(Client(), "town_a_liaison", TEST_PASSWORD).status_code == 302


def test_lockout_expires_after_fifteen_minutes(city, client, settings):
    for _ in range(5):
        post_login(client, "town_a_liaison", "wrong-Password1")
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert post_login(Client(), "town_a_liaison", TEST_PASSWORD).status_code == 302


def test_new_account_must_change_password_first(city, client):
    user = make_user("newcomer", city.town_a, must_change=True)
    post_login(client, "newcomer", TEST_PASSWORD)
    response = client.get("/orgs/units/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password": "Brand-new-2026",
            "new_password2": "Brand-new-2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/orgs/units/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_seed_accounts_are_exempt_from_forced_change(city, client):
    user = make_user("demo_user", city.town_a, must_change=True)
    user.password_policy_exempt = True
    user.save()
    post_login(client, "demo_user", TEST_PASSWORD)
    assert client.get("/orgs/units/").status_code == 200


def test_expired_password_must_be_changed(city, login):
    city.liaison_a.password_changed_at = timezone.now() - dt.timedelta(days=91)
    city.liaison_a.save()
    response = login(city.liaison_a).get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "至少包含 8 个字符"),
        ("abcdefgh1", "至少 3 类"),
        ("Town_a_liaison-9", "不能包含用户名"),
    ],
)
def test_password_rules(city, password, message):
    with pytest.raises(ValidationFailed) as info:
        services.password_change(
            actor=city.liaison_a, old_password=TEST_PASSWORD, new_password=password
        )
    assert message in info.value.message


def test_last_five_passwords_cannot_be_reused(city):
    user = city.liaison_a
    current = TEST_PASSWORD
    for i in range(5):
        new = f"Rotate-{i}-pass"
        services.password_change(actor=user, old_password=current, new_password=new)
        current = new
    with pytest.raises(ValidationFailed, match="最近 5 次"):
        services.password_change(actor=user, old_password=current, new_password="Rotate-1-pass")
    # the sixth-oldest (the original) is allowed again
    services.password_change(actor=user, old_password=current, new_password=TEST_PASSWORD)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(city):
    services.password_reset(
        actor=city.security, user=city.liaison_a, new_password="Argon-hash-2026"
    )
    city.liaison_a.refresh_from_db()
    assert identify_hasher(city.liaison_a.password).algorithm == "argon2"


def test_idle_session_is_logged_out_after_thirty_minutes(city, login):
    client = login(city.liaison_a)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = timezone.now().timestamp() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="auth.idle_logout").exists()


def test_background_polling_does_not_keep_the_session_alive(city, login):
    client = login(city.liaison_a)
    client.get("/")
    session = client.session
    stale = timezone.now().timestamp() - 20 * 60
    session[LAST_ACTIVITY_KEY] = stale
    session.save()
    client.get("/", headers={"X-Ganchao-Background": "1"})
    assert client.session[LAST_ACTIVITY_KEY] == stale
    client.get("/")
    assert client.session[LAST_ACTIVITY_KEY] > stale


def test_requests_within_half_a_minute_do_not_rewrite_the_session(city, login):
    """Given a user who just made a request. When they make more within 30 seconds, Then the
    session is not saved again (no new session cookie); a request after that records the
    activity, and the idle time-out still counts from it."""
    client = login(city.liaison_a)
    client.get("/")
    session = client.session
    recent = timezone.now().timestamp() - 10
    session[LAST_ACTIVITY_KEY] = recent
    session.save()
    response = client.get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert client.session[LAST_ACTIVITY_KEY] == recent
    session = client.session
    session[LAST_ACTIVITY_KEY] = timezone.now().timestamp() - 40
    session.save()
    response = client.get("/")
    assert "sessionid" in response.cookies
    assert client.session[LAST_ACTIVITY_KEY] > recent


def test_a_session_idle_just_under_thirty_minutes_stays(city, login):
    """Given 29 minutes 50 seconds without a request. When the user comes back, Then they are
    still signed in (the step of 30 seconds never ends a session early)."""
    client = login(city.liaison_a)
    client.get("/")
    session = client.session
    session[LAST_ACTIVITY_KEY] = timezone.now().timestamp() - (29 * 60 + 50)
    session.save()
    assert client.get("/").status_code == 200


def test_logout_is_post_and_audited(city, login):
    client = login(city.liaison_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()


def test_token_is_stored_hashed_shown_once_and_revocable(city, login):
    client = login(city.liaison_a)
    response = client.post("/accounts/me/", {"name": "统计接口"})
    key = response.context["new_key"]
    assert key.startswith("gc_")
    token = ApiToken.objects.get(user=city.liaison_a)
    assert key not in (token.key_hash, token.prefix) and token.key_hash == services.hash_token(key)
    assert key not in client.get("/accounts/me/").content.decode()
    api = Client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_user_cannot_revoke_someone_elses_token(city, login):
    _token, _key = services.token_create(actor=None, user=city.liaison_b)
    token = ApiToken.objects.get(user=city.liaison_b)
    login(city.liaison_a).post(f"/accounts/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_cli_prints_a_working_token(city, capsys):
    from ganchao.cli import main

    assert main(["token", "create", "town_a_liaison"]) == 0
    key = capsys.readouterr().out.strip()
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).json()["username"]
        == "town_a_liaison"
    )
    assert main(["token", "create", "nobody"]) == 1
    assert "不存在" in capsys.readouterr().err


def test_security_admin_unlocks_a_locked_account(city, client, login):
    for _ in range(5):
        post_login(client, "town_a_liaison", "wrong-Password1")
    admin = login(city.security)
    page = admin.get(f"/orgs/users/{city.liaison_a.pk}/").content.decode()
    assert "已被锁定" in page
    admin.post(f"/orgs/users/{city.liaison_a.pk}/unlock/")
    assert post_login(Client(), "town_a_liaison", TEST_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_a_second_factor_step_plugs_into_the_login_flow(city, settings):
    """A further step (e.g. an SMS code) runs after the password; until then nobody is logged in."""
    settings.ROOT_URLCONF = "ganchao.accounts.tests.step_urls"
    settings.LOGIN_STEPS = ["second_factor"]
    client = Client()
    response = post_login(client, "town_a_liaison", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/step/"
    assert "_auth_user_id" not in client.session
    response = client.get("/step/")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(city.liaison_a.pk)
