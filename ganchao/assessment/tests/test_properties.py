"""Properties beyond test_engine's: recomputing with the same cut-off gives the same result
whatever order the units and their inputs arrive in (the database returns rows in no promised
order), and a later cut-off never lowers a milestone score."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ganchao.assessment import engine as e
from ganchao.assessment.tests.test_engine import PROPERTY_SCHEME, Q2, categories


def reordered(unit: e.UnitInput, rng) -> e.UnitInput:
    def shuffled(values):
        values = list(values)
        rng.shuffle(values)
        return tuple(values)

    return e.UnitInput(
        unit.code, unit.name, shuffled(unit.indicators), shuffled(unit.milestones),
        shuffled(unit.events), dict(unit.manual), shuffled(unit.bonuses),
        shuffled(unit.deductions), shuffled(unit.vetoes), unit.adjustments,
    )  # fmt: skip


def shown(results):
    return [
        (r.score.code, r.rank, r.grade, r.score.shown_total, r.gap,
         tuple(e.round2(c.score) for c in r.score.components))
        for r in results
    ]  # fmt: skip


@given(categories(), st.randoms(use_true_random=False))
def test_same_cutoff_same_result_in_any_order(units, rng):
    first = e.score_units(PROPERTY_SCHEME, units, Q2)
    shuffled = [reordered(unit, rng) for unit in units]
    rng.shuffle(shuffled)
    assert shown(e.score_units(PROPERTY_SCHEME, shuffled, Q2)) == shown(first)


@given(categories(), st.integers(min_value=0, max_value=60))
def test_a_later_cutoff_never_lowers_milestones(units, extra_days):
    later = e.Period(Q2.start, Q2.end, Q2.cutoff + dt.timedelta(days=extra_days))
    before = {
        r.score.code: r.score.components[1].score for r in e.score_units(PROPERTY_SCHEME, units, Q2)
    }
    after = {
        r.score.code: r.score.components[1].score
        for r in e.score_units(PROPERTY_SCHEME, units, later)
    }
    assert all(after[code] >= before[code] for code in before)
