"""The ledger page /problems/: filters, a chart of open problems by age stacked by severity
(each bar leads to its rows) and the paginated table."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ganchao.common.views import paginate, require_staff
from ganchao.common.widgets import UNIT_SEARCH_URL, PickerTextInput
from ganchao.orgs.scoping import scope_of
from ganchao.problems import selectors
from ganchao.problems.choices import (
    UNCLOSED_STATES,
    AgeBucket,
    Category,
    PlaceType,
    Severity,
    State,
)

PER_PAGE = 30
FILTERS = (
    "place_type", "unit", "category", "severity", "state", "age", "legacy", "overdue", "q",
)  # fmt: skip
STATE_COLORS = {
    State.OPEN: "orange",
    State.REOPENED: "red",
    State.RECTIFYING: "blue",
    State.VERIFYING: "purple",
    State.CLOSED: "green",
}
SEVERITY_COLORS = {
    Severity.GENERAL: "secondary",
    Severity.SERIOUS: "orange",
    Severity.SEVERE: "red",
}
# the chart's severities, lightest first (stacked bottom up), in colours that read apart
CHART_COLORS = {
    Severity.GENERAL: "#8fb4e3",
    Severity.SERIOUS: "#f59f00",
    Severity.SEVERE: "#d63939",
}


def filters_of(params) -> dict:
    """The filters as typed, cut to sane lengths, for the form to show them again."""
    return {name: str(params.get(name, "")).strip()[:100] for name in FILTERS}


def age_chart(by_age: list[dict], filters: dict) -> dict:
    """The chart of selectors.open_by_age (unclosed problems after the other filters, per age
    bucket and severity), with the address of each bar's rows."""
    base = {k: v for k, v in filters.items() if v and k not in ("age", "severity", "state")}
    ledger = reverse("problems:ledger")
    return {
        "buckets": [str(AgeBucket(row["bucket"]).label) for row in by_age],
        "series": [
            {
                "name": str(Severity(severity).label),
                "color": CHART_COLORS[severity],
                "data": [row["by_severity"][severity] for row in by_age],
            }
            for severity in Severity.values
        ],
        "urls": [
            [
                f"{ledger}?{urlencode({**base, 'age': row['bucket'], 'severity': s, 'open': '1'})}"
                for s in Severity.values
            ]
            for row in by_age
        ],
        "rows": [
            {
                "label": str(AgeBucket(row["bucket"]).label),
                "counts": [row["by_severity"][severity] for severity in Severity.values],
            }
            for row in by_age
        ],
        "total": sum(row["count"] for row in by_age),
    }


def table_rows(problems, today) -> list[dict]:
    return [
        {
            "problem": p,
            "overdue": p.state in UNCLOSED_STATES and p.deadline < today,
            "state_color": STATE_COLORS.get(p.state, "secondary"),
            "severity_color": SEVERITY_COLORS.get(p.severity, "secondary"),
        }
        for p in problems
    ]


@login_required
@require_staff
def ledger(request):
    today = timezone.localdate()
    filters = filters_of(request.GET)
    visible = selectors.problems_visible(request.user)
    unit = selectors.ledger_unit(request.GET)  # once: the table, the chart and the hint use it
    filtered = selectors.ledger_filter(visible, request.GET, today, unit=unit)
    rows = filtered.select_related("owner_unit").order_by("-found_on", "-id")
    page = paginate(request, rows, PER_PAGE)
    by_age = selectors.open_by_age(request.user, _chart_params(filters), today, unit=unit)
    context = {
        "page": page,
        "rows": table_rows(page.object_list, today),
        "filters": filters,
        "filter_unit": unit,
        "unit_input": _unit_input(filters["unit"]),
        "open_only": request.GET.get("open") == "1",
        "place_types": PlaceType.choices,
        "categories": Category.choices,
        "severities": Severity.choices,
        "states": State.choices,
        "ages": AgeBucket.choices,
        "chart": age_chart(by_age, filters),
        "may_create": scope_of(request.user).is_staff_user,
        "may_import": _is_office(request.user),
    }
    return render(request, "problems/ledger.html", context)


def _chart_params(filters: dict) -> dict:
    """The chart counts unclosed problems of every age and severity under the other filters."""
    return {k: v for k, v in filters.items() if k not in ("age", "severity", "state")}


def _unit_input(code: str):
    """The unit filter as the type-ahead unit picker of the other pages (a text box of the
    unit's code without JavaScript)."""
    widget = PickerTextInput(
        attrs={"id": "f-unit", "class": "form-control"}, search_url=UNIT_SEARCH_URL
    )
    return widget.render("unit", code)


def _is_office(user) -> bool:
    from ganchao.orgs.choices import Role

    return scope_of(user).has(Role.OFFICE)
