"""Pages: the enterprise list and page (profile, commissioners, visits, appeals), registering an
enterprise, assigning commissioners, recording visits and appeals, the commissioner's desk and
the scorecard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.enterprises import permissions, selectors, services
from ganchao.enterprises.choices import Scale, Sector
from ganchao.enterprises.forms import (
    AppealForm,
    CommissionerForm,
    EnterpriseForm,
    SettingsForm,
    VisitForm,
)
from ganchao.enterprises.views.common import ERRORS, error_text, running_clock
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of


@login_required
@require_staff
def enterprise_list(request):
    rows, count = selectors.enterprise_list(request.user, request.GET)
    page = paginate(request, rows, count=count)
    scope = scope_of(request.user)
    towns = Unit.objects.filter(
        scope.units_q(), type__in=[UnitType.TOWN, UnitType.STREET, UnitType.PARK], active=True
    ).order_by("path")
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "page": page,
            "count": count,
            "params": request.GET,
            "sectors": Sector.choices,
            "scales": Scale.choices,
            "towns": towns,
            "can_create": permissions.is_office(request.user) or scope.has(*permissions.UNIT_STAFF),
        },
    )


@login_required
@require_staff
@scoped
def enterprise_new(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, **form.cleaned_data)
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("企业已登记。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "enterprises/enterprise_form.html", {"form": form}, status=status)


def detail_context(request, enterprise, **extra) -> dict:
    user = request.user
    now = timezone.now()
    appeals = list(
        selectors.appeals_visible(user).filter(enterprise=enterprise).order_by("-received_at")[:50]
    )
    keeps = permissions.keeps_town(user, enterprise.town)
    serves = permissions.serves(user, enterprise)
    context = {
        "enterprise": enterprise,
        "commissioners": list(selectors.commissioners_of(enterprise)),
        "visits": list(selectors.visits_of(enterprise)[:50]),
        "appeals": [{"appeal": a, "clock": running_clock(a, now)} for a in appeals],
        "today": timezone.localdate(),
        "keeps": keeps,
        "serves": serves,
        "registers": keeps or serves,  # permissions.registers_appeals, asked once
        "commissioner_form": CommissionerForm(),
        "visit_form": VisitForm(initial={"visited_on": timezone.localdate()}),
        "appeal_form": AppealForm(),
    }
    context.update(extra)
    return context


@login_required
@require_staff
@scoped
def enterprise_detail(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    return render(
        request, "enterprises/enterprise_detail.html", detail_context(request, enterprise)
    )


def _refused(request, enterprise, exc, **extra):
    context = detail_context(request, enterprise, action_error=error_text(exc), **extra)
    return render(request, "enterprises/enterprise_detail.html", context, status=exc.status)


@login_required
@require_POST
@scoped
def commissioner_assign(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    form = CommissionerForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, enterprise, commissioner_form=form)
        return render(request, "enterprises/enterprise_detail.html", context, status=422)
    try:
        services.commissioner_assign(actor=request.user, enterprise=enterprise, **form.cleaned_data)
    except ERRORS as exc:
        apply_error(form, exc)
        return _refused(request, enterprise, exc, commissioner_form=form)
    messages.success(request, _("已指派服务专员。"))
    return redirect("enterprises:detail", pk=pk)


@login_required
@require_POST
@scoped
def commissioner_end(request, pk: int, assignment: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    row = selectors.commissioners_of(enterprise).filter(pk=query_int(assignment)).first()
    if row is None:
        return redirect("enterprises:detail", pk=pk)
    try:
        services.commissioner_end(actor=request.user, assignment=row)
    except ERRORS as exc:
        return _refused(request, enterprise, exc)
    messages.success(request, _("已结束该服务专员的指派。"))
    return redirect("enterprises:detail", pk=pk)


@login_required
@require_POST
@scoped
def visit_record(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, enterprise, visit_form=form)
        return render(request, "enterprises/enterprise_detail.html", context, status=422)
    try:
        services.visit_record(actor=request.user, enterprise=enterprise, **form.cleaned_data)
    except ERRORS as exc:
        apply_error(form, exc)
        return _refused(request, enterprise, exc, visit_form=form)
    messages.success(request, _("走访记录已保存。"))
    return redirect("enterprises:detail", pk=pk)


@login_required
@require_POST
@scoped
def appeal_receive(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, enterprise, appeal_form=form)
        return render(request, "enterprises/enterprise_detail.html", context, status=422)
    try:
        appeal = services.appeal_receive(
            actor=request.user, enterprise=enterprise, **form.cleaned_data
        )
    except ERRORS as exc:
        apply_error(form, exc)
        return _refused(request, enterprise, exc, appeal_form=form)
    messages.success(request, _("诉求已受理，编号 %(number)s。") % {"number": appeal.number})
    return redirect("enterprises:appeal_detail", pk=appeal.pk)


@login_required
@require_staff
def desk(request):
    now = timezone.now()
    appeals = list(selectors.desk_appeals(request.user)[:200])
    return render(
        request,
        "enterprises/desk.html",
        {
            # a commissioner may serve hundreds of enterprises: a page of them at a time
            "page": paginate(request, selectors.desk_enterprises(request.user)),
            "appeals": [{"appeal": a, "clock": running_clock(a, now)} for a in appeals],
        },
    )


@login_required
@require_staff
def scorecard(request):
    by = request.GET.get("by") if request.GET.get("by") in selectors.GROUPS else "commissioner"
    rows = selectors.scorecard(request.user, by=by)
    chart = {
        "names": [r.name for r in rows],
        "acknowledged": [float(r.acknowledged_on_time or 0) for r in rows],
        "planned": [float(r.planned_on_time or 0) for r in rows],
        "resolved": [float(r.resolved_on_time or 0) for r in rows],
    }
    return render(request, "enterprises/scorecard.html", {"rows": rows, "by": by, "chart": chart})


@login_required
@require_staff
@scoped
def settings_page(request):
    """The office keeps the appeal clocks; new appeals use them, received ones keep theirs."""
    if not permissions.is_office(request.user):
        raise Http404
    row = selectors.settings_row()
    initial = {name: getattr(row, name) for name in SETTINGS_FIELDS} | {"version": row.version}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
        try:
            services.settings_update(
                actor=request.user, version=form.cleaned_data["version"], **values
            )
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("时限设置已保存，新受理的诉求按新时限计算。"))
            return redirect("enterprises:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "enterprises/settings.html", {"form": form}, status=status)


SETTINGS_FIELDS = ("acknowledge_hours", "plan_days", "resolve_days", "rating_link_days")
