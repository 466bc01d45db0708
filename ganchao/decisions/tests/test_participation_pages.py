"""The participation pages: the panel on the decision page, the forms, moderation, opinions and
hearings — each action a POST calling its service, each refusal shown naming its rule."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.decisions.choices import Adoption, CommentState, OpinionSource
from ganchao.decisions.models import Consultation, Hearing, Opinion, PublicComment
from ganchao.decisions.services import participation as svc
from ganchao.decisions.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def consultation(dcity, decision, end="2025-03-20", **kwargs):
    values = {
        "title": "征求意见公告",
        "explanation": "草案说明",
        "channel": "市政府网站",
        "start_date": "2025-03-01",
        "end_date": end,
    }
    values.update(kwargs)
    return svc.consultation_create(actor=dcity.drc_liaison, decision=decision, **values)


def page_text(response) -> str:
    return response.content.decode()


def test_the_panel_is_on_the_decision_page_with_its_actions(dcity, login):
    """Given a launched decision with a consultation, When its undertaker opens the decision
    page, Then the participation panel lists it with the publish button."""
    decision = dcity.launched()
    consultation(dcity, decision)
    text = page_text(login(dcity.drc_liaison).get(f"/decisions/{decision.pk}/"))
    assert 'id="participation"' in text and "征求意见公告" in text
    assert f"/decisions/consultations/{decision.consultations.get().pk}/publish/" in text


def test_the_reviewer_reads_the_panel_without_forms(dcity, login):
    decision = dcity.launched()
    consultation(dcity, decision)
    response = login(dcity.reviewer).get(f"/decisions/{decision.pk}/participation/")
    assert response.status_code == 200
    assert "征求意见公告" in page_text(response) and "发布公告" not in page_text(response)
    assert login(dcity.liaison_a).get(f"/decisions/{decision.pk}/participation/").status_code == 404


def test_a4_the_page_shows_the_refusal_naming_the_rule_and_saves_nothing(dcity, login):
    """Given a 20-day consultation without a reason, When 发布公告 is pressed, Then the page
    says 【A4】… and the consultation stays a draft."""
    decision = dcity.launched()
    item = consultation(dcity, decision)
    client = login(dcity.drc_liaison)
    response = client.post(
        f"/decisions/consultations/{item.pk}/publish/",
        {"next": f"/decisions/{decision.pk}/participation/"},
        follow=True,
    )
    assert "【A4】征求意见期限少于30日，须在公告中说明缩短期限的理由" in page_text(response)
    assert Consultation.objects.get().state == "draft"


def test_the_consultation_form_saves_a_draft_or_names_the_field(dcity, login):
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    url = f"/decisions/{decision.pk}/consultations/new/"
    blank = client.get(url)
    assert blank.status_code == 200
    # the date inputs carry their initial values in the form a date picker reads
    assert 'type="date"' in page_text(blank) and 'value="20' in page_text(blank)
    bad = client.post(url, {"title": "公告", "start_date": "2025-03-20", "end_date": "2025-03-01"})
    assert bad.status_code == 422 and "截止日期不能早于开始日期" in page_text(bad)
    done = client.post(
        url,
        {
            "title": "公告",
            "explanation": "说明",
            "channel": "网站",
            "start_date": "2025-03-01",
            "end_date": "2025-03-20",
            "shortening_reason": "防汛应急，需在汛期前出台",
        },
    )
    assert done.status_code == 302
    item = Consultation.objects.get()
    client.post(f"/decisions/consultations/{item.pk}/publish/")
    item.refresh_from_db()
    assert item.state == "open" and item.shortening_reason == "防汛应急，需在汛期前出台"
    assert login(dcity.reviewer).get(url).status_code == 403


def test_moderation_page_lists_and_moderates_in_bulk(dcity, login, django_assert_max_num_queries):
    decision = dcity.launched()
    item = consultation(dcity, decision)
    rows = [
        PublicComment.objects.create(consultation=item, body=f"意见{n}", author=f"市民{n}")
        for n in range(12)
    ]
    client = login(dcity.market_liaison)
    url = f"/decisions/consultations/{item.pk}/comments/"
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200 and "意见11" in page_text(response)
    response = client.post(
        f"/decisions/consultations/{item.pk}/comments/moderate/",
        {"comment_ids": [rows[0].pk, rows[1].pk], "action": "publish", "next": url},
        follow=True,
    )
    assert "已审核所选意见" in page_text(response)
    refused = client.post(
        f"/decisions/comments/{rows[2].pk}/moderate/", {"action": "reject"}, follow=True
    )
    assert "不予公开须填写审核说明" in page_text(refused)
    client.post(f"/decisions/comments/{rows[2].pk}/moderate/", {"action": "reject", "note": "广告"})
    states = list(PublicComment.objects.order_by("pk").values_list("state", flat=True)[:3])
    assert states == [CommentState.PUBLISHED, CommentState.PUBLISHED, CommentState.REJECTED]


def test_the_moderation_page_is_not_n_plus_one(dcity, login):
    decision = dcity.launched()
    item = consultation(dcity, decision)
    client = login(dcity.drc_liaison)
    url = f"/decisions/consultations/{item.pk}/comments/?state=all"

    def count(n):
        for i in range(n):
            PublicComment.objects.create(consultation=item, body=f"意见{i}")
        PublicComment.objects.update(state=CommentState.PUBLISHED, moderated_by=dcity.office)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    assert count(2) == count(10)


def test_opinions_page_adds_handles_and_generates_the_report(
    dcity, login, django_assert_max_num_queries
):
    """Given 12 opinions with the third unhandled, When 生成采纳情况说明 is pressed, Then the
    page names 第3条; once handled the report is shown."""
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    url = f"/decisions/{decision.pk}/opinions/"
    for n in range(1, 13):
        client.post(
            f"/decisions/{decision.pk}/opinions/add/",
            {"source": OpinionSource.PUBLIC, "summary": f"建议{n}", "comment_count": "2"},
        )
    opinions = list(Opinion.objects.order_by("seq"))
    assert [o.seq for o in opinions] == list(range(1, 13))
    for opinion in opinions:
        if opinion.seq != 3:
            client.post(f"/decisions/opinions/{opinion.pk}/handle/", {"adoption": "adopted"})
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    refused = client.post(f"/decisions/{decision.pk}/adoption-report/", {"next": url}, follow=True)
    assert "【A6】第3条意见尚未处理：建议3" in page_text(refused)
    missing_reason = client.post(
        f"/decisions/opinions/{opinions[2].pk}/handle/", {"adoption": "partly"}, follow=True
    )
    assert "部分采纳或未采纳须说明理由" in page_text(missing_reason)
    client.post(
        f"/decisions/opinions/{opinions[2].pk}/handle/",
        {"adoption": Adoption.PARTLY, "reason": "部分与上位法冲突"},
    )
    done = client.post(f"/decisions/{decision.pk}/adoption-report/", {"next": url}, follow=True)
    assert "共收到意见24条，归纳为12类，采纳11条、部分采纳1条、未采纳0条" in page_text(done)


def test_an_opinion_without_its_summary_is_refused_on_the_page(dcity, login):
    decision = dcity.launched()
    response = login(dcity.drc_liaison).post(
        f"/decisions/{decision.pk}/opinions/add/", {"source": "public", "summary": ""}
    )
    assert response.status_code == 422 and not Opinion.objects.exists()


def test_the_hearing_is_run_from_the_panel(dcity, login):
    """Given a hearing on 2025-05-10 with 张三 served on 2025-05-05, When 确定听证会 is pressed,
    Then the page shows 【A5】张三：材料送达不足7日; with the record signed it closes."""
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    back = f"/decisions/{decision.pk}/participation/"
    created = client.post(
        f"/decisions/{decision.pk}/hearings/new/",
        {"title": "停车收费听证会", "held_on": "2025-05-10", "place": "第一会议室"},
    )
    assert created.status_code == 302
    hearing = Hearing.objects.get()
    client.post(
        f"/decisions/hearings/{hearing.pk}/participants/add/",
        {"name": "张三", "organisation": "市民代表", "materials_served_on": "2025-05-05"},
    )
    participant = hearing.participants.get()
    late = client.post(
        f"/decisions/hearings/{hearing.pk}/publish-participants/",
        {"published_on": "2025-05-10", "next": back},
        follow=True,
    )
    assert "【A5】须在听证会举行前公布（听证日期2025-05-10）" in page_text(late)
    client.post(
        f"/decisions/hearings/{hearing.pk}/publish-participants/", {"published_on": "2025-05-01"}
    )
    hearing.refresh_from_db()
    assert hearing.participants_published_at.date() == dt.date(2025, 5, 1)
    refused = client.post(f"/decisions/hearings/{hearing.pk}/confirm/", {"next": back}, follow=True)
    assert "【A5】张三：材料送达不足7日" in page_text(refused)
    assert "不足7日" in page_text(client.get(back))
    client.post(
        f"/decisions/hearing-participants/{participant.pk}/served/", {"served_on": "2025-05-02"}
    )
    client.post(f"/decisions/hearings/{hearing.pk}/confirm/")
    hearing.refresh_from_db()
    assert hearing.state == "confirmed"
    client.post(
        f"/decisions/hearing-participants/{participant.pk}/signed-record/",
        {"file": pdf("笔录.pdf")},
    )
    client.post(f"/decisions/hearings/{hearing.pk}/close/")
    hearing.refresh_from_db()
    assert hearing.state == "closed"
    assert "笔录.pdf" in page_text(client.get(back))


def test_a_refusal_note_stands_for_a_signature(dcity, login):
    decision = dcity.launched()
    hearing = svc.hearing_create(
        actor=dcity.office, decision=decision, title="听证", held_on="2025-05-10", place="会议室"
    )
    person = svc.participant_add(
        actor=dcity.office, hearing=hearing, name="李四", materials_served_on="2025-05-01"
    )
    svc.hearing_participants_publish(
        actor=dcity.office, hearing=hearing, published_at=dt.date(2025, 5, 1)
    )
    svc.hearing_confirm(actor=dcity.office, hearing=hearing)
    client = login(dcity.office)
    refused = client.post(f"/decisions/hearings/{hearing.pk}/close/", follow=True)
    assert "【A5】李四：缺少签字的听证笔录或拒签说明" in page_text(refused)
    client.post(f"/decisions/hearing-participants/{person.pk}/refusal/", {"note": "拒绝签字"})
    client.post(f"/decisions/hearings/{hearing.pk}/close/")
    hearing.refresh_from_db()
    assert hearing.state == "closed"


def test_the_exemption_form_on_the_panel_records_the_legal_basis(dcity, login):
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    refused = client.post(f"/decisions/{decision.pk}/participation/exempt/", follow=True)
    assert "依法不予公开须写明法律依据" in page_text(refused)
    client.post(
        f"/decisions/{decision.pk}/participation/exempt/", {"legal_basis": "《保守国家秘密法》"}
    )
    text = page_text(login(dcity.reviewer).get(f"/decisions/{decision.pk}/participation/"))
    assert "《保守国家秘密法》" in text and 'id="participation-exemption"' in text


def test_the_participation_page_is_not_n_plus_one(dcity, login):
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    url = f"/decisions/{decision.pk}/participation/"

    def count():
        item = consultation(dcity, decision)
        PublicComment.objects.create(consultation=item, body="意见")
        svc.opinion_add(actor=dcity.office, decision=decision, source="public", summary="意见")
        hearing = svc.hearing_create(
            actor=dcity.office, decision=decision, title="听证", held_on="2025-05-10", place="室"
        )
        svc.participant_add(actor=dcity.office, hearing=hearing, name="张三")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = count()
    assert count() == first
    assert first <= 25
