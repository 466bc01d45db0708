"""Stale accounts (LEGAL_RULES C5, issue 12 item 1): the tick disables accounts with no sign-in
for SecurityPolicy.stale_account_days (default 90), sparing the last active system and security
administrators; each is audited, and a second run changes nothing."""

import datetime as dt

import pytest

from ganchao.accounts.models import SecurityPolicy
from ganchao.accounts.stale import STALE_DISABLED, stale_accounts_scan
from ganchao.audit.models import AuditEvent
from ganchao.conftest import make_user
from ganchao.orgs import services
from ganchao.orgs.choices import Role
from ganchao.orgs.models import User
from ganchao.scheduler.scans import registered_scans

AT = dt.datetime(2027, 3, 1, 2, 0, tzinfo=dt.UTC)


def signed_in(user, days_ago: int | None, *, joined_days_ago: int = 400) -> None:
    """Set when `user` last signed in (None: never) and joined, counted back from AT."""
    User.objects.filter(pk=user.pk).update(
        last_login=AT - dt.timedelta(days=days_ago) if days_ago is not None else None,
        date_joined=AT - dt.timedelta(days=joined_days_ago),
    )


@pytest.fixture
def fresh(city):
    """Everybody signed in yesterday, so that each test says who is stale."""
    for user in User.objects.all():
        signed_in(user, 1)
    return city


def active(user) -> bool:
    user.refresh_from_db()
    return user.is_active


def test_the_stale_scan_is_registered_in_the_tick():
    assert "accounts.stale" in {scan.name for scan in registered_scans()}


def test_an_account_idle_past_the_limit_is_disabled_and_audited(fresh):
    city = fresh
    signed_in(city.liaison_a, 91)
    signed_in(city.liaison_b, 89)
    summary = stale_accounts_scan(AT)
    assert not active(city.liaison_a) and active(city.liaison_b)
    assert "town_a_liaison" in summary
    event = AuditEvent.objects.get(action=STALE_DISABLED)
    assert event.object_id == str(city.liaison_a.pk) and event.actor_username == ""
    assert event.success and event.changes["is_active"] == {"before": True, "after": False}
    assert "90" in event.reason


def test_a_never_used_account_counts_from_the_day_it_was_made(fresh):
    city = fresh
    signed_in(city.liaison_a, None, joined_days_ago=100)
    signed_in(city.liaison_b, None, joined_days_ago=10)
    stale_accounts_scan(AT)
    assert not active(city.liaison_a) and active(city.liaison_b)


def test_the_scan_is_idempotent(fresh):
    city = fresh
    signed_in(city.liaison_a, 200)
    stale_accounts_scan(AT)
    stale_accounts_scan(AT)
    assert AuditEvent.objects.filter(action=STALE_DISABLED).count() == 1
    assert "没有" in stale_accounts_scan(AT)


def test_the_last_system_and_security_administrators_are_spared(fresh):
    city = fresh
    for user in (city.admin, city.security, city.auditor):
        signed_in(user, 300)
    stale_accounts_scan(AT)
    assert active(city.admin) and active(city.security)
    assert not active(city.auditor)


def test_of_two_stale_system_administrators_the_more_recent_is_spared(fresh):
    city = fresh
    second = make_user("second_admin", city.gov_office)
    services.role_grant(actor=city.security, user=second, role=Role.SYSTEM_ADMIN)
    signed_in(city.admin, 300)
    signed_in(second, 120)
    stale_accounts_scan(AT)
    assert active(second) and not active(city.admin)


def test_a_stale_administrator_is_disabled_when_another_one_is_active(fresh):
    city = fresh
    second = make_user("second_security", city.gov_office)
    services.role_grant(actor=city.security, user=second, role=Role.SECURITY_ADMIN)
    signed_in(city.security, 300)
    stale_accounts_scan(AT)
    assert not active(city.security) and active(second)


def test_the_policy_sets_the_number_of_days(fresh):
    city = fresh
    SecurityPolicy.objects.create(pk=1, stale_account_days=30)
    signed_in(city.liaison_a, 31)
    signed_in(city.liaison_b, 29)
    assert "30" in stale_accounts_scan(AT)
    assert not active(city.liaison_a) and active(city.liaison_b)


def test_a_disabled_account_cannot_sign_in(fresh, client):
    from ganchao.conftest import TEST_PASSWORD

    signed_in(fresh.liaison_a, 100)
    stale_accounts_scan(AT)
    response = client.post(
        "/accounts/login/", {"username": "town_a_liaison", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
