"""Catalogue items to and from Excel: the export reads back through the import; a sheet with an
excluded category or an unknown unit imports nothing and names each bad cell."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from ganchao.common.tests.api_client import TokenApi
from ganchao.decisions.models import Catalogue
from ganchao.decisions.services import catalogue as services

pytestmark = pytest.mark.django_db


def _sheet(rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(services.SHEET_HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(data):
    return SimpleUploadedFile(
        "目录.xlsx",
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_export_then_import_round_trip(dcity, login):
    """Given the published catalogue. When its sheet is exported and imported into a new draft
    catalogue, Then the draft holds the same items (title, category, unit)."""
    client = login(dcity.office)
    exported = client.get(f"/decisions/catalogues/{dcity.catalogue.pk}/export.xlsx")
    assert exported.status_code == 200
    ws = load_workbook(io.BytesIO(exported.content)).active
    assert [c.value for c in ws[1]] == services.SHEET_HEADERS
    assert ws["D2"].value == "C004"
    draft = services.catalogue_create(actor=dcity.office, owner=dcity.root, year=2027)
    response = client.post(
        f"/decisions/catalogues/{draft.pk}/import/", {"file": _upload(exported.content)}
    )
    assert response.status_code == 302
    assert list(draft.items.values_list("seq", "title", "category", "undertaking_unit")) == list(
        dcity.catalogue.items.values_list("seq", "title", "category", "undertaking_unit")
    )


def test_a_bad_sheet_imports_nothing_and_names_each_cell(dcity, login):
    """Given a sheet with an emergency-response item (A1) and an unknown unit. When imported,
    Then nothing is added and the page names both cells."""
    draft = services.catalogue_create(actor=dcity.office, owner=dcity.root, year=2027)
    data = _sheet(
        [
            [1, "防汛应急处置", "突发事件应急处置决策", "C004", "", ""],
            [2, "城市更新规划", "经济社会发展重要规划", "不存在的局", "", ""],
            [3, "公交票价", "重大公共政策和措施", "市发展和改革委员会", "2027年三季度", ""],
        ]
    )
    response = login(dcity.office).post(
        f"/decisions/catalogues/{draft.pk}/import/", {"file": _upload(data)}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "第2行 C列（类别）：【A1】" in html
    assert "第3行 D列（拟承办单位）" in html
    assert not draft.items.exists()


def test_import_over_the_api(dcity):
    draft = services.catalogue_create(actor=dcity.office, owner=dcity.root, year=2027)
    data = _sheet([[1, "公交票价", "policy", "C004", "", ""]])
    api = TokenApi(dcity.office)
    response = api.multipart(f"/decision-catalogues/{draft.pk}/import", {"file": _upload(data)})
    assert response.status_code == 200, response.content
    assert response.json() == {"imported": 1}
    published = api.multipart(
        f"/decision-catalogues/{dcity.catalogue.pk}/import", {"file": _upload(data)}
    )
    assert published.status_code == 409
    exported = api.get(f"/decision-catalogues/{draft.pk}/items.xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    assert Catalogue.objects.get(pk=draft.pk).items.count() == 1
