"""`ganchao seed`: what it writes, its determinism, its refusal and its reset."""

import datetime as dt

import pytest
from django.db import transaction

from ganchao.audit.models import AuditEvent
from ganchao.audit.services import checkpoint_path
from ganchao.audit.verify import audit_verify
from ganchao.cli import main
from ganchao.demodata.generator import DEMO_PASSWORD
from ganchao.demodata.services import demo_seed, reset_models
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, LeaderArea, RoleGrant, Unit, User
from ganchao.orgs.scoping import scope_of
from ganchao.scheduler.services import tick_run

AS_OF = dt.date(2026, 5, 11)
pytestmark = pytest.mark.django_db


def seed(scale="town", seed=1, reset=False):
    return demo_seed(scale=scale, seed=seed, as_of=AS_OF, reset=reset)


@pytest.fixture
def seeded(demo_snapshots):
    """seeded(scale) → the database as `seed(scale)` leaves it, restored from the worker's copy
    of that seed (ganchao/conftest.py `demo_snapshots`), for the tests that read a seeded city
    rather than test the seeding itself (those call `seed`)."""
    return lambda scale="town": demo_snapshots.restore(scale=scale, seed=1, as_of=AS_OF)


def snapshot() -> dict:
    return {
        "units": list(
            Unit.objects.order_by("path").values_list(
                "code", "name", "type", "parent__code", "category__name", "depth"
            )
        ),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "full_name", "unit__code", "leader__name"
            )
        ),
        "roles": sorted(RoleGrant.objects.values_list("user__username", "role")),
        "areas": sorted(LeaderArea.objects.values_list("leader__name", "unit__code", "start_date")),
    }


def test_town_seed_writes_the_tree_with_correct_paths(seeded):
    seeded("town")
    root = Unit.objects.get(parent__isnull=True)
    assert root.type == UnitType.CITY
    assert root.path == Unit.path_for("", root.pk)
    for unit in Unit.objects.select_related("parent").exclude(pk=root.pk):
        assert unit.path == Unit.path_for(unit.parent.path, unit.pk)
        assert unit.depth == unit.parent.depth + 1
    town = Unit.objects.get(type=UnitType.TOWN)
    assert Unit.objects.filter(parent=town).count() == 20


def test_city_seed_sizes(seeded):
    seeded("city")
    assert Unit.objects.filter(type=UnitType.DEPARTMENT).count() == 60
    assert Unit.objects.filter(type__in=["town", "street", "park"]).count() == 15
    assert Unit.objects.filter(type__in=["village", "community"]).count() == 300
    assert Leader.objects.count() == 10
    assert LeaderArea.objects.filter(start_date=dt.date(2026, 1, 1)).count() > 60


def test_same_inputs_on_a_reset_database_give_identical_data():
    seed("town", seed=5)
    first = snapshot()
    seed("town", seed=5, reset=True)
    assert snapshot() == first
    seed("town", seed=6, reset=True)
    other = snapshot()
    assert [u[0] for u in other["units"]] == [u[0] for u in first["units"]]
    assert other["units"] != first["units"]
    assert other["users"] != first["users"]


def test_seed_refuses_a_database_with_units_and_writes_nothing(capsys, seeded):
    seeded("town")
    before = (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count())
    assert main(["seed", "--scale", "town", "--as-of", "2026-05-11"]) == 1
    err = capsys.readouterr().err
    assert "数据库中已有单位数据" in err and "--reset" in err
    assert (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_seed_refuses_existing_usernames_when_no_unit_exists(capsys):
    User.objects.create(username="office1", full_name="已有账号")
    assert main(["seed", "--scale", "town"]) == 1
    assert "office1" in capsys.readouterr().err
    assert not Unit.objects.exists()


def test_bad_arguments_are_usage_errors(capsys):
    assert main(["seed"]) == 2
    assert "--scale" in capsys.readouterr().err
    assert main(["seed", "--scale", "village"]) == 2
    assert main(["seed", "--scale", "town", "--seed", "x"]) == 2
    assert main(["seed", "--scale", "town", "--as-of", "2026-02-30"]) == 2
    assert not Unit.objects.exists()


def test_command_prints_a_summary_and_records_one_audit_event(capsys):
    assert main(["seed", "--scale", "town", "--seed", "3", "--as-of", "2026-05-11"]) == 0
    out = capsys.readouterr().out
    assert "已生成演示数据" in out and "单位 32 个" in out and DEMO_PASSWORD in out
    event = AuditEvent.objects.get(action="seed.load")  # the decisions' services audit too
    assert event.changes["scale"]["after"] == "town"
    assert event.changes["seed"]["after"] == 3
    assert event.changes["as_of"]["after"] == "2026-05-11"
    assert event.changes["counts"]["after"]["units"] == Unit.objects.count()
    assert event.changes["counts"]["after"]["users"] == User.objects.count()


def test_reset_empties_the_audit_log_and_retires_old_checkpoints(capsys):
    seed("town")
    tick_run(at=dt.datetime(2026, 5, 11, 12, tzinfo=dt.UTC))
    assert checkpoint_path().exists()
    assert main(["seed", "--scale", "town", "--reset"]) == 0
    out = capsys.readouterr().out
    assert "审计日志也已清空" in out and "检查点文件已改名" in out
    # a new chain from #1: the decisions' service events, then the one seed.load
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", "action"))
    assert events[0][0] == 1 and events[-1][1] == "seed.load"
    assert [action for _seq, action in events].count("seed.load") == 1
    assert not checkpoint_path().exists()
    assert audit_verify().ok


def test_reset_covers_the_audit_log_sessions_and_jobs_but_keeps_the_calendar():
    tables = {model._meta.db_table for model in reset_models()}
    assert {
        "orgs_unit",
        "orgs_user",
        "audit_auditevent",
        "audit_audithead",
        "django_session",
        "django_tasks_database_dbtaskresult",
        "scheduler_tickstate",
    } <= tables
    assert not [table for table in tables if table.startswith(("workcal_", "auth_", "django_mig"))]


def test_units_and_users_can_still_be_created_after_a_seed():
    seed("town")
    town = Unit.objects.get(type=UnitType.TOWN)
    with transaction.atomic():
        village = org_services.unit_create(
            actor=None, name="新建村", type=UnitType.VILLAGE, parent=town
        )
        user = org_services.user_create(
            actor=None, username="newcomer", full_name="新人", unit=village
        )
    assert village.pk > max(Unit.objects.exclude(pk=village.pk).values_list("pk", flat=True))
    assert user.pk > max(User.objects.exclude(pk=user.pk).values_list("pk", flat=True))


@pytest.mark.parametrize("scale", ["town", "city"])
def test_every_role_has_a_demo_user_and_offices_are_not_the_root(scale, seeded):
    seeded(scale)
    assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role.values)
    root = Unit.objects.get(parent__isnull=True)
    office_users = User.objects.filter(role_grants__role__in=[Role.OFFICE, Role.LEADER])
    assert office_users.exists()
    assert not office_users.filter(unit=root).exists()
    assert set(
        office_users.filter(role_grants__role=Role.OFFICE).values_list("unit__name", flat=True)
    ) == {"市委督查室"}
    assert set(
        office_users.filter(role_grants__role=Role.LEADER).values_list("unit__name", flat=True)
    ) == {"市政府办公室"}
    assert not User.objects.filter(role_grants__role=Role.LEADER, leader__isnull=True).exists()
    assert not User.objects.filter(password_policy_exempt=False).exists()
    assert not User.objects.filter(must_change_password=True).exists()


def test_demo_users_log_in_without_being_sent_to_change_their_password(client, seeded):
    seeded("town")
    for username in ("office1", "t01_liaison", "leader01", "auditor"):
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert "/accounts/password/" not in response["Location"]
        home = client.get("/", follow=True)
        assert home.status_code == 200, username
        assert all("/accounts/" not in url for url, _status in home.redirect_chain), username
        client.post("/accounts/logout/")


def test_a_leader_reads_the_units_of_their_areas(seeded):
    seeded("city")
    leader = User.objects.get(username="leader04")
    area_paths = LeaderArea.objects.filter(leader=leader.leader).values_list(
        "unit__path", flat=True
    )
    assert area_paths
    scope = scope_of(leader)
    assert all(scope.covers_path(path) for path in area_paths)


def test_audit_event_digest_matches_for_equal_loads():
    seed("town", seed=9)
    first = AuditEvent.objects.get(action="seed.load").changes["digest"]["after"]
    seed("town", seed=9, reset=True)
    assert AuditEvent.objects.get(action="seed.load").changes["digest"]["after"] == first
