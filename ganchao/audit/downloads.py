"""Every download and export is audited (LEGAL_RULES C6): who took which file or sheet, of
which object, with how many rows where they can be counted.

One place does it for every call site: DownloadAuditMiddleware looks at each successful
response that is a file — a FileResponse (the checked store's `filestore.file_response`, the
generated documents and archives) or any response with a Content-Disposition (the exports'
`uploads.xlsx_response`, CSV and bulletin documents) — and records `file.downloaded` for a
stored or generated file, `export.downloaded` for a sheet or CSV built from the data. A view
may say it itself by setting `response.audit_download = ("export"|"file", rows)`.
"""

import io
import logging
import re
import zipfile
from urllib.parse import unquote

from django.db import transaction
from django.http import FileResponse

from ganchao.audit.services import Target, audit_record
from ganchao.common.refusals import object_in_url

log = logging.getLogger("ganchao.security")

EXPORT_TYPES = ("spreadsheetml", "text/csv", "ms-excel")
_FILENAME = re.compile(r"filename\*=utf-8''([^;]+)|filename=\"?([^\";]+)\"?", re.IGNORECASE)


def audit_download(request, what: str, target: Target | None, *, kind="file", rows=None) -> None:
    """Record that the request's user downloaded `what` (a file name) of `target`."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    changes = {"file": what, "path": request.path[:300]}
    if rows is not None:
        changes["rows"] = rows
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="export.downloaded" if kind == "export" else "file.downloaded",
            target=target,
            changes=changes,
        )


def filename_of(response) -> str:
    header = response.get("Content-Disposition", "")
    found = _FILENAME.search(header)
    if not found:
        return ""
    return unquote(found.group(1) or found.group(2))[:300]


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')
_HEAD_BYTES = 4096


def sheet_rows(data: bytes) -> int | None:
    """Rows of the workbook's sheets from the `<dimension>` each worksheet declares near its
    start (openpyxl writes it): only the head of each sheet is read, never the whole sheet, so
    auditing a large export costs next to nothing. None when it cannot be told."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for name in archive.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with archive.open(name) as sheet:
                    found = _DIMENSION.search(sheet.read(_HEAD_BYTES))
                if found is None:
                    return None
                total += int(found.group(1) or 1)
            return total
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None


def _kind_and_rows(response) -> tuple[str, int | None]:
    told = getattr(response, "audit_download", None)
    if told:
        return told
    if isinstance(response, FileResponse) or getattr(response, "streaming", False):
        return "file", None
    content_type = response.get("Content-Type", "")
    if not any(t in content_type for t in EXPORT_TYPES):
        return "file", None
    if "csv" in content_type:
        return "export", max(response.content.count(b"\n") - 1, 0)
    return "export", sheet_rows(response.content)


def is_download(response) -> bool:
    return response.status_code == 200 and (
        isinstance(response, FileResponse) or response.has_header("Content-Disposition")
    )


class DownloadAuditMiddleware:
    """Audits every file and export answered (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_download(response):
            return response
        obj = object_in_url(getattr(request, "resolver_match", None))
        target = Target(obj[0], obj[1], "") if obj else None
        kind, rows = _kind_and_rows(response)
        what = filename_of(response) or request.path[:300]
        try:
            audit_download(request, what, target, kind=kind, rows=rows)
        except Exception:  # an unaudited download is not served (C6); logged for the operator
            log.exception("download could not be audited: %s", request.path[:300])
            raise
        return response
