"""Units, leaders, users and roles: the rules the services enforce."""

import pytest

from ganchao.common.errors import ValidationFailed
from ganchao.conftest import make_unit
from ganchao.orgs import services
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Unit, User

pytestmark = pytest.mark.django_db


def test_unit_paths_follow_the_tree(city):
    assert city.village_a.path.startswith(city.town_a.path)
    assert city.village_a.depth == 2


def test_moving_a_unit_moves_its_subtree(city):
    district = make_unit("新城区", UnitType.DISTRICT, city.root)
    services.unit_update(actor=city.admin, unit=city.town_a, parent=district)
    city.village_a.refresh_from_db()
    assert city.village_a.path.startswith(district.path) and city.village_a.depth == 3


@pytest.mark.parametrize(
    ("child", "parent_attr", "message"),
    [
        (UnitType.VILLAGE, "root", "村不能设在市之下"),
        (UnitType.GRID, "town_a", "网格不能设在镇之下"),
        (UnitType.TOWN, "village_a", "镇不能设在村之下"),
    ],
)
def test_disallowed_parents_are_refused(city, child, parent_attr, message):
    with pytest.raises(ValidationFailed, match=message):
        services.unit_create(
            actor=city.admin, name="试点", type=child, parent=getattr(city, parent_attr)
        )


def test_names_are_unique_among_siblings_only(city):
    with pytest.raises(ValidationFailed, match="已有名为“李庄村”"):
        services.unit_create(
            actor=city.admin, name="李庄村", type=UnitType.VILLAGE, parent=city.town_a
        )
    services.unit_create(actor=city.admin, name="李庄村", type=UnitType.VILLAGE, parent=city.town_b)


def test_only_one_root_which_is_a_province_or_city(city):
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=city.admin, name="另一市", type=UnitType.CITY, parent=None)


def test_only_system_admins_change_units(city):
    from ganchao.common.errors import Forbidden

    with pytest.raises(Forbidden):
        services.unit_create(
            actor=city.office, name="新区", type=UnitType.DISTRICT, parent=city.root
        )


def test_units_are_deactivated_never_deleted(city):
    with pytest.raises(ValidationFailed, match="请先停用其下级单位"):
        services.unit_set_active(actor=city.admin, unit=city.town_a, active=False)
    services.unit_set_active(actor=city.admin, unit=city.village_a, active=False, reason="撤并")
    assert Unit.objects.get(pk=city.village_a.pk).active is False


def test_users_are_never_deleted(city):
    with pytest.raises(PermissionError):
        city.liaison_a.delete()
    with pytest.raises(PermissionError):
        User.objects.filter(pk=city.liaison_a.pk).delete()
    services.user_set_active(actor=city.admin, user=city.liaison_a, active=False)
    assert User.objects.get(pk=city.liaison_a.pk).is_active is False


@pytest.mark.parametrize("second", [Role.SECURITY_ADMIN, Role.AUDITOR])
def test_admin_roles_are_mutually_exclusive(city, second):
    with pytest.raises(ValidationFailed, match="不能由同一账号兼任"):
        services.role_grant(actor=city.security, user=city.admin, role=second)
    with pytest.raises(ValidationFailed, match="不能由同一账号兼任"):
        services.user_create(
            actor=None,
            username="combo",
            full_name="兼任",
            unit=city.gov_office,
            roles=[Role.SYSTEM_ADMIN, second],
        )


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LEADER])
def test_office_and_leader_accounts_never_belong_to_the_root(city, role):
    with pytest.raises(ValidationFailed, match="不能属于根单位"):
        services.user_create(
            actor=city.admin, username="boss", full_name="某", unit=city.root, roles=[role]
        )
    user = services.user_create(
        actor=city.admin, username="boss", full_name="某", unit=city.root, roles=[]
    )
    with pytest.raises(ValidationFailed, match="不能属于根单位"):
        services.role_grant(actor=city.security, user=user, role=role)


def test_new_accounts_must_change_their_password(city):
    user = services.user_create(
        actor=city.admin,
        username="newbie",
        full_name="新人",
        unit=city.town_a,
        roles=[Role.LIAISON],
        password="Start-2026-pw",
    )
    assert user.must_change_password and user.check_password("Start-2026-pw")


def test_leader_areas_carry_dates(city):
    import datetime as dt

    from django.utils import timezone

    change_day = timezone.localdate() + dt.timedelta(days=10)
    services.leader_area_set(
        actor=city.admin, leader=city.leader, units=[city.town_b], on=change_day
    )
    areas = {a.unit.code: a for a in city.leader.areas.select_related("unit")}
    assert areas["C101"].end_date == change_day - dt.timedelta(days=1)
    assert areas["C102"].start_date == change_day and areas["C102"].end_date is None


def test_concurrent_edit_is_detected(city):
    from ganchao.common.errors import Conflict

    version = city.town_a.version
    services.unit_update(actor=city.admin, unit=city.town_a, expected_version=version, sort_order=5)
    with pytest.raises(Conflict, match="已被他人修改"):
        services.unit_update(
            actor=city.admin, unit=city.town_a, expected_version=version, sort_order=9
        )


def test_admin_changes_leader_areas_on_the_leader_page(city, login):
    client = login(city.admin)
    page = client.get(f"/orgs/leaders/{city.leader.pk}/").content.decode()
    assert "西湖镇" in page and "分管中" in page
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    client.post(
        f"/orgs/leaders/{city.leader.pk}/", {"areas": "1", "units": "C101、C102", "on": today}
    )
    assert {
        a.unit.code for a in city.leader.areas.filter(end_date__isnull=True).select_related("unit")
    } == {"C101", "C102"}
    response = client.post(
        f"/orgs/leaders/{city.leader.pk}/", {"areas": "1", "units": "C101、NOPE", "on": today}
    )
    assert "找不到这些单位编码：NOPE" in response.content.decode()


def test_liaison_reads_but_cannot_change_leader_areas(city, login):
    client = login(city.liaison_a)
    assert client.get(f"/orgs/leaders/{city.leader.pk}/").status_code == 200
    client.post(
        f"/orgs/leaders/{city.leader.pk}/", {"areas": "1", "units": "C102", "on": "2026-01-01"}
    )
    assert {a.unit.code for a in city.leader.areas.select_related("unit")} == {"C101"}
