"""Building goal and report sheets for tests, as an office would fill them in Excel."""

from openpyxl import Workbook

from ganchao.common.excel import workbook_bytes
from ganchao.goals import goal_sheet as gs

HEADERS = [
    gs.CODE, gs.NAME, gs.TYPE, gs.CATEGORY, gs.MEASURE_UNIT, gs.TARGET, gs.DIRECTION, gs.NATURE,
    gs.FREQUENCY, gs.Q1, gs.Q2, gs.Q3, gs.Q4, gs.MILESTONES, gs.DEADLINE, gs.LEAD, gs.RESPONSIBLE,
    gs.COOPERATING, gs.DATA_SOURCE, gs.LEADERS, gs.WEIGHT,
]  # fmt: skip


def goal(code, name, **extra):
    return {gs.CODE: code, gs.NAME: name, gs.TYPE: "目标", **extra}


def indicator(code, name, target=12000, lead="西湖镇", quarters=(3000, 6500, 9500, 12000), **extra):
    row = {gs.CODE: code, gs.NAME: name, gs.TYPE: "指标", gs.MEASURE_UNIT: "人", gs.TARGET: target,
           gs.LEAD: lead, gs.DIRECTION: "正向", gs.NATURE: "累计值", gs.FREQUENCY: "月度"}  # fmt: skip
    if quarters:
        row.update(zip(gs.QUARTERS, quarters, strict=True))
    row.update(extra)
    return row


def task(code, name, milestones="2026-03-31：完成选址；6月底：开工建设", lead="东山镇", **extra):
    return {
        gs.CODE: code,
        gs.NAME: name,
        gs.TYPE: "任务",
        gs.MILESTONES: milestones,
        gs.LEAD: lead,
        **extra,
    }


def basic_rows():
    return [
        goal("1", "经济发展"),
        indicator("1.1", "新增城镇就业", **{gs.RESPONSIBLE: "东山镇", gs.DATA_SOURCE: "统计局", gs.LEADERS: "周明远"}),
        task("1.2", "建成便民服务中心"),
        task("1.2.1", "完成选址", milestones="", **{gs.DEADLINE: "3月底"}),
        goal("2", "民生保障"),
        indicator("2.1", "城镇登记失业率", target=3.5, quarters=None, **{gs.DIRECTION: "逆向", gs.NATURE: "水平值", gs.FREQUENCY: "季度", gs.LEAD: "C102"}),
    ]  # fmt: skip


def goal_book(rows, headers=HEADERS, split=None, text_codes=True) -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = gs.GOAL_SHEET_TITLE
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    if text_codes:
        for (cell,) in ws.iter_rows(min_row=2, max_col=1):
            cell.number_format = "@"
    if split is not None:
        sheet = book.create_sheet(gs.SPLIT_SHEET_TITLE)
        sheet.append(gs.SPLIT_HEADERS)
        for row in split:
            sheet.append([row.get(h) for h in gs.SPLIT_HEADERS])
    return book


def goal_sheet(rows, **kwargs) -> bytes:
    return workbook_bytes(goal_book(rows, **kwargs))


def report_sheet(rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(gs.REPORT_HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in gs.REPORT_HEADERS])
    return workbook_bytes(book)


def big_rows(count: int) -> list[dict]:
    """About `count` rows: goals of 10 indicators and 10 tasks each."""
    rows = []
    goals = max(-(-count // 21), 1)
    for g in range(1, goals + 1):
        rows.append(goal(str(g), f"目标{g}"))
        for i in range(1, 11):
            rows.append(indicator(f"{g}.{i}", f"指标{g}-{i}", target=1000 * i, quarters=(100 * i, 400 * i, 700 * i, 1000 * i),
                                  **{gs.RESPONSIBLE: "东山镇", gs.COOPERATING: "市统计局"}))  # fmt: skip
        for t in range(11, 21):
            rows.append(
                task(
                    f"{g}.{t}",
                    f"任务{g}-{t}",
                    milestones="3月底：启动；6月30日：过半；年底前：完成",
                )
            )
    return rows
