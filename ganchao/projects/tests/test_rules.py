"""The health rule apart from the database: 受阻 before 滞后 before 正常推进."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ganchao.projects.choices import Health
from ganchao.projects.rules import Dated, Month, judge

TODAY = dt.date(2026, 6, 15)


def months(*pairs):
    return [
        Month(dt.date(2026, i, 1), Decimal(p), None if a is None else Decimal(a))
        for i, (p, a) in enumerate(pairs, start=1)
    ]


def test_on_track_when_nothing_is_overdue_and_investment_keeps_pace():
    verdict = judge(
        today=TODAY,
        dated=[
            Dated("开工", dt.date(2026, 3, 1), True),
            Dated("竣工", dt.date(2026, 11, 30), False),
        ],
        months=months(("100", "90"), ("100", "80")),
    )
    assert verdict.health == Health.ON_TRACK
    assert verdict.ratio == Decimal("0.85")


def test_a_milestone_past_its_date_undone_lags():
    verdict = judge(today=TODAY, dated=[Dated("开工", dt.date(2026, 6, 14), False)], months=[])
    assert verdict.health == Health.LAGGING
    assert [d.label for d in verdict.overdue] == ["开工"]


def test_due_today_is_not_yet_overdue():
    verdict = judge(today=TODAY, dated=[Dated("用地", TODAY, False)], months=[])
    assert verdict.health == Health.ON_TRACK


def test_investment_below_eighty_percent_of_the_months_over_lags():
    # Jan–May are over (today is in June): plan 500, actual 399 < 400
    verdict = judge(
        today=TODAY,
        dated=[],
        months=months(
            ("100", "100"),
            ("100", "100"),
            ("100", "99"),
            ("100", "100"),
            ("100", None),
            ("100", "0"),
        ),
    )
    assert verdict.plan_to_date == Decimal(500)
    assert verdict.actual_to_date == Decimal(399)
    assert verdict.investment_behind and verdict.health == Health.LAGGING


def test_exactly_eighty_percent_is_on_track_and_the_current_month_does_not_count():
    verdict = judge(
        today=TODAY, dated=[], months=months(("100", "80"), *[("0", None)] * 4, ("900", "0"))
    )
    assert verdict.health == Health.ON_TRACK


def test_the_ratio_is_a_setting():
    verdict = judge(today=TODAY, dated=[], months=months(("100", "85")), ratio=Decimal("0.9"))
    assert verdict.health == Health.LAGGING


def test_a_blocking_problem_wins_over_everything():
    verdict = judge(
        today=TODAY,
        dated=[Dated("开工", dt.date(2026, 1, 1), False)],
        months=[],
        blocking=[{"pk": 1, "number": "WT202600001"}],
    )
    assert verdict.health == Health.BLOCKED


@given(
    plans=st.lists(st.integers(0, 10_000), min_size=1, max_size=12),
    share=st.integers(0, 150),
)
def test_lagging_on_investment_iff_actual_below_ratio_of_plan(plans, share):
    rows = [
        Month(dt.date(2026, i, 1), Decimal(p), Decimal(p) * share / 100)
        for i, p in enumerate(plans, start=1)
    ]
    verdict = judge(today=dt.date(2027, 1, 5), dated=[], months=rows)
    total = sum(plans)
    assert verdict.investment_behind == (total > 0 and share < 80)
