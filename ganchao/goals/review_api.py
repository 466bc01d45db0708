"""The review queue through the API: the same filters, counts and services as the page
(`/goals/reports/review/`). Accept and return of one report are in api.py."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from ganchao.common.api import MAX_OFFSET, LocalDatetime
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.goals import review_queue as queue
from ganchao.goals import services_reports
from ganchao.goals.api_schemas import DecimalText
from ganchao.goals.service_base import require_office

router = Router(tags=["盯着干：进展审核"])
MAX_LIMIT = 200


class ReviewFiltersIn(Schema):
    state: str = "submitted"
    unit: str = ""
    item: int | None = None
    period: str = ""
    late: bool | None = None
    evidence: bool | None = None
    q: str = ""
    sort: str = "submitted"


class ReviewRowOut(Schema):
    id: int
    assignment_id: int
    item_id: int
    item_code: str
    item_name: str
    unit_code: str
    unit_name: str
    period: str
    revision: int
    state: str
    value: DecimalText
    late: bool
    has_evidence: bool
    due_date: dt.date | None
    submitted_at: LocalDatetime | None
    submitted_by: str | None
    reporter_unit_code: str | None
    version: int


class ReviewCountsOut(Schema):
    states: dict[str, int]
    late: int
    on_time: int
    evidence: int
    no_evidence: int
    periods: dict[str, int]


class ReviewListOut(Schema):
    items: list[ReviewRowOut]
    count: int
    counts: ReviewCountsOut


class BulkEntryIn(Schema):
    id: int
    expected_version: int | None = None


class BulkAcceptIn(Schema):
    reports: list[BulkEntryIn] | None = None
    filters: ReviewFiltersIn | None = None
    expected_count: int | None = None


class BulkFailureOut(Schema):
    id: int
    code: str
    message: str


class BulkAcceptOut(Schema):
    accepted: list[int]
    failed: list[BulkFailureOut]


def _filters(data: ReviewFiltersIn) -> queue.ReviewFilters:
    raw = data.dict()
    for flag in ("late", "evidence"):
        raw[flag] = "" if raw[flag] is None else ("1" if raw[flag] else "0")
    filters = queue.parse_filters(raw)
    queue.require_valid(filters)
    return filters


def _row(report) -> dict:
    unit, item = report.assignment.unit, report.assignment.item
    submitter = report.submitted_by
    return {
        "id": report.pk,
        "assignment_id": report.assignment_id,
        "item_id": item.pk,
        "item_code": item.code,
        "item_name": item.name,
        "unit_code": unit.code,
        "unit_name": unit.name,
        "period": report.period,
        "revision": report.revision,
        "state": report.state,
        "value": report.value,
        "late": report.late,
        "has_evidence": report.has_evidence,
        "due_date": report.due_on,
        "submitted_at": report.submitted_at,
        "submitted_by": submitter.username if submitter else None,
        "reporter_unit_code": report.reporter_unit.code if report.reporter_unit else None,
        "version": report.version,
    }


@router.get(
    "/reports/review",
    response=ReviewListOut,
    summary="进展审核列表（督查室；筛选、搜索、排序与分项计数）",
)
def review_list(request, filters: Query[ReviewFiltersIn], limit: int = 30, offset: int = 0):
    require_office(request.user)
    chosen = _filters(filters)
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))
    rows = queue.review_reports(request.user, chosen)
    page = queue.decorate(rows[offset : offset + limit])
    counts = queue.review_counts(request.user, chosen)
    return {
        "items": [_row(r) for r in page],
        "count": rows.count(),
        "counts": {
            "states": counts["states"],
            "late": counts["late"],
            "on_time": counts["on_time"],
            "evidence": counts["evidence"],
            "no_evidence": counts["no_evidence"],
            "periods": dict(counts["periods"]),
        },
    }


@router.post("/reports/accept-bulk", response=BulkAcceptOut, summary="批量审核通过（督查室）")
def accept_bulk(request, payload: BulkAcceptIn):
    """Either `reports` (ids with their expected versions) or `filters` with `expected_count`
    (every matching report awaiting review; 409 when the count has changed since it was
    shown). Each row succeeds or fails on its own; failures are listed with their reason."""
    require_office(request.user)
    if payload.reports:
        entries = [(e.id, e.expected_version) for e in payload.reports]
    elif payload.filters is not None:
        entries = _matching(request.user, payload)
    else:
        raise ValidationFailed.on("reports", _("请列出要审核通过的报告，或给出筛选条件"))
    result = services_reports.reports_accept_bulk(actor=request.user, entries=entries)
    return {
        "accepted": [r.pk for r in result.accepted],
        "failed": [{"id": pk, "code": e.code, "message": e.message} for pk, e in result.failed],
    }


def _matching(actor, payload: BulkAcceptIn) -> list:
    if payload.expected_count is None:
        raise ValidationFailed.on("expected_count", _("按筛选条件批量审核时，请给出确认的条数"))
    limit = services_reports.BULK_LIMIT
    entries = queue.review_ids(actor, _filters(payload.filters), limit=limit)
    if len(entries) > limit:
        raise ValidationFailed.on(
            "filters", _("符合条件的报告超过%(n)d条，请缩小筛选范围") % {"n": limit}
        )
    if len(entries) != payload.expected_count:
        raise Conflict(
            _("符合条件的待审核报告现为 %(now)d 条，与确认的 %(then)d 条不一致，请重新确认")
            % {"now": len(entries), "then": payload.expected_count}
        )
    return entries
