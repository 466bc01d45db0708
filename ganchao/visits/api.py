"""API of field visits and the burden meter (DESIGN.md 3.7): /visits (list, detail, create) and
/burden?year=. Reads go through the scoped selectors; the create calls the service."""

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import Conflict, NotFound, ValidationFailed
from ganchao.orgs.models import Leader, Unit, User
from ganchao.visits import burden, selectors, services
from ganchao.visits.choices import Severity, VisitKind

router = Router(tags=["领着干：调研督导与基层负担"])


class FindingIO(Schema):
    description: str
    severity: str = Severity.MINOR
    unit_code: str | None = None
    matter_id: int | None = None


class VisitOut(Schema):
    id: int
    kind: str
    leader_id: int | None
    leader: str | None
    participants: list[str]
    unit_code: str
    unit: str
    place_kind: str
    place_name: str
    visited_on: dt.date
    purpose: str
    finding_count: int
    guidance_count: int
    demand_count: int
    created_at: LocalDatetime


class VisitDetailOut(VisitOut):
    findings: list[FindingIO]
    guidance: list[str]
    demands: list[str]


class VisitIn(Schema):
    kind: str = VisitKind.RESEARCH
    leader_id: int | None = None
    participants: list[str] = []
    unit_code: str
    place_kind: str
    place_name: str
    visited_on: dt.date
    purpose: str
    findings: list[FindingIO] = []
    guidance: list[str] = []
    demands: list[str] = []


class VisitFilters(Schema):
    leader_id: int | None = None
    unit: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""


def _count(visit, annotated: str, related: str) -> int:
    """The list's annotated count, or the prefetched rows' number on the detail."""
    if hasattr(visit, annotated):
        return getattr(visit, annotated)
    return len(getattr(visit, related).all())


def _visit_out(visit) -> dict:
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "leader_id": visit.leader_id,
        "leader": visit.leader.name if visit.leader else None,
        "participants": [u.display_name for u in visit.participants.all()],
        "unit_code": visit.unit.code,
        "unit": visit.unit.name,
        "place_kind": visit.place_kind,
        "place_name": visit.place_name,
        "visited_on": visit.visited_on,
        "purpose": visit.purpose,
        "finding_count": _count(visit, "finding_count", "findings"),
        "guidance_count": _count(visit, "guidance_count", "guidance"),
        "demand_count": _count(visit, "demand_count", "demands"),
        "created_at": visit.created_at,
    }


def _detail_out(visit) -> dict:
    return {
        **_visit_out(visit),
        "findings": [
            {
                "description": f.description,
                "severity": f.severity,
                "unit_code": f.unit.code if f.unit else None,
                "matter_id": f.matter_id,
            }
            for f in visit.findings.all()
        ],
        "guidance": [g.content for g in visit.guidance.all()],
        "demands": [d.content for d in visit.demands.all()],
    }


@router.get("/visits", response=list[VisitOut], summary="调研督导列表")
@paginate(Page)
def visits(request, filters: Query[VisitFilters]):
    rows = selectors.visit_list(
        actor=request.user,
        leader_id=filters.leader_id,
        unit=filters.unit,
        date_from=filters.date_from,
        date_to=filters.date_to,
        kind=filters.kind if filters.kind in VisitKind.values else "",
    ).prefetch_related("participants")
    return PageRows(rows, _visit_out)


@router.get("/visits/{visit_id}", response=VisitDetailOut, summary="调研督导详情")
def visit_detail(request, visit_id: int):
    return _detail_out(selectors.visit_get(actor=request.user, pk=visit_id))


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on(field, f"单位编码“{code}”不存在")
    return unit


def _participants(names: list[str]) -> list:
    users = list(User.objects.filter(username__in=names, is_active=True))
    unknown = sorted(set(names) - {u.username for u in users})
    if unknown:
        raise ValidationFailed.on("participants", "找不到这些用户名：" + "、".join(unknown))
    return users


@router.post("/visits", response={201: VisitDetailOut}, summary="登记调研督导")
def visit_create(request, payload: VisitIn):
    leader = None
    if payload.leader_id is not None:
        leader = Leader.objects.filter(pk=payload.leader_id).first()
        if leader is None:
            raise ValidationFailed.on("leader_id", "带队领导不存在")
    findings = [
        {
            "description": f.description,
            "severity": f.severity,
            "unit": _unit(f.unit_code, f"findings[{n}].unit_code"),
        }
        for n, f in enumerate(payload.findings, start=1)
    ]
    visit = services.visit_create(
        actor=request.user,
        kind=payload.kind,
        leader=leader,
        participants=_participants(payload.participants),
        unit=_unit(payload.unit_code, "unit_code"),
        place_kind=payload.place_kind,
        place_name=payload.place_name,
        visited_on=payload.visited_on,
        purpose=payload.purpose,
        findings=findings,
        guidance=payload.guidance,
        demands=payload.demands,
    )
    return Reply(201, _detail_out(selectors.visit_get(actor=request.user, pk=visit.pk)))


class BurdenCell(Schema):
    month: int
    total: int
    notice: int
    instruction: int
    report_request: int
    data_request: int
    duplicates: int
    over: bool


class BurdenRow(Schema):
    unit_code: str
    unit_name: str
    unit_type: str
    total: int
    duplicates: int
    over_months: int
    months: list[BurdenCell]


class BurdenOut(Schema):
    year: int
    threshold: int
    items: list[BurdenRow]
    count: int


@router.get("/burden", response=BurdenOut, summary="基层负担监测（按单位、按月）")
def burden_rows(request, year: int | None = None):
    """The year's counts per grassroots unit in the caller's scope (default: this year)."""
    year = timezone.localdate().year if year is None else year
    if not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应在2000到2100之间")
    summary = burden.burden_summary(actor=request.user, year=year)
    return {
        "year": year,
        "threshold": summary["threshold"],
        "items": summary["rows"],
        "count": len(summary["rows"]),
    }


# ---------------------------------------------------------------------------- writes


class FindingMatterIn(Schema):
    urgency: str = ""
    person: str = ""
    unit_code: str | None = None


class FindingMatterOut(Schema):
    visit_id: int
    finding_id: int
    matter_id: int


class ThresholdIn(Schema):
    monthly_threshold: int


class ThresholdOut(Schema):
    monthly_threshold: int


class BurdenRequestIn(Schema):
    title: str
    kind: str
    from_unit_code: str
    to_unit_codes: list[str]
    sent_on: dt.date
    item_code: str = ""


class BurdenRequestOut(Schema):
    id: int
    title: str
    kind: str
    from_unit_code: str
    to_unit_codes: list[str]
    sent_on: dt.date
    item_id: int | None


@router.post(
    "/visits/{visit_id}/findings/{finding_id}/matter",
    response={201: FindingMatterOut},
    summary="把调研发现的问题转为督办事项并交办（督查室或带队领导）",
)
def finding_to_matter(request, visit_id: int, finding_id: int, payload: FindingMatterIn):
    visit = selectors.visit_get(actor=request.user, pk=visit_id)
    if not visit.findings.filter(pk=finding_id).exists():
        raise NotFound("该问题不存在")
    finding = services.finding_to_matter(
        actor=request.user,
        finding_id=finding_id,
        urgency=payload.urgency,
        person=payload.person,
        unit=_unit(payload.unit_code, "unit_code"),
    )
    if finding is None:
        raise Conflict("督办事项功能尚未启用，暂不能转为督办事项。")
    return Reply(
        201, {"visit_id": visit.pk, "finding_id": finding_id, "matter_id": finding.matter_id}
    )


@router.put("/burden/threshold", response=ThresholdOut, summary="每月警示阈值（督查室）")
def burden_threshold(request, payload: ThresholdIn):
    setting = services.burden_threshold_set(
        actor=request.user, monthly_threshold=payload.monthly_threshold
    )
    return {"monthly_threshold": setting.monthly_threshold}


@router.post(
    "/burden/requests",
    response={201: BurdenRequestOut},
    summary="登记向基层发出的要求（通知、报表、数据索要）",
)
def burden_request_create(request, payload: BurdenRequestIn):
    if any(not code.strip() for code in payload.to_unit_codes):
        raise ValidationFailed.on("to_unit_codes", "接收单位：单位编码不能为空")
    to_units = [_unit(code.strip(), "to_unit_codes") for code in payload.to_unit_codes]
    created = services.burden_request_create(
        actor=request.user,
        title=payload.title,
        kind=payload.kind,
        from_unit=_unit(payload.from_unit_code, "from_unit_code"),
        to_units=to_units,
        sent_on=payload.sent_on,
        item=selectors.burden_item(request.user, payload.item_code, payload.sent_on),
    )
    return Reply(
        201,
        {
            "id": created.pk,
            "title": created.title,
            "kind": created.kind,
            "from_unit_code": created.from_unit.code,
            "to_unit_codes": sorted(u.code for u in created.to_units.all()),
            "sent_on": created.sent_on,
            "item_id": created.item_id,
        },
    )
