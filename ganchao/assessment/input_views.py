"""The office's inputs page of a scheme and period (比着干 · 考核录入): bonus / deduction / veto
items with their verbs, the manual-score grid, and the manual-score sheet (upload → preview →
confirm, blank template, export). Office only; everyone else gets 404. Views parse, call one
service and render."""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ganchao.assessment import manual_sheet, selectors_inputs, services_inputs
from ganchao.assessment.choices import ItemKind
from ganchao.common.errors import Conflict, NotFound, ValidationFailed
from ganchao.common.uploads import (
    PREVIEW_ROWS,
    SheetUploadForm,
    finished_import,
    preview_context,
    sheet_confirm,
    sheet_preview,
    xlsx_response,
)
from ganchao.common.views import query_int, require_roles
from ganchao.orgs.choices import Role
from ganchao.orgs.references import Unresolved, resolve_unit


class ItemForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("单位"),
        max_length=200,
        help_text=gettext_lazy("填写单位编码、名称或“上级单位/本单位”路径，可从列表中选择"),
        error_messages={"required": gettext_lazy("请填写单位")},
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=ItemKind.choices)
    points = forms.CharField(
        label=gettext_lazy("分值"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("一票否决不填分值"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("事由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写事由")},
    )

    def clean_unit(self):
        try:
            return resolve_unit(self.cleaned_data["unit"])
        except Unresolved as exc:
            raise forms.ValidationError(exc.message) from None


def _scope(code: str, period: str):
    try:
        return selectors_inputs.scheme_period(code, period)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _page(request, scheme, span, *, form=None, grid_posted=None, grid_errors=None, status=200):
    items = selectors_inputs.period_items(scheme, span)
    before, after = selectors_inputs.period_neighbours(scheme, span)
    context = {
        "scheme": scheme,
        "period": span,
        "previous_period": before,
        "next_period": after,
        "items": items,
        "totals": selectors_inputs.item_totals(items),
        "form": form or ItemForm(),
        "units": selectors_inputs.category_units(scheme).only("code", "name")[:500],
        "grid": selectors_inputs.manual_grid(
            scheme, span, request.GET.get("page"), grid_posted, grid_errors
        ),
        "grid_errors": list((grid_errors or {}).items()),
    }
    return render(request, "assessment/inputs_page.html", context, status=status)


def _back(code: str, period: str, anchor: str = "") -> str:
    url = reverse("assessment:inputs", kwargs={"code": code, "period": period})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_roles(Role.OFFICE)
@require_GET
def inputs(request, code: str, period: str):
    scheme, span = _scope(code, period)
    return _page(request, scheme, span)


@login_required
@require_roles(Role.OFFICE)
@require_POST
def item_add(request, code: str, period: str):
    scheme, span = _scope(code, period)
    form = ItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_inputs.score_item_register(
                actor=request.user, scheme=scheme, period=span.code, unit=data["unit"],
                kind=data["kind"], points=data["points"], reason=data["reason"],
            )  # fmt: skip
        except ValidationFailed as exc:
            for error in exc.errors or []:
                form.add_error(error.field if error.field in form.fields else None, error.message)
    if form.errors:
        return _page(request, scheme, span, form=form, status=422)
    messages.success(request, _("事项已登记，审定后计入考核。"))
    return redirect(_back(code, span.code, "items"))


def _item_verb(request, code: str, period: str, call, done: str):
    _scheme, span = _scope(code, period)
    try:
        call(span.code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(_back(code, span.code, "items"))
    messages.success(request, done)
    return redirect(_back(code, span.code, "items"))


@login_required
@require_roles(Role.OFFICE)
@require_POST
def item_approve(request, code: str, period: str, item_id: int):
    def call(period_code):
        services_inputs.score_item_approve(
            actor=request.user, scheme_code=code, period=period_code, item_id=item_id
        )

    return _item_verb(request, code, period, call, _("事项已审定，计入考核。"))


@login_required
@require_roles(Role.OFFICE)
@require_POST
def item_withdraw(request, code: str, period: str, item_id: int):
    reason = request.POST.get("reason", "")

    def call(period_code):
        services_inputs.score_item_withdraw(
            actor=request.user, scheme_code=code, period=period_code, item_id=item_id,
            reason=reason,
        )  # fmt: skip

    return _item_verb(request, code, period, call, _("事项已撤销。"))


def _posted_scores(request) -> dict[tuple[str, str], str]:
    """`unit-<i>` names the grid's units, `score-<unit code>-<component code>` its cells."""
    codes = request.POST.getlist("component")
    units = request.POST.getlist("unit")
    return {
        (unit, code): request.POST.get(f"score-{unit}-{code}", "")[:30]
        for unit in units[: selectors_inputs.GRID_PAGE_SIZE]
        for code in codes
    }


@login_required
@require_roles(Role.OFFICE)
@require_POST
def manual_save(request, code: str, period: str):
    scheme, span = _scope(code, period)
    values = _posted_scores(request)
    try:
        plan = services_inputs.manual_scores_save(
            actor=request.user, scheme=scheme, period=span.code, values=values
        )
    except ValidationFailed as exc:
        errors = {error.field: error.message for error in exc.errors}
        return _page(request, scheme, span, grid_posted=values, grid_errors=errors, status=422)
    messages.success(request, _("评议得分已保存（%(summary)s）。") % {"summary": plan.summary()})
    page = request.POST.get("page", "")
    url = _back(code, span.code)
    return redirect(f"{url}?page={page}#manual" if query_int(page) else f"{url}#manual")


# ---- the sheet -----------------------------------------------------------------------------


def _import_context(scheme, span, result=None, filename="", form=None) -> dict:
    context = {"scheme": scheme, "period": span, "form": form or SheetUploadForm()}
    if result is not None:
        context.update(preview_context(result, filename, warning_rows=PREVIEW_ROWS))
    return context


def _preview(request, scheme, span, run):
    form = SheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "assessment/inputs_import.html", _import_context(scheme, span, form=form)
        )
    upload = form.cleaned_data["file"]
    result = sheet_preview(upload, run, request)
    if isinstance(result, HttpResponseBase):  # a large sheet: checked by a background job
        return result
    context = _import_context(scheme, span, result, upload.name)
    return render(request, "assessment/inputs_import.html", context)


def _confirm(request, scheme, span, run):
    confirmed = sheet_confirm(request, run)
    if confirmed is None:
        return redirect("assessment:manual_import", code=scheme.code, period=span.code)
    if isinstance(confirmed, HttpResponseBase):  # a large sheet: imported by a background job
        return confirmed
    return _confirmed(request, scheme, span, *confirmed)


def _confirmed(request, scheme, span, result, filename):
    if result.errors:
        context = _import_context(scheme, span, result, filename)
        context["changed_since_preview"] = True
        return render(request, "assessment/inputs_import.html", context)
    summary = "；".join(result.summary_lines())
    messages.success(request, _("评议得分已导入（%(summary)s）。") % {"summary": summary})
    return redirect(_back(scheme.code, span.code, "manual"))


@login_required
@require_roles(Role.OFFICE)
def manual_import(request, code: str, period: str):
    scheme, span = _scope(code, period)
    run = partial(
        manual_sheet.manual_sheet_import, actor=request.user, scheme=scheme, period=span.code
    )
    if request.method == "POST" and request.POST.get("digest"):
        return _confirm(request, scheme, span, run)
    if request.method == "POST":
        return _preview(request, scheme, span, run)
    if finished := finished_import(request):  # a background job's outcome
        result, filename, dry_run = finished
        if not dry_run:
            return _confirmed(request, scheme, span, result, filename)
        context = _import_context(scheme, span, result, filename)
        return render(request, "assessment/inputs_import.html", context)
    return render(request, "assessment/inputs_import.html", _import_context(scheme, span))


@login_required
@require_roles(Role.OFFICE)
@require_GET
def manual_template(request, code: str, period: str):
    scheme, _span = _scope(code, period)
    data = manual_sheet.manual_sheet_template(scheme)
    return xlsx_response(data, manual_sheet.export_filename(scheme))


@login_required
@require_roles(Role.OFFICE)
@require_GET
def manual_export(request, code: str, period: str):
    scheme, span = _scope(code, period)
    data = manual_sheet.manual_sheet_export(scheme, span.code)
    return xlsx_response(data, manual_sheet.export_filename(scheme, span.code))
