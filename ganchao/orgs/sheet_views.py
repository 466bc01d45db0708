"""Pages for importing and exporting the unit sheet (system administrators only).

Upload → preview (nothing written) → confirm. The uploaded file waits under
DATA_DIR/imports, named by its SHA-256, so that the confirm imports exactly the previewed file.
"""

import hashlib
import re
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ganchao.common.views import require_roles
from ganchao.orgs import exports, imports
from ganchao.orgs.choices import Role

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_UPLOADS_SECONDS = 24 * 3600
PREVIEW_ROWS = 200
DIGEST = re.compile(r"[0-9a-f]{64}")


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


def _upload_dir():
    folder = settings.DATA_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep_upload(digest: str, data: bytes) -> None:
    folder = _upload_dir()
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    (folder / f"{digest}.xlsx").write_bytes(data)


def _kept_upload(digest: str) -> bytes | None:
    """The waiting file, only if its name is a digest and its content still matches it."""
    if not DIGEST.fullmatch(digest):
        return None
    path = _upload_dir() / f"{digest}.xlsx"
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == digest else None


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
            _keep_upload(result.sha256, data)
        context.update(_preview_context(result, upload.name))
        context["form"] = UnitSheetUploadForm()
    return render(request, "orgs/unit_import.html", context)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
def unit_import_confirm(request):
    digest = request.POST.get("digest", "")
    filename = request.POST.get("filename", "")[:200]
    data = _kept_upload(digest)
    if data is None:
        messages.error(request, _("找不到待导入的文件（可能已经导入或已过期），请重新上传。"))
        return redirect("orgs:unit_import")
    result = imports.unit_sheet_import(actor=request.user, data=data, filename=filename)
    if result.errors:
        context = {"form": UnitSheetUploadForm(), "changed_since_preview": True}
        context.update(_preview_context(result, filename))
        return render(request, "orgs/unit_import.html", context)
    (_upload_dir() / f"{digest}.xlsx").unlink(missing_ok=True)
    messages.success(
        request,
        _("单位表已导入（%(summary)s）。") % {"summary": "；".join(result.summary_lines())},
    )
    return redirect("orgs:unit_import")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_GET
def unit_export(request):
    return _xlsx(exports.unit_sheet_export(), exports.export_filename())


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_GET
def unit_template(request):
    return _xlsx(exports.unit_sheet_template(), exports.export_filename(template=True))
