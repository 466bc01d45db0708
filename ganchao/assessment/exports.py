"""Ranking layouts of `ganchao ranking` (DESIGN.md 3.10): JSON, CSV and .xlsx from snapshot rows."""

import csv
import io
import json

from openpyxl import Workbook

from ganchao.common.excel import workbook_bytes

FIXED_COLUMNS = ["排名", "单位编码", "单位", "总分", "等次", "一票否决"]


def ordered(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: (row["rank"], row["unit_code"]))


def ranking_json(rows: list[dict]) -> str:
    data = [
        {
            "unit_code": row["unit_code"],
            "unit": row["unit"],
            "rank": int(row["rank"]),
            "total": row["total"],
            "grade": row["grade"],
            "veto": bool(row["veto"]),
            "components": [
                {key: c[key] for key in ("code", "name", "points", "score")}
                for c in row["components"]
            ],
        }
        for row in ordered(rows)
    ]
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
