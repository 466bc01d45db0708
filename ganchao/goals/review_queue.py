"""The office's review queue of progress reports (进展审核): filters, search, sort and the counts
each filter value would give, read the same way by the page and the API.

Filters: unit (its whole subtree), item, data period, state (待审核 by default), late (submitted
after the due day) and evidence; search over the item's 编号 and name and the unit's name, alias
and code. Every count on the page comes from the same filtered selection minus the filter it
counts, so "逾期 12" is what choosing 逾期 shows. A fixed number of queries whatever the size.
"""

import dataclasses

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.common import workdays
from ganchao.common.errors import FieldError, ValidationFailed
from ganchao.common.views import query_int
from ganchao.goals import periods
from ganchao.goals.choices import ReportState
from ganchao.goals.models import Evidence, Item, ProgressReport
from ganchao.goals.selectors import _report_prefetch, visible_assignments_q
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

STATES = {
    "submitted": (ReportState.SUBMITTED,),
    "returned": (ReportState.RETURNED,),
    "accepted": (ReportState.ACCEPTED,),
    "all": (ReportState.SUBMITTED, ReportState.RETURNED, ReportState.ACCEPTED),
}
STATE_LABELS = {
    "submitted": gettext_lazy("待审核"),
    "returned": gettext_lazy("已退回"),
    "accepted": gettext_lazy("已通过"),
    "all": gettext_lazy("全部"),
}
SORTS = {
    "submitted": ("submitted_at", "pk"),
    "due": ("period_end", "assignment__item__plan__report_due_working_days", "pk"),
    "unit": ("assignment__unit__path", "submitted_at", "pk"),
    "item": ("assignment__item__plan_id", "assignment__item__sort_key", "submitted_at", "pk"),
}
SORT_LABELS = {
    "submitted": gettext_lazy("报送时间"),
    "due": gettext_lazy("报送期限"),
    "unit": gettext_lazy("单位"),
    "item": gettext_lazy("目标任务"),
}
FACET_LIMIT = 300  # options offered for unit and item (the busiest first); typing covers the rest
MAX_SEARCH = 100


@dataclasses.dataclass
class ReviewFilters:
    state: str = "submitted"
    unit: Unit | None = None
    unit_text: str = ""
    item: int | None = None
    period: str = ""
    late: bool | None = None
    evidence: bool | None = None
    q: str = ""
    sort: str = "submitted"
    descending: bool = False
    errors: list[FieldError] = dataclasses.field(default_factory=list)

    @property
    def sort_param(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort

    def as_query(self) -> dict[str, str]:
        """The filters as query-string values (what the page's links and the bulk form carry)."""
        values = {
            "state": self.state,
            "unit": self.unit.code if self.unit else "",
            "item": str(self.item or ""),
            "period": self.period,
            "late": _flag_text(self.late),
            "evidence": _flag_text(self.evidence),
            "q": self.q,
            "sort": self.sort_param,
        }
        return {key: value for key, value in values.items() if value}


def _flag_text(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def _flag(raw) -> bool | None:
    return {"1": True, "0": False}.get(str(raw or "").strip())


def parse_filters(data) -> ReviewFilters:
    """Filters from a query string or a JSON body; an unknown unit or period is an error naming
    the field (the page shows it above the table; the API answers 422)."""
    filters = ReviewFilters()
    state = str(data.get("state") or "submitted").strip()
    filters.state = state if state in STATES else "submitted"
    sort = str(data.get("sort") or "submitted").strip()
    filters.descending = sort.startswith("-")
    filters.sort = sort.lstrip("-") if sort.lstrip("-") in SORTS else "submitted"
    filters.item = query_int(data.get("item"))
    filters.late, filters.evidence = _flag(data.get("late")), _flag(data.get("evidence"))
    filters.q = str(data.get("q") or "").strip()[:MAX_SEARCH]
    period = str(data.get("period") or "").strip()
    if period and periods.parse_period(period) is None:
        filters.errors.append(
            FieldError("period", _("数据期间：“%(text)s”不是有效的期间") % {"text": period})
        )
    else:
        filters.period = period
    filters.unit_text = str(data.get("unit") or "").strip()[:MAX_SEARCH]
    if filters.unit_text:
        filters.unit = _unit_named(filters.unit_text)
        if filters.unit is None:
            filters.errors.append(
                FieldError("unit", _("单位：找不到“%(text)s”") % {"text": filters.unit_text})
            )
    return filters


def _unit_named(text: str) -> Unit | None:
    """A unit by its code, or by a name that is unique (the directory is readable by all staff)."""
    by_code = Unit.objects.filter(code=text).first()
    if by_code is not None:
        return by_code
    named = list(Unit.objects.filter(name=text)[:2])
    return named[0] if len(named) == 1 else None


def require_valid(filters: ReviewFilters) -> None:
    if filters.errors:
        raise ValidationFailed("；".join(e.message for e in filters.errors), filters.errors)


# ---- the selection -------------------------------------------------------------------------


def _base(actor):
    if not scope_of(actor).has(OrgRole.OFFICE):
        return ProgressReport.objects.none()
    has_evidence = Exists(Evidence.objects.filter(report=OuterRef("pk")))
    return ProgressReport.objects.filter(is_current=True).annotate(has_evidence=has_evidence)


def _narrowed(query, filters: ReviewFilters, *, skip: str = ""):
    if skip != "state":
        query = query.filter(state__in=STATES[filters.state])
    if filters.unit is not None and skip != "unit":
        query = query.filter(assignment__unit__path__startswith=filters.unit.path)
    if filters.item and skip != "item":
        query = query.filter(assignment__item_id=filters.item)
    if filters.period and skip != "period":
        query = query.filter(period=filters.period)
    if filters.late is not None and skip != "late":
        query = query.filter(late=filters.late)
    if filters.evidence is not None and skip != "evidence":
        query = query.filter(has_evidence=filters.evidence)
    if filters.q:
        query = query.filter(_search_q(filters.q))
    return query


def _search_q(text: str) -> Q:
    return (
        Q(assignment__item__code=text)
        | Q(assignment__item__code__startswith=f"{text}.")
        | Q(assignment__item__name__icontains=text)
        | Q(assignment__unit__name__icontains=text)
        | Q(assignment__unit__code__iexact=text)
        | Q(assignment__unit__aliases__icontains=text)
    )


def review_reports(actor, filters: ReviewFilters):
    """The rows, joined and prefetched for the page and the API, in the chosen order."""
    order = SORTS[filters.sort]
    if filters.descending:
        order = tuple(f"-{field}" for field in order)
    return (
        _narrowed(_base(actor), filters)
        .select_related(
            "assignment__item__plan",
            "assignment__item__data_source_unit",
            "assignment__unit",
            "submitted_by__unit",
        )
        .prefetch_related(*_report_prefetch())
        .order_by(*order)
    )


def review_counts(actor, filters: ReviewFilters) -> dict:
    """What each filter value would give with the other filters kept (six queries)."""
    base = _base(actor)
    states = dict(
        _narrowed(base, filters, skip="state")
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    by_state = {key: sum(states.get(s, 0) for s in members) for key, members in STATES.items()}
    lateness = _narrowed(base, filters, skip="late").aggregate(
        total=Count("pk"), late=Count("pk", filter=Q(late=True))
    )
    evidence = _narrowed(base, filters, skip="evidence").aggregate(
        yes=Count("pk", filter=Q(has_evidence=True)), no=Count("pk", filter=Q(has_evidence=False))
    )
    period_rows = (
        _narrowed(base, filters, skip="period")
        .order_by()
        .values_list("period")
        .annotate(n=Count("pk"))
    )
    units = (
        _narrowed(base, filters, skip="unit")
        .order_by()
        .values_list("assignment__unit__code", "assignment__unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "assignment__unit__code")[:FACET_LIMIT]
    )
    items = (
        _narrowed(base, filters, skip="item")
        .order_by()
        .values_list("assignment__item_id", "assignment__item__code", "assignment__item__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "assignment__item_id")[:FACET_LIMIT]
    )
    return {
        "states": by_state,
        "late": lateness["late"],
        "on_time": lateness["total"] - lateness["late"],
        "evidence": evidence["yes"],
        "no_evidence": evidence["no"],
        "periods": sorted(period_rows, key=lambda row: _period_order(row[0])),
        "units": list(units),
        "items": sorted(_with_chosen_item(list(items), filters), key=lambda row: row[1]),
    }


def _with_chosen_item(items: list, filters: ReviewFilters) -> list:
    """The chosen item stays among the options even when it is not one of the busiest."""
    if filters.item and all(row[0] != filters.item for row in items):
        chosen = Item.objects.filter(pk=filters.item).values_list("pk", "code", "name").first()
        if chosen is not None:
            items.append((*chosen, 0))
    return items


def period_label(code: str) -> str:
    period = periods.parse_period(code)
    return period.label if period else code


def _period_order(code: str):
    period = periods.parse_period(code)
    return (period.end, code) if period else (None, code)


def review_ids(actor, filters: ReviewFilters, *, limit: int) -> list[tuple[int, int]]:
    """(id, version) of every matching report awaiting review, at most `limit` + 1 of them (so
    that a caller can tell the selection is too large)."""
    narrowed = _narrowed(_base(actor), dataclasses.replace(filters, state="submitted"))
    return list(narrowed.order_by("submitted_at", "pk").values_list("pk", "version")[: limit + 1])


def reports_by_ids(actor, ids) -> list:
    """The reports of `ids` the actor may see, decorated, in the order of `ids` (the bulk
    confirmation and result pages)."""
    order = {pk: index for index, pk in enumerate(ids)}
    found = ProgressReport.objects.filter(pk__in=ids).select_related(
        "assignment__item__plan", "assignment__unit", "submitted_by__unit"
    )
    condition = visible_assignments_q(actor, "assignment__")
    if condition is not None:
        found = found.filter(condition)
    return decorate(sorted(found, key=lambda report: order[report.pk]))


# ---- a row as shown ------------------------------------------------------------------------


def decorate(reports) -> list:
    """Due date and the reporter's unit for each row (a data-source unit reports for others)."""
    cal = workdays.current_calendar()
    rows = list(reports)
    for report in rows:
        plan = report.assignment.item.plan
        period = periods.parse_period(report.period)
        report.period_label = period.label if period else report.period
        report.due_on = (
            periods.due_date(period, cal, plan.report_due_working_days) if period else None
        )
        report.reporter_unit = report_unit(report)
        report.on_behalf = report.reporter_unit is not None and (
            report.reporter_unit.pk != report.assignment.unit_id
        )
    return rows


def report_unit(report):
    """The unit that submitted the report: the submitter's unit (its own assignment, or another's
    as the item's data-source unit); the assignment's own unit when nobody is recorded."""
    submitter = report.submitted_by
    if submitter is None:
        return report.assignment.unit
    return submitter.unit
