"""The decision page with all its panels reads a fixed number of queries, however many
opinions, comments and drafts the decision has."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.decisions import services
from ganchao.decisions.models import Consultation, Opinion, PublicComment


def _queries(client, pk) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/decisions/{pk}/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_decision_page_queries_do_not_grow_with_the_records(dcity, login):
    """Given a launched decision, When 15 opinions with comments and 3 more drafts are added,
    Then its page runs the same number of queries as before."""
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    before = _queries(client, decision.pk)
    consultation = Consultation.objects.create(
        decision=decision,
        draft=decision.drafts.first(),
        title="征求意见",
        explanation="说明",
        channel="电子邮件",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 2, 1),
        created_by=dcity.office,
        state="open",
    )
    for n in range(15):
        opinion = Opinion.objects.create(
            decision=decision,
            consultation=consultation,
            source="public",
            summary=f"意见{n}",
            seq=n + 1,
        )
        PublicComment.objects.create(consultation=consultation, body="建议", opinion=opinion)
    for n in range(3):
        services.draft_add(
            actor=dcity.drc_liaison, decision=decision, text=f"第{n + 2}稿", change_note="修改"
        )
    after = _queries(client, decision.pk)
    assert after == before
    assert before <= 70
