"""The public pages of administrative enforcement (行政执法公示) under /public/enforcement/: no
sign-in, published material only, the party masked (DESIGN.md 3.13 last bullet). Lists are
cached briefly and may be cached by browsers and proxies (Cache-Control public); the page number,
page size and search text are bounded so a scraping burst costs a few queries a page."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ganchao.common.errors import NotFound
from ganchao.common.views import query_int
from ganchao.enforcement.choices import MatterCategory
from ganchao.portal import enforcement_selectors as sel

MAX_AGE = 60


def public_page(view):
    """GET only; NotFound → 404; Cache-Control public, max-age=60."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapper


def _render(request, template, context):
    return render(request, template, {"section": "enforcement", **context})


@public_page
def enforcement_index(request):
    return _render(
        request,
        "portal/enforcement/index.html",
        {
            "agencies": sel.agencies(),
            "counts": sel.counts(),
            "annual_count": len(sel.annual_reports()),
        },
    )


@public_page
def enforcement_agencies(request):
    return _render(request, "portal/enforcement/agencies.html", {"agencies": sel.agencies()})


@public_page
def enforcement_matter(request, pk: int):
    return _render(request, "portal/enforcement/matter.html", {"matter": sel.matter_detail(pk)})


@public_page
def enforcement_decisions(request):
    q = sel.clean_q(request.GET.get("q"))
    filters = sel.decision_filters()
    agency_id = query_int(request.GET.get("agency"))
    if agency_id not in {a["id"] for a in filters["agencies"]}:
        agency_id = None
    category = request.GET.get("category", "")
    if category not in MatterCategory.values:
        category = ""
    year = query_int(request.GET.get("year"), digits=4)
    if year not in filters["years"]:
        year = None
    page = sel.clean_page(request.GET.get("page"))
    found = sel.decision_page(q=q, agency_id=agency_id, category=category, year=year, page=page)
    return _render(
        request,
        "portal/enforcement/decisions.html",
        {
            "found": found,
            "q": q,
            "agency_id": agency_id,
            "category": category,
            "year": year,
            "filters": filters,
            "max_q": sel.MAX_Q,
        },
    )


@public_page
def enforcement_decision(request, pk: int):
    return _render(
        request, "portal/enforcement/decision.html", {"decision": sel.decision_detail(pk)}
    )


@public_page
def enforcement_withdrawals(request):
    found = sel.withdrawal_page(sel.clean_page(request.GET.get("page")))
    return _render(request, "portal/enforcement/withdrawals.html", {"found": found})


@public_page
def enforcement_statistics(request):
    return _render(request, "portal/enforcement/statistics.html", {"reports": sel.annual_reports()})
