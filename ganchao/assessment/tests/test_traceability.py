# ruff: noqa: F811 — the fixture `people` is imported by name
"""Traceable to the report (issue 9 item 12): an approved target adjustment is scored with the
adjusted target and the original is shown beside it; each indicator point names the report
revision it used (value, when, by whom) and links it and its evidence files. And points are
split by the 分解到单位 权重, defaulting to the item's (DESIGN.md 3.10)."""

import datetime as dt
from decimal import Decimal as D

from django.db import transaction

from ganchao.assessment import selectors, services
from ganchao.assessment.periods import parse
from ganchao.assessment.tests.league_support import people  # noqa: F401
from ganchao.conftest import make_unit
from ganchao.goals import services as goal_services
from ganchao.goals import services_adjustments as adjustments
from ganchao.goals.models import Evidence, Item, Plan, ProgressReport
from ganchao.orgs.choices import UnitType

Q2 = parse("2026-Q2", "quarter")
CARD = "/assessment/scorecards/TOWNS/2026-Q2/T01/"


NUMBERS = {"weight", "expected", "original_expected", "actual", "c", "credit", "score"}


def indicator_details(scheme, unit_code="T01"):
    """The unit's indicator details by item code, numbers as Decimals."""
    rows = {row["unit_code"]: row for row in selectors.draft_results(scheme, Q2)[0]}
    return {
        d["ref"].split()[0]: {k: D(v) if k in NUMBERS and v else v for k, v in d.items()}
        for d in rows[unit_code]["components"][0]["details"]
    }


def publish(scheme):
    with transaction.atomic():
        services.result_publish(actor=None, scheme=scheme, period="2026-Q2")


def test_an_approved_target_adjustment_scores_with_the_adjusted_target(scenario, people, login):
    item = Item.objects.get(plan=scenario.plan, code="2")  # 甲镇: target 100, reported 80
    assignment = item.assignments.get()
    assert indicator_details(scenario.scheme)["2"]["c"] == D("0.8")
    with transaction.atomic():
        request = adjustments.adjustment_request(
            actor=people.office, item=item, field="target", new_value="80",
            reason="受上级政策调整影响", assignment=None,
        )  # fmt: skip
    assert indicator_details(scenario.scheme)["2"]["c"] == D("0.8")  # requested, not approved
    with transaction.atomic():
        adjustments.adjustment_approve(actor=people.office, adjustment=request, reason="同意")
    detail = indicator_details(scenario.scheme)["2"]
    assert (detail["expected"], detail["original_expected"], detail["c"]) == (D(80), D(100), 1)
    assert "original_expected" not in indicator_details(scenario.scheme)["1"]
    assert assignment.target is None  # the item's own target was adjusted
    publish(scenario.scheme)
    card = login(people.office).get(CARD).content.decode()
    assert "目标调整前 100" in card


def test_each_indicator_links_the_report_revision_it_used_and_its_evidence(scenario, people, login):
    first = scenario.reports["1"]  # 甲镇 indicator 1: 105 in revision 1
    ProgressReport.objects.filter(pk=first.pk).update(is_current=False)
    corrected = ProgressReport.objects.create(
        assignment=first.assignment, period=first.period, period_end=first.period_end,
        revision=2, state="accepted", value=D(98), submitted_by=people.liaison_a,
        submitted_at=dt.datetime(2026, 7, 3, 9, 30, tzinfo=dt.UTC),
    )  # fmt: skip
    evidence = Evidence.objects.create(
        report=corrected, file="evidence/2026/07/台账.pdf", original_name="工业产值台账.pdf",
        content_type="application/pdf", size=10, sha256="0" * 64, uploaded_by=people.liaison_a,
    )  # fmt: skip
    detail = indicator_details(scenario.scheme)["1"]
    assert (detail["report"], detail["actual"]) == (corrected.pk, D(98))
    publish(scenario.scheme)
    card = login(people.office).get(CARD).content.decode()
    item_id = first.assignment.item_id
    assert f"/goals/items/{item_id}/#report-{corrected.pk}" in card
    assert "第2版报送" in card and "2026年7月3日" in card and "town_a_liaison" in card
    assert f"/goals/evidence/{evidence.pk}/" in card and "工业产值台账.pdf" in card
    item_page = login(people.office).get(f"/goals/items/{item_id}/").content.decode()
    assert f'id="report-{corrected.pk}"' in item_page


def test_points_are_split_by_the_assignment_weight(scenario):
    details = indicator_details(scenario.scheme)
    assert (details["1"]["weight"], details["2"]["weight"]) == (D(2), D(1))
    assert details["1"]["score"] == D(50) * 2 / 3  # full credit on two thirds of the points


def test_an_assignment_weight_defaults_to_the_items(scenario, people):
    plan = Plan.objects.create(owner=scenario.a.parent, year=2027, state="draft")
    item = Item.objects.create(
        plan=plan, code="1", sort_key=Item.sort_key_for("1"), name="重点指标", type="indicator",
        weight=D(3), target=D(10),
    )  # fmt: skip
    unit = make_unit("己镇", UnitType.TOWN, scenario.a.parent, code="T09")
    with transaction.atomic():
        default = goal_services.assignment_create(
            actor=people.office, item=item, unit=unit, role="lead"
        )
        own = goal_services.assignment_create(
            actor=people.office, item=item, unit=scenario.b, role="responsible", weight="2",
            target="5",
        )  # fmt: skip
    assert (default.weight, own.weight) == (D(3), D(2))
