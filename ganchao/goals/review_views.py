"""The office's review queue (进展审核): filtered, searched, sorted and counted on the server,
with accept and return per row and accept in bulk after one confirmation stating how many."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import GanchaoError, ValidationFailed
from ganchao.common.views import paginate, query_int, require_roles, scoped
from ganchao.goals import review_queue as queue
from ganchao.goals import selectors
from ganchao.goals import services_reports as report_services
from ganchao.goals.forms import ReasonForm
from ganchao.orgs.choices import Role as OrgRole

PER_PAGE = 30
CONFIRM_SHOWN = 50  # rows listed on the confirmation page; the count covers them all


@login_required
@require_roles(OrgRole.OFFICE)
def review_queue(request):
    filters = queue.parse_filters(request.GET)
    page = paginate(request, queue.review_reports(request.user, filters), PER_PAGE)
    page.object_list = queue.decorate(page.object_list)
    counts = queue.review_counts(request.user, filters)
    context = {
        "page": page,
        "filters": filters,
        "counts": counts,
        "state_tabs": [
            (key, label, counts["states"][key]) for key, label in queue.STATE_LABELS.items()
        ],
        "sort_links": _sort_links(filters),
        "period_options": [(code, queue.period_label(code), n) for code, n in counts["periods"]],
        "filter_query": filters.as_query(),
        "reviewable": filters.state == "submitted",
        "matching": page.paginator.count,
        "bulk_limit": report_services.BULK_LIMIT,
    }
    return render(
        request, "goals/report_review.html", context, status=422 if filters.errors else 200
    )


def _sort_links(filters) -> dict:
    """Column → (the sort value its header link sets, the arrow shown now)."""
    links = {}
    for key in queue.SORTS:
        current = filters.sort == key
        ascending_next = not current or filters.descending
        arrow = ("↓" if filters.descending else "↑") if current else ""
        links[key] = (key if ascending_next else f"-{key}", arrow)
    return links


# ---- one report ----------------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/goals/") and "//" not in target:
        return target
    return reverse("goals:review_queue")


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
@scoped
def report_accept(request, pk: int):
    report = selectors.report_get(request.user, pk)
    try:
        report_services.report_accept(
            actor=request.user,
            report=report,
            expected_version=query_int(request.POST.get("version")),
        )
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已审核通过：%(name)s") % {"name": report})
    return redirect(_next_url(request))


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
@scoped
def report_return(request, pk: int):
    """退回 with a reason; a blank reason shows the form again with its error, not a redirect."""
    report = selectors.report_get(request.user, pk)
    form = ReasonForm(request.POST)
    form.fields["reason"].label = _("退回原因")
    form.fields["reason"].help_text = _(
        "报送单位会在消息中收到这条原因，请写明需要补充或更正的内容"
    )
    form.is_valid()
    try:
        report_services.report_return(
            actor=request.user,
            report=report,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationFailed as error:
        form.add_error("reason", error.message)
        queue.decorate([report])
        context = {"report": report, "form": form, "next": _next_url(request)}
        return render(request, "goals/report_return.html", context, status=422)
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已退回：%(name)s") % {"name": report})
    return redirect(_next_url(request))


# ---- in bulk -------------------------------------------------------------------------------


def _posted_entries(request) -> list[tuple[int, int | None]]:
    """The rows ticked on the page, each "id:version"."""
    entries = []
    for raw in request.POST.getlist("report"):
        report_id, _sep, version = str(raw).partition(":")
        pk = query_int(report_id)
        if pk is not None:
            entries.append((pk, query_int(version)))
    return entries


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
def review_accept_bulk(request):
    """First POST (rows ticked, or "all N matching" with the filters): a confirmation page that
    states how many; the confirming POST accepts them and lists any row that failed and why."""
    back = _next_url(request)
    if request.POST.get("confirm") == "1":
        return _accept_confirmed(request, back)
    filters = queue.parse_filters(request.POST)
    if request.POST.get("all") == "1":
        entries = queue.review_ids(request.user, filters, limit=report_services.BULK_LIMIT)
    else:
        entries = _posted_entries(request)
    if not entries:
        messages.error(request, _("请先勾选要审核通过的报告"))
        return redirect(back)
    if len(entries) > report_services.BULK_LIMIT:
        messages.error(
            request,
            _("一次最多审核%(n)d条，请缩小筛选范围") % {"n": report_services.BULK_LIMIT},
        )
        return redirect(back)
    shown = queue.reports_by_ids(request.user, [pk for pk, _v in entries[:CONFIRM_SHOWN]])
    context = {"entries": entries, "shown": shown, "count": len(entries), "next": back}
    return render(request, "goals/report_review_confirm.html", context)


def _accept_confirmed(request, back):
    entries = _posted_entries(request)
    try:
        result = report_services.reports_accept_bulk(actor=request.user, entries=entries)
    except GanchaoError as error:
        messages.error(request, error.message)
        return redirect(back)
    failed_reports = {
        r.pk: r for r in queue.reports_by_ids(request.user, [pk for pk, _e in result.failed])
    }
    failures = [(failed_reports.get(pk), pk, error.message) for pk, error in result.failed]
    context = {"accepted": len(result.accepted), "failures": failures, "next": back}
    return render(request, "goals/report_review_result.html", context)
