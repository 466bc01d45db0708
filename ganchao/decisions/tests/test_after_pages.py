"""Pages after the decision: the action forms, refusals naming their rule, the delete route
(A15), the decision page's panel, the exceptions report and its export."""

import io

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from ganchao.audit.models import AuditEvent
from ganchao.decisions.choices import State
from ganchao.decisions.models import Consultation, Decision
from ganchao.decisions.selectors import decision_facts
from ganchao.decisions.services import after
from ganchao.decisions.tests.after_support import decided, executing, published
from ganchao.decisions.views import after as views


def test_party_report_form_and_post(dcity, login):
    """Given a decided decision, When the office opens the form, Then the recipient is filled
    in; When it posts, Then it returns to the decision page, party_reported."""
    decision = decided(dcity)
    client = login(dcity.office)
    page = client.get(f"/decisions/{decision.pk}/party-report/")
    assert page.status_code == 200 and "中共赶超市委员会" in page.content.decode()
    response = client.post(
        f"/decisions/{decision.pk}/party-report/",
        {"reported_on": "2026-04-01", "doc_number": "赶超府〔2026〕12号", "recipient": ""},
    )
    assert response.status_code == 302 and response.url.endswith(f"/decisions/{decision.pk}/")
    decision.refresh_from_db()
    assert decision.state == State.PARTY_REPORTED


def test_publication_refusal_is_shown_naming_the_rule(dcity, login):
    """Given a decision without its adoption report, When the office publishes on the page,
    Then the page shows 【A14】…, status 409, nothing saved."""
    decision = decided(dcity)
    decision.adoption_reports.all().delete()
    after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=timezone.localdate(), doc_number="1号"
    )
    response = login(dcity.office).post(
        f"/decisions/{decision.pk}/publication/",
        {"channel": "gazette", "reference": "公报2026年第3期", "published_on": "2026-04-02"},
    )
    assert response.status_code == 409
    assert "【A14】" in response.content.decode()
    assert not decision.publications.exists()


def test_publication_form_errors_are_by_the_field(dcity, login):
    decision = decided(dcity)
    after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=timezone.localdate(), doc_number="1号"
    )
    response = login(dcity.office).post(
        f"/decisions/{decision.pk}/publication/", {"channel": "gazette"}
    )
    assert response.status_code == 422
    assert 'id="error-summary"' in response.content.decode()


def test_archive_page_lists_the_checklist_and_refuses_naming_missing(dcity, login):
    decision = published(dcity, signed_off=False)
    client = login(dcity.office)
    page = client.get(f"/decisions/{decision.pk}/archive/").content.decode()
    assert "归档完整性清单" in page and "缺少" in page
    response = client.post(f"/decisions/{decision.pk}/archive/", {"archive_number": "A-1"})
    assert response.status_code == 409
    assert "【A14】缺少集体讨论会议记录（已签发）" in response.content.decode()


def test_suspend_page_forbidden_for_the_office(dcity, login):
    """Given an executing decision, When the office opens the suspend form and posts, Then
    403; the head suspends."""
    decision = executing(dcity)
    payload = {"reason_code": "problem_found", "reason": "问题"}
    response = login(dcity.office).post(f"/decisions/{decision.pk}/suspend/", payload)
    assert response.status_code == 403
    response = login(dcity.mayor).post(f"/decisions/{decision.pk}/suspend/", payload)
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == State.SUSPENDED


def test_execute_page_action(dcity, login):
    decision = published(dcity)
    after.archive_create(actor=dcity.office, decision=decision, archive_number="A-1")
    client = login(dcity.office)
    response = client.post(f"/decisions/{decision.pk}/execute/")
    assert response.status_code == 409 and "【A14】" in response.content.decode()
    client.post(f"/decisions/{decision.pk}/execution-unit/", {"unit": dcity.drc.pk})
    assert client.post(f"/decisions/{decision.pk}/execute/").status_code == 302
    decision.refresh_from_db()
    assert decision.state == State.EXECUTING


def test_evaluation_page_rejects_the_assessor(dcity, login):
    decision = executing(dcity, stability_risk=True, risk_by="某某咨询公司")
    response = login(dcity.office).post(
        f"/decisions/{decision.pk}/evaluations/new/",
        {"trigger": "many_opinions", "evaluator": "某某咨询公司"},
    )
    assert response.status_code == 409
    assert "【A14】评估主体不得为决策前主要论证评估单位" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_delete_route_refuses_and_records_A15(dcity, login):
    """Given a decision, When the page route decisions:delete is posted (no button leads to
    it), Then 409 naming A15, the decision stays, and the attempt is a committed audit event."""
    decision = decided(dcity)
    response = login(dcity.office).post(f"/decisions/{decision.pk}/delete/")
    assert response.status_code == 409
    assert "【A15】重大行政决策档案及其审计记录不得删除" in response.content.decode()
    assert Decision.objects.filter(pk=decision.pk).exists()
    event = AuditEvent.objects.get(action="decision.delete_refused")
    assert event.success is False and event.object_id == str(decision.pk)


def _panel(dcity, decision, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    facts = decision_facts(decision)
    context = views.panel_context(request, decision, facts)
    return render_to_string(
        "decisions/panels/after.html",
        {"panel": context, "decision": decision, "facts": facts, "request": request, "user": user},
    )


def test_panel_in_execution_offers_only_suspend_and_adjustment(dcity):
    """Given an executing decision, When the head views the panel, Then the notice says the
    content is frozen and the only changing actions are suspend and major adjustment (no
    delete, no edit); the office sees only the adjustment (and the evaluation)."""
    decision = executing(dcity)
    html = _panel(dcity, decision, dcity.mayor)
    assert "实质内容不得直接修改" in html
    assert "暂停执行（行政首长）" in html and "启动重大调整程序" in html
    assert "删除" not in html and "终止" not in html.split("暂停、调整与终止")[0]
    office = _panel(dcity, decision, dcity.office)
    assert "暂停执行（行政首长）" not in office and "启动重大调整程序" in office


def test_panel_lists_execution_reports(dcity):
    decision = executing(dcity)
    after.execution_report_add(
        actor=dcity.drc_liaison, decision=decision, period="第二季度", progress="推进顺利"
    )
    html = _panel(dcity, decision, dcity.drc_liaison)
    assert "推进顺利" in html and "报告执行情况" in html


def test_exceptions_page_rows_filter_and_export(dcity, login):
    """Given an exempted decision (A3), a shortened consultation (A4) and a suspension, When
    the office opens the report, Then each is a row with date, who and reason; the .xlsx has
    the same rows; a liaison gets 403."""
    decision = executing(dcity, exempt=True)
    after.decision_suspend(
        actor=dcity.mayor,
        decision=decision,
        reason_code="problem_found",
        reason="执行中发现重大问题",
    )
    Consultation.objects.create(
        decision=decision,
        draft=decision.drafts.get(),
        title="短期征求意见",
        explanation="x",
        channel="x",
        start_date=timezone.localdate(),
        end_date=timezone.localdate(),
        shortening_reason="防汛应急，需在汛期前出台",
        created_by=dcity.drc_liaison,
    )
    client = login(dcity.office)
    year = timezone.localdate().year
    html = client.get(f"/decisions/exceptions/?year={year}").content.decode()
    for text in ("《保守国家秘密法》第九条", "防汛应急", "执行中发现重大问题", "A3", "A4"):
        assert text in html
    assert "所选年度没有例外情况" in client.get("/decisions/exceptions/?year=2019").content.decode()
    response = client.get(f"/decisions/exceptions/?year={year}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4 and sheet["A1"].value == "规则"
    assert login(dcity.drc_liaison).get("/decisions/exceptions/").status_code == 403


def test_exceptions_page_query_count_is_bounded(dcity, login, django_assert_max_num_queries):
    """Given several decisions with exceptions, When the report is read, Then the number of
    queries does not grow with the rows."""
    for _n in range(3):
        decision = executing(dcity, exempt=True)
        after.decision_suspend(
            actor=dcity.mayor, decision=decision, reason_code="circumstances", reason="变化"
        )
        after.decision_adjust(actor=dcity.office, decision=decision, reason="调整")
    client = login(dcity.office)
    with django_assert_max_num_queries(20):
        response = client.get("/decisions/exceptions/")
    assert response.content.decode().count("badge bg-orange-lt") == 9


def test_exceptions_cover_review_urgency_head_reason_and_adviser_not_adopted(dcity, login):
    """Given a review with an urgency reason (A10), a head decision against the majority with
    its reason (A13) and an adviser opinion not adopted with its reason (A16), When the
    leader reads the report, Then each is a row naming its rule and reason."""
    from ganchao.decisions.models import AdviserConsultation, AgendaItem, LegalityReview

    decision = decided(dcity)
    LegalityReview.objects.filter(decision=decision).update(urgency_reason="汛期前须出台")
    AgendaItem.objects.filter(decision=decision).update(head_reason="从全局利益出发")
    AdviserConsultation.objects.filter(legality_review__decision=decision).update(
        adoption="not_adopted", adoption_reason="与上位政策不一致"
    )
    html = login(dcity.mayor).get("/decisions/exceptions/").content.decode()
    for text in ("A10", "汛期前须出台", "A13", "从全局利益出发", "A16", "与上位政策不一致"):
        assert text in html
    assert login(dcity.office).get("/decisions/exceptions/?year=99999").status_code == 200
    assert login(dcity.office).get("/api/v1/decision-exceptions?year=99999").status_code == 422


def test_panel_queries_do_not_grow_with_reports(dcity, django_assert_max_num_queries):
    """Given an executing decision with many execution reports, suspensions and evaluations,
    When the panel is built and rendered, Then the query count stays bounded."""
    decision = executing(dcity)
    for n in range(8):
        after.execution_report_add(
            actor=dcity.drc_liaison, decision=decision, period=f"第{n}期", progress="推进"
        )
        after.evaluation_add(
            actor=dcity.office,
            decision=decision,
            trigger="necessary",
            evaluator=f"评估机构{n}",
            evaluator_unit=dcity.justice,
        )
    request = RequestFactory().get("/")
    request.user = dcity.mayor
    facts = decision_facts(decision)
    with django_assert_max_num_queries(20):
        context = views.panel_context(request, decision, facts)
        html = render_to_string(
            "decisions/panels/after.html",
            {"panel": context, "decision": decision, "facts": facts, "user": dcity.mayor},
        )
    assert html.count("评估机构") == 8
