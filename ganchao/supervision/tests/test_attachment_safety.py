"""Matter feedback attachments through the one checked store (issue 12, item 6). The probe
uploaded `calc.exe`, `xss.html` and `xss.svg` as feedback attachments: they were stored under
their own names without a hash and served as text/html and image/svg+xml. Now each is refused
on the page and through the API with a Chinese message naming the file and nothing stored; a
good PDF is stored under a generated name with its SHA-256 and downloaded as an attachment with
its type and nosniff; one altered byte makes the download 409 (audited) and `ganchao files
verify` exit 1 naming it."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ganchao.audit.models import AuditEvent
from ganchao.cli import main
from ganchao.common.tests.api_client import TokenApi
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_instruct
from ganchao.supervision.matter_steps import matter_receive, matter_respond
from ganchao.supervision.models import MatterFeedback

pytestmark = pytest.mark.django_db

CALC_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00" * 8
XSS_HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
XSS_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBSTANTIVE = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"


def docx(members=None, sizes=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (members or {}).items():
            archive.writestr(name, data)
        for name, size in (sizes or {}).items():
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(size // (1024 * 1024)):
                    member.write(b"\x00" * (1024 * 1024))
    return buffer.getvalue()


PROBE = [
    ("calc.exe", CALC_EXE, "是可执行程序"),
    ("xss.html", XSS_HTML, "网页或 SVG 图形"),
    ("xss.svg", XSS_SVG, "网页或 SVG 图形"),
    ("整改报告.pdf", CALC_EXE, "是可执行程序"),  # a renamed .exe
    ("情况说明.docx", docx({"word/embeddings/calc.exe": CALC_EXE}), "内含可执行程序"),
    ("汇总.docx", docx(sizes={"word/media/pad.bin": 40 * 1024 * 1024}), "压缩包炸弹"),
]


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def matter(city):
    matter = matter_instruct(
        actor=city.leader_user,
        title="西湖镇河道整治",
        content="请西湖镇抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
        at=moment("2026-06-01 09:00"),
    )
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    return matter


def stored_files() -> list[str]:
    try:
        folders, files = default_storage.listdir("matters")
    except FileNotFoundError:
        return []
    found = list(files)
    for folder in folders:
        for sub in default_storage.listdir(f"matters/{folder}")[0]:
            found += default_storage.listdir(f"matters/{folder}/{sub}")[1]
    return found


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("name, content, words", PROBE)
def test_probe_payloads_refused_on_the_page(city, login, matter, name, content, words):
    client = login(city.liaison_a)
    response = client.post(
        f"/supervision/matters/{matter.pk}/respond/",
        {"respond-kind": "final", "respond-text": SUBSTANTIVE, "respond-attachment": upload(name, content)},
    )  # fmt: skip
    assert response.status_code == 422
    errors = response.context["forms"]["respond"].errors["attachment"]
    assert any(f"“{name}”" in e and words in e for e in errors), errors
    assert f"“{name}”" in response.content.decode()
    assert not MatterFeedback.objects.filter(matter=matter).exists()
    assert stored_files() == []


@pytest.mark.parametrize("name, content, words", PROBE)
def test_probe_payloads_refused_through_the_api(city, matter, name, content, words):
    response = TokenApi(city.liaison_a).multipart(
        f"/matters/{matter.pk}/respond",
        {"kind": "final", "text": SUBSTANTIVE, "attachment": upload(name, content)},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == "attachment"
    assert f"“{name}”" in body["message"] and words in body["message"]
    assert not MatterFeedback.objects.filter(matter=matter).exists()
    assert stored_files() == []


def test_good_pdf_stored_under_a_generated_name_with_its_hash(city, matter):
    feedback = matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="final",
        text="已办结",
        attachment=upload("整改报告.pdf", PDF),
    )
    feedback.refresh_from_db()
    assert feedback.attachment_name == "整改报告.pdf"
    assert "整改报告" not in feedback.attachment.name
    assert feedback.attachment.name.startswith("matters/") and feedback.attachment.name.endswith(
        ".pdf"
    )
    assert feedback.attachment_sha256 == hashlib.sha256(PDF).hexdigest()
    assert feedback.attachment_content_type == "application/pdf"
    assert feedback.attachment_size == len(PDF)
    assert feedback.substantive


def _respond_with_pdf(city, matter) -> MatterFeedback:
    return matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="final",
        text="已办结",
        attachment=upload("整改报告.pdf", PDF),
    )


def _page_url(matter, feedback):
    return f"/supervision/matters/{matter.pk}/feedbacks/{feedback.pk}/attachment/"


def _alter_one_byte(feedback) -> None:
    with open(default_storage.path(feedback.attachment.name), "r+b") as handle:
        handle.seek(3)
        handle.write(b"X")


def test_download_is_an_attachment_with_its_type_and_nosniff(city, login, matter):
    feedback = _respond_with_pdf(city, matter)
    page = login(city.liaison_a).get(_page_url(matter, feedback))
    api = TokenApi(city.liaison_a).get(f"/matters/{matter.pk}/feedbacks/{feedback.pk}/attachment")
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_detail_api_gives_the_attachment_hash(city, matter):
    feedback = _respond_with_pdf(city, matter)
    body = TokenApi(city.liaison_a).get(f"/matters/{matter.pk}").json()
    row = body["feedbacks"][0]
    assert row["id"] == feedback.pk and row["attachment_name"] == "整改报告.pdf"
    assert row["attachment_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert row["attachment_content_type"] == "application/pdf" and row["attachment_size"] == len(
        PDF
    )


def test_one_altered_byte_refuses_the_download_and_fails_files_verify(city, login, matter, capsys):
    feedback = _respond_with_pdf(city, matter)
    _alter_one_byte(feedback)
    page = login(city.liaison_a).get(_page_url(matter, feedback))
    assert page.status_code == 409
    assert "“整改报告.pdf”的校验值与上传时不符" in page.content.decode()
    api = TokenApi(city.liaison_a).get(f"/matters/{matter.pk}/feedbacks/{feedback.pk}/attachment")
    assert api.status_code == 409 and "整改报告.pdf" in api.json()["message"]
    refusals = AuditEvent.objects.filter(action="matter.attachment_refused", success=False)
    assert refusals.count() == 2
    assert main(["files", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"督办反馈附件 #{feedback.pk}（{feedback.attachment.name}）：校验值不符" in err


def test_legacy_attachment_without_hash_is_refused_and_reported(city, login, matter, capsys):
    """A row from before the store (stored under its own name, no hash) is refused on download
    and reported by files verify."""
    name = default_storage.save("matters/2026/06/xss.html", io.BytesIO(XSS_HTML))
    feedback = MatterFeedback.objects.create(
        matter=matter,
        unit=city.town_a,
        kind="progress",
        text=SUBSTANTIVE,
        attachment=name,
        attachment_name="xss.html",
        substantive=True,
        created_by=city.liaison_a,
        created_at=timezone.now(),
    )
    response = login(city.liaison_a).get(_page_url(matter, feedback))
    assert response.status_code == 409
    assert b"alert(document.cookie)" not in response.content
    assert main(["files", "verify"]) == 1
    assert f"督办反馈附件 #{feedback.pk}（{name}）：未记录校验值" in capsys.readouterr().err
