"""The unit sheet pages: upload → preview (nothing written) → confirm; downloads; only for
system administrators."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ganchao.audit.models import AuditEvent
from ganchao.orgs.models import Unit
from ganchao.orgs.tests.sheets import BAD_ROWS, GOOD_ROWS, unit_book, unit_sheet, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ["orgs:unit_import", "orgs:unit_export", "orgs:unit_template"]


def upload(client, data: bytes, name: str = "单位表.xlsx"):
    return client.post(reverse("orgs:unit_import"), {"file": SimpleUploadedFile(name, data, XLSX)})


@pytest.mark.parametrize("page", PAGES)
def test_other_users_get_404(city, login, page):
    for user in (city.office, city.security, city.liaison_a, city.auditor):
        assert login(user).get(reverse(page)).status_code == 404
    client = login(city.office)
    assert client.post(reverse("orgs:unit_import_confirm"), {"digest": "0" * 64}).status_code == 404


def test_page_and_navigation(city, login):
    response = login(city.admin).get(reverse("orgs:unit_import"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "单位表导入导出" in content
    assert reverse("orgs:unit_export") in content and reverse("orgs:unit_template") in content
    admin_home = login(city.admin).get(reverse("web:home")).content.decode()
    assert f'href="{reverse("orgs:unit_import")}"' in admin_home
    office_home = login(city.office).get(reverse("web:home")).content.decode()
    assert reverse("orgs:unit_import") not in office_home


def test_preview_of_a_bad_sheet_shows_every_error_and_writes_nothing(city, login, settings):
    units, events = Unit.objects.count(), AuditEvent.objects.count()
    response = upload(login(city.admin), unit_sheet(BAD_ROWS))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in content
    assert "有 3 处问题，没有导入任何数据" in content
    assert "<strong>第3行 C列（上级单位）</strong>：找不到单位“南湖镇”" in content
    assert "第4行 B列（单位名称）" in content and "第5行 D列（单位类型）" in content
    assert "确认导入" not in content
    assert (Unit.objects.count(), AuditEvent.objects.count()) == (units, events)
    assert not list((settings.DATA_DIR / "imports").glob("*.xlsx"))


def test_preview_then_confirm(city, login, settings):
    client = login(city.admin)
    units = Unit.objects.count()
    response = upload(client, unit_sheet(GOOD_ROWS))
    content = response.content.decode()
    assert "新增 4，更新 0，未变 0" in content
    assert "将新增 4 个单位" in content and "北湖镇" in content
    assert "确认导入" in content
    assert Unit.objects.count() == units
    digest = response.context["result"].sha256
    assert (settings.DATA_DIR / "imports" / f"{digest}.xlsx").is_file()
    response = client.post(
        reverse("orgs:unit_import_confirm"), {"digest": digest, "filename": "单位表.xlsx"}
    )
    assert response.status_code == 302
    assert Unit.objects.count() == units + 4
    assert AuditEvent.objects.filter(action="unit.import", actor_id=city.admin.pk).count() == 1
    assert not (settings.DATA_DIR / "imports" / f"{digest}.xlsx").exists()
    page = client.get(response.url).content.decode()
    assert "单位表已导入（新增 4，更新 0，未变 0）" in page


def test_preview_lists_updates_and_warnings(city, login):
    rows = [["C101", "西湖镇", "赶超市", "镇", "", "西湖", 0]]
    content = upload(login(city.admin), unit_sheet(rows)).content.decode()
    assert "将修改 1 个单位" in content
    assert "简称：（空） → 西湖" in content
    assert "条提示" in content and "市统计局（C003）" in content


@pytest.mark.parametrize("digest", ["0" * 64, "../../secret_key", ""])
def test_confirm_without_a_previewed_file(city, login, digest):
    client = login(city.admin)
    response = client.post(reverse("orgs:unit_import_confirm"), {"digest": digest})
    assert response.status_code == 302
    assert "找不到待导入的文件" in client.get(response.url).content.decode()


def test_confirm_rechecks_against_current_data(city, login):
    client = login(city.admin)
    digest = upload(client, unit_sheet(GOOD_ROWS)).context["result"].sha256
    Unit.objects.filter(code="C").update(name="新市名")  # the parent named in the file is gone
    response = client.post(reverse("orgs:unit_import_confirm"), {"digest": digest})
    content = response.content.decode()
    assert response.status_code == 200
    assert "预览之后单位数据已被修改" in content and "找不到单位“赶超市”" in content
    assert not Unit.objects.filter(name="北湖镇").exists()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00garbage\xff" * 50, "单位表.xlsx", "请另存为 .xlsx 格式"),
        (docx(), "单位表.xlsx", "这是 Word 文档"),
        (workbook_bytes(unit_book([], headers=[])), "单位表.xlsx", "找不到单位表"),
        (workbook_bytes(unit_book([], headers=["名称", "类型"])), "单位表.xlsx", "找不到单位表"),
        (workbook_bytes(unit_book([])), "单位表.xlsx", "表中没有单位"),
        (unit_sheet(GOOD_ROWS), "单位表.xls", "请另存为 .xlsx 格式"),
        (b"", "单位表.xlsx", "文件是空的"),
    ],
)
def test_any_uploaded_file_gets_a_clear_message(city, login, data, name, message):
    response = upload(login(city.admin), data, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_upload_without_a_file(city, login):
    response = login(city.admin).post(reverse("orgs:unit_import"), {})
    assert "请选择要上传的 .xlsx 文件" in response.content.decode()


def test_export_download(city, login):
    response = login(city.admin).get(reverse("orgs:unit_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert [row[0] for row in book["单位"].iter_rows(min_row=2, values_only=True)][:2] == [
        "C", "C001",
    ]  # fmt: skip


def test_template_download(city, login):
    response = login(city.admin).get(reverse("orgs:unit_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "填写说明" in book.sheetnames
    assert book["单位"].max_row >= 2
