"""The assessment engine (DESIGN.md 3.10): issue 5's worked example and properties."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ganchao.assessment import engine as e

SCHEME = e.Scheme(
    components=(
        e.Component("IND", "指标完成", e.INDICATORS, D(50), e.RATIO),
        e.Component("MS", "节点完成", e.MILESTONES, D(30)),
        e.Component("SUP", "督办情况", e.SUPERVISION, D(20)),
    ),
    bonus_cap=D(5),
)
Q2 = e.Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30), cutoff=dt.date(2026, 7, 7))


def ind(ref, weight, expected, actual, direction=e.POSITIVE):
    return e.Indicator(ref, D(weight), direction, D(expected), D(actual))


def worked_example_units():
    a = e.UnitInput(
        "A",
        "甲镇",
        indicators=(ind("I1", 2, 100, 105), ind("I2", 1, 100, 80)),
        milestones=(
            e.Milestone("M1", dt.date(2026, 4, 10), dt.date(2026, 4, 9)),
            e.Milestone("M2", dt.date(2026, 5, 10), dt.date(2026, 5, 10)),
            e.Milestone("M3", dt.date(2026, 6, 10), dt.date(2026, 6, 1)),
            e.Milestone("M4", dt.date(2026, 6, 20), dt.date(2026, 6, 25)),
        ),
        events=(
            e.Event("催办1", e.URGE, dt.date(2026, 5, 3)),
            e.Event("督办1", e.NOTICE, dt.date(2026, 5, 20)),
        ),
        bonuses=(e.Item("省级表彰", D(1)),),
    )
    b = e.UnitInput(
        "B",
        "乙镇",
        indicators=(ind("I3", 1, 200, 200),),
        milestones=(
            e.Milestone("M5", dt.date(2026, 4, 30), dt.date(2026, 4, 30)),
            e.Milestone("M6", dt.date(2026, 6, 30), dt.date(2026, 6, 2)),
        ),
        deductions=(e.Item("扣分", D(2)),),
    )
    c = e.UnitInput(
        "C",
        "丙镇",
        indicators=(ind("I4", 1, 100, 50),),
        events=(
            e.Event("催办2", e.URGE, dt.date(2026, 3, 2)),
            e.Event("督办2", e.NOTICE, dt.date(2026, 3, 20)),
            e.Event("通报1", e.BULLETIN, dt.date(2026, 4, 8)),
        ),
        vetoes=(e.Item("一票否决", D(0)),),
    )
    return [a, b, c]


def test_issue_worked_example():
    results = {r.score.code: r for r in e.score_units(SCHEME, worked_example_units(), Q2)}
    a, b, c = results["A"], results["B"], results["C"]
    shown = {comp.code: e.round2(comp.score) for comp in a.score.components}
    assert shown == {"IND": D("46.67"), "MS": D("26.25"), "SUP": D("17.00")}
    assert a.score.components[0].score == D(50) * 2 / 3 + D(50) / 3 * D("0.8")
    assert a.score.bonus == 1
    assert (a.score.shown_total, a.grade, a.rank) == (D("90.92"), "优秀", 2)
    assert (b.score.shown_total, b.grade, b.rank) == (D("98.00"), "优秀", 1)
    # C has no milestone due: since "nothing to assess is not full marks" (3.10, changed) the
    # milestones are filled at C's indicator rate, 25 / 50 = 50% of 30 (it used to be 30, 72.00)
    assert [e.round2(comp.score) for comp in c.score.components] == [D(25), D(15), D(17)]
    assert c.score.components[1].filled["mode"] == e.PRORATE
    assert (c.score.shown_total, c.grade, c.rank, c.score.veto) == (D("57.00"), "不合格", 3, True)
    assert [r.score.code for r in e.score_units(SCHEME, worked_example_units(), Q2)] == [
        "B", "A", "C"
    ]  # fmt: skip
    assert a.gap == D("7.08") and b.gap == 0


def test_indicator_completion_rules():
    assert e.indicator_completion(e.POSITIVE, D(100), D(105)) == 1
    assert e.indicator_completion(e.POSITIVE, D(0), D(0)) == 1
    assert e.indicator_completion(e.POSITIVE, D(-5), D(-6)) == 0
    assert e.indicator_completion(e.NEGATIVE, D(10), D(8)) == 1
    assert e.indicator_completion(e.NEGATIVE, D(10), D(20)) == D("0.5")
    assert e.indicator_completion(e.POSITIVE, D(10), None) == 0


def test_methods():
    assert e.method_credit(D("0.9"), e.LINEAR_FLOOR, D("0.6")) == D("0.75")
    assert e.method_credit(D("0.5"), e.LINEAR_FLOOR, D("0.6")) == 0
    assert e.method_credit(D("0.99"), e.ALL_OR_NOTHING) == 0
    assert e.method_credit(D(1), e.ALL_OR_NOTHING) == 1


def test_a_unit_with_nothing_to_assess_is_not_ranked_and_takes_no_place():
    units = worked_example_units() + [e.UnitInput("X", "市统计局", bonuses=(e.Item("b", D(3)),))]
    results = e.score_units(SCHEME, units, Q2)
    assert [(r.score.code, r.rank) for r in results] == [("B", 1), ("A", 2), ("C", 3), ("X", None)]
    unranked = results[-1]
    assert (unranked.grade, unranked.gap, unranked.score.assessed) == ("", None, False)
    assert [c.score for c in unranked.score.components[:2]] == [0, 0]
    assert all(c.filled is None for c in unranked.score.components)


def test_a_unit_without_indicators_is_filled_at_its_milestone_rate():
    unit = e.UnitInput(
        "X",
        "某局",
        milestones=(
            e.Milestone("M1", dt.date(2026, 4, 10), dt.date(2026, 4, 9)),
            e.Milestone("M2", dt.date(2026, 5, 10), dt.date(2026, 5, 20)),
        ),
    )
    result = e.score_units(SCHEME, [unit], Q2)[0]
    indicators, milestones, _sup = result.score.components
    assert milestones.score == D("22.5") and milestones.filled is None  # 30 × 1.5 / 2
    assert indicators.score == D("37.5")  # 22.5 / 30 = 75% of 50
    assert indicators.filled == {
        "mode": e.PRORATE, "rate": D("0.75"), "basis_score": D("22.5"), "basis_points": D(30),
        "score": D("37.5"),
    }  # fmt: skip
    assert (result.rank, result.score.shown_total) == (1, D("80.00"))


def test_average_mode_fills_at_the_categorys_mean_credit_for_that_component():
    scheme = e.Scheme(SCHEME.components, empty_component=e.AVERAGE)
    a, b, _c = worked_example_units()  # milestone credits 87.5% and 100%: mean 93.75%
    lone = e.UnitInput("X", "某局", indicators=(ind("I9", 1, 100, 40),))
    results = {r.score.code: r for r in e.score_units(scheme, [a, b, lone], Q2)}
    milestones = results["X"].score.components[1]
    assert milestones.filled["mode"] == e.AVERAGE and milestones.filled["units"] == 2
    assert milestones.score == D(30) * D("0.9375")
    # nobody has a milestone due: average falls back to prorate
    alone = e.score_units(scheme, [lone], Q2)[0].score.components[1]
    assert alone.filled["mode"] == e.PRORATE and alone.score == D(12)  # 40% of 30


def test_an_appeal_on_an_indicator_does_not_move_the_filled_component():
    unit = e.UnitInput(
        "X", "某局", indicators=(ind("I1", 1, 100, 50),),
        adjustments=(e.Adjustment("appeal:1", "IND", D(50)),),
    )  # fmt: skip
    result = e.score_units(SCHEME, [unit], Q2)[0]
    assert [c.score for c in result.score.components] == [D(50), D(15), D(20)]


def test_completion_after_cutoff_counts_as_open():
    unit = e.UnitInput(
        "X", "某镇", milestones=(e.Milestone("M", dt.date(2026, 6, 1), dt.date(2026, 7, 8)),)
    )
    assert e.score_units(SCHEME, [unit], Q2)[0].score.components[1].score == 0


def test_ties_share_a_rank_and_share_cap_demotes_ties_together():
    scheme = e.Scheme(SCHEME.components, excellent_share=D("0.5"))
    full = (ind("I", 1, 100, 100),)
    units = [
        e.UnitInput("U1", "一", full, deductions=(e.Item("d", D(1)),)),
        e.UnitInput("U2", "二", full, deductions=(e.Item("d", D(5)),)),
        e.UnitInput("U3", "三", full, deductions=(e.Item("d", D(5)),)),
        e.UnitInput("U4", "四", full, deductions=(e.Item("d", D(30)),)),
        e.UnitInput("U5", "五"),  # nothing to assess: not in the n of the share cap
    ]
    results = e.score_units(scheme, units, Q2)
    assert [(r.score.code, r.rank, r.grade) for r in results] == [
        ("U1", 1, "优秀"), ("U2", 2, "良好"), ("U3", 2, "良好"), ("U4", 4, "合格"),
        ("U5", None, ""),
    ]  # fmt: skip


money = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
day_in_2026 = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def unit_inputs(draw, code):
    indicators = tuple(
        e.Indicator(
            f"I{i}",
            draw(st.decimals(min_value="0.1", max_value=5, places=1)),
            draw(st.sampled_from([e.POSITIVE, e.NEGATIVE])),
            draw(st.decimals(min_value=-50, max_value=200, places=2)),
            draw(st.none() | money),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    milestones = tuple(
        e.Milestone(f"M{i}", draw(day_in_2026), draw(st.none() | day_in_2026))
        for i in range(draw(st.integers(0, 4)))
    )
    events = tuple(
        e.Event(f"E{i}", draw(st.sampled_from(list(e.SUPERVISION_PENALTY))), draw(day_in_2026))
        for i in range(draw(st.integers(0, 6)))
    )

    def items(prefix, most):
        count = draw(st.integers(0, 3))
        return tuple(
            e.Item(f"{prefix}{i}", draw(st.decimals(min_value=0, max_value=most, places=2)))
            for i in range(count)
        )

    return e.UnitInput(
        code,
        code,
        indicators,
        milestones,
        events,
        manual={"MAN": draw(money)},
        bonuses=items("B", 10),
        deductions=items("D", 40),
        vetoes=items("V", 0) if draw(st.booleans()) else (),
    )


PROPERTY_SCHEME = e.Scheme(
    components=(
        e.Component("IND", "指标", e.INDICATORS, D(40), e.LINEAR_FLOOR, D("0.6")),
        e.Component("MS", "节点", e.MILESTONES, D(20)),
        e.Component("SUP", "督办", e.SUPERVISION, D(20)),
        e.Component("MAN", "评议", e.MANUAL, D(20)),
    ),
    excellent_share=D("0.3"),
)


@st.composite
def categories(draw):
    count = draw(st.integers(1, 6))
    return [draw(unit_inputs(f"U{i}")) for i in range(count)]


@given(categories())
def test_properties(units):
    everyone = e.score_units(PROPERTY_SCHEME, units, Q2)
    cap = PROPERTY_SCHEME.bonus_cap
    for r in everyone:
        assert 0 <= r.score.total <= 100 + cap
        assert (r.rank is None) == (not r.score.assessed) == (r.grade == "")
    results = [r for r in everyone if r.rank is not None]
    assert everyone[: len(results)] == results  # the unranked follow the table
    # the ranking agrees with the rounded totals (veto units apart)
    for x in results:
        for y in results:
            if x.score.veto == y.score.veto:
                if x.score.shown_total > y.score.shown_total:
                    assert x.rank < y.rank
                if x.score.shown_total == y.score.shown_total:
                    assert x.rank == y.rank
            if y.score.veto and not x.score.veto:
                assert x.rank < y.rank
        if x.score.veto:
            assert x.grade == "不合格"
    assert e.score_units(PROPERTY_SCHEME, units, Q2) == everyone
    assert [r.rank for r in results] == sorted(r.rank for r in results)
    excellent = sum(1 for r in results if r.grade == "优秀")
    assert excellent <= int(PROPERTY_SCHEME.excellent_share * len(results))


def test_accepted_appeal_replaces_a_component_and_keeps_the_computed_score():
    a, b, c = worked_example_units()
    appealed = e.UnitInput(
        a.code,
        a.name,
        a.indicators,
        a.milestones,
        a.events,
        bonuses=a.bonuses,
        adjustments=(
            e.Adjustment("appeal:1", "MS", D(28), "第一次"),
            e.Adjustment("appeal:2", "MS", D(30), "节点延期经批准"),
        ),
    )
    results = {r.score.code: r for r in e.score_units(SCHEME, [appealed, b, c], Q2)}
    milestones = results["A"].score.components[1]
    assert milestones.score == D(30)  # the latest accepted appeal wins
    assert milestones.details[-1] == {
        "appeal": "appeal:2",
        "original": D("26.25"),
        "adjusted": D(30),
        "reason": "节点延期经批准",
    }
    assert results["A"].score.shown_total == D("94.67")
    assert results["B"].rank == 1 and results["A"].gap == D("3.33")


def test_units_without_inputs_are_scored_once_and_each_keeps_its_own_code_and_name():
    """A province's villages with nothing in the year: one computation shared, the results
    as if each had been scored alone (prorate and average, ranked or not)."""
    from ganchao.assessment.snapshot import unassessed_rows

    blanks = [e.UnitInput(f"V{i}", f"{i}村") for i in range(3)]
    for scheme in (SCHEME, e.Scheme(SCHEME.components, empty_component=e.AVERAGE)):
        results = e.score_units(scheme, worked_example_units() + blanks, Q2)
        unranked = [r for r in results if r.rank is None]
        assert [(r.score.code, r.score.name) for r in unranked] == [
            ("V0", "0村"), ("V1", "1村"), ("V2", "2村"),
        ]  # fmt: skip
        for r, unit in zip(unranked, blanks, strict=True):
            assert r.score == e.score_unit(scheme, unit, Q2)
        rows = unassessed_rows(unranked, {"V1": ["李四"]})
        assert [(row["unit_code"], row["unit"], row["leaders"]) for row in rows] == [
            ("V0", "0村", []), ("V1", "1村", ["李四"]), ("V2", "2村", []),
        ]  # fmt: skip
        assert rows[0]["components"] == rows[2]["components"]
        rows[0]["components"][2]["details"].append({"ref": "x"})  # rows share nothing mutable
        assert rows[2]["components"][2]["details"] == []
    # a scheme without work components ranks them all, tied on the supervision points
    only_supervision = e.Scheme((e.Component("SUP", "督办情况", e.SUPERVISION, D(100)),))
    ranked = e.score_units(only_supervision, blanks, Q2)
    assert [(r.score.code, r.rank, r.score.shown_total) for r in ranked] == [
        ("V0", 1, D("100.00")), ("V1", 1, D("100.00")), ("V2", 1, D("100.00")),
    ]  # fmt: skip
