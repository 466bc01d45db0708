"""The leader who gave the instruction (交办领导): the office names them when it registers a
matter (required for a 领导批示, optional for what the office raises itself); a leader writes
only in their own name. Shown on the matter page and in the API, create and read."""

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import ValidationFailed
from ganchao.orgs import services as org_services
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_create, matter_instruct
from ganchao.supervision.models import Matter
from ganchao.supervision.tests.test_matter_api import Api

pytestmark = pytest.mark.django_db


def fields(**extra):
    return {
        "title": "城区停车难问题",
        "content": "请研究增加停车泊位，按期反馈。",
        "urgency": Urgency.NORMAL,
        **extra,
    }


def test_office_names_the_leader_and_the_leader_closes_it_out(city):
    from ganchao.supervision.matter_services import is_issuer

    matter = matter_instruct(
        actor=city.office,
        leader=city.leader,
        source=Source.INSTRUCTION,
        lead=(city.town_a, "张镇长"),
        **fields(),
    )
    assert matter.leader == city.leader
    assert is_issuer(city.leader_user, matter) and not is_issuer(city.office, matter)
    event = AuditEvent.objects.filter(action="matter.create").get()
    assert event.changes["leader"]["after"] == "周明远"


def test_an_instruction_without_a_leader_is_refused_and_nothing_is_written(city):
    with pytest.raises(ValidationFailed) as refused:
        matter_create(actor=city.office, source=Source.INSTRUCTION, **fields())
    assert refused.value.errors[0].field == "leader"
    assert "交办领导" in refused.value.message
    assert not Matter.objects.exists()


def test_the_office_may_raise_a_matter_without_a_leader(city):
    matter = matter_create(actor=city.office, source=Source.MEETING, **fields())
    assert matter.leader is None


def test_a_leader_writes_only_in_their_own_name(city):
    with pytest.raises(ValidationFailed, match="本人名义"):
        other = org_services.leader_create(actor=None, name="陈副市长", title="副市长")
        matter_create(actor=city.leader_user, source=Source.INSTRUCTION, leader=other, **fields())
    matter = matter_create(actor=city.leader_user, source=Source.INSTRUCTION, **fields())
    assert matter.leader == city.leader


def test_an_inactive_leader_is_refused(city):
    from ganchao.orgs.models import Leader

    Leader.objects.filter(pk=city.leader.pk).update(active=False)
    city.leader.refresh_from_db()
    with pytest.raises(ValidationFailed, match="在任"):
        matter_create(actor=city.office, source=Source.INSTRUCTION, leader=city.leader, **fields())


def test_form_has_the_leader_field_and_the_page_shows_the_leader(city, login):
    client = login(city.office)
    page = client.get("/supervision/matters/new/").content.decode()
    assert 'name="leader"' in page and "周明远（副市长）" in page
    assert 'data-placeholder="输入单位名称、简称或编码搜索"' in page
    response = client.post(
        "/supervision/matters/new/",
        {
            "source": Source.INSTRUCTION,
            "leader": city.leader.pk,
            "title": "城区停车难问题",
            "content": "请研究增加停车泊位，按期反馈。",
            "urgency": Urgency.NORMAL,
            "lead_unit": city.town_a.pk,
            "lead_person": "张镇长",
        },
    )
    assert response.status_code == 302
    matter = Matter.objects.get()
    detail = client.get(f"/supervision/matters/{matter.pk}/").content.decode()
    assert 'id="matter-leader">周明远（副市长）<' in detail


def test_form_without_a_leader_for_an_instruction_shows_the_error_on_the_field(city, login):
    response = login(city.office).post(
        "/supervision/matters/new/",
        {
            "source": Source.INSTRUCTION,
            "title": "城区停车难问题",
            "content": "请研究增加停车泊位，按期反馈。",
            "urgency": Urgency.NORMAL,
            "lead_unit": city.town_a.pk,
            "lead_person": "张镇长",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["leader"] == ["交办领导：领导批示须选择作出批示的领导"]
    assert not Matter.objects.exists()


def test_a_leader_sees_no_leader_field(city, login):
    form = login(city.leader_user).get("/supervision/matters/new/").context["form"]
    assert "leader" not in form.fields


def test_matter_without_a_leader_says_the_office_raised_it(city, login):
    matter = matter_create(actor=city.office, source=Source.MEETING, **fields())
    page = login(city.office).get(f"/supervision/matters/{matter.pk}/").content.decode()
    assert "无（督查部门自行立项）" in page


def test_api_create_and_read_the_leader(city):
    api = Api(city.office)
    response = api.post(
        "/matters",
        {
            **fields(),
            "source": Source.INSTRUCTION,
            "leader_id": city.leader.pk,
            "lead": {"unit_id": city.town_a.pk, "person": "张镇长"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["leader_id"], body["leader"]) == (city.leader.pk, "周明远")
    assert api.get(f"/matters/{body['id']}").json()["leader_id"] == city.leader.pk
    listed = api.get("/matters").json()["items"]
    assert listed[0]["leader"] == "周明远"


def test_api_refuses_an_unknown_leader_and_an_instruction_without_one(city):
    api = Api(city.office)
    unknown = api.post("/matters", {**fields(), "source": Source.MEETING, "leader_id": 99999})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "leader_id"
    missing = api.post("/matters", {**fields(), "source": Source.INSTRUCTION})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"field": "leader", "message": "交办领导：领导批示须选择作出批示的领导"}
    ]
    assert not Matter.objects.exists()


def test_feedback_milestones_read_as_chinese_dates(city, login):
    import datetime as dt

    matter = matter_create(
        actor=city.office,
        source=Source.MEETING,
        milestones=[dt.date(2026, 12, 28), dt.date(2027, 3, 31)],
        **fields(urgency=Urgency.LONG_TERM),
    )
    page = login(city.office).get(f"/supervision/matters/{matter.pk}/").content.decode()
    assert "2026年12月28日、2027年3月31日" in page and "2026-12-28" not in page
