"""Building unit sheets in memory for the tests."""

import io

from openpyxl import Workbook

UNIT_HEADERS = ["单位编码", "单位名称", "上级单位", "单位类型", "单位类别", "简称", "排序"]

# For the city of ganchao/conftest.py.
GOOD_ROWS = [
    # 单位编码, 单位名称, 上级单位, 单位类型, 单位类别, 简称, 排序
    ["", "张家村", "北湖镇", "村", "", "张村", 2],  # its parent comes later in the file
    ["", "北湖镇", "赶超市", "镇", "乡镇（街道）", "北湖、北湖乡", 5],
    ["", "市发展改革委", "C", "部门", "市直部门", "发改委", 1],
    ["", "第一网格", "北湖镇/张家村", "网格", "", "", ""],
]
BAD_ROWS = [
    ["", "北湖镇", "赶超市", "镇", "", "", 1],
    ["", "张家村", "南湖镇", "村", "", "", 1],  # unknown parent
    ["", "北湖镇", "赶超市", "镇", "", "", 2],  # duplicate name under the same parent
    ["", "发改村", "赶超市", "村", "", "", 1],  # a village cannot sit under the city
]


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LEADER_HEADERS = ["姓名", "职务", "分管单位"]


def unit_book(
    rows, *, leaders=None, headers=UNIT_HEADERS, title_rows=(), leader_headers=LEADER_HEADERS
) -> Workbook:
    """A unit sheet: optional title rows above the header, then the rows; a 领导分工 sheet
    when `leaders` is given."""
    book = Workbook()
    sheet = book.active
    sheet.title = "单位"
    for title in title_rows:
        sheet.append(list(title))
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    if leaders is not None:
        leader_sheet = book.create_sheet("领导分工")
        leader_sheet.append(list(leader_headers))
        for row in leaders:
            leader_sheet.append(list(row))
    return book


def unit_sheet(rows, **kwargs) -> bytes:
    return workbook_bytes(unit_book(rows, **kwargs))
