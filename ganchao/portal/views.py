"""The public portal under /public/: no sign-in (these views carry no login decorator, as the
public ranking of assessment/views_public.py), no staff navigation, published material only,
read through plain-row selectors."""

import logging

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ganchao.assessment import league
from ganchao.common.errors import Conflict, NotFound, ValidationFailed
from ganchao.common.views import query_int, scoped
from ganchao.portal import selectors
from ganchao.portal.addresses import client_address
from ganchao.portal.forms import PublicCommentForm
from ganchao.portal.services import RateLimited, public_comment_submit, received_message

log = logging.getLogger(__name__)


@require_GET
def index(request):
    return render(
        request,
        "portal/index.html",
        {
            "ranking_count": len(league.public_releases()),
            "consultation_count": selectors.open_consultation_count(),
            "decision_count": selectors.public_decision_count(),
            "section": "home",
        },
    )


@require_GET
def rankings(request):
    return render(
        request,
        "portal/rankings.html",
        {"releases": league.public_releases(), "section": "rankings"},
    )


@require_GET
@scoped
def ranking(request, code: str, period: str):
    return render(
        request,
        "portal/ranking.html",
        {"ranking": league.public_ranking(code, period), "section": "rankings"},
    )


def _chosen_year(request, years: list[int]) -> int:
    asked = query_int(request.GET.get("year"), digits=4)
    if asked in years:
        return asked
    this_year = timezone.localdate().year
    return this_year if this_year in years or not years else years[0]


@require_GET
def decisions(request):
    years = selectors.public_years()
    year = _chosen_year(request, years)
    published = selectors.public_decisions(year=year)
    published_items = {d["catalogue_item_id"]: d["code"] for d in published}
    catalogues = selectors.public_catalogues(year)
    for item in (item for cat in catalogues for item in cat["items"]):
        item["decision_code"] = published_items.get(item["id"])
    return render(
        request,
        "portal/decisions.html",
        {
            "year": year,
            "years": years,
            "catalogues": catalogues,
            "consultations": selectors.open_consultations(),
            "decisions": published,
            "section": "decisions",
        },
    )


@require_GET
@scoped
def decision(request, code: str):
    return render(
        request,
        "portal/decision.html",
        {"decision": selectors.public_decision(code), "section": "decisions"},
    )


@require_GET
def consultations(request):
    return render(
        request,
        "portal/consultations.html",
        {
            "open": selectors.open_consultations(),
            "closed": selectors.recent_closed_consultations(),
            "section": "consultations",
        },
    )


def _comment_post(request, consultation: dict, form: PublicCommentForm):
    """Submit the form: None when the comment was received (or a robot's dropped), else the
    status to render the form again with its errors."""
    if not form.is_valid():
        return 422
    if form.is_robot():
        log.info("public comment dropped: honeypot filled")
        return None
    try:
        public_comment_submit(
            consultation_id=consultation["id"],
            body=form.cleaned_data["body"],
            author=form.cleaned_data["author"],
            contact=form.cleaned_data["contact"],
            address=client_address(request),
        )
    except ValidationFailed as exc:
        for error in exc.errors:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        return 422
    except (RateLimited, Conflict) as exc:
        form.add_error(None, exc.message)
        return exc.status
    return None


@require_http_methods(["GET", "POST"])
def consultation(request, pk: int):
    try:
        notice = selectors.public_consultation(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = PublicCommentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = _comment_post(request, notice, form)
        if status is None:
            return redirect(f"{request.path}?sent=1#comment-form")
    comments = Paginator(selectors.published_comments(notice["id"]), 50)
    return render(
        request,
        "portal/consultation.html",
        {
            "consultation": notice,
            "comments": comments.get_page(request.GET.get("page")),
            "form": form,
            "sent": request.GET.get("sent") == "1" and request.method == "GET",
            "received_message": received_message(),
            "section": "consultations",
        },
        status=status,
    )
