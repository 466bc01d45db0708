"""API of the decisions app: the legal-adviser register (/legal-advisers), the consultation log
(/adviser-consultations) and the "顾而不问" usage figures (/adviser-usage). Reads go through the
scoped selectors of selectors_advisers; writes call services.advisers."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, NonBlankStr, Page, PageRows, require_version
from ganchao.common.crypto import mask_phone
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.decisions import selectors_advisers as selectors
from ganchao.decisions.services import advisers as services
from ganchao.orgs.models import Unit, User

router = Router(tags=["重大行政决策"])


# ---- schemas -------------------------------------------------------------------------------------


class LegalAdviserOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    appointing_unit_code: str
    appointing_unit: str
    organisation: str
    qualification: str
    term_start: dt.date
    term_end: dt.date
    conflicts: str
    phone: str
    username: str | None
    active: bool
    status: str
    version: int
    created_at: LocalDatetime


class LegalAdviserIn(Schema):
    name: str
    kind: str
    appointing_unit_code: str
    organisation: str
    qualification: str
    term_start: dt.date
    term_end: dt.date
    conflicts: str = ""
    phone: str = ""
    username: str | None = None


class LegalAdviserPatch(Schema):
    name: str | None = None
    kind: str | None = None
    appointing_unit_code: str | None = None
    organisation: str | None = None
    qualification: str | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    conflicts: str | None = None
    phone: str | None = None
    username: str | None = None
    expected_version: int | None = None


class LegalAdviserEndIn(Schema):
    reason: NonBlankStr


class LegalAdviserFilters(Schema):
    kind: str = ""
    unit_code: str = ""
    status: str = ""
    q: str = ""


class AdviserConsultationOut(Schema):
    id: int
    unit_code: str
    unit: str
    adviser_id: int
    adviser: str
    decision_id: int | None
    decision_code: str | None
    legality_review_id: int | None
    subject: str
    question: str
    opinion: str
    conclusion: str
    conclusion_label: str
    adoption: str
    adoption_label: str
    adoption_reason: str
    consulted_on: dt.date
    file_name: str | None
    recorded_by: str
    recorded_at: LocalDatetime


class AdviserConsultationIn(Schema):
    unit_code: str
    adviser_id: int
    subject: str
    question: str = ""
    opinion: str
    conclusion: str
    consulted_on: dt.date
    decision_id: int | None = None
    legality_review_id: int | None = None


class AdviserConsultationFilters(Schema):
    unit_code: str = ""
    adviser_id: int | None = None
    decision_id: int | None = None
    adoption: str = ""
    year: int | None = None


class AdviserAdoptionIn(Schema):
    adoption: str
    reason: str = ""


class AdviserUsageUnitOut(Schema):
    unit_code: str
    unit: str
    total: int
    on_decisions: int
    adopted: int
    partly: int
    not_adopted: int
    pending: int
    non_compliant: int
    no_consultation: bool


class AdviserUsageAdviserOut(Schema):
    id: int
    name: str
    kind: str
    appointing_unit_code: str
    active: bool
    opinions: int
    non_compliant: int


class AdviserUsageOut(Schema):
    year: int
    units: list[AdviserUsageUnitOut]
    advisers: list[AdviserUsageAdviserOut]
    units_without_consultation: list[str]
    total: int


# ---- helpers -------------------------------------------------------------------------------------


def _adviser_out(adviser) -> dict:
    return {
        "id": adviser.pk,
        "name": adviser.name,
        "kind": adviser.kind,
        "kind_label": str(adviser.get_kind_display()),
        "appointing_unit_code": adviser.appointing_unit.code,
        "appointing_unit": adviser.appointing_unit.name,
        "organisation": adviser.organisation,
        "qualification": adviser.qualification,
        "term_start": adviser.term_start,
        "term_end": adviser.term_end,
        "conflicts": adviser.conflicts,
        "phone": adviser.phone,
        "username": adviser.user.username if adviser.user_id else None,
        "active": adviser.active,
        "status": selectors.adviser_status(adviser),
        "version": adviser.version,
        "created_at": adviser.created_at,
    }


def _consultation_out(row) -> dict:
    return {
        "id": row.pk,
        "unit_code": row.unit.code,
        "unit": row.unit.name,
        "adviser_id": row.adviser_id,
        "adviser": row.adviser.name,
        "decision_id": row.decision_id,
        "decision_code": row.decision.code if row.decision_id else None,
        "legality_review_id": row.legality_review_id,
        "subject": row.subject,
        "question": row.question,
        "opinion": row.opinion,
        "conclusion": row.conclusion,
        "conclusion_label": str(row.get_conclusion_display()),
        "adoption": row.adoption,
        "adoption_label": str(row.get_adoption_display()),
        "adoption_reason": row.adoption_reason,
        "consulted_on": row.consulted_on,
        "file_name": row.file.original_name if row.file_id else None,
        "recorded_by": row.recorded_by.display_name,
        "recorded_at": row.recorded_at,
    }


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on(field, _("单位编码“%(code)s”不存在") % {"code": code})
    return unit


def _user(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationFailed.on("username", _("用户名“%(u)s”不存在") % {"u": username})
    return user


def _adviser_ref(actor, adviser_id: int):
    try:
        return selectors.adviser_get(actor, adviser_id)
    except NotFound:
        raise ValidationFailed.on("adviser_id", _("法律顾问不存在或不在您的查看范围内")) from None


def _links(actor, decision_id, review_id):
    try:
        decision = selectors.decision_ref(actor, decision_id) if decision_id else None
    except NotFound:
        raise ValidationFailed.on(
            "decision_id", _("重大行政决策不存在或不在您的查看范围内")
        ) from None
    try:
        review = selectors.review_ref(actor, review_id) if review_id else None
    except NotFound:
        raise ValidationFailed.on(
            "legality_review_id", _("合法性审查不存在或不在您的查看范围内")
        ) from None
    return decision, review


# ---- the register --------------------------------------------------------------------------------


@router.get("/legal-advisers", response=list[LegalAdviserOut], summary="法律顾问、公职律师名册")
@paginate(Page)
def legal_advisers(request, filters: Query[LegalAdviserFilters]):
    rows = selectors.adviser_list(
        request.user,
        kind=filters.kind,
        unit=_unit(filters.unit_code, "unit_code"),
        status=filters.status,
        q=filters.q.strip()[:50],
    )
    return PageRows(rows, _adviser_listed)


def _adviser_listed(adviser) -> dict:
    """A row of the roll: the phone masked (LEGAL_RULES C8); in full on the adviser's own."""
    return {**_adviser_out(adviser), "phone": mask_phone(adviser.phone)}


@router.post("/legal-advisers", response={201: LegalAdviserOut}, summary="聘任法律顾问或公职律师")
def legal_adviser_create(request, payload: LegalAdviserIn):
    adviser = services.legal_adviser_create(
        actor=request.user,
        name=payload.name,
        kind=payload.kind,
        appointing_unit=_unit(payload.appointing_unit_code, "appointing_unit_code"),
        organisation=payload.organisation,
        qualification=payload.qualification,
        term_start=payload.term_start,
        term_end=payload.term_end,
        conflicts=payload.conflicts,
        phone=payload.phone,
        user=_user(payload.username),
    )
    return Reply(201, _adviser_out(selectors.adviser_get(request.user, adviser.pk)))


@router.get("/legal-advisers/{adviser_id}", response=LegalAdviserOut, summary="法律顾问详情")
def legal_adviser_detail(request, adviser_id: int):
    return _adviser_out(selectors.adviser_get(request.user, adviser_id))


@router.patch("/legal-advisers/{adviser_id}", response=LegalAdviserOut, summary="修改法律顾问信息")
def legal_adviser_update(request, adviser_id: int, payload: LegalAdviserPatch):
    adviser = selectors.adviser_get(request.user, adviser_id)
    given = payload.dict(exclude_unset=True)
    given.pop("expected_version", None)
    for name in ("name", "kind", "organisation", "qualification", "term_start", "term_end"):
        if name in given and given[name] is None:
            raise ValidationFailed.on(name, _("%(f)s：不能为空") % {"f": name})
    values = {k: v for k, v in given.items() if k not in ("appointing_unit_code", "username")}
    if "appointing_unit_code" in given:
        values["appointing_unit"] = _unit(
            given["appointing_unit_code"], "appointing_unit_code"
        ) or _refuse_empty("appointing_unit_code")
    if "username" in given:
        values["user"] = _user(given["username"])
    values = {
        k: ("" if v is None and k in ("conflicts", "phone") else v) for k, v in values.items()
    }
    version = require_version(request, payload.expected_version, adviser)
    services.legal_adviser_update(
        actor=request.user, adviser=adviser, expected_version=version, **values
    )
    return _adviser_out(selectors.adviser_get(request.user, adviser_id))


def _refuse_empty(field: str):
    raise ValidationFailed.on(field, _("%(f)s：不能为空") % {"f": field})


@router.post(
    "/legal-advisers/{adviser_id}/end",
    response=LegalAdviserOut,
    summary="解聘法律顾问（须说明理由）",
)
def legal_adviser_end(request, adviser_id: int, payload: LegalAdviserEndIn):
    adviser = selectors.adviser_get(request.user, adviser_id)
    services.legal_adviser_end(actor=request.user, adviser=adviser, reason=payload.reason)
    return _adviser_out(selectors.adviser_get(request.user, adviser_id))


# ---- consultations -------------------------------------------------------------------------------


@router.get(
    "/adviser-consultations",
    response=list[AdviserConsultationOut],
    summary="法律顾问咨询记录",
)
@paginate(Page)
def adviser_consultations(request, filters: Query[AdviserConsultationFilters]):
    rows = selectors.consultation_list(
        request.user,
        unit=_unit(filters.unit_code, "unit_code"),
        adviser_id=filters.adviser_id,
        decision_id=filters.decision_id,
        adoption=filters.adoption,
        year=filters.year,
    )
    return PageRows(rows, _consultation_out)


@router.post(
    "/adviser-consultations",
    response={201: AdviserConsultationOut},
    summary="登记法律顾问咨询意见",
)
def adviser_opinion_record(request, payload: AdviserConsultationIn):
    decision, review = _links(request.user, payload.decision_id, payload.legality_review_id)
    row = services.adviser_opinion_record(
        actor=request.user,
        unit=_unit(payload.unit_code, "unit_code"),
        adviser=_adviser_ref(request.user, payload.adviser_id),
        subject=payload.subject,
        question=payload.question,
        opinion=payload.opinion,
        conclusion=payload.conclusion,
        consulted_on=payload.consulted_on,
        decision=decision,
        legality_review=review,
    )
    return Reply(201, _consultation_out(selectors.consultation_get(request.user, row.pk)))


@router.get(
    "/adviser-consultations/{consultation_id}",
    response=AdviserConsultationOut,
    summary="法律顾问咨询记录详情",
)
def adviser_consultation_detail(request, consultation_id: int):
    return _consultation_out(selectors.consultation_get(request.user, consultation_id))


@router.post(
    "/adviser-consultations/{consultation_id}/adoption",
    response=AdviserConsultationOut,
    summary="登记法律顾问意见采纳情况（部分采纳或未采纳须说明理由）",
)
def adviser_opinion_adopt(request, consultation_id: int, payload: AdviserAdoptionIn):
    row = selectors.consultation_get(request.user, consultation_id)
    services.adviser_opinion_adopt(
        actor=request.user, consultation=row, adoption=payload.adoption, reason=payload.reason
    )
    return _consultation_out(selectors.consultation_get(request.user, consultation_id))


@router.get("/adviser-usage", response=AdviserUsageOut, summary="法律顾问咨询情况（顾而不问）")
def adviser_usage(request, year: int | None = None):
    year = year if year and 2000 <= year <= 2100 else timezone.localdate().year
    usage = selectors.adviser_usage(request.user, year=year)
    return {
        "year": year,
        "units": [
            {
                "unit_code": row["unit"].code,
                "unit": row["unit"].name,
                **{key: row[key] for key in selectors.COUNTS},
                "no_consultation": row["silent"],
            }
            for row in usage["units"]
        ],
        "advisers": [
            {
                "id": a.pk,
                "name": a.name,
                "kind": a.kind,
                "appointing_unit_code": a.appointing_unit.code,
                "active": a.active,
                "opinions": a.opinions,
                "non_compliant": a.non_compliant,
            }
            for a in usage["advisers"]
        ],
        "units_without_consultation": [row["unit"].code for row in usage["silent"]],
        "total": usage["totals"]["total"],
    }
