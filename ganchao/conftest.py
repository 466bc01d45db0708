"""Shared fixtures: a small city with named users (STYLE.md: "city admin", "town liaison",
"outsider" …), a private data folder, and a logged-in client helper."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import settings as hypothesis_settings

from ganchao.orgs import services as org_services
from ganchao.orgs.choices import Role, UnitType

TEST_PASSWORD = "Gc-test-2026!"

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made there
# are still synchronous (MACHINE_NOTES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

hypothesis_settings.register_profile("ci", max_examples=50, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# The day the fixed-year fixtures (2026 plans, "the October report was due in early November")
# were written for. Tests whose meaning depends on "today" ask for `pinned_clock`.
PINNED_NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def pinned_clock():
    """The wall clock reads PINNED_NOW (and keeps ticking) for the whole test, the live server
    thread included. List it before fixtures that create data stamped with "now"."""
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session", autouse=True)
def _shifted_clock():
    """GANCHAO_TEST_NOW="2027-01-05T10:00+08:00" runs the whole suite as if on that date, to find
    tests that pass only on some dates (`pinned_clock` still wins inside a test)."""
    raw = os.environ.get("GANCHAO_TEST_NOW", "").strip()
    if not raw:
        yield
        return
    with time_machine.travel(dt.datetime.fromisoformat(raw), tick=True):
        yield


@pytest.fixture(autouse=True)
def _calendar_session_closed():
    """No cached calendar leaks from one test into the next."""
    from ganchao.common import workdays

    yield
    workdays.end_session(force=True)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """The language middleware activates the request's language in the thread that served it,
    which is the test's own thread under the test client: an English request in one test would
    otherwise leave the next tests' messages in English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "uploads"},
        },
    }


def make_unit(name, type, parent=None, code="", category=None, aliases=()):
    with transaction.atomic():
        return org_services.unit_create(
            actor=None,
            name=name,
            type=type,
            parent=parent,
            code=code,
            category=category,
            aliases=aliases,
        )


def make_user(username, unit, *roles, password=TEST_PASSWORD, leader=None, must_change=False):
    with transaction.atomic():
        user = org_services.user_create(
            actor=None,
            username=username,
            full_name=username,
            unit=unit,
            roles=roles,
            password=password,
            leader=leader,
        )
    if not must_change:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    return user


class City:
    """A small city: two towns with a village each, two departments and the office units."""

    def __init__(self):
        self.root = make_unit("赶超市", UnitType.CITY, code="C")
        self.gov_office = make_unit("市政府办公室", UnitType.DEPARTMENT, self.root, code="C001")
        self.inspection = make_unit("市委督查室", UnitType.DEPARTMENT, self.root, code="C002")
        self.stats = make_unit(
            "市统计局", UnitType.DEPARTMENT, self.root, code="C003", aliases=["统计局"]
        )
        self.town_a = make_unit("西湖镇", UnitType.TOWN, self.root, code="C101")
        self.village_a = make_unit("李庄村", UnitType.VILLAGE, self.town_a, code="C101001")
        self.town_b = make_unit("东山镇", UnitType.TOWN, self.root, code="C102")
        self.village_b = make_unit("王庄村", UnitType.VILLAGE, self.town_b, code="C102001")
        with transaction.atomic():
            self.leader = org_services.leader_create(actor=None, name="周明远", title="副市长")
            org_services.leader_area_set(actor=None, leader=self.leader, units=[self.town_a])
        self.admin = make_user("city_admin", self.gov_office, Role.SYSTEM_ADMIN)
        self.security = make_user("security_admin", self.gov_office, Role.SECURITY_ADMIN)
        self.auditor = make_user("auditor", self.gov_office, Role.AUDITOR)
        self.office = make_user("office", self.inspection, Role.OFFICE)
        self.leader_user = make_user("leader", self.gov_office, Role.LEADER, leader=self.leader)
        self.liaison_a = make_user("town_a_liaison", self.town_a, Role.LIAISON)
        self.village_a_user = make_user("village_a_liaison", self.village_a, Role.LIAISON)
        self.liaison_b = make_user("town_b_liaison", self.town_b, Role.LIAISON)


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def login(client):
    """login(user) → the test client, signed in as that user."""

    def _login(user):
        from django.utils import timezone

        from ganchao.accounts.middleware import LAST_ACTIVITY_KEY

        client.force_login(user)
        # As the login form does (accounts.login_flow.complete): signing in is activity.
        session = client.session
        session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
        session.save()
        return client

    return _login


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole session, driven by Playwright."""
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=settings.CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url
    )
    # generous: two cores shared by the whole suite (-n 2) and a live server per worker; a
    # failing step still fails, only later
    context.set_default_timeout(45000)
    yield context.new_page()
    context.close()


@pytest.fixture
def artifacts_dir():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def totp_code(user) -> str:
    """The current code of the user's authenticator (enrolled on the spot if need be), as the
    phone would show it. Also forgets the last code used, so that a test may sign the same user
    in twice within one 30-second step."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def token_credentials(username, password=TEST_PASSWORD) -> dict:
    """The body of POST /api/v1/auth/token for a test account, with the current code of its
    authenticator when the account has or needs one (the endpoint asks for it, LEGAL_RULES C4)."""
    from ganchao.accounts.mfa import login_step_needed
    from ganchao.orgs.models import User

    user = User.objects.filter(username=username).first()
    body = {"username": username, "password": password}
    if user is not None and login_step_needed(user):
        body["otp"] = totp_code(user)
    return body


def log_in_page(page, username, password=TEST_PASSWORD):
    """Sign in through the login page, typing the second factor when the account has or needs
    one (LEGAL_RULES C4), the way a person with an authenticator would."""
    from ganchao.accounts.mfa import login_step_needed
    from ganchao.orgs.models import User

    user = User.objects.filter(username=username).first()
    code = totp_code(user) if user is not None and login_step_needed(user) else None
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if code is not None:
        page.get_by_label("动态验证码").fill(code)
        page.get_by_role("button", name="验证并登录").click()
