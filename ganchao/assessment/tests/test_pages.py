# ruff: noqa: F811 — the fixtures `people` and `quarters` are imported by name
"""Pages of 比着干: who sees what (404 outside one's reach), friendly messages for bad query
parameters, the .xlsx downloads, scorecards and "我的考核"."""

import io
from decimal import Decimal as D

import pytest
from django.db import transaction
from openpyxl import load_workbook

from ganchao.assessment import services
from ganchao.assessment.tests.league_support import people, quarters  # noqa: F401

LEAGUE = "/assessment/league/"
Q2 = "/assessment/scorecards/TOWNS/2026-Q2/"


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("who", ["office", "leader", "liaison_a"])
def test_league_renders_the_latest_published_period(login, people, quarters, who):
    response = login(getattr(people, who)).get(LEAGUE)
    assert response.status_code == 200
    body = text(response)
    assert "乡镇季度考核 · 2026年第三季度" in body
    assert "较上期上升1位" in body and "近3期排名：1、2、1" in body
    assert "相加可能与总分相差" in body


def test_league_shows_gap_grade_words_and_veto(login, people, quarters):
    body = text(login(people.office).get(LEAGUE, {"scheme": "TOWNS", "period": "2026-Q2"}))
    assert "90.92" in body and "7.08" in body and "优秀" in body and "一票否决" in body
    assert f"{Q2}T01/" in body


def test_league_links_only_the_units_a_liaison_may_open(login, people, quarters):
    body = text(login(people.liaison_a).get(LEAGUE))
    assert "/assessment/scorecards/TOWNS/2026-Q3/T01/" in body
    assert "/assessment/scorecards/TOWNS/2026-Q3/T02/" not in body


def test_league_is_not_for_anonymous_or_the_auditor(client, login, people, quarters):
    assert client.get(LEAGUE).status_code == 302
    assert login(people.auditor).get(LEAGUE).status_code == 404


def test_drafts_are_for_office_and_leaders_only(login, people, quarters):
    params = {"scheme": "TOWNS", "period": "2026-Q4", "draft": "1"}
    assert "按当前数据实时计算" in text(login(people.leader).get(LEAGUE, params))
    body = text(login(people.liaison_a).get(LEAGUE, params))
    assert "按当前数据实时计算" not in body and "该期间尚无已发布的考核结果" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"scheme": "TOWNS", "period": "2026-13"}, "考核期间“2026-13”与方案的考核周期（季度）不符"),
        ({"scheme": "NOPE"}, "未找到考核方案“NOPE”"),
        ({"scheme": "TOWNS", "period": "2027-Q1"}, "该期间尚无已发布的考核结果"),
    ],
)
def test_bad_parameters_get_a_message_not_an_error(login, people, quarters, params, message):
    response = login(people.office).get(LEAGUE, params)
    assert response.status_code == 200 and message in text(response)


def test_empty_league_says_what_to_do_next(login, people):
    assert "前往考核方案" in text(login(people.office).get(LEAGUE))


def test_xlsx_downloads_open_and_hold_the_rows(login, people, quarters):
    client = login(people.liaison_a)
    params = {"scheme": "TOWNS", "period": "2026-Q2"}
    ranking = client.get("/assessment/league/ranking.xlsx", params)
    assert ranking.status_code == 200
    lines = list(load_workbook(io.BytesIO(ranking.content)).active.iter_rows(values_only=True))
    assert lines[0][:6] == ("排名", "单位编码", "单位", "总分", "等次", "一票否决")
    assert [line[2] for line in lines[1:]] == ["乙镇", "甲镇", "丙镇"]
    breakdown = client.get("/assessment/league/breakdown.xlsx", params)
    sheet = load_workbook(io.BytesIO(breakdown.content)).active
    units = {line[1] for line in sheet.iter_rows(min_row=2, values_only=True)}
    assert units == {"T01"}  # details only of the liaison's own unit; the ranking has all
    office = login(people.office).get("/assessment/league/breakdown.xlsx", params)
    sheet = load_workbook(io.BytesIO(office.content)).active
    assert sheet.max_row > 10 and sheet["B2"].value == "T02"
    assert client.get("/assessment/league/ranking.xlsx", {"scheme": "NOPE"}).status_code == 404


def test_scorecard_drills_down_for_office_and_own_unit(login, people, quarters):
    body = text(login(people.office).get(f"{Q2}T01/"))
    assert "甲镇 考核得分卡" in body and "30.00 × 节点得分合计 3.5 ÷ 4 个到期节点 = 26.25" in body
    assert "/goals/items/" in body and "/ladder/notices/" in body and "省级表彰" in body
    assert "trend-data" in body and "trend-table" in body
    assert "对本项提出申诉" not in body  # the office judges appeals, it does not make them
    liaison = login(people.liaison_a)
    own = text(liaison.get(f"{Q2}T01/"))
    assert "对本项提出申诉" in own and "result=" in own and "component=IND" in own
    assert liaison.get(f"{Q2}T02/").status_code == 404
    assert liaison.get(f"{Q2}T01/?draft=1").status_code == 404
    assert liaison.get(f"{Q2}NOPE/").status_code == 404


def test_scorecard_draft_for_leader(login, people, quarters):
    response = login(people.leader).get("/assessment/scorecards/TOWNS/2026-Q4/T03/?draft=1")
    assert response.status_code == 200 and "尚未发布" in text(response)
    assert "对本项提出申诉" not in text(response)


def test_my_scorecard(login, people, quarters):
    response = login(people.liaison_a).get("/assessment/my/")
    assert response.status_code == 302
    assert response["Location"] == "/assessment/scorecards/TOWNS/2026-Q3/T01/"
    assert "尚未归入考核类别" in text(login(people.office).get("/assessment/my/"))


def test_published_scorecard_lists_the_items_frozen_with_it(login, people, quarters, scenario):
    with transaction.atomic():
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.a, kind="bonus",
            points=2, reason="事后登记的表彰", approved=True,
        )  # fmt: skip
    body = text(login(people.office).get(f"{Q2}T01/"))
    assert "省级表彰" in body and "事后登记的表彰" not in body
    draft = text(login(people.office).get(f"{Q2}T01/?draft=1"))
    assert "事后登记的表彰" in draft


def test_league_pages_and_finds_units_keeping_category_ranks(login, people, quarters, monkeypatch):
    monkeypatch.setattr("ganchao.assessment.views.LEAGUE_PAGE", 2)
    client = login(people.office)
    params = {"scheme": "TOWNS", "period": "2026-Q2"}
    first = text(client.get(LEAGUE, params))
    assert "乙镇" in first and "甲镇" in first and "丙镇" not in first and "1 / 2" in first
    second = text(client.get(LEAGUE, {**params, "page": 2}))
    assert "丙镇" in second and "乙镇" not in second
    found = text(client.get(LEAGUE, {**params, "q": "甲"}))
    assert "甲镇" in found and "乙镇" not in found and "90.92" in found
    none = text(client.get(LEAGUE, {**params, "q": "不存在"}))
    assert "没有名称或编码包含“不存在”的单位" in none


@pytest.mark.parametrize(
    "url",
    [
        "/assessment/league/?scheme=TOWNS&period=0000-Q2",
        "/assessment/league/?scheme=TOWNS&period=9999-Q2&draft=1",
        "/assessment/scorecards/TOWNS/0000-Q2/T01/",
        "/assessment/schemes/TOWNS/periods/9999-Q4/",
        "/assessment/schemes/TOWNS/?version=%C2%B2",
        "/assessment/benchmarks/?year=%C2%B2",
        "/api/v1/assessment/schemes/TOWNS/results/0000-Q2",
    ],
)
def test_odd_periods_and_digits_never_fail(login, people, quarters, url):
    assert login(people.office).get(url).status_code in (200, 302, 404, 422)


def test_publishing_a_running_period_needs_confirmation(login, people, scenario):
    from django.utils import timezone

    from ganchao.assessment.models import Result
    from ganchao.assessment.periods import parse

    today = timezone.localdate()
    current = parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}", "quarter")
    url = f"/assessment/schemes/TOWNS/periods/{current.code}/"
    client = login(people.office)
    page = text(client.get(url))
    assert "才结束：尚未到期的节点按未完成计" in page and "确认提前发布" in page
    refused = client.post(f"{url}publish/", follow=True)
    assert "如确需提前发布" in text(refused) and not Result.objects.filter(period=current.code)
    client.post(f"{url}publish/", {"early": "1"})
    assert Result.objects.filter(period=current.code, result_revision=1).exists()


def test_public_page_says_when_a_corrected_revision_replaced_the_first(
    client,
    login,
    people,
    quarters,
    scenario,
):
    from ganchao.assessment import release_services

    with transaction.atomic():
        release_services.result_release(actor=people.office, scheme_code="TOWNS", period="2026-Q2")
    url = "/assessment/public/TOWNS/2026-Q2/"
    assert "更正发布" not in text(client.get(url))
    with transaction.atomic():
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.b,
            kind="deduction", points=1, reason="迟报", approved=True,
        )  # fmt: skip
        services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    client.logout()
    page = text(client.get(url))
    assert "第2版结果" in page and "更正发布" in page and "97.00" in page


def test_a_liaison_lands_on_their_own_category_with_their_row_marked(
    login, people, quarters, scenario
):
    from ganchao.assessment.tests.conftest import COMPONENTS
    from ganchao.conftest import make_unit
    from ganchao.orgs.choices import UnitType
    from ganchao.orgs.models import UnitCategory

    depts = UnitCategory.objects.create(code="DEPT", name="部门")
    make_unit("财政局", UnitType.DEPARTMENT, scenario.a.parent, code="D01", category=depts)
    with transaction.atomic():
        other = services.scheme_create(
            actor=None, code="DEPTS", name="部门季度考核", category=depts,
            period_type="quarter", components=COMPONENTS,
        )  # fmt: skip
        services.result_publish(actor=None, scheme=other, period="2026-Q3")  # published last
    assert "部门季度考核" in text(login(people.office).get(LEAGUE)).split("</h2>")[0]
    own = text(login(people.liaison_a).get(LEAGUE))
    assert "乡镇季度考核 · 2026年第三季度" in own
    assert 'gc-own" aria-current="true"' in own


def test_scorecard_shows_units_of_measure_and_node_credits(login, people, quarters, scenario):
    from ganchao.goals.models import Item

    Item.objects.filter(plan=scenario.plan, code="1").update(measure_unit="亿元")
    body = text(login(people.office).get(f"{Q2}T01/"))
    # the target for the period and the actual figure of 事项1 carry the unit, 事项2 none
    assert body.count('<span class="text-secondary">亿元</span>') == 2
    assert "节点得分合计 3.5" in body
    assert "满分扣减：催办扣1分、督办单扣2分、通报扣3分、约谈扣5分，扣完为止" in body


def test_a_unit_beyond_the_excellent_quota_is_told_why_it_is_good(login, people, scenario):
    scenario.scheme.excellent_share = D("0.34")  # floor(0.34 × 3) = 1 优秀: B only
    scenario.scheme.save(update_fields=["excellent_share"])
    with transaction.atomic():
        services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    body = text(login(people.office).get(f"{Q2}T01/"))
    assert "90.92" in body and "总分已达优秀分数线，因优秀名额（34%）所限评为良好" in body
    league_page = text(login(people.office).get(LEAGUE, {"scheme": "TOWNS", "period": "2026-Q2"}))
    assert "优秀等次名额不超过参评单位的34%" in league_page
    assert "因优秀名额" not in text(login(people.office).get(f"{Q2}T02/"))
