"""Scoring reads each component's inputs with a fixed number of queries: a draft and a first
publication take as many queries for nine towns, each with indicators, milestones, ladder
events, manual scores, items and target adjustments, as for the worked example's three
(issue 13: scoring a province's 6,000 units)."""

import datetime as dt
from decimal import Decimal as D

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.assessment import bench, selectors, services
from ganchao.assessment.periods import parse
from ganchao.assessment.tests.conftest import moment
from ganchao.conftest import make_unit, make_user
from ganchao.goals.models import (
    Assignment,
    Milestone,
    MilestoneCompletion,
    TargetAdjustment,
)
from ganchao.orgs.choices import UnitType
from ganchao.supervision.models import Alert

Q2 = parse("2026-Q2", "quarter")
DRAFT_QUERIES = 18
PUBLISH_QUERIES = 32


def counted(call):
    with CaptureQueriesContext(connection) as queries:
        value = call()
    return value, len(queries)


def publish_counted(scenario):
    """Queries of a first publication, rolled back so that the next one is a first too."""
    with transaction.atomic():
        (result, _changes), count = counted(
            lambda: services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
        )
        transaction.set_rollback(True)
    return result, count


def add_towns(scenario, numbers):
    """Towns with every kind of input the engine reads."""
    for number in numbers:
        unit = make_unit(f"新{number}镇", UnitType.TOWN, scenario.a.parent, code=f"T{number}",
                         category=scenario.category)  # fmt: skip
        own = scenario.item(f"{number}1", "indicator", nature="cumulative",
                            frequency="quarterly", target=200)  # fmt: skip
        shared = scenario.item(f"{number}2", "indicator", nature="level", frequency="monthly",
                               target=10)  # fmt: skip
        liaison = make_user(f"liaison{number}", unit, "liaison")
        first = Assignment.objects.create(item=own, unit=unit, role="lead", target=D(300))
        second = Assignment.objects.create(item=shared, unit=unit, role="lead", weight=2)
        scenario.report(first, D(120))
        scenario.report(second, D(9), period="2026-06", end=dt.date(2026, 6, 30))
        TargetAdjustment.objects.create(
            item=own, assignment=first, field="target", old_value="250", new_value="300",
            reason="调整", state="approved", requested_by=liaison, decided_at=moment(2026, 5, 2),
        )  # fmt: skip
        task = scenario.item(f"{number}3", "task", frequency="monthly")
        doing = Assignment.objects.create(item=task, unit=unit, role="lead")
        report = scenario.report(doing, period="2026-06", end=dt.date(2026, 6, 30))
        milestone = Milestone.objects.create(
            item=task, position=1, due_date=dt.date(2026, 6, 1), description="节点"
        )
        MilestoneCompletion.objects.create(
            report=report, milestone=milestone, completed_on=dt.date(2026, 6, 3)
        )
        Alert.objects.create(
            level=2, trigger="turned_red", assignment=first, cause_key=f"k{number}",
            at=moment(2026, 5, 6), unit=unit, message="催办",
        )  # fmt: skip
        with transaction.atomic():
            services.score_item_add(actor=None, scheme=scenario.scheme, period="2026-Q2",
                                    unit=unit, kind="bonus", points=1, reason="表彰",
                                    approved=True)  # fmt: skip


def test_draft_and_publish_queries_do_not_grow_with_units(scenario):
    make_user("liaison_a", scenario.a, "liaison")  # told of the result, like the new towns'
    (small, _), draft_small = counted(lambda: selectors.draft_results(scenario.scheme, Q2))
    _result, publish_small = publish_counted(scenario)
    add_towns(scenario, range(11, 17))
    (large, _), draft_large = counted(lambda: selectors.draft_results(scenario.scheme, Q2))
    result, publish_large = publish_counted(scenario)
    assert (len(small), len(large), len(result.snapshot)) == (3, 9, 9)
    new = next(row for row in large if row["unit_code"] == "T11")
    assert [c["kind"] for c in new["components"] if c.get("filled")] == []  # all applicable
    assert new["bonus"] == "1.00"
    assert draft_small == draft_large <= DRAFT_QUERIES
    assert publish_small == publish_large <= PUBLISH_QUERIES


def test_the_adjusted_target_is_kept_beside_the_one_scored(scenario):
    add_towns(scenario, [11])
    rows, _cutoff = selectors.draft_results(scenario.scheme, Q2)
    row = next(row for row in rows if row["unit_code"] == "T11")
    details = row["components"][0]["details"]
    # E of 300 (own target, cumulative) at 30 June; before the approval it was 250
    assert details[0]["expected"] == str(D(300) * 181 / 365)
    assert details[0]["original_expected"] == str(D(250) * 181 / 365)
    assert "original_expected" not in details[1]


def test_bench_floor_replays_the_drafts_selects(scenario):
    figures = bench.time_scoring("TOWNS", "2026-Q2", repeat=1)
    assert (figures["units"], figures["unassessed"]) == (3, 0)
    assert figures["floor_queries"] == figures["draft_queries"] <= DRAFT_QUERIES
    assert figures["publish_queries"] <= PUBLISH_QUERIES
    assert selectors.latest_result("TOWNS", "2026-Q2") is None  # the timed publication rolled back
