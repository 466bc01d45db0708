"""API of the enforcement directory (DESIGN.md 3.13) under /api/v1/enforcement/: /agencies,
/officers (create, edit, deactivate), /matters (draft, edit, publish, revise, repeal: B1) and
/settings (the local parameters and the B7 audio-video policies)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import DbInt, LocalDatetime, NonBlankStr, Page, PageRows
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.enforcement import selectors_directory as selectors
from ganchao.enforcement.models import EnforcementMatter, settings_get
from ganchao.enforcement.services import directory as services
from ganchao.orgs.models import Unit

router = Router(tags=["行政执法"])


class AgencyOut(Schema):
    id: int
    unit_code: str
    unit: str
    name: str
    basis: str
    address: str
    phone: str
    review_organ: str
    court: str
    seal_name: str
    active: bool
    officer_count: int
    published_count: int
    open_case_count: int


class AgencyIn(Schema):
    unit_code: str
    name: str
    basis: str = ""
    address: str = ""
    phone: str = ""
    review_organ: str = ""
    court: str = ""
    seal_name: str = ""


class AgencyPatch(Schema):
    name: str | None = None
    basis: str | None = None
    address: str | None = None
    phone: str | None = None
    review_organ: str | None = None
    court: str | None = None
    seal_name: str | None = None
    active: bool | None = None


class OfficerOut(Schema):
    id: int
    agency_id: int
    agency: str
    name: str
    certificate_no: str
    certificate_expires: dt.date | None
    certificate_state: str
    matter_ids: list[int]
    covers_all_matters: bool
    is_reviewer: bool
    legal_qualification: bool
    grandfathered: bool
    username: str | None
    active: bool


class OfficerIn(Schema):
    agency_id: DbInt
    name: str
    certificate_no: str = ""
    certificate_expires: dt.date | None = None
    matter_ids: list[DbInt] = []
    covers_all_matters: bool = False
    is_reviewer: bool = False
    legal_qualification: bool = False
    grandfathered: bool = False
    username: str | None = None


class OfficerPatch(Schema):
    name: str | None = None
    certificate_no: str | None = None
    certificate_expires: dt.date | None = None
    matter_ids: list[DbInt] | None = None
    covers_all_matters: bool | None = None
    is_reviewer: bool | None = None
    legal_qualification: bool | None = None
    grandfathered: bool | None = None
    username: str | None = None


class OfficerFilters(Schema):
    agency_id: DbInt | None = None
    active: bool | None = None


class DeactivateIn(Schema):
    reason: str = ""


class EnforcementMatterOut(Schema):
    id: int
    agency_id: int
    agency: str
    code: str
    name: str
    category: str
    number: int
    previous_id: int | None
    state: str
    legal_basis: str
    procedure: str
    flowchart: str
    accepting_body: str
    approving_body: str
    conditions: str
    time_limit: str
    remedy: str
    discretion_standard: str
    discretion_link: str
    random_inspection: bool
    change_note: str
    published_at: LocalDatetime | None
    case_count: int


class MatterFields(Schema):
    name: str | None = None
    category: str | None = None
    legal_basis: str | None = None
    procedure: str | None = None
    flowchart: str | None = None
    accepting_body: str | None = None
    approving_body: str | None = None
    conditions: str | None = None
    time_limit: str | None = None
    remedy: str | None = None
    discretion_standard: str | None = None
    discretion_link: str | None = None
    random_inspection: bool | None = None


class EnforcementMatterIn(MatterFields):
    agency_id: DbInt
    code: str
    name: str
    category: str


class ReviseIn(MatterFields):
    change_note: str


class RepealIn(Schema):
    reason: NonBlankStr


class MatterFilters(Schema):
    agency_id: DbInt | None = None
    category: str = ""
    state: str = ""


class AVPolicyOut(Schema):
    action_kind: str
    policy: str
    default: str
    overridden: bool


class EnforcementSettingsOut(Schema):
    major_fine_person: Decimal
    major_fine_organisation: Decimal
    major_revoke_licence: bool
    major_stop_production: bool
    review_working_days: int
    review_extension_working_days: int
    decide_calendar_days: int
    deliver_working_days: int
    hearing_request_working_days: int
    hearing_notice_working_days: int
    preservation_working_days: int
    publish_all_penalties: bool
    publication_years: int
    publication_years_person: int
    repeat_window_days: int
    complaint_threshold: int
    complaint_window_days: int
    escalate_after_working_days: int
    av_policies: list[AVPolicyOut]


class EnforcementSettingsIn(Schema):
    major_fine_person: Decimal | None = None
    major_fine_organisation: Decimal | None = None
    major_revoke_licence: bool | None = None
    major_stop_production: bool | None = None
    review_working_days: int | None = None
    review_extension_working_days: int | None = None
    decide_calendar_days: int | None = None
    deliver_working_days: int | None = None
    hearing_request_working_days: int | None = None
    hearing_notice_working_days: int | None = None
    preservation_working_days: int | None = None
    publish_all_penalties: bool | None = None
    publication_years: int | None = None
    publication_years_person: int | None = None
    repeat_window_days: int | None = None
    complaint_threshold: int | None = None
    complaint_window_days: int | None = None
    escalate_after_working_days: int | None = None
    av_policies: dict[str, str | None] | None = None


# ---------------------------------------------------------------- agencies


def _agency_out(agency) -> dict:
    return {
        "id": agency.pk,
        "unit_code": agency.unit.code,
        "unit": agency.unit.name,
        **{name: getattr(agency, name) for name in services.AGENCY_FIELDS},
        "active": agency.active,
        "officer_count": agency.officer_count,
        "published_count": agency.published_count,
        "open_case_count": agency.open_case_count,
    }


def _agency_detail(actor, pk) -> dict:
    agency = selectors.agencies_list(actor).filter(pk=pk).first()
    if agency is None:
        raise NotFound("执法主体不存在")
    return _agency_out(agency)


@router.get("/agencies", response=list[AgencyOut], summary="执法主体名录")
@paginate(Page)
def agencies(request):
    return PageRows(selectors.agencies_list(request.user), _agency_out)


@router.post("/agencies", response={201: AgencyOut}, summary="新增执法主体")
def agency_create(request, payload: AgencyIn):
    fields = payload.dict()
    code = fields.pop("unit_code")
    unit = Unit.objects.filter(code=code).first() if code else None
    if unit is None:
        raise ValidationFailed.on("unit_code", f"单位编码“{code}”不存在")
    agency = services.agency_create(actor=request.user, unit=unit, **fields)
    return Reply(201, _agency_detail(request.user, agency.pk))


@router.get("/agencies/{agency_id}", response=AgencyOut, summary="执法主体详情")
def agency_detail(request, agency_id: int):
    return _agency_detail(request.user, agency_id)


@router.patch("/agencies/{agency_id}", response=AgencyOut, summary="修改执法主体")
def agency_update(request, agency_id: int, payload: AgencyPatch):
    agency = selectors.agency_get(request.user, agency_id)
    services.agency_update(actor=request.user, agency=agency, **payload.dict(exclude_unset=True))
    return _agency_detail(request.user, agency_id)


# ---------------------------------------------------------------- officers


def _officer_out(officer) -> dict:
    state = selectors.officer_rows([officer])[0].certificate
    return {
        "id": officer.pk,
        "agency_id": officer.agency_id,
        "agency": officer.agency.name,
        "name": officer.name,
        "certificate_no": officer.certificate_no,
        "certificate_expires": officer.certificate_expires,
        "certificate_state": state,
        "matter_ids": sorted(m.pk for m in officer.matters.all()),
        "covers_all_matters": officer.covers_all_matters,
        "is_reviewer": officer.is_reviewer,
        "legal_qualification": officer.legal_qualification,
        "grandfathered": officer.grandfathered,
        "username": officer.user.username if officer.user else None,
        "active": officer.active,
    }


def _officer_fields(fields: dict) -> dict:
    """API names to the service's: matter ids to matters, a username to the user."""
    if "matter_ids" in fields:
        ids = list(dict.fromkeys(fields.pop("matter_ids") or []))
        matters = list(EnforcementMatter.objects.filter(pk__in=ids))
        if len(matters) != len(ids):
            raise ValidationFailed.on("matter_ids", "执法事项不存在")
        fields["matters"] = matters
    if "username" in fields:
        username = fields.pop("username")
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise ValidationFailed.on("username", f"系统账号“{username}”不存在")
        fields["user"] = user
    return fields


@router.get("/officers", response=list[OfficerOut], summary="执法人员名录")
@paginate(Page)
def officers(request, filters: Query[OfficerFilters]):
    rows = selectors.officers_list(request.user, agency_id=filters.agency_id, active=filters.active)
    return PageRows(rows, _officer_out)


@router.post("/officers", response={201: OfficerOut}, summary="新增执法人员")
def officer_create(request, payload: OfficerIn):
    fields = _officer_fields(payload.dict())
    agency = selectors.agency_get(request.user, fields.pop("agency_id"))
    officer = services.officer_create(actor=request.user, agency=agency, **fields)
    return Reply(201, _officer_out(selectors.officer_get(request.user, officer.pk)))


@router.patch("/officers/{officer_id}", response=OfficerOut, summary="修改执法人员")
def officer_update(request, officer_id: int, payload: OfficerPatch):
    officer = selectors.officer_get(request.user, officer_id)
    fields = _officer_fields(payload.dict(exclude_unset=True))
    services.officer_update(actor=request.user, officer=officer, **fields)
    return _officer_out(selectors.officer_get(request.user, officer_id))


@router.post(
    "/officers/{officer_id}/deactivate", response=OfficerOut, summary="执法人员离岗（停用）"
)
def officer_deactivate(request, officer_id: int, payload: DeactivateIn):
    officer = selectors.officer_get(request.user, officer_id)
    services.officer_deactivate(actor=request.user, officer=officer, reason=payload.reason)
    return _officer_out(selectors.officer_get(request.user, officer_id))


# ---------------------------------------------------------------- matters


def _matter_out(matter) -> dict:
    return {
        "id": matter.pk,
        "agency_id": matter.agency_id,
        "agency": matter.agency.name,
        "code": matter.code,
        "number": matter.number,
        "previous_id": matter.previous_id,
        "state": matter.state,
        **{name: getattr(matter, name) for name in services.MATTER_FIELDS},
        "change_note": matter.change_note,
        "published_at": matter.published_at,
        "case_count": matter.case_count,
    }


def _matter_detail(actor, pk) -> dict:
    matter = selectors.matters_list(actor).filter(pk=pk).first()
    if matter is None:
        raise NotFound("执法事项不存在")
    return _matter_out(matter)


@router.get("/matters", response=list[EnforcementMatterOut], summary="执法事项清单")
@paginate(Page)
def matters(request, filters: Query[MatterFilters]):
    rows = selectors.matters_list(
        request.user,
        agency_id=filters.agency_id,
        category=filters.category or None,
        state=filters.state or None,
    )
    return PageRows(rows, _matter_out)


@router.post("/matters", response={201: EnforcementMatterOut}, summary="新增执法事项（草稿）")
def matter_create(request, payload: EnforcementMatterIn):
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    agency = selectors.agency_get(request.user, fields.pop("agency_id"))
    matter = services.matter_create(actor=request.user, agency=agency, **fields)
    return Reply(201, _matter_detail(request.user, matter.pk))


@router.get("/matters/{matter_id}", response=EnforcementMatterOut, summary="执法事项详情")
def matter_detail(request, matter_id: int):
    return _matter_detail(request.user, matter_id)


@router.patch("/matters/{matter_id}", response=EnforcementMatterOut, summary="修改执法事项草稿")
def matter_update(request, matter_id: int, payload: MatterFields):
    matter = selectors.matter_get(request.user, matter_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.matter_update(actor=request.user, matter=matter, **fields)
    return _matter_detail(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/publish",
    response=EnforcementMatterOut,
    summary="公示执法事项（B1：公开内容须齐全）",
)
def matter_publish(request, matter_id: int):
    matter = selectors.matter_get(request.user, matter_id)
    services.matter_publish(actor=request.user, matter=matter)
    return _matter_detail(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/revise",
    response={201: EnforcementMatterOut},
    summary="修订执法事项（建立新版本草稿）",
)
def matter_revise(request, matter_id: int, payload: ReviseIn):
    matter = selectors.matter_get(request.user, matter_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    change_note = fields.pop("change_note")
    new = services.matter_revise(
        actor=request.user, matter=matter, change_note=change_note, **fields
    )
    return Reply(201, _matter_detail(request.user, new.pk))


@router.post("/matters/{matter_id}/repeal", response=EnforcementMatterOut, summary="停用执法事项")
def matter_repeal(request, matter_id: int, payload: RepealIn):
    matter = selectors.matter_get(request.user, matter_id)
    services.matter_repeal(actor=request.user, matter=matter, reason=payload.reason)
    return _matter_detail(request.user, matter_id)


# ---------------------------------------------------------------- settings


def _settings_out() -> dict:
    current = settings_get()
    return {
        **{name: getattr(current, name) for name in services.SETTINGS_FIELDS},
        "av_policies": [
            {
                "action_kind": row.kind,
                "policy": row.effective,
                "default": row.default,
                "overridden": row.overridden,
            }
            for row in selectors.av_policy_rows()
        ],
    }


@router.get("/settings", response=EnforcementSettingsOut, summary="行政执法设置")
def settings_read(request):
    selectors.require_reader(request.user)
    return _settings_out()


@router.put("/settings", response=EnforcementSettingsOut, summary="修改行政执法设置和音像记录要求")
def settings_update(request, payload: EnforcementSettingsIn):
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    policies = fields.pop("av_policies", None) or {}
    with transaction.atomic():
        services.settings_update(actor=request.user, **fields)
        for kind, policy in policies.items():
            services.av_policy_set(actor=request.user, action_kind=kind, policy=policy)
    return _settings_out()
