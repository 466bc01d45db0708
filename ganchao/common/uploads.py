"""Uploaded sheets waiting between preview and confirm, and .xlsx download responses.

A previewed file is kept under the data folder by its SHA-256, so that the confirm step imports
exactly the file that was previewed (its content is re-hashed before use); files older than a
day are swept when the next one arrives.

The import pages share the flow: `sheet_preview` checks an upload without writing and keeps it,
`sheet_confirm` imports the kept file. Each takes the page's own import function, called as
`run(data=…, filename=…, dry_run=…)` and returning a result with `errors`, `warnings`, `created`,
`updated`, `sha256` and `summary_lines()`. Given the request, a sheet with more rows than
settings.IMPORT_BACKGROUND_ROWS runs as a background job instead (common.import_jobs): the two
return a redirect to the job's progress page, which comes back to the import page with
`?import_job=<id>`; `finished_import` then gives the page the outcome.
"""

import hashlib
import re
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_UPLOADS_SECONDS = 24 * 3600
DIGEST = re.compile(r"[0-9a-f]{64}")
PREVIEW_ROWS = 200


def upload_dir():
    folder = settings.DATA_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_upload(digest: str, data: bytes) -> None:
    folder = upload_dir()
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    (folder / f"{digest}.xlsx").write_bytes(data)


def kept_upload(digest: str) -> bytes | None:
    """The waiting file, only if its name is a digest and its content still matches it."""
    if not DIGEST.fullmatch(digest):
        return None
    path = upload_dir() / f"{digest}.xlsx"
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == digest else None


def discard_upload(digest: str) -> None:
    if DIGEST.fullmatch(digest):
        (upload_dir() / f"{digest}.xlsx").unlink(missing_ok=True)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def preview_context(result, filename: str, *, warning_rows: int = PREVIEW_ROWS * 5) -> dict:
    """What an import page shows of a checked file (lists cut to PREVIEW_ROWS rows)."""
    return {
        "result": result,
        "filename": filename,
        "summary": result.summary_lines(),
        "created": result.created[:PREVIEW_ROWS],
        "updated": result.updated[:PREVIEW_ROWS],
        "more_created": max(len(result.created) - PREVIEW_ROWS, 0),
        "more_updated": max(len(result.updated) - PREVIEW_ROWS, 0),
        "warnings": result.warnings[:warning_rows],
        "more_warnings": max(len(result.warnings) - warning_rows, 0),
    }


def _in_background(request, run, data: bytes, filename: str, dry_run: bool, page: str = ""):
    """A redirect to the progress page of a job started for a large sheet; None for a small
    one (or without a request)."""
    from ganchao.common import import_jobs

    if (
        request is None
        or import_jobs.estimated_rows(data, filename) <= import_jobs.background_rows()
    ):
        return None
    digest = hashlib.sha256(data).hexdigest()
    keep_upload(digest, data)
    job_id = import_jobs.job_start(
        user=request.user, page=page or request.path, run=run, data=data, filename=filename,
        digest=digest, dry_run=dry_run,
    )  # fmt: skip
    return redirect("common:import_job", job_id=job_id)


def finished_import(request):
    """`(result, filename, dry_run)` of the background import named by `?import_job=`, when it
    is the user's own and done; None otherwise."""
    from ganchao.common import import_jobs

    job = import_jobs.job_for(request.user, request.GET.get("import_job", ""))
    if job is None or job.state != "done":
        return None
    result = import_jobs.job_result(job)
    return None if result is None else (result, job.filename, job.dry_run)


def sheet_preview(upload, run, request=None):
    """Check an uploaded sheet without writing; keep it for the confirm step if it passed.
    With the request, a large sheet is checked by a background job (a redirect is returned)."""
    data = upload.read()
    if (started := _in_background(request, run, data, upload.name, True)) is not None:
        return started
    result = run(data=data, filename=upload.name, dry_run=True)
    if not result.errors:
        keep_upload(result.sha256, data)
    return result


def sheet_confirm(request, run, page: str = ""):
    """Import the kept file named by the posted digest: `(result, filename)`, or None (with an
    error message queued) when the file is gone. The file is discarded once it is imported; a
    result with errors means the data changed since the preview and nothing was written. A
    large sheet is imported by a background job: a redirect to its progress page is returned,
    which comes back to `page` (the upload page; this request's path by default)."""
    digest = request.POST.get("digest", "")
    filename = request.POST.get("filename", "")[:200]
    data = kept_upload(digest)
    if data is None:
        messages.error(request, _("找不到待导入的文件（可能已经导入或已过期），请重新上传。"))
        return None
    if (started := _in_background(request, run, data, filename, False, page)) is not None:
        return started
    result = run(data=data, filename=filename, dry_run=False)
    if not result.errors:
        discard_upload(digest)
    return result, filename


class SheetUploadForm(forms.Form):
    """The .xlsx upload of every import page: type and size checked before the preview."""

    file = forms.FileField(
        label=gettext_lazy("选择 .xlsx 文件"),
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
