"""Pages of 比着干: the league table (排行榜) with its .xlsx downloads, the unit scorecard and
"我的考核". Views parse the query, call the read selectors of `league` and `scorecard`, and
render plain rows. Scheme, period and public pages live in views_schemes, views_periods and
views_public."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist, loader
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ganchao.assessment import exports, league, periods, permissions, selectors, selectors_appeals
from ganchao.assessment.models import Result, Scheme
from ganchao.assessment.periods import AssessmentPeriod, mismatch_message, parse
from ganchao.assessment.scorecard import scorecard as scorecard_rows
from ganchao.common.errors import NotFound
from ganchao.common.uploads import xlsx_response
from ganchao.common.views import paginate, scoped
from ganchao.goals.selectors import places_by_assignment
from ganchao.orgs.models import Unit

LEAGUE_PAGE = 100  # a province's 4,800 villages page; ranks stay those of the whole category


@dataclass
class Choice:
    """What the league query asks for, after defaults; `problem` says what was not understood."""

    scheme: Scheme | None = None
    period: AssessmentPeriod | None = None
    draft: bool = False
    problem: str = ""


def _scheme(code: str) -> Scheme | None:
    try:
        return selectors.scheme_get(code)
    except NotFound:
        return None


def _default_period(scheme: Scheme, draft: bool) -> AssessmentPeriod | None:
    published = list(league.published_index(scheme.code))
    if published:
        return parse(published[-1], scheme.period_type)
    if draft:
        today = league.period_code_of(timezone.localdate(), scheme.period_type)
        return parse(today, scheme.period_type)
    return None


def choose(request) -> Choice:
    """The scheme and period of ?scheme=&period=&draft=1; the latest published by default."""
    params = request.GET
    code, text = params.get("scheme", "").strip(), params.get("period", "").strip()
    draft = params.get("draft") == "1" and permissions.sees_drafts(request.user)
    choice = Choice(draft=draft)
    if not code:
        latest = league.latest_published(request.user)
        code, text = latest if latest else ("", text)
    if not code:
        return choice
    choice.scheme = _scheme(code)
    if choice.scheme is None:
        choice.problem = _("未找到考核方案“%(code)s”，请从列表中选择。") % {"code": code}
        return choice
    if text:
        choice.period = parse(text, choice.scheme.period_type)
        if choice.period is None:
            choice.problem = mismatch_message(text, choice.scheme.period_type)
    if choice.period is None:
        choice.period = _default_period(choice.scheme, draft)
    return choice


def _standing(choice: Choice):
    """The standing, or None with a message when the period has no published result."""
    try:
        return league.standing(choice.scheme, choice.period, draft=choice.draft), ""
    except NotFound as exc:
        return None, exc.message


def _period_options(choice: Choice, data) -> list[str]:
    options = set(data.published if data else [])
    if choice.period:
        options.add(choice.period.code)
    if choice.draft and choice.scheme:
        options.add(league.period_code_of(timezone.localdate(), choice.scheme.period_type))
    return sorted(options, reverse=True)


def _query(choice: Choice) -> str:
    params = {"scheme": choice.scheme.code, "period": choice.period.code}
    if choice.draft:
        params["draft"] = "1"
    return urlencode(params)


@login_required
def league_table(request):
    if not permissions.sees_rankings(request.user):
        raise Http404
    choice = choose(request)
    data, missing = _standing(choice) if choice.scheme and choice.period else (None, "")
    context = {
        "choice": choice,
        "problem": choice.problem,
        "missing": missing,
        "schemes": league.scheme_choices(),
        "periods": _period_options(choice, data),
        "may_draft": permissions.sees_drafts(request.user),
        "manages": permissions.manages_assessment(request.user),
        "data": data,
    }
    if data is not None:
        search = request.GET.get("q", "").strip()[:50]
        page = paginate(request, league.matching(data, search), per_page=LEAGUE_PAGE)
        rows = league.league_rows(data, page.object_list)
        context |= {
            "rows": rows,
            "page": page,
            "search": search,
            "linked": league.readable_codes(
                request.user,
                [r["unit_code"] for r in rows] + [u["unit_code"] for u in data.unassessed],
            ),
            "heads": league.component_heads(data),
            "unassessed": league.unassessed_names(data),
            "query": _query(choice),
            "own_code": getattr(getattr(request.user, "unit", None), "code", ""),
        }
    return render(request, "assessment/league.html", context)


def _export_rows(request):
    data, name = _export(request)
    return data.rows, name


def _export(request):
    """(standing, file name) of the export asked for."""
    if not permissions.sees_rankings(request.user):
        raise Http404
    choice = choose(request)
    if choice.problem or not (choice.scheme and choice.period):
        raise Http404
    data, missing = _standing(choice)
    if data is None:
        raise Http404
    suffix = _("草稿") if choice.draft else _("第%(n)d版") % {"n": data.result["result_revision"]}
    label = periods.period_label(choice.period.code)
    return data, f"{choice.scheme.name}-{label}-{suffix}"


@login_required
def ranking_xlsx(request):
    """The ranking; units with nothing to assess are listed under it (本期无考核内容)."""
    data, name = _export(request)
    book = exports.ranking_xlsx(data.rows, _("排名"), unassessed=data.unassessed)
    return xlsx_response(book, f"{name}-{_('排名')}.xlsx")


@login_required
def breakdown_xlsx(request):
    """Point-by-point details only of the units the user may open (the ranking sheet has all)."""
    rows, name = _export_rows(request)
    readable = league.readable_codes(request.user, [row["unit_code"] for row in rows])
    rows = [row for row in rows if row["unit_code"] in readable]
    places = places_by_assignment(exports.detail_assignment_ids(rows))
    data = exports.breakdown_xlsx(rows, _("得分明细"), places)
    return xlsx_response(data, f"{name}-{_('得分明细')}.xlsx")


# ---- the unit scorecard ----------------------------------------------------------------------


def _appeal_link(request, data, unit: Unit, component: str) -> str:
    """The appeal form's address, when the user may appeal this published result."""
    if data.draft or not permissions.may_appeal(request.user, unit):
        return ""
    published = SimpleNamespace(published_at=data.result["published_at"])
    if not selectors_appeals.window_open(published):
        return ""  # the five working days have passed: no link to a form that would refuse
    try:
        base = reverse("assessment:appeal_new")
    except NoReverseMatch:
        return ""
    query = {"result": data.result["id"], "unit": unit.code, "component": component}
    return f"{base}?{urlencode(query)}"


def _benchmark_gaps(unit: Unit, year: int) -> tuple[bool, list]:
    """Gaps to first-class benchmarks, once the benchmark module and its partial exist."""
    try:
        from ganchao.assessment.benchmarks import unit_gaps

        loader.get_template("assessment/_benchmark_gaps.html")
    except (ImportError, TemplateDoesNotExist):
        return False, []
    return True, unit_gaps(unit, year)


def _trend_chart(card: dict) -> dict:
    trend = card["trend"]
    return {
        "labels": [periods.period_label(t["period"]) for t in trend],
        "ranks": [t["rank"] for t in trend],
        "totals": [t["total"] for t in trend],
        "worst": max([card["count"]] + [t["rank"] for t in trend]),
        "rank_label": _("排名"),
        "total_label": _("总分"),
    }


def _scorecard_unit(request, unit_code: str, draft: bool) -> Unit:
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None or not permissions.sees_breakdown(request.user, unit):
        raise Http404
    if draft and not permissions.sees_drafts(request.user):
        raise Http404
    return unit


@login_required
@scoped
def scorecard(request, code: str, period: str, unit_code: str):
    if not permissions.sees_rankings(request.user):
        raise Http404
    draft = request.GET.get("draft") == "1"
    unit = _scorecard_unit(request, unit_code, draft)
    scheme = selectors.scheme_get(code)
    span = parse(period, scheme.period_type)
    if span is None:
        raise Http404
    data = league.standing(scheme, span, draft=draft)
    card = scorecard_rows(data, unit.code)
    for component in card["components"]:  # a unit not ranked has no result to appeal
        appealable = card["assessed"]
        component["appeal_url"] = (
            _appeal_link(request, data, unit, component["code"]) if appealable else ""
        )
    ready, gaps = _benchmark_gaps(unit, span.year)
    context = {
        "chart": _trend_chart(card),
        "scheme": scheme,
        "period": span,
        "data": data,
        "card": card,
        "benchmarks_ready": ready,
        "benchmark_gaps": gaps,
        "league_query": urlencode(
            {"scheme": scheme.code, "period": span.code} | ({"draft": "1"} if draft else {})
        ),
    }
    return render(request, "assessment/scorecard.html", context)


@login_required
def my_scorecard(request):
    """The user's unit's latest published scorecard, or a page saying why there is none."""
    unit = request.user.unit
    if unit is not None and unit.category_id:
        latest = (
            Result.objects.filter(scheme__category_id=unit.category_id)
            .exclude(scheme__excluded_units=unit)  # a scheme the unit takes no part in
            .order_by("-published_at", "-id")
            .values_list("scheme_code", "period")
            .first()
        )
        if latest is not None:
            return redirect("assessment:scorecard", latest[0], latest[1], unit.code)
    excluded = unit is not None and Scheme.objects.filter(excluded_units=unit).exists()
    context = {"unit": unit, "excluded": excluded}
    return render(request, "assessment/my_scorecard_empty.html", context)
