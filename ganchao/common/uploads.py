"""Uploaded sheets waiting between preview and confirm, and .xlsx download responses.

A previewed file is kept under the data folder by its SHA-256, so that the confirm step imports
exactly the file that was previewed (its content is re-hashed before use); files older than a
day are swept when the next one arrives.
"""

import hashlib
import re
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_UPLOADS_SECONDS = 24 * 3600
DIGEST = re.compile(r"[0-9a-f]{64}")


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
