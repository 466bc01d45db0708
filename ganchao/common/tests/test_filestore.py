"""The one checked store (issue 12, item 6): type by content with the probe's payloads, the
Office package checks (embedded programs, macros, zip bombs), size limits, generated names with
SHA-256, re-verification and the download headers; and every FileField of every model is
covered by `ganchao files verify`."""

import hashlib
import io
import zipfile

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from ganchao.common import filestore
from ganchao.common.errors import ValidationFailed
from ganchao.web.stored_files import STORED_FILES

# the probe's payloads
CALC_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00" * 8
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120
XSS_HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
XSS_SVG = (
    b'<?xml version="1.0" standalone="no"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

POLICY = filestore.Policy(
    types=filestore.DOCUMENT_TYPES | {filestore.PPTX},
    max_bytes=1024 * 1024,
    folder="tests",
    accepted_text="PDF、图片、Office",
    field="attachment",
)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def office(marker="word/document.xml", members=None, sizes=None):
    """An Office Open XML package with extra members (name → bytes) and large zero-filled
    members (name → size) written in pieces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<w:document/>")
        for name, data in (members or {}).items():
            archive.writestr(name, data)
        for name, size in (sizes or {}).items():
            with archive.open(name, "w", force_zip64=True) as member:
                block = b"\x00" * (1024 * 1024)
                for _ in range(size // len(block)):
                    member.write(block)
    return buffer.getvalue()


def refused(name, content, policy=POLICY) -> str:
    with pytest.raises(ValidationFailed) as caught:
        filestore.check(upload(name, content), policy)
    error = caught.value
    assert error.errors[0].field == policy.field
    return error.message


# ---- type by content -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("calc.exe", CALC_EXE, "是可执行程序"),
        ("calc.pdf", CALC_EXE, "是可执行程序"),
        ("报告.pdf", ELF, "是可执行程序"),
        ("xss.html", XSS_HTML, "网页或 SVG 图形"),
        ("xss.svg", XSS_SVG, "网页或 SVG 图形"),
        ("xss.png", XSS_SVG, "网页或 SVG 图形"),
        ("说明.txt", "只是一段文字".encode(), "不是可接受的文件类型"),
        ("图片.pdf", PNG, "扩展名与文件内容（PNG）不符"),
        ("空.pdf", b"", "是空文件"),
    ],
)
def test_refused_by_content_naming_the_file(name, content, words):
    message = refused(name, content)
    assert f"“{name}”" in message and words in message


def test_over_the_policy_size_refused():
    message = refused("大.pdf", PDF + b"0" * (1024 * 1024))
    assert "“大.pdf”超过 1 MB" in message


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("材料.pdf", PDF, filestore.PDF),
        ("照片.PNG", PNG, filestore.PNG),
        ("情况.docx", office(), filestore.DOCX),
        ("台账.xlsx", office("xl/workbook.xml"), filestore.XLSX),
        ("汇报.pptx", office("ppt/presentation.xml"), filestore.PPTX),
    ],
)
def test_accepted_by_content(name, content, content_type):
    checked = filestore.check(upload(name, content), POLICY)
    assert checked.content_type == content_type
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


def test_a_type_outside_the_policy_is_refused():
    only_pdf = filestore.Policy(frozenset({filestore.PDF}), 1024, "t", "PDF", "file")
    assert "不是可接受的文件类型（可上传：PDF）" in refused("a.docx", office(), only_pdf)


def test_a_policy_naming_a_type_without_a_checker_is_a_programming_error():
    with pytest.raises(ValueError, match="image/svg"):
        filestore.Policy(frozenset({"image/svg+xml"}), 1024, "t", "SVG")


# ---- Office packages ---------------------------------------------------------------------------


def test_docx_with_an_embedded_exe_member_refused():
    content = office(members={"word/embeddings/calc.exe": CALC_EXE})
    message = refused("报告.docx", content)
    assert "“报告.docx”内含可执行程序“word/embeddings/calc.exe”" in message


def test_docx_with_a_program_hidden_under_another_name_refused():
    content = office(members={"word/media/image1.png": CALC_EXE})
    assert "内含可执行程序“word/media/image1.png”" in refused("报告.docx", content)


@pytest.mark.parametrize("member", ["word/vbaProject.bin", "xl/vbaProject.bin"])
def test_macros_refused(member):
    assert "含有宏" in refused("报告.docx", office(members={member: b"\xd0\xcf\x11\xe0"}))


def test_macros_accepted_when_the_policy_allows_them():
    allows = filestore.Policy(frozenset({filestore.DOCX}), 1024 * 1024, "t", "Word", macros=True)
    content = office(members={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert filestore.check(upload("宏.docx", content), allows).content_type == filestore.DOCX


def test_zip_bomb_refused_by_ratio():
    content = office(sizes={"word/media/pad.bin": 40 * 1024 * 1024})
    assert len(content) < 1024 * 1024
    message = refused("炸弹.docx", content)
    assert "“炸弹.docx”解压后异常庞大" in message and "压缩包炸弹" in message


def test_zip_bomb_refused_by_total_size(monkeypatch):
    monkeypatch.setattr(filestore, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    members = {f"word/media/{i}.bin": bytes(range(256)) * 4096 for i in range(3)}
    assert "压缩包炸弹" in refused("大.docx", office(members=members))


def test_damaged_package_refused():
    content = office()
    broken = content[:40] + b"\x00" * 20 + content[60:]
    message = refused("坏.docx", broken)
    assert "“坏.docx”" in message


def test_plain_zip_is_not_office():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")  # no [Content_Types].xml
    assert "不是可接受的文件类型" in refused("假.docx", buffer.getvalue())


# ---- storing and serving ---------------------------------------------------------------------


def test_saved_under_a_generated_name_with_its_hash():
    stored = filestore.save(upload("../../etc/整改\x00报告.pdf", PDF), POLICY)
    assert stored.name.startswith("tests/") and stored.name.endswith(".pdf")
    assert "整改" not in stored.name and "etc" not in stored.name
    assert stored.original_name == "整改报告.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    with default_storage.open(stored.name, "rb") as handle:
        assert handle.read() == PDF
    assert filestore.verify(stored.name, stored.sha256)


def test_one_altered_byte_is_refused():
    stored = filestore.save(upload("a.pdf", PDF), POLICY)
    path = default_storage.path(stored.name)
    with open(path, "r+b") as handle:
        handle.seek(5)
        handle.write(b"X")
    assert not filestore.verify(stored.name, stored.sha256)
    with pytest.raises(filestore.FileAltered) as caught:
        filestore.open_verified(stored.name, stored.sha256, "a.pdf")
    assert caught.value.status == 409 and "“a.pdf”" in caught.value.message
    assert not filestore.verify(stored.name, "")


def test_response_is_an_attachment_with_the_checked_type():
    response = filestore.file_response(
        io.BytesIO(PDF), filename="材料.pdf", content_type=filestore.PDF
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("unsafe", ["text/html", "image/svg+xml", "application/xhtml+xml", ""])
def test_response_never_serves_markup(unsafe):
    response = filestore.file_response(io.BytesIO(b"x"), filename="x.html", content_type=unsafe)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_inline_only_for_pdf_and_images():
    pdf = filestore.file_response(
        io.BytesIO(PDF), filename="a.pdf", content_type=filestore.PDF, inline=True
    )
    assert pdf["Content-Disposition"].startswith("inline;")
    docx = filestore.file_response(
        io.BytesIO(b"x"), filename="a.docx", content_type=filestore.DOCX, inline=True
    )
    assert docx["Content-Disposition"].startswith("attachment;")


# ---- every stored file is verified -------------------------------------------------------------


def test_every_file_field_is_in_stored_files():
    """A new FileField anywhere must be added to STORED_FILES (with its hash field), or
    `ganchao files verify` would silently skip it."""
    listed = {(app, model.lower(), field) for _label, app, model, field, _hash in STORED_FILES}
    found = {
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert found - listed == set()
    assert listed - found == set()
    for _label, app, model, _field, hash_field in STORED_FILES:
        assert apps.get_model(app, model)._meta.get_field(hash_field)
