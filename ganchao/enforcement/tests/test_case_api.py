"""The case API (DESIGN.md 3.13): GET /cases/{id} in the design's shape, the same blockers and
clocks as the case page, the list with the party masked, opening a case with the B1 and B2
refusals as 409 procedure_blocked naming the rule, the proposal and the core moves, scope."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.enforcement import services
from ganchao.enforcement.choices import MatterState, Stage
from ganchao.enforcement.models import Case, CaseRecord

pytestmark = pytest.mark.django_db


def fresh_case(ecity, **kwargs):
    kwargs.setdefault("filed_on", timezone.localdate())
    return ecity.open_case(**kwargs)


def investigating(ecity, **kwargs):
    case = fresh_case(ecity, **kwargs)
    return services.case_investigate(actor=ecity.officer_user_a, case=case)


def _body(ecity, **extra):
    body = {
        "matter_id": ecity.building.pk,
        "officer_ids": [ecity.officer_a.pk, ecity.officer_b.pk],
        "title": "未经许可擅自搭建彩钢房",
        "party_kind": "person",
        "party_name": "王五",
        "party_id_no": "370102199001011234",
        "party_phone": "13900139000",
        "party_address": "西湖镇李庄村20号",
        "place": "西湖镇李庄村20号院内",
        "filed_on": "2026-03-02",
        "source": "complaint",
        "violation": "illegal_building",
        "facts": "搭建彩钢房约30平方米",
        "record_text": "经审查，符合立案条件，同意立案。",
    }
    body.update(extra)
    return body


def test_get_case_has_the_design_shape(ecity):
    case = fresh_case(ecity)
    response = TokenApi(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}")
    assert response.status_code == 200
    data = response.json()
    assert {"id", "code", "stage", "major", "major_reasons", "clocks", "blockers"} <= set(data)
    assert data["id"] == case.pk and data["code"] == case.code and data["stage"] == "filed"
    assert data["major"] is False and data["major_reasons"] == []
    due = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    assert data["clocks"] == [{"name": "decide", "due": due, "state": "running"}]
    assert data["blockers"] == []
    assert data["title"] == "未经许可擅自搭建彩钢房"
    assert data["agency"] == "赶超市城市管理综合行政执法局"
    assert data["matter_id"] == ecity.building.pk and data["matter"] == "违法建设行为的处罚"
    assert data["party"] == "张某"
    assert "370102198001011234" not in response.content.decode()
    assert data["next_step"] == "investigate" and data["visited"] == ["filed"]
    assert [o["name"] for o in data["officers"]] == ["张执法", "李执法"]
    assert data["officers"][0]["lead"] is True


def test_api_blockers_and_clocks_equal_the_page(ecity, login):
    """Given a case under investigation with no record of it, filed 100 days ago (blocked by B6,
    its decision clock overdue), When the page and GET /cases/{id} are read, Then both list the
    same blockers and the same clocks."""
    case = investigating(ecity, filed_on=timezone.localdate() - dt.timedelta(days=100))
    data = TokenApi(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}").json()
    page = login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/")
    assert data["blockers"] == [{"rule": "B6", "message": "调查取证环节无记录"}]
    assert data["blockers"] == [
        {"rule": b.rule, "message": b.message} for b in page.context["blockers"]
    ]
    assert data["clocks"] == [
        {"name": c["name"], "due": c["due"].isoformat(), "state": c["state"]}
        for c in page.context["clocks"]
    ]
    assert data["clocks"][0]["state"] == "overdue"
    html = page.content.decode()
    for blocker in data["blockers"]:
        assert f"【{blocker['rule']}】{blocker['message']}" in html


def test_list_masks_the_party_and_filters(ecity):
    a = fresh_case(ecity, title="甲案")
    b = investigating(ecity, title="乙案", party_kind="organisation", party_name="赶超建材有限公司")
    withdrawn = fresh_case(ecity, title="丙案")
    services.case_withdraw(actor=ecity.officer_user_a, case=withdrawn, reason="违法事实不成立")
    api = TokenApi(ecity.officer_user_a)
    data = api.get("/enforcement/cases").json()
    assert data["count"] == 2
    rows = {r["code"]: r for r in data["items"]}
    assert rows[a.code]["party"] == "张某" and rows[b.code]["party"] == "赶超建材有限公司"
    assert "张三" not in api.get("/enforcement/cases").content.decode()
    assert [
        r["code"] for r in api.get("/enforcement/cases", stage="investigating").json()["items"]
    ] == [b.code]
    everything = api.get("/enforcement/cases", include_closed="true").json()
    assert everything["count"] == 3
    assert api.get("/enforcement/cases", q="甲案").json()["count"] == 1
    assert api.get("/enforcement/cases", limit=1).json()["count"] == 2
    assert len(api.get("/enforcement/cases", limit=1).json()["items"]) == 1


def test_open_case(ecity):
    response = TokenApi(ecity.officer_user_a).post("/enforcement/cases", _body(ecity))
    assert response.status_code == 201
    data = response.json()
    case = Case.objects.get()
    assert data["id"] == case.pk and data["code"] == "ZF-2026-001" and data["party"] == "王某"
    assert case.party_id_no == "370102199001011234" and case.source == "complaint"
    assert case.records.get().text == "经审查，符合立案条件，同意立案。"


def test_open_case_b1_matter_not_public(ecity):
    """B1. Given a draft matter, When POST /cases, Then 409 procedure_blocked field B1 and no
    case."""
    ecity.building.state = MatterState.DRAFT
    ecity.building.save()
    response = TokenApi(ecity.officer_user_a).post("/enforcement/cases", _body(ecity))
    assert response.status_code == 409
    assert response.json()["code"] == "procedure_blocked"
    assert error_fields(response) == {"B1"}
    assert Case.objects.count() == 0 and CaseRecord.objects.count() == 0


def test_open_case_b2_one_officer(ecity):
    response = TokenApi(ecity.officer_user_a).post(
        "/enforcement/cases", _body(ecity, officer_ids=[ecity.officer_a.pk])
    )
    assert response.status_code == 409 and error_fields(response) == {"B2"}
    assert response.json()["errors"][0]["message"] == "现场执法须有两名以上执法人员"
    assert Case.objects.count() == 0


def test_open_case_bad_input(ecity):
    api = TokenApi(ecity.officer_user_a)
    unknown = api.post("/enforcement/cases", _body(ecity, officer_ids=[ecity.officer_a.pk, 99999]))
    assert unknown.status_code == 422 and error_fields(unknown) == {"officer_ids"}
    no_matter = api.post("/enforcement/cases", _body(ecity, matter_id=99999))
    assert no_matter.status_code == 422 and error_fields(no_matter) == {"matter_id"}
    kind = api.post("/enforcement/cases", _body(ecity, party_kind="alien"))
    assert kind.status_code == 422 and error_fields(kind) == {"party_kind"}
    assert Case.objects.count() == 0


def test_open_case_outside_the_agency_refused(ecity):
    response = TokenApi(ecity.nr_officer_user).post("/enforcement/cases", _body(ecity))
    assert response.status_code == 403 and Case.objects.count() == 0


def test_patch_makes_the_case_major(ecity):
    case = fresh_case(ecity)
    api = TokenApi(ecity.officer_user_a)
    response = api.call(
        "PATCH",
        f"/enforcement/cases/{case.pk}",
        {
            "proposed_penalties": ["fine"],
            "proposed_fine": "15000",
            "proposed_summary": "拟罚款",
            "expected_version": case.version,
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["major"] is True and data["major_reasons"] == ["fine_person"]
    assert data["proposed_fine"] == "15000.00"
    marked = api.call(
        "PATCH",
        f"/enforcement/cases/{case.pk}",
        {
            "manual_major": True,
            "manual_major_reason": "社会关注",
            "expected_version": data["version"],
        },
    )
    unmark = {"manual_major": False, "expected_version": marked.json()["version"]}
    refused = api.call("PATCH", f"/enforcement/cases/{case.pk}", unmark)
    assert refused.status_code == 409 and error_fields(refused) == {"B8"}


def test_core_moves(ecity):
    case = fresh_case(ecity)
    api = TokenApi(ecity.officer_user_a)
    path = f"/enforcement/cases/{case.pk}"
    assert api.post(path + "/investigate").json()["stage"] == "investigating"
    refused = api.post(path + "/submit-review", {"opinion": "事实清楚"})
    assert refused.status_code == 409 and error_fields(refused) == {"B6"}
    services.record_add(actor=ecity.officer_user_a, case=case, text="现场检查笔录")
    reviewed = api.post(path + "/submit-review", {"opinion": "事实清楚"})
    assert reviewed.status_code == 200 and reviewed.json()["stage"] == "reviewed"
    no_reason = api.post(path + "/reinvestigate", {"reason": ""})
    assert no_reason.status_code == 422 and error_fields(no_reason) == {"reason"}
    back = api.post(path + "/reinvestigate", {"reason": "证据不足"})
    assert back.json()["stage"] == "investigating"
    early = api.post(path + "/close", {"summary": "结案"})
    assert early.status_code == 409
    gone = api.post(path + "/withdraw", {"reason": "违法事实不成立"})
    assert (
        gone.json()["stage"] == "withdrawn" and gone.json()["withdrawn_reason"] == "违法事实不成立"
    )
    assert Case.objects.get().stage == Stage.WITHDRAWN


def test_close_blocked_by_b6(ecity):
    case = fresh_case(ecity)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.SERVED,
        visited=[Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.DECIDED, Stage.SERVED],
    )
    response = TokenApi(ecity.officer_user_a).post(
        f"/enforcement/cases/{case.pk}/close", {"summary": "结案"}
    )
    assert response.status_code == 409 and response.json()["code"] == "procedure_blocked"
    assert "B6" in error_fields(response)
    assert Case.objects.get().stage == Stage.SERVED


def test_officer_of_another_agency_gets_404(ecity):
    case = fresh_case(ecity)
    api = TokenApi(ecity.nr_officer_user)
    assert api.get(f"/enforcement/cases/{case.pk}").status_code == 404
    assert api.post(f"/enforcement/cases/{case.pk}/investigate").status_code == 404
    assert api.get("/enforcement/cases").json()["count"] == 0
    assert Case.objects.get().stage == Stage.FILED


def test_reader_cannot_move_a_case(ecity):
    case = fresh_case(ecity)
    api = TokenApi(ecity.office)
    assert api.get(f"/enforcement/cases/{case.pk}").status_code == 200
    assert api.post(f"/enforcement/cases/{case.pk}/investigate").status_code == 403
    assert Case.objects.get().stage == Stage.FILED
