# ruff: noqa: F811 — the fixture `people` is imported by name
"""Nothing to assess is not full marks, and a scheme names its participants (DESIGN.md 3.10,
changed; issue 9 item 1), from the database to every page, export and API answer.

Beside the worked example's three towns: 丁镇 has neither an indicator nor a milestone due in
2026-Q2 (本期无考核内容), 戊镇 has only milestones (one on time, one late: 75%), and 督查镇 — the
assessing office standing in the category — meets its one indicator in full."""

import datetime as dt
import io
import json
from decimal import Decimal as D

import pytest
from django.db import transaction
from openpyxl import load_workbook

from ganchao.assessment import selectors, services, services_inputs
from ganchao.assessment.bulletin import bulletin_context
from ganchao.assessment.models import BulletinIssue, Result, Scheme, ScoreItem
from ganchao.assessment.periods import parse
from ganchao.assessment.services_bulletins import bulletin_generate
from ganchao.assessment.tests.conftest import COMPONENTS
from ganchao.assessment.tests.league_support import people  # noqa: F401
from ganchao.cli import main
from ganchao.common.errors import ValidationFailed
from ganchao.conftest import make_unit, make_user
from ganchao.goals.models import Assignment, Milestone, MilestoneCompletion
from ganchao.orgs.choices import Role, UnitType

Q2 = parse("2026-Q2", "quarter")
LEAGUE = "/assessment/league/"
CARD = "/assessment/scorecards/TOWNS/2026-Q2/"
API = "/api/v1/assessment/schemes/TOWNS/results/2026-Q2"


@pytest.fixture
def towns(scenario):
    root = scenario.a.parent
    category = scenario.category
    scenario.d = make_unit("丁镇", UnitType.TOWN, root, code="T04", category=category)
    scenario.e = make_unit("戊镇", UnitType.TOWN, root, code="T05", category=category)
    scenario.x = make_unit("督查镇", UnitType.TOWN, root, code="T06", category=category)
    task = scenario.item("8", "task", frequency="monthly")
    assignment = Assignment.objects.create(item=task, unit=scenario.e, role="lead")
    report = scenario.report(assignment, period="2026-06", end=dt.date(2026, 6, 30))
    for position, (due, done) in enumerate(
        [(dt.date(2026, 5, 1), dt.date(2026, 4, 30)), (dt.date(2026, 6, 1), dt.date(2026, 6, 9))],
        start=1,
    ):
        milestone = Milestone.objects.create(
            item=task, position=position, due_date=due, description=f"戊镇节点{position}"
        )
        MilestoneCompletion.objects.create(report=report, milestone=milestone, completed_on=done)
    item = scenario.item("9", "indicator", nature="level", frequency="quarterly", target=10)
    scenario.report(Assignment.objects.create(item=item, unit=scenario.x, role="lead"), D(10))
    return scenario


def new_version(scenario, **changes) -> Scheme:
    with transaction.atomic():
        return services.scheme_create(
            actor=None, code="TOWNS", name="乡镇季度考核", category=scenario.category,
            period_type="quarter", components=COMPONENTS, **changes,
        )  # fmt: skip


def excluding_the_office(scenario) -> Scheme:
    scheme = new_version(scenario, excluded_units=["T06"])
    scenario.scheme = scheme
    return scheme


def publish(scheme):
    with transaction.atomic():
        return services.result_publish(actor=None, scheme=scheme, period="2026-Q2")[0]


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


# ---- the engine's rule from the database ---------------------------------------------------


def test_a_unit_without_indicators_is_filled_at_its_milestone_rate(towns):
    draft = selectors.draft_outcome(towns.scheme, Q2)
    e = by_code(draft.rows)["T05"]
    indicators, milestones, _supervision = e["components"]
    assert milestones["score"] == "22.50" and "filled" not in milestones  # 30 × 1.5 / 2
    assert indicators["score"] == "37.50"  # 75% of 50
    assert indicators["filled"]["mode"] == "prorate"
    assert D(indicators["filled"]["rate"]) == D("0.75")
    assert e["total"] == "80.00" and e["rank"] is not None


def test_a_unit_with_neither_is_not_ranked_and_takes_no_place(towns):
    draft = selectors.draft_outcome(towns.scheme, Q2)
    assert "T04" not in by_code(draft.rows)
    assert [row["unit_code"] for row in draft.unassessed] == ["T04"]
    assert "rank" not in draft.unassessed[0] and "grade" not in draft.unassessed[0]
    ranks = sorted(row["rank"] for row in draft.rows)
    assert ranks[0] == 1 and len(draft.rows) == 5  # A, B, C, 戊镇 and 督查镇
    first = max(D(row["total"]) for row in draft.rows if not row["veto"])
    assert all(D(row["gap"]) == first - D(row["total"]) for row in draft.rows if not row["veto"])


def test_league_scorecard_and_api_say_本期无考核内容(towns, login, people):
    publish(towns.scheme)
    client = login(people.office)
    body = client.get(LEAGUE, {"scheme": "TOWNS", "period": "2026-Q2"}).content.decode()
    table, under = body.split('id="league-unassessed"')
    assert "丁镇" not in table and "丁镇" in under and "本期无考核内容" in under
    card = client.get(f"{CARD}T04/").content.decode()
    assert 'id="scorecard-unassessed"' in card and "不参加本期排名" in card
    assert 'id="scorecard-rank"' not in card
    assert "近几期均无考核内容" in card and 'id="trend-table"' not in card  # no empty table
    period_page = client.get("/assessment/schemes/TOWNS/periods/2026-Q2/").content.decode()
    rows, under = period_page.split('id="draft-unassessed"')
    assert "丁镇" not in rows.split('id="draft-rows"')[1] and "丁镇" in under
    api = client.get(API).json()
    assert "T04" not in {row["unit_code"] for row in api["items"]}
    assert api["unassessed"] == [{"unit_code": "T04", "unit": "丁镇"}] and api["count"] == 5
    missing = client.get(f"{API}/units/T04")
    assert missing.status_code == 404 and "丁镇本期无考核内容" in missing.json()["message"]


def test_a_scorecard_says_which_component_was_filled_and_how(towns, login, people):
    publish(towns.scheme)
    card = login(people.office).get(f"{CARD}T05/").content.decode()
    assert "本期无考核指标，按其他考核项得分率 75.00% 折算为 37.50 分" in card
    assert "本单位其他有考核内容的工作类考核项得分合计 22.50 ÷ 其分值合计 30.00" in card
    c = login(people.office).get(f"{CARD}T03/").content.decode()
    assert "本期无到期节点，按其他考核项得分率 50.00% 折算为 15.00 分" in c
    sheet = login(people.office).get(
        "/assessment/league/breakdown.xlsx", {"scheme": "TOWNS", "period": "2026-Q2"}
    )
    cells = [c.value for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows()
             for c in row]  # fmt: skip
    assert "本期无考核指标，按其他考核项得分率 75.00% 折算为 37.50 分" in cells


def test_average_mode_fills_at_the_categorys_mean_credit(towns, login, people):
    scheme = new_version(towns, empty_component="average")
    rows = by_code(selectors.draft_outcome(scheme, Q2).rows)
    # indicator credits where indicators apply: A 14/15, B 1, C 0.5, 督查镇 1 → mean 0.858…
    mean = (D(14) / 15 + 1 + D("0.5") + 1) / 4
    filled = rows["T05"]["components"][0]
    assert filled["filled"]["mode"] == "average" and filled["filled"]["units"] == 4
    assert D(filled["score_exact"]) == D(50) * mean
    publish(scheme)
    card = login(people.office).get(f"{CARD}T05/").content.decode()
    assert "本期无考核指标，按同类单位平均得分率 85.83% 折算为 42.92 分" in card


# ---- participants --------------------------------------------------------------------------


def test_an_excluded_unit_appears_nowhere(towns, login, people, capsys, settings, tmp_path):
    assert "T06" in by_code(selectors.draft_outcome(towns.scheme, Q2).rows)  # before
    result = publish(excluding_the_office(towns))
    assert "T06" not in {row["unit_code"] for row in result.snapshot + result.unassessed}
    client = login(people.office)
    query = {"scheme": "TOWNS", "period": "2026-Q2"}
    assert "督查镇" not in client.get(LEAGUE, query).content.decode()
    assert "督查镇" not in client.get(LEAGUE, query | {"draft": "1"}).content.decode()
    assert client.get(f"{CARD}T06/").status_code == 404
    mine = login(make_user("x_liaison", towns.x, Role.LIAISON)).get("/assessment/my/")
    assert mine.status_code == 200 and "不参加本类别的考核方案" in mine.content.decode()
    client = login(people.office)
    api = client.get(API).json()
    assert "T06" not in {row["unit_code"] for row in api["items"] + api["unassessed"]}
    assert client.get(f"{API}/units/T06").status_code == 404
    for name in ("ranking_xlsx", "breakdown_xlsx"):
        book = load_workbook(io.BytesIO(client.get(f"/assessment/league/{name[:-5]}.xlsx", query)
                                        .content))  # fmt: skip
        cells = [c.value for row in book.active.iter_rows() for c in row]
        assert "督查镇" not in cells and "T06" not in cells
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "json"]) == 0
    assert "T06" not in {row["unit_code"] for row in json.loads(capsys.readouterr().out)}
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "csv"]) == 0
    assert "督查镇" not in capsys.readouterr().out
    settings.MEDIA_ROOT = tmp_path
    issue = bulletin_generate(actor=None, scheme_code="TOWNS", period="2026-Q2").issue
    context = bulletin_context(BulletinIssue.objects.get(pk=issue.pk))
    assert "督查镇" not in json.dumps(context, ensure_ascii=False, default=str)
    assert "丁镇本期没有考核指标和到期节点，不参加排名。" in context["summary"]


def test_ranking_json_and_csv_omit_unranked_units_and_xlsx_lists_them_under(
    towns, login, people, capsys, tmp_path
):
    assert main(["score", "--scheme", "TOWNS", "--period", "2026-Q2"]) == 0
    assert "—\tT04\t丁镇\t—\t本期无考核内容" in capsys.readouterr().out
    publish(towns.scheme)
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "json"]) == 0
    ranking = json.loads(capsys.readouterr().out)
    assert "T04" not in {row["unit_code"] for row in ranking}
    assert all(isinstance(row["rank"], int) for row in ranking)
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "csv"]) == 0
    assert "丁镇" not in capsys.readouterr().out
    query = {"scheme": "TOWNS", "period": "2026-Q2"}
    book = load_workbook(io.BytesIO(login(people.office).get(
        "/assessment/league/ranking.xlsx", query).content))  # fmt: skip
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    table_end = next(i for i, row in enumerate(rows) if not any(row))
    assert all("丁镇" not in row for row in rows[:table_end])
    under = [row for row in rows[table_end:] if "丁镇" in row]
    assert under and under[0][1] == "T04" and under[0][4] == "本期无考核内容"
    path = tmp_path / "ranking.xlsx"
    args = ["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "xlsx"]
    assert main([*args, "-o", str(path)]) == 0
    cells = [c.value for row in load_workbook(path).active.iter_rows() for c in row]
    assert "丁镇" in cells and "本期无考核内容" in cells


def test_new_versions_carry_the_participants_and_the_setting(towns):
    excluding_the_office(towns)
    scheme = new_version(towns, empty_component="average")
    assert list(scheme.excluded_units.values_list("code", flat=True)) == ["T06"]
    again = new_version(towns)
    assert again.empty_component == "average" and again.excluded_units.count() == 1
    cleared = new_version(towns, excluded_units=[])
    assert cleared.excluded_units.count() == 0


def test_an_excluded_unit_must_be_of_the_category_and_exist(towns):
    with pytest.raises(Exception) as caught:
        new_version(towns, excluded_units=["D90"])
    assert "不属于本方案的单位类别" in caught.value.message
    with pytest.raises(Exception) as caught:
        new_version(towns, empty_component="full")
    assert caught.value.errors[0].field == "empty_component"
    assert Scheme.objects.filter(code="TOWNS").count() == 1  # nothing saved


def test_no_item_or_manual_score_for_an_excluded_unit(towns, people):
    scheme = excluding_the_office(towns)
    with pytest.raises(ValidationFailed) as caught, transaction.atomic():
        services_inputs.score_item_register(
            actor=people.office, scheme=scheme, period="2026-Q2", unit=towns.x, kind="bonus",
            points=1, reason="表彰",
        )  # fmt: skip
    assert caught.value.message == "“督查镇”不参加本方案考核"
    assert not ScoreItem.objects.filter(unit=towns.x).exists()


def test_scheme_form_edits_the_participants_and_the_setting(towns, login, people):
    client = login(people.office)
    page = client.get("/assessment/schemes/TOWNS/new-version/").content.decode()
    assert "不参加本方案考核的单位" in page and "按同类单位该项平均得分率折算" in page
    data = {
        "name": "乡镇季度考核", "excellent_threshold": "90", "good_threshold": "80",
        "pass_threshold": "60", "bonus_cap": "5", "empty_component": "average",
        "excluded_units": [str(towns.x.pk)], "c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    for n, c in enumerate(COMPONENTS):
        data |= {f"c-{n}-{key}": str(value) for key, value in c.items()}
    response = client.post("/assessment/schemes/TOWNS/new-version/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = selectors.scheme_get("TOWNS")
    assert scheme.scheme_version == 2 and scheme.empty_component == "average"
    assert list(scheme.excluded_units.all()) == [towns.x]
    detail = client.get("/assessment/schemes/TOWNS/").content.decode()
    assert "督查镇" in detail and "按同类单位该项平均得分率折算" in detail


def test_scheme_api_reads_and_writes_the_participants(towns, login, people):
    client = login(people.office)
    payload = {
        "name": "乡镇季度考核", "based_on_version": 1, "empty_component": "average",
        "excluded_units": ["T06"], "components": [
            {key: str(value) for key, value in c.items()} for c in COMPONENTS
        ],
    }  # fmt: skip
    response = client.post(
        "/api/v1/assessment/schemes/TOWNS/versions", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["empty_component"], body["excluded_units"]) == ("average", ["T06"])
    bad = client.post(
        "/api/v1/assessment/schemes/TOWNS/versions",
        payload | {"based_on_version": 2, "excluded_units": ["D90"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "excluded_units"
    assert "不属于本方案的单位类别" in bad.json()["errors"][0]["message"]


# ---- published revisions stay as they were -------------------------------------------------


def test_a_unit_that_comes_to_have_nothing_to_assess_is_listed_as_such_in_the_changes(towns):
    first = publish(towns.scheme)
    Milestone.objects.filter(item__code="8").update(due_date=dt.date(2026, 8, 3))  # now in Q3
    with transaction.atomic():
        second, changes = services.result_publish(actor=None, scheme=towns.scheme, period="2026-Q2")
    assert {"unit_code": "T05", "unit": "戊镇", "field": "unassessed"} in changes
    assert second.unassessed[-1]["unit_code"] == "T05" and first.result_revision == 1


def test_a_revision_published_under_the_old_rule_stays_and_the_next_follows_the_new(
    towns, login, people
):
    first = publish(towns.scheme)
    old = [dict(row) for row in first.snapshot]
    c = next(row for row in old if row["unit_code"] == "T03")  # as the old rule had it
    c["components"][1] = {**c["components"][1], "score": "30.00", "score_exact": "30"}
    c["components"][1].pop("filled")
    c["total"] = "72.00"
    Result.objects.filter(pk=first.pk).update(snapshot=old, unassessed=[])
    card = login(people.office).get(f"{CARD}T03/").content.decode()
    assert "72.00" in card and "本期无考核内容，按当时的规则计满分 30.00" in card
    with transaction.atomic():
        second, changes = services.result_publish(actor=None, scheme=towns.scheme, period="2026-Q2")
    assert second.result_revision == 2
    assert {"unit_code": "T03", "unit": "丙镇", "field": "total", "before": "72.00",
            "after": "57.00"} in changes  # fmt: skip
    assert Result.objects.get(pk=first.pk).snapshot == old  # never edited
