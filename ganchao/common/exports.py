"""The one writer of every export (issue 12 item 2): .xlsx cells and CSV fields that no
spreadsheet evaluates.

Every export — units, goals, report values, manual scores, rankings, breakdowns, the decision
catalogue and exceptions, the enforcement archive's manifest — writes its cells with
`write_cell` / `write_table` and its CSV with `csv_text`. Text starting like a formula (= + - @,
a tab or a carriage return) is a text cell with Excel's quote prefix in a sheet, and gets a
leading single quote in CSV (the OWASP rule); numbers, negative ones too, stay numbers. A test
(common/tests/test_export_safety.py) walks the code for anything else that writes a sheet or a
CSV file.

openpyxl is imported by the functions that write a sheet, not with this module: every server
worker imports it, few ever export (its import alone is ≈ 10 MiB per process).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from ganchao.common import numbers
from ganchao.common.excel import cell_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def display_width(text: str) -> int:
    """Columns a text needs on screen: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SCORE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Figure:
    """A number shown to its own number of decimal places (an indicator's display precision),
    for a column whose rows differ in precision."""

    value: Decimal | int | float | None
    places: int = 2


def number_format(places: int, *, grouped: bool = False) -> str:
    """0 → `0`, 2 → `0.00`; grouped: `#,##0.00`."""
    whole = "#,##0" if grouped else "0"
    return whole + ("." + "0" * places if places > 0 else "")


def needs_escape(text: str) -> bool:
    """True for text a spreadsheet would take as a formula (=, +, -, @, tab, carriage return)."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_field(value) -> str:
    """A CSV field that a spreadsheet never evaluates: text starting with = + - @ (or a tab or
    carriage return) gets a leading single quote; numbers, negative ones too, stay as they are."""
    text = "" if value is None else str(value)
    if needs_escape(text) and numbers.finite(text) is None:
        return "'" + text
    return text


def write_cell(ws: Worksheet, row: int, column: int, value, fmt: str = ""):
    """One cell by the rules every export shares: numbers (and Figures) as numeric cells with a
    number format, dates as dates, text always as a text cell — openpyxl would otherwise store
    `=…` as a formula and `#N/A` as an error — with Excel's quote prefix when it starts like a
    formula, so that Excel never evaluates it while the cell's value stays the text itself
    (import reads back exactly what was written)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Figure):
        fmt = number_format(value.places, grouped=True)
        value = value.value
    if value is None or value == "":
        return cell
    if isinstance(value, bool):
        value = "是" if value else "否"  # the sheets' contract words, whatever the UI language
    if isinstance(value, int | float | Decimal):
        cell.value = value
        cell.number_format = fmt or "General"
    elif isinstance(value, datetime | date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)  # a sheet has no time zone
        cell.value = value
        default = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        cell.number_format = fmt or default
    else:
        text = str(value)
        cell.value = text
        cell.data_type = "s"
        if needs_escape(text):
            cell.quotePrefix = True
        if fmt:
            cell.number_format = fmt
    return cell


def write_table(
    ws: Worksheet,
    headers: list[str],
    rows,
    *,
    text_columns=(),
    wrap_columns=(),
    number_formats: dict[str, str] | None = None,
    max_width: int = 50,
) -> None:
    """A bold, frozen header row and the rows, each cell by `write_cell`; `text_columns` are
    written as text cells (so that codes keep their leading zeros), `number_formats` gives a
    column's number format (e.g. `0.00` for scores), columns are as wide as their content."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for column, header in enumerate(headers, start=1):
        write_cell(ws, 1, column, header).font = Font(bold=True)
    ws.freeze_panes = "A2"
    text_indexes = {headers.index(h) + 1 for h in text_columns}
    wrap_indexes = {headers.index(h) + 1 for h in wrap_columns}
    formats = {headers.index(h) + 1: f for h, f in (number_formats or {}).items()}
    widths = [display_width(str(h)) for h in headers]
    for row, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            if index in text_indexes:
                value = cell_text(value.value if isinstance(value, Figure) else value)
            fmt = "@" if index in text_indexes else formats.get(index, "")
            cell = write_cell(ws, row, index, value, fmt)
            shown = value.value if isinstance(value, Figure) else value
            widths[index - 1] = max(widths[index - 1], display_width(cell_text(shown)))
            if index in wrap_indexes:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = min(max(width + 2, 8), max_width)
        if index in text_indexes:
            ws.column_dimensions[letter].number_format = "@"


def example_font():
    """The grey italics of a template's example rows."""
    from openpyxl.styles import Font

    return Font(italic=True, color="808080")


def new_workbook() -> Workbook:
    """An empty workbook without its default sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows, *, header=None, bom: bool = False) -> str:
    """Rows (lists of values) as CSV text, every field through `csv_field`; `header` first when
    given; `bom` puts a UTF-8 byte-order mark in front so that Excel reads the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for line in [header, *rows] if header is not None else rows:
        writer.writerow([csv_field(value) for value in line])
    return ("\ufeff" if bom else "") + buffer.getvalue()
