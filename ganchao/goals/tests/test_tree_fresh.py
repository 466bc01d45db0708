"""The goal tree's rows are kept per process by the values written in them (goal_tree's
ROW_CACHE, tree_selectors' figure texts): whatever a user changes shows on the next load of
the page, and what is kept stays within its bound."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ganchao.goals.choices import Role, Status
from ganchao.goals.models import Assignment, Item
from ganchao.goals.templatetags import goal_tree
from ganchao.goals.tests.factories import make_assignment, make_plan
from ganchao.goals.tests.test_tree_rows_html import TREE_LOOP, _tree_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(city):
    tree = make_plan(city, extra_indicators=1)
    _set(tree.indicator, tree.ind_lead, Status.GREEN, expected="4153.8462", actual="4200")
    return tree


def _set(item, assignment, status, expected=None, actual=None):
    values = {"status": status, "expected": expected, "actual": actual}
    Item.objects.filter(pk=item.pk).update(**values)
    Assignment.objects.filter(pk=assignment.pk).update(**values)


def _row_html(text: str, item) -> str:
    """The markup of one item's row in the page."""
    return text.split(f'id="item-{item.pk}"')[1].split("</tr>")[0]


def page(client) -> str:
    response = client.get("/goals/tree/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_status_computed_again_shows_on_the_next_load(city, login, tree):
    """Given the office has loaded the tree. When the indicator's status and figures are
    computed again (reports came in), Then the next load shows the new light, word and figures,
    and the goal's counts follow."""
    client = login(city.office)
    before = _row_html(page(client), tree.indicator)
    assert '<span class="gc-light green">正常</span>' in before
    assert "实际 4,200 / 序时 4,154 人" in before
    _set(tree.indicator, tree.ind_lead, Status.RED, expected="5000", actual="4321")
    text = page(client)
    after = _row_html(text, tree.indicator)
    assert '<span class="gc-light red">严重滞后</span>' in after
    assert "实际 4,321 / 序时 5,000 人" in after
    goal = _row_html(text, tree.goal)
    assert '<span class="gc-light red">严重滞后</span> <span class="num">1</span>' in goal
    assert '<span class="gc-light green">正常</span>' not in goal


def test_an_edit_of_the_item_its_lead_unit_or_leaders_shows_on_the_next_load(city, login, tree):
    """Given the tree was loaded. When the item is renamed and given another target, its lead
    unit renamed and another leader named on it, Then the next load shows all of them."""
    client = login(city.office)
    page(client)
    Item.objects.filter(pk=tree.indicator.pk).update(
        name="新增城镇就业人数", target=Decimal("15000")
    )
    city.town_a.name = "西湖街道"
    city.town_a.save(update_fields=["name"])
    tree.indicator.leaders.clear()
    row = _row_html(page(client), tree.indicator)
    assert "新增城镇就业人数" in row
    assert "年度目标 15,000 人" in row
    assert '<td class="gc-col-unit">西湖街道</td>' in row
    assert '<td class="gc-col-leader">—</td>' in row


def test_a_new_assignment_shows_the_item_to_its_unit_on_the_next_load(city, login, tree):
    """Given a town liaison has loaded their tree (without the level indicator). When the
    level indicator is assigned to their town, Then their next load lists it."""
    client = login(city.liaison_a)
    assert f'id="item-{tree.level_indicator.pk}"' not in page(client)
    make_assignment(tree.level_indicator, city.town_a, Role.RESPONSIBLE)
    assert f'id="item-{tree.level_indicator.pk}"' in page(client)


def test_rows_kept_are_written_as_the_template_loop_writes_them(tree):
    """Given rows written once (and kept). When the same rows are written again, and again
    after a value in them changed, Then each time the HTML is the template loop's."""
    rows = _tree_rows()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            expected = Template(TREE_LOOP).render(Context({"rows": rows}))
            assert goal_tree.tree_rows(rows) == expected
            assert goal_tree.tree_rows(rows) == expected
    changed = [dict(r) for r in rows]
    changed[-1] |= {
        "label": "滞后",
        "light": "red",
        "lead_unit": "东湖镇",
        "red_since": dt.date.today(),
    }
    changed[0] |= {"counts": [{"light": "grey", "label": "未报送", "n": 9}]}
    expected = Template(TREE_LOOP).render(Context({"rows": changed}))
    assert goal_tree.tree_rows(changed) == expected


def test_the_rows_kept_stay_within_their_bound(tree):
    """Given a small bound. When many different rows are written, Then the HTML kept stays
    within it and the newest rows are the ones kept."""
    cache = goal_tree._RowCache(max_chars=5_000)
    words = goal_tree._Words()
    rows = _tree_rows()
    for n in range(40):
        for row in rows:
            cache.html(row | {"id": row["id"] + 1000 * n}, words)
    assert 0 < cache.chars <= 5_000
    assert cache.chars == sum(len(html) for html in cache.rows.values())
    newest = rows[-1] | {"id": rows[-1]["id"] + 39_000}
    assert goal_tree._item_key(newest) in {key[1:] for key in cache.rows}
