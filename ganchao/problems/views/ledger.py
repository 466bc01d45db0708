"""The ledger page /problems/: filters, a chart of open problems by age stacked by severity
(each bar leads to its rows) and the paginated table."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ganchao.common.views import paginate, require_staff
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of
from ganchao.problems import selectors
from ganchao.problems.choices import (
    AGE_BUCKET_BOUNDS,
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


def age_chart(qs, filters: dict, today) -> dict:
    """Unclosed problems (after the filters) per age bucket and severity, in one query, with
    the address of each bar's rows."""
    aggregates = {}
    for index, (bucket, _low, _high) in enumerate(AGE_BUCKET_BOUNDS):
        bucket_q = selectors.age_range(bucket, today)
        for severity in Severity.values:
            aggregates[f"b{index}_{severity}"] = Count("pk", filter=bucket_q & Q(severity=severity))
    counts = qs.filter(state__in=UNCLOSED_STATES).aggregate(**aggregates)
    base = {k: v for k, v in filters.items() if v and k not in ("age", "severity", "state")}
    ledger = reverse("problems:ledger")
    return {
        "buckets": [str(AgeBucket(b).label) for b, _l, _h in AGE_BUCKET_BOUNDS],
        "series": [
            {
                "name": str(Severity(severity).label),
                "color": CHART_COLORS[severity],
                "data": [counts[f"b{index}_{severity}"] for index in range(len(AGE_BUCKET_BOUNDS))],
            }
            for severity in Severity.values
        ],
        "urls": [
            [
                f"{ledger}?{urlencode({**base, 'age': bucket, 'severity': severity, 'open': '1'})}"
                for severity in Severity.values
            ]
            for bucket, _l, _h in AGE_BUCKET_BOUNDS
        ],
        "rows": [
            {
                "label": str(AgeBucket(bucket).label),
                "counts": [counts[f"b{index}_{severity}"] for severity in Severity.values],
            }
            for index, (bucket, _l, _h) in enumerate(AGE_BUCKET_BOUNDS)
        ],
        "total": sum(counts.values()),
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
    filtered = selectors.ledger_filter(visible, request.GET, today)
    rows = filtered.select_related("owner_unit").order_by("-found_on", "-id")
    page = paginate(request, rows, PER_PAGE)
    unit = Unit.objects.filter(code=filters["unit"]).first() if filters["unit"] else None
    context = {
        "page": page,
        "rows": table_rows(page.object_list, today),
        "filters": filters,
        "filter_unit": unit,
        "open_only": request.GET.get("open") == "1",
        "place_types": PlaceType.choices,
        "categories": Category.choices,
        "severities": Severity.choices,
        "states": State.choices,
        "ages": AgeBucket.choices,
        "chart": age_chart(
            selectors.ledger_filter(visible, _chart_params(filters), today), filters, today
        ),
        "may_create": scope_of(request.user).is_staff_user,
        "may_import": _is_office(request.user),
    }
    return render(request, "problems/ledger.html", context)


def _chart_params(filters: dict) -> dict:
    """The chart counts unclosed problems of every age and severity under the other filters."""
    return {k: v for k, v in filters.items() if k not in ("age", "severity", "state")}


def _is_office(user) -> bool:
    from ganchao.orgs.choices import Role

    return scope_of(user).has(Role.OFFICE)
