"""API of 比着干: a period's result (the latest published revision, or the
draft for the office and leaders), its revisions with their differences, and one unit's
breakdown. Ranking rows have the layout of `ganchao ranking --format json` (DESIGN.md 3.10).

The office's writes — every action of the assessment pages, by the same services (DESIGN.md
3.1) — and the scheme list live in api_schemes, api_inputs, api_appeals and api_documents,
mounted at the end."""

from django.conf import settings
from ninja import Query, Router

from ganchao.assessment import api_reads as reads
from ganchao.assessment.api_schemas import BreakdownOut, ResultOut, RevisionOut
from ganchao.common.api import MAX_OFFSET

router = Router(tags=["比着干：考核"])


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
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
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


def _mount() -> None:
    from ganchao.assessment import api_appeals, api_documents, api_inputs, api_schemes

    for module in (api_schemes, api_inputs, api_appeals, api_documents):
        router.add_router("", module.router)


_mount()
