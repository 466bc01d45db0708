"""A large goal sheet (目标任务分解表, DESIGN.md 3.5) for measuring `import-goals` at province
scale (issue 13): `write_goal_sheet(path, rows=10_000)` writes, from the units and leaders in
the database, a sheet an office could have filled in — units named as the export names them,
about 7.7 assignments per indicator or task row, three milestones per task, staged targets and
a 分解到单位 worksheet giving each indicator's lead and responsible units their own targets.

The same arguments give the same file. The bench (bench/run) calls it, then times
`ganchao import-goals FILE --plan YEAR`; a second import of the same file must say
新增 0，更新 0，未变 N.
"""

import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from ganchao.goals import goal_sheet as gs
from ganchao.orgs.choices import UnitType
from ganchao.orgs.exports import ReferenceWriter
from ganchao.orgs.models import Leader
from ganchao.orgs.references import load_unit_nodes

GOALS = 40  # level-1 goals; every other row is an indicator, a task or a sub-task under one
CATEGORIES = ["经济发展", "生态环保", "安全生产", "民生保障", "党的建设"]
MEASURES = ["%", "亿元", "万人", "个", "公里", "万吨"]
DEPARTMENT_TYPES = {UnitType.DEPARTMENT}
AREA_TYPES = {UnitType.TOWN, UnitType.STREET, UnitType.PARK, UnitType.DISTRICT}


@dataclass
class SheetFacts:
    """What was written: rows of the main sheet, assignments they create, 分解到单位 rows."""

    rows: int
    assignments: int
    split_rows: int


def write_goal_sheet(path, rows: int = 10_000, *, year: int = 2027, seed: int = 1) -> SheetFacts:
    """Write the sheet to `path` and say what it holds."""
    rng = random.Random(seed)
    nodes = list(load_unit_nodes(active_only=True).values())
    references = ReferenceWriter(nodes)
    departments = [n for n in nodes if n.type in DEPARTMENT_TYPES] or nodes
    areas = [n for n in nodes if n.type in AREA_TYPES] or nodes
    leaders = _unique_leader_names()
    book = Workbook()  # not write-only: that writes inline strings and no leading <dimension>,
    book.remove(book.active)  # which Excel never does and which read slower
    main = book.create_sheet(gs.GOAL_SHEET_TITLE)
    main.append(gs.GOAL_HEADERS)
    split = book.create_sheet(gs.SPLIT_SHEET_TITLE)
    split.append(gs.SPLIT_HEADERS)
    facts = SheetFacts(rows=0, assignments=0, split_rows=0)

    def ref(node, in_list=True):
        return references.of(node, in_list=in_list)

    for code, kind in _codes(rows):
        row = dict.fromkeys(gs.GOAL_HEADERS, None)
        row.update({gs.CODE: code, gs.TYPE: kind, gs.WEIGHT: 1})
        row[gs.CATEGORY] = rng.choice(CATEGORIES)
        if kind == "目标":
            row[gs.NAME] = f"{row[gs.CATEGORY]}目标{code}"
        else:
            lead = rng.choice(departments)
            responsible = rng.sample(areas, k=min(len(areas), rng.randint(4, 6)))
            cooperating = [
                d for d in rng.sample(departments, k=min(len(departments), 3)) if d is not lead
            ][: rng.randint(0, 3)]
            row[gs.LEAD] = ref(lead, in_list=False)
            row[gs.RESPONSIBLE] = "、".join(ref(n) for n in responsible)
            row[gs.COOPERATING] = "、".join(ref(n) for n in cooperating)
            row[gs.LEADERS] = "、".join(rng.sample(leaders, k=min(len(leaders), rng.randint(0, 2))))
            facts.assignments += 1 + len(responsible) + len(cooperating)
            if kind == "指标":
                facts.split_rows += _indicator(rng, row, code, [lead, *responsible], split, ref)
            else:
                _task(rng, row, code, year)
        main.append([row[h] for h in gs.GOAL_HEADERS])
        facts.rows += 1
    book.save(Path(path))
    return facts


def _codes(rows: int):
    """(编号, 类型) in sheet order: GOALS goals, under each indicators and tasks, every fourth
    task with two sub-tasks."""
    per_goal = -(-(rows - GOALS) // GOALS)
    written = 0
    for goal in range(1, GOALS + 1):
        if written >= rows:
            return
        yield str(goal), "目标"
        written += 1
        child, left = 0, min(per_goal, rows - written)
        while left > 0:
            child += 1
            code = f"{goal}.{child}"
            if child % 2:
                yield code, "指标"
                written, left = written + 1, left - 1
                continue
            yield code, "任务"
            written, left = written + 1, left - 1
            for sub in range(1, 3 if child % 4 == 0 else 1):
                if left <= 0:
                    break
                yield f"{code}.{sub}", "任务"
                written, left = written + 1, left - 1


def _indicator(rng, row, code, target_units, split, ref) -> int:
    target = rng.randint(100, 100_000)
    row.update({
        gs.NAME: f"指标{code}", gs.MEASURE_UNIT: rng.choice(MEASURES), gs.BASELINE: target * 9 // 10,
        gs.TARGET: target, gs.STRETCH: target * 11 // 10, gs.DIRECTION: "正向", gs.NATURE: "累计值",
        gs.FREQUENCY: rng.choice(["月度", "季度"]), **_quarters(target),
    })  # fmt: skip
    for node in target_units:
        own = rng.randint(10, 10_000)
        quarters = _quarters(own)
        split.append([code, ref(node, in_list=False), own, *quarters.values(), 1,
                      f"责任人{rng.randint(1, 999)}", f"联系人{rng.randint(1, 999)}",
                      f"0571-{rng.randint(10_000_000, 99_999_999)}"])  # fmt: skip
    return len(target_units)


def _quarters(target: int) -> dict:
    return {
        gs.Q1: target * 2 // 10,
        gs.Q2: target * 45 // 100,
        gs.Q3: target * 7 // 10,
        gs.Q4: target,
    }


def _task(rng, row, code, year) -> None:
    months = sorted(rng.sample(range(1, 13), 3))
    row[gs.NAME] = f"任务{code}"
    row[gs.MILESTONES] = "\n".join(
        f"{year}-{month:02d}-{day:02d}：第{n}阶段工作"
        for n, (month, day) in enumerate(((m, rng.randint(1, 28)) for m in months), start=1)
    )
    row[gs.DEADLINE] = f"{year}-12-31"


def _unique_leader_names() -> list[str]:
    names: dict[str, int] = {}
    for name in Leader.objects.filter(active=True).values_list("name", flat=True):
        names[name] = names.get(name, 0) + 1
    return sorted(name for name, count in names.items() if count == 1)[:50]
