"""Building the goal tree in the UI: new and changed items, milestones and assignments; the
office only (others 404), nothing written on bad input, targets frozen after issue."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from ganchao.audit.models import AuditEvent as Event
from ganchao.goals.choices import ItemType, Role
from ganchao.goals.models import Assignment, Item, Milestone
from ganchao.goals.tests.factories import make_plan

VIA_ADJUSTMENT = "请通过目标调整办理"


@pytest.fixture
def draft(city):
    return make_plan(city, issued=False)


@pytest.fixture
def issued(city):
    return make_plan(city)


def new_url(tree, type, parent=None):
    url = f"/goals/plans/{tree.plan.pk}/items/new/{type}/"
    return f"{url}?parent={parent.pk}" if parent else url


def indicator_post(**overrides):
    data = {
        "code": "1.4",
        "name": "规模以上工业增加值",
        "category": "经济发展",
        "measure_unit": "亿元",
        "direction": "positive",
        "nature": "cumulative",
        "frequency": "monthly",
        "target": "1,200",
        "q1": "300",
        "q2": "600",
        "q3": "900",
        "q4": "1,200",
        "weight": "1",
        "lead_unit": "C101",
    }
    data.update(overrides)
    return data


def test_office_creates_indicator_with_staged_targets_and_lead(city, draft, login):
    client = login(city.office)
    page = client.get(new_url(draft, "indicator", draft.goal))
    assert page.status_code == 200
    assert page.context["form"]["code"].value() == "1.4"  # 1.1–1.3 exist
    assert 'type="date"' not in page.content.decode()  # no deadline on an indicator
    response = client.post(new_url(draft, "indicator", draft.goal), indicator_post())
    item = Item.objects.get(plan=draft.plan, code="1.4")
    assert response.status_code == 302 and response.url == f"/goals/items/{item.pk}/"
    assert item.parent == draft.goal and item.type == ItemType.INDICATOR
    assert (item.target, item.q1, item.q4) == (Decimal("1200"), Decimal("300"), Decimal("1200"))
    lead = item.assignments.get()
    assert lead.unit == city.town_a and lead.role == Role.LEAD and lead.q2 == Decimal("600")
    assert Event.objects.filter(action__in=["item.create", "assignment.create"]).count() == 2
    plan_page = client.get(f"/goals/plans/{draft.plan.pk}/").content.decode()
    assert "规模以上工业增加值" in plan_page and "新增目标" in plan_page
    item_page = client.get(f"/goals/items/{item.pk}/").content.decode()
    assert "分解到单位" in item_page and "西湖镇" in item_page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target": "一千二"}, "target", "不是数字"),
        ({"lead_unit": "火星镇"}, "lead_unit", "找不到单位"),
        ({"q2": "200"}, "q1", "不能逐季减少"),
        ({"q3": ""}, "q1", "四个季度都填写"),
        ({"code": "7.1"}, "code", "不存在"),
        ({"name": ""}, "name", "请填写名称"),
    ],
)
def test_bad_indicator_shows_errors_and_writes_nothing(
    city, draft, login, overrides, field, message
):
    before = (Item.objects.count(), Assignment.objects.count(), Event.objects.count())
    response = login(city.office).post(
        new_url(draft, "indicator", draft.goal), indicator_post(**overrides)
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    text = response.content.decode()
    assert 'id="error-summary"' in text and f'href="#id_{field}"' in text
    assert (Item.objects.count(), Assignment.objects.count(), Event.objects.count()) == before


def test_code_taken_is_refused_by_the_service(city, draft, login):
    response = login(city.office).post(
        new_url(draft, "indicator", draft.goal), indicator_post(code="1.1")
    )
    assert response.status_code == 422
    assert "已存在" in " ".join(response.context["form"].errors["code"])
    assert not Item.objects.filter(name="规模以上工业增加值").exists()


def test_office_creates_goal_and_task_with_milestones(city, draft, login):
    client = login(city.office)
    assert client.get(new_url(draft, "goal")).context["form"]["code"].value() == "2"
    client.post(new_url(draft, "goal"), {"code": "2", "name": "民生保障", "weight": "1"})
    goal = Item.objects.get(plan=draft.plan, code="2")
    response = client.post(
        new_url(draft, "task", goal),
        {
            "code": "2.1",
            "name": "新建幼儿园",
            "weight": "1",
            "deadline": "2026-12-31",
            "lead_unit": "东山镇",
            "ms-TOTAL_FORMS": "3",
            "ms-INITIAL_FORMS": "0",
            "ms-0-due_date": "2026-04-30",
            "ms-0-description": "完成选址",
            "ms-1-due_date": "2026-10-31",
            "ms-1-description": "主体完工",
            "ms-2-due_date": "",
            "ms-2-description": "",
        },
    )
    assert response.status_code == 302
    task = Item.objects.get(plan=draft.plan, code="2.1")
    assert [str(m) for m in task.milestones.all()] == [
        "2026-04-30：完成选址",
        "2026-10-31：主体完工",
    ]
    assert task.assignments.get().unit == city.town_b


def test_wrong_type_under_parent_is_404(city, draft, login):
    client = login(city.office)
    assert client.get(new_url(draft, "indicator")).status_code == 404  # top level: goals only
    assert client.get(new_url(draft, "task", draft.indicator)).status_code == 404
    assert client.get(new_url(draft, "bogus", draft.goal)).status_code == 404
    assert client.get(f"{new_url(draft, 'goal')}?parent=abc").status_code == 404


def test_after_issue_target_is_refused_but_name_changes(city, issued, login):
    client = login(city.office)
    url = f"/goals/items/{issued.indicator.pk}/edit/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    assert data["target"] == "12000"
    response = client.post(url, {**data, "target": "13,000", "q4": "13000"})
    assert response.status_code == 422
    text = response.content.decode()
    assert VIA_ADJUSTMENT in text and 'href="#id_target"' in text
    issued.indicator.refresh_from_db()
    assert issued.indicator.target == Decimal("12000")
    response = client.post(url, {**data, "name": "城镇新增就业人数"})
    assert response.status_code == 302
    issued.indicator.refresh_from_db()
    assert issued.indicator.name == "城镇新增就业人数"


def test_after_issue_assignment_target_refused_people_editable(city, issued, login):
    client = login(city.office)
    url = f"/goals/assignments/{issued.ind_resp.pk}/edit/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(url, {**data, "q1": "1,000"})
    assert response.status_code == 422 and VIA_ADJUSTMENT in response.content.decode()
    response = client.post(url, {**data, "responsible_person": "李四", "contact_phone": "0571-1"})
    assert response.status_code == 302
    issued.ind_resp.refresh_from_db()
    assert (issued.ind_resp.responsible_person, issued.ind_resp.q1) == ("李四", Decimal("1200"))


def test_after_issue_milestone_date_refused_description_editable(city, issued, login):
    client = login(city.office)
    url = f"/goals/items/{issued.task.pk}/milestones/"
    rows = {
        "version": issued.task.version,
        "ms-TOTAL_FORMS": "3",
        "ms-INITIAL_FORMS": "3",
    }
    for i, m in enumerate(issued.milestones):
        rows.update(
            {f"ms-{i}-due_date": m.due_date.isoformat(), f"ms-{i}-description": m.description}
        )
    page = client.get(url).content.decode()
    assert 'type="date"' in page and 'value="2026-06-30"' in page  # ISO, whatever the locale
    moved = client.post(url, {**rows, "ms-1-due_date": "2026-07-31"})
    assert moved.status_code == 422 and VIA_ADJUSTMENT in moved.content.decode()
    assert 'href="#milestones"' in moved.content.decode()
    renamed = client.post(url, {**rows, "ms-1-description": "主体工程开工"})
    assert renamed.status_code == 302
    assert Milestone.objects.get(pk=issued.milestones[1].pk).description == "主体工程开工"
    assert Milestone.objects.get(pk=issued.milestones[1].pk).due_date == dt.date(2026, 6, 30)


def test_milestone_editor_before_issue_adds_and_removes(city, draft, login):
    client = login(city.office)
    data = {
        "version": draft.task.version,
        "ms-TOTAL_FORMS": "4",
        "ms-INITIAL_FORMS": "3",
        "ms-0-due_date": "2026-03-31",
        "ms-0-description": "完成立项",
        "ms-1-due_date": "2026-06-30",
        "ms-1-description": "主体开工",
        "ms-1-DELETE": "on",
        "ms-2-due_date": "2026-12-31",
        "ms-2-description": "建成投用",
        "ms-3-due_date": "2026-09-30",
        "ms-3-description": "设备安装",
    }
    response = client.post(f"/goals/items/{draft.task.pk}/milestones/", data)
    assert response.status_code == 302
    assert [m.description for m in draft.task.milestones.all()] == [
        "完成立项",
        "建成投用",
        "设备安装",
    ]


def test_milestone_editor_rejects_half_rows_and_empty_lists(city, draft, login):
    client = login(city.office)
    url = f"/goals/items/{draft.task.pk}/milestones/"
    half = client.post(
        url,
        {"ms-TOTAL_FORMS": "1", "ms-INITIAL_FORMS": "0", "ms-0-description": "无日期的节点"},
    )
    assert half.status_code == 422 and "请填写节点时间" in half.content.decode()
    empty = client.post(url, {"ms-TOTAL_FORMS": "1", "ms-INITIAL_FORMS": "0"})
    assert empty.status_code == 422 and "至少须有一个节点" in empty.content.decode()
    garbage = client.post(url, {"ms-TOTAL_FORMS": "x", "ms-0-due_date": "2026-13-45"})
    assert garbage.status_code in (200, 422)
    assert draft.task.milestones.count() == 3


def test_assignment_editor_adds_unit_by_path_and_refuses_second_lead(city, draft, login):
    client = login(city.office)
    url = f"/goals/items/{draft.indicator.pk}/assignments/"
    second_lead = client.post(url, {"unit": "C003", "role": "lead", "weight": "1"})
    assert second_lead.status_code == 422
    assert "只能有一个牵头单位" in second_lead.content.decode()
    added = client.post(
        url,
        {
            "unit": "西湖镇/李庄村",
            "role": "responsible",
            "target": "2,000",
            "q1": "500",
            "q2": "1000",
            "q3": "1500",
            "q4": "2000",
            "weight": "1",
            "responsible_leader": "王五",
            "contact": "赵六",
            "contact_phone": "13800000000",
        },
    )
    assert added.status_code == 302
    village = Assignment.objects.get(item=draft.indicator, unit=city.village_a)
    assert (village.target, village.contact) == (Decimal("2000"), "赵六")


def test_liaison_gets_404_everywhere(city, draft, login):
    client = login(city.liaison_a)
    urls = [
        new_url(draft, "goal"),
        new_url(draft, "indicator", draft.goal),
        f"/goals/items/{draft.indicator.pk}/edit/",
        f"/goals/items/{draft.task.pk}/milestones/",
        f"/goals/items/{draft.indicator.pk}/assignments/",
        f"/goals/assignments/{draft.ind_lead.pk}/edit/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x"}).status_code == 404, url
    assert "新增目标" not in client.get(f"/goals/items/{draft.indicator.pk}/").content.decode()


def test_assignment_editor_query_count(city, login, django_assert_max_num_queries):
    tree = make_plan(city, issued=False)
    client = login(city.office)
    url = f"/goals/items/{tree.indicator.pk}/assignments/"
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    for unit in (city.stats, city.village_a, city.village_b, city.gov_office):
        Assignment.objects.create(item=tree.indicator, unit=unit, role=Role.COOPERATING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


JUNK = ["", " ", "abc", "1e400", "NaN", "-Infinity", "1,2,3", "x" * 600, "2026-02-30", "0", "-5"]
JUNK += ["C101", "西湖镇/", "/", "赶超市/西湖镇/李庄村", "\x00", "lead", "9" * 30, "1.0.1", "<b>"]
FIELDS = ["code", "name", "measure_unit", "direction", "nature", "target", "q1", "q2", "q4"]
FIELDS += ["deadline", "data_source_unit", "lead_unit", "weight", "version", "unit", "role"]
FIELDS += ["contact_phone", "ms-TOTAL_FORMS", "ms-INITIAL_FORMS", "ms-0-due_date"]
FIELDS += ["ms-0-description", "ms-1-due_date", "ms-1-DELETE"]


def test_no_input_gives_a_server_error(city, issued, login):
    """Junk in every field of every page: errors or success, never a 500."""
    rnd = random.Random(2026)
    client = login(city.office)
    urls = [
        new_url(issued, "goal"),
        new_url(issued, "indicator", issued.goal),
        new_url(issued, "task", issued.task),
        f"/goals/items/{issued.indicator.pk}/edit/",
        f"/goals/items/{issued.task.pk}/milestones/",
        f"/goals/items/{issued.indicator.pk}/assignments/",
        f"/goals/assignments/{issued.ind_resp.pk}/edit/",
    ]
    for url in urls:
        for _ in range(8):
            data = {name: rnd.choice(JUNK) for name in FIELDS if rnd.random() < 0.7}
            response = client.post(url, data)
            assert response.status_code in (302, 422), (url, data)
