"""Inline strings (`<c t="inlineStr"><is>…</is></c>`, as openpyxl and our exports write text)
read as Excel shows them: one plain run as written, spaces kept; rich text runs joined; the
phonetic guide (rPh) left out; an empty run as an empty cell (issue 13 reads the common plain
form without openpyxl's Text objects)."""

import io
import zipfile

from openpyxl import Workbook

from ganchao.common.excel import ExcelBook


def sheet_with_inline_strings(cells: dict[str, str]) -> bytes:
    """A sheet with header 编号/名称 and, in row 2, each placeholder text replaced by the given
    `<is>` XML."""
    book = Workbook()
    book.active.append(["编号", "名称", "备注"])
    book.active.append(list(cells))
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for placeholder, inline in cells.items():
                    text = text.replace(f"<is><t>{placeholder}</t></is>", inline)
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_inline_string_forms_read_as_excel_shows_them():
    data = sheet_with_inline_strings(
        {
            "A": '<is><t xml:space="preserve">  一号 </t></is>',
            "B": "<is><r><t>西湖</t></r><r><rPr><b/></rPr><t>镇</t></r></is>",
            "C": '<is><t>市统计局</t><rPh sb="0" eb="1"><t>shi</t></rPh></is>',
        }
    )
    table = ExcelBook.open(data).find_table(("编号", "名称"))
    (row,) = table.rows()
    assert row.value("编号") == "  一号 "
    assert row.text("编号") == "一号"
    assert row.text("名称") == "西湖镇"
    assert row.text("备注") == "市统计局"


def test_empty_inline_string_is_an_empty_cell():
    data = sheet_with_inline_strings(
        {"A": "<is><t></t></is>", "B": "<is><t/></is>", "C": "<is><t>x</t></is>"}
    )
    table = ExcelBook.open(data).find_table(("编号", "名称"))
    (row,) = table.rows()
    assert row.value("编号") is None and row.value("名称") is None
    assert row.text("备注") == "x"
