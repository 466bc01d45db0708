"""The goal tree's and the work list's rows, written by ganchao.goals.templatetags.goal_tree
instead of a template loop, are the markup the loop wrote: the loops as they were are kept
here and rendered beside the tags for rows of every kind, including names that must be
escaped."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from ganchao.goals.templatetags.goal_tree import tree_rows, workbench_rows

TREE_LOOP = """{% load i18n %}{% for row in rows %}
      {% if row.is_goal %}
      <tr class="gc-goal-row" data-code="{{ row.code }}" id="item-{{ row.id }}">
        <td class="gc-col-code">{{ row.code }}</td>
        <td><div class="gc-indent gc-depth-{{ row.depth }}">
          <button type="button" class="btn btn-sm btn-ghost-secondary gc-toggle d-print-none" aria-expanded="true" data-toggle-code="{{ row.code }}" aria-label="{% blocktrans with name=row.name %}展开或收起 {{ name }}{% endblocktrans %}">▾</button>
          <a href="{{ row.url }}" class="fw-bold">{{ row.name }}</a> <span class="badge bg-blue-lt gc-type">{{ row.type_label }}</span></div></td>
        <td colspan="2" class="gc-goal-summary">
          <span class="me-2">{% trans "达标率" %} <strong>{{ row.ratio_text }}</strong></span>
          {% for c in row.counts %}<span class="me-2 text-nowrap"><span class="gc-light {{ c.light }}">{{ c.label }}</span> <span class="num">{{ c.n }}</span></span>{% empty %}<span class="text-secondary">{% trans "暂无下属指标或任务" %}</span>{% endfor %}
        </td>
        <td colspan="2" class="text-secondary small">{% if row.category %}{% trans "类别" %}：{{ row.category }}{% endif %}</td>
      </tr>
      {% else %}
      <tr data-code="{{ row.code }}" id="item-{{ row.id }}">
        <td class="gc-col-code">{{ row.code }}</td>
        <td><div class="gc-indent gc-depth-{{ row.depth }}"><a href="{{ row.url }}">{{ row.name }}</a> <span class="badge bg-secondary-lt gc-type">{{ row.type_label }}</span>{% if row.stale %} <span class="badge bg-red-lt">{% trans "连续两期未报送" %}</span>{% endif %}
          {% if row.target_text %}<div class="text-secondary small">{% trans "年度目标" %} {{ row.target_text }} {{ row.measure_unit }}</div>{% endif %}</div></td>
        <td class="gc-col-status">{% include "goals/partials/light.html" with light=row.light label=row.label %}</td>
        <td class="gc-col-progress">{% include "goals/partials/progress.html" with unit=row.measure_unit %}</td>
        <td class="gc-col-unit">{{ row.lead_unit|default:"—" }}</td>
        <td class="gc-col-leader">{{ row.leaders|default:"—" }}</td>
      </tr>
      {% endif %}
    {% endfor %}"""

WORK_LOOP = """{% load figures i18n workcal %}{% for a in page %}
      <tr>
        <td><a href="{% url 'goals:item_detail' a.item_id %}">{{ a.item.code }} {{ a.item.name }}</a></td>
        <td>{{ a.unit.name }}</td>
        <td>{{ a.get_role_display }}</td>
        <td>{{ a.period_label }}</td>
        <td>{{ a.due_on|date:"DATE_FORMAT" }}{% provisional_note a.due_on %}{% if a.is_late %} <span class="badge bg-red-lt">{% trans "已逾期" %}</span>{% endif %}</td>
        <td>{{ a.state_label }}</td>
        <td>{% include "goals/partials/light.html" with light=a.badge.light label=a.badge.label %}</td>
        <td class="d-print-none"><a class="btn btn-sm {% if a.report_state == 'submitted' or a.report_state == 'accepted' %}btn-outline-secondary{% else %}btn-primary{% endif %}" href="{% url 'goals:report_form' a.pk a.due_period %}">{% if a.report_state == 'submitted' or a.report_state == 'accepted' %}{% trans "查看" %}{% else %}{% trans "填报" %}{% endif %}</a></td>
      </tr>{% endfor %}"""

HOSTILE = "<b>\"A&B\"</b> 'x'"


def _goal(n, *, counts, category):
    return {
        "id": n,
        "code": f"{n}",
        "name": f"目标{n} {HOSTILE}",
        "type_label": "目标",
        "depth": 0,
        "is_goal": True,
        "url": f"/goals/items/{n}/?a=1&b=<2>",
        "ratio_text": "66.7%",
        "counts": [
            {"light": "green", "label": "正常", "n": 3},
            {"light": "red", "label": "滞后", "n": 1},
        ]
        if counts
        else [],
        "category": category,
    }


def _item(n, *, stale, target, percent, progress, lead):
    return {
        "id": n,
        "code": f"1.{n}",
        "name": f"指标{n} {HOSTILE}",
        "type_label": "指标",
        "depth": 1,
        "is_goal": False,
        "url": f"/goals/items/{n}/",
        "stale": stale,
        "target_text": "4,200" if target else "",
        "measure_unit": "万元" if target else "",
        "light": "yellow",
        "label": "预警",
        "percent": percent,
        "expected_text": "1,000" if progress else "",
        "actual_text": HOSTILE if progress else "",
        "lead_unit": HOSTILE if lead else "",
        "leaders": "李市长、王副市长" if lead else "",
    }


def _tree_rows():
    rows = [
        _goal(n, counts=counts, category=category)
        for n, (counts, category) in enumerate(
            itertools.product([True, False], ["", f"民生 {HOSTILE}"]), start=1
        )
    ]
    combos = itertools.product(
        [True, False], [True, False], [None, 0, 57], [True, False], [True, False]
    )
    rows += [
        _item(n, stale=s, target=t, percent=p, progress=g, lead=lead)
        for n, (s, t, p, g, lead) in enumerate(combos, start=10)
    ]
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_tree_rows_are_the_markup_of_the_template_loop(language):
    """Given goal and item rows of every kind. When written by the tag and by the old loop,
    Then the HTML is the same, character for character, in either language."""
    rows = _tree_rows()
    with translation.override(language):
        expected = Template(TREE_LOOP).render(Context({"rows": rows}))
        assert tree_rows(rows) == expected
    assert "&lt;b&gt;" in expected and "<b>" not in expected


def _work_row(n, *, state, late, due):
    return SimpleNamespace(
        pk=n,
        item_id=100 + n,
        item=SimpleNamespace(code=f"1.{n}", name=f"任务 {HOSTILE}"),
        unit=SimpleNamespace(name=f"西湖镇 {HOSTILE}"),
        get_role_display=lambda: "牵头",
        period_label="2026年3月",
        due_on=due,
        is_late=late,
        state_label="未填报" if state is None else "已报送",
        badge={"light": "red", "label": "滞后"},
        report_state=state,
        due_period="2026-03",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_work_list_rows_are_the_markup_of_the_template_loop(language):
    """Given work-list rows in every reporting state, late or not, due in a confirmed or a
    provisional year. When written by the tag and by the old loop, Then the HTML is the same."""
    combos = itertools.product(
        [None, "draft", "submitted", "accepted", "returned"],
        [True, False],
        [dt.date(2026, 4, 10), dt.date(2031, 1, 6)],
    )
    page = [_work_row(n, state=s, late=late, due=due) for n, (s, late, due) in enumerate(combos, 1)]
    with translation.override(language):
        expected = Template(WORK_LOOP).render(Context({"page": page}))
        assert workbench_rows(page) == expected
    assert "/goals/assignments/1/report/2026-03/" in expected
