"""Pages of the scorecards (督办记分卡): units (sortable, worst first, with where the time goes)
and leaders. The figures come from ganchao.supervision.scorecards as plain rows."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.common.errors import NotFound
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.supervision import scorecards as sc

UNIT_COLUMNS = [
    ("name", gettext_lazy("单位")),
    ("receipt_rate", gettext_lazy("按时签收率")),
    ("response_rate", gettext_lazy("按时实质性反馈率")),
    ("median_response_hours", gettext_lazy("首次实质性反馈用时中位数")),
    ("overdue", gettext_lazy("当前超期")),
    ("reopens", gettext_lazy("再批示重启")),
    ("hops_per_matter", gettext_lazy("平均流转环节")),
    ("dwell_total_hours", gettext_lazy("停留总时长")),
    ("dwell_median_hours", gettext_lazy("停留时长中位数")),
]
CHART_UNITS = 15


def period_from(params) -> tuple[sc.Period, str]:
    """The period asked for by ?from=&to= (dates), this year by default; a bad value falls back
    to the default and says why."""
    default = sc.Period.year_of(timezone.localdate())
    raw_from, raw_to = params.get("from", "").strip(), params.get("to", "").strip()
    try:
        start = dt.date.fromisoformat(raw_from) if raw_from else default.start
        end = dt.date.fromisoformat(raw_to) if raw_to else default.end
    except ValueError:
        return default, _("日期格式应为“2026-01-01”，已按本年度统计。")
    if end < start:
        return default, _("结束日期早于开始日期，已按本年度统计。")
    return sc.Period(start, end), ""


def _sort_params(params) -> tuple[str, bool]:
    key = params.get("sort", "")
    if key != "name" and key not in sc.SORT_KEYS:
        return "", False
    return key, params.get("dir", "") == "desc"


def _columns(key: str, descending: bool, period: sc.Period) -> list[dict]:
    """Header links: a second click on the sorted column reverses it."""
    base = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    columns = []
    for name, label in UNIT_COLUMNS:
        # first click shows the worst first: names A→Z, rates lowest, times and counts highest
        direction = "asc" if name == "name" or sc.SORT_KEYS[name] else "desc"
        if key == name:
            direction = "asc" if descending else "desc"
        columns.append(
            {
                "key": name,
                "label": label,
                "url": f"?{base}&sort={name}&dir={direction}",
                "sorted": ("desc" if descending else "asc") if key == name else "",
            }
        )
    return columns


def _chart(rows: list[dict]) -> dict:
    """Where the time goes: the units that held matters longest, each bar leading to their
    matters."""
    top = sorted(
        [r for r in rows if r["dwell_hops"]], key=lambda r: r["dwell_total_hours"], reverse=True
    )[:CHART_UNITS]
    matters = reverse("supervision:matter_list")
    return {
        "names": [r["name"] for r in top],
        "total": [float(r["dwell_total_hours"]) for r in top],
        "median": [float(r["dwell_median_hours"] or 0) for r in top],
        "urls": [f"{matters}?unit={r['code']}" for r in top],
        "total_label": _("停留总时长（工作小时）"),
        "median_label": _("停留时长中位数（工作小时）"),
    }


@login_required
def unit_scorecards(request):
    period, problem = period_from(request.GET)
    try:
        rows = sc.unit_scorecards(actor=request.user, period=period)
    except NotFound as exc:
        raise Http404 from exc
    key, descending = _sort_params(request.GET)
    rows = sc.sort_rows(rows, key, descending)
    context = {
        "rows": rows,
        "period": period,
        "problem": problem,
        "columns": _columns(key, descending, period),
        "chart": _chart(rows),
        "may_see_leaders": scope_of(request.user).has(Role.OFFICE, Role.LEADER),
    }
    return render(request, "supervision/scorecard_units.html", context)


@login_required
def leader_scorecards(request):
    period, problem = period_from(request.GET)
    try:
        rows = sc.leader_scorecards(actor=request.user, period=period)
    except NotFound as exc:
        raise Http404 from exc
    context = {"rows": rows, "period": period, "problem": problem}
    return render(request, "supervision/scorecard_leaders.html", context)
