"""The 服务企业 API under /api/v1/: enterprises, commissioners, visits, appeals with every
step, the rating link, the public rating (no account) and the scorecards. Each endpoint calls
the same service or selector as the page."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows, require_version
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.enterprises import clocks, permissions, selectors, services
from ganchao.enterprises.choices import Channel
from ganchao.orgs.models import Unit, User

router = Router(tags=["服务企业"])


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    sector: str
    scale: str
    town_id: int
    town: str
    address: str
    contact: str
    phone: str
    active: bool
    version: int


class EnterpriseIn(Schema):
    name: str
    credit_code: str
    sector: str
    scale: str
    town_id: int
    address: str = ""
    contact: str = ""
    phone: str = ""


class EnterprisePatch(Schema):
    name: str | None = None
    credit_code: str | None = None
    sector: str | None = None
    scale: str | None = None
    town_id: int | None = None
    address: str | None = None
    contact: str | None = None
    phone: str | None = None
    active: bool | None = None
    expected_version: int | None = None


class EnterpriseFilters(Schema):
    sector: str = ""
    scale: str = ""
    town: int | None = None
    q: str = ""


class EnterpriseCommissionerOut(Schema):
    id: int
    user_id: int
    name: str
    start_on: dt.date
    end_on: dt.date | None


class EnterpriseCommissionerIn(Schema):
    user_id: int
    start_on: dt.date | None = None


class EnterpriseCommissionerEndIn(Schema):
    end_on: dt.date | None = None


class EnterpriseVisitOut(Schema):
    id: int
    visited_on: dt.date
    commissioner: str
    participants: str
    notes: str
    findings: str


class EnterpriseVisitIn(Schema):
    visited_on: dt.date
    notes: str
    participants: str = ""
    findings: str = ""


class EnterpriseClockOut(Schema):
    tier: str
    due: LocalDatetime
    done_at: LocalDatetime | None
    state: str


class EnterpriseAppealSummaryOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise: str
    title: str
    category: str
    channel: str
    state: str
    received_at: LocalDatetime
    owner_unit_id: int
    owner_unit: str
    next_due: LocalDatetime | None


class EnterpriseAppealOut(EnterpriseAppealSummaryOut):
    content: str
    handler_id: int | None
    commissioner_id: int | None
    plan: str
    resolution: str
    clocks: list[EnterpriseClockOut]
    calendar_provisional: bool
    rating: int | None
    rating_comment: str
    problem_number: str | None
    version: int


class EnterpriseAppealIn(Schema):
    enterprise_id: int
    title: str
    content: str
    category: str
    channel: str = Channel.COMMISSIONER
    owner_unit_id: int
    received_at: dt.datetime | None = None
    handler_id: int | None = None


class EnterpriseAppealFilters(Schema):
    state: str = ""
    enterprise: int | None = None
    unit: int | None = None
    overdue: bool = False
    q: str = ""


class EnterpriseNoteIn(Schema):
    note: str = ""


class EnterprisePlanIn(Schema):
    plan: str


class EnterpriseResolveIn(Schema):
    resolution: str
    resolved: bool = True


class EnterpriseProblemIn(Schema):
    severity: str = "general"
    note: str = ""


class EnterpriseRatingLinkOut(Schema):
    url: str
    expires_at: LocalDatetime


class EnterpriseRatingIn(Schema):
    rating: int
    comment: str = ""


class EnterpriseRatingOut(Schema):
    number: str
    rating: int


class EnterpriseScoreRowOut(Schema):
    key: int | None
    name: str
    appeals: int
    acknowledged_on_time: Decimal | None
    planned_on_time: Decimal | None
    resolved_on_time: Decimal | None
    median_hours: Decimal | None
    median_days: Decimal | None
    satisfaction: Decimal | None
    rated: int


class EnterpriseScoreFilters(Schema):
    by: str = "commissioner"
    start: dt.date | None = None
    end: dt.date | None = None


def enterprise_out(e) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "credit_code": e.credit_code,
        "sector": e.sector,
        "scale": e.scale,
        "town_id": e.town_id,
        "town": e.town.name,
        "address": e.address,
        "contact": e.contact,
        "phone": e.phone,
        "active": e.active,
        "version": e.version,
    }


def _unit(pk, field) -> Unit:
    unit = Unit.objects.filter(pk=pk, active=True).first() if pk else None
    if unit is None:
        raise ValidationFailed.on(field, _("单位不存在"))
    return unit


def _user(pk, field) -> User:
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        raise ValidationFailed.on(field, _("账号不存在"))
    return user


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业列表")
@paginate(Page)
def enterprise_list(request, filters: Query[EnterpriseFilters]):
    params = filters.dict()
    qs = selectors.enterprise_filter(selectors.enterprises_visible(request.user), params)
    return PageRows(qs.order_by("name", "pk"), enterprise_out)


@router.post("/enterprises", response={201: EnterpriseOut}, summary="登记企业")
def enterprise_create(request, payload: EnterpriseIn):
    fields = payload.dict()
    fields["town"] = _unit(fields.pop("town_id"), "town_id")
    enterprise = services.enterprise_create(actor=request.user, **fields)
    return Reply(201, enterprise_out(selectors.enterprise_get(request.user, enterprise.pk)))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="企业详情")
def enterprise_detail(request, enterprise_id: int):
    return enterprise_out(selectors.enterprise_get(request.user, enterprise_id))


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="修改企业信息")
def enterprise_update(request, enterprise_id: int, payload: EnterprisePatch):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    fields.pop("expected_version", None)
    if "town_id" in fields:
        fields["town"] = _unit(fields.pop("town_id"), "town_id")
    with transaction.atomic():
        version = require_version(request, payload.expected_version, enterprise, check=True)
        services.enterprise_update(
            actor=request.user, enterprise=enterprise, version=version, **fields
        )
    return enterprise_out(selectors.enterprise_get(request.user, enterprise_id))


def commissioner_out(row) -> dict:
    return {
        "id": row.pk,
        "user_id": row.user_id,
        "name": row.user.display_name,
        "start_on": row.start_on,
        "end_on": row.end_on,
    }


@router.get(
    "/enterprises/{enterprise_id}/commissioners",
    response=list[EnterpriseCommissionerOut],
    summary="企业的服务专员",
)
@paginate(Page)
def commissioner_list(request, enterprise_id: int):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    return PageRows(selectors.commissioners_of(enterprise), commissioner_out)


@router.post(
    "/enterprises/{enterprise_id}/commissioners",
    response={201: EnterpriseCommissionerOut},
    summary="指派服务专员",
)
def commissioner_assign(request, enterprise_id: int, payload: EnterpriseCommissionerIn):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    row = services.commissioner_assign(
        actor=request.user,
        enterprise=enterprise,
        user=_user(payload.user_id, "user_id"),
        start_on=payload.start_on,
    )
    return Reply(201, commissioner_out(row))


@router.post(
    "/enterprises/{enterprise_id}/commissioners/{assignment_id}/end",
    response=EnterpriseCommissionerOut,
    summary="结束服务专员指派",
)
def commissioner_end(
    request, enterprise_id: int, assignment_id: int, payload: EnterpriseCommissionerEndIn
):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    row = selectors.commissioners_of(enterprise).filter(pk=assignment_id).first()
    if row is None:
        raise NotFound(_("指派不存在"))
    row = services.commissioner_end(actor=request.user, assignment=row, end_on=payload.end_on)
    return commissioner_out(row)


def visit_out(v) -> dict:
    return {
        "id": v.pk,
        "visited_on": v.visited_on,
        "commissioner": v.commissioner.display_name,
        "participants": v.participants,
        "notes": v.notes,
        "findings": v.findings,
    }


@router.get(
    "/enterprises/{enterprise_id}/visits", response=list[EnterpriseVisitOut], summary="走访记录"
)
@paginate(Page)
def visit_list(request, enterprise_id: int):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    return PageRows(selectors.visits_of(enterprise), visit_out)


@router.post(
    "/enterprises/{enterprise_id}/visits", response={201: EnterpriseVisitOut}, summary="记录走访"
)
def visit_record(request, enterprise_id: int, payload: EnterpriseVisitIn):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    visit = services.visit_record(actor=request.user, enterprise=enterprise, **payload.dict())
    return Reply(201, visit_out(visit))


def appeal_summary_out(a) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "enterprise_id": a.enterprise_id,
        "enterprise": a.enterprise.name,
        "title": a.title,
        "category": a.category,
        "channel": a.channel,
        "state": a.state,
        "received_at": a.received_at,
        "owner_unit_id": a.owner_unit_id,
        "owner_unit": a.owner_unit.name,
        "next_due": getattr(a, "next_due", None),
    }


def appeal_out(a) -> dict:
    now = timezone.now()
    running = clocks.next_clock(a, now)
    return {
        **appeal_summary_out(a),
        "next_due": running.due if running else None,
        "content": a.content,
        "handler_id": a.handler_id,
        "commissioner_id": a.commissioner_id,
        "plan": a.plan,
        "resolution": a.resolution,
        "clocks": [
            {"tier": c.tier, "due": c.due, "done_at": c.done_at, "state": c.state}
            for c in clocks.clocks_of(a, now)
        ],
        "calendar_provisional": a.calendar_provisional,
        "rating": a.rating,
        "rating_comment": a.rating_comment,
        "problem_number": a.problem.number if a.problem_id else None,
        "version": a.version,
    }


def _fresh(request, appeal_id) -> dict:
    return appeal_out(selectors.appeal_get(request.user, appeal_id))


@router.get("/appeals", response=list[EnterpriseAppealSummaryOut], summary="企业诉求列表")
@paginate(Page)
def appeal_list(request, filters: Query[EnterpriseAppealFilters]):
    qs = selectors.appeal_filter(selectors.appeals_visible(request.user), filters.dict())
    qs = selectors.with_next_due(qs).order_by("-received_at", "-pk")
    return PageRows(qs, appeal_summary_out)


@router.post("/appeals", response={201: EnterpriseAppealOut}, summary="受理企业诉求")
def appeal_receive(request, payload: EnterpriseAppealIn):
    enterprise = selectors.enterprises_visible(request.user).filter(pk=payload.enterprise_id)
    enterprise = enterprise.first()
    if enterprise is None:
        raise ValidationFailed.on("enterprise_id", _("企业不存在"))
    appeal = services.appeal_receive(
        actor=request.user,
        enterprise=enterprise,
        title=payload.title,
        content=payload.content,
        category=payload.category,
        channel=payload.channel,
        owner_unit=_unit(payload.owner_unit_id, "owner_unit_id"),
        received_at=payload.received_at,
        handler=_user(payload.handler_id, "handler_id") if payload.handler_id else None,
    )
    return Reply(201, _fresh(request, appeal.pk))


@router.get("/appeals/{appeal_id}", response=EnterpriseAppealOut, summary="企业诉求详情")
def appeal_detail(request, appeal_id: int):
    return _fresh(request, appeal_id)


@router.post("/appeals/{appeal_id}/acknowledge", response=EnterpriseAppealOut, summary="响应诉求")
def appeal_acknowledge(request, appeal_id: int, payload: EnterpriseNoteIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_acknowledge(actor=request.user, appeal=appeal, note=payload.note)
    return _fresh(request, appeal_id)


@router.post("/appeals/{appeal_id}/plan", response=EnterpriseAppealOut, summary="制定办理方案")
def appeal_plan(request, appeal_id: int, payload: EnterprisePlanIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_plan(actor=request.user, appeal=appeal, plan=payload.plan)
    return _fresh(request, appeal_id)


@router.post("/appeals/{appeal_id}/resolve", response=EnterpriseAppealOut, summary="报告办理结果")
def appeal_resolve(request, appeal_id: int, payload: EnterpriseResolveIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_resolve(
        actor=request.user,
        appeal=appeal,
        resolution=payload.resolution,
        resolved=payload.resolved,
    )
    return _fresh(request, appeal_id)


@router.post("/appeals/{appeal_id}/close", response=EnterpriseAppealOut, summary="办结诉求")
def appeal_close(request, appeal_id: int, payload: EnterpriseNoteIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_close(actor=request.user, appeal=appeal, note=payload.note)
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/problem", response={201: EnterpriseAppealOut}, summary="诉求转入问题台账"
)
def appeal_to_problem(request, appeal_id: int, payload: EnterpriseProblemIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_to_problem(
        actor=request.user, appeal=appeal, severity=payload.severity, note=payload.note
    )
    return Reply(201, _fresh(request, appeal_id))


@router.post(
    "/appeals/{appeal_id}/rating-link",
    response={201: EnterpriseRatingLinkOut},
    summary="生成评价链接",
)
def rating_link(request, appeal_id: int):
    appeal = selectors.appeal_get(request.user, appeal_id)
    link, token = services.rating_link_issue(actor=request.user, appeal=appeal)
    from django.urls import reverse

    url = request.build_absolute_uri(reverse("enterprises:rate", args=[token]))
    return Reply(201, {"url": url, "expires_at": link.expires_at})


@router.post(
    "/enterprise-ratings/{token}",
    response={201: EnterpriseRatingOut},
    auth=None,
    summary="企业评价诉求办理（一次性链接，无需登录）",
)
def appeal_rate(request, token: str, payload: EnterpriseRatingIn):
    appeal = services.appeal_rate(token=token[:100], rating=payload.rating, comment=payload.comment)
    return Reply(201, {"number": appeal.number, "rating": appeal.rating})


@router.get(
    "/enterprise-scorecards",
    response=list[EnterpriseScoreRowOut],
    summary="服务记分卡（按专员或承办单位）",
)
@paginate(Page)
def scorecard(request, filters: Query[EnterpriseScoreFilters]):
    if filters.by not in selectors.GROUPS:
        raise ValidationFailed.on("by", _("by 应为 commissioner 或 unit"))
    rows = selectors.scorecard(request.user, by=filters.by, start=filters.start, end=filters.end)
    return [row.__dict__ for row in rows]


class EnterpriseSettingsOut(Schema):
    acknowledge_hours: int
    plan_days: int
    resolve_days: int
    rating_link_days: int
    version: int


class EnterpriseSettingsPatch(Schema):
    acknowledge_hours: int | None = None
    plan_days: int | None = None
    resolve_days: int | None = None
    rating_link_days: int | None = None
    expected_version: int | None = None


def settings_out(row) -> dict:
    return {name: getattr(row, name) for name in EnterpriseSettingsOut.model_fields}


@router.get("/enterprise-settings", response=EnterpriseSettingsOut, summary="企业服务时限设置")
def settings_detail(request):
    if (
        not permissions.is_office(request.user)
        and not selectors.enterprises_visible(request.user).exists()
    ):
        raise NotFound(_("不在您的范围内"))
    return settings_out(selectors.settings_row())


@router.patch(
    "/enterprise-settings", response=EnterpriseSettingsOut, summary="修改企业服务时限设置"
)
def settings_update(request, payload: EnterpriseSettingsPatch):
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    fields.pop("expected_version", None)
    with transaction.atomic():
        version = require_version(request, payload.expected_version, selectors.settings_row())
        row = services.settings_update(actor=request.user, version=version, **fields)
    return settings_out(row)
