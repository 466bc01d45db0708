"""问题台账导入导出 (/problems/sheet/, the office): upload → preview (nothing written) → confirm,
with the shared import flow (common.uploads: the previewed file is kept by its SHA-256; a large
sheet runs as a background job), and the download of the ledger as the sheet."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ganchao.common.uploads import (
    SheetUploadForm,
    finished_import,
    preview_context,
    sheet_confirm,
    sheet_preview,
    xlsx_response,
)
from ganchao.common.views import require_roles, require_staff
from ganchao.orgs.choices import Role
from ganchao.problems import selectors, sheet

API_TWINS = {
    "problems:sheet": (
        "POST",
        "/api/v1/problems/sheet",
        "ganchao.problems.sheet.problem_sheet_import",
    ),
    "problems:sheet_confirm": (
        "POST",
        "/api/v1/problems/sheet",
        "ganchao.problems.sheet.problem_sheet_import",
    ),
}


class ProblemSheetUploadForm(SheetUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("选择问题台账")


@login_required
@require_roles(Role.OFFICE)
def sheet_page(request):
    bound = request.method == "POST"
    form = ProblemSheetUploadForm(request.POST if bound else None, request.FILES if bound else None)
    context = {"form": form}
    if not bound and (finished := finished_import(request)):  # a background job's outcome
        result, filename, dry_run = finished
        if not dry_run:
            return _confirmed(request, result, filename)
        context.update(preview_context(result, filename))
    if bound and form.is_valid():
        upload = form.cleaned_data["file"]
        run = partial(sheet.problem_sheet_import, actor=request.user)
        result = sheet_preview(upload, run, request)
        if isinstance(result, HttpResponseBase):  # a large sheet: checked by a background job
            return result
        context.update(preview_context(result, upload.name))
        context["form"] = ProblemSheetUploadForm()
    return render(request, "problems/sheet.html", context)


@login_required
@require_roles(Role.OFFICE)
@require_POST
def sheet_confirm_view(request):
    run = partial(sheet.problem_sheet_import, actor=request.user)
    confirmed = sheet_confirm(request, run, reverse("problems:sheet"))
    if confirmed is None:
        return redirect("problems:sheet")
    if isinstance(confirmed, HttpResponseBase):  # a large sheet: imported by a background job
        return confirmed
    return _confirmed(request, *confirmed)


def _confirmed(request, result, filename):
    if result.errors:
        context = {"form": ProblemSheetUploadForm(), "changed_since_preview": True}
        context.update(preview_context(result, filename))
        return render(request, "problems/sheet.html", context)
    messages.success(
        request,
        _("问题台账已导入（%(summary)s）。") % {"summary": "；".join(result.summary_lines())},
    )
    return redirect("problems:sheet")


@login_required
@require_staff
@require_GET
def sheet_export(request):
    """The ledger the user may see, after the ledger page's filters, as the sheet."""
    visible = selectors.problems_visible(request.user)
    problems = selectors.ledger_filter(visible, request.GET)
    return xlsx_response(sheet.problem_sheet_export(problems), sheet.export_filename())
