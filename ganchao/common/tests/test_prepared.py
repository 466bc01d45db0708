"""common.prepared: a query compiled once per process and shape returns, on every call, the rows
its queryset returns with the call's values — instances with their select_related objects,
values_list of a union, a date — sees data written after it was compiled, and falls back to
the queryset where the values cannot be put into compiled SQL."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.accounts.backends import UnitAwareModelBackend
from ganchao.common.prepared import Prepared, count_of
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import RoleGrant, Unit, User
from ganchao.orgs.scoping import _grants, _grants_union

pytestmark = pytest.mark.django_db


def counting(build):
    calls = []

    def wrapped(**values):
        calls.append(values)
        return build(**values)

    return wrapped, calls


def test_instances_with_related_objects_equal_the_querysets(city):
    def build(user_id):
        return User.objects.select_related("unit", "leader").filter(pk=user_id)[:1]

    prepared = Prepared(User, build, user_id=int)
    for user in (city.leader_user, city.liaison_a, city.office):
        (got,) = prepared.fetch(user_id=user.pk)
        (want,) = build(user.pk)
        assert got.pk == want.pk and got.username == want.username
        assert got.unit.path == want.unit.path  # loaded with the user, no query
        assert (got.leader.name if got.leader_id else None) == (
            want.leader.name if want.leader_id else None
        )
    assert prepared.fetch(user_id=10**9) == []


def test_compiled_once_then_one_query_per_call(city):
    build, calls = counting(
        lambda user_id: User.objects.select_related("unit").filter(pk=user_id)[:1]
    )
    prepared = Prepared(User, build, user_id=int)
    prepared.fetch(user_id=city.office.pk)
    compiled = len(calls)
    with CaptureQueriesContext(connection) as queries:
        (user,) = prepared.fetch(user_id=city.liaison_a.pk)
        assert user.unit.name == "西湖镇"
    assert len(calls) == compiled  # not built again
    assert len(queries) == 1


def test_grants_union_with_dates_sees_new_rows(city):
    """The leader's grants read through the compiled union equal the queryset's, before and
    after a new area is granted (rows are never cached, only the SQL) — on both databases,
    dates passed as the backend passes them."""
    leader = city.leader_user
    today = dt.date.today()
    want = sorted(_grants_union(leader.pk, leader.leader_id, today))
    roles, posts, areas = _grants(leader)
    assert sorted([("role", r) for r in roles] + [("area", a) for a in areas] +
                  [("post", p) for p in posts]) == want  # fmt: skip
    assert areas == [city.town_a.path]
    with transaction.atomic():
        org_services.leader_area_set(
            actor=None, leader=city.leader, units=[city.town_a, city.town_b]
        )
    RoleGrant.objects.create(user=leader, role=Role.OFFICE)
    roles, posts, areas = _grants(leader)
    assert sorted(areas) == sorted([city.town_a.path, city.town_b.path])
    assert Role.OFFICE in roles and Role.LEADER in roles


def test_a_future_area_is_not_read_today(city):
    """The date is a parameter of the compiled SQL, not a constant of the first call."""
    build, calls = counting(_grants_union)
    prepared = Prepared(RoleGrant, build, user_id=int, leader_id=int, today=dt.date)
    leader = city.leader_user
    today = dt.date.today()
    rows_today = prepared.fetch(user_id=leader.pk, leader_id=leader.leader_id, today=today)
    long_ago = today - dt.timedelta(days=3650)
    rows_then = prepared.fetch(user_id=leader.pk, leader_id=leader.leader_id, today=long_ago)
    assert ("area", city.town_a.path) in rows_today
    assert ("area", city.town_a.path) not in rows_then
    assert len(calls) == 2  # two stand-in rounds, then never again


def test_a_value_inside_a_pattern(city):
    """startswith writes the value into a LIKE pattern: a plain value (a path, a code) takes the
    stand-in's place in it; a value the backend would escape (here "_", which LIKE reads as
    any character) makes the call build the queryset, so it is escaped as before."""
    build, calls = counting(
        lambda code: (
            Unit.objects.filter(code__startswith=code)
            .order_by("code")
            .values_list("code", flat=True)
        )
    )
    prepared = Prepared(Unit, build, code=str)
    assert prepared.fetch(code="C101") == ["C101", "C101001"]
    assert prepared.fetch(code="C102") == ["C102", "C102001"]
    assert len(calls) == 2  # the stand-in rounds only
    assert prepared.fetch(code="C10_") == []  # not C101…, C102…
    assert prepared.fetch(code="C10%") == []
    assert len(calls) == 4
    assert prepared.fetch(code="") == list(
        Unit.objects.order_by("code").values_list("code", flat=True)
    )


def test_count_of_is_the_count(city):
    def build(kind):
        return count_of(Unit.objects.filter(type=kind))

    prepared = Prepared(Unit, build, kind=str)
    for kind in (UnitType.TOWN, UnitType.VILLAGE, UnitType.DEPARTMENT, "nothing"):
        assert prepared.fetch(kind=kind) == [Unit.objects.filter(type=kind).count()]


def test_a_value_of_another_type_falls_back(city):
    build, calls = counting(lambda user_id: User.objects.filter(pk=user_id).values_list("pk"))
    prepared = Prepared(User, build, user_id=int)
    assert prepared.fetch(user_id=str(city.office.pk)) == [(city.office.pk,)]


def test_session_user_is_loaded_with_unit_and_leader(city):
    backend = UnitAwareModelBackend()
    for user_id in (city.leader_user.pk, str(city.leader_user.pk)):
        with CaptureQueriesContext(connection) as queries:
            user = backend.get_user(user_id)
            assert user.unit.path == city.gov_office.path
            assert user.leader.name == "周明远"
        assert len(queries) == 1
    city.leader_user.is_active = False
    city.leader_user.save(update_fields=["is_active"])
    assert backend.get_user(city.leader_user.pk) is None
    assert backend.get_user(10**9) is None


@pytest.mark.django_db(transaction=True)
def test_runs_on_the_calling_threads_connection(city):
    """A shape compiled by one thread of the server runs, in another, on that thread's own
    connection (Django's connections are per thread)."""
    prepared = Prepared(User, lambda user_id: User.objects.filter(pk=user_id)[:1], user_id=int)
    prepared.fetch(user_id=city.office.pk)  # compiled in this thread
    seen = {}

    def other_thread():
        try:
            with CaptureQueriesContext(connections["default"]) as queries:
                seen["users"] = prepared.fetch(user_id=city.liaison_a.pk)
            seen["queries"] = len(queries)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert [u.username for u in seen["users"]] == ["town_a_liaison"]
    assert seen["queries"] == 1
