"""Who sees which problems, and the ledger's filters (selectors.py)."""

import datetime as dt

import pytest

from ganchao.common.errors import NotFound
from ganchao.problems import selectors
from ganchao.problems.choices import State
from ganchao.problems.tests.factories import ProblemFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)


def visible(user):
    return set(selectors.problems_visible(user).values_list("number", flat=True))


@pytest.fixture
def rows(pcity):
    return {
        "town_a": ProblemFactory(number="WT202600001", owner_unit=pcity.town_a),
        "village_a": ProblemFactory(number="WT202600002", owner_unit=pcity.village_a),
        "town_b": ProblemFactory(number="WT202600003", owner_unit=pcity.town_b),
        # found by 西湖镇 in 市住建局's charge: the finder's unit keeps seeing it
        "housing": ProblemFactory(
            number="WT202600004",
            owner_unit=pcity.housing,
            found_by=pcity.liaison_a,
            found_by_unit=pcity.town_a,
        ),
    }


def test_scope_of_each_kind_of_user(pcity, rows):
    assert visible(pcity.office) == {"WT202600001", "WT202600002", "WT202600003", "WT202600004"}
    # the leader's area is 西湖镇
    assert visible(pcity.leader_user) == {"WT202600001", "WT202600002", "WT202600004"}
    assert visible(pcity.liaison_a) == {"WT202600001", "WT202600002", "WT202600004"}
    assert visible(pcity.village_a_user) == {"WT202600002"}
    assert visible(pcity.liaison_b) == {"WT202600003"}
    assert visible(pcity.housing_liaison) == {"WT202600004"}
    assert visible(pcity.admin) == set()
    assert visible(pcity.auditor) == set()


def test_problem_get_is_404_outside_scope(pcity, rows):
    assert selectors.problem_get(pcity.liaison_a, rows["town_a"].pk) == rows["town_a"]
    with pytest.raises(NotFound):
        selectors.problem_get(pcity.liaison_b, rows["town_a"].pk)
    with pytest.raises(NotFound):
        selectors.problem_get(pcity.office, 999999)
    with pytest.raises(NotFound):
        selectors.problem_get(pcity.office, "abc")


def numbers(qs):
    return set(qs.values_list("number", flat=True))


def test_filters(pcity):
    from ganchao.problems.models import Problem

    ProblemFactory(
        number="A",
        owner_unit=pcity.village_a,
        place_type="project_site",
        category="safety",
        severity="severe",
        legacy=True,
        found_on=TODAY - dt.timedelta(days=3),
        deadline=TODAY - dt.timedelta(days=1),
        place="产业园 二期",
    )
    ProblemFactory(
        number="B",
        owner_unit=pcity.town_b,
        found_on=TODAY - dt.timedelta(days=200),
        deadline=TODAY - dt.timedelta(days=150),
        state=State.CLOSED,
        description="垃圾清运不及时",
    )
    ProblemFactory(
        number="C",
        owner_unit=pcity.town_a,
        found_on=TODAY - dt.timedelta(days=30),
        deadline=TODAY + dt.timedelta(days=5),
        blocks_project=True,
    )
    everything = Problem.objects.all()

    def only(**params):
        return numbers(selectors.ledger_filter(everything, params, TODAY))

    assert only(unit="C101") == {"A", "C"}  # 西湖镇 and its village
    assert only(unit="NOPE") == set()
    assert only(place_type="project_site") == {"A"}
    assert only(category="safety", severity="severe") == {"A"}
    assert only(state="closed") == {"B"}
    assert only(age="0-5") == {"A"}
    assert only(age="21-60") == {"C"}
    assert only(age="180+") == {"B"}
    assert only(legacy="1") == {"A"}
    assert only(blocks_project="true") == {"C"}
    assert only(overdue="1") == {"A"}  # B is late but closed
    assert only(overdue="0") == {"B", "C"}
    assert only(q="二期") == {"A"}
    assert only(q="垃圾") == {"B"}
    assert only(category="nonsense") == {"A", "B", "C"}  # an unknown value is ignored


def test_open_problems_by_age_in_scope(pcity):
    ProblemFactory(owner_unit=pcity.town_a, found_on=TODAY - dt.timedelta(days=10))
    ProblemFactory(owner_unit=pcity.town_b, found_on=TODAY - dt.timedelta(days=10))
    counts = {
        row["bucket"]: row["count"] for row in selectors.open_by_age(pcity.liaison_a, today=TODAY)
    }
    assert counts == {"0-5": 0, "6-20": 1, "21-60": 0, "61-180": 0, "180+": 0}
