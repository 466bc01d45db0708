"""Pages: the appeal list and page (clocks, timeline, actions), each step, the rating link, the
hand-over to the problem ledger, and the public one-time rating page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import NotFound
from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, require_staff, scoped
from ganchao.enterprises import clocks, permissions, selectors, services
from ganchao.enterprises.choices import AppealState
from ganchao.enterprises.forms import RatingForm
from ganchao.enterprises.views.common import ERRORS, clock_row, error_text, running_clock


@login_required
@require_staff
def appeal_list(request):
    now = timezone.now()
    rows, count = selectors.appeal_list(request.user, request.GET, now)
    page = paginate(request, rows, count=count)
    page.object_list = [{"appeal": a, "clock": running_clock(a, now)} for a in page.object_list]
    return render(
        request,
        "enterprises/appeal_list.html",
        {"page": page, "count": count, "params": request.GET, "states": AppealState.choices},
    )


def detail_context(request, appeal, **extra) -> dict:
    user = request.user
    now = timezone.now()
    handles = permissions.handles(user, appeal)
    serves = permissions.serves(user, appeal.enterprise)
    closes = handles or serves  # permissions.closes, without asking twice
    state = appeal.state
    context = {
        "appeal": appeal,
        "clocks": [clock_row(c) for c in clocks.clocks_of(appeal, now)],
        "events": list(selectors.appeal_events(appeal)),
        "can_acknowledge": handles and state == AppealState.RECEIVED,
        "can_plan": handles and state == AppealState.ACKNOWLEDGED,
        "can_resolve": handles and state == AppealState.PLANNED,
        "can_close": closes and state in (AppealState.RESOLVED, AppealState.UNRESOLVED),
        "can_link": closes and state == AppealState.CLOSED and appeal.rating is None,
        # an appeal handled by a department is read there; its enterprise only in its town
        "enterprise_readable": serves
        or selectors.enterprises_visible(user).filter(pk=appeal.enterprise_id).exists(),
        "can_problem": appeal.problem_id is None
        and state != AppealState.CLOSED
        and (serves or permissions.is_office(user)),
    }
    context.update(extra)
    return context


@login_required
@require_staff
@scoped
def appeal_detail(request, pk: int):
    appeal = selectors.appeal_get(request.user, pk)
    return render(request, "enterprises/appeal_detail.html", detail_context(request, appeal))


def _text(request, name) -> str:
    return (request.POST.get(name) or "").strip()[:5000]


def _step(request, pk, run, done_message):
    appeal = selectors.appeal_get(request.user, pk)
    try:
        run(appeal)
    except ERRORS as exc:
        context = detail_context(request, appeal, action_error=error_text(exc))
        return render(request, "enterprises/appeal_detail.html", context, status=exc.status)
    messages.success(request, done_message)
    return redirect("enterprises:appeal_detail", pk=pk)


@login_required
@require_POST
@scoped
def appeal_acknowledge(request, pk: int):
    def run(appeal):
        services.appeal_acknowledge(actor=request.user, appeal=appeal, note=_text(request, "note"))

    return _step(request, pk, run, _("已响应诉求。"))


@login_required
@require_POST
@scoped
def appeal_plan(request, pk: int):
    def run(appeal):
        services.appeal_plan(actor=request.user, appeal=appeal, plan=_text(request, "plan"))

    return _step(request, pk, run, _("办理方案已保存。"))


@login_required
@require_POST
@scoped
def appeal_resolve(request, pk: int):
    def run(appeal):
        services.appeal_resolve(
            actor=request.user,
            appeal=appeal,
            resolution=_text(request, "resolution"),
            resolved=request.POST.get("resolved", "1") == "1",
        )

    return _step(request, pk, run, _("办理结果已报告。"))


@login_required
@require_POST
@scoped
def appeal_close(request, pk: int):
    def run(appeal):
        services.appeal_close(actor=request.user, appeal=appeal, note=_text(request, "note"))

    return _step(request, pk, run, _("诉求已办结，可请企业评价。"))


@login_required
@require_POST
@scoped
def appeal_to_problem(request, pk: int):
    def run(appeal):
        problem = services.appeal_to_problem(
            actor=request.user,
            appeal=appeal,
            severity=request.POST.get("severity") or "general",
            note=_text(request, "note"),
        )
        request.problem_number = problem.number

    return _step(request, pk, run, _("已转入问题台账。"))


@login_required
@require_POST
@scoped
def rating_link(request, pk: int):
    appeal = selectors.appeal_get(request.user, pk)
    try:
        link, token = services.rating_link_issue(actor=request.user, appeal=appeal)
    except ERRORS as exc:
        context = detail_context(request, appeal, action_error=error_text(exc))
        return render(request, "enterprises/appeal_detail.html", context, status=exc.status)
    url = request.build_absolute_uri(reverse("enterprises:rate", args=[token]))
    # The token is shown this once (only its hash is kept), so the page answers directly.
    context = detail_context(request, appeal, rating_url=url, rating_expires=link.expires_at)
    return render(request, "enterprises/appeal_detail.html", context)


def rate(request, token: str):
    """The enterprise's page: no account; the link answers once, until it expires."""
    try:
        link = services.rating_link_find(token[:100])
    except NotFound:
        return render(request, "enterprises/rate.html", {"refusal": _("评价链接无效")}, status=404)
    refusal = services.link_refusal(link)
    form = RatingForm(request.POST or None)
    if not refusal and request.method == "POST" and form.is_valid():
        try:
            services.appeal_rate(token=token[:100], **form.cleaned_data)
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            return render(request, "enterprises/rate.html", {"thanks": True, "appeal": link.appeal})
    status = 410 if refusal else (422 if request.method == "POST" else 200)
    context = {"appeal": link.appeal, "form": form, "refusal": refusal}
    return render(request, "enterprises/rate.html", context, status=status)
