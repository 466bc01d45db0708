"""The enterprise service component (服务企业, issue 14): credit = on-time rate of the appeals'
tier clocks × 60 % + satisfaction rate × 40 % (on time alone when none was rated), counted as
of the cut-off; a unit without appeals in the period is not applicable and is filled like a
work component, but enterprise service alone never makes a unit rankable. End to end: the
scheme form and API accept the kind, the draft reads the appeals in one query whatever the
number of units, publication, revisions, the ranking layouts, the breakdown sheet and the
scorecard show it."""

import csv
import datetime as dt
import io
import itertools
import json
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from ganchao.assessment import engine as e
from ganchao.assessment import exports, selectors, services, services_bulletins
from ganchao.assessment.periods import parse
from ganchao.assessment.tests.conftest import SHANGHAI
from ganchao.assessment.tests.test_api_writes import Api
from ganchao.assessment.tests.test_bulletin import document_text
from ganchao.assessment.tests.test_scoring_queries import add_towns
from ganchao.cli import main
from ganchao.conftest import make_unit, make_user
from ganchao.enterprises.models import Appeal, Enterprise
from ganchao.enterprises.tests.conftest import valid_code
from ganchao.orgs.choices import Role, UnitType

Q2 = parse("2026-Q2", "quarter")
WINDOW = e.Period(Q2.start, Q2.end, dt.date(2026, 7, 7))
ES_COMPONENTS = [
    {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 40, "method": "ratio"},
    {"code": "MS", "name": "节点完成", "kind": "milestones", "points": 30},
    {"code": "SUP", "name": "督办情况", "kind": "supervision", "points": 20},
    {"code": "ES", "name": "服务企业", "kind": "enterprise_service", "points": 10},
]


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


# ---- the rule, apart from the database -------------------------------------------------------

COMPONENT = e.Component("ES", "服务企业", e.ENTERPRISE_SERVICE, D(10))


def service(on_time=(1, 1, 1), decided=(1, 1, 1), rated=0, satisfied=0, appeals=1):
    return e.Service(appeals, tuple(decided), tuple(on_time), rated, satisfied)


def test_credit_mixes_on_time_and_satisfaction():
    # 8 tier clocks decided, 5 on time; 2 rated, 1 satisfied: 0.6 × 62.5 % + 0.4 × 50 %
    score, (detail,) = e.service_score(COMPONENT, service((2, 2, 1), (3, 3, 2), 2, 1, 3))
    assert detail["on_time_rate"] == D("0.625") and detail["satisfaction_rate"] == D("0.5")
    assert detail["credit"] == D("0.575") and score == D("5.75")
    assert detail["tiers"] == [[2, 3], [2, 3], [1, 2]]


def test_without_ratings_on_time_alone_counts():
    score, (detail,) = e.service_score(COMPONENT, service((1, 0, 0), (1, 1, 0)))
    assert detail["satisfaction_rate"] is None and detail["credit"] == D("0.5")
    assert score == D(5)


def test_no_appeal_or_nothing_decided_is_not_applicable():
    assert e.service_score(COMPONENT, None) is None
    assert e.service_score(COMPONENT, service((0, 0, 0), (0, 0, 0))) is None


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=3, max_size=3),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_credit_stays_between_zero_and_one_and_rises_with_satisfaction(tiers, rated, satisfied):
    decided = tuple(max(a, b) for a, b in tiers)
    on_time = tuple(min(a, b) for a, b in tiers)
    rated, satisfied = max(rated, satisfied), min(rated, satisfied)
    rates = e.service_rates(service(on_time, decided, rated, satisfied, appeals=1))
    if sum(decided) == 0:
        assert rates is None
        return
    on_time_rate, satisfaction, credit = rates
    assert 0 <= credit <= 1
    if rated == 0:
        assert credit == on_time_rate
    else:
        assert credit == D("0.6") * on_time_rate + D("0.4") * satisfaction
        if satisfied < rated:  # one more satisfied rating never lowers the credit
            better = e.service_rates(service(on_time, decided, rated, satisfied + 1))
            assert better[2] > credit


def test_service_alone_does_not_rank_a_unit_and_a_unit_without_appeals_is_prorated():
    scheme = e.Scheme(
        (
            e.Component("IND", "指标", e.INDICATORS, D(60)),
            e.Component("MS", "节点", e.MILESTONES, D(20)),
            COMPONENT,
            e.Component("SUP", "督办", e.SUPERVISION, D(10)),
        )
    )
    half = e.Indicator("I", D(1), e.POSITIVE, D(100), D(50))
    worker = e.UnitInput("T1", "甲", indicators=(half,))  # no appeals: ES filled at 50 %
    server = e.UnitInput("T2", "乙", service=service())  # appeals but no work: not ranked
    results = {r.score.code: r for r in e.score_units(scheme, [worker, server], WINDOW)}
    es = results["T1"].score.components[2]
    assert es.score == D(5) and es.filled["mode"] == e.PRORATE and es.filled["rate"] == D("0.5")
    assert results["T1"].rank == 1
    assert results["T2"].rank is None and not results["T2"].score.assessed
    assert results["T2"].score.components[2].score == D(10)  # computed, shown for reference


def test_average_fills_at_the_category_mean_of_the_units_with_appeals():
    scheme = e.Scheme(
        (e.Component("IND", "指标", e.INDICATORS, D(90)), COMPONENT), empty_component=e.AVERAGE
    )
    full = e.Indicator("I", D(1), e.POSITIVE, D(100), D(100))
    units = [
        e.UnitInput("T1", "甲", indicators=(full,), service=service((1, 1, 1), (2, 2, 2))),
        e.UnitInput("T2", "乙", indicators=(full,), service=service()),
        e.UnitInput("T3", "丙", indicators=(full,)),
    ]
    results = {r.score.code: r for r in e.score_units(scheme, units, WINDOW)}
    filled = results["T3"].score.components[1]
    assert filled.filled["mode"] == e.AVERAGE and filled.filled["units"] == 2
    assert filled.score == D("7.5")  # the mean of 50 % and 100 %


# ---- in the database -------------------------------------------------------------------------


class Appeals:
    """Appeals of the worked example's towns, their deadlines written out (the clocks
    themselves are the enterprise app's tests). Q2's cut-off is 7 July 2026."""

    numbers = itertools.count(1)  # credit codes and appeal numbers unique across books

    def add(self, unit, received, dues, done=(None, None, None), rating=None, rated_at=None):
        self.count = next(self.numbers)
        town = Enterprise.objects.create(
            name=f"企业{self.count}", credit_code=valid_code(9000 + self.count),
            sector="manufacturing", scale="small", town=unit,
        )  # fmt: skip
        return Appeal.objects.create(
            number=f"QS2026-{self.count:04d}", year=2026, seq=self.count, enterprise=town,
            title="用电增容", content="c", category="utility", channel="online",
            received_at=received, owner_unit=unit, state="closed",
            acknowledge_due=dues[0], plan_due=dues[1], resolve_due=dues[2],
            acknowledged_at=done[0], planned_at=done[1], resolved_at=done[2],
            rating=rating, rated_at=rated_at,
        )  # fmt: skip


def jia_appeals(scenario):
    """甲镇: three appeals in Q2 and one in Q1.
    1: every clock on time, rated 5;
    2: acknowledged late, planned on time, resolved late, rated 2 (不满意);
    3: acknowledged on time, planned after the cut-off (late: its deadline passed before),
       its resolve deadline after the cut-off (not counted), rated after the cut-off (not
       counted). Tiers 5 on time of 8; 1 satisfied of 2 rated: 62.5 % × 60 % + 50 % × 40 %."""
    book = Appeals()
    a = scenario.a
    book.add(a, at(4, 10), (at(4, 10, 12), at(4, 13), at(5, 1)),
             (at(4, 10, 11), at(4, 11), at(4, 20)), 5, at(4, 21))  # fmt: skip
    book.add(a, at(5, 11), (at(5, 11, 12), at(5, 14), at(6, 1)),
             (at(5, 11, 15), at(5, 12), at(6, 5)), 2, at(6, 6))  # fmt: skip
    book.add(a, at(6, 29), (at(6, 29, 12), at(7, 2), at(7, 20)),
             (at(6, 29, 11), at(7, 10), at(7, 15)), 4, at(7, 16))  # fmt: skip
    book.add(a, at(3, 30), (at(3, 30, 12), at(4, 2), at(4, 20)))  # Q1: not counted
    return book


@pytest.fixture
def es_scheme(scenario):
    with transaction.atomic():
        return services.scheme_create(
            actor=None, code="TOWNS_ES", name="乡镇季度考核（含服务企业）",
            category=scenario.category, period_type="quarter", components=ES_COMPONENTS,
        )  # fmt: skip


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


def component(row, code):
    return next(c for c in row["components"] if c["code"] == code)


def test_draft_counts_the_appeals_as_of_the_cutoff(scenario, es_scheme):
    jia_appeals(scenario)
    draft = selectors.draft_outcome(es_scheme, Q2)
    assert draft.cutoff == dt.date(2026, 7, 7)
    rows = by_code(draft.rows)
    es = component(rows["T01"], "ES")
    [detail] = es["details"]
    assert (detail["appeals"], detail["on_time"], detail["decided"]) == (3, 5, 8)
    assert (detail["rated"], detail["satisfied"]) == (2, 1)
    assert detail["tiers"] == [[2, 3], [2, 3], [1, 2]]
    assert es["score"] == "5.75" and "filled" not in es
    # 丙镇 handled no appeal: filled at its work components' rate, 50 % (IND 20 of 40 and MS
    # filled itself): 10 × 0.5
    c_es = component(rows["T03"], "ES")
    assert c_es["details"] == [] and c_es["filled"]["mode"] == "prorate"
    assert c_es["score"] == "5.00"


def test_a_unit_with_appeals_but_no_work_is_not_ranked(scenario, es_scheme):
    d = make_unit("丁镇", UnitType.TOWN, scenario.a.parent, code="T04", category=scenario.category)
    Appeals().add(d, at(5, 6), (at(5, 6, 12), at(5, 9), at(5, 27)),
                  (at(5, 6, 11), at(5, 7), at(5, 20)), 5, at(5, 21))  # fmt: skip
    draft = selectors.draft_outcome(es_scheme, Q2)
    assert "T04" not in by_code(draft.rows)
    [unassessed] = [row for row in draft.unassessed if row["unit_code"] == "T04"]
    assert component(unassessed, "ES")["score"] == "10.00"


def test_publish_revise_and_export_with_the_kind(scenario, es_scheme, capsys):
    book = jia_appeals(scenario)
    with transaction.atomic():
        result, _changes = services.result_publish(actor=None, scheme=es_scheme, period="2026-Q2")
    assert result.result_revision == 1
    assert component(by_code(result.snapshot)["T01"], "ES")["score"] == "5.75"
    # another on-time, satisfied appeal of 甲镇: revision 2 lists the component's change
    book.add(scenario.a, at(6, 1), (at(6, 1, 12), at(6, 4), at(6, 22)),
             (at(6, 1, 11), at(6, 2), at(6, 10)), 5, at(6, 11))  # fmt: skip
    with transaction.atomic():
        second, changes = services.result_publish(actor=None, scheme=es_scheme, period="2026-Q2")
    assert second.result_revision == 2
    # 8 on time of 11; 2 satisfied of 3: (8/11 × 0.6 + 2/3 × 0.4) × 10 = 7.03
    assert {"unit_code": "T01", "unit": "甲镇", "field": "component:ES", "before": "5.75",
            "after": "7.03"} in changes  # fmt: skip
    args = ["ranking", "--scheme", "TOWNS_ES", "--period", "2026-Q2", "--format"]
    assert main([*args, "json"]) == 0
    jia = next(r for r in json.loads(capsys.readouterr().out) if r["unit_code"] == "T01")
    assert jia["components"][3] == {"code": "ES", "name": "服务企业", "points": "10.00",
                                    "score": "7.03"}  # fmt: skip
    assert main([*args, "csv"]) == 0
    header, *lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert header[-1] == "服务企业" and {line[1]: line[-1] for line in lines}["T01"] == "7.03"
    lines = exports.breakdown_table(second.snapshot)
    [line] = [ln for ln in lines if ln[1] == "T01" and ln[4] == "服务企业"]
    assert line[7] == "企业诉求 4 件" and line[11] == D(8) / 11
    assert "按时 8/11" in line[-1] and "满意率×40%" in line[-1]


def test_scorecard_shows_the_appeals_and_the_formula(scenario, es_scheme, login):
    jia_appeals(scenario)
    office = make_user("office_es", scenario.office_unit, Role.OFFICE)
    client = login(office)
    body = client.get("/assessment/scorecards/TOWNS_ES/2026-Q2/T01/?draft=1").content.decode()
    assert "按时办结率 62.50%×60% + 满意率 50.00%×40% = 57.50%，× 分值 10.00 = 5.75" in body
    assert "5 / 8" in body and "1 / 2" in body and "响应按时/到期" in body
    other = client.get("/assessment/scorecards/TOWNS_ES/2026-Q2/T03/?draft=1").content.decode()
    assert "本期无企业诉求，按其他考核项得分率 50.00% 折算为 5.00 分" in other
    detail = client.get("/assessment/schemes/TOWNS_ES/").content.decode()
    assert "按时办结率×60% + 满意率×40%" in detail


def test_the_scheme_form_and_api_accept_the_kind(scenario, login):
    office = make_user("office_es", scenario.office_unit, Role.OFFICE)
    client = login(office)
    page = client.get("/assessment/schemes/new/").content.decode()
    assert 'value="enterprise_service"' in page and "满意率×40%" in page
    api = Api(office)
    body = {
        "code": "API_ES", "name": "含服务企业", "category": "TOWN", "period_type": "quarter",
        "components": [
            {"code": "IND", "name": "指标完成", "kind": "indicators", "points": "70"},
            {"code": "ES", "name": "服务企业", "kind": "enterprise_service", "points": "30"},
        ],
    }  # fmt: skip
    response = api.post("/api/v1/assessment/schemes", body)
    assert response.status_code == 201, response.content
    assert [c["kind"] for c in response.json()["components"]] == ["indicators",
                                                                  "enterprise_service"]  # fmt: skip
    bad = {**body, "code": "API_BAD"}
    bad["components"] = [{**body["components"][0]}, {**body["components"][1], "kind": "service"}]
    refused = api.post("/api/v1/assessment/schemes", bad)
    assert refused.status_code == 422 and "服务企业" in refused.content.decode()


def counted(call):
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_the_appeals_take_one_query_whatever_the_number_of_units(scenario, es_scheme):
    jia_appeals(scenario)
    without = counted(lambda: selectors.draft_outcome(scenario.scheme, Q2))
    small = counted(lambda: selectors.draft_outcome(es_scheme, Q2))
    add_towns(scenario, range(11, 17))
    book = Appeals()
    for unit in scenario.category.units.filter(code__startswith="T1"):
        book.add(unit, at(5, 6), (at(5, 6, 12), at(5, 9), at(5, 27)), (at(5, 6, 11), None, None))
    large = counted(lambda: selectors.draft_outcome(es_scheme, Q2))
    rows = by_code(selectors.draft_outcome(es_scheme, Q2).rows)
    assert len(rows) == 9 and component(rows["T11"], "ES")["details"][0]["appeals"] == 1
    assert small == large == without + 1


def test_bulletin_and_league_show_the_component(scenario, es_scheme, login):
    jia_appeals(scenario)
    with transaction.atomic():
        services.result_publish(actor=None, scheme=es_scheme, period="2026-Q2")
    generated = services_bulletins.bulletin_generate(
        actor=None, scheme_code="TOWNS_ES", period="2026-Q2"
    )
    text = document_text(generated.content)
    assert "服务企业" in text and "|5.75|" in text  # 甲镇's row carries its 5.75
    office = make_user("office_es", scenario.office_unit, Role.OFFICE)
    page = login(office).get("/assessment/league/", {"scheme": "TOWNS_ES", "period": "2026-Q2"})
    body = page.content.decode()
    assert '服务企业<div class="small text-secondary fw-normal">' in body  # its column
    assert '<td class="num">5.75</td>' in body


def test_the_period_is_counted_in_local_days(scenario):
    from ganchao.enterprises.selectors import unit_service_counts

    book = Appeals()
    late_night = dt.datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC: still Q2
    after = dt.datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI)  # 30 June 16:30 UTC: Q3
    before = dt.datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI)
    for moment in (late_night, after, before):
        hour = dt.timedelta(hours=1)
        book.add(scenario.a, moment, (moment + hour, moment + 3 * hour, moment + 9 * hour))
    counts = unit_service_counts(
        lambda appeals: appeals, start=Q2.start, end=Q2.end, as_of=at(7, 8, 0)
    )
    assert counts[scenario.a.pk]["appeals"] == 1
    assert counts[scenario.a.pk]["decided"] == (1, 1, 1)  # every deadline passed, none done
    assert counts[scenario.a.pk]["on_time"] == (0, 0, 0)
