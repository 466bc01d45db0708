"""Pages of the legality review: the request form, the reviewer's desk with its clocks, the
review page and its actions, the panel on the decision page."""

import datetime as dt

import time_machine

from ganchao.decisions.choices import ReviewConclusion, ReviewState, State
from ganchao.decisions.models import Decision, DecisionFile, LegalityReview
from ganchao.decisions.services import review as review_services
from ganchao.decisions.tests.conftest import pdf
from ganchao.decisions.tests.test_review_services import (  # noqa: F401
    FRIDAY,
    SECTIONS,
    _fresh_calendar,
    adviser_opinion,
    ready_for_review,
    request,
)


def _request_post(client, decision, **fields):
    data = {
        "legal_basis": "《价格法》第二十三条",
        "procedure_statement": "依法不予公开，已开展风险评估。",
        "reviewing_unit": "",
        "planned_meeting_on": "",
        "urgency_reason": "",
        **fields,
    }
    return client.post(f"/decisions/{decision.pk}/legality-review/", data)


def test_request_page_creates_the_review_with_materials(dcity, login):
    """Given a decision ready for review, When the lead liaison fills the request form with the
    three attachments, Then the review exists with its files and the page goes to it."""
    decision = ready_for_review(dcity)
    client = login(dcity.drc_liaison)
    assert client.get(f"/decisions/{decision.pk}/legality-review/").status_code == 200
    response = _request_post(
        client,
        decision,
        reviewing_unit=str(dcity.justice.pk),
        draft_file=pdf("草案.pdf"),
        legal_basis_file=pdf("依据.pdf"),
        procedure_statement_file=pdf("说明.pdf"),
    )
    review = LegalityReview.objects.get(decision=decision)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/decisions/reviews/{review.pk}/"
    )
    assert DecisionFile.objects.filter(object_id=review.pk, procedure="legality").count() == 3


def test_request_page_names_missing_fields(dcity, login):
    """Given the request form, When the legal basis and the procedure statement are empty,
    Then 422 with the errors next to both fields and nothing saved."""
    decision = ready_for_review(dcity)
    client = login(dcity.drc_liaison)
    response = _request_post(
        client,
        decision,
        legal_basis="",
        procedure_statement="",
        reviewing_unit=str(dcity.justice.pk),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_legal_basis-error"' in html and 'id="id_procedure_statement-error"' in html
    assert not LegalityReview.objects.exists()


def test_request_page_shows_the_a10_refusal(dcity, login):
    """A10 on the page. Given a request on 2025-09-26, When the meeting date 2025-10-09 is
    entered without an urgency reason, Then the page shows 【A10】 and nothing is saved."""
    decision = ready_for_review(dcity)
    client = login(dcity.drc_liaison)
    with time_machine.travel(FRIDAY, tick=False):
        response = _request_post(
            client,
            decision,
            reviewing_unit=str(dcity.justice.pk),
            planned_meeting_on="2025-10-09",
        )
    assert response.status_code == 409
    assert "【A10】合法性审查时间少于7个工作日，须说明紧急情况" in response.content.decode()
    assert not LegalityReview.objects.exists()


def test_desk_lists_reviews_with_their_clocks(dcity, login, django_assert_max_num_queries):
    """Given three requested reviews (one urgent, one paused, one overdue) of exempted decisions,
    When the reviewer opens the desk, Then each row shows the dates, the working days left,
    the paused and urgent flags and the A3 exemption basis, in a bounded number of queries."""
    with time_machine.travel(FRIDAY, tick=False):
        first = request(
            dcity,
            ready_for_review(dcity),
            planned_meeting_on=dt.date(2025, 10, 9),
            urgency_reason="省政府要求",
        )
        second = request(
            dcity, ready_for_review(dcity, title="老旧小区改造三年规划", catalogue_item=dcity.item2)
        )
        review_services.review_supplement_request(
            actor=dcity.reviewer, review=second, reason="请补充法律依据文本"
        )
        request(dcity, ready_for_review(dcity, title="第三个事项", catalogue_item=dcity.item2))
    client = login(dcity.reviewer)
    later = dt.datetime(2025, 11, 3, 9, tzinfo=FRIDAY.tzinfo)
    with time_machine.travel(later, tick=False), django_assert_max_num_queries(20):
        response = client.get("/decisions/reviews/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="review-row') == 3
    assert "紧急：审查时间少于最短期限" in html
    assert "已暂停：补充材料中" in html
    assert "已超期" in html and "table-danger" in html
    assert "政府信息公开条例" in html
    assert "2025年10月13日" in html
    assert first.pk


def test_desk_is_for_reviewers_and_the_office(dcity, login):
    """Given a liaison, When the desk is opened, Then 403; the office sees it."""
    assert login(dcity.drc_liaison).get("/decisions/reviews/").status_code == 403
    assert login(dcity.office).get("/decisions/reviews/").status_code == 200


def test_review_page_and_conclude_refusal(dcity, login):
    """A11 on the page. Given a requested review without adviser opinions, When the reviewer
    submits the three sections, Then the page shows 【A11】 and the review stays open; after an
    adviser opinion the opinion is issued."""
    review = request(dcity, ready_for_review(dcity), files=[("draft", pdf("草案.pdf"))])
    client = login(dcity.reviewer)
    page = client.get(f"/decisions/reviews/{review.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "草案.pdf" in html and "依法不予公开" in html
    assert f"adviser-consultations/new/?review={review.pk}" in html
    data = {f"c-{k}": v for k, v in SECTIONS.items()} | {"c-conclusion": "lawful"}
    refused = client.post(f"/decisions/reviews/{review.pk}/conclude/", data)
    assert refused.status_code == 409 and "【A11】" in refused.content.decode()
    review.refresh_from_db()
    assert review.state == ReviewState.REQUESTED
    adviser_opinion(dcity, review)
    done = client.post(f"/decisions/reviews/{review.pk}/conclude/", data)
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.conclusion == ReviewConclusion.LAWFUL


def test_conclude_form_errors_are_next_to_fields(dcity, login):
    """Given the opinion form, When the content section is empty, Then 422 naming it."""
    review = request(dcity, ready_for_review(dcity))
    data = {f"c-{k}": v for k, v in SECTIONS.items()} | {"c-content_opinion": ""}
    data["c-conclusion"] = "lawful"
    response = login(dcity.reviewer).post(f"/decisions/reviews/{review.pk}/conclude/", data)
    assert response.status_code == 422
    assert 'id="id_c-content_opinion-error"' in response.content.decode()


def test_reviewer_actions_on_the_page(dcity, login):
    """Given a requested review, When the reviewer takes it, asks for supplements, the
    undertaker supplies them, and the reviewer returns it,
    Then each action is saved and the decision ends launched."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    reviewer = login(dcity.reviewer)
    assert reviewer.post(f"/decisions/reviews/{review.pk}/take/").status_code == 302
    response = reviewer.post(
        f"/decisions/reviews/{review.pk}/supplement-request/", {"s-reason": ""}
    )
    assert response.status_code == 422 and 'id="id_s-reason-error"' in response.content.decode()
    reviewer.post(f"/decisions/reviews/{review.pk}/supplement-request/", {"s-reason": "补充"})
    review.refresh_from_db()
    assert review.state == ReviewState.SUPPLEMENTING and review.reviewer == dcity.reviewer
    undertaker = login(dcity.drc_liaison)
    undertaker.post(f"/decisions/reviews/{review.pk}/supplement-done/", {"d-file": pdf("补充.pdf")})
    review.refresh_from_db()
    assert review.state == ReviewState.REQUESTED
    assert DecisionFile.objects.filter(object_id=review.pk, kind="supplement").exists()
    reviewer = login(dcity.reviewer)
    reviewer.post(f"/decisions/reviews/{review.pk}/return/", {"r-reason": "材料不全"})
    assert Decision.objects.get(pk=decision.pk).state == State.LAUNCHED


def test_undertaker_may_not_take_the_review(dcity, login):
    """Given a requested review, When the undertaker posts take, Then 403-like refusal."""
    review = request(dcity, ready_for_review(dcity))
    response = login(dcity.drc_liaison).post(f"/decisions/reviews/{review.pk}/take/")
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.reviewer is None


def test_material_download_goes_through_the_hash_check(dcity, login):
    """Given a review with a material, When the reviewer downloads it, Then the file comes back
    as an attachment."""
    review = request(dcity, ready_for_review(dcity), files=[("legal_basis", pdf("依据.pdf"))])
    item = DecisionFile.objects.get(object_id=review.pk)
    response = login(dcity.reviewer).get(f"/decisions/reviews/{review.pk}/files/{item.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_hidden_review_is_not_found(dcity, login):
    """Given a review, When a town liaison opens it, Then 404."""
    review = request(dcity, ready_for_review(dcity))
    assert login(dcity.liaison_a).get(f"/decisions/reviews/{review.pk}/").status_code == 404


def test_panel_on_the_decision_page(dcity, login):
    """Given a decision in review, When its page is opened, Then the review panel shows the
    state and the A9 reason."""
    decision = ready_for_review(dcity)
    client = login(dcity.drc_liaison)
    html = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert 'id="panel-review"' in html
    assert "提请合法性审查" in html
    request(dcity, decision)
    html = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "【A9】未经合法性审查" in html
