"""The full-process record (B6, B7): stored files of a case streamed to storage in chunks with
their SHA-256 taken on the way (never the whole file in memory), re-verified on every access.
The records slice adds field actions, text records, gap reasons and the archive export here."""

import hashlib
import uuid

import filetype
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.enforcement.choices import MEDIA_KINDS, RecordKind, Stage
from ganchao.enforcement.models import CaseFile
from ganchao.enforcement.services.base import lock, record, require_handler
from ganchao.goals.evidence import ACCEPTED as DOCUMENT_TYPES
from ganchao.goals.evidence import sniff as sniff_document

CHUNK = 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_MEDIA_BYTES = 8 * 1024 * 1024 * 1024
MEDIA_TYPES = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/x-matroska": "mkv",
    "video/webm": "webm",
    "video/x-msvideo": "avi",
    "audio/mpeg": "mp3",
    "audio/x-wav": "wav",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/ogg": "ogg",
    "audio/amr": "amr",
}

register("enforcement.file_add", _("上传执法案卷材料"))
register("enforcement.file_open", _("查阅执法案卷材料"))


class HashingReader(File):
    """A file wrapper whose chunks feed a SHA-256 as storage reads them."""

    def __init__(self, upload):
        super().__init__(upload, name=upload.name)
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


def _content_type(upload, kind: str) -> tuple[str, str]:
    """(content type, extension) by content; media by the first bytes only."""
    name = upload.name or ""
    if kind in MEDIA_KINDS:
        upload.seek(0)
        guess = filetype.guess(upload.read(8192))
        upload.seek(0)
        if guess is None or guess.mime not in MEDIA_TYPES:
            raise ValidationFailed.on(
                "file",
                _(
                    "“%(name)s”不是可接受的音视频文件（MP4、MOV、MKV、WebM、AVI、MP3、WAV、M4A、OGG、AMR）"
                )
                % {"name": name},
            )
        return guess.mime, MEDIA_TYPES[guess.mime]
    content_type = sniff_document(upload, name)
    if content_type is None:
        raise ValidationFailed.on(
            "file",
            _("“%(name)s”的内容不是可接受的文件类型（PDF、图片、Word、Excel）") % {"name": name},
        )
    return content_type, DOCUMENT_TYPES[content_type][0]


def case_file_store(
    *,
    actor,
    case,
    upload,
    kind: str,
    stage: str = "",
    action=None,
    record_obj=None,
    title: str = "",
    recorded_from=None,
    recorded_to=None,
    check_handler: bool = True,
) -> CaseFile:
    """Store one upload against the case, hashed while it streams to storage."""
    if kind not in RecordKind.values or kind == RecordKind.TEXT:
        raise ValidationFailed.on("kind", _("材料类别无效"))
    size = upload.size or 0
    limit = MAX_MEDIA_BYTES if kind in MEDIA_KINDS else MAX_DOCUMENT_BYTES
    if size == 0:
        raise ValidationFailed.on("file", _("“%(name)s”是空文件") % {"name": upload.name})
    if size > limit:
        raise ValidationFailed.on(
            "file",
            _("“%(name)s”超过%(mb)d MB") % {"name": upload.name, "mb": limit // (1024 * 1024)},
        )
    if kind in MEDIA_KINDS and recorded_from and recorded_to and recorded_to <= recorded_from:
        raise ValidationFailed.on("recorded_to", _("录制结束时间须晚于开始时间"))
    content_type, extension = _content_type(upload, kind)
    stored_name = f"enforcement/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.{extension}"
    reader = HashingReader(upload)
    stored = default_storage.save(stored_name, reader)
    with transaction.atomic():
        case = lock(case)
        if check_handler:
            require_handler(actor, case)
        stage = stage or (action.stage if action else case.stage)
        if stage not in Stage.values:
            raise ValidationFailed.on("stage", _("环节无效"))
        item = CaseFile.objects.create(
            case=case,
            stage=stage,
            action=action,
            record=record_obj,
            kind=kind,
            title=(title or "").strip()[:200],
            file=stored,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=reader.read_size or size,
            sha256=reader.digest.hexdigest(),
            recorded_from=recorded_from,
            recorded_to=recorded_to,
            uploaded_by=actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.file_add",
            changes={
                "file": {"before": None, "after": item.original_name},
                "sha256": {"before": None, "after": item.sha256},
            },
        )
        return item


def verify(item: CaseFile) -> bool:
    try:
        with default_storage.open(item.file.name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
            return digest.hexdigest() == item.sha256
    except (FileNotFoundError, OSError):
        return False


def case_file_open(*, actor, item: CaseFile):
    """The open file after re-verifying its hash; a changed or missing file is refused and the
    refusal recorded."""
    if not verify(item):
        with transaction.atomic():
            record(
                actor=actor,
                case=item.case,
                action="enforcement.file_open",
                changes={"file": {"before": item.original_name, "after": None}},
                reason=_("文件校验值不符或文件缺失"),
                success=False,
            )
        raise Conflict(
            _("文件“%(name)s”的校验值与上传时不符或文件缺失，已拒绝调阅并记录")
            % {"name": item.original_name}
        )
    return default_storage.open(item.file.name, "rb")
