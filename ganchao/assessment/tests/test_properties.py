"""Properties beyond test_engine's: recomputing with the same cut-off gives the same result
whatever order the units and their inputs arrive in (the database returns rows in no promised
order), and a later cut-off never lowers a milestone score; a work component with nothing to
assess is filled within its points, a unit's total never rises when one of its indicators'
credit falls, and units with nothing to assess take no place in the ranking."""

import datetime as dt
from dataclasses import replace

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


AVERAGE_SCHEME = e.Scheme(PROPERTY_SCHEME.components, empty_component=e.AVERAGE)


@given(categories(), st.sampled_from([PROPERTY_SCHEME, AVERAGE_SCHEME]))
def test_a_filled_component_stays_within_its_points(units, scheme):
    for result in e.score_units(scheme, units, Q2):
        for component in result.score.components:
            assert 0 <= component.score <= component.points
            if component.filled is not None:
                assert 0 <= component.filled["rate"] <= 1
                assert result.score.assessed


def _weaker(unit: e.UnitInput, index: int) -> e.UnitInput:
    """The unit with its index-th indicator unreported (credit 0, never more than before)."""
    indicators = list(unit.indicators)
    indicators[index] = replace(indicators[index], actual=None)
    return replace(unit, indicators=tuple(indicators))


@given(
    categories(),
    st.sampled_from([PROPERTY_SCHEME, AVERAGE_SCHEME]),
    st.integers(min_value=0, max_value=5),
)
def test_a_units_total_never_rises_when_an_indicators_credit_falls(units, scheme, pick):
    target = units[pick % len(units)]
    if not target.indicators:
        return
    weaker = [_weaker(u, pick % len(u.indicators)) if u is target else u for u in units]
    before = {r.score.code: r.score.total for r in e.score_units(scheme, units, Q2)}
    after = {r.score.code: r.score.total for r in e.score_units(scheme, weaker, Q2)}
    assert after[target.code] <= before[target.code]


@given(categories(), st.randoms(use_true_random=False))
def test_average_mode_gives_the_same_result_in_any_order(units, rng):
    first = e.score_units(AVERAGE_SCHEME, units, Q2)
    shuffled = [reordered(unit, rng) for unit in units]
    rng.shuffle(shuffled)
    assert shown(e.score_units(AVERAGE_SCHEME, shuffled, Q2)) == shown(first)


@given(categories())
def test_unranked_units_take_no_place_in_ranks_or_gaps(units):
    everyone = e.score_units(PROPERTY_SCHEME, units, Q2)
    ranked = e.score_units(PROPERTY_SCHEME, [u for u in units if u.indicators or any(
        Q2.contains(m.due) for m in u.milestones)], Q2)  # fmt: skip
    assert shown([r for r in everyone if r.rank is not None]) == shown(ranked)
