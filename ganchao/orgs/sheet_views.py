"""Pages for importing and exporting the unit sheet (system administrators only).

Upload → preview (nothing written) → confirm. The uploaded file waits under
DATA_DIR/imports, named by its SHA-256, so that the confirm imports exactly the previewed file.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ganchao.common.uploads import (
    MAX_UPLOAD_BYTES,
    XLSX_TYPE,
    discard_upload,
    keep_upload,
    kept_upload,
    xlsx_response,
)
from ganchao.common.views import require_roles
from ganchao.orgs import exports, imports
from ganchao.orgs.choices import Role

PREVIEW_ROWS = 200


class UnitSheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("选择单位及领导分工表"),
        help_text=gettext_lazy("只接受 .xlsx 文件，不超过 20 MB。上传后先预览，确认后才会导入。"),
        error_messages={
            "required": gettext_lazy("请选择要上传的 .xlsx 文件"),
            "empty": gettext_lazy("文件是空的，请重新选择 .xlsx 文件"),
        },
        widget=forms.FileInput(attrs={"accept": ".xlsx," + XLSX_TYPE}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 20 MB，请分成几个文件导入"))
        return upload


def _preview_context(result, filename: str) -> dict:
    """What the page shows of a checked file (lists cut to PREVIEW_ROWS rows)."""
    return {
        "result": result,
        "filename": filename,
        "summary": result.summary_lines(),
        "created": result.created[:PREVIEW_ROWS],
        "updated": result.updated[:PREVIEW_ROWS],
        "more_created": max(len(result.created) - PREVIEW_ROWS, 0),
        "more_updated": max(len(result.updated) - PREVIEW_ROWS, 0),
        "warnings": result.warnings[: PREVIEW_ROWS * 5],
        "more_warnings": max(len(result.warnings) - PREVIEW_ROWS * 5, 0),
    }


@login_required
@require_roles(Role.SYSTEM_ADMIN)
def unit_import(request):
    bound = request.method == "POST"
    form = UnitSheetUploadForm(request.POST if bound else None, request.FILES if bound else None)
    context = {"form": form}
    if bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = imports.unit_sheet_import(
            actor=request.user, data=data, filename=upload.name, dry_run=True
        )
        if not result.errors:
            keep_upload(result.sha256, data)
        context.update(_preview_context(result, upload.name))
        context["form"] = UnitSheetUploadForm()
    return render(request, "orgs/unit_import.html", context)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
def unit_import_confirm(request):
    digest = request.POST.get("digest", "")
    filename = request.POST.get("filename", "")[:200]
    data = kept_upload(digest)
    if data is None:
        messages.error(request, _("找不到待导入的文件（可能已经导入或已过期），请重新上传。"))
        return redirect("orgs:unit_import")
    result = imports.unit_sheet_import(actor=request.user, data=data, filename=filename)
    if result.errors:
        context = {"form": UnitSheetUploadForm(), "changed_since_preview": True}
        context.update(_preview_context(result, filename))
        return render(request, "orgs/unit_import.html", context)
    discard_upload(digest)
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
