"""Reading one row of the goal sheet (DESIGN.md 3.5) or of its 分解到单位 worksheet into plain
values, recording every cell error on the row. Which values the row's type requires, and how
the row compares with the plan, is decided in imports.py.

A value is only read from a column the sheet has: a missing column leaves the stored value of
an existing item as it is (a new item takes the default).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ganchao.common.excel import Row, cell_text, parse_date, parse_integer, split_multi
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import ITEM_TYPE_BY_WORD, Direction, Frequency, Nature
from ganchao.goals.precision import MAX_PLACES
from ganchao.orgs.references import UnitNode, UnitResolver, Unresolved

WHITESPACE = re.compile(r"\s+")
CODE_RE = re.compile(r"[1-9]\d{0,4}(?:\.[1-9]\d{0,4})*")
MILESTONE_SEPARATORS = re.compile(r"[；;\r\n\u2028\u2029]+")
MILESTONE_RE = re.compile(r"(.+?)[：:](.*)", re.S)
FOUR_PLACES = Decimal("0.0001")
MAX_MAGNITUDE = Decimal(10) ** 16

DIRECTION_BY_WORD = {"正向": Direction.POSITIVE, "逆向": Direction.NEGATIVE}
NATURE_BY_WORD = {"累计值": Nature.CUMULATIVE, "水平值": Nature.LEVEL}
FREQUENCY_BY_WORD = {"月度": Frequency.MONTHLY, "季度": Frequency.QUARTERLY}

ITEM_DEFAULTS = {
    "name": "",
    "type": "",
    "category": "",
    "measure_unit": "",
    "decimal_places": None,
    "baseline": None,
    "target": None,
    "stretch_target": None,
    "direction": Direction.POSITIVE.value,
    "nature": Nature.CUMULATIVE.value,
    "frequency": Frequency.MONTHLY.value,
    "q1": None,
    "q2": None,
    "q3": None,
    "q4": None,
    "deadline": None,
    "data_source_unit_id": None,
    "weight": Decimal(1),
    "note": "",
}
ITEM_FIELDS = tuple(ITEM_DEFAULTS)
# The header each stored field comes from (for messages and the preview's list of changes).
HEADER_OF = {
    "name": gs.NAME, "type": gs.TYPE, "category": gs.CATEGORY, "measure_unit": gs.MEASURE_UNIT,
    "decimal_places": gs.DECIMALS, "baseline": gs.BASELINE, "target": gs.TARGET, "stretch_target": gs.STRETCH,
    "direction": gs.DIRECTION, "nature": gs.NATURE, "frequency": gs.FREQUENCY,
    "q1": gs.Q1, "q2": gs.Q2, "q3": gs.Q3, "q4": gs.Q4, "deadline": gs.DEADLINE,
    "data_source_unit_id": gs.DATA_SOURCE, "weight": gs.WEIGHT, "note": gs.NOTE,
}  # fmt: skip
QUARTER_FIELDS = ("q1", "q2", "q3", "q4")
ASSIGNMENT_FIELDS = {
    "target": gs.TARGET, "q1": gs.Q1, "q2": gs.Q2, "q3": gs.Q3, "q4": gs.Q4,
    "weight": gs.WEIGHT, "responsible_person": gs.RESPONSIBLE_PERSON, "contact": gs.CONTACT,
    "contact_phone": gs.CONTACT_PHONE,
}  # fmt: skip


@dataclass(slots=True)
class ItemRow:
    """What one row of the main sheet says; `values` holds only the columns the sheet has."""

    number: int
    code: str
    cells: Row
    values: dict = field(default_factory=dict)
    leaders: list[int] | None = None
    milestones: list[tuple[date, str]] | None = None
    milestone_text_given: bool = False
    lead: int | None = None
    responsible: list[int] | None = None
    cooperating: list[int] | None = None
    has_lead_column: bool = False


@dataclass(slots=True)
class SplitRow:
    """A row of 分解到单位: one unit's own targets and people on one item."""

    number: int
    code: str
    unit_id: int | None
    cells: Row
    values: dict = field(default_factory=dict)


def read_code(row: Row) -> str:
    """编号 as text; a numeric cell only when it holds a whole number."""
    value = row.value(gs.CODE)
    if isinstance(value, bool | date | datetime):
        row.fail(gs.CODE, _("编号须设置为文本格式"))
        return ""
    if isinstance(value, int | float | Decimal):
        if value != int(value):
            row.fail(gs.CODE, _("编号须设置为文本格式"))
            return ""
        return str(int(value))
    code = WHITESPACE.sub("", cell_text(value)).replace("．", ".")
    if not code:
        row.fail(gs.CODE, _("请填写编号"))
    elif not CODE_RE.fullmatch(code):
        row.fail(
            gs.CODE, _("编号“%(code)s”无效，应写作 1、1.2、1.2.3 这样的数字和点") % {"code": code}
        )
        return ""
    return code


def read_decimal(row: Row, header: str) -> Decimal | None:
    """A number kept to four decimal places, as the database stores it."""
    number = row.decimal(header)
    if number is None:
        return None
    if abs(number) >= MAX_MAGNITUDE:
        row.fail(header, _("数值过大"))
        return None
    return number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP).normalize() + 0


def read_choice(row: Row, header: str, words: dict, default):
    word = row.text(header)
    if not word:
        return default
    if word not in words:
        row.fail(
            header,
            _("“%(word)s”无效，应为%(words)s之一") % {"word": word, "words": "、".join(words)},
        )
        return default
    return words[word].value


def read_text(row: Row, header: str, limit: int) -> str:
    text = row.text(header)
    if len(text) > limit:
        row.fail(header, _("不能超过 %(n)d 个字") % {"n": limit})
        return text[:limit]
    return text


def read_units(row: Row, header: str, resolver: UnitResolver, units: dict) -> list[int]:
    """The units a cell names (ids, in order, without repeats); errors name the cell."""
    value = row.value(header)
    cells = getattr(resolver, "cells", None)  # a SheetResolver remembers each cell's answer
    answer = cells.get(value) if cells is not None and value.__class__ is str else None
    if answer is None:
        answer = _units_of(value, resolver)
        if cells is not None and value.__class__ is str:
            cells[value] = answer
    found, problems = answer
    if problems:
        row.fail(header, problems)
    return list(found)


def _units_of(value, resolver: UnitResolver) -> tuple[tuple[int, ...], str]:
    found: list[int] = []
    problems = []
    for part in split_multi(value):
        try:
            node = resolver.resolve(part)
        except Unresolved as exc:
            problems.append(exc.message)
            continue
        if node.pk not in found:
            found.append(node.pk)
    return tuple(found), "；".join(problems)


class SheetResolver(UnitResolver):
    """A resolver over the units as stored, remembering each answer: a sheet names the same
    units on thousands of rows (a path such as `某市/市统计局` walks the chain every time)."""

    def __init__(self, nodes):
        super().__init__(nodes)
        self._answers: dict[str, UnitNode | str] = {}  # the node, or why there is none
        self.cells: dict[str, tuple[tuple[int, ...], str]] = {}  # a cell's text → read_units

    def resolve(self, text: str, *, final: bool = True) -> UnitNode:
        answer = self._answers.get(text)
        if answer is None:
            try:
                answer = super().resolve(text, final=final)
            except Unresolved as exc:
                answer = exc.message
            self._answers[text] = answer
        if isinstance(answer, str):
            raise Unresolved(answer)
        return answer


def read_leaders(row: Row, leaders_by_name: dict[str, list[int]]) -> list[int]:
    found, problems = [], []
    for name in split_multi(row.value(gs.LEADERS)):
        ids = leaders_by_name.get(name, [])
        if not ids:
            problems.append(_("找不到在任的市级领导“%(name)s”") % {"name": name})
        elif len(ids) > 1:
            problems.append(_("有 %(n)d 位在任领导名叫“%(name)s”") % {"n": len(ids), "name": name})
        elif ids[0] not in found:
            found.append(ids[0])
    if problems:
        row.fail(gs.LEADERS, "；".join(problems))
    return found


def parse_milestones(row: Row, year: int) -> list[tuple[date, str]]:
    """`2026-03-31：完成选址；6月底：开工` → [(date, description), …]."""
    value = row.value(gs.MILESTONES)
    if isinstance(value, datetime | date):
        row.fail(gs.MILESTONES, _("节点应写作“日期：内容”，多个节点用分号或换行分隔"))
        return []
    result, problems = [], []
    for part in MILESTONE_SEPARATORS.split(row.text(gs.MILESTONES)):
        part = part.strip()
        if not part:
            continue
        match = MILESTONE_RE.fullmatch(part)
        if not match or not match.group(2).strip():
            problems.append(_("“%(part)s”应写作“日期：内容”") % {"part": part})
            continue
        try:
            day = parse_date(match.group(1).strip(), year)
        except ValueError as exc:
            problems.append(_("“%(part)s”中的日期：%(reason)s") % {"part": part, "reason": exc})
            continue
        description = match.group(2).strip()
        if len(description) > gs.MAX_MILESTONE:
            problems.append(_("节点内容不能超过 %(n)d 个字") % {"n": gs.MAX_MILESTONE})
            continue
        result.append((day, description))
    if problems:
        row.fail(gs.MILESTONES, "；".join(problems))
    return result


def parse_item_row(row: Row, context) -> ItemRow:
    """One main-sheet row; `context` gives the plan year, the unit resolver and the leaders."""
    table = row.table
    item = ItemRow(number=row.number, code=read_code(row), cells=row)
    values = item.values
    if table.has(gs.NAME):
        values["name"] = read_text(row, gs.NAME, gs.MAX_NAME)
    if table.has(gs.TYPE):
        values["type"] = _read_type(row)
    texts = {
        "category": (gs.CATEGORY, gs.MAX_CATEGORY),
        "measure_unit": (gs.MEASURE_UNIT, gs.MAX_MEASURE_UNIT),
    }
    for name, (header, limit) in texts.items():
        if table.has(header):
            values[name] = read_text(row, header, limit)
    if table.has(gs.NOTE):
        values["note"] = row.text(gs.NOTE)
    if table.has(gs.DECIMALS):
        values["decimal_places"] = _read_places(row)
    for name in ("baseline", "target", "stretch_target", *QUARTER_FIELDS):
        if table.has(HEADER_OF[name]):
            values[name] = read_decimal(row, HEADER_OF[name])
    choices = {
        "direction": (gs.DIRECTION, DIRECTION_BY_WORD),
        "nature": (gs.NATURE, NATURE_BY_WORD),
        "frequency": (gs.FREQUENCY, FREQUENCY_BY_WORD),
    }
    for name, (header, words) in choices.items():
        if table.has(header):
            values[name] = read_choice(row, header, words, ITEM_DEFAULTS[name])
    if table.has(gs.DEADLINE):
        values["deadline"] = row.date(gs.DEADLINE, context.year)
    if table.has(gs.WEIGHT):
        values["weight"] = _read_weight(row)
    _read_people_and_units(row, item, context)
    if table.has(gs.MILESTONES):
        item.milestone_text_given = bool(row.text(gs.MILESTONES))
        item.milestones = parse_milestones(row, context.year)
    return item


def _read_people_and_units(row: Row, item: ItemRow, context) -> None:
    table = row.table
    if table.has(gs.DATA_SOURCE):
        sources = read_units(row, gs.DATA_SOURCE, context.resolver, context.units)
        if len(sources) > 1:
            row.fail(gs.DATA_SOURCE, _("数据来源单位只能填一个单位"))
        item.values["data_source_unit_id"] = sources[0] if sources else None
    if table.has(gs.LEADERS):
        item.leaders = read_leaders(row, context.leaders_by_name)
    if table.has(gs.LEAD):
        item.has_lead_column = True
        leads = read_units(row, gs.LEAD, context.resolver, context.units)
        if len(leads) > 1:
            row.fail(gs.LEAD, _("牵头单位只能填一个单位；其他单位请填在“责任单位”或“配合单位”"))
        item.lead = leads[0] if leads else None
    if table.has(gs.RESPONSIBLE):
        item.responsible = read_units(row, gs.RESPONSIBLE, context.resolver, context.units)
    if table.has(gs.COOPERATING):
        item.cooperating = read_units(row, gs.COOPERATING, context.resolver, context.units)


def _read_type(row: Row) -> str:
    word = row.text(gs.TYPE)
    if not word:
        row.fail(gs.TYPE, _("请填写类型（目标、指标或任务）"))
        return ""
    if word not in ITEM_TYPE_BY_WORD:
        row.fail(gs.TYPE, _("类型“%(word)s”无效，应为目标、指标或任务之一") % {"word": word})
        return ""
    return ITEM_TYPE_BY_WORD[word].value


def _read_places(row: Row) -> int | None:
    """小数位数: empty (by the unit of measure) or a whole number from 0 to MAX_PLACES."""
    try:
        places = parse_integer(row.value(gs.DECIMALS))
    except ValueError:
        places = -1
    if places is not None and not 0 <= places <= MAX_PLACES:
        row.fail(gs.DECIMALS, _("小数位数须为 0 至 %(max)d 的整数，或留空") % {"max": MAX_PLACES})
        return None
    return places


def _read_weight(row: Row) -> Decimal:
    weight = read_decimal(row, gs.WEIGHT)
    if weight is None:
        return Decimal(1)
    if weight <= 0:
        row.fail(gs.WEIGHT, _("权重须大于 0"))
    return weight


def parse_split_row(row: Row, context) -> SplitRow:
    table = row.table
    code = read_code(row)
    units = read_units(row, gs.UNIT, context.resolver, context.units)
    if not units and not row.failed(gs.UNIT):
        row.fail(gs.UNIT, _("请填写单位"))
    elif len(units) > 1:
        row.fail(gs.UNIT, _("每行只能填一个单位"))
    split = SplitRow(number=row.number, code=code, unit_id=units[0] if units else None, cells=row)
    for name in ("target", *QUARTER_FIELDS):
        if table.has(ASSIGNMENT_FIELDS[name]):
            split.values[name] = read_decimal(row, ASSIGNMENT_FIELDS[name])
    if table.has(gs.WEIGHT) and row.text(gs.WEIGHT):  # blank: the item's 权重 (or as it is)
        split.values["weight"] = _read_weight(row)
    limits = {
        "responsible_person": gs.MAX_PERSON,
        "contact": gs.MAX_PERSON,
        "contact_phone": gs.MAX_PHONE,
    }
    for name, limit in limits.items():
        if table.has(ASSIGNMENT_FIELDS[name]):
            split.values[name] = read_text(row, ASSIGNMENT_FIELDS[name], limit)
    return split


def check_quarters(row: Row, values: dict, *, nature: str, target, target_header: str) -> None:
    """一季度…四季度: all four or none; cumulative targets never decrease and end at the target."""
    quarters = [values.get(name) for name in QUARTER_FIELDS]
    given = [q for q in quarters if q is not None]
    if not given or any(row.failed(h) for h in gs.QUARTERS):
        return
    if len(given) < 4:
        missing = [h for h, q in zip(gs.QUARTERS, quarters, strict=True) if q is None]
        row.fail(missing[0], _("分季度目标须四个季度都填写，或都不填"))
        return
    if nature != Nature.CUMULATIVE:
        return
    for index in range(1, 4):
        if quarters[index] < quarters[index - 1]:
            row.fail(
                gs.QUARTERS[index],
                _("累计值的分季度目标不能小于上一季度（%(prev)s）")
                % {"prev": format_number(quarters[index - 1])},
            )
            return
    if target is None:
        if not row.failed(target_header):
            row.fail(target_header, _("填写了分季度目标，须同时填写目标值"))
    elif quarters[3] != target:
        row.fail(
            gs.Q4,
            _("累计值的四季度目标应等于目标值 %(target)s") % {"target": format_number(target)},
        )


def format_number(value) -> str:
    """A decimal as the sheet shows it: no exponent, no trailing zeros (12000.0000 → 12000)."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number, "f")
