"""Shared fixtures: a small city with named users (STYLE.md: "city admin", "town liaison",
"outsider" …), a private data folder, and a logged-in client helper."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import settings as hypothesis_settings

from ganchao import testdb
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


def pytest_configure(config):
    testdb.start_run(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: tell each worker where the run keeps its test database template."""
    testdb.configure_node(node)


def pytest_unconfigure(config):
    testdb.finish_run(config)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's set-up, except that each worker copies the run's one migrated template
    instead of migrating a database of its own (ganchao/testdb.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if keepdb or not django_db_use_migrations or testdb.run_folder(request.config) is None:
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                keepdb=keepdb,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
        else:
            db_cfg = testdb.setup_from_template(
                request.config,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                verbosity=verbosity,
            )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=verbosity)
            except Exception as exc:  # as pytest-django: a warning, not a failed run
                request.node.warn(pytest.PytestWarning(f"test databases not torn down: {exc!r}"))


@pytest.fixture
def migrated_database(request, django_db_setup, django_db_blocker):
    """migrated_database(target) → True after writing a migrated, empty database to `target` (a
    PostgreSQL database name, which it creates, or a SQLite file path): a copy of the run's
    template, as `ganchao migrate` leaves a new database. False when the run made no template
    (--reuse-db): the caller migrates."""

    def copy(target):
        with django_db_blocker.unblock():
            return testdb.copy_template_to(request.config, str(target))

    return copy


def pytest_collection_modifyitems(config, items):
    """Tests marked heavy first, in their order: pytest-xdist hands tests out in collection order
    (after the multi-test xdist groups), so a long test started last would end the run on one
    worker while the other waits."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)
    _name_xdist_groups(config, items)


def _name_xdist_groups(config, items) -> None:
    """On an xdist worker under --dist loadgroup: end the id of each test marked xdist_group
    with `@<group>`, which is how the controller's scheduler sends a group to one worker.
    pytest-xdist 3.8 writes that suffix into `item._nodeid`, which pytest 9 no longer reads
    (the id lives in `item._id`), so without this every group was split between the workers
    and each worker seeded the group's module fixture again."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted(
            {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
             for mark in item.iter_markers("xdist_group")}
        )  # fmt: skip
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


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
def _process_cache_cleared():
    """Django's cache lives in the worker's memory across tests, while each test's database
    starts over: the public enforcement lists cached by one test (keyed by a disclosure version
    that starts over with the database) were served to the next, linking to matters its own
    database does not hold. Every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield


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


# --- the demo data, seeded once per worker --------------------------------------------------
#
# `ganchao seed` writes a city in about 25 s (a town in a few). Modules and browser tests that
# need it ask `demo_snapshots.restore(...)` instead of calling demo_seed: the first call in a
# worker seeds in a transaction rolled back at once, after keeping the rows it wrote (per table,
# as the database returns them: SQLite's stored values, PostgreSQL's binary COPY), the files it
# wrote in its data folder and storage (keys, audit checkpoints, evidence) and the on-commit
# hooks it registered; every call, the first included, then writes those rows back into the
# caller's (empty) database, copies the files into the caller's data folder and storage and
# registers the hooks again. The caller's isolation is its own, as with demo_seed: a rolled-back
# transaction around a module, or the flush after a transactional test.

# Filled by migrate, not by the seed: never dumped, and the seed must leave them as they were.
_MIGRATE_TABLES = ("django_migrations", "django_content_type", "auth_permission")


def _tables_written():
    from django.db import connection

    names = connection.introspection.table_names()
    return [n for n in names if n not in _MIGRATE_TABLES and not n.startswith("sqlite_")]


def _migrate_rows():
    from django.db import connection

    with connection.cursor() as cursor:
        counts = []
        for name in _MIGRATE_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts.append(cursor.fetchone()[0])
    return counts


def _dump_rows(tables):
    """{table: payload} of every non-empty table, read in the current transaction."""
    from django.db import connection

    quote = connection.ops.quote_name
    dump = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for name in tables:
                # in key order, not the heap's: the same rows read the same after a restore
                keys = connection.introspection.get_primary_key_columns(cursor, name)
                order = ", ".join(quote(key) for key in keys) if keys else f"{quote(name)}::text"
                query = f"SELECT * FROM {quote(name)} ORDER BY {order}"
                with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
                    payload = b"".join(bytes(chunk) for chunk in copy)
                raw.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(name)})")
                if raw.fetchone()[0]:
                    dump[name] = payload
        return dump
    # SQLite: the stored values as they are (`+col` has no declared type, so the connection's
    # converters for dates, booleans and decimals leave them alone); written back as they came.
    raw = connection.connection.cursor()
    try:
        for name in tables:
            raw.execute(f"PRAGMA table_info({quote(name)})")
            columns = [row[1] for row in raw.fetchall()]
            raw.execute(f"SELECT {', '.join('+' + quote(c) for c in columns)} FROM {quote(name)}")
            rows = raw.fetchall()
            if rows:
                dump[name] = (columns, rows)
    finally:
        raw.close()
    return dump


def _load_rows(dump):
    from django.db import connection

    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for name, payload in dump.items():
                with raw.copy(f"COPY {quote(name)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(payload)
            # the sequences past the ids written, never back (setval is not rolled back)
            raw.execute(
                """SELECT seq.relname, tab.relname, col.attname
                   FROM pg_class seq
                   JOIN pg_depend dep ON dep.objid = seq.oid AND dep.deptype IN ('a', 'i')
                   JOIN pg_class tab ON tab.oid = dep.refobjid
                   JOIN pg_attribute col ON col.attrelid = tab.oid AND col.attnum = dep.refobjsubid
                   WHERE seq.relkind = 'S' AND tab.relname = ANY(%s)""",
                [list(dump)],
            )
            for sequence, table, column in raw.fetchall():
                raw.execute(
                    f"SELECT setval('{quote(sequence)}', top) FROM (SELECT MAX({quote(column)}) AS top"
                    f" FROM {quote(table)}) m, {quote(sequence)} s WHERE top >= s.last_value"
                )
        return
    raw = connection.connection.cursor()
    try:
        for name, (columns, rows) in dump.items():
            raw.executemany(
                f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                rows,
            )
    finally:
        raw.close()


class DemoSnapshot:
    def __init__(self, result, rows, files, hooks, end):
        self.result, self.rows, self.files, self.hooks, self.end = result, rows, files, hooks, end


def _private_folders(folder):
    """settings for a data folder and a file storage of their own under `folder`."""
    from django.conf import settings
    from django.test import override_settings

    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "uploads").mkdir(exist_ok=True)
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / "uploads"},
        },
    }
    return override_settings(DATA_DIR=folder / "data", STORAGES=storages)


class DemoSnapshots:
    """The demo data sets this worker has seeded, by (scale, seed, as_of, moment)."""

    def __init__(self, folder, shared_data_dir):
        self.folder = folder
        self.shared_data_dir = shared_data_dir
        self.made: dict[tuple, DemoSnapshot] = {}

    def private_folders(self, folder):
        """For a module-scoped fixture: a data folder and storage of the module's own while it
        restores (the suite's DATA_DIR is shared by the workers, and a restore brings keys)."""
        return _private_folders(folder)

    def restore(self, *, scale, seed, as_of, moment=None, clock=None):
        """The database, data folder and storage as `demo_seed(scale=, seed=, as_of=)` leaves
        them, run on the wall clock or, with `moment`, under time_machine from that moment; the
        SeedResult it returned (a copy). `clock`, the caller's time_machine traveller on the
        same moment, is moved to where the seed would have left it (past its last timestamp)
        before anything is written. The database must hold no units, as demo_seed wants it."""
        import copy
        import shutil

        from django.conf import settings
        from django.utils import timezone

        from ganchao.common.db import refresh_statistics
        from ganchao.orgs.models import Unit

        assert self.shared_data_dir != settings.DATA_DIR, "restore into a private data folder"
        assert not Unit.objects.exists(), "restore wants a database without units, as the seed"
        key = (scale, seed, as_of, moment)
        if key not in self.made:
            self.made[key] = self._make(key, len(self.made))
        snapshot = self.made[key]
        if clock is not None and moment is not None and timezone.now() < snapshot.end:
            clock.move_to(snapshot.end)
        uploads = settings.STORAGES["default"]["OPTIONS"]["location"]
        shutil.copytree(snapshot.files / "data", settings.DATA_DIR, dirs_exist_ok=True)
        shutil.copytree(snapshot.files / "uploads", uploads, dirs_exist_ok=True)
        with transaction.atomic():
            _load_rows(snapshot.rows)
            for hook, robust in snapshot.hooks:
                transaction.on_commit(hook, robust=robust)
        # as the seed does after writing: planner statistics for the tables it filled
        refresh_statistics(list(snapshot.rows))
        return copy.deepcopy(snapshot.result)

    def _make(self, key, number):
        import contextlib

        import time_machine
        from django.db import connection
        from django.utils import timezone

        from ganchao.demodata.services import demo_seed

        scale, seed, as_of, moment = key
        files = self.folder / f"{number}-{scale}-{seed}-{as_of}"
        clock = time_machine.travel(moment, tick=True) if moment else contextlib.nullcontext()
        tables = _tables_written()
        migrate_rows = _migrate_rows()
        with _private_folders(files), clock, transaction.atomic():
            hooks_before = len(connection.run_on_commit)
            result = demo_seed(scale=scale, seed=seed, as_of=as_of)
            end = timezone.now()
            hooks = [(entry[1], entry[2]) for entry in connection.run_on_commit[hooks_before:]]
            rows = _dump_rows(tables)
            assert _migrate_rows() == migrate_rows, "the demo seed changed a table of migrate's"
            transaction.set_rollback(True)
        return DemoSnapshot(result, rows, files, hooks, end)


@pytest.fixture(scope="session")
def demo_snapshots(tmp_path_factory):
    from django.conf import settings

    return DemoSnapshots(tmp_path_factory.mktemp("demo-snapshots"), settings.DATA_DIR)
