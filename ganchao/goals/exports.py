"""Exporting a plan as the goal sheet (目标任务分解表, DESIGN.md 3.5), and its blank template.

The export has the import's layout (codes as text cells, milestones one `YYYY-MM-DD：描述` per
line, every assignment on 分解到单位 with its own targets — blank meaning the item's), so that
export → import is a round trip that changes nothing. Approved target adjustments are listed on
the worksheet 目标调整, which import ignores.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.exports import Figure, example_font, new_workbook, workbook_bytes, write_table
from ganchao.common.numbers import finite
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import ITEM_TYPE_BY_WORD, AdjustmentState, Role
from ganchao.goals.models import Assignment, Item, Milestone, TargetAdjustment
from ganchao.goals.sheet_rows import (
    DIRECTION_BY_WORD,
    FREQUENCY_BY_WORD,
    NATURE_BY_WORD,
    format_number,
)
from ganchao.orgs.exports import ReferenceWriter
from ganchao.orgs.references import load_unit_nodes

WORD_BY_TYPE = {value.value: word for word, value in ITEM_TYPE_BY_WORD.items()}
WORD_BY_DIRECTION = {value.value: word for word, value in DIRECTION_BY_WORD.items()}
WORD_BY_NATURE = {value.value: word for word, value in NATURE_BY_WORD.items()}
WORD_BY_FREQUENCY = {value.value: word for word, value in FREQUENCY_BY_WORD.items()}
ROLE_ORDER = {Role.LEAD: 0, Role.RESPONSIBLE: 1, Role.COOPERATING: 2}
TEXT_COLUMNS = [
    gs.CODE, gs.NAME, gs.TYPE, gs.CATEGORY, gs.MEASURE_UNIT, gs.DIRECTION, gs.NATURE, gs.FREQUENCY,
    gs.MILESTONES, gs.LEAD, gs.RESPONSIBLE, gs.COOPERATING, gs.DATA_SOURCE, gs.LEADERS, gs.NOTE,
]  # fmt: skip
SPLIT_TEXT_COLUMNS = [gs.CODE, gs.UNIT, gs.RESPONSIBLE_PERSON, gs.CONTACT, gs.CONTACT_PHONE]


def _number(value):
    """A stored decimal as a sheet number: an int when whole, else the decimal itself."""
    if value is None:
        return None
    text = format_number(value)
    return int(text) if "." not in text else value.normalize()


def _figure(value, places: int) -> Figure | None:
    """A target or value as a numeric cell shown to the item's precision; the cell keeps the
    stored value exactly (export → import changes nothing)."""
    return None if value is None else Figure(_number(value), places)


def goal_sheet_export(plan) -> bytes:
    """The plan's items in 编号 order, their assignments and the approved adjustments."""
    items = list(Item.objects.filter(plan=plan).order_by("sort_key").prefetch_related("leaders"))
    milestones: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(item__plan=plan).order_by("item_id", "position"):
        milestones.setdefault(milestone.item_id, []).append(milestone)
    assignments: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(item__plan=plan).order_by("id"):
        assignments.setdefault(assignment.item_id, []).append(assignment)
    for group in assignments.values():
        group.sort(key=lambda a: ROLE_ORDER[a.role])
    nodes = load_unit_nodes()
    references = ReferenceWriter(nodes.values())
    book = new_workbook()
    rows = [_item_row(i, milestones, assignments, nodes, references) for i in items]
    write_table(book.create_sheet(gs.GOAL_SHEET_TITLE), gs.GOAL_HEADERS, rows,
                text_columns=TEXT_COLUMNS, wrap_columns=[gs.MILESTONES])  # fmt: skip
    _date_format(book[gs.GOAL_SHEET_TITLE], gs.GOAL_HEADERS.index(gs.DEADLINE) + 1)
    split_rows = [
        _split_row(item, assignment, nodes, references)
        for item in items
        for assignment in assignments.get(item.pk, [])
    ]
    write_table(
        book.create_sheet(gs.SPLIT_SHEET_TITLE),
        gs.SPLIT_HEADERS,
        split_rows,
        text_columns=SPLIT_TEXT_COLUMNS,
    )
    _write_adjustments(book, plan, nodes)
    return workbook_bytes(book)


def _item_row(item, milestones, assignments, nodes, references) -> list:
    def unit_text(unit_id, in_list=False):
        return references.of(nodes[unit_id], in_list=in_list)

    by_role: dict[str, list[str]] = {role: [] for role in ROLE_ORDER}
    for assignment in assignments.get(item.pk, []):
        by_role[assignment.role].append(unit_text(assignment.unit_id, in_list=True))
    plan_milestones = "\n".join(
        f"{m.due_date:%Y-%m-%d}：{m.description}" for m in milestones.get(item.pk, [])
    )
    leaders = "、".join(
        leader.name for leader in sorted(item.leaders.all(), key=lambda x: (x.sort_order, x.pk))
    )
    places = item.display_places
    return [
        item.code, item.name, WORD_BY_TYPE[item.type], item.category, item.measure_unit,
        item.decimal_places, _figure(item.baseline, places), _figure(item.target, places),
        _figure(item.stretch_target, places),
        WORD_BY_DIRECTION[item.direction], WORD_BY_NATURE[item.nature], WORD_BY_FREQUENCY[item.frequency],
        _figure(item.q1, places), _figure(item.q2, places), _figure(item.q3, places),
        _figure(item.q4, places),
        plan_milestones, item.deadline, "、".join(by_role[Role.LEAD]), "、".join(by_role[Role.RESPONSIBLE]),
        "、".join(by_role[Role.COOPERATING]),
        unit_text(item.data_source_unit_id) if item.data_source_unit_id else "",
        leaders, _number(item.weight), item.note,
    ]  # fmt: skip


def _split_row(item, assignment, nodes, references) -> list:
    places = item.display_places
    return [
        item.code, references.of(nodes[assignment.unit_id]), _figure(assignment.target, places),
        _figure(assignment.q1, places), _figure(assignment.q2, places),
        _figure(assignment.q3, places), _figure(assignment.q4, places),
        _number(assignment.weight), assignment.responsible_person, assignment.contact, assignment.contact_phone,
    ]  # fmt: skip


def _date_format(ws, column: int) -> None:
    for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.number_format = "yyyy-mm-dd"


def _write_adjustments(book, plan, nodes) -> None:
    adjustments = (
        TargetAdjustment.objects.filter(item__plan=plan, state=AdjustmentState.APPROVED)
        .select_related("item", "assignment")
        .order_by("item__sort_key", "decided_at", "id")
    )
    rows = [
        [
            adjustment.item.code,
            adjustment.item.name,
            nodes[adjustment.assignment.unit_id].name if adjustment.assignment_id else "",
            str(adjustment.get_field_display()),
            _adjusted_value(adjustment.old_value, adjustment.item.display_places),
            _adjusted_value(adjustment.new_value, adjustment.item.display_places),
            adjustment.reason,
            timezone.localtime(adjustment.decided_at).strftime("%Y-%m-%d %H:%M")
            if adjustment.decided_at
            else "",
        ]
        for adjustment in adjustments
    ]
    text = [h for h in gs.ADJUSTMENT_HEADERS if h not in ("原值", "调整为")]
    write_table(book.create_sheet(gs.ADJUSTMENT_SHEET_TITLE), gs.ADJUSTMENT_HEADERS, rows,
                text_columns=text, wrap_columns=["调整理由"])  # fmt: skip


def _adjusted_value(text: str, places: int):
    """A target before or after adjustment as a number; a milestone date stays text."""
    number = finite(text)
    return Figure(number, places) if number is not None else text


def goal_sheet_template() -> bytes:
    """The blank sheet with example rows (in grey) and the 填写说明 worksheet."""
    examples = [
        ["1", _("经济发展"), "目标", _("经济发展"), "", None, None, None, None, "", "", "", None, None, None, None, "", None, "", "", "", "", "", 1, ""],
        ["1.1", _("新增城镇就业"), "指标", _("民生保障"), _("人"), None, 11000, 12000, 13000, "正向", "累计值", "月度",
         3000, 6500, 9500, 12000, "", None, _("市人力资源和社会保障局"), _("西湖镇、东山镇"), "", _("市统计局"), _("周明远"), 2, ""],
        ["1.2", _("建成便民服务中心"), "任务", _("民生保障"), "", None, None, None, None, "", "", "季度", None, None, None, None,
         _("2026-03-31：完成选址\n6月底：开工建设\n年底：建成投用"), "2026-12-31", _("西湖镇"), "", _("市统计局"), "", "", 1, ""],
    ]  # fmt: skip
    book = new_workbook()
    main = book.create_sheet(gs.GOAL_SHEET_TITLE)
    write_table(
        main, gs.GOAL_HEADERS, examples, text_columns=TEXT_COLUMNS, wrap_columns=[gs.MILESTONES]
    )
    split = book.create_sheet(gs.SPLIT_SHEET_TITLE)
    write_table(
        split,
        gs.SPLIT_HEADERS,
        [
            [
                "1.1",
                _("西湖镇"),
                7000,
                1800,
                3800,
                5500,
                7000,
                1,
                _("张三"),
                _("李四"),
                "0571-12345678",
            ]
        ],
        text_columns=SPLIT_TEXT_COLUMNS,
    )
    for sheet in (main, split):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.font = example_font()
    _write_notes(book)
    return workbook_bytes(book)


def _write_notes(book) -> None:
    main, split = gs.GOAL_SHEET_TITLE, gs.SPLIT_SHEET_TITLE
    headers = [_("工作表"), _("列名"), _("是否必填"), _("填写说明")]
    rows = [
        [main, gs.CODE, _("是"), _("层级编号，如 1、1.2、1.2.3，请把本列设为文本格式。1.2.3 的上级是 1.2，上级可以在本表中，也可以是计划中已有的事项。编号是事项的固定标识，修改已有事项时请保留原编号。")],
        [main, gs.NAME, _("是"), _("目标、指标或任务的名称。")],
        [main, gs.TYPE, _("是"), _("目标、指标或任务。一级编号须为目标；目标下可设目标、指标和任务；任务下只能设子任务；指标下不能再分。")],
        [main, gs.CATEGORY, _("否"), _("如经济发展、生态环保、安全生产、民生保障、党的建设。")],
        [main, gs.MEASURE_UNIT, _("指标必填"), _("如 %、亿元、万人。")],
        [main, gs.DECIMALS, _("否"), _("页面、表格和通报中数值显示的小数位数（0 至 4）。留空时，个、家、起、人、项等计数单位显示整数，其他显示两位小数。")],
        [main, gs.BASELINE, _("否"), _("上年实际值等基期数据。")],
        [main, gs.TARGET, _("指标必填"), _("全年目标值（全市合计）。")],
        [main, gs.STRETCH, _("否"), _("“确保 X、力争 Y”中的 Y。")],
        [main, gs.DIRECTION, _("否"), _("正向（越大越好，默认）或逆向（越小越好）。")],
        [main, gs.NATURE, _("否"), _("累计值（从 1 月 1 日起累计，默认）或水平值（比率、水平）。")],
        [main, gs.FREQUENCY, _("否"), _("月度（默认）或季度。")],
        [main, "一季度…四季度", _("否"), _("分季度目标（可放在“分季度目标”合并表头下）：四个季度都填或都不填；累计值逐季不减，四季度等于目标值。")],
        [main, gs.MILESTONES, _("任务必填（或填完成时限）"), _("每个节点写作“日期：内容”，多个节点用分号或换行分隔，如“2026-03-31：完成选址；6月底：开工”。日期可写 2026-06-30、2026年6月30日、6月30日、6月底、年底，可带“前”字。")],
        [main, gs.DEADLINE, _("否"), _("日期。没有节点安排的任务，以完成时限为唯一节点。")],
        [main, gs.LEAD, _("指标、任务必填"), _("一个单位。填写单位编码、名称或简称；同名单位用“西湖镇/李庄村”这样的路径区分。")],
        [main, gs.RESPONSIBLE, _("否"), _("多个单位用顿号“、”分隔。")],
        [main, gs.COOPERATING, _("否"), _("多个单位用顿号“、”分隔。配合单位只报送进展说明，不亮灯。")],
        [main, gs.DATA_SOURCE, _("否"), _("统一报送数据的单位，如统计局。")],
        [main, gs.LEADERS, _("否"), _("在任市级领导姓名，多个用顿号分隔。")],
        [main, gs.WEIGHT, _("否"), _("大于 0 的数，默认 1，用于计算目标的进度和考核。")],
        [main, gs.NOTE, _("否"), ""],
        [split, gs.UNIT, _("否"), _("本工作表可以不要。每行是一个单位在一个事项上的目标和联系人：目标值、分季度目标、权重、责任人、联系人、联系电话。目标值留空表示按事项的目标。有本工作表时，表中没有列出的单位按事项的目标。")],
        [gs.ADJUSTMENT_SHEET_TITLE, "", "", _("导出时列出已批准的目标调整，仅供查阅，导入时不读取。")],
        [_("全部"), "", "", _("灰色斜体的示例行请替换为本地的内容。表头须在前五行内。只要有一处错误，整个文件都不会导入；请按提示逐条改正后重新上传。导入只新增和修改，不会删除表中没有的事项。计划下达后，目标值、分季度目标和节点时间不能通过导入修改，请通过目标调整办理。")],
    ]  # fmt: skip
    write_table(book.create_sheet(gs.NOTES_SHEET_TITLE), headers, rows, wrap_columns=[headers[3]])


def export_filename(plan=None) -> str:
    if plan is None:
        return _("目标任务分解表-模板.xlsx")
    return _("%(year)d年目标任务分解表-%(date)s.xlsx") % {
        "year": plan.year,
        "date": timezone.localdate().strftime("%Y%m%d"),
    }


def report_sheet_template(plan) -> bytes:
    """The blank report-values sheet, with one example row per item that reports a value."""
    book = new_workbook()
    sheet = book.create_sheet(gs.REPORT_SHEET_TITLE)
    month = f"{plan.year}-01"
    examples = [
        [item.code, "", month if item.frequency == "monthly" else f"{plan.year}-Q1", None, ""]
        for item in Item.objects.filter(plan=plan, type="indicator").order_by("sort_key")[:20]
    ] or [["1.1", "", month, 1000, _("一月份数据")]]
    write_table(
        sheet,
        gs.REPORT_HEADERS,
        examples,
        text_columns=[gs.CODE, gs.UNIT, gs.PERIOD, gs.EXPLANATION],
    )
    headers = [_("列名"), _("填写说明")]
    notes = [
        [gs.CODE, _("计划中指标或任务的编号。")],
        [gs.UNIT, _("报送的单位（编码、名称或简称）；留空表示牵头单位。")],
        [gs.PERIOD, _("数据期间：月度写作 2026-04，季度写作 2026-Q2，须与该事项的报送频次一致。")],
        [gs.VALUE, _("累计值指标填写 1 月 1 日起的累计数；水平值填写当期水平。任务和配合单位不填数值。")],
        [gs.EXPLANATION, _("进展说明；任务和配合单位必填。")],
        [_("全部"), _("导入的数据记为导入人报送；已审核的数据再次导入时生成新的版本，原数据保留。只要有一处错误，整个文件都不会导入。")],
    ]  # fmt: skip
    write_table(book.create_sheet(gs.NOTES_SHEET_TITLE), headers, notes, wrap_columns=[headers[1]])
    return workbook_bytes(book)


def report_template_filename(plan) -> str:
    return _("%(year)d年进展数据导入表-模板.xlsx") % {"year": plan.year}
