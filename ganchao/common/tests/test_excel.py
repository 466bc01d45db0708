"""The generic Excel layer (DESIGN.md 3.3): parsing rules as pure functions, and reading real
workbooks built in memory."""

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from ganchao.common.excel import (
    ExcelBook,
    ExcelError,
    ExcelFileError,
    cell_text,
    display_width,
    is_percent_format,
    new_workbook,
    normalise_header,
    parse_date,
    parse_integer,
    parse_number,
    split_multi,
    workbook_bytes,
    write_table,
)


def xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_value(data: bytes, formula: str, cached: str) -> bytes:
    """openpyxl writes formulas without a cached value; add one as Excel would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(
                    f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{cached}</v>".encode()
                )
            target.writestr(item, content)
    return out.getvalue()


# ---- headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("目标值", "目标值"),
        (" 目 标 值\n", "目标值"),
        ("2026年目标值", "目标值"),
        ("目标值（万元）", "目标值"),
        ("目标值(万元)", "目标值"),
        ("2026年 目标值 （万元）", "目标值"),
        ("目标值（万元）（备注）", "目标值"),
        ("（备注）", "（备注）"),
        (None, ""),
        (2026, "2026"),
    ],
)
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


HEADER_WORDS = st.text(
    alphabet=st.characters(whitelist_categories=("Lo",), max_codepoint=0x9FFF),
    min_size=1,
    max_size=8,
).filter(lambda s: not re.match(r"^\d{4}年", s))


@given(HEADER_WORDS, st.integers(1990, 2100), HEADER_WORDS)
def test_normalise_header_drops_year_and_unit(header, year, unit):
    assert normalise_header(f" {year}年{header} （{unit}）") == header


# ---- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (12, "General", Decimal("12")),
        (12.5, "General", Decimal("12.5")),
        (0.1, "General", Decimal("0.1")),
        (0.125, "0.0%", Decimal("12.5")),
        (1, "0%", Decimal("100")),
        (0.07, "0.00%", Decimal("7")),
        (5, '0"%"', Decimal("5")),
        (5, '"合计"0', Decimal("5")),
        ("1,234,567.5", None, Decimal("1234567.5")),
        ("12.5%", None, Decimal("12.5")),
        (" -3 ", None, Decimal("-3")),
        ("１２３", None, Decimal("123")),
        ("1，234", None, Decimal("1234")),
        (".5", None, Decimal("0.5")),
        (Decimal("2.50"), None, Decimal("2.5")),
        (None, None, None),
        ("  ", None, None),
    ],
)
def test_parse_number(value, number_format, expected):
    assert parse_number(value, number_format) == expected


@pytest.mark.parametrize(
    "value", ["abc", "1,23", "12.5.1", "1e5", "12%%", True, datetime(2026, 1, 1), float("nan")]
)
def test_parse_number_refuses(value):
    with pytest.raises(ValueError, match="不是数字"):
        parse_number(value)


def test_parse_number_names_excel_error_values():
    with pytest.raises(ValueError, match="#DIV/0!"):
        parse_number("#DIV/0!")


def test_percent_format_ignores_quoted_and_escaped_signs():
    assert is_percent_format("0.00%")
    assert not is_percent_format('0"%"')
    assert not is_percent_format("0\\%")
    assert not is_percent_format("General")
    assert not is_percent_format(None)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_parse_number_reads_thousands_separators(value):
    text = f"{value:,}"
    assert parse_number(text) == value
    assert parse_number(f"{text}%") == value


@given(st.integers(-(10**9), 10**9))
def test_parse_number_percent_cell_is_points(value):
    assert parse_number(value / 100, "0%") == Decimal(repr(value / 100)) * 100


def test_parse_integer():
    assert parse_integer("12") == 12
    assert parse_integer(3.0) == 3
    assert parse_integer("") is None
    with pytest.raises(ValueError, match="不是整数"):
        parse_integer("3.5")


# ---- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 6, 30, 0, 0), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        ("2026-06-30", date(2026, 6, 30)),
        ("2026-6-3", date(2026, 6, 3)),
        ("2026/6/30", date(2026, 6, 30)),
        ("2026.6.30", date(2026, 6, 30)),
        ("2026年6月30日", date(2026, 6, 30)),
        ("2026年6月30日前", date(2026, 6, 30)),
        (" 2026 年 6 月 30 日 ", date(2026, 6, 30)),
        ("２０２６－０６－３０", date(2026, 6, 30)),
        ("6月30日", date(2026, 6, 30)),
        ("6月30日前", date(2026, 6, 30)),
        ("2月底", date(2026, 2, 28)),
        ("12月底前", date(2026, 12, 31)),
        ("年底", date(2026, 12, 31)),
        ("年底前", date(2026, 12, 31)),
        (None, None),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    if expected is None and value:
        with pytest.raises(ValueError):
            parse_date(value, 2026)
    else:
        assert parse_date(value, 2026) == expected


def test_parse_date_leap_year_month_end():
    assert parse_date("2月底", 2028) == date(2028, 2, 29)


@pytest.mark.parametrize("value", ["长期坚持", "持续推进", "2026-13-01", "2月30日", "6月", 46203])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value, 2026)


def test_parse_date_in_year_forms_need_a_year():
    with pytest.raises(ValueError, match="年份"):
        parse_date("6月底")
    assert parse_date("2026-06-30") == date(2026, 6, 30)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), st.booleans())
def test_parse_date_every_written_form(day, before):
    suffix = "前" if before else ""
    for text in (
        f"{day.year}-{day.month:02d}-{day.day:02d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert parse_date(text + suffix) == day
    assert parse_date(f"{day.month}月{day.day}日{suffix}", day.year) == day


# ---- lists and text ---------------------------------------------------------------------


def test_split_multi():
    assert split_multi("西湖镇、东山镇，市统计局,甲；乙;丙\n丁\r\n戊") == [
        "西湖镇", "东山镇", "市统计局", "甲", "乙", "丙", "丁", "戊",
    ]  # fmt: skip
    assert split_multi(" 西湖镇 、、 ") == ["西湖镇"]
    assert split_multi(None) == []


PART = st.text(alphabet="甲乙丙丁镇村局 ", min_size=1, max_size=6).filter(lambda s: s.strip())


@given(st.lists(PART, min_size=1, max_size=6), st.sampled_from(["、", "，", ",", "；", ";", "\n"]))
def test_split_multi_round_trip(parts, separator):
    assert split_multi(separator.join(parts)) == [p.strip() for p in parts]


def test_cell_text():
    assert cell_text(101.0) == "101"
    assert cell_text(1.5) == "1.5"
    assert cell_text(datetime(2026, 1, 2)) == "2026-01-02"
    assert cell_text("  a ") == "a"
    assert cell_text(None) == ""


def test_error_message_names_the_place():
    error = ExcelError("不是数字", 12, "G", "目标值")
    assert str(error) == "第12行 G列（目标值）：不是数字"
    assert str(ExcelError("找不到单位“甲”", 3, "C", "分管单位", "领导分工")) == (
        "“领导分工”表 第3行 C列（分管单位）：找不到单位“甲”"
    )
    assert str(ExcelError("文件已损坏")) == "文件已损坏"


# ---- opening files ----------------------------------------------------------------------


def simple_book(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    return xlsx(book)


@pytest.mark.parametrize("name", ["单位.xls", "单位.et", "单位.XLS", "单位.csv"])
def test_old_and_other_formats_are_refused_by_name(name):
    with pytest.raises(ExcelFileError, match="请另存为 .xlsx 格式"):
        ExcelBook.open(simple_book(["a"]), name)


def test_ole_content_is_refused_whatever_the_name():
    with pytest.raises(ExcelFileError, match="请另存为 .xlsx 格式"):
        ExcelBook.open(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "单位.xlsx")


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"garbage bytes \x00\x01", "请另存为 .xlsx 格式"),
        (docx_bytes(), "Word 文档"),
        (simple_book(["a"])[:300], "请另存为 .xlsx 格式"),
    ],
)
def test_content_that_is_not_a_workbook(data, message):
    with pytest.raises(ExcelFileError, match=message):
        ExcelBook.open(data, "单位.xlsx")


def test_broken_workbook_part_is_a_clear_error():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml <<<")
    with pytest.raises(ExcelFileError, match="无法读取"):
        ExcelBook.open(out.getvalue(), "")


# ---- tables -----------------------------------------------------------------------------


def test_header_row_found_below_title_rows():
    book = Workbook()
    sheet = book.active
    sheet.append(["2026年单位表"])
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(["编号", " 名 称 ", "2026年目标值（万元）"])
    sheet.append(["1", "甲", 5])
    table = ExcelBook.open(xlsx(book)).find_table(("编号", "名称"))
    assert table.header_row == 3
    assert set(table.columns) == {"编号", "名称", "目标值"}
    (row,) = table.rows()
    assert (row.number, row.text("名称"), row.decimal("目标值")) == (4, "甲", Decimal(5))


def test_header_beyond_the_fifth_row_is_not_found():
    book = Workbook()
    for _ in range(5):
        book.active.append(["说明"])
    book.active.append(["编号", "名称"])
    assert ExcelBook.open(xlsx(book)).find_table(("编号", "名称")) is None


def test_find_table_picks_the_sheet_with_the_keys():
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["编号"])
    data = book.create_sheet("数据")
    data.append(["编号", "名称"])
    data.append(["1", "甲"])
    opened = ExcelBook.open(xlsx(book))
    assert opened.find_table(("编号", "名称")).title == "数据"
    assert opened.find_table(("编号", "名称"), name="说明") is None
    assert opened.sheet_names == ["说明", "数据"]


def test_two_row_headers_read_sub_headers():
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "分季度目标", None, None, None, "备注"])
    sheet.append([None, None, "一季度", "二季度", "三季度", "四季度", None])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.merge_cells("C1:F1")
    sheet.merge_cells("G1:G2")
    sheet.append(["1", "甲", 1, 2, 3, 4, "无"])
    table = ExcelBook.open(xlsx(book)).find_table(("编号", "名称"))
    assert table.first_data_row == 3
    assert table.columns == {
        "编号": 1, "名称": 2, "一季度": 3, "二季度": 4, "三季度": 5, "四季度": 6, "备注": 7,
    }  # fmt: skip
    assert table.grouped[("分季度目标", "三季度")] == 5
    (row,) = table.rows()
    assert [row.integer(q) for q in ("一季度", "二季度", "三季度", "四季度")] == [1, 2, 3, 4]
    assert row.text("备注") == "无"


def test_merged_cells_apply_to_every_row():
    book = Workbook()
    sheet = book.active
    sheet.append(["单位名称", "上级单位"])
    for name in ("甲村", "乙村", "丙村"):
        sheet.append([name, None])
    sheet["B2"] = "西湖镇"
    sheet.merge_cells("B2:B4")
    table = ExcelBook.open(xlsx(book)).find_table(("单位名称", "上级单位"))
    assert [(r.text("单位名称"), r.text("上级单位")) for r in table.rows()] == [
        ("甲村", "西湖镇"), ("乙村", "西湖镇"), ("丙村", "西湖镇"),
    ]  # fmt: skip


def test_blank_rows_are_skipped_and_numbers_checked():
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "目标值", "完成率", "完成时限"])
    sheet.append(["1", "甲", "很多", 0.5, "长期坚持"])
    sheet.append([None, None, None])
    sheet.append(["2", "乙", "1,200", "85%", "6月底"])
    sheet["D2"].number_format = "0%"
    table = ExcelBook.open(xlsx(book)).find_table(("编号", "名称"))
    first, second = table.rows()
    assert first.decimal("目标值") is None
    assert first.decimal("完成率") == Decimal(50)
    assert first.date("完成时限", 2026) is None
    assert second.number == 4
    assert second.decimal("目标值") == Decimal(1200)
    assert second.decimal("完成率") == Decimal(85)
    assert second.date("完成时限", 2026) == date(2026, 6, 30)
    assert [str(e) for e in table.errors] == [
        "第2行 C列（目标值）：不是数字",
        "第2行 E列（完成时限）：不是日期（可写作 2026-06-30、2026年6月30日、6月底或年底）",
    ]
    assert first.failed("目标值") and not second.failed()


def test_missing_column_reads_as_empty():
    table = ExcelBook.open(simple_book(["编号", "名称"], ["1", "甲"])).find_table(("编号", "名称"))
    (row,) = table.rows()
    assert row.value("目标值") is None and row.decimal("目标值") is None
    assert not table.has("目标值") and table.letter("目标值") == ""


def test_one_error_per_cell():
    table = ExcelBook.open(simple_book(["编号", "名称"], ["1", "甲"])).find_table(("编号", "名称"))
    (row,) = table.rows()
    row.fail("名称", "第一个问题")
    row.fail("名称", "第二个问题")
    assert [e.message for e in table.errors] == ["第一个问题"]


def test_formula_uses_the_cached_value():
    book = Workbook()
    book.active.append(["编号", "目标值"])
    book.active.append(["1", "=2*21"])
    data = with_cached_value(xlsx(book), "2*21", "42")
    table = ExcelBook.open(data).find_table(("编号", "目标值"))
    (row,) = table.rows()
    assert row.decimal("目标值") == Decimal(42)
    assert table.errors == []


def test_formula_without_cached_value_is_an_error_naming_the_cell():
    book = Workbook()
    book.active.append(["编号", "名称", "目标值"])
    book.active.append(["1", "甲", "=2*21"])
    table = ExcelBook.open(xlsx(book)).find_table(("编号", "名称"))
    (row,) = table.rows()
    assert row.decimal("目标值") is None
    (error,) = table.errors
    assert (error.row, error.column, error.header) == (2, "C", "目标值")
    assert "公式没有计算结果" in error.message


def test_too_many_rows(settings):
    settings.IMPORT_MAX_ROWS = 2
    data = simple_book(["编号", "名称"], ["1", "甲"], ["2", "乙"], ["3", "丙"])
    with pytest.raises(ExcelFileError, match="超过 2 行"):
        ExcelBook.open(data).find_table(("编号", "名称")).rows()


# ---- writing ----------------------------------------------------------------------------


def test_write_table_keeps_codes_as_text():
    book = new_workbook()
    sheet = book.create_sheet("单位")
    write_table(
        sheet,
        ["编码", "名称", "排序"],
        [["007", "西湖镇", 3], [101, "东山镇", 1]],
        text_columns=["编码"],
    )
    reread = load_workbook(io.BytesIO(workbook_bytes(book)))["单位"]
    assert reread.freeze_panes == "A2"
    assert reread["A1"].font.bold
    assert [reread["A2"].value, reread["A3"].value] == ["007", "101"]
    assert reread["A2"].number_format == "@"
    assert reread["C2"].value == 3
    assert reread.column_dimensions["B"].width >= display_width("西湖镇")
    table = ExcelBook.open(workbook_bytes(book)).find_table(("编码", "名称"))
    assert [row.text("编码") for row in table.rows()] == ["007", "101"]


def test_display_width_counts_wide_characters_twice():
    assert display_width("ab") == 2
    assert display_width("单位") == 4


# ---- the cell writer every export shares (issue 9 item 5) ----------------------------------


def test_write_cell_keeps_numbers_numeric_and_formulas_inert():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from ganchao.common.excel import Figure, write_cell

    book = new_workbook()
    ws = book.create_sheet("表")
    values = [
        ('=HYPERLINK("x")', ""), ("+1", ""), ("-", ""), ("@A1", ""), ("#N/A", ""),
        (Decimal("31.00"), "0.00"), (Figure(Decimal("4.67"), 0), ""), (True, ""),
        (dt.date(2026, 3, 31), ""),
        (dt.datetime(2026, 3, 31, 2, 0, tzinfo=dt.UTC), ""),
    ]  # fmt: skip
    for column, (value, fmt) in enumerate(values, start=1):
        write_cell(ws, 1, column, value, fmt)
    reread = load_workbook(io.BytesIO(workbook_bytes(book)))["表"]
    cells = list(reread[1])
    for cell in cells[:5]:
        assert cell.data_type == "s" and cell.quotePrefix == (cell.value != "#N/A")
    assert [c.value for c in cells[:5]] == ['=HYPERLINK("x")', "+1", "-", "@A1", "#N/A"]
    assert (cells[5].value, cells[5].data_type, cells[5].number_format) == (31, "n", "0.00")
    assert (cells[6].value, cells[6].number_format) == (4.67, "#,##0")
    assert cells[7].value == "是"
    assert cells[8].value == dt.datetime(2026, 3, 31) and cells[8].number_format == "yyyy-mm-dd"
    local = dt.datetime(2026, 3, 31, 2, tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert cells[9].value == local.replace(tzinfo=None)


def test_a_written_table_reads_back_as_written():
    book = new_workbook()
    ws = book.create_sheet("单位")
    rows = [["001", '=HYPERLINK("x")', Decimal("12.50")], ["002", "-负数", 3]]
    write_table(
        ws, ["编码", "名称", "得分"], rows, text_columns=["编码"], number_formats={"得分": "0.00"}
    )
    table = ExcelBook.open(workbook_bytes(book)).find_table(("编码", "名称"))
    read = [(r.text("编码"), r.text("名称"), r.decimal("得分")) for r in table.rows()]
    assert read == [("001", '=HYPERLINK("x")', Decimal("12.5")), ("002", "-负数", Decimal(3))]
    assert not table.errors
