"""Acceptance (issue 5): editing a report after publication leaves the published result as it
was; publishing again makes result revision 2 listing the differences; publishing with nothing
changed makes no revision — through the services and through `ganchao score --publish`."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction

from ganchao.assessment import selectors, services, services_inputs
from ganchao.assessment.models import Result
from ganchao.assessment.periods import parse
from ganchao.conftest import make_user
from ganchao.goals import services_reports
from ganchao.goals.models import ProgressReport
from ganchao.orgs.choices import Role

Q2 = parse("2026-Q2", "quarter")


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


@pytest.fixture
def people(scenario):
    office = make_user("office", scenario.office_unit, Role.OFFICE)
    liaison = make_user("jia_liaison", scenario.a, Role.LIAISON)
    return office, liaison


def resubmit_i2(scenario, office, liaison, value) -> ProgressReport:
    """The office accepts A's I2 report, then A corrects it: a new report revision."""
    with transaction.atomic():
        accepted = services_reports.report_accept(actor=office, report=scenario.reports["2"])
    with transaction.atomic():
        return services_reports.report_correct(
            actor=liaison, report=accepted, value=value, reason="统计口径更正"
        )


def publish(scheme):
    with transaction.atomic():
        return services.result_publish(actor=None, scheme=scheme, period="2026-Q2")


def test_published_revision_is_frozen_and_republishing_lists_the_differences(scenario, people):
    office, liaison = people
    first, _ = publish(scenario.scheme)
    assert first.result_revision == 1
    assert by_code(first.snapshot)["T01"]["total"] == "90.92"

    correction = resubmit_i2(scenario, office, liaison, D(100))
    assert correction.revision == 2

    frozen = Result.objects.get(pk=first.pk)
    assert by_code(frozen.snapshot)["T01"]["total"] == "90.92"
    assert by_code(frozen.snapshot)["T01"]["components"][0]["score"] == "46.67"
    draft, _ = selectors.draft_results(scenario.scheme, Q2)
    assert by_code(draft)["T01"]["total"] == "94.25"

    second, changes = publish(scenario.scheme)
    assert second.result_revision == 2
    mine = {c["field"]: (c["before"], c["after"]) for c in changes if c["unit_code"] == "T01"}
    assert mine == {"component:IND": ("46.67", "50.00"), "total": ("90.92", "94.25")}
    assert {c["unit_code"] for c in changes} == {"T01"}
    assert Result.objects.get(pk=second.pk).differences == changes
    assert by_code(Result.objects.get(pk=first.pk).snapshot)["T01"]["total"] == "90.92"

    again, nothing = publish(scenario.scheme)
    assert (again, nothing) == (None, [])
    assert Result.objects.filter(scheme_code="TOWNS", period="2026-Q2").count() == 2


def test_approving_an_item_after_publication_makes_the_next_revision(scenario, people):
    office, _liaison = people
    publish(scenario.scheme)
    pending = scenario.a.score_items.get(approved=False)
    services_inputs.score_item_approve(
        actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=pending.pk
    )
    second, changes = publish(scenario.scheme)
    mine = {c["field"]: (c["before"], c["after"]) for c in changes}
    assert second.result_revision == 2
    assert mine["bonus"] == ("1.00", "4.00") and mine["total"] == ("90.92", "93.92")


def score(*args) -> str:
    out = io.StringIO()
    call_command("score", *args, stdout=out)
    return out.getvalue()


def test_score_publish_command_twice(scenario, people):
    office, liaison = people
    first = score("--scheme", "TOWNS", "--period", "2026-Q2", "--publish")
    assert "已发布 TOWNS 2026-Q2 第1版" in first
    second = score("--scheme", "TOWNS", "--period", "2026-Q2", "--publish")
    assert "结果与已发布版本相同，未新增版本" in second
    assert Result.objects.count() == 1

    resubmit_i2(scenario, office, liaison, D(90))
    third = score("--scheme", "TOWNS", "--period", "2026-Q2", "--publish")
    assert "第2版" in third
    assert "T01 甲镇 component:IND：46.67 → 48.33" in third
    assert "T01 甲镇 total：90.92 → 92.58" in third
    assert by_code(Result.objects.get(result_revision=1).snapshot)["T01"]["total"] == "90.92"
