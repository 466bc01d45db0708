"""A publication stores exactly the draft's rows (issue 13): it computes them without copying
the component rows that units scored alike share (a province's 4,800 villages without
inputs), and E against an item's own targets is computed once per item, so the stored result
must not differ from the draft's rows in any value."""

import json
from decimal import Decimal as D

from django.db import transaction

from ganchao.assessment import selectors, services
from ganchao.assessment.models import Result
from ganchao.assessment.periods import parse
from ganchao.assessment.snapshot import standings
from ganchao.assessment.tests.test_scoring_queries import add_towns
from ganchao.conftest import make_unit
from ganchao.orgs.choices import UnitType

Q2 = parse("2026-Q2", "quarter")


def _towns_without_inputs(scenario, numbers):
    for number in numbers:
        make_unit(f"空{number}镇", UnitType.TOWN, scenario.a.parent, code=f"T{number}",
                  category=scenario.category)  # fmt: skip


def _by_code(draft):
    return {row["unit_code"]: row for row in draft.rows + draft.unassessed}


def test_rows_without_copies_are_the_same_rows_sharing_components(scenario):
    add_towns(scenario, [11, 12])
    _towns_without_inputs(scenario, [21, 22, 23])
    copied = selectors.draft_outcome(scenario.scheme, Q2)
    shared = selectors.draft_outcome(scenario.scheme, Q2, copies=False)
    assert json.dumps(shared.rows) == json.dumps(copied.rows)
    assert json.dumps(shared.unassessed) == json.dumps(copied.unassessed)
    assert shared.cutoff == copied.cutoff
    alike, separate = _by_code(shared), _by_code(copied)
    assert alike["T21"]["components"] is alike["T22"]["components"] is alike["T23"]["components"]
    assert separate["T21"]["components"] == separate["T22"]["components"]
    assert separate["T21"]["components"] is not separate["T22"]["components"]
    for first, second in zip(
        separate["T21"]["components"], separate["T22"]["components"], strict=True
    ):
        assert first is not second and first["details"] is not second["details"]
    assert alike["T11"]["components"] is not alike["T12"]["components"]  # scored on inputs


def test_a_publication_stores_the_drafts_rows(scenario):
    add_towns(scenario, [11, 12])
    _towns_without_inputs(scenario, [21, 22])
    draft = selectors.draft_outcome(scenario.scheme, Q2)
    with transaction.atomic():
        result, _changes = services.result_publish(
            actor=None, scheme=scenario.scheme, period="2026-Q2"
        )
    stored = Result.objects.get(pk=result.pk)
    assert stored.snapshot == draft.rows
    assert stored.unassessed == draft.unassessed
    assert stored.standings == standings(draft.rows)
    assert stored.cutoff == draft.cutoff
    assert {row["unit_code"] for row in stored.snapshot + stored.unassessed} >= {"T21", "T22"}


def test_e_against_the_items_targets_is_each_assignments_own(scenario):
    """Towns on one item without targets of their own share the item's E; a town with its own
    target keeps its own (E of a level indicator is its target)."""
    add_towns(scenario, [11, 12, 13])
    rows = _by_code(selectors.draft_outcome(scenario.scheme, Q2))
    for code in ("T11", "T12", "T13"):
        own, shared = rows[code]["components"][0]["details"][:2]
        assert D(shared["expected"]) == D(10)  # the item's target, level
        assert D(own["expected"]) == D(300) * 181 / 365  # its own target, cumulative
