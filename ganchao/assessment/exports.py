"""Ranking layouts of `ganchao ranking` (DESIGN.md 3.10): JSON, CSV and .xlsx from snapshot rows."""

import csv
import io
import json
from decimal import Decimal

from openpyxl import Workbook

from ganchao.assessment.engine import round2
from ganchao.common.excel import new_workbook, workbook_bytes, write_table

FIXED_COLUMNS = ["排名", "单位编码", "单位", "总分", "等次", "一票否决"]


def ordered(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: (row["rank"], row["unit_code"]))


def ranking_row(row: dict) -> dict:
    """One unit in the layout of `ganchao ranking --format json` (DESIGN.md 3.10)."""
    return {
        "unit_code": row["unit_code"],
        "unit": row["unit"],
        "rank": int(row["rank"]),
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


def ranking_table(rows: list[dict]) -> list[list]:
    """The header and one line per unit: the fixed columns, then one per component."""
    rows = ordered(rows)
    names = [c["name"] for c in rows[0]["components"]] if rows else []
    table = [FIXED_COLUMNS + names]
    for row in rows:
        table.append(
            [row["rank"], row["unit_code"], row["unit"], row["total"], row["grade"]]
            + ["是" if row["veto"] else "否"]
            + [c["score"] for c in row["components"]]
        )
    return table


def ranking_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(ranking_table(rows))
    return buffer.getvalue()


def ranking_xlsx(rows: list[dict], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in ranking_table(rows):
        sheet.append(line)
    return workbook_bytes(book)


# ---- breakdown: one row per unit per component detail ----------------------------------------

BREAKDOWN_COLUMNS = [
    "排名", "单位编码", "单位", "总分", "组成项", "分值", "组成项得分", "明细", "权重",
    "序时目标", "实际值", "完成率", "计分系数", "明细得分", "日期", "完成日期", "扣分",
    "说明",
]  # fmt: skip
EVENT_NAMES = {"urge": "催办", "notice": "督办单", "bulletin": "通报", "talk": "约谈"}


def _two(value) -> str:
    return "" if value in (None, "") else str(round2(Decimal(str(value))))


def _detail_cells(detail: dict) -> list:
    """权重 … 说明 of one detail of a component."""
    if "appeal" in detail:
        note = f"申诉调整：原得分 {detail['original']}，调整为 {detail['adjusted']}"
        reason = detail.get("reason") or ""
        return ["申诉调整"] + [""] * 9 + [f"{note}；{reason}" if reason else note]
    if "entered" in detail:
        return ["录入得分"] + [""] * 5 + [detail["entered"]] + [""] * 4
    if "kind" in detail:
        name = EVENT_NAMES.get(detail["kind"], detail["kind"])
        return [name] + [""] * 6 + [detail["day"], "", detail["penalty"], ""]
    if "due" in detail:
        cells = [detail["ref"], "", "", "", "", detail["credit"], ""]
        return cells + [detail["due"], detail.get("completed_on") or "未完成", "", ""]
    return [
        detail.get("ref", ""), detail.get("weight", ""), detail.get("expected") or "",
        detail.get("actual") if detail.get("actual") is not None else "未报送",
        detail.get("c", ""), detail.get("credit", ""), _two(detail.get("score")), "", "", "", "",
    ]  # fmt: skip


def breakdown_table(rows: list[dict]) -> list[list]:
    """Each component detail of each unit on its own line; a component without details (full
    points, nothing due) on one line; bonus and deduction totals last."""
    lines = []
    for row in ordered(rows):
        head = [row["rank"], row["unit_code"], row["unit"], row["total"]]
        for c in row["components"]:
            part = head + [c["name"], c["points"], c["score"]]
            details = c["details"] or [None]
            for detail in details:
                cells = _detail_cells(detail) if detail else ["（无明细）"] + [""] * 10
                lines.append(part + cells)
        for name, value in (("加分", row["bonus"]), ("扣分", row["deduction"])):
            if value not in ("0.00", "0", None):
                lines.append(head + [name, "", value] + [""] * 11)
    return lines


def breakdown_xlsx(rows: list[dict], title: str) -> bytes:
    book = new_workbook()
    sheet = book.create_sheet(title[:31] or "得分明细")
    write_table(sheet, BREAKDOWN_COLUMNS, breakdown_table(rows), text_columns=["单位编码"])
    return workbook_bytes(book)
