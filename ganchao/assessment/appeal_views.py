"""Pages of appeals (申诉): the desk (the office decides; a unit sees its own), the appeal form,
an appeal's page and its evidence. Views parse, call a selector or a service, and render;
objects out of scope are 404."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ganchao.assessment import permissions, selectors_appeals, services_appeals
from ganchao.assessment.appeal_forms import AcceptForm, AppealForm, RejectForm
from ganchao.assessment.choices import AppealState
from ganchao.assessment.models import Result
from ganchao.common.errors import Conflict, GanchaoError
from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, query_int, require_roles, require_staff, scoped
from ganchao.orgs.choices import Role

# ---- the desk ------------------------------------------------------------------------------


@login_required
@require_staff
@require_GET
def appeal_list(request):
    is_office = permissions.manages_assessment(request.user)
    state = request.GET.get("state", AppealState.SUBMITTED if is_office else "")
    scheme = request.GET.get("scheme", "")
    period = request.GET.get("period", "")
    appeals = selectors_appeals.appeal_list(
        request.user, state=state, scheme_code=scheme, period=period
    )
    context = {
        "page": paginate(request, appeals, per_page=30),
        "is_office": is_office,
        "state": state,
        "scheme": scheme,
        "period": period,
        "states": AppealState.choices,
        "may_appeal": bool(selectors_appeals.appealable_units(request.user)),
        **selectors_appeals.appeal_filters(request.user),
    }
    return render(request, "assessment/appeal_list.html", context)


# ---- the appeal form -----------------------------------------------------------------------


def _result_or_404(raw) -> Result:
    result = (
        Result.objects.select_related("scheme").filter(pk=query_int(raw)).first()
        if query_int(raw)
        else None
    )
    if result is None:
        raise Http404(_("考核结果不存在"))
    return result


def _unit_or_404(request, result: Result, code: str):
    units = selectors_appeals.appealable_units(request.user)
    listed = {row["unit_code"] for row in result.snapshot}
    candidates = [u for u in units if u.code in listed and (not code or u.code == code)]
    if not candidates:
        raise Http404(_("该考核结果中没有您可以申诉的单位"))
    return candidates[0]


def _form_context(request, result, unit, form, code: str = "") -> dict:
    """The page's context; `form` is None once the window has closed (no fields then)."""
    code = (form["component"].value() if form is not None else code) or ""
    component = selectors_appeals.result_row(result, unit.code, code) if code else None
    return {
        "result": result,
        "unit": unit,
        "form": form,
        "component": component,
        "row": selectors_appeals.unit_row(result, unit.code),
        "deadline": selectors_appeals.appeal_deadline(result),
        "window_open": form is not None,
        "scorecard_url": reverse(
            "assessment:scorecard", args=[result.scheme.code, result.period, unit.code]
        ),
    }


@login_required
@require_roles(Role.LIAISON, Role.UNIT_HEAD)
def appeal_new(request):
    source = request.POST if request.method == "POST" else request.GET
    if not source.get("result"):
        rows = selectors_appeals.appealable_results(request.user)
        return render(request, "assessment/appeal_choose.html", {"rows": rows})
    result = _result_or_404(source.get("result"))
    unit = _unit_or_404(request, result, source.get("unit", ""))
    if not selectors_appeals.window_open(result):
        # The window has closed: say so, show the score, and offer no fields to fill in.
        context = _form_context(request, result, unit, None, source.get("component", ""))
        status = 422 if request.method == "POST" else 200
        return render(request, "assessment/appeal_form.html", context, status=status)
    components = selectors_appeals.component_choices(result, unit.code)
    if request.method != "POST":
        form = AppealForm(initial={"component": source.get("component", "")}, components=components)
        return render(
            request, "assessment/appeal_form.html", _form_context(request, result, unit, form)
        )
    form = AppealForm(request.POST, request.FILES, components=components)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services_appeals.appeal_submit(
                actor=request.user,
                result=result,
                unit=unit,
                component_code=data["component"],
                reason=data["reason"],
                requested_score=data["requested_score"],
                files=data["files"],
            )
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("申诉已提交，等待督查室处理"))
            return redirect("assessment:appeal_detail", pk=appeal.pk)
    context = _form_context(request, result, unit, form)
    return render(request, "assessment/appeal_form.html", context, status=422)


# ---- one appeal ----------------------------------------------------------------------------


@login_required
@require_staff
@require_GET
@scoped
def appeal_detail(request, pk: int):
    appeal = selectors_appeals.appeal_get(request.user, pk)
    component = selectors_appeals.result_row(appeal.result, appeal.unit.code, appeal.component_code)
    context = {
        "appeal": appeal,
        "evidence": list(appeal.evidence.order_by("id")),
        "points": Decimal(component["points"]) if component else None,
        "deadline": selectors_appeals.appeal_deadline(appeal.result),
        "is_office": permissions.manages_assessment(request.user),
        "is_open": appeal.state == AppealState.SUBMITTED,
    }
    return render(request, "assessment/appeal_detail.html", context)


def _back(request, appeal):
    target = request.POST.get("next", "")
    if target.startswith("/assessment/appeals") and "//" not in target:
        return redirect(target)
    return redirect("assessment:appeal_detail", pk=appeal.pk)


@login_required
@require_POST
@require_roles(Role.OFFICE)
@scoped
def appeal_accept(request, pk: int):
    appeal = selectors_appeals.appeal_get(request.user, pk)
    form = AcceptForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        appeal, result = services_appeals.appeal_accept(
            actor=request.user,
            appeal=appeal,
            adjusted_score=data.get("adjusted_score", ""),
            decision=data.get("decision", ""),
        )
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _accepted_message(appeal, result))
    return _back(request, appeal)


def _accepted_message(appeal, result) -> str:
    if result is None:
        return _("已采纳申诉：%(name)s") % {"name": appeal}
    return _("已采纳申诉：%(name)s；已形成考核结果第%(n)s版，列明了变化") % {
        "name": appeal,
        "n": result.result_revision,
    }


@login_required
@require_POST
@require_roles(Role.OFFICE)
@scoped
def appeal_reject(request, pk: int):
    appeal = selectors_appeals.appeal_get(request.user, pk)
    form = RejectForm(request.POST)
    form.is_valid()
    try:
        services_appeals.appeal_reject(
            actor=request.user, appeal=appeal, decision=form.cleaned_data.get("decision", "")
        )
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已不予采纳：%(name)s") % {"name": appeal})
    return _back(request, appeal)


@login_required
@require_staff
@require_GET
@scoped
def appeal_evidence(request, pk: int, evidence_pk: int):
    evidence = selectors_appeals.appeal_evidence_get(request.user, pk, evidence_pk)
    try:
        handle = services_appeals.appeal_evidence_open(actor=request.user, evidence=evidence)
    except Conflict as error:
        context = {"message": error.message, "appeal_id": pk}
        return render(request, "assessment/appeal_evidence_refused.html", context, status=409)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
