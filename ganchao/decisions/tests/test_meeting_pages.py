"""Pages of the collective discussion: the meetings list, the meeting record, the decision
panel; refusals show the rule, nothing is saved, never a 500."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from ganchao.decisions.choices import State
from ganchao.decisions.models import AgendaItem, Meeting, MemberPosition
from ganchao.decisions.services import meeting as svc
from ganchao.decisions.tests.test_meeting_services import ready_decision, standing


def _item_with_positions(dcity):
    decision = ready_decision(dcity)
    item = svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)
    start = timezone.now() - dt.timedelta(minutes=30)
    for n, (name, position) in enumerate(
        [("李副市长", "disagree"), ("张副市长", "disagree"), ("孙副市长", "agree")]
    ):
        svc.position_record(
            actor=dcity.office,
            item=item,
            member=name,
            position=position,
            recorded_at=start + dt.timedelta(minutes=n),
        )
    return item


def test_meeting_list_query_count(dcity, login, django_assert_max_num_queries):
    """Given several meetings. When the office opens the list, Then it renders in a bounded
    number of queries with each meeting and the create form."""
    for n in range(5):
        standing(dcity, title=f"第{n}次常务会议")
    client = login(dcity.office)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("decisions:meeting_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "第4次常务会议" in text and "安排会议" in text


def test_meeting_create_page_refuses_circulation(dcity, login):
    """A13: Given the office. When it submits a 传阅会签 on the page, Then the error naming A13
    is shown next to the type and in the summary, and no meeting is saved."""
    client = login(dcity.office)
    response = client.post(
        reverse("decisions:meeting_create"),
        {
            "owner": dcity.root.pk,
            "kind": "circulation",
            "title": "传阅件",
            "held_on": "2026-03-31",
            "chaired_by": "王市长",
        },
    )
    assert response.status_code in (409, 422)
    text = response.content.decode()
    assert "【A13】" in text and "不得以传阅会签代替" in text
    assert not Meeting.objects.exists()


def test_meeting_create_page(dcity, login):
    """Given the office. When it submits a 常务会议, Then it is saved and the record page opens."""
    client = login(dcity.office)
    response = client.post(
        reverse("decisions:meeting_create"),
        {
            "owner": dcity.root.pk,
            "kind": "standing",
            "title": "市政府第13次常务会议",
            "held_on": "2026-03-31",
            "chaired_by": "王市长",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("decisions:meeting_detail", args=[meeting.pk])


def test_meeting_record_page_shows_dissent_and_head_refusal(dcity, login):
    """A13: Given 2 of 3 members 不同意. When the head's 同意 is submitted on the page without a
    reason, Then the page shows 【A13】 with the message, nothing saved; the dissent is
    highlighted."""
    item = _item_with_positions(dcity)
    client = login(dcity.office)
    url = reverse("decisions:meeting_detail", args=[item.meeting_id])
    page = client.get(url).content.decode()
    assert page.count('class="table-danger dissent"') == 2
    response = client.post(
        reverse("decisions:head_decide", args=[item.pk]),
        {"head_name": "王市长", "decision": "adopt", "reason": ""},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "【A13】行政首长的决定与多数意见不一致，须说明理由" in text
    item.refresh_from_db()
    assert not item.head_decision
    response = client.post(
        reverse("decisions:head_decide", args=[item.pk]),
        {"head_name": "王市长", "decision": "adopt", "reason": "须尽快实施"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "须尽快实施" in page and "同意（通过）" in page


def test_position_form_and_late_entry(dcity, login):
    """Given an item. When a position is posted on the page, Then it is saved; after the head's
    decision a further one is refused with 【A13】 and not saved."""
    item = _item_with_positions(dcity)
    client = login(dcity.office)
    response = client.post(
        reverse("decisions:position_record", args=[item.pk]),
        {"member": "周副市长", "position": "agree", "remarks": "赞成"},
    )
    assert response.status_code == 302
    svc.head_decide(actor=dcity.office, item=item, head_name="王市长", decision="defer")
    response = client.post(
        reverse("decisions:position_record", args=[item.pk]),
        {"member": "吴副市长", "position": "agree"},
    )
    assert response.status_code == 409
    assert "【A13】" in response.content.decode()
    assert MemberPosition.objects.filter(item=item).count() == 4


def test_sign_off_page(dcity, login):
    """Given a decided item. When the record is signed off on the page, Then the state shows
    记录已签发 and the forms are gone."""
    item = _item_with_positions(dcity)
    svc.head_decide(
        actor=dcity.office, item=item, head_name="王市长", decision="reject", reason="x"
    )
    client = login(dcity.office)
    response = client.post(reverse("decisions:meeting_sign_off", args=[item.meeting_id]))
    assert response.status_code == 302
    page = client.get(reverse("decisions:meeting_detail", args=[item.meeting_id])).content
    text = page.decode()
    assert "记录已签发" in text and "登记组成人员意见" not in text


def test_agenda_add_page_a9(dcity, login):
    """A9: Given a decision in review without legality review. When the office adds it on the
    meeting page, Then 【A9】未经合法性审查 is shown and no agenda item exists."""
    decision = ready_decision(dcity, build=False, review=False)
    meeting = standing(dcity)
    client = login(dcity.office)
    response = client.post(
        reverse("decisions:agenda_add"),
        {"meeting": meeting.pk, "decision": decision.pk, "back": "meeting"},
    )
    assert response.status_code == 409
    assert "【A9】未经合法性审查" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_decision_panel_builds_the_packet(dcity, login):
    """Given a complete decision in review. When the lead unit builds the packet from the panel,
    Then it is ready and the panel lists the items with ticks and offers the meetings."""
    decision = ready_decision(dcity, build=False)
    standing(dcity)
    client = login(dcity.drc_liaison)
    detail = reverse("decisions:detail", args=[decision.pk])
    page = client.get(detail).content.decode()
    assert 'id="panel-meeting"' in page and "生成会议材料" in page
    response = client.post(reverse("decisions:packet_build", args=[decision.pk]))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == State.READY
    page = login(dcity.office).get(detail).content.decode()
    assert "✓" in page and "列入会议议题" in page


def test_decision_panel_a12_message(dcity, login):
    """A12: Given market activity without fair-competition review. When the packet is built from
    the panel, Then the decision page shows 【A12】缺少公平竞争审查情况 and it stays in review."""
    decision = ready_decision(dcity, build=False, fair=False, market_activity=True)
    client = login(dcity.drc_liaison)
    response = client.post(reverse("decisions:packet_build", args=[decision.pk]), follow=True)
    assert "【A12】缺少公平竞争审查情况" in response.content.decode()
    decision.refresh_from_db()
    assert decision.state == State.IN_REVIEW


def test_meeting_record_query_count(dcity, login, django_assert_max_num_queries):
    """Given a meeting with two items and positions. When the record page opens, Then the
    number of queries does not grow with the items."""
    item = _item_with_positions(dcity)
    other = ready_decision(dcity, title="另一事项", catalogue_item=dcity.item2)
    svc.agenda_add(actor=dcity.office, meeting=item.meeting, decision=other)
    client = login(dcity.office)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("decisions:meeting_detail", args=[item.meeting_id]))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 agenda-item"') == 2
