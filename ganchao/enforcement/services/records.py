"""The full-process record (B6, B7): field actions checked on save (B2) and completed only when
their recording covers them (B7), text records, and the stored files of a case streamed to
storage in chunks with their SHA-256 taken on the way (never the whole file in memory),
re-verified on every access; large files arrive as resumable chunked uploads."""

import fcntl
import hashlib
import json
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common import filestore
from ganchao.common.errors import Conflict, FieldError, NotFound, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates
from ganchao.enforcement.choices import (
    ACTION_STAGE,
    MEDIA_KINDS,
    ActionKind,
    RecordKind,
    Stage,
    Step,
)
from ganchao.enforcement.models import Action, Case, CaseFile, CaseRecord, RecordingGap
from ganchao.enforcement.services.base import (
    lock,
    record,
    require_handler,
    require_open,
    step_label,
)

CHUNK = filestore.CHUNK
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_MEDIA_BYTES = 8 * 1024 * 1024 * 1024
# the case file's two policies in the one checked store: documents, and audio-video (B6, B7)
DOCUMENTS = filestore.Policy(
    types=filestore.DOCUMENT_TYPES,
    max_bytes=MAX_DOCUMENT_BYTES,
    folder="enforcement",
    accepted_text="PDF、图片、Word、Excel",
)
MEDIA = filestore.Policy(
    types=filestore.MEDIA_TYPES,
    max_bytes=MAX_MEDIA_BYTES,
    folder="enforcement",
    accepted_text="MP4、MOV、MKV、WebM、AVI、MP3、WAV、M4A、OGG、AMR",
)
HashingReader = filestore.HashingReader

register("enforcement.file_add", _("上传执法案卷材料"))
register("enforcement.file_open", _("查阅执法案卷材料"))


def _content_type(upload, kind: str) -> tuple[str, str]:
    """(content type, extension) by content and structure; media by the first bytes only."""
    return filestore.check_type(upload, MEDIA if kind in MEDIA_KINDS else DOCUMENTS)


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
    stored, digest, read_size = filestore.stream_to_storage(upload, "enforcement", extension)
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
            size=read_size or size,
            sha256=digest,
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
    return filestore.verify(item.file.name, item.sha256)


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


# ---- field actions (B2, B7) -----------------------------------------------------------------

register("enforcement.action_add", _("登记执法活动"))
register("enforcement.action_end", _("执法活动结束"))
register("enforcement.action_complete", _("执法活动完成"))
register("enforcement.gap_explain", _("说明音像记录中断原因"))
register("enforcement.upload_start", _("开始分段上传执法案卷材料"))
register("enforcement.case_archive", _("导出执法案卷"))


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _hm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _aware(value, name: str, label: str, *, required: bool = True):
    if value in (None, ""):
        if required:
            raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValidationFailed.on(name, _("%(label)s格式不正确") % {"label": label})
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _action_stage(case, kind: str) -> str:
    """The stage the action belongs to: its usual stage once the case has reached it, else the
    stage the case is in."""
    usual = ACTION_STAGE.get(kind, case.stage)
    if usual == case.stage or usual in (case.visited or []):
        return usual
    return case.stage


def _action_text(action, officers) -> str:
    names = "、".join(f"{o.name}（{o.certificate_no or _('无执法证')}）" for o in officers)
    parts = [
        _("%(kind)s：%(start)s开始")
        % {"kind": action.get_kind_display(), "start": _local(action.started_at)}
    ]
    if action.ended_at:
        parts.append(_("%(end)s结束") % {"end": _local(action.ended_at)})
    if action.place:
        parts.append(_("地点：%(place)s") % {"place": action.place})
    parts.append(_("执法人员：%(names)s") % {"names": names})
    if action.certificate_shown_at:
        parts.append(_("%(at)s出示执法证件") % {"at": _local(action.certificate_shown_at)})
    if action.informed_at:
        parts.append(_("%(at)s告知事由、依据和权利义务") % {"at": _local(action.informed_at)})
    text = "；".join(parts) + "。"
    if action.note:
        text += "\n" + action.note
    return text


def _check_action_officers(case, kind, officers, started_at, shown, informed) -> None:
    """B2 on save: a field action needs two officers of the agency, each with a certificate
    valid on the day and covering the case's matter, shown, and the party told."""
    from ganchao.enforcement.selectors_records import officer_facts

    facts = gates.ActionFacts(
        kind=kind,
        started_at=started_at,
        ended_at=None,
        officers=officer_facts(officers, case.matter_id),
        certificate_shown=shown is not None,
        informed=informed is not None,
    )
    found = gates.officer_blockers(facts, timezone.localtime(started_at).date())
    for officer in officers:
        if officer.agency_id != case.agency_id:
            found.append(
                gates.Blocker("B2", _("%(name)s不属于本执法主体") % {"name": officer.name})
            )
    if found:
        raise ProcedureBlocked.of(_("保存执法活动"), found)


def action_create(
    *,
    actor,
    case,
    kind: str,
    started_at,
    officers,
    ended_at=None,
    place: str = "",
    certificate_shown_at=None,
    informed_at=None,
    note: str = "",
) -> Action:
    """A field or case-room action with its text record in its stage. B2: a field action is
    refused on save with one officer, a certificate expired or not covering the matter, or
    without the times the certificates were shown and the party told."""
    if kind not in ActionKind.values:
        raise ValidationFailed.on("kind", _("执法活动类别无效"))
    started_at = _aware(started_at, "started_at", _("开始时间"))
    ended_at = _aware(ended_at, "ended_at", _("结束时间"), required=False)
    if ended_at is not None and ended_at <= started_at:
        raise ValidationFailed.on("ended_at", _("结束时间须晚于开始时间"))
    shown = _aware(certificate_shown_at, "certificate_shown_at", _("出示证件时间"), required=False)
    informed = _aware(informed_at, "informed_at", _("告知时间"), required=False)
    officers = list(dict.fromkeys(officers or []))
    place = (place or "").strip()[:200]
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_open(case)
        _check_action_officers(case, kind, officers, started_at, shown, informed)
        action = Action.objects.create(
            case=case,
            stage=_action_stage(case, kind),
            kind=kind,
            started_at=started_at,
            ended_at=ended_at,
            place=place,
            certificate_shown_at=shown,
            informed_at=informed,
            note=(note or "").strip(),
            created_by=actor,
        )
        action.officers.set(officers)
        CaseRecord.objects.create(
            case=case,
            stage=action.stage,
            action=action,
            text=_action_text(action, officers),
            created_by=actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.action_add",
            changes={
                "action": {"before": None, "after": action.get_kind_display()},
                "officers": {"before": None, "after": [o.name for o in officers]},
            },
        )
        return action


def _locked_action(action) -> tuple[Case, Action]:
    case = lock(action.case)
    return case, Action.objects.select_for_update(of=("self",)).get(pk=action.pk)


def action_end(*, actor, action, ended_at) -> Action:
    """The action's end time (once; B7 coverage is measured to it)."""
    ended_at = _aware(ended_at, "ended_at", _("结束时间"))
    with transaction.atomic():
        case, action = _locked_action(action)
        require_handler(actor, case)
        if action.completed_at:
            raise Conflict(_("执法活动已完成，不能再修改"))
        if action.ended_at:
            raise Conflict(_("已记录结束时间（%(at)s）") % {"at": _local(action.ended_at)})
        if ended_at <= action.started_at:
            raise ValidationFailed.on("ended_at", _("结束时间须晚于开始时间"))
        action.ended_at = ended_at
        action.save(update_fields=["ended_at"])
        CaseRecord.objects.create(
            case=case,
            stage=action.stage,
            action=action,
            text=_("%(kind)s于%(at)s结束。")
            % {"kind": action.get_kind_display(), "at": _local(ended_at)},
            created_by=actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.action_end",
            changes={"ended_at": {"before": None, "after": ended_at.isoformat()}},
        )
        return action


def action_complete(*, actor, action) -> Action:
    """B7: an action under the mandatory-continuous policy completes only when its recordings
    cover it from start to end, each gap explained; refused naming every gap."""
    from ganchao.enforcement.selectors import action_facts, av_policies

    with transaction.atomic():
        case, action = _locked_action(action)
        require_handler(actor, case)
        if action.completed_at:
            raise Conflict(_("执法活动已完成"))
        full = Action.objects.prefetch_related("officers__matters", "files", "gaps").get(
            pk=action.pk
        )
        facts = action_facts(full, av_policies(), case.matter_id)
        found = gates.recording_blockers(facts)
        if found:
            raise ProcedureBlocked.of(step_label(Step.COMPLETE_ACTION), found)
        if action.ended_at is None:
            raise ValidationFailed.on("ended_at", _("请先记录执法活动的结束时间"))
        action.completed_at = timezone.now()
        action.save(update_fields=["completed_at"])
        record(
            actor=actor,
            case=case,
            action="enforcement.action_complete",
            changes={"completed_at": {"before": None, "after": action.completed_at.isoformat()}},
        )
        return action


def gap_explain(*, actor, action, gap_from, gap_to, reason: str) -> RecordingGap:
    """B7: the technical reason the officer states for an interruption of the recording, kept
    with the action and as a text record of its stage."""
    gap_from = _aware(gap_from, "gap_from", _("中断开始时间"))
    gap_to = _aware(gap_to, "gap_to", _("恢复录制时间"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写中断的技术原因"))
    if gap_to <= gap_from:
        raise ValidationFailed.on("gap_to", _("恢复录制时间须晚于中断开始时间"))
    with transaction.atomic():
        case, action = _locked_action(action)
        require_handler(actor, case)
        if action.completed_at:
            raise Conflict(_("执法活动已完成，不能再补充中断说明"))
        if gap_from < action.started_at or (action.ended_at and gap_to > action.ended_at):
            raise ValidationFailed.on("gap_from", _("中断时段须在执法活动的起止时间之内"))
        gap = RecordingGap.objects.create(
            action=action, gap_from=gap_from, gap_to=gap_to, reason=reason, created_by=actor
        )
        CaseRecord.objects.create(
            case=case,
            stage=action.stage,
            action=action,
            text=_("%(kind)s音像记录于%(a)s至%(b)s中断，技术原因：%(reason)s")
            % {
                "kind": action.get_kind_display(),
                "a": _hm(gap_from),
                "b": _hm(gap_to),
                "reason": reason,
            },
            created_by=actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.gap_explain",
            changes={"gap": {"before": None, "after": f"{_hm(gap_from)}–{_hm(gap_to)}"}},
            reason=reason,
        )
        return gap


# ---- resumable chunked upload ----------------------------------------------------------------

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_CHUNK_BYTES = 64 * 1024 * 1024


def _upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "enforcement-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_paths(upload_id: str) -> tuple[Path, Path]:
    if not UPLOAD_ID.match(upload_id or ""):
        raise NotFound(_("上传任务不存在"))
    folder = _upload_dir()
    return folder / f"{upload_id}.json", folder / f"{upload_id}.part"


def _upload_meta(actor, upload_id: str) -> tuple[dict, Path, Path]:
    meta_path, part = _upload_paths(upload_id)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise NotFound(_("上传任务不存在")) from None
    if meta.get("actor") != actor.pk:
        raise NotFound(_("上传任务不存在"))
    return meta, meta_path, part


def upload_start(
    *,
    actor,
    case,
    name: str,
    size: int,
    kind: str,
    sha256: str = "",
    stage: str = "",
    action=None,
    record_obj=None,
    title: str = "",
    recorded_from=None,
    recorded_to=None,
) -> str:
    """Declare a large file; its bytes follow in chunks (upload_chunk), then upload_complete
    streams it into the case file. Returns the upload id."""
    require_handler(actor, case)
    require_open(case)
    if kind not in RecordKind.values or kind == RecordKind.TEXT:
        raise ValidationFailed.on("kind", _("材料类别无效"))
    name = (name or "").strip().replace("/", "_").replace("\\", "_")[:255]
    if not name:
        raise ValidationFailed.on("name", _("请填写文件名"))
    limit = MAX_MEDIA_BYTES if kind in MEDIA_KINDS else MAX_DOCUMENT_BYTES
    if not isinstance(size, int) or size <= 0 or size > limit:
        raise ValidationFailed.on(
            "size", _("文件大小须在1字节至%(mb)d MB之间") % {"mb": limit // (1024 * 1024)}
        )
    sha256 = (sha256 or "").strip().lower()
    if sha256 and not SHA256.match(sha256):
        raise ValidationFailed.on("sha256", _("SHA-256 须为64位十六进制数"))
    if stage and stage not in Stage.values:
        raise ValidationFailed.on("stage", _("环节无效"))
    recorded_from = _aware(recorded_from, "recorded_from", _("录制开始"), required=False)
    recorded_to = _aware(recorded_to, "recorded_to", _("录制结束"), required=False)
    if recorded_from and recorded_to and recorded_to <= recorded_from:
        raise ValidationFailed.on("recorded_to", _("录制结束时间须晚于开始时间"))
    upload_id = uuid.uuid4().hex
    meta_path, part = _upload_paths(upload_id)
    meta = {
        "actor": actor.pk,
        "case": case.pk,
        "name": name,
        "size": size,
        "kind": kind,
        "sha256": sha256,
        "stage": stage,
        "action": action.pk if action else None,
        "record": record_obj.pk if record_obj else None,
        "title": (title or "").strip()[:200],
        "recorded_from": recorded_from.isoformat() if recorded_from else None,
        "recorded_to": recorded_to.isoformat() if recorded_to else None,
    }
    part.touch()
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return upload_id


def upload_status(*, actor, upload_id: str) -> dict:
    meta, _meta_path, part = _upload_meta(actor, upload_id)
    return {"id": upload_id, "name": meta["name"], "size": meta["size"], "received": _size(part)}


def _size(part: Path) -> int:
    try:
        return part.stat().st_size
    except FileNotFoundError:
        return 0


def upload_chunk(*, actor, upload_id: str, offset: int, stream, length: int) -> int:
    """Append one chunk read from `stream` in pieces; `offset` must equal the bytes received so
    far (a resumed client asks upload_status first). Returns the bytes received."""
    meta, _meta_path, part = _upload_meta(actor, upload_id)
    if length <= 0:
        raise ValidationFailed.on("body", _("分段内容为空"))
    if length > MAX_CHUNK_BYTES:
        raise ValidationFailed.on(
            "body", _("每段不能超过%(mb)d MB") % {"mb": MAX_CHUNK_BYTES // (1024 * 1024)}
        )
    with open(part, "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        received = handle.seek(0, 2)
        if offset != received:
            raise Conflict(
                _("分段起点应为%(n)d字节（已接收%(n)d字节）") % {"n": received},
                [FieldError("offset", str(received))],
            )
        if received + length > meta["size"]:
            raise ValidationFailed.on("body", _("上传内容超过声明的文件大小"))
        left = length
        while left:
            data = stream.read(min(CHUNK, left))
            if not data:
                break
            handle.write(data)
            left -= len(data)
        handle.flush()
        written = handle.tell()
        if left:
            handle.truncate(received)
            raise ValidationFailed.on(
                "body", _("分段内容不完整，请从%(n)d字节处重传") % {"n": received}
            )
        return written


def upload_complete(*, actor, upload_id: str) -> CaseFile:
    """The received file, checked against the declared size and SHA-256, streamed into the case
    file (case_file_store); the upload's temporary files are then removed."""
    meta, meta_path, part = _upload_meta(actor, upload_id)
    received = _size(part)
    if received != meta["size"]:
        raise Conflict(
            _("已接收%(got)d字节，与声明的%(size)d字节不符")
            % {"got": received, "size": meta["size"]}
        )
    case = Case.objects.select_related("agency", "agency__unit", "matter").get(pk=meta["case"])
    with open(part, "rb") as handle:
        digest = hashlib.sha256()
        for data in iter(lambda: handle.read(CHUNK), b""):
            digest.update(data)
    if meta["sha256"] and digest.hexdigest() != meta["sha256"]:
        _discard(meta_path, part)
        raise Conflict(_("上传内容的校验值与声明的 SHA-256 不符，请重新上传"))
    action = Action.objects.filter(pk=meta["action"], case=case).first() if meta["action"] else None
    record_obj = (
        CaseRecord.objects.filter(pk=meta["record"], case=case).first() if meta["record"] else None
    )
    with open(part, "rb") as handle:
        item = case_file_store(
            actor=actor,
            case=case,
            upload=File(handle, name=meta["name"]),
            kind=meta["kind"],
            stage=meta["stage"],
            action=action,
            record_obj=record_obj,
            title=meta["title"],
            recorded_from=parse_datetime(meta["recorded_from"]) if meta["recorded_from"] else None,
            recorded_to=parse_datetime(meta["recorded_to"]) if meta["recorded_to"] else None,
        )
    _discard(meta_path, part)
    return item


def _discard(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
