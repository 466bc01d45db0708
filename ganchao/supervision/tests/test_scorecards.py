"""Scorecards (督办记分卡): the figures on a small scripted set of matters with explicit moments,
where the time goes, who sees which rows, the API, and query counts that do not grow.

Office hours are the defaults (08:30–12:00, 14:00–17:30: 7 hours a day). The scripted June 2026:
- A: 西湖镇, received on time, answered substantively after 6 working hours;
- B: 东山镇, received a day late, never answered (overdue on 2026-06-10);
- C: 西湖镇, answered, completed, then reopened by the leader;
- E: 西湖镇 → 李庄村 → 李庄村一组, a chain of three hops.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ganchao.common.errors import NotFound
from ganchao.conftest import make_unit, make_user
from ganchao.orgs.choices import Role, UnitType
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_instruct
from ganchao.supervision.matter_steps import (
    matter_complete,
    matter_decide_extension,
    matter_forward,
    matter_receive,
    matter_reopen,
    matter_request_extension,
    matter_respond,
)
from ganchao.supervision.scorecards import Period, leader_scorecards, sort_rows, unit_scorecards

pytestmark = pytest.mark.django_db

SUBSTANTIVE = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"
JUNE = Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
NOW = "2026-06-10 09:30"
JUNE_QUERY = "?from=2026-06-01&to=2026-06-30"


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def instruct(city, unit, at, title="河道整治"):
    return matter_instruct(
        actor=city.leader_user,
        title=title,
        content="请抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(unit, "责任人"),
        at=moment(at),
    )


def receive(user, matter, at):
    matter_receive(actor=user, matter_id=matter.pk, at=moment(at))


def answer(user, matter, at, kind="progress"):
    matter_respond(actor=user, matter_id=matter.pk, kind=kind, text=SUBSTANTIVE, at=moment(at))


@pytest.fixture
def scripted(city):
    city.grid = make_unit("李庄村一组", UnitType.GRID, city.village_a, code="C10100101")
    city.grid_user = make_user("grid_liaison", city.grid, Role.LIAISON)
    # A: received within the day, answered 6 working hours after 交办
    a = instruct(city, city.town_a, "2026-06-01 09:00", "甲事项")
    receive(city.liaison_a, a, "2026-06-01 10:00")
    answer(city.liaison_a, a, "2026-06-01 17:00")
    # B: receipt due 06-02 09:00, received 06-03; response due 06-08 09:00, none yet
    b = instruct(city, city.town_b, "2026-06-01 09:00", "乙事项")
    receive(city.liaison_b, b, "2026-06-03 09:00")
    # C: final answer after 2 working hours, completed, reopened
    c = instruct(city, city.town_a, "2026-06-02 09:00", "丙事项")
    receive(city.liaison_a, c, "2026-06-02 09:30")
    answer(city.liaison_a, c, "2026-06-02 11:00", kind="final")
    matter_complete(actor=city.office, matter_id=c.pk, at=moment("2026-06-03 09:00"))
    matter_reopen(
        actor=city.leader_user,
        matter_id=c.pk,
        instruction="请补充长效机制",
        at=moment("2026-06-03 10:00"),
    )
    # E: town → village → grid
    e = instruct(city, city.town_a, "2026-06-04 09:00", "戊事项")
    receive(city.liaison_a, e, "2026-06-04 10:00")
    matter_forward(
        actor=city.liaison_a,
        matter_id=e.pk,
        to_unit=city.village_a,
        person="李主任",
        at=moment("2026-06-04 11:00"),
    )
    receive(city.village_a_user, e, "2026-06-04 14:00")
    matter_forward(
        actor=city.village_a_user,
        matter_id=e.pk,
        to_unit=city.grid,
        person="王组长",
        at=moment("2026-06-04 15:00"),
    )
    receive(city.grid_user, e, "2026-06-04 16:00")
    return city


def by_name(rows):
    return {r["name"]: r for r in rows}


# ---- figures -----------------------------------------------------------------------------------


def test_unit_figures(scripted):
    rows = unit_scorecards(actor=scripted.office, period=JUNE, now=moment(NOW))
    town_a = by_name(rows)["西湖镇"]
    assert (town_a["receipt_rate"], town_a["receipt_on_time"], town_a["receipt_counted"]) == (
        Decimal("100.0"),
        3,
        3,
    )
    # A and C answered in time; E is not yet due
    assert (town_a["response_rate"], town_a["response_counted"]) == (Decimal("100.0"), 2)
    assert town_a["median_response_hours"] == Decimal("4.0")  # 6 and 2 working hours
    assert town_a["overdue"] == 0
    assert town_a["reopens"] == 1
    assert town_a["matters"] == 3
    assert town_a["hops_per_matter"] == Decimal("1.7")  # 1 + 1 + 3 hops over 3 matters

    town_b = by_name(rows)["东山镇"]
    assert (town_b["receipt_rate"], town_b["receipt_counted"]) == (Decimal("0.0"), 1)
    assert (town_b["response_rate"], town_b["response_counted"]) == (Decimal("0.0"), 1)
    assert town_b["median_response_hours"] is None
    assert town_b["overdue"] == 1
    assert town_b["hops_per_matter"] == Decimal("1.0")

    village = by_name(rows)["李庄村"]
    # a forwarded unit answers to the town: counted for receipt, not for response
    assert (village["receipt_rate"], village["response_rate"]) == (Decimal("100.0"), None)
    assert village["hops_per_matter"] is None
    # worst first: the unit with an overdue matter leads
    assert rows[0]["name"] == "东山镇"


def test_where_time_goes(scripted):
    rows = by_name(unit_scorecards(actor=scripted.office, period=JUNE, now=moment(NOW)))
    # 西湖镇 held A 10:00→17:00 (5 h), C 09:30→11:00 (1.5 h), E 10:00→11:00 forwarded (1 h)
    assert rows["西湖镇"]["dwell_total_hours"] == Decimal("7.5")
    assert rows["西湖镇"]["dwell_median_hours"] == Decimal("1.5")
    assert rows["西湖镇"]["dwell_hops"] == 3
    # 东山镇 still holds B: 06-03 09:00 → 06-10 09:30 is 6.5 + 4 × 7 + 1 working hours
    assert rows["东山镇"]["dwell_total_hours"] == Decimal("35.5")
    assert rows["李庄村"]["dwell_total_hours"] == Decimal("1.0")
    # the grid holds E from 06-04 16:00: 1.5 + 7 + 7 + 7 + 1 hours
    assert rows["李庄村一组"]["dwell_total_hours"] == Decimal("23.5")


def test_leader_figures_and_areas(scripted):
    [row] = leader_scorecards(actor=scripted.office, period=JUNE, now=moment(NOW))
    assert row["name"] == "周明远"
    assert row["matters"] == 4
    assert (row["receipt_on_time"], row["receipt_counted"]) == (5, 6)
    assert row["receipt_rate"] == Decimal("83.3")
    assert (row["response_on_time"], row["response_counted"]) == (2, 3)
    assert row["median_response_hours"] == Decimal("4.0")
    assert (row["overdue"], row["reopens"]) == (1, 1)
    assert row["hops_per_matter"] == Decimal("1.5")
    assert [u["name"] for u in row["areas"]] == ["西湖镇", "李庄村", "李庄村一组"]


def test_non_substantive_feedback_does_not_count(city):
    matter = instruct(city, city.town_a, "2026-06-01 09:00")
    receive(city.liaison_a, matter, "2026-06-01 10:00")
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text="已阅，转李庄村办理",
        at=moment("2026-06-01 11:00"),
    )
    [row] = unit_scorecards(actor=city.office, period=JUNE, now=moment(NOW))
    assert row["median_response_hours"] is None
    assert (row["response_rate"], row["overdue"]) == (Decimal("0.0"), 1)


def test_approved_extension_moves_the_response_deadline(city):
    matter = instruct(city, city.town_a, "2026-06-01 09:00")
    receive(city.liaison_a, matter, "2026-06-01 10:00")
    extension = matter_request_extension(
        actor=city.liaison_a,
        matter_id=matter.pk,
        reason="需协调水利部门现场勘测",
        until=moment("2026-06-12 17:00"),
        at=moment("2026-06-03 09:00"),
    )
    matter_decide_extension(
        actor=city.office, extension_id=extension.pk, approve=True, at=moment("2026-06-03 10:00")
    )
    answer(city.liaison_a, matter, "2026-06-11 09:00")
    [row] = unit_scorecards(actor=city.office, period=JUNE, now=moment("2026-06-15 09:00"))
    assert (row["response_rate"], row["response_counted"]) == (Decimal("100.0"), 1)


def test_period_leaves_out_matters_assigned_outside_it(scripted):
    may = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert unit_scorecards(actor=scripted.office, period=may, now=moment(NOW)) == []


def test_sorting_by_a_figure_puts_missing_values_last(scripted):
    rows = unit_scorecards(actor=scripted.office, period=JUNE, now=moment(NOW))
    ordered = sort_rows(rows, "response_rate", descending=False)
    assert [r["name"] for r in ordered][:2] == ["东山镇", "西湖镇"]
    assert ordered[-1]["response_rate"] is None
    longest = sort_rows(rows, "dwell_total_hours", descending=True)
    assert longest[0]["name"] == "东山镇"


# ---- scope -------------------------------------------------------------------------------------


def names(user, period=JUNE):
    return {r["name"] for r in unit_scorecards(actor=user, period=period, now=moment(NOW))}


def test_unit_rows_by_scope(scripted):
    all_units = {"西湖镇", "李庄村", "李庄村一组", "东山镇"}
    assert names(scripted.office) == all_units
    assert names(scripted.leader_user) == {"西湖镇", "李庄村", "李庄村一组"}
    assert names(scripted.liaison_a) == {"西湖镇", "李庄村", "李庄村一组"}
    assert names(scripted.liaison_b) == {"东山镇"}
    assert names(scripted.grid_user) == {"李庄村一组"}
    with pytest.raises(NotFound):
        unit_scorecards(actor=scripted.auditor, period=JUNE)


def test_leader_rows_by_scope(scripted):
    [own] = leader_scorecards(actor=scripted.leader_user, period=JUNE, now=moment(NOW))
    assert own["name"] == "周明远"
    for user in (scripted.liaison_a, scripted.auditor):
        with pytest.raises(NotFound):
            leader_scorecards(actor=user, period=JUNE)


def test_pages_by_scope(scripted, login):
    html = login(scripted.office).get("/supervision/scorecards/units/" + JUNE_QUERY)
    assert html.status_code == 200
    assert "东山镇" in html.content.decode() and "时间耗在哪里" in html.content.decode()
    html = login(scripted.liaison_a).get("/supervision/scorecards/units/" + JUNE_QUERY)
    assert "西湖镇" in html.content.decode() and "东山镇" not in html.content.decode()
    html = login(scripted.leader_user).get("/supervision/scorecards/leaders/" + JUNE_QUERY)
    assert "周明远" in html.content.decode() and "李庄村一组" in html.content.decode()
    assert login(scripted.liaison_b).get("/supervision/scorecards/leaders/").status_code == 404
    client = login(scripted.auditor)
    assert client.get("/supervision/scorecards/units/").status_code == 404
    assert client.get("/supervision/scorecards/leaders/").status_code == 404


def test_page_sorts_and_reports_bad_dates(scripted, login):
    client = login(scripted.office)
    response = client.get("/supervision/scorecards/units/" + JUNE_QUERY + "&sort=name&dir=asc")
    assert [r["name"] for r in response.context["rows"]] == sorted(
        ["西湖镇", "李庄村", "李庄村一组", "东山镇"]
    )
    response = client.get("/supervision/scorecards/units/?from=2026-06-30&to=2026-06-01")
    assert "结束日期早于开始日期" in response.content.decode()
    response = client.get("/supervision/scorecards/units/?from=六月")
    assert "日期格式" in response.content.decode()


def test_empty_period_says_what_to_do(city, login):
    html = login(city.office).get("/supervision/scorecards/units/" + JUNE_QUERY).content.decode()
    assert "可调整开始和结束日期" in html


# ---- API ---------------------------------------------------------------------------------------


def test_api_units_and_leaders(scripted, login):
    client = login(scripted.liaison_b)
    body = client.get("/api/v1/scorecards/units?from=2026-06-01&to=2026-06-30").json()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["name"] == "东山镇" and row["overdue"] in (0, 1)
    assert row["dwell_hops"] == 1
    client = login(scripted.office)
    body = client.get("/api/v1/scorecards/leaders?from=2026-06-01&to=2026-06-30").json()
    assert body["items"][0]["matters"] == 4
    assert len(body["items"][0]["areas"]) == 3
    bad = client.get("/api/v1/scorecards/units?from=2026-06-30&to=2026-06-01")
    assert bad.status_code == 422
    assert login(scripted.auditor).get("/api/v1/scorecards/units").status_code == 404


# ---- query counts ------------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # warm the session and the calendar
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more(city, n):
    for i in range(n):
        unit = (city.town_a, city.town_b, city.stats)[i % 3]
        matter = instruct(city, unit, "2026-06-08 09:00", f"追加事项{i}")
        if unit == city.town_a:
            receive(city.liaison_a, matter, "2026-06-08 10:00")
            answer(city.liaison_a, matter, "2026-06-08 11:00")


# session, user and scope (4); hops, approved extensions, first answers (3); the calendar (2);
# the units (1); navigation (1); the session's save (3)
UNIT_PAGE_QUERIES = 10
# and for leaders, the leaders and their areas besides
LEADER_PAGE_QUERIES = 12


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        ("/supervision/scorecards/units/" + JUNE_QUERY, UNIT_PAGE_QUERIES),
        ("/supervision/scorecards/leaders/" + JUNE_QUERY, LEADER_PAGE_QUERIES),
    ],
)
def test_page_query_counts_do_not_grow(scripted, login, url, pinned):
    client = login(scripted.office)
    small = _count(client, url)
    _more(scripted, 12)
    assert _count(client, url) == small == pinned
