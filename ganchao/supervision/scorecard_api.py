"""API of the scorecards (督办记分卡): /scorecards/units and /scorecards/leaders, each with
?from=&to= (dates; this year by default). Rows are the selectors' plain rows."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.supervision import scorecards as sc

router = Router(tags=["领着干：督办记分卡"])


class Figures(Schema):
    receipt_rate: Decimal | None
    receipt_on_time: int
    receipt_counted: int
    response_rate: Decimal | None
    response_on_time: int
    response_counted: int
    median_response_hours: Decimal | None
    overdue: int
    reopens: int
    matters: int
    hops_per_matter: Decimal | None
    hops: int
    dwell_hops: int
    dwell_total_hours: Decimal
    dwell_median_hours: Decimal | None


class UnitCardOut(Figures):
    unit_id: int
    code: str
    name: str


class LeaderCardOut(Figures):
    leader_id: int
    name: str
    title: str
    areas: list[UnitCardOut]


class UnitCardsOut(Schema):
    start: dt.date
    end: dt.date
    items: list[UnitCardOut]
    count: int


class LeaderCardsOut(Schema):
    start: dt.date
    end: dt.date
    items: list[LeaderCardOut]
    count: int


def _period(start: dt.date | None, end: dt.date | None) -> sc.Period:
    default = sc.Period.year_of(timezone.localdate())
    period = sc.Period(start or default.start, end or default.end)
    if period.end < period.start:
        raise ValidationFailed.on("to", _("结束日期不能早于开始日期"))
    return period


FROM = Query(None, alias="from", description="开始日期（含），默认本年1月1日")
TO = Query(None, description="结束日期（含），默认本年12月31日")


@router.get("/scorecards/units", response=UnitCardsOut, summary="单位督办记分卡（含停留时长）")
def unit_cards(request, start: dt.date | None = FROM, to: dt.date | None = TO):
    """Per unit in the caller's scope, worst first: receipt and response on time, median time
    to the first substantive response, overdue, reopens, hops per matter and dwell times."""
    period = _period(start, to)
    try:
        rows = sc.unit_scorecards(actor=request.user, period=period)
    except NotFound as exc:
        raise Http404 from exc
    return {"start": period.start, "end": period.end, "items": rows, "count": len(rows)}


@router.get("/scorecards/leaders", response=LeaderCardsOut, summary="领导督办记分卡")
def leader_cards(request, start: dt.date | None = FROM, to: dt.date | None = TO):
    """Per leader (the office: all; a leader: their own): the matters they issued, and the rows
    of the units of their areas."""
    period = _period(start, to)
    try:
        rows = sc.leader_scorecards(actor=request.user, period=period)
    except NotFound as exc:
        raise Http404 from exc
    return {"start": period.start, "end": period.end, "items": rows, "count": len(rows)}
