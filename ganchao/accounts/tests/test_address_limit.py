"""Issue 12 item 4: 120 failures over 30 usernames from one address were not slowed. The
per-address limit (SecurityPolicy.address_failure_limit within address_window_minutes) now
pauses the web login and the token endpoint for that address, before any password check."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ganchao.accounts.models import AddressFailure, SecurityPolicy
from ganchao.accounts.throttle import address_failures_sweep
from ganchao.audit.models import AuditEvent
from ganchao.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"
USERNAMES = [f"guess{n:02d}" for n in range(30)]


def token_request(address, username, password, **headers):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        headers=headers,
    )


def web_login(address, username, password):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_120_failures_over_30_usernames_are_paused_after_the_limit(city):
    answers = [
        token_request(ATTACKER, USERNAMES[n % 30], "wrong-Pass1").status_code for n in range(120)
    ]
    limit = SecurityPolicy.current().address_failure_limit
    assert answers[:limit] == [401] * limit
    assert answers[limit:] == [429] * (120 - limit)
    # Paused attempts check no password and count nothing more.
    assert AddressFailure.objects.filter(address=ATTACKER).count() == limit

    paused = token_request(ATTACKER, "town_a_liaison", TEST_PASSWORD)
    assert paused.status_code == 429
    body = paused.json()
    assert body["code"] == "rate_limited" and "暂停登录" in body["message"]
    assert set(body) == {"code", "message", "errors"}
    assert 0 < int(paused["Retry-After"]) <= 15 * 60

    # Another address is unaffected.
    assert token_request(NEIGHBOUR, "town_a_liaison", TEST_PASSWORD).status_code == 201

    events = AuditEvent.objects.filter(action="auth.address_throttled")
    assert events.count() == 1
    event = events.get()
    assert event.success is False and event.object_id == ATTACKER


def test_the_web_login_is_paused_too_and_says_why(city):
    for n in range(30):
        assert web_login(ATTACKER, USERNAMES[n], "wrong-Pass1").status_code == 200
    paused = web_login(ATTACKER, "town_a_liaison", TEST_PASSWORD)
    assert paused.status_code == 429
    assert paused.has_header("Retry-After")
    text = paused.content.decode()
    assert "登录失败次数过多" in text and "分钟后再试" in text
    assert web_login(NEIGHBOUR, "town_a_liaison", TEST_PASSWORD).status_code == 302


def test_failures_on_web_and_api_count_together(city):
    for n in range(15):
        web_login(ATTACKER, USERNAMES[n], "wrong-Pass1")
    for n in range(15, 30):
        token_request(ATTACKER, USERNAMES[n], "wrong-Pass1")
    assert web_login(ATTACKER, "town_a_liaison", TEST_PASSWORD).status_code == 429


def test_the_pause_ends_when_the_window_passes(city):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(30):
            token_request(ATTACKER, USERNAMES[n], "wrong-Pass1")
        assert token_request(ATTACKER, "town_a_liaison", TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert token_request(ATTACKER, "town_a_liaison", TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert token_request(ATTACKER, "town_a_liaison", TEST_PASSWORD).status_code == 201
        assert web_login(ATTACKER, "town_b_liaison", TEST_PASSWORD).status_code == 302


def test_a_made_up_forwarded_for_header_does_not_escape_the_limit(city):
    for n in range(30):
        token_request(ATTACKER, USERNAMES[n], "wrong-Pass1", **{"X-Forwarded-For": f"10.0.0.{n}"})
    spoofed = token_request(
        ATTACKER, "town_a_liaison", TEST_PASSWORD, **{"X-Forwarded-For": "10.9.9.9"}
    )
    assert spoofed.status_code == 429


def test_behind_our_own_proxy_the_address_it_saw_is_counted(city, settings):
    settings.PORTAL_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    for n in range(30):
        token_request(proxy, USERNAMES[n], "wrong-Pass1", **{"X-Forwarded-For": ATTACKER})
    assert AddressFailure.objects.filter(address=ATTACKER).count() == 30
    blocked = token_request(proxy, "town_a_liaison", TEST_PASSWORD, **{"X-Forwarded-For": ATTACKER})
    assert blocked.status_code == 429
    other = token_request(proxy, "town_a_liaison", TEST_PASSWORD, **{"X-Forwarded-For": NEIGHBOUR})
    assert other.status_code == 201


def test_the_limit_follows_the_policy(city):
    SecurityPolicy.objects.update_or_create(
        pk=1, defaults={"address_failure_limit": 5, "address_window_minutes": 60}
    )
    for n in range(5):
        assert token_request(ATTACKER, USERNAMES[n], "wrong-Pass1").status_code == 401
    paused = token_request(ATTACKER, USERNAMES[6], "wrong-Pass1")
    assert paused.status_code == 429 and int(paused["Retry-After"]) > 15 * 60


def test_the_tick_sweeps_old_failure_rows(city):
    from ganchao.scheduler.scans import registered_scans

    old = AddressFailure.objects.create(address=ATTACKER, username="x")
    AddressFailure.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=2))
    fresh = AddressFailure.objects.create(address=ATTACKER, username="y")
    assert "accounts.address_failures" in {scan.name for scan in registered_scans()}
    assert address_failures_sweep(timezone.now()) == 1
    assert list(AddressFailure.objects.values_list("pk", flat=True)) == [fresh.pk]
