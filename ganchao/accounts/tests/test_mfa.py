"""The second factor (LEGAL_RULES C4): TOTP after the password for the roles the security
policy names, enrolment with a QR code and recovery codes, the lockout, "my account", the
security administrator's reset and the API twins."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganchao.accounts import mfa
from ganchao.accounts.models import SecurityPolicy
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Forbidden, ValidationFailed
from ganchao.conftest import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.django_db

STEP_URL = "/accounts/login/second-factor/"
ENROL_URL = "/accounts/login/second-factor/enrol/"


def post_login(client, username, password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def code_of(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def events(action):
    return AuditEvent.objects.filter(action=action)


# ---- the login step -------------------------------------------------------------------------


def test_right_password_without_a_code_issues_no_session(city):
    """C4: Given a staff user who has entered a correct password, When no second factor is
    presented, Then no authenticated session is issued."""
    totp_code(city.office)
    client = Client()
    response = post_login(client, "office")
    assert response.status_code == 302 and response["Location"] == STEP_URL
    assert not logged_in(client)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401
    assert not events("auth.login").filter(actor_username="office").exists()


def test_the_right_code_logs_in(city):
    code = totp_code(city.office)
    client = Client()
    post_login(client, "office")
    response = client.post(STEP_URL, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client) and client.get("/").status_code == 200
    assert events("auth.login").filter(actor_username="office").exists()
    # django-otp knows the session was verified with the device
    assert client.session["otp_device_id"].startswith("otp_totp.totpdevice/")


def test_a_wrong_code_is_refused_and_audited(city):
    code = totp_code(city.leader_user)
    client = Client()
    post_login(client, "leader")
    response = client.post(STEP_URL, {"code": wrong(code)})
    assert response.status_code == 200
    assert "动态验证码不正确" in response.content.decode()
    assert not logged_in(client)
    event = events("auth.mfa_failed").get()
    assert event.success is False and event.actor_username == "leader"
    assert client.post(STEP_URL, {"code": code}).status_code == 302 and logged_in(client)


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abc", "x" * 40, "１２３４５６"])
def test_malformed_codes_are_refused_without_error(city, bad):
    totp_code(city.office)
    client = Client()
    post_login(client, "office")
    response = client.post(STEP_URL, {"code": bad})
    assert response.status_code == 200 and not logged_in(client)


def test_five_wrong_codes_lock_the_login_like_passwords(city):
    code = totp_code(city.office)
    client = Client()
    post_login(client, "office")
    for _ in range(4):
        assert client.post(STEP_URL, {"code": wrong(code)}).status_code == 200
    response = client.post(STEP_URL, {"code": wrong(code)})
    assert response.status_code == 403 and "已锁定" in response.content.decode()
    assert events("auth.locked_out").filter(actor_username="office").exists()
    assert events("auth.mfa_failed").count() == 5
    # the pending login is gone, and even the right password is refused now
    assert client.post(STEP_URL, {"code": code}).status_code == 302 and not logged_in(client)
    assert post_login(Client(), "office").status_code == 403


def test_wrong_passwords_and_wrong_codes_add_up(city):
    code = totp_code(city.office)
    for _ in range(4):
        post_login(Client(), "office", "wrong-Password1")
    client = Client()
    post_login(client, "office")
    response = client.post(STEP_URL, {"code": wrong(code)})
    assert response.status_code == 403 and not logged_in(client)


def test_wrong_codes_count_toward_the_address_limit(city):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"address_failure_limit": 3})
    code = totp_code(city.office)
    client = Client()
    post_login(client, "office")
    for _ in range(3):
        client.post(STEP_URL, {"code": wrong(code)})
    response = client.post(STEP_URL, {"code": code})
    assert response.status_code == 429 and "暂停登录" in response.content.decode()
    assert not logged_in(client)


def test_a_recovery_code_works_once_only(city):
    totp_code(city.office)
    with_codes = _recovery_codes(city.office)
    client = Client()
    post_login(client, "office")
    assert client.post(STEP_URL, {"code": with_codes[0].upper()}).status_code == 302
    assert logged_in(client)
    assert events("auth.recovery_code_used").count() == 1
    assert StaticToken.objects.filter(device__user=city.office).count() == 9
    again = Client()
    post_login(again, "office")
    response = again.post(STEP_URL, {"code": with_codes[0]})
    assert response.status_code == 200 and not logged_in(again)
    assert events("auth.mfa_failed").count() == 1


def _recovery_codes(user) -> list[str]:
    from django.db import transaction

    with transaction.atomic():
        return mfa._new_recovery_codes(user)


def test_a_liaison_without_a_device_is_not_asked(city):
    client = Client()
    response = post_login(client, "town_a_liaison")
    assert response.status_code == 302 and response["Location"] == "/" and logged_in(client)


def test_a_liaison_who_enrolled_voluntarily_is_asked(city):
    code = totp_code(city.liaison_a)
    client = Client()
    assert post_login(client, "town_a_liaison")["Location"] == STEP_URL
    assert not logged_in(client)
    client.post(STEP_URL, {"code": code})
    assert logged_in(client)


def test_a_demo_account_is_exempt_but_asked_once_enrolled(city):
    city.office.password_policy_exempt = True
    city.office.save(update_fields=["password_policy_exempt"])
    client = Client()
    assert post_login(client, "office")["Location"] == "/" and logged_in(client)
    code = totp_code(city.office)
    client = Client()
    assert post_login(client, "office")["Location"] == STEP_URL
    client.post(STEP_URL, {"code": code})
    assert logged_in(client)


def test_removing_a_role_from_the_policy_stops_requiring_it(city):
    client = Client()
    assert post_login(client, "leader")["Location"] == STEP_URL
    policy = SecurityPolicy.current()
    policy.mfa_roles = [r for r in policy.mfa_roles if r != "leader"]
    policy.save()
    client = Client()
    assert post_login(client, "leader")["Location"] == "/" and logged_in(client)
    assert mfa.mfa_required(city.office) and not mfa.mfa_required(city.leader_user)


def test_the_step_cannot_be_opened_without_a_password(city):
    client = Client()
    assert client.get(STEP_URL)["Location"] == "/accounts/login/"
    assert client.get(ENROL_URL)["Location"] == "/accounts/login/"
    assert client.post("/accounts/login/second-factor/done/")["Location"] == "/accounts/login/"
    assert not TOTPDevice.objects.exists()


def test_a_pending_login_expires(city):
    totp_code(city.office)
    client = Client()
    post_login(client, "office")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert client.get(STEP_URL)["Location"] == "/accounts/login/"


# ---- enrolment at first login ---------------------------------------------------------------


def test_first_login_enrols_with_the_qr_code_and_shows_ten_recovery_codes(city):
    client = Client()
    assert post_login(client, "office")["Location"] == STEP_URL
    assert client.get(STEP_URL)["Location"] == ENROL_URL
    page = client.get(ENROL_URL).content.decode()
    assert "<svg" in page and "<path" in page  # the QR code, drawn on the server
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    device = TOTPDevice.objects.get(user=city.office, confirmed=False)
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page).group(1)
    from base64 import b32decode

    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert client.get(ENROL_URL).content.decode().count(secret) == 1  # same secret on reload
    response = client.post(ENROL_URL, {"code": wrong(code_of(device))})
    assert "动态验证码不正确" in response.content.decode() and not logged_in(client)
    response = client.post(ENROL_URL, {"code": code_of(device)})
    codes = re.findall(
        r"<code class=\"fs-3\">([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode()
    )
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "只显示这一次" in response.content.decode()
    assert not logged_in(client)
    response = client.post("/accounts/login/second-factor/done/")
    assert response["Location"] == "/" and logged_in(client)
    assert events("auth.mfa_enrolled").count() == 1
    assert events("auth.recovery_codes_generated").count() == 1
    # the next login asks for a code, and a recovery code works
    again = Client()
    assert post_login(again, "office")["Location"] == STEP_URL
    assert again.post(STEP_URL, {"code": codes[3]}).status_code == 302 and logged_in(again)


def test_done_without_confirming_does_not_log_in(city):
    client = Client()
    post_login(client, "office")
    client.get(ENROL_URL)
    assert client.post("/accounts/login/second-factor/done/")["Location"] == "/accounts/login/"
    assert not logged_in(client)


# ---- checking codes: speed ------------------------------------------------------------------


def test_the_checks_are_cheap(city):
    code = totp_code(city.office)
    with CaptureQueriesContext(connection) as queries:
        assert mfa.mfa_required(city.office)
    assert len(queries) <= 2
    with CaptureQueriesContext(connection) as queries:
        assert mfa.mfa_enrolled(city.office)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert mfa.verify_code(city.office, code)
    assert len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]) <= 2
    assert not mfa.verify_code(city.office, code)  # a code is good once


# ---- my account -----------------------------------------------------------------------------


def test_profile_shows_the_state_and_enrols(city, login):
    client = login(city.liaison_a)
    page = client.get("/accounts/me/").content.decode()
    assert "双因素认证" in page and "未启用" in page
    page = client.get("/accounts/me/mfa/enrol/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=city.liaison_a)
    response = client.post("/accounts/me/mfa/enrol/", {"code": code_of(device)})
    assert response.status_code == 200 and "只显示这一次" in response.content.decode()
    page = client.get("/accounts/me/").content.decode()
    assert "已启用" in page and "剩余 10 个恢复码" in page and "停用双因素认证" in page


def test_regenerating_recovery_codes_needs_a_code(city, login):
    totp_code(city.liaison_a)
    old = _recovery_codes(city.liaison_a)
    client = login(city.liaison_a)
    client.post("/accounts/me/mfa/recovery-codes/", {"code": wrong(totp_code(city.liaison_a))})
    assert StaticToken.objects.filter(device__user=city.liaison_a).count() == 10
    response = client.post("/accounts/me/mfa/recovery-codes/", {"code": totp_code(city.liaison_a)})
    assert "只显示这一次" in response.content.decode()
    tokens = set(
        StaticToken.objects.filter(device__user=city.liaison_a).values_list("token", flat=True)
    )
    assert not tokens & {c.replace("-", "") for c in old}


def test_turning_it_off_only_where_the_policy_allows(city, login):
    code = totp_code(city.office)
    client = login(city.office)
    assert "停用双因素认证" not in client.get("/accounts/me/").content.decode()
    with pytest.raises(Forbidden):
        mfa.mfa_disable(actor=city.office, code=code)
    client.post("/accounts/me/mfa/disable/", {"code": code})
    assert mfa.mfa_enrolled(city.office)
    liaison = login(city.liaison_a)
    liaison.post("/accounts/me/mfa/disable/", {"code": wrong(totp_code(city.liaison_a))})
    assert mfa.mfa_enrolled(city.liaison_a)
    liaison.post("/accounts/me/mfa/disable/", {"code": totp_code(city.liaison_a)})
    assert not mfa.mfa_enrolled(city.liaison_a)
    assert events("auth.mfa_disabled").count() == 1


# ---- the security administrator's reset -----------------------------------------------------


def test_security_admin_resets_a_users_second_factor(city, login):
    totp_code(city.office)
    admin = login(city.security)
    page = admin.get(f"/orgs/users/{city.office.pk}/").content.decode()
    assert "重置双因素认证" in page
    admin.post(f"/accounts/users/{city.office.pk}/mfa/reset/")
    assert not TOTPDevice.objects.filter(user=city.office).exists()
    event = events("auth.mfa_reset").get()
    assert event.actor_username == "security_admin" and event.object_id == str(city.office.pk)
    client = Client()
    post_login(client, "office")
    assert client.get(STEP_URL)["Location"] == ENROL_URL  # enrol again


def test_reset_is_refused_for_oneself_and_for_others_than_the_security_admin(city, login):
    totp_code(city.security)
    totp_code(city.office)
    with pytest.raises(Forbidden, match="自己"):
        mfa.mfa_reset(actor=city.security, user=city.security)
    with pytest.raises(Forbidden):
        mfa.mfa_reset(actor=city.admin, user=city.office)
    login(city.admin).post(f"/accounts/users/{city.office.pk}/mfa/reset/")
    assert mfa.mfa_enrolled(city.office) and mfa.mfa_enrolled(city.security)
    assert not events("auth.mfa_reset").exists()


# ---- the API twins --------------------------------------------------------------------------


def api(user):
    from ganchao.accounts.services import token_create

    _token, key = token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_api_enrol_confirm_regenerate_disable(city):
    client = api(city.liaison_a)
    body = client.post("/api/v1/auth/mfa/enrol").json()
    assert (
        body["otpauth_uri"].startswith("otpauth://totp/") and body["secret"] in body["otpauth_uri"]
    )
    device = TOTPDevice.objects.get(user=city.liaison_a)
    refused = client.post(
        "/api/v1/auth/mfa/confirm", {"code": "12"}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "code"
    codes = client.post(
        "/api/v1/auth/mfa/confirm", {"code": code_of(device)}, content_type="application/json"
    ).json()["recovery_codes"]
    assert len(codes) == 10
    again = client.post("/api/v1/auth/mfa/enrol")
    assert again.status_code == 422 and "已启用" in again.json()["message"]
    fresh = client.post(
        "/api/v1/auth/mfa/recovery-codes", {"code": codes[0]}, content_type="application/json"
    ).json()["recovery_codes"]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    state = client.post(
        "/api/v1/auth/mfa/disable", {"code": fresh[0]}, content_type="application/json"
    ).json()
    assert state == {"user_id": city.liaison_a.pk, "enrolled": False, "required": False}


def test_api_disable_is_refused_where_required(city):
    code = totp_code(city.office)
    response = api(city.office).post(
        "/api/v1/auth/mfa/disable", {"code": code}, content_type="application/json"
    )
    assert response.status_code == 403 and "必须使用双因素认证" in response.json()["message"]


def test_api_reset(city):
    totp_code(city.office)
    assert api(city.admin).post(f"/api/v1/users/{city.office.pk}/mfa/reset").status_code == 403
    mine = api(city.security).post(f"/api/v1/users/{city.security.pk}/mfa/reset")
    assert mine.status_code == 403
    response = api(city.security).post(f"/api/v1/users/{city.office.pk}/mfa/reset")
    assert response.status_code == 200 and response.json()["enrolled"] is False
    assert api(city.security).post("/api/v1/users/99999999999999999999/mfa/reset").status_code in (
        404,
        422,
    )


def test_service_refuses_a_wrong_confirmation_and_audits_it(city):
    device = mfa.mfa_enrol_start(actor=city.liaison_a)
    with pytest.raises(ValidationFailed):
        mfa.mfa_enrol_confirm(actor=city.liaison_a, code=wrong(code_of(device)))
    assert not mfa.mfa_enrolled(city.liaison_a)
    assert events("auth.mfa_failed").get().success is False
