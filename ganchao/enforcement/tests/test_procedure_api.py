"""The procedure API: one test per endpoint, refusals as 409 procedure_blocked naming the rule,
and the query count of GET /cases/{id}/procedure pinned."""

import datetime as dt

from django.db import transaction

from ganchao.enforcement import services
from ganchao.enforcement.choices import ActionKind, DeliveryMethod, Stage, StatementKind
from ganchao.enforcement.models import Action, Case, CaseDecision, Hearing
from ganchao.enforcement.tests.conftest import pdf
from ganchao.enforcement.tests.test_procedure_services import (
    decide,
    heard_case,
    issue,
    notified_case,
    reviewed_case,
)

JSON = "application/json"
BASE = "/api/v1/enforcement"


def rule_of(response) -> str:
    body = response.json()
    assert response.status_code == 409 and body["code"] == "procedure_blocked"
    return body["errors"][0]["field"]


def test_post_notice(ecity, login):
    case = reviewed_case(ecity, fine="15000")
    client = login(ecity.officer_user_a)
    url = f"{BASE}/cases/{case.pk}/notices"
    refused = client.post(url, {"served_on": "2026-03-10", "hearing_right": False}, JSON)
    assert rule_of(refused) == "B9"
    made = client.post(url, {"served_on": "2026-03-10"}, JSON)
    assert made.status_code == 201
    body = made.json()
    assert body["stage"] == Stage.NOTIFIED
    assert body["notices"][0]["hearing_right"] is True
    assert body["notices"][0]["proposed_fine"] == "15000.00"
    assert body["hearing_request_due"] == "2026-03-17"


def test_post_statement_and_hearing(ecity, login):
    """B11 over the API: a late hearing request 409 B11; on time it creates the hearing; the
    hearing scheduled too soon 409 B11, then scheduled and held."""
    case = notified_case(ecity, fine="15000")
    client = login(ecity.officer_user_a)
    url = f"{BASE}/cases/{case.pk}/statements"
    late = client.post(url, {"kind": "hearing_request", "received_on": "2026-03-18"}, JSON)
    assert rule_of(late) == "B11"
    made = client.post(url, {"kind": "hearing_request", "received_on": "2026-03-17"}, JSON)
    assert made.status_code == 201
    hearing = made.json()["hearings"][0]
    assert hearing["request_due"] == "2026-03-17" and hearing["request_state"] == "met"
    schedule = f"{BASE}/hearings/{hearing['id']}/schedule"
    body = {"notified_on": "2026-03-18", "place": "听证室", "host": "王法制"}
    assert rule_of(client.post(schedule, body | {"scheduled_on": "2026-03-26"}, JSON)) == "B11"
    done = client.post(schedule, body | {"scheduled_on": "2026-03-27"}, JSON)
    assert done.status_code == 200
    row = done.json()["hearings"][0]
    assert row["notice_due"] == "2026-03-18" and row["notice_state"] == "met"
    held = client.post(
        f"{BASE}/hearings/{hearing['id']}/hold",
        {"held_on": "2026-03-27", "record": "双方陈述意见"},
        JSON,
    )
    assert held.status_code == 200 and held.json()["hearings"][0]["held_on"] == "2026-03-27"
    blockers = held.json()["decide_blockers"]
    assert any("法制审核" in b["message"] for b in blockers)


def test_post_decision(ecity, login):
    case = heard_case(ecity)
    url = f"{BASE}/cases/{case.pk}/decision"
    body = {"kind": "penalty", "penalties": ["fine"], "decided_on": "2026-03-20"}
    assert login(ecity.officer_user_a).post(url, body | {"fine": "5000"}, JSON).status_code == 403
    type(ecity.head).objects.filter(pk=ecity.head.pk).update(full_name="赵婷佳")
    client = login(ecity.head)
    heavier = client.post(url, body | {"fine": "5000.01"}, JSON)
    assert rule_of(heavier) == "B9"
    assert "不得因当事人陈述申辩而给予更重的处罚" in heavier.json()["message"]
    made = client.post(url, body | {"fine": "5000"}, JSON)
    assert made.status_code == 201
    decision = made.json()["decision"]
    assert decision["fine"] == "5000.00" and decision["issued"] is False
    assert decision["decided_by"] == "赵婷佳"  # the decider's name, not the login
    assert made.json()["stage"] == Stage.DECIDED
    page = login(ecity.head).get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "决定人 赵婷佳" in page


def test_post_decision_non_penalty_without_notice(ecity, login):
    case = reviewed_case(ecity, matter=ecity.permit, fine=None, penalties=())
    made = login(ecity.head).post(
        f"{BASE}/cases/{case.pk}/decision",
        {"kind": "permit", "decided_on": "2026-03-05"},
        JSON,
    )
    assert made.status_code == 201 and made.json()["notices"] == []


def test_post_delivery_multipart(ecity, login):
    case = heard_case(ecity)
    issue(decide(ecity, case))
    client = login(ecity.officer_user_a)
    url = f"{BASE}/cases/{case.pk}/deliveries"
    fields = {
        "method": DeliveryMethod.ELECTRONIC,
        "delivered_on": "2026-03-23",
        "recipient": "张三",
    }
    assert rule_of(client.post(url, fields)) == "B11"
    made = client.post(url, fields | {"consent": pdf("确认书.pdf")})
    assert made.status_code == 201
    delivery = made.json()["deliveries"][0]
    assert delivery["consent_file_id"] and len(delivery["consent_sha256"]) == 64


def test_post_execution_and_rectification(ecity, login):
    case = heard_case(ecity)
    issue(decide(ecity, case))
    services.delivery_record(
        actor=ecity.officer_user_a,
        case=case,
        method=DeliveryMethod.DIRECT,
        delivered_on=dt.date(2026, 3, 23),
        recipient="张三",
    )
    client = login(ecity.officer_user_a)
    made = client.post(
        f"{BASE}/cases/{case.pk}/executions",
        {"done_on": "2026-04-01", "amount_paid": "5000", "note": "已缴纳罚款"},
        JSON,
    )
    assert made.status_code == 201
    assert made.json()["executions"][0]["amount_paid"] == "5000.00"
    assert made.json()["stage"] == Stage.EXECUTING
    fixed = client.post(
        f"{BASE}/cases/{case.pk}/rectification",
        {"rectified_on": "2026-04-03", "note": "已拆除"},
        JSON,
    )
    assert fixed.status_code == 200 and fixed.json()["rectified_on"] == "2026-04-03"
    assert Case.objects.get(pk=case.pk).rectified_on == dt.date(2026, 4, 3)


def test_post_preservation_resolve(ecity, login):
    case = ecity.open_case()
    with transaction.atomic():
        action = Action.objects.create(
            case=case,
            stage=Stage.INVESTIGATING,
            kind=ActionKind.PRESERVATION,
            started_at=dt.datetime(2026, 3, 3, 2, tzinfo=dt.UTC),
            created_by=ecity.officer_user_a,
        )
    client = login(ecity.officer_user_a)
    made = client.post(
        f"{BASE}/actions/{action.pk}/resolve",
        {"resolved_on": "2026-03-16", "resolution": "解除保存"},
        JSON,
    )
    assert made.status_code == 200
    row = made.json()["preservations"][0]
    assert row["due"] == "2026-03-12" and row["state"] == "late"
    assert (
        login(ecity.nr_officer_user)
        .post(f"{BASE}/actions/{action.pk}/resolve", {}, JSON)
        .status_code
        == 404
    )


def test_get_procedure_scoped(ecity, login):
    case = notified_case(ecity)
    assert login(ecity.officer_user_a).get(f"{BASE}/cases/{case.pk}/procedure").status_code == 200
    assert login(ecity.nr_officer_user).get(f"{BASE}/cases/{case.pk}/procedure").status_code == 404


def _rich_case(ecity, n: int):
    """A decided, issued and served case with n statements and n deliveries."""
    case = notified_case(ecity)
    for i in range(n):
        services.statement_record(
            actor=ecity.officer_user_a,
            case=case,
            kind=StatementKind.STATEMENT,
            received_on=dt.date(2026, 3, 11),
            text=f"第{i + 1}次陈述",
        )
    issue(decide(ecity, case))
    for i in range(n):
        services.delivery_record(
            actor=ecity.officer_user_a,
            case=case,
            method=DeliveryMethod.ELECTRONIC,
            delivered_on=dt.date(2026, 3, 23),
            recipient=f"受送达人{i + 1}",
            consent_upload=pdf(),
        )
    return case


def test_get_procedure_query_count(ecity, login, django_assert_max_num_queries):
    """The same number of queries with one record of each kind as with five."""
    client = login(ecity.officer_user_a)
    small, big = _rich_case(ecity, 1), _rich_case(ecity, 5)
    with transaction.atomic():
        Hearing.objects.create(
            case=big, requested_on=dt.date(2026, 3, 12), created_by=ecity.officer_user_a
        )
    with django_assert_max_num_queries(40) as small_queries:
        assert client.get(f"{BASE}/cases/{small.pk}/procedure").status_code == 200
    with django_assert_max_num_queries(len(small_queries)) as big_queries:
        body = client.get(f"{BASE}/cases/{big.pk}/procedure").json()
    assert len(body["statements"]) == 5 and len(body["deliveries"]) == 5
    assert len(big_queries) == len(small_queries)
    assert CaseDecision.objects.count() == 2
