"""`{% tree_rows rows %}`: the rows of the goal tree (目标体系) as HTML.

The office's tree of a city plan is 300–400 rows of about twenty values each; rendered through
the template engine (a variable lookup, localisation and escaping per value, an include per
progress bar) they were four fifths of the page's CPU at province scale (issue 13). Here the
same markup is written with one format string per row kind: every value escaped with
html.escape (what django.utils.html.escape calls, without its lazy-string wrapper), every phrase translated once per page, not once per row. The markup
is the one the template wrote (goals/tests/test_tree_rows_html.py renders both and compares).

A row's HTML is kept per process by every value written in it (ROW_CACHE): between two loads
of a tree most rows are unchanged and are not written again, and a row whose name, figures,
status, lead unit or leaders changed has a new key, so it is never shown stale
(goals/tests/test_tree_fresh.py).
"""

import re
from collections import OrderedDict
from html import escape as _escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

register = template.Library()


# The characters html.escape replaces: most values (codes, Chinese names, figures) have none,
# and one search is cheaper than its five replacements.
_SPECIAL = re.compile("[&<>\"']").search


def escape(value) -> str:
    text = str(value)
    return _escape(text) if _SPECIAL(text) else text


GOAL_ROW = (
    '      <tr class="gc-goal-row" data-code="{code}" id="item-{id}">\n'
    '        <td class="gc-col-code">{code}</td>\n'
    '        <td><div class="gc-indent gc-depth-{depth}">\n'
    '          <button type="button" class="btn btn-sm btn-ghost-secondary gc-toggle d-print-none"'
    ' aria-expanded="true" data-toggle-code="{code}" aria-label="{toggle}">▾</button>\n'
    '          <a href="{url}" class="fw-bold">{name}</a> <span class="badge bg-blue-lt gc-type">'
    "{type_label}</span></div></td>\n"
    '        <td colspan="2" class="gc-goal-summary">\n'
    '          <span class="me-2">{ratio_word} <strong>{ratio_text}</strong></span>\n'
    "          {counts}\n"
    "        </td>\n"
    '        <td colspan="2" class="text-secondary small">{category}</td>\n'
    "      </tr>\n"
)
COUNT = (
    '<span class="me-2 text-nowrap"><span class="gc-light {light}">{label}</span>'
    ' <span class="num">{n}</span></span>'
)
ITEM_ROW = (
    '      <tr data-code="{code}" id="item-{id}">\n'
    '        <td class="gc-col-code">{code}</td>\n'
    '        <td><div class="gc-indent gc-depth-{depth}"><a href="{url}">{name}</a>'
    ' <span class="badge bg-secondary-lt gc-type">{type_label}</span>{stale}\n'
    "          {target}</div></td>\n"
    '        <td class="gc-col-status"><span class="gc-light {light}">{label}</span>\n</td>\n'
    '        <td class="gc-col-progress">{progress}\n</td>\n'
    '        <td class="gc-col-unit">{lead_unit}</td>\n'
    '        <td class="gc-col-leader">{leaders}</td>\n'
    "      </tr>\n"
)
PROGRESS = (
    '<div class="gc-progress">\n'
    "  {bar}\n"
    '  <div class="gc-progress-text num">{actual_word} {actual} / {expected_word} {expected}'
    "{unit}</div>\n"
    "</div>"
)
BAR = (
    '<div class="progress progress-sm" role="img" aria-label="{label}">'
    '<div class="progress-bar gc-bar-{light}" data-gc-width="{percent}"></div></div>'
)


class _Words:
    """The phrases of a row, translated once for the page in the active language."""

    def __init__(self):
        self.language = get_language()
        self.ratio = escape(gettext("达标率"))
        self.no_items = escape(gettext("暂无下属指标或任务"))
        self.category = escape(gettext("类别"))
        self.stale = escape(gettext("连续两期未报送"))
        self.target = escape(gettext("年度目标"))
        self.actual = escape(gettext("实际"))
        self.expected = escape(gettext("序时"))
        # As {% blocktrans %}: the phrase as translated, the value in it escaped.
        self.toggle = gettext("展开或收起 %(name)s")
        self.bar = gettext("完成序时进度的 %(p)s%%")


def _goal_row(row: dict, words: _Words) -> str:
    counts = (
        "".join(
            COUNT.format(light=escape(c["light"]), label=escape(c["label"]), n=c["n"])
            for c in row["counts"]
        )
        or f'<span class="text-secondary">{words.no_items}</span>'
    )
    category = row.get("category")
    return GOAL_ROW.format(
        code=escape(row["code"]),
        id=row["id"],
        depth=row["depth"],
        toggle=words.toggle % {"name": escape(row["name"])},
        url=escape(row["url"]),
        name=escape(row["name"]),
        type_label=escape(row["type_label"]),
        ratio_word=words.ratio,
        ratio_text=escape(row["ratio_text"]),
        counts=counts,
        category=f"{words.category}：{escape(category)}" if category else "",
    )


def _progress(row: dict, words: _Words) -> str:
    if not (row.get("expected_text") or row.get("actual_text")):
        return '<span class="text-secondary">—</span>'
    percent = row.get("percent")
    bar = ""
    if percent is not None:
        bar = BAR.format(
            label=words.bar % {"p": percent},
            light=escape(row["light"]),
            percent=escape(str(percent)),
        )
    unit = row.get("measure_unit")
    return PROGRESS.format(
        bar=bar,
        actual_word=words.actual,
        actual=escape(row.get("actual_text") or "—"),
        expected_word=words.expected,
        expected=escape(row.get("expected_text") or "—"),
        unit=f" {escape(unit)}" if unit else "",
    )


def _item_row(row: dict, words: _Words) -> str:
    target = ""
    if row.get("target_text"):
        target = (
            f'<div class="text-secondary small">{words.target} {escape(row["target_text"])} '
            f"{escape(row.get('measure_unit') or '')}</div>"
        )
    return ITEM_ROW.format(
        code=escape(row["code"]),
        id=row["id"],
        depth=row["depth"],
        url=escape(row["url"]),
        name=escape(row["name"]),
        type_label=escape(row["type_label"]),
        stale=f' <span class="badge bg-red-lt">{words.stale}</span>' if row.get("stale") else "",
        target=target,
        light=escape(row["light"]),
        label=escape(row["label"]),
        progress=_progress(row, words),
        lead_unit=escape(row.get("lead_unit") or "—"),
        leaders=escape(row.get("leaders") or "—"),
    )


def _goal_key(row: dict) -> tuple:
    """Every value _goal_row writes, in order: its HTML is a function of them."""
    counts = tuple((c["light"], c["label"], c["n"]) for c in row["counts"])
    return (
        True,
        row["code"],
        row["id"],
        row["depth"],
        row["name"],
        row["url"],
        row["type_label"],
        row["ratio_text"],
        counts,
        row.get("category"),
    )


def _item_key(row: dict) -> tuple:
    """Every value _item_row (and _progress) writes or tests, in order."""
    get = row.get
    return (
        False,
        row["code"],
        row["id"],
        row["depth"],
        row["url"],
        row["name"],
        row["type_label"],
        bool(get("stale")),
        get("target_text"),
        get("measure_unit"),
        row["light"],
        row["label"],
        get("expected_text"),
        get("actual_text"),
        get("percent"),
        get("lead_unit"),
        get("leaders"),
    )


class _RowCache:
    """Rows' HTML by the values written in them (and the language of the page's phrases), for
    the rows a process shows most. A row whose name, figures, status, lead unit or leaders
    changed has another key, so nothing shown can be stale; an unchanged row is not written
    again (a city's tree: ~370 rows, most unchanged between requests). Bounded by the length
    of the HTML kept; the least recently used rows are dropped first."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.chars = 0
        self.rows: OrderedDict[tuple, str] = OrderedDict()

    def html(self, row: dict, words: _Words) -> str:
        is_goal = row["is_goal"]
        key = (words.language, *(_goal_key(row) if is_goal else _item_key(row)))
        html = self.rows.get(key)
        if html is not None:
            self.rows.move_to_end(key)
            return html
        html = _goal_row(row, words) if is_goal else _item_row(row, words)
        self.rows[key] = html
        self.chars += len(html)
        while self.chars > self.max_chars and self.rows:
            self.chars -= len(self.rows.popitem(last=False)[1])
        return html

    def clear(self) -> None:
        self.rows.clear()
        self.chars = 0


# One city's tree per process: on the province, a city plan's 370 rows are 247,000 characters,
# about 0.9 MB held with their keys (tracemalloc); the server's memory target (issue 13) leaves
# little more.
ROW_CACHE = _RowCache(max_chars=300_000)


@register.simple_tag
def tree_rows(rows) -> SafeString:
    words = _Words()
    # Each row between the blank lines and indentation the template's loop left around it.
    return SafeString(
        "".join("\n      \n" + ROW_CACHE.html(row, words) + "      \n    " for row in rows)
    )


WORK_ROW = (
    "\n      <tr>\n"
    '        <td><a href="{item_url}">{code} {name}</a></td>\n'
    "        <td>{unit}</td>\n"
    "        <td>{role}</td>\n"
    "        <td>{period}</td>\n"
    "        <td>{due}{provisional}{late}</td>\n"
    "        <td>{state}</td>\n"
    '        <td><span class="gc-light {light}">{label}</span>\n</td>\n'
    '        <td class="d-print-none"><a class="btn btn-sm {button}" href="{report_url}">{action}'
    "</a></td>\n"
    "      </tr>"
)


def _url_pattern(name: str, *markers) -> tuple[str, ...]:
    """A URL reversed once with marker arguments, split around them: the pieces between which
    each row's own values go (a work list page has 50 rows, two links each)."""
    from django.urls import reverse

    url = reverse(name, args=markers)
    pieces = []
    for marker in markers:
        head, _, url = url.partition(str(marker))
        pieces.append(head)
    pieces.append(url)
    return tuple(pieces)


@register.simple_tag
def workbench_rows(page) -> SafeString:
    """The rows of the work list (我的工作台): what goals/workbench.html's loop wrote, one format
    string per row (see the module's docstring)."""
    from django.utils.formats import date_format

    from ganchao.workcal.templatetags.workcal import provisional_note

    item_head, item_tail = _url_pattern("goals:item_detail", 987654321)
    form_head, form_mid, form_tail = _url_pattern("goals:report_form", 987654321, "PERIOD0")
    late = f' <span class="badge bg-red-lt">{escape(gettext("已逾期"))}</span>'
    view, fill = escape(gettext("查看")), escape(gettext("填报"))
    out = []
    for a in page:
        done = a.report_state in ("submitted", "accepted")
        out.append(
            WORK_ROW.format(
                item_url=f"{item_head}{a.item_id}{item_tail}",
                code=escape(a.item.code),
                name=escape(a.item.name),
                unit=escape(a.unit.name),
                role=escape(a.get_role_display()),
                period=escape(a.period_label),
                due=escape(date_format(a.due_on, "DATE_FORMAT")) if a.due_on else "",
                provisional=provisional_note(a.due_on),
                late=late if a.is_late else "",
                state=escape(a.state_label),
                light=escape(a.badge["light"]),
                label=escape(a.badge["label"]),
                button="btn-outline-secondary" if done else "btn-primary",
                report_url=f"{form_head}{a.pk}{form_mid}{escape(a.due_period)}{form_tail}",
                action=view if done else fill,
            )
        )
    return SafeString("".join(out))
