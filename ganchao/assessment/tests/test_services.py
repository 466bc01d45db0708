"""Services and selectors: the worked example from the database, publication and revisions."""

from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.assessment import selectors, selectors_appeals, services
from ganchao.assessment.models import Result
from ganchao.assessment.periods import parse
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import ValidationFailed
from ganchao.conftest import make_unit
from ganchao.goals.models import Assignment
from ganchao.orgs.choices import UnitType

Q2 = parse("2026-Q2", "quarter")


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


def test_worked_example_from_the_database(scenario):
    rows, cutoff = selectors.draft_results(scenario.scheme, Q2)
    assert cutoff.isoformat() == "2026-07-07"
    a, b, c = (by_code(rows)[code] for code in ("T01", "T02", "T03"))
    assert [x["score"] for x in a["components"]] == ["46.67", "26.25", "17.00"]
    assert (a["total"], a["grade"], a["rank"], a["gap"]) == ("90.92", "优秀", 2, "7.08")
    assert (b["total"], b["grade"], b["rank"]) == ("98.00", "优秀", 1)
    # no milestone due: filled at C's indicator rate (25 / 50), not full marks (3.10)
    assert [x["score"] for x in c["components"]] == ["25.00", "15.00", "17.00"]
    assert c["components"][1]["filled"]["mode"] == "prorate"
    assert (c["total"], c["grade"], c["rank"], c["veto"]) == ("57.00", "不合格", 3, True)
    assert [row["unit_code"] for row in rows] == ["T02", "T01", "T03"]


def test_query_count_does_not_grow_with_units(scenario):
    with CaptureQueriesContext(connection) as before:
        selectors.draft_results(scenario.scheme, Q2)
    for number in range(4, 9):
        unit = make_unit(f"新{number}镇", UnitType.TOWN, scenario.a.parent, code=f"T0{number}",
                         category=scenario.category)  # fmt: skip
        for code in (f"{number}1", f"{number}2"):
            item = scenario.item(code, "indicator", nature="level", frequency="quarterly",
                                 target=10)  # fmt: skip
            assignment = Assignment.objects.create(item=item, unit=unit, role="lead")
            scenario.report(assignment, D(5))
    with CaptureQueriesContext(connection) as after:
        rows, _ = selectors.draft_results(scenario.scheme, Q2)
    assert len(rows) == 8
    assert len(after) == len(before) <= 18  # + the approved target adjustments


def test_points_must_sum_to_100(scenario):
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.scheme_create(
            actor=None, code="BAD", name="坏方案", category=scenario.category,
            period_type="year",
            components=[{"code": "X", "name": "X", "kind": "manual", "points": 90}],
        )  # fmt: skip


def test_publish_freezes_and_recomputation_makes_revision_2(scenario):
    first, changes = services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    assert (first.result_revision, changes) == (1, [])
    assert AuditEvent.objects.filter(action="assessment.result_publish").count() == 1
    again, _ = services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    assert again is None  # nothing changed: no new revision
    report = scenario.reports["2"]
    report.value = D(100)
    report.save(update_fields=["value"])
    frozen = Result.objects.get(pk=first.pk).snapshot
    assert by_code(frozen)["T01"]["total"] == "90.92"
    second, changes = services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    assert second.result_revision == 2
    assert {"unit_code": "T01", "unit": "甲镇", "field": "component:IND", "before": "46.67",
            "after": "50.00"} in changes  # fmt: skip
    assert by_code(second.snapshot)["T01"]["total"] == "94.25"
    assert by_code(Result.objects.get(pk=first.pk).snapshot)["T01"]["total"] == "90.92"


def test_published_snapshot_keeps_unit_names_as_they_were(scenario):
    result, _ = services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    scenario.a.name = "甲街道"
    scenario.a.save(update_fields=["name"])
    assert by_code(Result.objects.get(pk=result.pk).snapshot)["T01"]["unit"] == "甲镇"


def test_manual_score_bounds(scenario):
    with transaction.atomic():
        scheme = services.scheme_create(
            actor=None, code="TOWNS", name="乡镇季度考核", category=scenario.category,
            period_type="quarter",
            components=[{"code": "IND", "name": "指标", "kind": "indicators", "points": 80},
                        {"code": "EVAL", "name": "领导评议", "kind": "manual", "points": 20}],
        )  # fmt: skip
    assert scheme.scheme_version == 2
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.manual_score_set(
            actor=None, scheme=scheme, component_code="EVAL", period="2026-Q2", unit=scenario.a,
            score=21,
        )  # fmt: skip
    with transaction.atomic():
        services.manual_score_set(
            actor=None, scheme=scheme, component_code="EVAL", period="2026-Q2", unit=scenario.a,
            score="18.5",
        )  # fmt: skip
    rows, _ = selectors.draft_results(scheme, Q2)
    assert by_code(rows)["T01"]["components"][1]["score"] == "18.50"


def test_publication_tells_each_ranked_unit_and_a_revision_only_the_changed(scenario):
    from ganchao.conftest import make_user
    from ganchao.notifications.models import Notification
    from ganchao.orgs.choices import Role

    a_liaison = make_user("a_notice", scenario.a, Role.LIAISON)
    b_head = make_user("b_notice", scenario.b, Role.UNIT_HEAD)
    with transaction.atomic():
        result, _ = services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    first = Notification.objects.get(user=a_liaison)
    assert first.title == "考核结果已发布：乡镇季度考核 2026年第二季度（第1版）"
    deadline = selectors_appeals.chinese_date(selectors_appeals.appeal_deadline(result))
    assert f"可在{deadline}前对组成项得分提出申诉" in first.body
    assert first.url == "/assessment/scorecards/TOWNS/2026-Q2/T01/"
    assert Notification.objects.filter(user=b_head).count() == 1
    with transaction.atomic():
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.a,
            kind="deduction", points=1, reason="迟报", approved=True,
        )  # fmt: skip
        services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    assert Notification.objects.filter(user=a_liaison).count() == 2
    assert Notification.objects.filter(user=b_head).count() == 1  # B's figures did not change


@pytest.mark.parametrize("points", ["1e999", "NaN", "100.01", "1e7", "-1", "1.234"])
def test_item_points_out_of_range_are_refused(scenario, points):
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.a,
            kind="bonus", points=points, reason="x",
        )  # fmt: skip


def test_office_writes_refuse_other_users(scenario):
    from ganchao.common.errors import Forbidden
    from ganchao.conftest import make_user
    from ganchao.orgs.choices import Role

    liaison = make_user("a_writer", scenario.a, Role.LIAISON)
    with pytest.raises(Forbidden), transaction.atomic():
        services.result_publish(actor=liaison, scheme=scenario.scheme, period="2026-Q2")
    with pytest.raises(Forbidden), transaction.atomic():
        services.score_item_add(
            actor=liaison, scheme=scenario.scheme, period="2026-Q2", unit=scenario.a,
            kind="bonus", points=1, reason="自评", approved=True,
        )  # fmt: skip
    assert not Result.objects.exists()


def test_a_period_that_has_not_started_cannot_be_published(scenario):
    from django.utils import timezone

    later = f"{timezone.localdate().year + 1}-Q4"
    with pytest.raises(ValidationFailed, match="尚未开始"), transaction.atomic():
        services.result_publish(actor=None, scheme=scenario.scheme, period=later)
    assert not Result.objects.exists()
