"""The read scope's subqueries compiled once per scope (selectors_sql, issue 13): the SQL is the
text the ORM writes for the same condition, a second request reuses it, and a change of the
actor's roles, posts or areas takes effect on the next request."""

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q

from ganchao.conftest import make_user
from ganchao.goals import selectors, selectors_sql
from ganchao.goals.choices import ItemType
from ganchao.goals.models import Assignment, Item, Plan, ProgressReport
from ganchao.goals.tests.factories import make_assignment, make_item, make_plan, make_report
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Post, User
from ganchao.orgs.scoping import KeyIn, scope_of

pytestmark = pytest.mark.django_db


def orm_condition(actor, prefix=""):
    """visible_assignments_q as it was written before the cache: built with the ORM."""
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Q(pk__in=[])
    if scope.reads_all:
        return None
    items = scope.unit_in_q("data_source_unit")
    if actor.leader_id and scope.has(Role.LEADER):
        named = Item.leaders.through.objects.filter(leader_id=actor.leader_id)
        items |= Q(KeyIn("pk", named.values("item_id")))
    condition = scope.unit_in_q(f"{prefix}unit") | Q(
        KeyIn(f"{prefix}item", Item.objects.filter(items).values("pk"))
    )
    released = Plan.objects.filter(selectors._released_q(scope)).values("pk")
    return condition & Q(**{f"{prefix}item__plan__in": released})


SHAPES = [
    # (model, prefix, the rest of the query): a list page, a count, a join through a relation
    (
        Assignment,
        "",
        lambda rows: rows.order_by("item__sort_key", "unit__path").values("pk", "unit__code"),
    ),
    (Assignment, "", lambda rows: rows.filter(status="red").values("pk")),
    (ProgressReport, "assignment__", lambda rows: rows.values("pk")),
    (Item, "assignments__", lambda rows: rows.distinct().values("pk")),
]


def sql_and_rows(condition, model, rest):
    rows = rest(model.objects.all() if condition is None else model.objects.filter(condition))
    try:
        sql = rows.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        sql = "nothing"
    return sql, sorted(map(repr, rows))


def fresh(user):
    """The user as a new request loads it (no scope cached on the object)."""
    return User.objects.select_related("unit", "leader").get(pk=user.pk)


def test_the_compiled_condition_is_the_orm_condition_for_every_kind_of_actor(city):
    tree = make_plan(city)
    make_plan(city, year=2027, issued=False, owner=city.town_a)  # a draft of the town
    make_report(tree.ind_lead, "2026-04", value=4200)
    tree.indicator.leaders.add(city.leader)
    tree.indicator.data_source_unit = city.stats
    tree.indicator.save(update_fields=["data_source_unit"])
    stats_user = make_user("stats_liaison", city.stats, Role.LIAISON)
    actors = [
        city.admin,
        city.auditor,
        city.office,
        city.leader_user,
        city.liaison_a,
        city.village_a_user,
        city.liaison_b,
        stats_user,
    ]
    seen_rows = 0
    for actor in actors:
        for model, prefix, rest in SHAPES:
            expected = sql_and_rows(orm_condition(fresh(actor), prefix), model, rest)
            for _ in range(2):  # compiled, then from the cache
                condition = selectors.visible_assignments_q(fresh(actor), prefix)
                assert sql_and_rows(condition, model, rest) == expected, (actor, prefix)
            seen_rows += len(expected[1])
    assert seen_rows > 0


def test_a_second_request_does_not_compile_the_subqueries_again(city, monkeypatch):
    make_plan(city)
    selectors_sql.cache_clear()
    built = []
    original = selectors._items_read

    def counting(scope, leader_id):
        built.append(scope)
        return original(scope, leader_id)

    monkeypatch.setattr(selectors, "_items_read", counting)
    for _ in range(3):
        condition = selectors.visible_assignments_q(fresh(city.liaison_a))
        assert list(Assignment.objects.filter(condition).values_list("pk", flat=True))
    assert len(built) == 1


def test_a_new_post_or_area_takes_effect_on_the_next_request(city):
    tree = make_plan(city)
    town_b_rows = {tree.level_lead.pk}  # the level indicator's lead unit is town B

    def visible(user):
        condition = selectors.visible_assignments_q(fresh(user))
        return set(Assignment.objects.filter(condition).values_list("pk", flat=True))

    assert not visible(city.leader_user) & town_b_rows
    with transaction.atomic():
        org_services.leader_area_set(
            actor=None, leader=city.leader, units=[city.town_a, city.town_b]
        )
    assert visible(city.leader_user) >= town_b_rows
    assert not visible(city.liaison_a) & town_b_rows
    post = Post.objects.create(user=city.liaison_a, unit=city.town_b, title="兼职")
    assert visible(city.liaison_a) >= town_b_rows
    post.active = False
    post.save(update_fields=["active"])
    assert not visible(city.liaison_a) & town_b_rows
    # The same scope as before: the cached SQL, run again, finds rows created since.
    before = visible(city.liaison_a)
    new = make_item(tree.plan, "1.9", "新指标", ItemType.INDICATOR, parent=tree.goal)
    added = make_assignment(new, city.town_a)
    assert visible(city.liaison_a) == before | {added.pk}


def test_own_assignment_key_q_is_the_orm_condition(city):
    tree = make_plan(city)
    make_report(tree.ind_lead, "2026-04", value=4200)
    for actor in (city.auditor, city.office, city.leader_user, city.liaison_a, city.liaison_b):
        for model, key in ((ProgressReport, "assignment_id"), (Assignment, "pk")):
            own = Assignment.objects.filter(selectors.own_assignments_q(fresh(actor)))
            expected = sql_and_rows(KeyIn(key, own.values("pk")), model, lambda rows: rows)
            for _ in range(2):  # compiled, then from the cache
                condition = selectors.own_assignment_key_q(fresh(actor), key)
                assert sql_and_rows(condition, model, lambda rows: rows) == expected
