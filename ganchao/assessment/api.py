"""API of 比着干: /assessment/schemes, a period's result (the latest published revision, or the
draft for the office and leaders), its revisions with their differences, and one unit's
breakdown. Ranking rows have the layout of `ganchao ranking --format json` (DESIGN.md 3.10)."""

import datetime as dt

from django.conf import settings
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ganchao.assessment import api_reads as reads
from ganchao.common.api import LocalDatetime, Page, PageRows

router = Router(tags=["比着干：考核"])


class ComponentOut(Schema):
    code: str
    name: str
    kind: str
    points: str
    method: str
    floor: str


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    category_code: str
    category: str
    period_type: str
    scheme_version: int
    state: str
    bonus_cap: str
    components: list[ComponentOut]


class ComponentScoreOut(Schema):
    code: str
    name: str
    points: str
    score: str


class RankingRowOut(Schema):
    unit_code: str
    unit: str
    rank: int
    total: str
    grade: str
    veto: bool
    gap: str
    components: list[ComponentScoreOut]


class ResultOut(Schema):
    scheme_code: str
    scheme_version: int
    period: str
    draft: bool
    result_revision: int | None
    published_at: LocalDatetime | None = None
    cutoff: dt.date
    items: list[RankingRowOut]
    count: int


class RevisionOut(Schema):
    result_revision: int
    scheme_version: int
    published_at: LocalDatetime
    cutoff: dt.date
    differences: list[dict]


class BreakdownComponentOut(ComponentScoreOut):
    kind: str
    details: list[dict]


class BreakdownOut(RankingRowOut):
    scheme_code: str
    period: str
    result_revision: int | None
    bonus: str
    deduction: str
    leaders: list[str]
    components: list[BreakdownComponentOut]


@router.get("/assessment/schemes", response=list[SchemeOut], summary="考核方案（各版本）")
@paginate(Page)
def schemes(request, code: str = ""):
    return PageRows(reads.schemes(request.user, code=code.strip()), reads.scheme_out)


@router.get(
    "/assessment/schemes/{code}/results/{period}",
    response=ResultOut,
    summary="考核结果与排名（最新发布版本；督查室和市领导可用 draft=true 查看草稿）",
)
def result(
    request,
    code: str,
    period: str,
    draft: bool = False,
    limit: int = Query(settings.NINJA_PAGINATION_PER_PAGE, ge=1),
    offset: int = Query(0, ge=0),
):
    """Ranking rows in rank order, `limit` from `offset`; `count` is every unit of the category."""
    limit = min(limit, settings.NINJA_PAGINATION_MAX_LIMIT)
    return reads.result(request.user, code, period, draft=draft, window=(offset, limit))


@router.get(
    "/assessment/schemes/{code}/results/{period}/revisions",
    response=list[RevisionOut],
    summary="已发布的各结果版本及差异",
)
def revisions(request, code: str, period: str):
    return reads.revisions(request.user, code, period)


@router.get(
    "/assessment/schemes/{code}/results/{period}/units/{unit_code}",
    response=BreakdownOut,
    summary="单位得分明细（逐项可追溯）",
)
def breakdown(request, code: str, period: str, unit_code: str, draft: bool = False):
    return reads.breakdown(request.user, code, period, unit_code, draft=draft)
