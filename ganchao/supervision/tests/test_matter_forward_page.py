"""The 转办给 list on a matter page offers only the unit's own subordinate units (never peer
towns, city departments or the office), as a type-ahead picker; a forged choice is refused on
the page and in the API with the rule named."""

import re

import pytest

from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_instruct
from ganchao.supervision.matter_steps import matter_receive
from ganchao.supervision.models import MatterHop
from ganchao.supervision.tests.test_matter_api import Api

pytestmark = pytest.mark.django_db


def received(city):
    matter = matter_instruct(
        actor=city.office,
        leader=city.leader,
        title="背街小巷路灯维修",
        content="请西湖镇排查背街小巷路灯，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
        cooperating=[(city.stats, "刘科长")],
    )
    matter_receive(actor=city.liaison_a, matter_id=matter.pk)
    return matter


def forward_options(html: str) -> list[str]:
    select = re.search(r'<select name="forward-to_unit".*?</select>', html, re.S).group(0)
    assert "data-picker" in select
    return [label for value, label in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)<', select)
            if value]  # fmt: skip


def test_forward_list_offers_only_subordinate_units(city, login):
    matter = received(city)
    page = login(city.liaison_a).get(f"/supervision/matters/{matter.pk}/").content.decode()
    assert forward_options(page) == ["李庄村"]
    assert "只能转给本单位的下级单位" in page


def test_forged_forward_to_a_peer_is_refused_on_the_page(city, login):
    matter = received(city)
    response = login(city.liaison_a).post(
        f"/supervision/matters/{matter.pk}/forward/",
        {"forward-to_unit": city.inspection.pk, "forward-person": "x"},
    )
    assert response.status_code == 422
    assert not MatterHop.objects.filter(to_unit=city.inspection).exists()


def test_api_forward_to_a_peer_is_422_with_the_rule(city):
    matter = received(city)
    response = Api(city.liaison_a).post(
        f"/matters/{matter.pk}/forward", {"to_unit_id": city.town_b.pk, "person": "李主任"}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "to_unit"
    assert "只能转给本单位的下级单位" in error["message"] and "东山镇" in error["message"]
    ok = Api(city.liaison_a).post(
        f"/matters/{matter.pk}/forward", {"to_unit_id": city.village_a.pk, "person": "李书记"}
    )
    assert ok.status_code == 200
    assert [h["to_unit"] for h in ok.json()["hops"]][-1] == "李庄村"


def test_matter_form_queries_do_not_grow_with_units(city, login, django_assert_max_num_queries):
    """The form's pickers hold every active unit (a plain select without JavaScript) in a fixed
    number of queries, however many units there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ganchao.conftest import make_unit
    from ganchao.orgs.choices import UnitType

    client = login(city.office)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/supervision/matters/new/").status_code == 200
    for n in range(20):
        make_unit(f"新村{n}", UnitType.VILLAGE, city.town_b, code=f"C102{n + 100}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/supervision/matters/new/")
    assert "新村19" in page.content.decode()
