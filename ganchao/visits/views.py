"""Pages of field visits and the burden meter. Views parse input, call one selector or service
and render; the rules live in services.py, selectors.py and burden.py."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, require_roles, require_staff, scoped
from ganchao.orgs.choices import GRASSROOTS_TYPES, Role, UnitType
from ganchao.orgs.models import Leader
from ganchao.orgs.scoping import scope_of
from ganchao.visits import burden, forms, selectors, services
from ganchao.visits.choices import VisitKind
from ganchao.visits.models import BurdenRequest


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _year(text: str) -> int:
    value = (text or "").strip()
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def _int(text: str) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


# ---- visits ----------------------------------------------------------------------------------


@login_required
@require_staff
def visit_list(request):
    params = request.GET
    visits = selectors.visit_list(
        actor=request.user,
        leader_id=_int(params.get("leader", "")),
        unit=params.get("unit", "").strip()[:200],
        date_from=_date(params.get("from", "")),
        date_to=_date(params.get("to", "")),
        kind=params.get("kind", "") if params.get("kind") in VisitKind.values else "",
    )
    context = {
        "page": paginate(request, visits),
        "filters": params,
        "leaders": Leader.objects.filter(active=True).values("id", "name"),
        "kinds": VisitKind.choices,
        "can_record": services.may_record_visits(request.user),
    }
    return render(request, "visits/visit_list.html", context)


def _formsets(data=None):
    return (
        forms.FindingFormSet(data, prefix="findings"),
        forms.GuidanceFormSet(data, prefix="guidance"),
        forms.DemandFormSet(data, prefix="demands"),
    )


@login_required
@scoped
def visit_create(request):
    if not services.may_record_visits(request.user):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.VisitForm(data, actor=request.user)
    findings, guidance, demands = _formsets(data)
    error = None
    if data is not None and all(f.is_valid() for f in (form, findings, guidance, demands)):
        try:
            visit = _create_visit(request.user, form.cleaned_data, findings, guidance, demands)
        except ValidationFailed as exc:
            error = exc
        else:
            messages.success(request, _("调研督导记录已保存。"))
            return redirect("visits:visit_detail", pk=visit.pk)
    context = {
        "form": form,
        "findings": findings,
        "guidance": guidance,
        "demands": demands,
        "service_error": error,
    }
    status = 422 if data is not None else 200
    return render(request, "visits/visit_form.html", context, status=status)


def _create_visit(actor, cleaned, findings, guidance, demands):
    return services.visit_create(
        actor=actor,
        kind=cleaned["kind"],
        leader=cleaned["leader"],
        participants=cleaned["participants"],
        unit=cleaned["unit"],
        place_kind=cleaned["place_kind"],
        place_name=cleaned["place_name"],
        visited_on=cleaned["visited_on"],
        purpose=cleaned["purpose"],
        findings=forms.filled_rows(findings),
        guidance=[row["content"] for row in forms.filled_rows(guidance)],
        demands=[row["content"] for row in forms.filled_rows(demands)],
    )


def _mark_converted(visit, actor) -> None:
    """Each finding gets `problem`: the ledger's problem it became (one query), or None, so that
    the page names it instead of offering 转为问题 again, and `problem_readable`: whether the
    actor may open it (a village sees a visit to it, not always the town's problem)."""
    from ganchao.problems.models import Problem
    from ganchao.problems.selectors import problems_visible

    converted = {
        p.finding_id: p
        for p in Problem.objects.filter(finding__visit_id=visit.pk).only("pk", "number", "finding")
    }
    readable = (
        set(
            problems_visible(actor)
            .filter(pk__in=[p.pk for p in converted.values()])
            .values_list("pk", flat=True)
        )
        if converted
        else set()
    )
    for finding in visit.findings.all():
        finding.problem = converted.get(finding.pk)
        finding.problem_readable = finding.problem is not None and finding.problem.pk in readable


@login_required
@scoped
def visit_detail(request, pk: int):
    visit = selectors.visit_get(actor=request.user, pk=pk)
    can_convert = services.matter_services() is not None and services.may_convert_findings(
        request.user, visit
    )
    _mark_converted(visit, request.user)
    context = {
        "visit": visit,
        "can_convert": can_convert,
        "urgencies": _urgencies(),
        "leader_page": selectors.may_read_leader_page(request.user, visit.leader_id),
    }
    return render(request, "visits/visit_detail.html", context)


@login_required
@require_POST
@scoped
def finding_to_matter(request, pk: int, finding_id: int):
    selectors.visit_get(actor=request.user, pk=pk)
    unit = None
    if request.POST.get("unit", "").strip():
        try:
            unit = forms.UnitField().clean(request.POST["unit"])
        except DjangoValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("visits:visit_detail", pk=pk)
    try:
        result = services.finding_to_matter(
            actor=request.user,
            finding_id=finding_id,
            urgency=request.POST.get("urgency", ""),
            person=request.POST.get("person", ""),
            unit=unit,
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
    else:
        if result is None:
            messages.error(request, _("督办事项功能尚未启用，暂不能转为督办事项。"))
        else:
            messages.success(request, _("已转为督办事项。"))
    return redirect("visits:visit_detail", pk=pk)


def _urgencies() -> list[tuple[str, str]]:
    try:
        from ganchao.supervision.matter_choices import Urgency
    except ImportError:
        return []
    return list(Urgency.choices)


# ---- leaders: guidance given against demands made ----------------------------------------------


@login_required
@require_roles(Role.OFFICE, Role.LEADER)
def leader_list(request):
    year = _year(request.GET.get("year", ""))
    scope = scope_of(request.user)
    if not scope.has(Role.OFFICE):
        if not request.user.leader_id:
            raise Http404
        return redirect(f"/visits/leaders/{request.user.leader_id}/?year={year}")
    rows = selectors.leader_meter_rows(actor=request.user, year=year)
    return render(request, "visits/leader_list.html", {"rows": rows, "year": year})


@login_required
@scoped
def leader_page(request, leader_id: int):
    year = _year(request.GET.get("year", ""))
    leader = selectors.leader_visible(request.user, leader_id)
    meter = selectors.guidance_meter(actor=request.user, leader_id=leader_id, year=year)
    visits = selectors.visit_list(actor=request.user, leader_id=leader_id).filter(
        visited_on__year=year
    )
    chart = {
        "months": [f"{row['month']}月" for row in meter["months"]],
        "guidance": [row["guidance"] for row in meter["months"]],
        "demands": [row["demands"] for row in meter["months"]],
    }
    context = {
        "leader": leader,
        "meter": meter,
        "year": year,
        "page": paginate(request, visits),
        "chart": chart,
    }
    return render(request, "visits/leader_page.html", context)


# ---- the burden meter ----------------------------------------------------------------------------


@login_required
@require_roles(Role.OFFICE)
def burden_page(request):
    params = request.GET
    year = _year(params.get("year", ""))
    unit_type = params.get("type", "") if params.get("type") in GRASSROOTS_TYPES else ""
    summary = burden.burden_summary(
        actor=request.user, year=year, unit_type=unit_type, q=params.get("q", "").strip()[:100]
    )
    rows = summary["rows"]
    if params.get("over") == "1":
        rows = [row for row in rows if row["over_months"]]
    context = {
        "summary": summary,
        "burden_chart": burden.chart_data(summary),
        "page": paginate(request, rows),
        "filters": params,
        "year": year,
        "types": [(t, UnitType(t).label) for t in UnitType if t in GRASSROOTS_TYPES],
        "threshold_form": forms.ThresholdForm(initial={"monthly_threshold": summary["threshold"]}),
        "duplicates": summary["duplicates"][:100],
        "over_units": sum(1 for row in summary["rows"] if row["over_months"]),
    }
    return render(request, "visits/burden.html", context)


@login_required
@require_POST
@require_roles(Role.OFFICE)
@scoped
def burden_threshold(request):
    form = forms.ThresholdForm(request.POST)
    if form.is_valid():
        services.burden_threshold_set(
            actor=request.user, monthly_threshold=form.cleaned_data["monthly_threshold"]
        )
        messages.success(request, _("每月警示阈值已保存。"))
    else:
        messages.error(request, _("每月警示阈值：请填写1到10000之间的整数"))
    return redirect("visits:burden")


@login_required
@require_staff
def burden_requests(request):
    scope = scope_of(request.user)
    rows = BurdenRequest.objects.select_related("from_unit", "item").prefetch_related("to_units")
    if not scope.has(Role.OFFICE):
        rows = rows.filter(scope.units_q("from_unit__", write=True))
    context = {"page": paginate(request, rows.order_by("-sent_on", "-id"))}
    return render(request, "visits/burden_requests.html", context)


@login_required
@require_staff
@scoped
def burden_request_create(request):
    data = request.POST if request.method == "POST" else None
    form = forms.BurdenRequestForm(data)
    if data is not None and form.is_valid():
        try:
            _record_request(request.user, form.cleaned_data)
        except ValidationFailed as exc:
            for error in exc.errors or []:
                target = error.field if error.field in form.fields else None
                form.add_error(target, error.message)
        else:
            messages.success(request, _("下发要求已登记。"))
            return redirect("visits:burden_requests")
    status = 422 if data is not None else 200
    return render(request, "visits/burden_request_form.html", {"form": form}, status=status)


def _record_request(actor, cleaned):
    item = selectors.burden_item(actor, cleaned["item_code"], cleaned["sent_on"])
    return services.burden_request_create(
        actor=actor,
        title=cleaned["title"],
        kind=cleaned["kind"],
        from_unit=cleaned["from_unit"],
        to_units=cleaned["to_units"],
        sent_on=cleaned["sent_on"],
        item=item,
    )
