"""Reading and writing .xlsx sheets by the rules every import shares (DESIGN.md 3.3).

No domain knowledge lives here: an importer names the key headers of its sheet, walks the
rows and reads each cell as text, number, date or list; every problem is recorded as an
ExcelError that names the row, the column letter and the header, e.g.
`第12行 G列（目标值）：不是数字`.
"""

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ganchao.common import numbers

HEADER_SEARCH_ROWS = 5
MAX_COLUMNS = 500
MAX_DATA_ROWS = 50_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .et and password-protected files
EXCEL_ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
MULTI_SEPARATORS = re.compile(r"[、，,；;\r\n\u2028\u2029]+")
NUMBER_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
LEADING_YEAR = re.compile(r"^\d{4}年")
TRAILING_PARENS = re.compile(r"[（(][^（()）]*[)）]$")
FULL_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
]
MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
MONTH_END = re.compile(r"(\d{1,2})月底")
YEAR_END = "年底"


class ExcelFileError(Exception):
    """The file as a whole cannot be read as the expected sheet; the message says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ExcelError:
    """One problem in a sheet, with the place it was found."""

    message: str
    row: int | None = None
    column: str = ""
    header: str = ""
    sheet: str = ""  # set for secondary worksheets only, so the main sheet reads as in 3.1

    @property
    def place(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("“%(sheet)s”表") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("第%(row)d行") % {"row": self.row})
        if self.column:
            parts.append(_("%(column)s列") % {"column": self.column})
        place = " ".join(parts)
        if self.header:
            place += f"（{self.header}）"
        return place

    def __str__(self) -> str:
        return f"{self.place}：{self.message}" if self.place else self.message

    def sort_key(self) -> tuple:
        column = column_index_from_string(self.column) if self.column else 0
        return (self.row or 0, column)


# ---- pure parsing -----------------------------------------------------------------------


def normalise_header(text) -> str:
    """`2026年 目标值（万元）` → `目标值`: whitespace, a leading year and a trailing
    parenthesised part are not part of a header's name."""
    if text is None:
        return ""
    value = re.sub(r"\s+", "", str(text))
    value = LEADING_YEAR.sub("", value)
    while (shorter := TRAILING_PARENS.sub("", value)) != value and shorter:
        value = shorter
    return value


def cell_text(value) -> str:
    """A cell as trimmed text; whole numbers lose their `.0`, dates read YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def split_multi(text) -> list[str]:
    """`西湖镇、东山镇；市统计局` → the parts, trimmed, empty ones dropped."""
    return [part.strip() for part in MULTI_SEPARATORS.split(cell_text(text)) if part.strip()]


def is_percent_format(number_format: str | None) -> bool:
    """True when the format shows a percent sign (quoted text and escapes do not count)."""
    if not number_format:
        return False
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format)
    return "%" in bare


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (12.500 → 12.5, 1E+2 → 100)."""
    value = value.normalize()
    if value.as_tuple().exponent > 0:
        try:
            return value.quantize(Decimal(1))
        except InvalidOperation:
            return value
    return value


def parse_number(value, number_format: str | None = None) -> Decimal | None:
    """A numeric cell (×100 when formatted as percent), or text such as `1,234.5` or `12.5%`.

    Empty gives None; anything else raises ValueError with the Chinese reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | date | time):
        raise ValueError(_("不是数字"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ValueError(_("不是数字"))
        return _plain(number * 100 if is_percent_format(number_format) else number)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in EXCEL_ERROR_VALUES:
        raise ValueError(_("单元格是错误值 %(value)s，不是数字") % {"value": text})
    if text.endswith("%"):
        text = text[:-1].strip()
    if not NUMBER_TEXT.fullmatch(text):
        raise ValueError(_("不是数字"))
    return _plain(Decimal(text.replace(",", "")))


def parse_integer(value, number_format: str | None = None) -> int | None:
    try:
        number = parse_number(value, number_format)
    except ValueError:
        raise ValueError(_("不是整数")) from None
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("不是整数"))
    return int(number)


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("日期不存在")) from None


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(_("日期不存在"))
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def parse_date(value, year: int | None = None) -> date | None:
    """An Excel date, `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D`, `YYYY年M月D日`, and — within a plan
    year — `M月D日`, `M月底`, `年底`; each may end in `前`. Empty gives None; anything else
    raises ValueError with the Chinese reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("不是日期（可写作 2026-06-30、2026年6月30日、6月底或年底）"))
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    text = text.removesuffix("前")
    for pattern in FULL_DATE_PATTERNS:
        if match := pattern.fullmatch(text):
            return _make_date(*(int(part) for part in match.groups()))
    in_year = MONTH_DAY.fullmatch(text) or MONTH_END.fullmatch(text) or text == YEAR_END
    if not in_year:
        raise ValueError(_("不是日期（可写作 2026-06-30、2026年6月30日、6月底或年底）"))
    if year is None:
        raise ValueError(_("日期缺少年份，请写成 2026年6月30日 这样的完整日期"))
    if text == YEAR_END:
        return date(year, 12, 31)
    if match := MONTH_DAY.fullmatch(text):
        return _make_date(year, int(match.group(1)), int(match.group(2)))
    return _month_end(year, int(MONTH_END.fullmatch(text).group(1)))


# ---- opening a workbook -----------------------------------------------------------------


def _check_xlsx(data: bytes, filename: str) -> zipfile.ZipFile:
    """Refuse anything but an .xlsx by name and by content (a zip holding a workbook part)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in {"xls", "et"} or data.startswith(OLE_MAGIC):
        raise ExcelFileError(
            _("这是旧版 Excel/WPS 表格（.xls/.et）或加密的文件，请另存为 .xlsx 格式")
        )
    if suffix and suffix != "xlsx":
        raise ExcelFileError(_("只能导入 .xlsx 文件，请另存为 .xlsx 格式"))
    if not data:
        raise ExcelFileError(_("文件是空的，请另存为 .xlsx 格式后重新选择"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExcelFileError(_("文件不是 Excel 表格或已损坏，请另存为 .xlsx 格式")) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise ExcelFileError(_("这是 Word 文档，不是 Excel 表格，请另存为 .xlsx 格式"))
        raise ExcelFileError(_("文件不是 Excel 表格或已损坏，请另存为 .xlsx 格式"))
    return archive


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    # Loading the formulas too doubles the reading time, so look for <f> elements first.
    pattern = re.compile(rb"<(?:\w+:)?f[\s>/]")
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as handle:
                if pattern.search(handle.read()):
                    return True
    return False


def _load(data: bytes, *, data_only: bool):
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it skips (data validation, slicers …); harmless
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=data_only)
    except Exception as exc:  # any failure to parse an uploaded file is the file's fault
        raise ExcelFileError(_("文件无法读取，可能已损坏，请另存为 .xlsx 格式")) from exc


class ExcelBook:
    """An opened .xlsx: the cached values, and the formulas to tell "no cached value" apart."""

    def __init__(self, values, formulas=None):
        self.values = values
        self.formulas = formulas

    @classmethod
    def open(cls, data: bytes, filename: str = "") -> "ExcelBook":
        archive = _check_xlsx(data, filename)
        formulas = _load(data, data_only=False) if _has_formulas(archive) else None
        return cls(_load(data, data_only=True), formulas)

    @property
    def sheet_names(self) -> list[str]:
        return [ws.title for ws in self.values.worksheets]

    def formula_at(self, sheet: str, row: int, column: int) -> str:
        if self.formulas is None:
            return ""
        cell = self.formulas[sheet].cell(row=row, column=column)
        return str(cell.value) if cell.data_type == "f" else ""

    def find_table(self, keys, *, label: str = "", name: str = "") -> "Table | None":
        """The first worksheet (or the one called `name`) whose first five rows hold every key
        header; None when there is none."""
        for ws in self.values.worksheets:
            if name and normalise_header(ws.title) != normalise_header(name):
                continue
            header_row = _find_header_row(ws, keys)
            if header_row:
                return Table(self, ws, header_row, label=label)
        return None


def _merged_sources(ws: Worksheet) -> dict[tuple[int, int], tuple[int, int]]:
    """Every non-anchor cell of a merged range → the range's top-left cell."""
    sources = {}
    last_row, last_column = ws.max_row, min(ws.max_column, MAX_COLUMNS)
    for merged in ws.merged_cells.ranges:
        anchor = (merged.min_row, merged.min_col)
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for column in range(merged.min_col, min(merged.max_col, last_column) + 1):
                if (row, column) != anchor:
                    sources[(row, column)] = anchor
    return sources


def _header_values(ws: Worksheet, row: int, merged) -> list[str]:
    width = min(ws.max_column, MAX_COLUMNS)
    values = []
    for column in range(1, width + 1):
        source = merged.get((row, column), (row, column))
        values.append(normalise_header(ws.cell(*source).value))
    return values


def _find_header_row(ws: Worksheet, keys) -> int | None:
    merged = _merged_sources(ws)
    for row in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
        if set(keys) <= set(_header_values(ws, row, merged)):
            return row
    return None


# ---- reading a table --------------------------------------------------------------------


class Table:
    """The rows below a header row. Errors found while reading cells collect in `errors`."""

    def __init__(self, book: ExcelBook, ws: Worksheet, header_row: int, *, label: str = ""):
        self.book = book
        self.ws = ws
        self.title = ws.title
        self.label = label
        self.header_row = header_row
        self.errors: list[ExcelError] = []
        self._merged = _merged_sources(ws)
        self.columns: dict[str, int] = {}
        self.grouped: dict[tuple[str, str], int] = {}
        two_rows = self._has_sub_headers()
        self.first_data_row = header_row + (2 if two_rows else 1)
        self._read_headers(two_rows)

    def _has_sub_headers(self) -> bool:
        row = self.header_row
        for merged in self.ws.merged_cells.ranges:
            if merged.min_row == row and merged.max_row > row:
                return True
            if merged.min_row == merged.max_row == row and merged.max_col > merged.min_col:
                below = [
                    self.ws.cell(row + 1, c).value
                    for c in range(merged.min_col, merged.max_col + 1)
                ]
                if all(normalise_header(v) for v in below):
                    return True
        return False

    def _read_headers(self, two_rows: bool) -> None:
        tops = _header_values(self.ws, self.header_row, self._merged)
        subs = _header_values(self.ws, self.header_row + 1, self._merged) if two_rows else []
        for index, top in enumerate(tops, start=1):
            name = top
            below_source = self._merged.get((self.header_row + 1, index))
            spans_down = below_source == self._merged.get(
                (self.header_row, index), (self.header_row, index)
            )
            if two_rows and subs[index - 1] and not spans_down:
                name = subs[index - 1]
                self.grouped.setdefault((top, name), index)
            if name:
                self.columns.setdefault(name, index)

    def has(self, header: str) -> bool:
        return header in self.columns

    def letter(self, header: str) -> str:
        column = self.columns.get(header)
        return get_column_letter(column) if column else ""

    def error(self, row: int | None, header: str, message: str) -> ExcelError:
        return ExcelError(message, row, self.letter(header), header, self.label)

    def rows(self) -> list["Row"]:
        """The data rows, skipping rows whose own cells are all empty."""
        if not self.columns:
            return []
        width = max(self.columns.values())
        last = self.ws.max_row
        if last - self.first_data_row + 1 > MAX_DATA_ROWS:
            raise ExcelFileError(
                _("工作表“%(sheet)s”超过 %(limit)d 行，请分成几个文件导入")
                % {"sheet": self.title, "limit": MAX_DATA_ROWS}
            )
        result = []
        for number, cells in enumerate(
            self.ws.iter_rows(min_row=self.first_data_row, max_row=last, max_col=width),
            start=self.first_data_row,
        ):
            if any(not isinstance(c, MergedCell) and cell_text(c.value) for c in cells):
                result.append(Row(self, number, cells))
        return result


class Row:
    """One data row; each reader returns the parsed value or None and records any error."""

    def __init__(self, table: Table, number: int, cells):
        self.table = table
        self.number = number
        self._cells = cells
        self._failed: set[str] = set()

    def _cell(self, header: str):
        column = self.table.columns.get(header)
        if column is None:
            return None
        source = self.table._merged.get((self.number, column))
        if source is not None:
            return self.table.ws.cell(*source)
        return self._cells[column - 1]

    def value(self, header: str):
        """The cell's value (a merged range's value, a formula's cached value); None when empty,
        when the column is missing, or when a formula has no cached value (an error)."""
        cell = self._cell(header)
        if cell is None:
            return None
        if cell.value is None and self.table.book.formula_at(
            self.table.title, cell.row, cell.column
        ):
            self.fail(header, _("公式没有计算结果，请在 Excel 中打开、保存后再导入"))
        return cell.value

    def text(self, header: str) -> str:
        return cell_text(self.value(header))

    def multi(self, header: str) -> list[str]:
        return split_multi(self.value(header))

    def _parse(self, header: str, parser, *args):
        cell = self._cell(header)
        value = self.value(header)
        try:
            return parser(value, *args) if cell is not None else None
        except ValueError as exc:
            self.fail(header, str(exc))
            return None

    def decimal(self, header: str) -> Decimal | None:
        cell = self._cell(header)
        return self._parse(header, parse_number, getattr(cell, "number_format", None))

    def integer(self, header: str) -> int | None:
        cell = self._cell(header)
        return self._parse(header, parse_integer, getattr(cell, "number_format", None))

    def date(self, header: str, year: int | None = None) -> date | None:
        return self._parse(header, parse_date, year)

    def fail(self, header: str, message: str) -> None:
        """Record an error on this row's cell under `header` (one per cell)."""
        if header in self._failed:
            return
        self._failed.add(header)
        self.table.errors.append(self.table.error(self.number, header, message))

    def failed(self, header: str | None = None) -> bool:
        return bool(self._failed) if header is None else header in self._failed


# ---- writing ----------------------------------------------------------------------------


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


def new_workbook() -> Workbook:
    """An empty workbook without its default sheet."""
    book = Workbook()
    book.remove(book.active)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
