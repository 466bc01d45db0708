"""The full-process record through the services: field actions refused on save (B2), completion
blocked by an unexplained recording gap (B7), closing blocked by a stage without a record (B6),
the resumable chunked upload, the archive and its manifest, and an altered file refused on
download and named by `ganchao files verify`."""

import datetime as dt
import hashlib
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from ganchao.audit.models import AuditEvent
from ganchao.cli import main
from ganchao.common.command import CommandFailed
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import archive, selectors_records, services
from ganchao.enforcement.choices import ActionKind, Stage
from ganchao.enforcement.models import Action, Case, CaseRecord, Delivery
from ganchao.enforcement.tests.conftest import PDF, pdf

SH = ZoneInfo("Asia/Shanghai")
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 40


def at(hour, minute=0, day=3):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SH)


def video(name="执法记录仪.mp4", content=MP4):
    return SimpleUploadedFile(name, content, content_type="video/mp4")


def field_action(ecity, case, kind=ActionKind.SITE_INSPECTION, officers=None, **extra):
    fields = {
        "started_at": at(10),
        "place": "西湖镇李庄村18号院内",
        "certificate_shown_at": at(10, 1),
        "informed_at": at(10, 2),
    }
    fields.update(extra)
    with transaction.atomic():
        return services.action_create(
            actor=ecity.officer_user_a,
            case=case,
            kind=kind,
            officers=officers if officers is not None else [ecity.officer_a, ecity.officer_b],
            **fields,
        )


def demolition_with_gap(ecity):
    """A 强制拆除 from 10:00 to 11:00 whose two recordings leave 10:12–10:24 uncovered."""
    case = ecity.open_case()
    action = field_action(ecity, case, ActionKind.DEMOLITION, ended_at=at(11))
    for start, end in ((at(10), at(10, 12)), (at(10, 24), at(11))):
        services.case_file_store(
            actor=ecity.officer_user_a,
            case=case,
            upload=video(),
            kind="video",
            action=action,
            recorded_from=start,
            recorded_to=end,
        )
    return case, action


# ---- B2 ----------------------------------------------------------------------------------------


def test_b2_an_inspection_with_one_officer_is_rejected(ecity):
    """Given an inspection with one officer, When it is saved, Then it is rejected (B2) and
    nothing is kept."""
    case = ecity.open_case()
    with pytest.raises(ProcedureBlocked) as refused:
        field_action(ecity, case, officers=[ecity.officer_a])
    assert refused.value.errors[0].field == "B2"
    assert "两名以上执法人员" in refused.value.errors[0].message
    assert Action.objects.count() == 0


def test_b2_an_inspection_with_an_expired_certificate_is_rejected(ecity):
    """Given an inspection where one officer's certificate has expired, When it is saved, Then
    it is rejected naming that officer."""
    case = ecity.open_case()
    with pytest.raises(ProcedureBlocked) as refused:
        field_action(ecity, case, officers=[ecity.officer_a, ecity.officer_expired])
    assert [e.field for e in refused.value.errors] == ["B2"]
    assert "赵执法的执法证件已过有效期" in refused.value.errors[0].message
    assert Action.objects.count() == 0


def test_b2_certificate_must_cover_the_matter_and_be_shown(ecity):
    case = ecity.open_case()
    ecity.officer_b.matters.set([ecity.vending])
    with pytest.raises(ProcedureBlocked) as refused:
        field_action(ecity, case, certificate_shown_at=None, informed_at=None)
    messages = [e.message for e in refused.value.errors]
    assert "李执法的执法证件不包含本执法事项" in messages
    assert "未记录出示执法证件" in messages
    assert "未记录告知事由、依据和权利义务" in messages


def test_a_valid_field_action_writes_its_text_record_in_its_stage(ecity):
    """An inspection while the case is filed belongs to 立案 (its usual stage not yet
    reached); once investigating, to 调查取证. Its record names officers and the B2 times."""
    case = ecity.open_case()
    first = field_action(ecity, case)
    assert first.stage == Stage.FILED
    text = CaseRecord.objects.get(action=first).text
    assert "张执法（ZF3701001）、李执法（ZF3701002）" in text
    assert "10:01出示执法证件" in text and "10:02告知事由" in text
    services.case_investigate(actor=ecity.officer_user_a, case=case)
    second = field_action(ecity, Case.objects.get(pk=case.pk), started_at=at(14))
    assert second.stage == Stage.INVESTIGATING
    assert AuditEvent.objects.filter(action="enforcement.action_add").count() == 2


def test_a_non_field_action_needs_no_second_officer(ecity):
    case = ecity.open_case()
    action = field_action(
        ecity, case, ActionKind.OTHER, officers=[ecity.officer_a], certificate_shown_at=None
    )
    assert action.pk


# ---- B7 ----------------------------------------------------------------------------------------


def test_b7_demolition_with_an_unexplained_12_minute_gap_cannot_complete(ecity):
    """Given a 强制拆除 whose two recordings leave a 12-minute gap and no explanation, When it is
    completed, Then completion is blocked naming the gap; after the reason is recorded it
    completes."""
    case, action = demolition_with_gap(ecity)
    with pytest.raises(ProcedureBlocked) as refused:
        services.action_complete(actor=ecity.officer_user_a, action=action)
    assert refused.value.errors[0].field == "B7"
    assert (
        refused.value.errors[0].message
        == "强制拆除的音像记录在10:12至10:24中断12分钟，未说明技术原因"
    )
    assert Action.objects.get(pk=action.pk).completed_at is None

    services.gap_explain(
        actor=ecity.officer_user_a,
        action=action,
        gap_from=at(10, 12),
        gap_to=at(10, 24),
        reason="执法记录仪电量耗尽，更换设备后恢复录制",
    )
    done = services.action_complete(actor=ecity.officer_user_a, action=action)
    assert done.completed_at is not None
    assert CaseRecord.objects.filter(action=action, text__contains="电量耗尽").exists()


def test_b7_a_continuous_action_without_recordings_or_end_is_blocked(ecity):
    case = ecity.open_case()
    action = field_action(ecity, case, ActionKind.SEIZE)
    with pytest.raises(ProcedureBlocked, match="尚未记录结束时间"):
        services.action_complete(actor=ecity.officer_user_a, action=action)
    services.action_end(actor=ecity.officer_user_a, action=action, ended_at=at(10, 30))
    with pytest.raises(ProcedureBlocked, match="须全过程音像记录，尚无录音录像"):
        services.action_complete(actor=ecity.officer_user_a, action=action)


def test_b7_an_as_needed_action_completes_without_recordings(ecity):
    case = ecity.open_case()
    action = field_action(ecity, case, ended_at=at(10, 40))
    assert services.action_complete(actor=ecity.officer_user_a, action=action).completed_at


def test_coverage_bar_shows_recorded_spans_and_the_gap(ecity):
    case, _action = demolition_with_gap(ecity)
    row = selectors_records.action_rows(case)[0]
    kinds = [(s.kind, s.left, s.width) for s in row.coverage.segments]
    assert kinds == [("recorded", 0.0, 20.0), ("gap", 20.0, 20.0), ("recorded", 40.0, 60.0)]


def test_gap_reason_is_required(ecity):
    _case, action = demolition_with_gap(ecity)
    with pytest.raises(ValidationFailed):
        services.gap_explain(
            actor=ecity.officer_user_a,
            action=action,
            gap_from=at(10, 12),
            gap_to=at(10, 24),
            reason="",
        )


# ---- B6 ----------------------------------------------------------------------------------------


def walk_to_served(ecity, *, record_served: bool):
    """A case walked to 送达 by direct writes of the procedure rows: records in every stage it
    passed but 送达 (unless asked), the decision delivered."""
    case = ecity.open_case()
    stages = [Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.DECIDED, Stage.SERVED]
    Case.objects.filter(pk=case.pk).update(stage=Stage.SERVED, visited=stages)
    for stage in stages[1:-1]:
        CaseRecord.objects.create(case=case, stage=stage, text="记录", created_by=ecity.head)
    Delivery.objects.create(
        case=case,
        method="direct",
        delivered_on=dt.date(2026, 4, 1),
        recipient="张三",
        created_by=ecity.officer_user_a,
    )
    case = Case.objects.get(pk=case.pk)
    if record_served:
        services.record_add(actor=ecity.officer_user_a, case=case, text="直接送达，张三签收")
    return case


def test_b6_close_blocked_while_service_stage_has_no_record(ecity):
    """Given a penalty case with no recorded 送达 stage, When the case is closed, Then closing is
    blocked with "送达环节无记录"."""
    case = walk_to_served(ecity, record_served=False)
    with pytest.raises(ProcedureBlocked) as refused:
        services.case_close(actor=ecity.officer_user_a, case=case)
    assert ("B6", "送达环节无记录") in [(e.field, e.message) for e in refused.value.errors]
    assert Case.objects.get(pk=case.pk).stage == Stage.SERVED
    closed = services.case_close(
        actor=ecity.officer_user_a, case=walk_to_served(ecity, record_served=True)
    )
    assert closed.stage == Stage.CLOSED


def test_b6_b7_close_blocked_by_an_unexplained_gap(ecity):
    case, _action = demolition_with_gap(ecity)
    CaseRecord.objects.create(
        case=case, stage=Stage.INVESTIGATING, text="调查", created_by=ecity.head
    )
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.SERVED, visited=[Stage.FILED, Stage.INVESTIGATING, Stage.DECIDED, Stage.SERVED]
    )
    with pytest.raises(ProcedureBlocked) as refused:
        services.case_close(actor=ecity.officer_user_a, case=Case.objects.get(pk=case.pk))
    assert "B7" in [e.field for e in refused.value.errors]


# ---- chunked upload ----------------------------------------------------------------------------


def test_chunked_upload_of_a_multi_chunk_file(ecity):
    """A 3-chunk video declared with its SHA-256 arrives whole: size and hash equal; a chunk at
    the wrong offset is refused with the offset to resume from."""
    case = ecity.open_case()
    content = MP4 * 30
    digest = hashlib.sha256(content).hexdigest()
    upload_id = services.upload_start(
        actor=ecity.officer_user_a,
        case=case,
        name="拆除现场.mp4",
        size=len(content),
        kind="video",
        sha256=digest,
        recorded_from=at(10),
        recorded_to=at(11),
    )
    third = len(content) // 3
    pieces = [content[:third], content[third : 2 * third], content[2 * third :]]
    offset = 0
    for piece in pieces:
        offset = services.upload_chunk(
            actor=ecity.officer_user_a,
            upload_id=upload_id,
            offset=offset,
            stream=io.BytesIO(piece),
            length=len(piece),
        )
    with pytest.raises(Conflict) as wrong:
        services.upload_chunk(
            actor=ecity.officer_user_a,
            upload_id=upload_id,
            offset=0,
            stream=io.BytesIO(b"x"),
            length=1,
        )
    assert wrong.value.errors[0].message == str(len(content))
    item = services.upload_complete(actor=ecity.officer_user_a, upload_id=upload_id)
    assert (item.size, item.sha256) == (len(content), digest)
    with default_storage.open(item.file.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == digest


def test_chunked_upload_with_a_wrong_declared_hash_is_refused(ecity):
    case = ecity.open_case()
    upload_id = services.upload_start(
        actor=ecity.officer_user_a,
        case=case,
        name="a.pdf",
        size=len(PDF),
        kind="document",
        sha256="0" * 64,
    )
    services.upload_chunk(
        actor=ecity.officer_user_a,
        upload_id=upload_id,
        offset=0,
        stream=io.BytesIO(PDF),
        length=len(PDF),
    )
    with pytest.raises(Conflict, match="SHA-256"):
        services.upload_complete(actor=ecity.officer_user_a, upload_id=upload_id)
    assert case.files.count() == 0


def test_another_user_cannot_touch_an_upload(ecity):
    case = ecity.open_case()
    upload_id = services.upload_start(
        actor=ecity.officer_user_a, case=case, name="a.pdf", size=len(PDF), kind="document"
    )
    from ganchao.common.errors import NotFound

    with pytest.raises(NotFound):
        services.upload_status(actor=ecity.officer_user_b, upload_id=upload_id)


# ---- archive and integrity ---------------------------------------------------------------------


def test_archive_holds_every_file_records_and_a_manifest_with_upload_hashes(ecity):
    case, action = demolition_with_gap(ecity)
    services.case_file_store(
        actor=ecity.officer_user_a, case=case, upload=pdf("立案审批表.pdf"), kind="document"
    )
    handle, name = archive.case_archive(actor=ecity.officer_user_a, case=case)
    assert name == f"{case.code}-案卷.zip"
    with zipfile.ZipFile(handle) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))["files"]
        assert len(manifest) == 3
        for row in manifest:
            data = zipped.read(row["path"])
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            assert len(data) == row["size"]
        stored = {f.sha256 for f in case.files.all()}
        assert {row["sha256"] for row in manifest} == stored
        csv_text = zipped.read("manifest.csv").decode("utf-8-sig")
        assert csv_text.splitlines()[0] == "path,sha256,size,stage,kind,uploaded_by,uploaded_at"
        records = zipped.read("records.txt").decode()
        assert "【立案】" in records and "强制拆除" in records and "张执法（ZF3701001）" in records
    handle.close()
    assert AuditEvent.objects.filter(action="enforcement.case_archive", success=True).exists()


def test_altered_byte_refuses_download_archive_and_fails_verify(ecity, capsys):
    """Store a file, alter one byte on disk: the next download is refused and audited, the
    archive export aborts, and `files verify` exits 1 naming the file."""
    case = ecity.open_case()
    item = services.case_file_store(
        actor=ecity.officer_user_a, case=case, upload=pdf("询问笔录.pdf"), kind="document"
    )
    services.case_file_open(actor=ecity.officer_user_a, item=item).close()
    path = default_storage.path(item.file.name)
    with open(path, "r+b") as handle:
        handle.seek(5)
        byte = handle.read(1)
        handle.seek(5)
        handle.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(Conflict, match="校验值"):
        services.case_file_open(actor=ecity.officer_user_a, item=item)
    assert AuditEvent.objects.filter(action="enforcement.file_open", success=False).exists()
    with pytest.raises(Conflict, match="询问笔录.pdf"):
        archive.case_archive(actor=ecity.officer_user_a, case=case)
    assert AuditEvent.objects.filter(action="enforcement.case_archive", success=False).exists()
    # CommandFailed is the command's exit 1 (GanchaoCommand.run_from_argv)
    with pytest.raises(CommandFailed) as failed:
        call_command("files", "verify")
    assert any(item.file.name in line and "校验值不符" in line for line in failed.value.lines)
    assert main(["files", "verify"]) == 1
    assert item.file.name in capsys.readouterr().err
