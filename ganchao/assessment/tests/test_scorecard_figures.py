"""A scorecard's 序时目标 and 实际完成 never round a shortfall into a match: 0.83 起 against 1 起
is not "1 起 / 1 起" beside a 完成率 of 74.79% (东城街道's 6.1.2 on the demo)."""

from ganchao.assessment.scorecard import _indicator

LINKS = {"items": {}, "units": {7: "起"}, "places": {7: 0}, "reports": {}}


def detail(expected, actual):
    return {
        "ref": "6.1.2 生产安全事故起数",
        "key": "assignment:7",
        "weight": "1",
        "expected": expected,
        "actual": actual,
        "c": "0.7479",
        "credit": "0.7479",
        "score": "0.72",
    }


def test_a_shortfall_that_rounds_away_shows_two_places():
    row = _indicator(detail("0.8329", "1"), LINKS)
    assert (row["expected"], row["actual"], row["unit"]) == ("0.83", "1", "起")


def test_figures_that_differ_when_rounded_keep_the_items_precision():
    row = _indicator(detail("407.1739", "318"), LINKS)
    assert (row["expected"], row["actual"]) == ("407", "318")
