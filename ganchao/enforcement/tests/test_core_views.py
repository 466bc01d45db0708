"""The officer's case desk, the case form (B1, B2 refused on the page with nothing saved) and the
case page (header, stage strip, major badge, clocks, blockers, the proposal, the core actions),
with their scope and their query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ganchao.enforcement import gates, selectors, selectors_core, services
from ganchao.enforcement.choices import MatterState, PenaltyKind, Stage
from ganchao.enforcement.models import Case, CaseRecord, Hearing, PenaltyNotice

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def fresh_case(ecity, **kwargs):
    """A case filed today (its 90-day clock running, not overdue)."""
    kwargs.setdefault("filed_on", _today())
    return ecity.open_case(**kwargs)


def investigating(ecity, **kwargs):
    case = fresh_case(ecity, **kwargs)
    return services.case_investigate(actor=ecity.officer_user_a, case=case)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- the desk ---------------------------------------------------------------------------------


def test_desk_lists_open_cases_with_the_party_masked_and_the_next_step(ecity, login):
    case = fresh_case(ecity)
    response = login(ecity.officer_user_a).get("/enforcement/")
    assert response.status_code == 200
    page = _text(response)
    assert case.code in page and "未经许可擅自搭建彩钢房" in page
    assert "张某" in page and "张三" not in page
    assert "370102198001011234" not in page and "13800138000" not in page
    assert "赶超市城市管理综合行政执法局" in page and "违法建设行为的处罚" in page
    assert "开始调查取证" in page
    row = response.context["rows"][0]
    assert row["clock"]["name"] == "decide" and row["clock"]["state"] == "running"
    assert row["clock"]["due"] == _today() + dt.timedelta(days=90)


def test_desk_shows_blockers_and_red_overdue_clock(ecity, login):
    """Given a case filed 100 days ago under investigation without records, When the desk is
    read, Then its row names 【B6】 and its decision clock is overdue in red."""
    case = investigating(ecity, filed_on=_today() - dt.timedelta(days=100))
    response = login(ecity.officer_user_a).get("/enforcement/")
    row = response.context["rows"][0]
    assert row["case"] == case
    assert [b.rule for b in row["blockers"]] == ["B6"]
    assert row["clock"]["state"] == "overdue"
    page = _text(response)
    assert "【B6】调查取证环节无记录" in page
    assert "text-danger fw-bold" in page and "已超期" in page


def test_desk_filters_and_stage_strip(ecity, login):
    a = fresh_case(ecity, title="甲案")
    b = investigating(ecity, title="乙案", violation="street_vending")
    late = fresh_case(ecity, title="丙案", filed_on=_today() - dt.timedelta(days=120))
    services.case_update(
        actor=ecity.officer_user_a,
        case=b,
        proposed_penalties=[PenaltyKind.FINE],
        proposed_fine=20000,
    )
    withdrawn = fresh_case(ecity, title="丁案")
    services.case_withdraw(actor=ecity.officer_user_a, case=withdrawn, reason="违法事实不成立")
    client = login(ecity.officer_user_a)

    def codes(query=""):
        response = client.get("/enforcement/" + query)
        assert response.status_code == 200
        return {row["case"].code for row in response.context["rows"]}

    assert codes() == {a.code, b.code, late.code}
    assert codes("?stage=investigating") == {b.code}
    assert codes("?violation=street_vending") == {b.code}
    assert codes("?q=丙案") == {late.code}
    assert codes("?major=1") == {b.code}
    assert codes("?overdue=1") == {late.code}
    assert codes(f"?agency={ecity.agency2.pk}") == set()
    Hearing.objects.create(
        case=a, requested_on=_today(), held_on=_today(), created_by=ecity.officer_user_a
    )
    assert codes("?major=1") == {a.code, b.code}  # a hearing held makes it major (B8)
    response = client.get("/enforcement/")
    strip = {s["stage"]: s["count"] for s in response.context["strip"]}
    assert strip["filed"] == 2 and strip["investigating"] == 1 and "closed" not in strip
    assert response.context["open_total"] == 3
    everything = client.get("/enforcement/cases/")
    assert {r["case"].code for r in everything.context["rows"]} == {
        a.code,
        b.code,
        late.code,
        withdrawn.code,
    }
    assert "全部案件" in _text(everything)


def test_overdue_filter_agrees_with_the_clocks(ecity, login):
    """Given cases whose only late clock is the delivery, a hearing notice or preserved evidence,
    When the desk shows only overdue cases, Then exactly those whose most urgent clock is
    overdue are listed."""
    today = _today()
    on_time = fresh_case(ecity, title="按期")
    hearing = fresh_case(ecity, title="听证通知")
    PenaltyNotice.objects.create(
        case=hearing,
        served_on=today - dt.timedelta(days=3),
        proposal="罚款",
        facts="事实",
        rights="陈述申辩、听证",
        hearing_right=True,
        created_by=ecity.officer_user_a,
    )
    Hearing.objects.create(
        case=hearing,
        requested_on=today - dt.timedelta(days=2),
        scheduled_on=today + dt.timedelta(days=2),
        created_by=ecity.officer_user_a,
    )
    response = login(ecity.officer_user_a).get("/enforcement/?overdue=1")
    listed = {row["case"].code for row in response.context["rows"]}
    everything = {c.pk: c for c in Case.objects.select_related("matter")}
    many = selectors_core.facts_many(everything.values(), today)
    overdue = {
        everything[pk].code
        for pk, (_facts, clocks) in many.items()
        if any(c.state == "overdue" for c in clocks)
    }
    assert listed == overdue == {hearing.code}
    assert on_time.code not in listed


def test_a_page_of_cases_reads_each_case_as_its_own_page_does(ecity):
    """The desk reads a page of cases in one batch; each case's facts and clocks are those of
    its own case page (no record of one case leaks into another)."""
    plain = fresh_case(ecity)
    busy = investigating(ecity, party_kind="organisation", party_name="赶超建材有限公司")
    services.record_add(actor=ecity.officer_user_a, case=busy, text="现场检查笔录")
    services.case_update(
        actor=ecity.officer_user_a,
        case=busy,
        proposed_penalties=[PenaltyKind.STOP_PRODUCTION],
        proposed_summary="拟责令停产停业",
        complex=True,
    )
    PenaltyNotice.objects.create(
        case=busy,
        served_on=_today() - dt.timedelta(days=1),
        proposal="责令停产停业",
        facts="事实",
        rights="陈述申辩、听证",
        hearing_right=True,
        created_by=ecity.officer_user_a,
    )
    cases = list(Case.objects.select_related("matter").filter(pk__in=[plain.pk, busy.pk]))
    many = selectors_core.facts_many(cases)
    for case in cases:
        facts, clocks = many[case.pk]
        assert facts == selectors.case_facts(case)
        assert clocks == selectors.case_clocks(case)
    assert many[busy.pk][0].major and many[busy.pk][0].notice_served_on
    assert not many[plain.pk][0].major and many[plain.pk][0].notice_served_on is None


def test_desk_query_count_does_not_grow_with_the_cases(ecity, login):
    """The desk reads the same number of queries with 5 cases as with 25."""
    client = login(ecity.officer_user_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/enforcement/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    for n in range(5):
        case = investigating(ecity, title=f"案件{n}")
        services.record_add(actor=ecity.officer_user_a, case=case, text="询问笔录")
    five = count()
    for n in range(20):
        case = investigating(ecity, title=f"更多案件{n}")
        services.record_add(actor=ecity.officer_user_a, case=case, text="询问笔录")
    assert Case.objects.count() == 25
    assert count() == five
    assert five <= 40


# ---- the case form ----------------------------------------------------------------------------


def _form(ecity, **extra):
    data = {
        "agency": ecity.agency.pk,
        "matter": ecity.building.pk,
        "officers": [ecity.officer_a.pk, ecity.officer_b.pk],
        "title": "未经许可擅自搭建彩钢房",
        "party_kind": "person",
        "party_name": "王五",
        "party_id_no": "370102199001011234",
        "party_phone": "13900139000",
        "party_address": "西湖镇李庄村20号",
        "place": "西湖镇李庄村20号院内",
        "source": "complaint",
        "violation": "illegal_building",
        "filed_on": "2026-03-02",
        "facts": "在院内搭建彩钢房约30平方米",
        "record_text": "经审查，符合立案条件，同意立案。",
    }
    data.update(extra)
    return data


def test_case_form_offers_published_matters_and_officers_with_their_certificates(ecity, login):
    ecity.vending.state = MatterState.DRAFT
    ecity.vending.save()
    response = login(ecity.officer_user_a).get("/enforcement/cases/new/")
    assert response.status_code == 200
    page = _text(response)
    assert "违法建设行为的处罚" in page and "占道经营处罚" not in page
    assert "张执法" in page and "ZF3701001" in page and "2030年12月31日" in page
    assert "赵执法" in page and "执法证已过期：2025年6月30日" in page
    assert "孙审核" not in page
    assert f'value="{_today().isoformat()}"' in page  # the date picker reads the default day


def test_case_form_opens_the_case(ecity, login):
    response = login(ecity.officer_user_a).post("/enforcement/cases/new/", _form(ecity))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/enforcement/cases/{case.pk}/"
    assert case.party_name == "王五" and case.source == "complaint"
    assert [co.officer for co in case.case_officers.order_by("-lead", "id")] == [
        ecity.officer_a,
        ecity.officer_b,
    ]
    assert case.records.get().text == "经审查，符合立案条件，同意立案。"


def test_case_form_b1_draft_matter_refused_and_nothing_saved(ecity, login):
    """B1. Given the matter was withdrawn to draft after the form was shown, When the officer
    files the case, Then the page names 【B1】 and no case is saved."""
    ecity.building.state = MatterState.DRAFT
    ecity.building.save()
    response = login(ecity.officer_user_a).post("/enforcement/cases/new/", _form(ecity))
    assert response.status_code == 409
    assert "【B1】" in _text(response) and "未完成事前公开" in _text(response)
    assert Case.objects.count() == 0 and CaseRecord.objects.count() == 0


def test_case_form_b2_one_officer_refused_and_nothing_saved(ecity, login):
    """B2. Given one officer, When the case is filed, Then 【B2】 two officers needed; nothing
    saved."""
    response = login(ecity.officer_user_a).post(
        "/enforcement/cases/new/", _form(ecity, officers=[ecity.officer_a.pk])
    )
    assert response.status_code == 409
    assert "【B2】现场执法须有两名以上执法人员" in _text(response)
    assert Case.objects.count() == 0


def test_case_form_b2_expired_certificate_refused(ecity, login):
    response = login(ecity.officer_user_a).post(
        "/enforcement/cases/new/",
        _form(ecity, officers=[ecity.officer_a.pk, ecity.officer_expired.pk]),
    )
    assert response.status_code == 409
    assert "【B2】赵执法的执法证件已过有效期" in _text(response)
    assert Case.objects.count() == 0


def test_case_form_missing_fields_are_named(ecity, login):
    response = login(ecity.officer_user_a).post(
        "/enforcement/cases/new/", _form(ecity, title="", place="")
    )
    assert response.status_code == 422
    assert "案由" in _text(response) and "违法地点" in _text(response)
    assert Case.objects.count() == 0


def test_case_form_only_for_agency_staff(ecity, login):
    assert login(ecity.reviewer_user).get("/enforcement/cases/new/").status_code == 403
    other = login(ecity.nr_officer_user).post(
        "/enforcement/cases/new/", _form(ecity, agency=ecity.agency.pk)
    )
    assert other.status_code == 422 and Case.objects.count() == 0


# ---- the case page ----------------------------------------------------------------------------


def test_case_page_is_the_case_file(ecity, login):
    case = fresh_case(ecity)
    response = login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/")
    assert response.status_code == 200
    page = _text(response)
    assert "张三" in page and "370102198001011234" in page and "13800138000" in page
    assert "违法建设行为的处罚" in page and "第1版" in page
    assert f'href="/enforcement/matters/{ecity.building.pk}/"' in page
    assert "张执法" in page and "主办" in page
    strip = {s["stage"]: s["state"] for s in response.context["strip"]}
    assert strip["filed"] == "current" and strip["investigating"] == "todo"
    assert strip["legal_review"] == "not_needed"
    clocks = response.context["clocks"]
    assert clocks[0]["label"] == "作出决定（立案之日起90日）"
    due = _today() + dt.timedelta(days=90)
    assert f"{due.year}年{due.month}月{due.day}日" in page
    assert 'data-action="case_investigate"' in page and 'data-action="case_withdraw"' in page


def test_case_page_strip_marks_skipped_stages_not_applicable(ecity, login):
    case = fresh_case(ecity)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.DECIDED,
        visited=[Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.NOTIFIED, Stage.DECIDED],
    )
    response = login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/")
    strip = {s["stage"]: s["state"] for s in response.context["strip"]}
    assert strip["notified"] == "done" and strip["decided"] == "current"
    assert strip["statement"] == strip["legal_review"] == strip["collective"] == "skipped"
    assert "不适用" in _text(response) and "✓ 告知" in _text(response)


def test_case_page_blockers_box_and_disabled_action(ecity, login):
    """Given a case under investigation with no record of it, Then the box says the next step
    and 尚需 【B6】, and 提交审核 is disabled listing the same blocker."""
    case = investigating(ecity)
    response = login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/")
    page = _text(response)
    assert "下一步：提交审核 — 尚需：" in page
    assert "【B6】调查取证环节无记录" in page
    assert "任何角色都无法越过" in page
    action = next(a for a in response.context["actions"] if a["name"] == "case_submit_review")
    assert not action["enabled"] and [b.rule for b in action["blockers"]] == ["B6"]


def test_case_page_refused_submit_names_the_rule_and_saves_nothing(ecity, login):
    case = investigating(ecity)
    response = login(ecity.officer_user_a).post(
        f"/enforcement/cases/{case.pk}/submit-review/", {"opinion": "事实清楚"}
    )
    assert response.status_code == 409
    assert "没有保存任何内容" in _text(response) and "【B6】调查取证环节无记录" in _text(response)
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATING
    assert not CaseRecord.objects.filter(case=case, stage=Stage.REVIEWED).exists()


def test_case_page_moves_through_the_core_actions(ecity, login):
    case = fresh_case(ecity)
    client = login(ecity.officer_user_a)
    assert client.post(f"/enforcement/cases/{case.pk}/investigate/").status_code == 302
    services.record_add(actor=ecity.officer_user_a, case=case, text="现场检查笔录")
    response = client.post(f"/enforcement/cases/{case.pk}/submit-review/", {"opinion": "事实清楚"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.REVIEWED
    assert client.post(f"/enforcement/cases/{case.pk}/reinvestigate/").status_code == 422
    response = client.post(
        f"/enforcement/cases/{case.pk}/reinvestigate/", {"reason": "证据不足，补充询问"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATING
    refused = client.post(f"/enforcement/cases/{case.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 422 and "请填写撤销立案的理由" in _text(refused)
    client.post(f"/enforcement/cases/{case.pk}/withdraw/", {"reason": "违法事实不成立"})
    case.refresh_from_db()
    assert case.stage == Stage.WITHDRAWN and case.withdrawn_reason == "违法事实不成立"
    page = client.get(f"/enforcement/cases/{case.pk}/")
    assert page.context["actions"] == [] and not page.context["can_propose"]


def test_case_page_close_blocked_by_b6(ecity, login):
    case = fresh_case(ecity)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.SERVED,
        visited=[Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.DECIDED, Stage.SERVED],
    )
    client = login(ecity.officer_user_a)
    response = client.get(f"/enforcement/cases/{case.pk}/")
    close = next(a for a in response.context["actions"] if a["name"] == "case_close")
    assert not close["enabled"] and "【B6】调查取证环节无记录" in _text(response)
    refused = client.post(f"/enforcement/cases/{case.pk}/close/", {"summary": "结案"})
    assert refused.status_code == 409 and "【B6】" in _text(refused)
    case.refresh_from_db()
    assert case.stage == Stage.SERVED


def test_case_page_proposal_makes_the_case_major(ecity, login):
    """B8 on the page: a 15,000 yuan fine on a person shows the major badge with its reason."""
    case = fresh_case(ecity)
    client = login(ecity.officer_user_a)
    response = client.post(
        f"/enforcement/cases/{case.pk}/proposal/",
        {
            "proposed_penalties": ["fine"],
            "proposed_fine": "15000",
            "proposed_summary": "拟罚款15000元",
        },
    )
    assert response.status_code == 302
    page = _text(client.get(f"/enforcement/cases/{case.pk}/"))
    assert 'id="major-badge"' in page and "对自然人罚款达到重大标准" in page
    assert "15000.00元" in page  # one money format on the case pages: two places, no space
    bad = client.post(f"/enforcement/cases/{case.pk}/proposal/", {"proposed_fine": "很多"})
    assert bad.status_code == 422
    case.refresh_from_db()
    assert case.proposed_fine == 15000


def test_only_handlers_see_forms(ecity, login):
    case = fresh_case(ecity)
    response = login(ecity.office).get(f"/enforcement/cases/{case.pk}/")
    assert response.status_code == 200
    page = _text(response)
    assert "张三" in page
    assert 'data-action="' not in page and "修改拟处理意见" not in page
    assert "只有本执法主体的执法人员可以办理" in page
    refused = login(ecity.office).post(f"/enforcement/cases/{case.pk}/investigate/")
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.stage == Stage.FILED


def test_officer_of_another_agency_gets_404(ecity, login):
    case = fresh_case(ecity)
    client = login(ecity.nr_officer_user)
    assert client.get(f"/enforcement/cases/{case.pk}/").status_code == 404
    assert client.post(f"/enforcement/cases/{case.pk}/investigate/").status_code == 404
    assert case.code not in _text(client.get("/enforcement/"))


def test_case_page_query_count_does_not_grow_with_the_records(ecity, login):
    """The case page reads the same number of queries with one record as with twelve and a
    notice, statements and hearing."""
    case = investigating(ecity)
    client = login(ecity.officer_user_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/enforcement/cases/{case.pk}/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    before = count()
    for n in range(12):
        services.record_add(actor=ecity.officer_user_a, case=case, text=f"笔录{n}")
    assert count() == before
    assert before <= 120


def test_page_blockers_match_the_gates(ecity, login):
    case = investigating(ecity)
    response = login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/")
    facts = selectors.case_facts(Case.objects.get(pk=case.pk))
    assert response.context["blockers"] == gates.blockers(facts)
