"""Evidence files: type checked by content (not by name), at most 20 MB, stored through Django's
default storage (outside the database), hashed with SHA-256 on upload and re-verified on
download.

Accepted: PDF; PNG, JPEG, GIF and WebP images; Word (.docx) and Excel (.xlsx). A .docx or .xlsx
is a zip archive, so besides the magic number its structure must hold word/document.xml or
xl/workbook.xml respectively.
"""

import hashlib
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 20
CHUNK = 64 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# content type → (stored extension, extensions the file name may carry)
ACCEPTED = {
    "application/pdf": ("pdf", {"pdf"}),
    "image/png": ("png", {"png"}),
    "image/jpeg": ("jpg", {"jpg", "jpeg", "jpe"}),
    "image/gif": ("gif", {"gif"}),
    "image/webp": ("webp", {"webp"}),
    DOCX: ("docx", {"docx"}),
    XLSX: ("xlsx", {"xlsx"}),
}
ZIP_TYPES = {"application/zip", DOCX, XLSX}
OFFICE_MARKERS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
ACCEPTED_TEXT = "PDF、图片（PNG、JPG、GIF、WebP）、Word（.docx）、Excel（.xlsx）"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _office_type(upload, name: str) -> str | None:
    """docx or xlsx by the archive's structure; None when it is neither."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    for content_type, marker in OFFICE_MARKERS.items():
        if marker in names:
            return content_type
    return None


def sniff(upload, name: str) -> str | None:
    """The accepted content type of the file by its content, or None."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime in ZIP_TYPES:
        return _office_type(upload, name)
    return kind.mime if kind.mime in ACCEPTED else None


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def check_upload(upload) -> CheckedFile:
    """Refuse a file that is too large, empty, or not one of the accepted types by content."""
    name = upload.name or ""
    if upload.size > MAX_BYTES:
        raise ValidationFailed.on(
            "files", _("“%(name)s”超过 20 MB，请压缩或拆分后上传") % {"name": name}
        )
    if upload.size == 0:
        raise ValidationFailed.on("files", _("“%(name)s”是空文件") % {"name": name})
    content_type = sniff(upload, name)
    if content_type is None:
        raise ValidationFailed.on(
            "files",
            _("“%(name)s”的内容不是可接受的文件类型（可上传：%(types)s）")
            % {"name": name, "types": ACCEPTED_TEXT},
        )
    extension, allowed = ACCEPTED[content_type]
    if _extension(name) not in allowed:
        raise ValidationFailed.on(
            "files",
            _("“%(name)s”的扩展名与文件内容（%(ext)s）不符，请核对后重新上传")
            % {"name": name, "ext": extension.upper()},
        )
    upload.seek(0)
    digest = sha256_of(upload)
    upload.seek(0)
    return CheckedFile(content_type, extension, upload.size, digest)


def store(upload, checked: CheckedFile) -> str:
    """Save under a random name (never the uploaded one) and return the storage name."""
    now = timezone.localtime()
    name = f"evidence/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.extension}"
    upload.seek(0)
    return default_storage.save(name, upload)


def verify(evidence) -> bool:
    """Whether the stored file still has the hash taken on upload."""
    try:
        with default_storage.open(evidence.file.name, "rb") as handle:
            return sha256_of(handle) == evidence.sha256
    except (FileNotFoundError, OSError):
        return False
