"""League selectors: rank change against the previous published period, the rank trend over
periods, the scorecard rows with their links, and the .xlsx downloads' layouts."""

import io

from openpyxl import load_workbook

from ganchao.assessment import exports, league, periods
from ganchao.assessment.periods import parse
from ganchao.assessment.scorecard import scorecard
from ganchao.assessment.tests.league_support import people, quarters  # noqa: F401

Q = {code: parse(code, "quarter") for code in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")}


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


def test_rank_change_words_and_arrows():
    assert league.rank_change(1, 3, True)["text"] == "↑2"
    assert league.rank_change(1, 3, True)["label"] == "较上期上升2位"
    assert league.rank_change(4, 3, True)["text"] == "↓1"
    assert league.rank_change(2, 2, True)["kind"] == "same"
    assert league.rank_change(2, None, True)["text"] == "新"
    assert league.rank_change(2, 2, False)["kind"] == "new"


def test_sparkline_puts_rank_one_on_top():
    spark = league.sparkline([3, 1], worst=3)
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in spark["points"].split())
    assert x1 < x2 and y1 > y2
    assert spark["label"] == "近2期排名：3、1"
    assert league.sparkline([None, 2], worst=2)["label"] == "近2期排名：—、2"


def test_period_labels():
    assert periods.period_label("2026-Q2") == "2026年第二季度"
    assert periods.period_label("2026-05") == "2026年5月"
    assert periods.period_label("2026") == "2026年"


def test_rank_change_and_trend_across_three_published_periods(scenario, quarters):  # noqa: F811
    q3 = league.standing(scenario.scheme, Q["2026-Q3"], draft=False)
    assert q3.earlier == ["2026-Q1", "2026-Q2"] and q3.previous == "2026-Q2"
    rows = by_code(league.league_rows(q3))
    # Q3 has no report yet: every indicator credit is 0, and the milestones of A and B (none
    # due) are filled at that rate of 0 instead of full marks, so the three tie (3.10)
    assert [rows[c]["rank"] for c in ("T01", "T02", "T03")] == [1, 1, 1]
    assert rows["T01"]["change"]["text"] == "↑1"  # 2 in Q2 → 1 in Q3
    assert rows["T02"]["change"]["kind"] == "same"
    assert rows["T01"]["spark"]["label"] == "近3期排名：1、2、1"
    assert rows["T03"]["spark"]["label"] == "近3期排名：3、3、1"
    q2 = by_code(league.league_rows(league.standing(scenario.scheme, Q["2026-Q2"], draft=False)))
    assert q2["T01"]["change"]["text"] == "↓1" and q2["T01"]["gap"] == "7.08"
    q1 = by_code(league.league_rows(league.standing(scenario.scheme, Q["2026-Q1"], draft=False)))
    assert {row["change"]["text"] for row in q1.values()} == {"新"}


def test_draft_compares_with_the_latest_published_period_before_it(scenario, quarters):  # noqa: F811
    data = league.standing(scenario.scheme, Q["2026-Q4"], draft=True)
    assert data.result is None and data.previous == "2026-Q3"
    rows = by_code(league.league_rows(data))
    assert rows["T01"]["spark"]["label"].startswith("近4期排名：1、2、1、")


def test_unpublished_period_is_not_found(scenario, quarters):  # noqa: F811
    import pytest

    from ganchao.common.errors import NotFound

    with pytest.raises(NotFound):
        league.standing(scenario.scheme, Q["2026-Q4"], draft=False)


def test_scorecard_links_every_point(scenario, quarters):  # noqa: F811
    card = scorecard(league.standing(scenario.scheme, Q["2026-Q2"], draft=False), "T01")
    assert (card["total"], card["rank"], card["gap"], card["grade"]) == ("90.92", 2, "7.08", "优秀")
    assert [t["rank"] for t in card["trend"]] == [1, 2]
    ind, ms, sup = card["components"]
    assert ind["score"] == "46.67" and ind["method"] == "按完成率"
    assert ind["details"][0]["url"].startswith("/goals/items/")
    assert ind["details"][0]["url"].endswith("#reports")
    assert ind["details"][0]["c"] == "100.00%" and ind["details"][1]["c"] == "80.00%"
    assert ms["formula"] == "30.00 × 节点得分合计 3.5 ÷ 4 个到期节点 = 26.25"
    assert [d["state"] for d in ms["details"]].count("逾期完成") == 1
    assert [d["label"] for d in sup["details"]] == ["催办", "督办单"]
    assert sup["details"][0]["url"].startswith("/supervision/alerts/")
    assert sup["details"][1]["url"].startswith("/ladder/notices/")
    assert card["items"] == [
        {"kind": "bonus", "label": "加分", "points": "1", "reason": "省级表彰"}
    ]
    c = scorecard(league.standing(scenario.scheme, Q["2026-Q2"], draft=False), "T03")
    bulletin = c["components"][2]["details"][0]
    assert bulletin["label"] == "通报" and bulletin["url"].startswith("/ladder/notices/")
    assert c["veto"] and [i["kind"] for i in c["items"]] == ["veto"]


def test_breakdown_xlsx_has_one_row_per_detail(scenario, quarters):  # noqa: F811
    rows = league.standing(scenario.scheme, Q["2026-Q2"], draft=False).rows
    book = load_workbook(io.BytesIO(exports.breakdown_xlsx(rows, "得分明细")))
    sheet = book.active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:7] == ("排名", "单位编码", "单位", "总分", "组成项", "分值", "组成项得分")
    a_lines = [line for line in lines[1:] if line[1] == "T01"]
    # 2 indicators + 4 milestones + 2 supervision events + the bonus line
    assert len(a_lines) == 9
    assert {"1 事项1", "2 事项2", "催办", "督办单"} <= {line[7] for line in a_lines}
    assert any(line[4] == "加分" and line[6] == 1 for line in a_lines)


def test_scorecard_gives_units_of_measure_and_fixed_methods(scenario, quarters):  # noqa: F811
    from ganchao.goals.models import Item

    Item.objects.filter(plan=scenario.plan, code="1").update(measure_unit="亿元")
    card = scorecard(league.standing(scenario.scheme, Q["2026-Q2"], draft=False), "T01")
    ind, ms, sup = card["components"]
    assert [d["unit"] for d in ind["details"]] == ["亿元", ""]
    assert ms["method"] == "按期完成计1、逾期完成计0.5、未完成计0，按到期节点平均"
    assert sup["method"] == ("满分扣减：催办扣1分、督办单扣2分、通报扣3分、约谈扣5分，扣完为止")
