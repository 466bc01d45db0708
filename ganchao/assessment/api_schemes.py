"""The schemes (list), and the API twins of the scheme and period pages (DESIGN.md 3.1): a new scheme, a new version of
one, publishing the period's result, and its release to (or withdrawal from) the public
ranking. Each handler calls the service its page calls; the office alone may write (403 for
other staff, 404 for those who read no assessment)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.assessment import api_reads as reads
from ganchao.assessment import release_services, selectors, services
from ganchao.assessment.api_schemas import SchemeOut
from ganchao.assessment.periods import AssessmentPeriod
from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.orgs.models import UnitCategory

router = Router(tags=["比着干：考核方案与发布"])


class ComponentIn(Schema):
    code: str
    name: str
    kind: str
    points: str
    method: str = "ratio"
    floor: str = "0"


class SchemeSettingsIn(Schema):
    name: str
    bonus_cap: str = "5"
    excellent_threshold: str = "90"
    good_threshold: str = "80"
    pass_threshold: str = "60"
    excellent_share: str | None = None
    # prorate / average; left out: prorate for a new scheme, the latest version's for a new one
    empty_component: str | None = None
    # codes of the category's units that do not take part; left out: as in the latest version
    excluded_units: list[str] | None = None
    components: list[ComponentIn]

    def settings(self) -> dict:
        fixed = {"name", "components", "code", "category", "period_type", "based_on_version"}
        return self.dict(exclude=fixed)

    def specs(self) -> list[dict]:
        return [component.dict() for component in self.components]


class SchemeIn(SchemeSettingsIn):
    code: str
    category: str
    period_type: str


class SchemeVersionIn(SchemeSettingsIn):
    based_on_version: int | None = None


def _category(code: str) -> UnitCategory:
    category = UnitCategory.objects.filter(code=code.strip()).first()
    if category is None:
        raise ValidationFailed.on(
            "category", _("单位类别“%(code)s”不存在，请填写类别编码") % {"code": code}
        )
    return category


def _scheme_out(scheme) -> dict:
    return reads.scheme_out(selectors.scheme_get(scheme.code, scheme.scheme_version))


@router.get("/assessment/schemes", response=list[SchemeOut], summary="考核方案（各版本）")
@paginate(Page)
def schemes(request, code: str = ""):
    return PageRows(reads.schemes(request.user, code=code.strip()), reads.scheme_out)


@router.post("/assessment/schemes", response={201: SchemeOut}, summary="新建考核方案（第1版）")
def scheme_create(request, payload: SchemeIn):
    reads.readable(request.user)
    code = payload.code.strip()
    if not code:
        raise ValidationFailed.on("code", _("请填写方案编码"))
    scheme = services.scheme_create(
        actor=request.user, code=code, name=payload.name.strip(),
        category=_category(payload.category), period_type=payload.period_type,
        components=payload.specs(), first_version=True, **payload.settings(),
    )  # fmt: skip
    return Reply(201, _scheme_out(scheme))


@router.post(
    "/assessment/schemes/{code}/versions",
    response={201: SchemeOut},
    summary="制定方案新版本（编码、类别和周期不变；based_on_version 防止覆盖他人的新版本）",
)
def scheme_new_version(request, code: str, payload: SchemeVersionIn):
    reads.readable(request.user)
    latest = selectors.scheme_get(code)
    scheme = services.scheme_create(
        actor=request.user, code=latest.code, name=payload.name.strip(),
        category=latest.category, period_type=latest.period_type, components=payload.specs(),
        based_on_version=payload.based_on_version,
        **payload.settings(),
    )  # fmt: skip
    return Reply(201, _scheme_out(scheme))


# ---- publication and release ---------------------------------------------------------------


class PublishIn(Schema):
    early: bool = False


class PublishOut(Schema):
    created: bool
    result_revision: int
    scheme_version: int
    published_at: LocalDatetime
    cutoff: dt.date
    differences: list[dict]


def _span(actor, code: str, period: str) -> tuple:
    reads.readable(actor)
    scheme = selectors.scheme_get(code)
    span: AssessmentPeriod = services.period_of(scheme, period)
    return scheme, span


def _publish_out(result, created: bool) -> dict:
    return {
        "created": created,
        "result_revision": result.result_revision,
        "scheme_version": result.scheme_version,
        "published_at": result.published_at,
        "cutoff": result.cutoff,
        "differences": result.differences if created else [],
    }


@router.post(
    "/assessment/schemes/{code}/results/{period}/publish",
    response={200: PublishOut, 201: PublishOut},
    summary="发布考核结果（新版本 201；与最新版本相同则不生成，200；本期未结束须 early=true）",
)
def result_publish(request, code: str, period: str, payload: PublishIn = None):
    scheme, span = _span(request.user, code, period)
    with transaction.atomic():
        result, _changes = services.result_publish(
            actor=request.user, scheme=scheme, period=span.code,
            early=bool(payload and payload.early),
        )  # fmt: skip
    if result is None:
        return Reply(200, _publish_out(selectors.latest_result(scheme.code, span.code), False))
    return Reply(201, _publish_out(result, True))


class ReleaseOut(Schema):
    scheme_code: str
    period: str
    released: bool
    released_at: LocalDatetime | None = None
    withdrawn_at: LocalDatetime | None = None


def _release_out(scheme_code: str, period: str, release) -> dict:
    return {
        "scheme_code": scheme_code,
        "period": period,
        "released": release is not None and release.withdrawn_at is None,
        "released_at": release.released_at if release else None,
        "withdrawn_at": release.withdrawn_at if release else None,
    }


@router.post(
    "/assessment/schemes/{code}/results/{period}/release",
    response=ReleaseOut,
    summary="向公众公开本期结果（最新发布版本）",
)
def result_release(request, code: str, period: str):
    scheme, span = _span(request.user, code, period)
    release = release_services.result_release(
        actor=request.user, scheme_code=scheme.code, period=span.code
    )
    return _release_out(scheme.code, span.code, release)


@router.delete(
    "/assessment/schemes/{code}/results/{period}/release",
    response=ReleaseOut,
    summary="撤回公开（公开排名页面不再显示本期结果）",
)
def result_withdraw(request, code: str, period: str):
    scheme, span = _span(request.user, code, period)
    release = release_services.result_withdraw(
        actor=request.user, scheme_code=scheme.code, period=span.code
    )
    return _release_out(scheme.code, span.code, release)
