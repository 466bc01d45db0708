"""Scope: a user of town A gets 404 — not 403, not data — for what town B owns; the auditor
reads only the audit log; the unit directory is readable by every staff user."""

import pytest
from django.test import Client

from ganchao.accounts.services import token_create
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = token_create(actor=None, user=user)
    return {"Authorization": f"Bearer {key}"}


def user_pages(user):
    return [
        f"/orgs/users/{user.pk}/",
        f"/orgs/users/{user.pk}/edit/",
        f"/audit/history/user/{user.pk}/",
    ]


def test_town_a_gets_404_for_town_b_user_pages(city, login):
    client = login(city.liaison_a)
    for url in user_pages(city.liaison_b):
        assert client.get(url).status_code == 404, url
    for action in ("toggle", "grant", "reset"):
        assert (
            client.post(
                f"/orgs/users/{city.liaison_b.pk}/{action}/", {"role": "office"}
            ).status_code
            == 404
        )
    city.liaison_b.refresh_from_db()
    assert city.liaison_b.is_active


def test_town_a_gets_404_for_town_b_users_in_the_api(city):
    api = Client(headers=bearer(city.liaison_a))
    assert api.get(f"/api/v1/users/{city.liaison_b.pk}").status_code == 404
    body = api.get(f"/api/v1/users/{city.liaison_b.pk}").json()
    assert body["code"] == "not_found" and body["message"]
    usernames = {u["username"] for u in api.get("/api/v1/users").json()["items"]}
    assert "town_b_liaison" not in usernames
    assert {"town_a_liaison", "village_a_liaison"} <= usernames


def test_town_sees_its_own_subtree(city, login):
    client = login(city.liaison_a)
    assert client.get(f"/orgs/users/{city.village_a_user.pk}/").status_code == 200
    assert (
        Client(headers=bearer(city.liaison_a))
        .get(f"/api/v1/users/{city.village_a_user.pk}")
        .status_code
        == 200
    )


def test_village_does_not_see_its_town(city):
    api = Client(headers=bearer(city.village_a_user))
    assert api.get(f"/api/v1/users/{city.liaison_a.pk}").status_code == 404


def test_office_reads_everyone(city):
    api = Client(headers=bearer(city.office))
    assert api.get(f"/api/v1/users/{city.liaison_b.pk}").status_code == 200
    assert api.get(f"/api/v1/users/{city.liaison_a.pk}").status_code == 200


def test_leader_reads_the_units_of_their_areas_only(city):
    api = Client(headers=bearer(city.leader_user))
    assert api.get(f"/api/v1/users/{city.village_a_user.pk}").status_code == 200
    assert api.get(f"/api/v1/users/{city.liaison_b.pk}").status_code == 404


def test_a_post_widens_scope(city):
    from ganchao.orgs.services import post_add

    post_add(actor=None, user=city.liaison_a, unit=city.town_b, title="驻点干部")
    api = Client(headers=bearer(city.liaison_a))
    assert api.get(f"/api/v1/users/{city.liaison_b.pk}").status_code == 200


def test_unit_directory_is_readable_by_all_staff(city, login):
    client = login(city.liaison_a)
    response = client.get(f"/orgs/units/{city.town_b.pk}/")
    assert response.status_code == 200
    assert "东山镇" in response.content.decode()
    assert "town_b_liaison" not in response.content.decode()  # what town B owns stays hidden
    assert (
        Client(headers=bearer(city.liaison_a)).get(f"/api/v1/units/{city.town_b.pk}").status_code
        == 200
    )


def test_auditor_gets_404_for_business_pages_and_sees_the_audit_log(city, login):
    client = login(city.auditor)
    for url in [
        "/orgs/units/",
        f"/orgs/units/{city.town_a.pk}/",
        "/orgs/leaders/",
        "/orgs/users/",
        f"/orgs/users/{city.liaison_a.pk}/",
        "/calendar/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.get("/audit/")
    assert response.status_code == 200 and "审计日志" in response.content.decode()
    assert client.get(f"/audit/history/user/{city.liaison_a.pk}/").status_code == 200
    api = Client(headers=bearer(city.auditor))
    assert api.get("/api/v1/units").status_code == 404
    assert api.get("/api/v1/audit/events").status_code == 200


def test_non_auditors_get_404_for_the_audit_log(city, login):
    for user in (city.admin, city.office, city.liaison_a):
        assert login(user).get("/audit/").status_code == 404
        assert Client(headers=bearer(user)).get("/api/v1/audit/events").status_code == 404


def test_only_admins_manage_users(city, login):
    assert login(city.liaison_a).get("/orgs/users/").status_code == 404
    assert login(city.liaison_a).get("/orgs/users/new/").status_code == 404
    assert login(city.admin).get("/orgs/users/").status_code == 200


def test_read_all_scope_survives_being_combined_with_another_condition(city):
    from django.db.models import Q

    from ganchao.orgs.models import Unit
    from ganchao.orgs.scoping import scope_of

    combined = Unit.objects.filter(Q(parent__isnull=True) | scope_of(city.office).units_q())
    assert combined.count() == Unit.objects.count()


def test_an_administrator_answers_for_no_unit(city):
    """The system and security administrators manage every unit's accounts, but they neither
    read a unit's business data nor respond, appeal or record for it: their business scope is
    empty, their directory scope everything (三员分立)."""
    for admin in (city.admin, city.security):
        scope = scope_of(admin)
        assert not scope.covers_path(city.town_a.path)
        assert scope.covers_directory_path(city.town_a.path)
        assert not scope.covers_path(city.town_a.path, write=True)
        assert not scope.covers_path(admin.unit.path, write=True)
        assert not Unit.objects.filter(scope.units_q(write=True)).exists()
    assert scope_of(city.liaison_a).covers_path(city.village_a.path, write=True)
