"""Which plans reach whom, at town, city and province shape (issue 9 item 3).

A plan owned below the root (a city's in a province, a town's in a city) reaches the units and
leaders under its owner; a draft plan reaches nobody but the office and its owner's users until
it is issued — not in the plan list, the tree, statuses, work lists, home summaries, report
forms, dashboards or the tick's alerts.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ganchao.common.tests.api_client import TokenApi
from ganchao.goals import dashboards, selectors
from ganchao.goals.models import Plan
from ganchao.goals.tests.factories import make_plan
from ganchao.goals.tests.province import Province
from ganchao.supervision.models import Alert
from ganchao.supervision.scans import status_and_alerts_scan

pytestmark = pytest.mark.django_db
TICK_AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def province(db):
    return Province()


def _plan_ids(user) -> list[int]:
    return [row["id"] for row in TokenApi(user).get("/plans").json()["items"]]


def _statuses(user, **params) -> int:
    return TokenApi(user).get("/statuses", limit=1, **params).json()["count"]


# ---------------------------------------------------------------------------- province


def test_each_citys_leaders_and_liaisons_see_their_citys_plan(province):
    for city, other in zip(province.cities, reversed(province.cities), strict=True):
        plan, others = city.plan.plan, other.plan.plan
        for user in (city.vice_user, city.mayor_user, city.street_liaison, city.village_liaison):
            assert _plan_ids(user) == [plan.pk], user.username
            api = TokenApi(user)
            assert api.get(f"/plans/{others.pk}/tree").status_code == 404
            tree = api.get(f"/plans/{plan.pk}/tree")
            assert tree.status_code == 200
        for user in (city.vice_user, city.street_liaison):
            nodes = TokenApi(user).get(f"/plans/{plan.pk}/tree").json()
            assert [n["code"] for n in nodes] == ["1"] and nodes[0]["children"]


def test_the_tree_and_home_pages_open_on_the_citys_plan(province, login):
    for city in province.cities:
        for user in (city.vice_user, city.mayor_user, city.street_liaison, city.office):
            client = login(user)
            tree = client.get("/goals/tree/")
            assert tree.context["plan"] == city.plan.plan, user.username
            assert "还没有年度计划" not in tree.content.decode()
            home = client.get("/")
            assert home.context["plan"] == city.plan.plan
            assert "还没有年度计划" not in home.content.decode()
        assert login(city.street_liaison).get("/goals/tree/").context["item_count"] == 2
        client.logout()


def test_a_vice_mayors_dashboard_and_leader_view_cover_their_area(province, login):
    city = province.cities[0]
    data = dashboards.dashboard(actor=city.vice_user, plan=city.plan.plan)
    assert data["summary"]["total"] == 2  # 1.1 (named, street lead) and 1.3 (street lead)
    page = login(city.vice_user).get("/goals/leader/")
    assert page.status_code == 200 and page.context["page"].paginator.count == 3


def test_the_office_of_a_city_reads_both_cities_but_opens_its_own(province):
    city = province.cities[1]
    assert sorted(_plan_ids(city.office)) == sorted(c.plan.plan.pk for c in province.cities)


# ---------------------------------------------------------------------------- drafts


def _unit_lists(user, unit_code: str) -> dict:
    """Everything that lists a unit's assignments for this user."""
    plan = selectors.plans_visible(user).filter(state="issued").first()
    return {
        "plans": _plan_ids(user),
        "statuses": _statuses(user),
        "statuses_unit": _statuses(user, unit=unit_code),
        "workbench": selectors.assignments_for_workbench(user, today=dt.date(2026, 11, 20)).count(),
        "home": dashboards.unit_summary(actor=user, plan=plan)["total"] if plan else None,
        "adjustable": selectors.adjustments_pending(user).count(),
    }


@pytest.mark.parametrize("owner", ["province", "city"])
def test_a_draft_plan_adds_nothing_to_a_units_lists(province, login, owner):
    city = province.cities[0]
    users = (city.street_liaison, city.vice_user, city.village_liaison)
    before = {u.username: _unit_lists(u, city.town_a.code) for u in users}
    owner_unit = province.root if owner == "province" else city.root
    draft = make_plan(city, year=2027, issued=False, owner=owner_unit)
    for user in users:
        user = type(user).objects.get(pk=user.pk)  # a fresh scope
        assert _unit_lists(user, city.town_a.code) == before[user.username]
        api = TokenApi(user)
        assert api.get(f"/plans/{draft.plan.pk}/tree").status_code == 404
        assert api.get(f"/items/{draft.indicator.pk}").status_code == 404
        assert api.get(f"/assignments/{draft.ind_lead.pk}").status_code == 404
        assert api.get("/statuses", plan=draft.plan.pk).status_code == 404
        client = login(user)
        assert client.get(f"/?plan={draft.plan.pk}").status_code in (200, 404)
        assert client.get(f"/goals/tree/?plan={draft.plan.pk}").status_code == 404
        report = f"/goals/assignments/{draft.ind_lead.pk}/report/2027-01/"
        assert client.get(report).status_code == 404
        client.logout()
    # the office prepares the draft: it still sees it
    assert draft.plan.pk in _plan_ids(city.office)
    assert TokenApi(city.office).get(f"/plans/{draft.plan.pk}/tree").status_code == 200
    assert _statuses(city.office, plan=draft.plan.pk) == 5


def test_the_tick_raises_no_alert_on_a_draft_plan(province):
    city = province.cities[0]
    draft = make_plan(city, year=2026, issued=False, owner=province.root)
    status_and_alerts_scan(TICK_AT)
    assert Alert.objects.filter(assignment__item__plan=city.plan.plan).exists()
    assert not Alert.objects.filter(assignment__item__plan=draft.plan).exists()


# ---------------------------------------------------------------------------- city and town


def test_city_shape_a_draft_of_the_city_reaches_no_town(city):
    issued = make_plan(city)
    before = _statuses(city.liaison_a)
    draft = make_plan(city, year=2027, issued=False)
    assert _plan_ids(city.liaison_a) == [issued.plan.pk]
    assert _statuses(city.liaison_a) == before
    assert _statuses(city.leader_user, unit=city.town_a.code) == 2
    assert sorted(_plan_ids(city.office)) == sorted([issued.plan.pk, draft.plan.pk])


def test_town_shape_a_towns_own_plan_reaches_its_villages_not_other_towns(city):
    town_plan = make_plan(city, owner=city.town_a)
    assert _plan_ids(city.village_a_user) == [town_plan.plan.pk]
    assert _plan_ids(city.liaison_a) == [town_plan.plan.pk]
    assert _plan_ids(city.leader_user) == [town_plan.plan.pk]  # 西湖镇 is their area
    assert _plan_ids(city.liaison_b) == []
    Plan.objects.filter(pk=town_plan.plan.pk).update(state="draft")
    assert _plan_ids(city.liaison_a) == [town_plan.plan.pk]  # the owner prepares its draft
    assert _plan_ids(city.village_a_user) == []
    assert _plan_ids(city.leader_user) == []
    assert _statuses(city.liaison_a) == 2
    assert _statuses(city.village_a_user) == 0
