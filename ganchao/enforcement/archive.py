"""The case file as a complete archive (B6): a .zip written to a temporary file in chunks (never
built in memory) holding every stored file, re-verified against its upload-time SHA-256 while
it is copied (an altered file aborts the export), records.txt (the text records by stage and
time, the actions with their officers and times) and the manifest as CSV and JSON."""

import hashlib
import json
import re
import tempfile
import zipfile

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import Conflict
from ganchao.common.exports import csv_text
from ganchao.enforcement import selectors_records as sel
from ganchao.enforcement.choices import STAGE_ORDER, Stage
from ganchao.enforcement.services.base import record
from ganchao.enforcement.services.records import CHUNK

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
MANIFEST_FIELDS = ["path", "sha256", "size", "stage", "kind", "uploaded_by", "uploaded_at"]
STAGES = [*STAGE_ORDER, Stage.WITHDRAWN]


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def _stage_folder(stage: str) -> str:
    return f"{STAGES.index(stage) + 1:02d}-{Stage(stage).label}"


def _path(item) -> str:
    name = UNSAFE.sub("_", item.original_name or "") or f"file-{item.pk}"
    return f"{_stage_folder(item.stage)}/{item.pk:05d}-{name}"


def _action_lines(row) -> list[str]:
    action = row.action
    officers = "、".join(f"{o.name}（{o.certificate_no or _('无执法证')}）" for o in row.officers)
    lines = [
        _("执法活动：%(kind)s，%(start)s至%(end)s")
        % {
            "kind": action.get_kind_display(),
            "start": _when(action.started_at),
            "end": _when(action.ended_at) or _("未记录结束时间"),
        },
        _("  地点：%(place)s") % {"place": action.place or "—"},
        _("  执法人员：%(names)s") % {"names": officers},
        _("  出示执法证件：%(at)s；告知事由、依据和权利义务：%(informed)s")
        % {
            "at": _when(action.certificate_shown_at) or "—",
            "informed": _when(action.informed_at) or "—",
        },
        _("  音像记录要求：%(policy)s；完成：%(done)s")
        % {"policy": row.policy_label, "done": _when(action.completed_at) or _("未完成")},
    ]
    for gap in row.gaps:
        lines.append(
            _("  音像记录中断：%(a)s至%(b)s，原因：%(reason)s")
            % {"a": _when(gap.gap_from), "b": _when(gap.gap_to), "reason": gap.reason}
        )
    return lines


def records_text(case, groups) -> str:
    lines = [
        _("执法案卷：%(code)s %(title)s") % {"code": case.code, "title": case.title},
        _("执法主体：%(agency)s；执法事项：%(matter)s")
        % {"agency": case.agency.name, "matter": case.matter.name},
        _("导出时间：%(at)s") % {"at": _when(timezone.now())},
        "",
    ]
    for group in groups:
        lines.append(f"【{group.label}】")
        entries = [(r.created_at, 0, r) for r in group.records]
        entries += [(row.action.started_at, 1, row) for row in group.actions]
        for _moment, kind, entry in sorted(entries, key=lambda e: (e[0], e[1])):
            if kind == 0:
                who = entry.created_by.display_name
                lines.append(f"{_when(entry.created_at)} {who}：{entry.text}")
            else:
                lines += _action_lines(entry)
        if group.empty:
            lines.append(_("（本环节无记录）"))
        lines.append("")
    return "\n".join(lines)


def _manifest_row(item, path: str) -> dict:
    return {
        "path": path,
        "sha256": item.sha256,
        "size": item.size,
        "stage": item.stage,
        "kind": item.kind,
        "uploaded_by": item.uploaded_by.display_name,
        "uploaded_at": timezone.localtime(item.uploaded_at).isoformat(),
    }


def manifest_csv(manifest: list[dict]) -> str:
    """The archive's manifest.csv (with a BOM for Excel): file names are the uploaders' own, so
    every field goes through the one CSV writer that no spreadsheet evaluates."""
    rows = [[row[field] for field in MANIFEST_FIELDS] for row in manifest]
    return csv_text(rows, header=MANIFEST_FIELDS, bom=True)


def _copy_verified(archive: zipfile.ZipFile, item, path: str) -> None:
    """Copy one stored file into the archive in chunks, hashing on the way; refuse a file whose
    bytes differ from the upload-time hash."""
    digest = hashlib.sha256()
    try:
        with (
            default_storage.open(item.file.name, "rb") as source,
            archive.open(path, "w", force_zip64=True) as target,
        ):
            for data in iter(lambda: source.read(CHUNK), b""):
                digest.update(data)
                target.write(data)
    except (FileNotFoundError, OSError):
        digest = None
    if digest is None or digest.hexdigest() != item.sha256:
        raise Conflict(
            _("案卷材料“%(name)s”（%(stage)s）的校验值与上传时不符或文件缺失，案卷导出已中止")
            % {"name": item.original_name, "stage": item.get_stage_display()}
        )


def case_archive(*, actor, case):
    """(open temporary file positioned at 0, file name) of the case's archive; the export is
    audited, and an aborted one too."""
    groups = sel.timeline(case)
    files = [f for g in groups for f in g.files]
    # returned open to the caller, who streams it and closes it
    handle = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115
    manifest = []
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for item in files:
                path = _path(item)
                _copy_verified(archive, item, path)
                manifest.append(_manifest_row(item, path))
            archive.writestr("records.txt", records_text(case, groups))
            archive.writestr("manifest.csv", manifest_csv(manifest))
            archive.writestr(
                "manifest.json",
                json.dumps({"case": case.code, "files": manifest}, ensure_ascii=False, indent=2),
            )
    except Conflict as exc:
        handle.close()
        with transaction.atomic():
            record(
                actor=actor,
                case=case,
                action="enforcement.case_archive",
                reason=exc.message,
                success=False,
            )
        raise
    with transaction.atomic():
        record(
            actor=actor,
            case=case,
            action="enforcement.case_archive",
            changes={"files": {"before": None, "after": len(manifest)}},
        )
    handle.seek(0)
    return handle, f"{case.code}-案卷.zip"
