"""Pages for importing and exporting the unit sheet (system administrators only).

Upload → preview (nothing written) → confirm. The uploaded file waits under
DATA_DIR/imports, named by its SHA-256, so that the confirm imports exactly the previewed file.
"""

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
from ganchao.common.views import require_roles
from ganchao.orgs import exports, imports
from ganchao.orgs.choices import Role


class UnitSheetUploadForm(SheetUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("选择单位及领导分工表")


@login_required
@require_roles(Role.SYSTEM_ADMIN)
def unit_import(request):
    bound = request.method == "POST"
    form = UnitSheetUploadForm(request.POST if bound else None, request.FILES if bound else None)
    context = {"form": form}
    if not bound and (finished := finished_import(request)):  # a background job's outcome
        result, filename, dry_run = finished
        if not dry_run:
            return _confirmed(request, result, filename)
        context.update(preview_context(result, filename))
    if bound and form.is_valid():
        upload = form.cleaned_data["file"]
        run = partial(imports.unit_sheet_import, actor=request.user)
        result = sheet_preview(upload, run, request)
        if isinstance(result, HttpResponseBase):  # a large sheet: checked by a background job
            return result
        context.update(preview_context(result, upload.name))
        context["form"] = UnitSheetUploadForm()
    return render(request, "orgs/unit_import.html", context)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
def unit_import_confirm(request):
    run = partial(imports.unit_sheet_import, actor=request.user)
    confirmed = sheet_confirm(request, run, reverse("orgs:unit_import"))
    if confirmed is None:
        return redirect("orgs:unit_import")
    if isinstance(confirmed, HttpResponseBase):  # a large sheet: imported by a background job
        return confirmed
    return _confirmed(request, *confirmed)


def _confirmed(request, result, filename):
    if result.errors:
        context = {"form": UnitSheetUploadForm(), "changed_since_preview": True}
        context.update(preview_context(result, filename))
        return render(request, "orgs/unit_import.html", context)
    messages.success(
        request,
        _("单位表已导入（%(summary)s）。") % {"summary": "；".join(result.summary_lines())},
    )
    return redirect("orgs:unit_import")


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_GET
def unit_export(request):
    return xlsx_response(exports.unit_sheet_export(), exports.export_filename())


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_GET
def unit_template(request):
    return xlsx_response(exports.unit_sheet_template(), exports.export_filename(template=True))
