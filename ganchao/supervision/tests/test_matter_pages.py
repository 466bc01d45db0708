"""Matter pages: the list with filters and lights, the inbox, the matter page with its chain and
the actions each viewer may take, every action's POST, refusals as messages, writing an
instruction (free or on a goal item), and query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ganchao.goals.choices import Status
from ganchao.goals.models import Item
from ganchao.goals.tests.factories import make_plan, make_report
from ganchao.supervision.matter_choices import MatterState, Source, Urgency
from ganchao.supervision.matter_services import matter_create, matter_instruct
from ganchao.supervision.matter_steps import (
    matter_complete,
    matter_forward,
    matter_receive,
    matter_request_extension,
    matter_respond,
)
from ganchao.supervision.models import Matter, MatterExtension, MatterFeedback

pytestmark = pytest.mark.django_db

SUBSTANTIVE = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def instruct(city, title="西湖镇河道整治", at="2026-06-01 09:00", **kwargs):
    return matter_instruct(
        actor=city.leader_user,
        title=title,
        content="请西湖镇抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=kwargs.pop("urgency", Urgency.NORMAL),
        lead=(city.town_a, "张镇长"),
        at=moment(at),
        **kwargs,
    )


def detail(client, matter):
    return client.get(f"/supervision/matters/{matter.pk}/")


def post(client, matter, verb, data=None, **kwargs):
    return client.post(f"/supervision/matters/{matter.pk}/{verb}/", data or {}, **kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---- list ---------------------------------------------------------------------------------------


def test_list_shows_light_and_word_and_filters(city, login):
    overdue = instruct(city, "超期事项", at="2025-01-06 09:00")
    draft = matter_create(
        actor=city.office,
        title="会议议定事项",
        content="统计数据核查",
        source=Source.MEETING,
        urgency=Urgency.URGENT,
        at=moment("2026-06-01 09:00"),
    )
    client = login(city.office)
    page = client.get("/supervision/matters/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "超期事项" in html and "会议议定事项" in html
    # due in January 2025: overdue on any date the suite runs
    assert 'class="gc-light red">超期' in html
    assert 'class="gc-light grey">已立项' in html
    only_meeting = client.get("/supervision/matters/", {"source": Source.MEETING}).content.decode()
    assert "会议议定事项" in only_meeting and "超期事项" not in only_meeting
    only_red = client.get("/supervision/matters/", {"light": "red"}).content.decode()
    assert "超期事项" in only_red and "会议议定事项" not in only_red
    by_state = client.get("/supervision/matters/", {"state": "draft"}).content.decode()
    assert "会议议定事项" in by_state and "超期事项" not in by_state
    by_unit = client.get("/supervision/matters/", {"unit": "C101"}).content.decode()
    assert "超期事项" in by_unit and "会议议定事项" not in by_unit
    by_tier = client.get("/supervision/matters/", {"urgency": "urgent"}).content.decode()
    assert "会议议定事项" in by_tier and "超期事项" not in by_tier
    empty = client.get("/supervision/matters/", {"q": "不存在的标题"}).content.decode()
    assert "没有符合条件的督办事项" in empty
    assert {overdue.pk, draft.pk} == set(Matter.objects.values_list("pk", flat=True))


def test_list_is_scoped_to_what_the_user_may_see(city, login):
    instruct(city, "西湖镇的事项")
    html = login(city.liaison_b).get("/supervision/matters/").content.decode()
    assert "西湖镇的事项" not in html
    html = login(city.liaison_a).get("/supervision/matters/").content.decode()
    assert "西湖镇的事项" in html


def _many(city, n, start=0):
    for i in range(start, start + n):
        instruct(city, f"事项{i:03d}", at="2026-06-01 09:00")


def _count(client, url):
    client.get(url)  # warm caches (session, calendar)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# session, user, scope and navigation take the first queries; then the page count and the rows
# (the light filter adds one query over the deadline columns)
@pytest.mark.parametrize(
    ("url", "pinned"), [("/supervision/matters/", 8), ("/supervision/matters/?light=red", 9)]
)
def test_list_query_count_does_not_grow(city, login, url, pinned):
    _many(city, 3)
    client = login(city.office)
    assert _count(client, url) == pinned
    _many(city, 60, start=3)  # more than one page
    assert _count(client, url) == pinned


INBOX_QUERIES = 8


def test_inbox_query_count_does_not_grow(city, login):
    _many(city, 3)
    client = login(city.liaison_a)
    pinned = _count(client, "/supervision/matters/inbox/")
    _many(city, 30, start=3)
    matter_receive(
        actor=city.liaison_a, matter_id=Matter.objects.first().pk, at=moment("2026-06-01 10:00")
    )
    assert _count(client, "/supervision/matters/inbox/") == pinned == INBOX_QUERIES


def test_inbox_lists_to_receive_to_answer_and_overdue(city, login):
    waiting = instruct(city, "待签收的事项")
    received = instruct(city, "待反馈的事项")
    matter_receive(actor=city.liaison_a, matter_id=received.pk, at=moment("2026-06-01 10:00"))
    response = login(city.liaison_a).get("/supervision/matters/inbox/")
    boxes = {key: [h.matter.pk for h in hops] for key, _t, _e, hops in response.context["sections"]}
    assert boxes["to_receive"] == [waiting.pk]
    assert boxes["to_answer"] == [received.pk]
    # the overdue section depends on the day the suite runs; only its presence is checked
    html = response.content.decode()
    assert "待签收" in html and "待反馈" in html and "已超期" in html
    empty = login(city.liaison_b).get("/supervision/matters/inbox/").content.decode()
    assert "没有待签收的事项" in empty


# ---- the matter page ----------------------------------------------------------------------------


def test_matter_page_shows_chain_with_dwell_times(city, login):
    matter = instruct(city, at="2026-09-30 09:00")
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-09-30 10:00"))
    matter_forward(
        actor=city.liaison_a,
        matter_id=matter.pk,
        to_unit=city.village_a,
        person="李书记",
        note="请李庄村具体落实",
        at=moment("2026-09-30 16:00"),
    )
    matter_receive(actor=city.village_a_user, matter_id=matter.pk, at=moment("2026-10-08 09:00"))
    response = detail(login(city.office), matter)
    assert response.status_code == 200
    html = response.content.decode()
    assert "西湖镇 → 李庄村" in html
    assert "等待签收 2.0 个工作小时" in html
    assert "请李庄村具体落实" in html
    assert "张镇长" in html and "牵头单位" in html
    assert "一般" in html and "领导批示" in html


def test_non_substantive_feedback_is_marked_with_reason(city, login):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    client = login(city.liaison_a)
    response = post(
        client,
        matter,
        "respond",
        {"respond-kind": "progress", "respond-text": "已阅，转李庄村办理"},
        follow=True,
    )
    assert any("不计为有效反馈" in m for m in messages_of(response))
    html = response.content.decode()
    assert "不计为有效反馈" in html and "不足 20 字" in html
    matter.refresh_from_db()
    assert matter.responded_at is None


def test_unit_sees_only_its_actions(city, login):
    matter = instruct(city)
    page = detail(login(city.liaison_a), matter)
    actions = page.context["actions"]
    assert actions["receive"] and not actions["respond"] and not actions["complete"]
    assert f'action="/supervision/matters/{matter.pk}/receive/"' in page.content.decode()
    office = detail(login(city.office), matter).context["actions"]
    assert not office["receive"] and not office["complete"] and not office["close"]
    assert detail(login(city.liaison_b), matter).status_code == 404


def test_receive_respond_with_attachment_complete_close(city, login):
    matter = instruct(city)
    liaison = login(city.liaison_a)
    response = post(liaison, matter, "receive", follow=True)
    assert "已签收。" in messages_of(response)
    upload = SimpleUploadedFile("台账.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = post(
        liaison,
        matter,
        "respond",
        {"respond-kind": "final", "respond-text": "已办结", "respond-attachment": upload},
        follow=True,
    )
    assert "反馈已报送。" in messages_of(response)
    feedback = MatterFeedback.objects.get(matter=matter)
    assert feedback.substantive and feedback.attachment_name == "台账.pdf"
    download = liaison.get(f"/supervision/matters/{matter.pk}/feedbacks/{feedback.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    office = login(city.office)
    assert post(office, matter, "complete", {"complete-note": "同意办结"}).status_code == 302
    matter.refresh_from_db()
    assert matter.state == MatterState.COMPLETED
    leader = login(city.leader_user)
    response = post(leader, matter, "close", {"close-note": ""}, follow=True)
    assert "已销号。" in messages_of(response)
    matter.refresh_from_db()
    assert matter.state == MatterState.CLOSED


def test_refused_steps_are_messages_not_errors(city, login):
    matter = instruct(city)
    leader = login(city.leader_user)
    response = post(leader, matter, "close", follow=True)
    assert response.status_code == 200
    assert "事项尚未办结，不能销号" in messages_of(response)
    liaison = login(city.liaison_a)
    response = post(liaison, matter, "complete", follow=True)
    assert "办结须经督查部门审核，承办单位不能自行办结" in messages_of(response)
    response = post(
        liaison,
        matter,
        "respond",
        {"respond-kind": "final", "respond-text": SUBSTANTIVE},
        follow=True,
    )
    assert "请先签收，再反馈" in messages_of(response)
    assert post(login(city.liaison_b), matter, "receive").status_code == 404


def test_form_errors_come_back_on_the_page(city, login):
    matter = instruct(city)
    to_review = matter_receive(
        actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00")
    )
    assert to_review.received_at
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="final",
        text=SUBSTANTIVE,
        at=moment("2026-06-01 11:00"),
    )
    response = post(login(city.office), matter, "return", {"return-reason": ""})
    assert response.status_code == 422
    assert "请修改以下问题后再提交" in response.content.decode()


def test_return_and_reopen(city, login):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="final",
        text=SUBSTANTIVE,
        at=moment("2026-06-01 11:00"),
    )
    office = login(city.office)
    post(office, matter, "return", {"return-reason": "未说明资金来源"})
    matter.refresh_from_db()
    assert matter.state == MatterState.RETURNED
    assert "未说明资金来源" in detail(office, matter).content.decode()
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="final",
        text=SUBSTANTIVE,
        at=moment("2026-06-02 11:00"),
    )
    matter_complete(actor=city.office, matter_id=matter.pk, at=moment("2026-06-02 12:00"))
    leader = login(city.leader_user)
    response = post(
        leader, matter, "reopen", {"reopen-instruction": "请补充长效管护机制"}, follow=True
    )
    assert "已再批示，事项重新进入办理。" in messages_of(response)
    matter.refresh_from_db()
    assert matter.state == MatterState.IN_PROGRESS and matter.reopen_count == 1


def test_forward_from_the_page(city, login):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    liaison = login(city.liaison_a)
    form = detail(liaison, matter).context["forms"]["forward"]
    assert city.village_a in form.fields["to_unit"].queryset
    response = post(
        liaison,
        matter,
        "forward",
        {"forward-to_unit": city.village_a.pk, "forward-person": "李书记"},
        follow=True,
    )
    assert "已转办。" in messages_of(response)
    assert matter.hops.filter(to_unit=city.village_a, person="李书记").exists()


def test_extension_request_and_office_decision(city, login):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    liaison = login(city.liaison_a)
    response = post(
        liaison,
        matter,
        "extend",
        {"extend-reason": "汛期施工受限", "extend-until": "2026-06-30"},
        follow=True,
    )
    assert "延期申请已提交，等待督查部门审批。" in messages_of(response)
    extension = MatterExtension.objects.get(matter=matter)
    assert not detail(liaison, matter).context["actions"]["decide"]
    office = login(city.office)
    assert detail(office, matter).context["actions"]["decide"] == [extension]
    response = office.post(
        f"/supervision/matters/{matter.pk}/extensions/{extension.pk}/decide/",
        {"decision": "refuse", "decide-note": "请按期完成"},
        follow=True,
    )
    assert "已不予批准延期。" in messages_of(response)
    html = response.content.decode()
    assert "汛期施工受限" in html and "未批准" in html


def test_extension_decided_by_the_asking_unit_is_refused(city, login):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    extension = matter_request_extension(
        actor=city.liaison_a,
        matter_id=matter.pk,
        reason="汛期施工受限",
        until=moment("2026-06-30 23:00"),
        at=moment("2026-06-01 11:00"),
    )
    response = login(city.liaison_a).post(
        f"/supervision/matters/{matter.pk}/extensions/{extension.pk}/decide/",
        {"decision": "approve"},
        follow=True,
    )
    assert response.status_code == 200
    assert "延期申请须由督查部门审批，申请单位不能自行批准" in messages_of(response)


# ---- writing an instruction ---------------------------------------------------------------------


def test_free_matter_form(city, login):
    client = login(city.office)
    assert client.get("/supervision/matters/new/").status_code == 200
    response = client.post(
        "/supervision/matters/new/",
        {
            "source": Source.HIGHER_LEVEL,
            "title": "省督查反馈问题整改",
            "content": "按省督查组意见整改到位",
            "urgency": Urgency.URGENT,
            "lead_unit": city.stats.pk,
            "lead_person": "王科长",
            "coop_unit_1": city.town_b.pk,
            "coop_person_1": "李主任",
        },
    )
    matter = Matter.objects.get(title="省督查反馈问题整改")
    assert response.status_code == 302 and response.url == f"/supervision/matters/{matter.pk}/"
    assert matter.state == MatterState.ASSIGNED and matter.lead_unit == city.stats
    assert matter.hops.get(to_unit=city.town_b).person == "李主任"


def test_a_co_handling_unit_without_its_person_is_that_rows_error(city, login):
    response = login(city.office).post(
        "/supervision/matters/new/",
        {
            "source": Source.HIGHER_LEVEL,
            "title": "协办缺责任人",
            "content": "按要求整改",
            "urgency": Urgency.URGENT,
            "lead_unit": city.stats.pk,
            "lead_person": "王科长",
            "coop_unit_1": city.town_b.pk,
        },
    )
    assert response.status_code == 422 and not Matter.objects.filter(title="协办缺责任人")
    errors = response.context["form"].errors
    assert "lead_person" not in errors
    assert errors["coop_person_1"] == [f"请填写协办单位“{city.town_b.name}”的责任人"]


def test_form_refusals_and_access(city, login):
    client = login(city.office)
    response = client.post(
        "/supervision/matters/new/",
        {
            "source": Source.MEETING,
            "title": "长期事项",
            "content": "持续推进",
            "urgency": Urgency.LONG_TERM,
            "lead_unit": city.stats.pk,
            "lead_person": "王科长",
        },
    )
    assert response.status_code == 422
    assert "长期事项请至少填写一个节点日期" in response.content.decode()
    assert login(city.liaison_a).get("/supervision/matters/new/").status_code == 404


def test_instruction_on_a_goal_item(city, login):
    tree = make_plan(city)
    Item.objects.filter(pk=tree.indicator.pk).update(status=Status.RED)
    leader = login(city.leader_user)
    item_page = leader.get(f"/goals/items/{tree.indicator.pk}/").content.decode()
    assert f"/supervision/matters/new/?item={tree.indicator.pk}" in item_page
    liaison_page = login(city.liaison_a).get(f"/goals/items/{tree.indicator.pk}/").content.decode()
    assert "/supervision/matters/new/" not in liaison_page
    leader = login(city.leader_user)
    form = leader.get(f"/supervision/matters/new/?item={tree.indicator.pk}").context["form"]
    assert form.initial["source"] == Source.INSTRUCTION
    assert form.initial["lead_unit"] == tree.ind_lead.unit_id
    response = leader.post(
        "/supervision/matters/new/",
        {
            **{k: v for k, v in form.initial.items() if v is not None},
            "content": "就业指标严重滞后，请西湖镇拿出补救措施。",
            "urgency": Urgency.URGENT,
            "lead_person": "张镇长",
        },
    )
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.item_id == tree.indicator.pk and matter.source == Source.INSTRUCTION
    assert matter.leader == city.leader


def test_instruction_on_a_units_report(city, login):
    tree = make_plan(city)
    report = make_report(tree.ind_resp, "2026-04", value=800, state="submitted")
    leader = login(city.leader_user)
    item_page = leader.get(f"/goals/items/{tree.indicator.pk}/").content.decode()
    assert f"/supervision/matters/new/?report={report.pk}" in item_page
    url = f"/supervision/matters/new/?report={report.pk}"
    page = leader.get(url)
    form = page.context["form"]
    assert form.initial["lead_unit"] == tree.ind_resp.unit_id
    assert "（2026年4月报送）" in form.initial["title"]
    assert "2026年4月的进展报送" in page.content.decode()
    response = leader.post(
        url,
        {
            **{k: v for k, v in form.initial.items() if v is not None},
            "content": "四月数据明显偏低，请说明原因并提出追赶措施。",
            "urgency": Urgency.URGENT,
            "lead_person": "王镇长",
        },
    )
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.report_id == report.pk and matter.item_id == tree.indicator.pk
    # a report the user may not see is a 404
    assert (
        login(city.liaison_b).get(f"/supervision/matters/new/?report={report.pk}").status_code
        == 404
    )
