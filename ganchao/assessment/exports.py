"""Ranking layouts of `ganchao ranking` (DESIGN.md 3.10): JSON, CSV and .xlsx from snapshot rows,
and the point-by-point breakdown sheet. Every score in a sheet is a numeric cell shown to two
places and every value one shown to its indicator's precision; text never runs as a formula
(common.excel's writer; CSV fields starting like a formula get a leading quote)."""

import datetime as dt
import json
from decimal import Decimal

from ganchao.assessment.engine import (
    SERVICE_ON_TIME_WEIGHT,
    SERVICE_SATISFACTION_WEIGHT,
    round2,
)
from ganchao.assessment.filling import fill_note
from ganchao.common.excel import cell_text
from ganchao.common.exports import (
    SCORE_FORMAT,
    Figure,
    csv_text,
    new_workbook,
    workbook_bytes,
    write_cell,
    write_table,
)
from ganchao.common.numbers import finite

FIXED_COLUMNS = ["排名", "单位编码", "单位", "总分", "等次", "一票否决"]


def ordered(rows: list[dict]) -> list[dict]:
    """By rank (unranked units last), then unit code."""
    return sorted(rows, key=lambda row: (row["rank"] is None, row["rank"] or 0, row["unit_code"]))


def ranking_row(row: dict) -> dict:
    """One unit in the layout of `ganchao ranking --format json` (DESIGN.md 3.10)."""
    return {
        "unit_code": row["unit_code"],
        "unit": row["unit"],
        "rank": int(row["rank"]) if row["rank"] is not None else None,
        "total": row["total"],
        "grade": row["grade"],
        "veto": bool(row["veto"]),
        "components": [
            {key: c[key] for key in ("code", "name", "points", "score")} for c in row["components"]
        ],
    }


def ranking_json(rows: list[dict]) -> str:
    data = [ranking_row(row) for row in ordered(rows)]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _score(value) -> Decimal | None:
    """A snapshot's score string ("31.00") as the number it is, two places."""
    number = finite(value)
    return None if number is None else round2(number)


def ranking_table(rows: list[dict]) -> list[list]:
    """The header and one line per unit: the fixed columns, then one per component; scores as
    Decimals (two places), the rank as an int."""
    rows = ordered(rows)
    names = [c["name"] for c in rows[0]["components"]] if rows else []
    table = [FIXED_COLUMNS + names]
    for row in rows:
        table.append(
            [row["rank"], row["unit_code"], row["unit"], _score(row["total"]), row["grade"]]
            + ["是" if row["veto"] else "否"]
            + [_score(c["score"]) for c in row["components"]]
        )
    return table


def ranking_csv(rows: list[dict]) -> str:
    return csv_text(ranking_table(rows))


def ranking_xlsx(rows: list[dict], title: str, unassessed=()) -> bytes:
    """The ranking sheet; units with nothing to assess (not ranked) listed under the table."""
    header, *lines = ranking_table(rows)
    book = new_workbook()
    sheet = book.create_sheet(title[:31] or "排名")
    scores = dict.fromkeys(header[len(FIXED_COLUMNS) :] + ["总分"], SCORE_FORMAT)
    write_table(sheet, header, lines, text_columns=["单位编码"], number_formats=scores)
    _unassessed_lines(sheet, len(lines) + 3, unassessed)
    return workbook_bytes(book)


UNASSESSED = "本期无考核内容"


def _unassessed_lines(sheet, first: int, unassessed) -> None:
    """Under the table, after a blank line: a note, then code and name of each unit with
    nothing to assess and the words 本期无考核内容 in the grade column."""
    if not unassessed:
        return
    write_cell(sheet, first, 1, "本期无考核内容的单位，不参加排名：")
    for offset, row in enumerate(unassessed, start=1):
        write_cell(sheet, first + offset, 2, cell_text(row["unit_code"]), "@")
        write_cell(sheet, first + offset, 3, row["unit"])
        write_cell(sheet, first + offset, 5, UNASSESSED)


# ---- breakdown: one row per unit per component detail ----------------------------------------

BREAKDOWN_COLUMNS = [
    "排名", "单位编码", "单位", "总分", "组成项", "分值", "组成项得分", "明细", "权重",
    "序时目标", "实际值", "完成率", "计分系数", "明细得分", "日期", "完成日期", "扣分",
    "说明",
]  # fmt: skip
BREAKDOWN_FORMATS = {
    **dict.fromkeys(("总分", "分值", "组成项得分", "明细得分", "扣分"), SCORE_FORMAT),
    "完成率": "0.00%",
    "计分系数": "0.0000",
}
EVENT_NAMES = {"urge": "催办", "notice": "督办单", "bulletin": "通报", "talk": "约谈"}


def _number(value) -> Decimal | None:
    return finite(value)


def _day(value):
    """An ISO date of the snapshot as a date cell; anything else as it is."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return value


def assignment_id(detail: dict) -> int | None:
    """The assignment behind an indicator detail ("assignment:<id>"), for its precision."""
    key = str(detail.get("key") or "")
    head = key.split("/", 1)[0]
    if head.startswith("assignment:") and head[len("assignment:") :].isdigit():
        return int(head[len("assignment:") :])
    return None


def _indicator_cells(detail: dict, places: dict[int, int]) -> list:
    digits = places.get(assignment_id(detail), 2)
    expected, actual = _number(detail.get("expected")), _number(detail.get("actual"))
    return [
        detail.get("ref", ""), _number(detail.get("weight")),
        Figure(expected, digits) if expected is not None else "",
        Figure(actual, digits) if actual is not None else "未报送",
        _number(detail.get("c")), _number(detail.get("credit")), _score(detail.get("score")),
        "", "", "", "",
    ]  # fmt: skip


def _service_cells(detail: dict) -> list:
    """The enterprise appeals of a unit: the on-time rate as 完成率, the credit as 计分系数."""
    note = f"按时 {detail['on_time']}/{detail['decided']}（响应、制定方案、解决时限合计）"
    if detail.get("satisfaction_rate") is not None:
        note += f"；基本满意及以上 {detail['satisfied']}/{detail['rated']}"
        note += f"；得分率 = 按时办结率×{_share(SERVICE_ON_TIME_WEIGHT)}"
        note += f" + 满意率×{_share(SERVICE_SATISFACTION_WEIGHT)}"
    else:
        note += "；诉求均未评价，得分率 = 按时办结率"
    return [
        f"企业诉求 {detail['appeals']} 件", "", "", "", _number(detail["on_time_rate"]),
        _number(detail["credit"]), _score(detail.get("score")), "", "", "", note,
    ]  # fmt: skip


def _share(weight: Decimal) -> str:
    return f"{(weight * 100).normalize():f}%"


def _detail_cells(detail: dict, places: dict[int, int]) -> list:
    """明细 … 说明 of one detail of a component."""
    if "appeal" in detail:
        note = f"申诉调整：原得分 {detail['original']}，调整为 {detail['adjusted']}"
        reason = detail.get("reason") or ""
        return ["申诉调整"] + [""] * 9 + [f"{note}；{reason}" if reason else note]
    if "entered" in detail:
        return ["录入得分"] + [""] * 5 + [_score(detail["entered"])] + [""] * 4
    if "kind" in detail:
        name = EVENT_NAMES.get(detail["kind"], detail["kind"])
        return [name] + [""] * 6 + [_day(detail["day"]), "", _number(detail["penalty"]), ""]
    if "appeals" in detail:
        return _service_cells(detail)
    if "due" in detail:
        cells = [detail["ref"], "", "", "", "", _number(detail["credit"]), ""]
        done = _day(detail.get("completed_on")) or "未完成"
        return cells + [_day(detail["due"]), done, "", ""]
    return _indicator_cells(detail, places)


def breakdown_table(rows: list[dict], places: dict[int, int] | None = None) -> list[list]:
    """Each component detail of each unit on its own line; a component without details (full
    points, nothing due) on one line; bonus and deduction totals last. `places` gives an
    assignment's display precision for its 序时目标 and 实际值 (2 when unknown)."""
    places = places or {}
    lines = []
    for row in ordered(rows):
        head = [row["rank"], row["unit_code"], row["unit"], _score(row["total"])]
        for c in row["components"]:
            part = head + [c["name"], _score(c["points"]), _score(c["score"])]
            details = c["details"] or [None]
            for detail in details:
                cells = _detail_cells(detail, places) if detail else _no_details(c)
                lines.append(part + cells)
        for name, value in (("加分", row["bonus"]), ("扣分", row["deduction"])):
            if value not in ("0.00", "0", None):
                lines.append(head + [name, "", _score(value)] + [""] * 11)
    return lines


def _no_details(component: dict) -> list:
    """A component without details: nothing due, or filled (本期无考核内容, how it was filled)."""
    return ["（无明细）"] + [""] * 9 + [fill_note(component)]


def detail_assignment_ids(rows: list[dict]) -> set[int]:
    """The assignments behind the indicator details of the rows."""
    return {
        pk
        for row in rows
        for c in row["components"]
        for detail in c["details"]
        if (pk := assignment_id(detail)) is not None
    }


def breakdown_xlsx(rows: list[dict], title: str, places: dict[int, int] | None = None) -> bytes:
    book = new_workbook()
    sheet = book.create_sheet(title[:31] or "得分明细")
    write_table(
        sheet,
        BREAKDOWN_COLUMNS,
        breakdown_table(rows, places),
        text_columns=["单位编码"],
        number_formats=BREAKDOWN_FORMATS,
    )
    return workbook_bytes(book)
