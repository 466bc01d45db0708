"""Reading and writing .xlsx sheets by the rules every import shares (DESIGN.md 3.3).

No domain knowledge lives here: an importer names the key headers of its sheet, walks the
rows and reads each cell as text, number, date or list; every problem is recorded as an
ExcelError that names the row, the column letter and the header, e.g.
`第12行 G列（目标值）：不是数字`.

openpyxl (≈ 10 MiB once imported) is imported by the functions that read a sheet, not at the
module's import: every server worker imports this module, few ever read a sheet.
"""

import contextvars
import functools
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

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
        from openpyxl.utils import column_index_from_string

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
#
# An uploaded .xlsx is a zip archive, and a small one can unpack to gigabytes (a 1 MB file of
# 1 GiB of whitespace took 21.8 s and 2.1 GB; issue 12 item 7). So the archive's directory is
# checked before anything is unpacked, and each worksheet is read as a stream of rows — only
# plain values are kept, never openpyxl's cell objects — stopping at the first row past the limit.

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members together, as the zip directory declares
MAX_MEMBERS = 1000
MAX_RATIO = 100  # unpacked : packed, for a member larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MERGED_CELLS = 200_000
MEGABYTE = 1024 * 1024
PROGRESS_ROWS = 1000
# Set by a background import job: called with the rows read so far, every PROGRESS_ROWS rows.
row_progress: contextvars.ContextVar = contextvars.ContextVar("row_progress", default=None)


def max_data_rows() -> int:
    """The data rows one sheet may hold (settings.IMPORT_MAX_ROWS, 50,000 by default)."""
    return int(getattr(settings, "IMPORT_MAX_ROWS", MAX_DATA_ROWS))


def _too_many_rows(sheet: str) -> ExcelFileError:
    return ExcelFileError(
        _("工作表“%(sheet)s”超过 %(limit)d 行，请分成几个文件导入")
        % {"sheet": sheet, "limit": max_data_rows()}
    )


def check_xlsx(data: bytes, filename: str) -> zipfile.ZipFile:
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
    check_archive(archive)
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise ExcelFileError(_("这是 Word 文档，不是 Excel 表格，请另存为 .xlsx 格式"))
        raise ExcelFileError(_("文件不是 Excel 表格或已损坏，请另存为 .xlsx 格式"))
    return archive


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse, from the zip directory alone and before unpacking anything, an archive that
    would unpack too large (in total, or one member far larger than its packed size — a zip
    bomb), that holds too many members, or whose members are encrypted. Reading a member never
    yields more than the directory declares (zipfile stops there and checks the CRC)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ExcelFileError(
            _("文件内部包含 %(count)d 个部件，超过 %(limit)d 个的上限，不是正常的 Excel 表格")
            % {"count": len(members), "limit": MAX_MEMBERS}
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise ExcelFileError(_("文件已加密，请取消密码保护后另存为 .xlsx 格式再导入"))
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise ExcelFileError(
            _(
                "文件解压后达 %(size)d MB，超过 %(limit)d MB 的上限，请删除多余内容或分成几个文件导入"
            )
            % {"size": total // MEGABYTE, "limit": MAX_UNPACKED_BYTES // MEGABYTE}
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise ExcelFileError(
                _(
                    "文件内部的“%(name)s”压缩比达 %(ratio)d:1，超过 %(limit)d:1 的上限"
                    "（可能是恶意构造的压缩炸弹），已拒绝读取"
                )
                % {"name": member.filename[:80], "ratio": ratio, "limit": MAX_RATIO}
            )


def _unreadable(exc: Exception) -> ExcelFileError:
    error = ExcelFileError(_("文件无法读取，可能已损坏，请另存为 .xlsx 格式"))
    error.__cause__ = exc
    return error


def open_read_only(data: bytes):
    """The workbook in read-only mode: worksheets are parsed only when their rows are read."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it skips (data validation, slicers …); harmless
            warnings.simplefilter("ignore")
            reader = _lazy_reader()(io.BytesIO(data), read_only=True, data_only=True)
            reader.read()
            return reader.wb
    except Exception as exc:  # any failure to parse an uploaded file is the file's fault
        raise _unreadable(exc) from exc


@functools.cache
def _lazy_reader():
    """openpyxl's workbook reader (as load_workbook(read_only=True) uses it) whose worksheets
    read their declared size only when asked. openpyxl reads it as each worksheet is opened,
    and a sheet without a leading <dimension> (openpyxl's write-only mode writes none) is then
    parsed from end to end once more just to find there is none: 2 s of a 10,000-row goal
    sheet's 5 s of reading."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class LazySizeWorksheet(ReadOnlyWorksheet):
        _size_read = False

        def _get_size(self):
            pass  # on first use of a dimension, below

        def _read_size(self):
            if not self._size_read:
                self._size_read = True
                ReadOnlyWorksheet._get_size(self)

        @property
        def max_row(self):
            self._read_size()
            return self._max_row

        @property
        def max_column(self):
            self._read_size()
            return self._max_column

        @property
        def min_row(self):
            self._read_size()
            return self._min_row

        @property
        def min_column(self):
            self._read_size()
            return self._min_column

    class LazyReader(ExcelReader):
        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                ws = LazySizeWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    return LazyReader


@functools.cache
def _row_parser():
    """The row parser class, made on first use (it subclasses openpyxl's parser)."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    plain_text_tag = f"{{{SHEET_MAIN_NS}}}t"

    class _RowParser(WorkSheetParser):
        """openpyxl's streaming sheet parser keeping the cached values, which also notes the
        cells holding a formula with no cached value (Excel never opened and saved the file)."""

        def parse_cell(self, element):
            if element.get("t") == "inlineStr":
                cell = self._plain_inline_string(element)
                if cell is not None:
                    return cell
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["formula"] = True
            return cell

        def _plain_inline_string(self, element):
            """An inline string that is one plain text run (`<is><t>…</t></is>`, as openpyxl
            and our own exports write every text cell), read as openpyxl reads it — its Text
            object's content — without building that object (most of the reading time of such
            a sheet). None for anything else (rich text runs, phonetic text, attributes), which
            openpyxl reads."""
            child = element.find(INLINE_STRING)
            if child is None or child.attrib or len(child) != 1 or child[0].tag != plain_text_tag:
                return None
            style_id = element.get("s", 0)
            if style_id:
                style_id = int(style_id)
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            value = child[0].text or ""
            return {
                "row": row,
                "column": column,
                "value": value,
                "data_type": "s",
                "style_id": style_id,
            }

    return _RowParser


@dataclass(frozen=True)
class SheetCell:
    """One cell's value as read (a formula's cached value), its number format and place."""

    row: int
    column: int
    value: object = None
    number_format: str = "General"
    uncomputed: bool = False  # a formula without a cached value


class SheetData:
    """A worksheet's cells as plain values, read in one streaming pass: per row, the non-empty
    values by column, the style of numeric cells (for percent formats) and the merged ranges.
    Refuses, as soon as it reaches it, a row past the row limit."""

    def __init__(self, book, ws):
        self.title = ws.title
        self._book = book
        self.values: dict[int, dict[int, object]] = {}
        self.styles: dict[tuple[int, int], int] = {}
        self.uncomputed: set[tuple[int, int]] = set()
        self.merges: list[tuple[int, int, int, int]] = []
        self._texts: dict[str, str] = {}
        self.last_row = 0
        self.max_column = 0
        try:
            self._read(ws)
        except ExcelFileError:
            raise
        except Exception as exc:  # malformed XML inside the archive is the file's fault
            raise _unreadable(exc) from exc

    def _read(self, ws) -> None:
        workbook = ws.parent
        # the header may sit in any of the first rows, with a second header row below it
        furthest = max_data_rows() + HEADER_SEARCH_ROWS + 1
        with warnings.catch_warnings(), ws._get_source() as source:
            warnings.simplefilter("ignore")
            parser = _row_parser()(
                source, ws._shared_strings, data_only=True, epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )  # fmt: skip
            progress = row_progress.get()
            for count, (number, cells) in enumerate(parser.parse(), start=1):
                if cells and number > furthest:
                    raise _too_many_rows(ws.title)
                self._keep(number, cells)
                if progress is not None and count % PROGRESS_ROWS == 0:
                    progress(count)
            if parser.merged_cells is not None:
                from openpyxl.utils import range_boundaries

                for merged in parser.merged_cells.mergeCell:
                    low_col, low_row, high_col, high_row = range_boundaries(merged.ref)
                    self.merges.append((low_row, low_col, high_row, high_col))
        self._texts = {}

    def _keep(self, number: int, cells) -> None:
        kept = {}
        for cell in cells:
            row, column, value = cell["row"], cell["column"], cell["value"]
            if column > MAX_COLUMNS:
                continue
            if cell.get("formula"):
                self.uncomputed.add((row, column))
            if value is None or value == "":
                continue
            if value.__class__ is str:
                # one object for each distinct text: a sheet repeats its units, people and
                # phones on thousands of rows (a third of a 45,000-row sheet's memory)
                value = self._texts.setdefault(value, value)
            kept[column] = value
            style = cell["style_id"]
            # only a percent format changes how a number reads; other styles are not kept
            if style and isinstance(value, int | float) and self._percent_style(style):
                self.styles[(row, column)] = style
        if kept:
            self.values[number] = kept
            self.last_row = max(self.last_row, number)
            self.max_column = max(self.max_column, *kept)

    def number_format(self, style_id: int) -> str:
        return self._book.number_format(style_id)

    def _percent_style(self, style_id: int) -> bool:
        return is_percent_format(self._book.number_format(style_id))

    def release(self) -> None:
        """Drop the cells (a large sheet's values are most of an import's memory)."""
        self.values, self.styles, self.uncomputed = {}, {}, set()

    def cell(self, row: int, column: int) -> SheetCell:
        value = self.values.get(row, {}).get(column)
        style = self.styles.get((row, column))
        fmt = self.number_format(style) if style else "General"
        return SheetCell(row, column, value, fmt, (row, column) in self.uncomputed)


class ExcelBook:
    """An opened .xlsx, checked as an archive; its worksheets are read one at a time, as
    streams of rows, when a table is looked for."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._formats: dict[int, str] = {}
        self._sheets: list[SheetData] = []

    def release(self) -> None:
        """Free what reading took: the worksheets' cells and the open archive. The tables
        read from this book give no values afterwards."""
        for sheet in getattr(self, "_sheets", ()):
            sheet.release()
        self._sheets = []
        if self.workbook is not None:
            self.workbook.close()

    def __getstate__(self):
        # a result kept by a background import may hold its table; the open archive stays out
        return {"workbook": None, "_formats": self._formats}

    @classmethod
    def open(cls, data: bytes, filename: str = "") -> "ExcelBook":
        check_xlsx(data, filename)
        return cls(open_read_only(data))

    @property
    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def number_format(self, style_id: int) -> str:
        if style_id not in self._formats:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

            try:
                format_id = self.workbook._cell_styles[style_id].numFmtId
                if format_id < BUILTIN_FORMATS_MAX_SIZE:
                    fmt = BUILTIN_FORMATS.get(format_id, "General")
                else:
                    fmt = self.workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
            except (AttributeError, IndexError, KeyError):  # no such style, or book closed
                fmt = "General"
            self._formats[style_id] = fmt
        return self._formats[style_id]

    def find_table(self, keys, *, label: str = "", name: str = "") -> "Table | None":
        """The first worksheet (or the one called `name`) whose first five rows hold every key
        header; None when there is none."""
        for ws in self.workbook.worksheets:
            if name and normalise_header(ws.title) != normalise_header(name):
                continue
            if not hasattr(ws, "_get_source"):  # a chart sheet holds no cells
                continue
            sheet = SheetData(self, ws)
            self._sheets.append(sheet)
            merged = _merged_sources(sheet)
            header_row = _find_header_row(sheet, keys, merged)
            if header_row:
                return Table(self, sheet, header_row, label=label, merged=merged)
        return None


def _merged_sources(sheet: SheetData) -> dict[tuple[int, int], tuple[int, int]]:
    """Every non-anchor cell of a merged range → the range's top-left cell."""
    sources = {}
    last_row, last_column = sheet.last_row, sheet.max_column
    for low_row, low_col, high_row, high_col in sheet.merges:
        anchor = (low_row, low_col)
        for row in range(low_row, min(high_row, last_row) + 1):
            for column in range(low_col, min(high_col, last_column) + 1):
                if (row, column) != anchor:
                    sources[(row, column)] = anchor
            if len(sources) > MAX_MERGED_CELLS:
                raise ExcelFileError(
                    _("工作表“%(sheet)s”的合并单元格超过 %(limit)d 个，请取消合并后再导入")
                    % {"sheet": sheet.title, "limit": MAX_MERGED_CELLS}
                )
    return sources


def _header_values(sheet: SheetData, row: int, merged) -> list[str]:
    values = []
    for column in range(1, sheet.max_column + 1):
        source = merged.get((row, column), (row, column))
        values.append(normalise_header(sheet.cell(*source).value))
    return values


def _find_header_row(sheet: SheetData, keys, merged) -> int | None:
    for row in range(1, min(sheet.last_row, HEADER_SEARCH_ROWS) + 1):
        if set(keys) <= set(_header_values(sheet, row, merged)):
            return row
    return None


# ---- reading a table --------------------------------------------------------------------


class Table:
    """The rows below a header row. Errors found while reading cells collect in `errors`."""

    def __init__(self, book: ExcelBook, sheet: SheetData, header_row: int, *, label="", merged):
        self.book = book
        self.sheet = sheet
        self.title = sheet.title
        self.label = label
        self.header_row = header_row
        self.errors: list[ExcelError] = []
        self._merged = merged
        self.columns: dict[str, int] = {}
        self.grouped: dict[tuple[str, str], int] = {}
        two_rows = self._has_sub_headers()
        self.first_data_row = header_row + (2 if two_rows else 1)
        self._read_headers(two_rows)

    def _has_sub_headers(self) -> bool:
        row = self.header_row
        for low_row, low_col, high_row, high_col in self.sheet.merges:
            if low_row == row and high_row > row:
                return True
            if low_row == high_row == row and high_col > low_col:
                below = [self.sheet.cell(row + 1, c).value for c in range(low_col, high_col + 1)]
                if all(normalise_header(v) for v in below):
                    return True
        return False

    def _read_headers(self, two_rows: bool) -> None:
        tops = _header_values(self.sheet, self.header_row, self._merged)
        subs = _header_values(self.sheet, self.header_row + 1, self._merged) if two_rows else []
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
        from openpyxl.utils import get_column_letter

        column = self.columns.get(header)
        return get_column_letter(column) if column else ""

    def error(self, row: int | None, header: str, message: str) -> ExcelError:
        return ExcelError(message, row, self.letter(header), header, self.label)

    def rows(self) -> list["Row"]:
        """The data rows, skipping rows whose own cells are all empty."""
        if not self.columns:
            return []
        if self.sheet.last_row - self.first_data_row + 1 > max_data_rows():
            raise _too_many_rows(self.title)
        width = max(self.columns.values())
        result = []
        for number in sorted(self.sheet.values):
            if number < self.first_data_row:
                continue
            values = self.sheet.values[number]
            own = (
                column
                for column, value in values.items()
                if column <= width and (number, column) not in self._merged
            )
            if any(cell_text(values[column]) for column in own):
                result.append(Row(self, number))
        return result


NO_VALUES: dict = {}


class Row:
    """One data row; each reader returns the parsed value or None and records any error."""

    def __init__(self, table: Table, number: int):
        self.table = table
        self.number = number
        self._failed: set[str] | None = None  # made on the first error (most rows have none)

    def _source(self, header: str) -> tuple[int, int] | None:
        """Where the cell under `header` reads from (a merged range's anchor); None when the
        sheet has no such column."""
        column = self.table.columns.get(header)
        if column is None:
            return None
        return self.table._merged.get((self.number, column), (self.number, column))

    def _cell(self, header: str) -> SheetCell | None:
        source = self._source(header)
        return None if source is None else self.table.sheet.cell(*source)

    def _format(self, source: tuple[int, int] | None) -> str | None:
        if source is None:
            return None
        style = self.table.sheet.styles.get(source)
        return self.table.sheet.number_format(style) if style else "General"

    def value(self, header: str):
        """The cell's value (a merged range's value, a formula's cached value); None when empty,
        when the column is missing, or when a formula has no cached value (an error)."""
        return self._read(header)[1]

    def _read(self, header: str) -> tuple[tuple[int, int] | None, object]:
        """(where the cell reads from, its value) — see value(). Every reader goes through
        here: a sheet of 50,000 rows reads half a million cells."""
        column = self.table.columns.get(header)
        if column is None:
            return None, None
        source = (self.number, column)
        if self.table._merged:
            source = self.table._merged.get(source, source)
        sheet = self.table.sheet
        value = sheet.values.get(source[0], NO_VALUES).get(source[1])
        if value is None and sheet.uncomputed and source in sheet.uncomputed:
            self.fail(header, _("公式没有计算结果，请在 Excel 中打开、保存后再导入"))
        return source, value

    def text(self, header: str) -> str:
        return cell_text(self.value(header))

    def multi(self, header: str) -> list[str]:
        return split_multi(self.value(header))

    def _parse(self, header: str, parser, *args):
        value = self.value(header)
        try:
            return parser(value, *args) if header in self.table.columns else None
        except ValueError as exc:
            self.fail(header, str(exc))
            return None

    def _number(self, header: str, parser):
        source, value = self._read(header)
        if value is None:  # an empty cell, or a missing column: no number, no error
            return None
        try:
            return parser(value, self._format(source))
        except ValueError as exc:
            self.fail(header, str(exc))
            return None

    def decimal(self, header: str) -> Decimal | None:
        return self._number(header, parse_number)

    def integer(self, header: str) -> int | None:
        return self._number(header, parse_integer)

    def date(self, header: str, year: int | None = None) -> date | None:
        return self._parse(header, parse_date, year)

    def fail(self, header: str, message: str) -> None:
        """Record an error on this row's cell under `header` (one per cell)."""
        if self._failed is None:
            self._failed = set()
        elif header in self._failed:
            return
        self._failed.add(header)
        self.table.errors.append(self.table.error(self.number, header, message))

    def failed(self, header: str | None = None) -> bool:
        if not self._failed:
            return False
        return header is None or header in self._failed


# The writing half lives in common.exports (the one writer of every export); these names are
# still importable from here.
MOVED_TO_EXPORTS = {
    "DATE_FORMAT", "DATETIME_FORMAT", "FORMULA_TRIGGERS", "display_width", "SCORE_FORMAT", "Figure", "csv_field",
    "csv_text", "needs_escape", "new_workbook", "number_format", "workbook_bytes", "write_cell",
    "write_table",
}  # fmt: skip


def __getattr__(name: str):
    if name in MOVED_TO_EXPORTS:
        from ganchao.common import exports

        return getattr(exports, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
