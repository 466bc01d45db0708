"""The one checked store every uploaded file goes through (issue 12, uploads checked everywhere).

A file is accepted only by its content: its type is read from its bytes (the `filetype`
library), never from the name or the browser's word, and the name's extension must agree with
it. Office Open XML (.docx, .xlsx, .pptx) and zip archives are opened and checked: the package
structure ([Content_Types].xml and the part of its kind), no zip bomb (members, total unpacked
size, unpacked-to-packed ratio), no embedded program (a member named .exe, .dll, .js, .vbs …
or starting with an MZ, ELF or Mach-O header) and no VBA macros unless the use allows them.
HTML and SVG are never accepted: they are refused with their own message.

Each use declares its Policy (accepted types, size limit, folder, form field) next to its own
code. An accepted file is streamed to storage under a generated name (never the uploader's),
its SHA-256 taken on the way; the original name is only kept in the row for display. On
download the file is re-hashed before it is served (`open_verified`), and `file_response`
serves it as an attachment with the checked type, never text/html or image/svg+xml, and
`X-Content-Type-Options: nosniff`.

The refusal of an altered file is audited by the caller (common/ knows no audit chain)."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import Conflict, ValidationFailed

CHUNK = 1024 * 1024
HEAD_BYTES = 8192
MB = 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"
OCTET = "application/octet-stream"


@dataclass(frozen=True)
class FileType:
    """A type the platform can accept: the extension it is stored under and the extensions an
    uploaded name of that content may carry."""

    content_type: str
    extension: str
    names: frozenset[str]


def _type(content_type: str, extension: str, *names: str) -> tuple[str, FileType]:
    return content_type, FileType(content_type, extension, frozenset({extension, *names}))


TYPES: dict[str, FileType] = dict(
    [
        _type(PDF, "pdf"),
        _type(PNG, "png"),
        _type(JPEG, "jpg", "jpeg", "jpe"),
        _type(GIF, "gif"),
        _type(WEBP, "webp"),
        _type(DOCX, "docx"),
        _type(XLSX, "xlsx"),
        _type(PPTX, "pptx"),
        _type(ZIP, "zip"),
        _type("video/mp4", "mp4", "m4v"),
        _type("video/quicktime", "mov"),
        _type("video/x-matroska", "mkv"),
        _type("video/webm", "webm"),
        _type("video/x-msvideo", "avi"),
        _type("audio/mpeg", "mp3"),
        _type("audio/x-wav", "wav"),
        _type("audio/mp4", "m4a"),
        _type("audio/ogg", "ogg", "oga"),
        _type("audio/amr", "amr"),
    ]
)
IMAGE_TYPES = frozenset({PNG, JPEG, GIF, WEBP})
OFFICE_TYPES = frozenset({DOCX, XLSX, PPTX})
DOCUMENT_TYPES = frozenset({PDF, *IMAGE_TYPES, DOCX, XLSX})
MEDIA_TYPES = frozenset(t for t in TYPES if t.startswith(("video/", "audio/")))
# served inline only when the caller asks for it and the file was re-checked
INLINE_TYPES = frozenset({PDF, *IMAGE_TYPES})

# the package part that tells an Office Open XML file's kind
OFFICE_MARKERS = {
    DOCX: "word/document.xml",
    XLSX: "xl/workbook.xml",
    PPTX: "ppt/presentation.xml",
}
ZIP_FAMILY = frozenset(
    {
        ZIP,
        *OFFICE_TYPES,
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/epub+zip",
    }
)
PROGRAM_TYPES = frozenset(
    {"application/x-msdownload", "application/x-executable", "application/wasm"}
)
PROGRAM_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
# fmt: off
PROGRAM_EXTENSIONS = frozenset({
    "exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "sys", "drv", "ocx", "bat", "cmd",
    "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "jar", "lnk", "reg", "sh",
    "elf", "so", "dylib", "app", "apk", "inf",
})
# fmt: on
MARKUP = (b"<svg", b"<html", b"<!doctype html", b"<script", b"<body", b"<iframe")
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")

# zip-bomb limits: a real Office file of the largest allowed size stays far below these
MAX_MEMBERS = 5000
MAX_UNPACKED_BYTES = 300 * MB
MAX_RATIO = 100
RATIO_FLOOR = 10 * MB  # a small archive may compress well; ratios count above this size


@dataclass(frozen=True)
class Policy:
    """What one use accepts: its content types, the largest size, the storage folder, the form
    field its errors belong to, and the accepted types in words for the messages."""

    types: frozenset[str]
    max_bytes: int
    folder: str
    accepted_text: str
    field: str = "file"
    macros: bool = False

    def __post_init__(self):
        unknown = set(self.types) - set(TYPES)
        if unknown:
            raise ValueError(f"filestore: no checker for {sorted(unknown)}")


@dataclass(frozen=True)
class Checked:
    """An upload that passed its policy: the type by content, the stored extension, the size and
    the SHA-256 of its bytes."""

    content_type: str
    extension: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Stored:
    """An accepted file in storage: its generated name and what the row keeps of it."""

    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


# ---- names -----------------------------------------------------------------------------------


def original_name(upload, limit: int = 255) -> str:
    """The uploader's file name for display: its last path part, control characters removed,
    cut to `limit` characters keeping the extension."""
    raw = str(getattr(upload, "name", "") or "")
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(base) > limit:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else base[:limit]
    return base


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# ---- the checks ------------------------------------------------------------------------------


def _refuse(policy: Policy, message: str) -> ValidationFailed:
    return ValidationFailed.on(policy.field, message)


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _is_program(head: bytes, guessed: str | None) -> bool:
    return guessed in PROGRAM_TYPES or head.startswith(PROGRAM_MAGIC)


def _is_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and any(marker in text for marker in MARKUP)


def sniff(upload) -> str | None:
    """The content type by the bytes: a zip-family file by its package structure (docx, xlsx,
    pptx, else plain zip); None for anything the platform does not know."""
    head = _head(upload)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime in ZIP_FAMILY:
        return _package_type(upload)
    return kind.mime


def _package_type(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        for content_type, marker in OFFICE_MARKERS.items():
            if marker in names:
                return content_type
    return ZIP


def _member_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo, macros: bool) -> str | None:
    """Why one member of an archive is refused, or None."""
    lowered = info.filename.lower()
    if extension_of(lowered.rsplit("/", 1)[-1]) in PROGRAM_EXTENSIONS:
        return "program"
    if not macros and lowered.rsplit("/", 1)[-1] in MACRO_PARTS:
        return "macro"
    if info.is_dir() or info.file_size == 0:
        return None
    with archive.open(info) as member:
        if member.read(4).startswith(PROGRAM_MAGIC):
            return "program"
    return None


def check_archive(upload, name: str, *, field: str = "file", macros: bool = False) -> None:
    """Refuse a zip-family file that is damaged or encrypted, unpacks too large or too far
    (zip bomb), or carries a program or (unless `macros`) VBA macros."""
    upload.seek(0, os.SEEK_END)
    packed = max(upload.tell(), 1)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            _check_bomb(infos, packed, name, field)
            for info in infos:
                problem = _member_problem(archive, info, macros)
                if problem:
                    raise ValidationFailed.on(field, _member_message(problem, name, info))
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError):
        raise ValidationFailed.on(
            field, _("“%(name)s”已损坏或已加密，无法检查其内容，请重新保存后上传") % {"name": name}
        ) from None
    finally:
        upload.seek(0)


def _check_bomb(infos, packed: int, name: str, field: str) -> None:
    unpacked = sum(info.file_size for info in infos)
    too_many = len(infos) > MAX_MEMBERS
    too_large = unpacked > MAX_UNPACKED_BYTES
    too_dense = unpacked > RATIO_FLOOR and unpacked / packed > MAX_RATIO
    if too_many or too_large or too_dense:
        raise ValidationFailed.on(
            field,
            _(
                "“%(name)s”解压后异常庞大（共%(members)d个部件、%(mb)d MB，压缩比%(ratio)d倍），"
                "疑为压缩包炸弹，已拒绝"
            )
            % {
                "name": name,
                "members": len(infos),
                "mb": unpacked // MB,
                "ratio": unpacked // packed,
            },
        )


def _member_message(problem: str, name: str, info: zipfile.ZipInfo) -> str:
    if problem == "macro":
        return _("“%(name)s”含有宏（%(member)s），请另存为不含宏的文件后上传") % {
            "name": name,
            "member": info.filename,
        }
    return _("“%(name)s”内含可执行程序“%(member)s”，已拒绝") % {
        "name": name,
        "member": info.filename,
    }


def check_type(upload, policy: Policy, name: str | None = None) -> tuple[str, str]:
    """(content type, stored extension) of an upload that its policy accepts by content, with
    an archive's structure checked and the name's extension agreeing with the content."""
    name = original_name(upload) if name is None else name
    head = _head(upload)
    guessed = filetype.guess(head)
    accepted = {"name": name, "types": policy.accepted_text}
    if _is_program(head, guessed.mime if guessed else None):
        raise _refuse(
            policy,
            _("“%(name)s”是可执行程序，不是可接受的文件类型（可上传：%(types)s）") % accepted,
        )
    if guessed is None and _is_markup(head):
        raise _refuse(
            policy,
            _(
                "“%(name)s”是网页或 SVG 图形，可能含有脚本，不是可接受的文件类型（可上传：%(types)s）"
            )
            % accepted,
        )
    content_type = sniff(upload)
    if content_type not in policy.types:
        raise _refuse(
            policy, _("“%(name)s”的内容不是可接受的文件类型（可上传：%(types)s）") % accepted
        )
    if content_type in ZIP_FAMILY:
        check_archive(upload, name, field=policy.field, macros=policy.macros)
    kind = TYPES[content_type]
    if extension_of(name) not in kind.names:
        raise _refuse(
            policy,
            _("“%(name)s”的扩展名与文件内容（%(ext)s）不符，请核对后重新上传")
            % {"name": name, "ext": kind.extension.upper()},
        )
    return content_type, kind.extension


def check_size(upload, policy: Policy, name: str) -> int:
    size = upload.size or 0
    if size == 0:
        raise _refuse(policy, _("“%(name)s”是空文件") % {"name": name})
    if size > policy.max_bytes:
        raise _refuse(
            policy,
            _("“%(name)s”超过 %(mb)d MB，请压缩或拆分后上传")
            % {"name": name, "mb": policy.max_bytes // MB},
        )
    return size


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def check(upload, policy: Policy) -> Checked:
    """Refuse an upload that is empty, too large, or not one of the policy's types by content
    (with its structure checked); else its type, extension, size and SHA-256."""
    name = original_name(upload)
    size = check_size(upload, policy, name)
    content_type, extension = check_type(upload, policy, name)
    upload.seek(0)
    digest = sha256_of(upload)
    upload.seek(0)
    return Checked(content_type, extension, size, digest)


# ---- storing ---------------------------------------------------------------------------------


class HashingReader(File):
    """A file wrapper whose chunks feed a SHA-256 as storage reads them."""

    def __init__(self, upload):
        super().__init__(upload, name=getattr(upload, "name", None))
        self.digest = hashlib.sha256()
        self.read_size = 0

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        while True:
            data = self.file.read(chunk_size or CHUNK)
            if not data:
                break
            self.digest.update(data)
            self.read_size += len(data)
            yield data

    def __iter__(self):
        yield from self.chunks()


def generated_name(folder: str, extension: str) -> str:
    """A storage name that owes nothing to the uploader: folder/YYYY/MM/<random>.<ext>."""
    return f"{folder}/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def stream_to_storage(upload, folder: str, extension: str) -> tuple[str, str, int]:
    """Stream the upload to storage under a generated name: (name, sha256, size)."""
    reader = HashingReader(upload)
    stored = default_storage.save(generated_name(folder, extension), reader)
    return stored, reader.digest.hexdigest(), reader.read_size


def store_checked(upload, checked: Checked, policy: Policy) -> str:
    """Save a checked upload; refused (and removed) if its bytes changed since the check."""
    stored, digest, _size = stream_to_storage(upload, policy.folder, checked.extension)
    if digest != checked.sha256:
        default_storage.delete(stored)
        raise _refuse(policy, _("文件在上传过程中发生变化，请重新上传"))
    return stored


def save(upload, policy: Policy, *, name_limit: int = 255) -> Stored:
    """Check an upload against its policy and stream it to storage."""
    checked = check(upload, policy)
    stored = store_checked(upload, checked, policy)
    return Stored(
        name=stored,
        original_name=original_name(upload, name_limit),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )


# ---- reading back ----------------------------------------------------------------------------


def digest_of(name: str) -> str | None:
    """The SHA-256 of a stored file, streamed; None when it is missing or unreadable."""
    try:
        with default_storage.open(name, "rb") as handle:
            return sha256_of(handle)
    except (FileNotFoundError, OSError):
        return None


def verify(name: str, sha256: str) -> bool:
    """Whether the stored file still has the hash taken on upload (no hash: not verified)."""
    return bool(name and sha256) and digest_of(name) == sha256


class FileAltered(Conflict):
    """A stored file whose bytes no longer match its hash, or that is missing."""


def open_verified(name: str, sha256: str, display_name: str):
    """The stored file open for reading after re-hashing it; FileAltered when it changed."""
    if not verify(name, sha256):
        raise FileAltered(
            _("文件“%(name)s”的校验值与上传时不符或文件缺失，已拒绝下载并记录")
            % {"name": display_name}
        )
    return default_storage.open(name, "rb")


def served_type(content_type: str) -> str:
    """The type a stored file is served with: its checked type when the platform knows it,
    else a download that no browser renders."""
    return content_type if content_type in TYPES else OCTET


def file_response(handle, *, filename: str, content_type: str, inline: bool = False):
    """A download of a stored file: an attachment (inline only for a re-checked image or PDF
    when asked), the checked type and nosniff."""
    served = served_type(content_type)
    response = FileResponse(
        handle,
        as_attachment=not (inline and served in INLINE_TYPES),
        filename=filename or _("附件"),
        content_type=served,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
