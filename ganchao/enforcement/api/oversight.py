"""API of enforcement: oversight slice (B11, B13, the warnings): the dashboard figures, the
warnings, complaints, inspections and the annual statistics. Reads go through
selectors_oversight (scoped to the actor); writes call services.oversight."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.enforcement import selectors_oversight as sel
from ganchao.enforcement.models import Case, EnforcementMatter
from ganchao.enforcement.services import oversight as services

router = Router(tags=["行政执法"])


# ---- schemas ---------------------------------------------------------------------------------


class AgencyFilter(Schema):
    agency: int | None = None


class ComplaintFilters(AgencyFilter):
    state: str = ""


class ComplaintIn(Schema):
    agency_id: int
    place: str = ""
    received_on: dt.date | None = None
    channel: str = ""
    summary: str = ""


class ComplaintOut(Schema):
    id: int
    agency_id: int
    agency: str
    place: str
    place_key: str
    received_on: dt.date
    channel: str
    summary: str
    state: str
    created_at: LocalDatetime


class InspectionIn(Schema):
    agency_id: int
    matter_id: int | None = None
    place: str = ""
    inspected_on: dt.date | None = None
    random: bool = False
    result: str = ""
    case_id: int | None = None


class InspectionOut(Schema):
    id: int
    agency_id: int
    agency: str
    matter_id: int | None
    matter: str | None
    place: str
    place_key: str
    inspected_on: dt.date
    random: bool
    result: str
    case_id: int | None
    case_code: str | None
    created_at: LocalDatetime


class AnnualReportIn(Schema):
    agency_id: int
    year: int
    note: str = ""


class AnnualReportOut(Schema):
    id: int
    agency_id: int
    agency: str
    year: int
    figures: dict
    note: str
    published_at: LocalDatetime


class FiguresFilter(Schema):
    agency: int
    year: int


class CaseRefOut(Schema):
    id: int
    code: str
    title: str
    filed_on: dt.date
    agency: str


class UnrectifiedOut(Schema):
    case: CaseRefOut
    decided_on: dt.date
    fine: str | None
    days: int


class RepeatOut(Schema):
    kind: str
    label: str
    violation: str
    violation_label: str
    first_on: dt.date
    last_on: dt.date
    cases: list[CaseRefOut]


class SupervisionGapOut(Schema):
    place: str
    agency: str
    complaints: int
    first_on: dt.date
    last_on: dt.date


class AnnualDueOut(Schema):
    agency_id: int
    agency: str
    year: int
    due: dt.date
    overdue: bool


class WarningsOut(Schema):
    unrectified: list[UnrectifiedOut]
    repeats: list[RepeatOut]
    gaps: list[SupervisionGapOut]
    annual_due: list[AnnualDueOut]


class ClockAlertOut(Schema):
    level: int
    level_label: str
    on: dt.date


class OverdueOut(Schema):
    case_id: int
    code: str
    title: str
    agency: str
    clock: str
    label: str
    due: dt.date
    days_over: int
    alerts: list[ClockAlertOut]


class DashboardOut(Schema):
    today: dt.date
    year: int
    kpis: dict
    charts: dict
    overdue: list[OverdueOut]
    warnings: WarningsOut


# ---- rows ------------------------------------------------------------------------------------


def complaint_out(row) -> dict:
    return {
        "id": row.pk,
        "agency_id": row.agency_id,
        "agency": row.agency.name,
        "place": row.place,
        "place_key": row.place_key,
        "received_on": row.received_on,
        "channel": row.channel,
        "summary": row.summary,
        "state": row.state,
        "created_at": row.created_at,
    }


def inspection_out(row) -> dict:
    return {
        "id": row.pk,
        "agency_id": row.agency_id,
        "agency": row.agency.name,
        "matter_id": row.matter_id,
        "matter": row.matter.name if row.matter_id else None,
        "place": row.place,
        "place_key": row.place_key,
        "inspected_on": row.inspected_on,
        "random": row.random,
        "result": row.result,
        "case_id": row.case_id,
        "case_code": row.case.code if row.case_id else None,
        "created_at": row.created_at,
    }


def report_out(row) -> dict:
    return {
        "id": row.pk,
        "agency_id": row.agency_id,
        "agency": row.agency.name,
        "year": row.year,
        "figures": row.figures,
        "note": row.note,
        "published_at": row.published_at,
    }


def _ref(ref) -> dict:
    return {
        "id": ref.id,
        "code": ref.code,
        "title": ref.title,
        "filed_on": ref.filed_on,
        "agency": ref.agency,
    }


def warnings_out(data: dict) -> dict:
    return {
        "unrectified": [
            {
                "case": _ref(f.case),
                "decided_on": f.decided_on,
                "fine": str(f.fine) if f.fine is not None else None,
                "days": f.days,
            }
            for f in data["unrectified"]
        ],
        "repeats": [
            {
                "kind": r.kind,
                "label": r.label,
                "violation": r.violation,
                "violation_label": r.violation_label,
                "first_on": r.first_on,
                "last_on": r.last_on,
                "cases": [_ref(c) for c in r.cases],
            }
            for r in data["repeats"]
        ],
        "gaps": [
            {
                "place": g.place,
                "agency": g.agency,
                "complaints": g.complaints,
                "first_on": g.first_on,
                "last_on": g.last_on,
            }
            for g in data["gaps"]
        ],
        "annual_due": [
            {
                "agency_id": d.agency_id,
                "agency": d.agency,
                "year": d.year,
                "due": d.due,
                "overdue": d.overdue,
            }
            for d in data["annual_due"]
        ],
    }


def _agencies(request, agency_id: int | None):
    agencies = sel.agencies_visible(request.user)
    if agency_id is None:
        return agencies
    picked = agencies.filter(pk=agency_id)
    if not picked.exists():
        raise NotFound(_("执法主体不存在或无权查看"))
    return picked


def _agency(request, agency_id: int, field: str = "agency_id"):
    agency = sel.agency_get(request.user, agency_id)
    if agency is None:
        raise ValidationFailed.on(field, _("执法主体不存在或无权查看"))
    return agency


def _required_date(value, field: str, label: str) -> dt.date:
    if value is None:
        raise ValidationFailed.on(field, _("请填写%(label)s") % {"label": label})
    return value


# ---- endpoints -------------------------------------------------------------------------------


@router.get(
    "/dashboard",
    response=DashboardOut,
    summary="执法监督驾驶舱：关键数字、图表数据、超期时限及预警（?agency= 限定执法主体）",
)
def oversight_dashboard(request, filters: Query[AgencyFilter]):
    today = timezone.localdate()
    data = sel.dashboard(_agencies(request, filters.agency), today)
    return {
        "today": today,
        "year": data["year"],
        "kpis": data["kpis"],
        "charts": data["charts"],
        "overdue": [
            {
                "case_id": o.case_id,
                "code": o.code,
                "title": o.title,
                "agency": o.agency,
                "clock": o.clock,
                "label": o.label,
                "due": o.due,
                "days_over": o.days_over,
                "alerts": [{"level": lv, "level_label": lb, "on": on} for lv, lb, on in o.alerts],
            }
            for o in data["overdue"]
        ],
        "warnings": warnings_out(data),
    }


@router.get(
    "/warnings",
    response=WarningsOut,
    summary="执法监督预警：以罚代管、屡禁不止、监管缺位、年度数据待公开",
)
def oversight_warnings(request, filters: Query[AgencyFilter]):
    today = timezone.localdate()
    agencies = _agencies(request, filters.agency)
    cases = Case.objects.filter(agency__in=agencies)
    return warnings_out(
        {
            "unrectified": sel.unrectified_fines(cases, today),
            "repeats": sel.repeat_offences(cases, today),
            "gaps": sel.supervision_gaps(agencies, today),
            "annual_due": sel.annual_reports_due(agencies, today),
        }
    )


@router.get("/complaints", response=list[ComplaintOut], summary="投诉举报")
@paginate(Page)
def complaints(request, filters: Query[ComplaintFilters]):
    rows = sel.complaints_visible(request.user).filter(
        agency__in=_agencies(request, filters.agency)
    )
    if filters.state:
        rows = rows.filter(state=filters.state)
    return PageRows(rows, complaint_out)


@router.post("/complaints", response={201: ComplaintOut}, summary="登记投诉举报")
def complaint_register(request, payload: ComplaintIn):
    row = services.complaint_create(
        actor=request.user,
        agency=_agency(request, payload.agency_id),
        place=payload.place,
        received_on=_required_date(payload.received_on, "received_on", _("收到日期")),
        channel=payload.channel,
        summary=payload.summary,
    )
    return Reply(201, complaint_out(sel.complaint_get(request.user, row.pk)))


@router.post("/complaints/{complaint_id}/close", response=ComplaintOut, summary="办结投诉举报")
def complaint_finish(request, complaint_id: int):
    complaint = sel.complaint_get(request.user, complaint_id)
    services.complaint_close(actor=request.user, complaint=complaint)
    return complaint_out(sel.complaint_get(request.user, complaint_id))


@router.get("/inspections", response=list[InspectionOut], summary="执法检查")
@paginate(Page)
def inspections(request, filters: Query[AgencyFilter]):
    rows = sel.inspections_visible(request.user).filter(
        agency__in=_agencies(request, filters.agency)
    )
    return PageRows(rows, inspection_out)


@router.post("/inspections", response={201: InspectionOut}, summary="登记执法检查")
def inspection_register(request, payload: InspectionIn):
    agency = _agency(request, payload.agency_id)
    matter = None
    if payload.matter_id is not None:
        matter = EnforcementMatter.objects.filter(pk=payload.matter_id).first()
        if matter is None:
            raise ValidationFailed.on("matter_id", _("执法事项不存在"))
    case = None
    if payload.case_id is not None:
        case = Case.objects.filter(pk=payload.case_id, agency=agency).first()
        if case is None:
            raise ValidationFailed.on("case_id", _("本执法主体没有该案件"))
    row = services.inspection_create(
        actor=request.user,
        agency=agency,
        matter=matter,
        place=payload.place,
        inspected_on=_required_date(payload.inspected_on, "inspected_on", _("检查日期")),
        random=payload.random,
        result=payload.result,
        case=case,
    )
    return Reply(201, inspection_out(sel.inspections_visible(request.user).get(pk=row.pk)))


@router.get(
    "/annual-reports", response=list[AnnualReportOut], summary="已公开的年度执法数据（B13）"
)
@paginate(Page)
def annual_reports(request, filters: Query[AgencyFilter]):
    rows = sel.annual_reports_visible(request.user).filter(
        agency__in=_agencies(request, filters.agency)
    )
    return PageRows(rows, report_out)


@router.get(
    "/annual-reports/figures",
    response=dict,
    summary="按案件数据计算的年度执法统计（预览，未公开）",
)
def annual_report_figures(request, filters: Query[FiguresFilter]):
    agency = sel.agency_get(request.user, filters.agency)
    if agency is None:
        raise NotFound(_("执法主体不存在或无权查看"))
    return sel.annual_figures(agency, filters.year)


@router.post(
    "/annual-reports",
    response={201: AnnualReportOut},
    summary="公开上一年度执法统计数据（B13，每个执法主体每年一次，1月31日前）",
)
def annual_report_create(request, payload: AnnualReportIn):
    row = services.annual_report_publish(
        actor=request.user,
        agency=_agency(request, payload.agency_id),
        year=payload.year,
        note=payload.note,
    )
    return Reply(201, report_out(sel.annual_reports_visible(request.user).get(pk=row.pk)))
