"""The records pages and API: the panel on the case page, its forms (B2 refusal shown as
【B2】, nothing saved), page uploads, downloads refused when altered (page message, API 409),
the chunked upload over HTTP, the archive, and the query-count pins."""

import hashlib
import io
import json
import zipfile

from django.core.files.storage import default_storage
from django.urls import reverse

from ganchao.enforcement import services
from ganchao.enforcement.choices import ActionKind
from ganchao.enforcement.models import Action, CaseFile, CaseRecord
from ganchao.enforcement.tests.conftest import pdf
from ganchao.enforcement.tests.test_records import (
    MP4,
    at,
    demolition_with_gap,
    field_action,
    video,
)

JSON = "application/json"


def _alter(item):
    path = default_storage.path(item.file.name)
    with open(path, "r+b") as handle:
        handle.seek(3)
        byte = handle.read(1)
        handle.seek(3)
        handle.write(bytes([byte[0] ^ 0xFF]))


# ---- pages -------------------------------------------------------------------------------------


def test_records_panel_on_the_case_page_shows_timeline_and_forms(ecity, login):
    case, action = demolition_with_gap(ecity)
    client = login(ecity.officer_user_a)
    html = client.get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert 'id="panel-records"' in html
    assert "强制拆除" in html and "全过程不间断音像记录" in html
    assert "中断未说明" in html and "bg-red" in html
    assert f'id="gap-form-{action.pk}-1"' in html
    assert reverse("enforcement:record_add", args=[case.pk]) in html
    assert reverse("enforcement:case_archive", args=[case.pk]) in html


def test_forms_are_for_handlers_only(ecity, login):
    """The office (督查室) reads the record but gets no forms."""
    case, _action = demolition_with_gap(ecity)
    client = login(ecity.office)
    html = client.get(reverse("enforcement:case_records", args=[case.pk])).content.decode()
    assert "强制拆除" in html
    assert reverse("enforcement:record_add", args=[case.pk]) not in html
    assert "gap-form-" not in html


def test_record_add_page_defaults_to_current_stage(ecity, login):
    case = ecity.open_case()
    client = login(ecity.officer_user_a)
    response = client.post(
        reverse("enforcement:record_add", args=[case.pk]),
        {"r-stage": "filed", "r-text": "电话联系当事人，约定现场检查时间"},
    )
    assert response.status_code == 302
    assert CaseRecord.objects.filter(case=case, text__startswith="电话联系").exists()


def test_action_add_page_refuses_one_officer_naming_b2(ecity, login):
    case = ecity.open_case()
    client = login(ecity.officer_user_a)
    response = client.post(
        reverse("enforcement:action_add", args=[case.pk]),
        {
            "a-kind": ActionKind.SITE_INSPECTION,
            "a-started_at": "2026-03-03T10:00",
            "a-officers": [ecity.officer_a.pk],
            "a-certificate_shown_at": "2026-03-03T10:01",
            "a-informed_at": "2026-03-03T10:02",
        },
    )
    assert response.status_code == 409
    assert "【B2】现场执法须有两名以上执法人员" in response.content.decode()
    assert Action.objects.count() == 0


def test_action_complete_page_shows_the_b7_gap(ecity, login):
    case, action = demolition_with_gap(ecity)
    client = login(ecity.officer_user_a)
    response = client.post(reverse("enforcement:action_complete", args=[case.pk, action.pk]))
    assert response.status_code == 409
    assert "【B7】强制拆除的音像记录在10:12至10:24中断12分钟" in response.content.decode()
    explained = client.post(
        reverse("enforcement:gap_explain", args=[case.pk, action.pk]),
        {
            "g-gap_from": "2026-03-03T10:12:00",
            "g-gap_to": "2026-03-03T10:24:00",
            "g-reason": "设备故障",
        },
    )
    assert explained.status_code == 302
    done = client.post(reverse("enforcement:action_complete", args=[case.pk, action.pk]))
    assert done.status_code == 302
    assert Action.objects.get(pk=action.pk).completed_at


def test_file_add_page_streams_to_a_temporary_file(ecity, login, monkeypatch):
    """A page upload goes through the temporary-file handler (never held in memory)."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    seen = []
    original = services.case_file_store

    def spy(**kwargs):
        seen.append(type(kwargs["upload"]))
        return original(**kwargs)

    monkeypatch.setattr("ganchao.enforcement.services.records.case_file_store", spy)
    case = ecity.open_case()
    action = field_action(ecity, case, ActionKind.DEMOLITION, ended_at=at(11))
    client = login(ecity.officer_user_a)
    upload = video()
    response = client.post(
        reverse("enforcement:file_add", args=[case.pk]),
        {
            "f-kind": "video",
            "f-file": upload,
            "f-action": action.pk,
            "f-recorded_from": "2026-03-03T10:00",
            "f-recorded_to": "2026-03-03T11:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert seen == [TemporaryUploadedFile]
    item = CaseFile.objects.get(case=case)
    assert item.action_id == action.pk and item.sha256 == hashlib.sha256(MP4).hexdigest()


def test_download_page_refuses_an_altered_file(ecity, login):
    case = ecity.open_case()
    item = services.case_file_store(
        actor=ecity.officer_user_a, case=case, upload=pdf("现场照片说明.pdf"), kind="document"
    )
    client = login(ecity.officer_user_a)
    url = reverse("enforcement:file_download", args=[case.pk, item.pk])
    ok = client.get(url)
    assert ok.status_code == 200
    assert b"".join(ok.streaming_content).startswith(b"%PDF")
    _alter(item)
    refused = client.get(url)
    assert refused.status_code == 409
    assert "校验值与上传时不符" in refused.content.decode()


def test_archive_page_downloads_a_zip(ecity, login):
    case, _action = demolition_with_gap(ecity)
    client = login(ecity.officer_user_a)
    response = client.get(reverse("enforcement:case_archive", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {"records.txt", "manifest.csv", "manifest.json"} <= set(zipped.namelist())


def test_records_page_query_count_is_bounded(ecity, login, django_assert_max_num_queries):
    """The panel costs the same with one action as with five, each with recordings and gaps."""
    case, _action = demolition_with_gap(ecity)
    client = login(ecity.officer_user_a)
    url = reverse("enforcement:case_records", args=[case.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for hour in (12, 13, 14, 15):
        action = field_action(
            ecity, case, ActionKind.SEIZE, started_at=at(hour), ended_at=at(hour, 30)
        )
        services.case_file_store(
            actor=ecity.officer_user_a,
            case=case,
            upload=video(),
            kind="video",
            action=action,
            recorded_from=at(hour),
            recorded_to=at(hour, 10),
        )
        services.record_add(actor=ecity.officer_user_a, case=case, text=f"第{hour}次记录")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# ---- API ---------------------------------------------------------------------------------------


def test_api_record_and_action(ecity, login):
    case = ecity.open_case()
    client = login(ecity.officer_user_a)
    made = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/records", {"text": "现场勘验"}, content_type=JSON
    )
    assert made.status_code == 201 and made.json()["stage"] == "filed"
    body = {
        "kind": "site_inspection",
        "started_at": "2026-03-03T10:00:00+08:00",
        "officer_ids": [ecity.officer_a.pk, ecity.officer_expired.pk],
        "certificate_shown_at": "2026-03-03T10:01:00+08:00",
        "informed_at": "2026-03-03T10:02:00+08:00",
    }
    url = f"/api/v1/enforcement/cases/{case.pk}/actions"
    refused = client.post(url, body, content_type=JSON)
    assert refused.status_code == 409
    assert refused.json()["code"] == "procedure_blocked"
    assert refused.json()["errors"][0]["field"] == "B2"
    body["officer_ids"] = [ecity.officer_a.pk, ecity.officer_b.pk]
    created = client.post(url, body, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["officers"] == ["张执法", "李执法"]
    assert created.json()["started_at"].endswith("+08:00")


def test_api_complete_blocked_then_explained(ecity, login):
    _case, action = demolition_with_gap(ecity)
    client = login(ecity.officer_user_a)
    blocked = client.post(f"/api/v1/enforcement/actions/{action.pk}/complete")
    assert blocked.status_code == 409
    assert blocked.json()["errors"][0] == {
        "field": "B7",
        "message": "强制拆除的音像记录在10:12至10:24中断12分钟，未说明技术原因",
    }
    gap = client.post(
        f"/api/v1/enforcement/actions/{action.pk}/gaps",
        {
            "gap_from": "2026-03-03T10:12:00+08:00",
            "gap_to": "2026-03-03T10:24:00+08:00",
            "reason": "存储卡写满",
        },
        content_type=JSON,
    )
    assert gap.status_code == 201 and gap.json()["blockers"] == []
    done = client.post(f"/api/v1/enforcement/actions/{action.pk}/complete")
    assert done.status_code == 200 and done.json()["completed_at"]


def test_api_chunked_upload_over_http(ecity, login):
    case = ecity.open_case()
    client = login(ecity.officer_user_a)
    content = MP4 * 50
    digest = hashlib.sha256(content).hexdigest()
    started = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/uploads",
        {"name": "扣押现场.mp4", "size": len(content), "kind": "video", "sha256": digest},
        content_type=JSON,
    )
    assert started.status_code == 201
    upload_id = started.json()["id"]
    step = 4096
    offset = 0
    while offset < len(content):
        piece = content[offset : offset + step]
        reply = client.put(
            f"/api/v1/enforcement/uploads/{upload_id}/chunks?offset={offset}",
            piece,
            content_type="application/octet-stream",
        )
        assert reply.status_code == 200, reply.content
        offset = reply.json()["received"]
    stale = client.put(
        f"/api/v1/enforcement/uploads/{upload_id}/chunks?offset=0",
        b"x",
        content_type="application/octet-stream",
    )
    assert stale.status_code == 409
    done = client.post(f"/api/v1/enforcement/uploads/{upload_id}/complete")
    assert done.status_code == 201
    assert (done.json()["size"], done.json()["sha256"]) == (len(content), digest)


def test_api_download_409_when_altered_and_archive(ecity, login):
    case = ecity.open_case()
    item = services.case_file_store(
        actor=ecity.officer_user_a, case=case, upload=pdf(), kind="document"
    )
    client = login(ecity.officer_user_a)
    archived = client.get(f"/api/v1/enforcement/cases/{case.pk}/archive")
    assert archived.status_code == 200
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(archived.streaming_content)))
    manifest = json.loads(zipped.read("manifest.json"))["files"]
    assert [row["sha256"] for row in manifest] == [item.sha256]
    _alter(item)
    refused = client.get(f"/api/v1/enforcement/cases/{case.pk}/files/{item.pk}")
    assert refused.status_code == 409
    aborted = client.get(f"/api/v1/enforcement/cases/{case.pk}/archive")
    assert aborted.status_code == 409
    assert "案卷导出已中止" in aborted.json()["message"]


def test_api_lists(ecity, login):
    case, _action = demolition_with_gap(ecity)
    client = login(ecity.officer_user_a)
    actions = client.get(f"/api/v1/enforcement/cases/{case.pk}/actions").json()
    assert actions[0]["av_policy"] == "mandatory_continuous"
    assert actions[0]["blockers"][0]["rule"] == "B7"
    files = client.get(f"/api/v1/enforcement/cases/{case.pk}/files").json()
    assert len(files) == 2 and files[0]["recorded_from"].endswith("+08:00")
    other = login(ecity.nr_officer_user)
    assert other.get(f"/api/v1/enforcement/cases/{case.pk}/files").status_code == 404
