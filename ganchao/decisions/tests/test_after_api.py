"""API after the decision: one test per endpoint (A14, A15)."""

import pytest
from django.utils import timezone

from ganchao.audit.models import AuditEvent
from ganchao.decisions.models import Archive, Decision
from ganchao.decisions.services import after
from ganchao.decisions.tests.after_support import decided, executing, published

BASE = "/api/v1/decisions/{}"


def test_party_report_and_publication(dcity, login):
    """Given a decided decision, When the office posts the party report then the publication,
    Then 201 each and the decision is published."""
    decision = decided(dcity)
    client = login(dcity.office)
    response = client.post(
        BASE.format(decision.pk) + "/party-report",
        {"reported_on": "2026-04-01", "doc_number": "赶超府〔2026〕12号"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["recipient"] == "中共赶超市委员会"
    response = client.post(
        BASE.format(decision.pk) + "/publication",
        {"channel": "gazette", "reference": "公报2026年第3期", "published_on": "2026-04-02"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    decision.refresh_from_db()
    assert decision.state == "published"


def test_publication_refused_names_A14_when_the_adoption_report_is_missing(dcity, login):
    decision = decided(dcity)
    decision.adoption_reports.all().delete()
    after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=timezone.localdate(), doc_number="1号"
    )
    response = login(dcity.office).post(
        BASE.format(decision.pk) + "/publication",
        {"channel": "gazette", "reference": "公报", "published_on": "2026-04-02"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "procedure_blocked" and body["errors"][0]["field"] == "A14"


def test_archive_checklist_and_archive(dcity, login):
    """Given a published decision, When the checklist is read, Then it is complete; When the
    office archives it, Then 201 with the checklist."""
    decision = published(dcity)
    client = login(dcity.office)
    body = client.get(BASE.format(decision.pk) + "/archive-checklist").json()
    assert body["complete"] and body["count"] == len(body["items"])
    response = client.post(
        BASE.format(decision.pk) + "/archive",
        {"archive_number": "A-1"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["checklist"] == body["items"]


def test_archive_refused_while_incomplete(dcity, login):
    decision = published(dcity, signed_off=False)
    response = login(dcity.office).post(
        BASE.format(decision.pk) + "/archive",
        {"archive_number": "A-1"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "A14"


def test_execution_unit_execute_and_reports(dcity, login):
    decision = published(dcity)
    after.archive_create(actor=dcity.office, decision=decision, archive_number="A-1")
    client = login(dcity.office)
    response = client.put(
        BASE.format(decision.pk) + "/execution-unit",
        {"unit_code": "C004"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["execution_unit_code"] == "C004"
    response = client.post(BASE.format(decision.pk) + "/execute")
    assert response.status_code == 200 and response.json()["state"] == "executing"
    client = login(dcity.drc_liaison)
    response = client.post(
        BASE.format(decision.pk) + "/execution-reports",
        {"period": "2026年第二季度", "progress": "顺利", "serious_change": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = client.get(BASE.format(decision.pk) + "/execution-reports").json()
    assert body["count"] == 1 and body["items"][0]["serious_change"] is True


def test_execution_unit_unknown_code_is_422(dcity, login):
    decision = decided(dcity)
    response = login(dcity.office).put(
        BASE.format(decision.pk) + "/execution-unit",
        {"unit_code": "NOPE"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_suspend_resume_adjust_terminate(dcity, login):
    """Given an executing decision, When the office suspends, Then 403; the head suspends,
    resumes, the office adjusts, the head terminates."""
    decision = executing(dcity)
    url = BASE.format(decision.pk)
    payload = {"reason_code": "problem_found", "reason": "问题"}
    assert (
        login(dcity.office)
        .post(url + "/suspend", payload, content_type="application/json")
        .status_code
        == 403
    )
    head = login(dcity.mayor)
    assert (
        head.post(url + "/suspend", payload, content_type="application/json").json()["state"]
        == "suspended"
    )
    assert (
        head.post(url + "/resume", {"reason": "好了"}, content_type="application/json").json()[
            "state"
        ]
        == "executing"
    )
    office = login(dcity.office)
    body = office.post(url + "/adjust", {"reason": "重大调整"}, content_type="application/json")
    assert body.status_code == 200 and body.json()["procedures_since"].endswith("+08:00")
    head = login(dcity.mayor)
    response = head.post(url + "/terminate", {"reason": "终止"}, content_type="application/json")
    assert response.json()["state"] == "terminated"


def test_evaluations(dcity, login):
    decision = executing(dcity, stability_risk=True, risk_by="某某咨询公司")
    client = login(dcity.office)
    url = BASE.format(decision.pk) + "/evaluations"
    response = client.post(
        url,
        {"trigger": "below_expectation", "evaluator": "某某咨询公司"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["errors"][0] == {
        "field": "A14",
        "message": "评估主体不得为决策前主要论证评估单位",
    }
    response = client.post(
        url,
        {"trigger": "below_expectation", "evaluator": "第三方研究院", "result": "基本达到预期"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get(url).json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_delete_decision_and_archive_refused_A15(dcity, login):
    """Given an archived decision, When the system administrator sends DELETE for the
    decision or its archive, Then 409 procedure_blocked A15, and each attempt is a committed
    audit event with success=False."""
    decision = published(dcity)
    after.archive_create(actor=dcity.office, decision=decision, archive_number="A-1")
    client = login(dcity.office)
    for url in (BASE.format(decision.pk), BASE.format(decision.pk) + "/archive"):
        response = client.delete(url)
        assert response.status_code == 409, (url, response.content)
        body = response.json()
        assert body["code"] == "procedure_blocked"
        assert body["errors"] == [
            {"field": "A15", "message": "重大行政决策档案及其审计记录不得删除"}
        ]
    assert AuditEvent.objects.filter(action="decision.delete_refused", success=False).count() == 2
    assert Decision.objects.filter(pk=decision.pk).exists()
    assert Archive.objects.filter(decision=decision).exists()


def test_delete_of_a_hidden_decision_is_404(dcity, login):
    decision = decided(dcity)
    response = login(dcity.liaison_a).delete(BASE.format(decision.pk))
    assert response.status_code == 404


def test_exceptions_report_api(dcity, login):
    """Given an exempted decision and a suspension, When the office reads the exceptions, Then
    both appear; a liaison gets 403."""
    decision = executing(dcity, exempt=True)
    after.decision_suspend(
        actor=dcity.mayor, decision=decision, reason_code="circumstances", reason="情况变化"
    )
    body = (
        login(dcity.office)
        .get(f"/api/v1/decision-exceptions?year={timezone.localdate().year}")
        .json()
    )
    rules = sorted(row["rule"] for row in body["items"])
    assert rules == ["A14", "A3"] and body["count"] == 2
    assert login(dcity.drc_liaison).get("/api/v1/decision-exceptions").status_code == 403
