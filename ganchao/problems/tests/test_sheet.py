"""The sheet 问题台账 (DESIGN 3.3 + 3.14): round trip, all or nothing, every error naming its
cell, states only through the workflow, .xls refused, and the API twins."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from ganchao.audit.models import AuditEvent
from ganchao.problems import sheet
from ganchao.problems.choices import State
from ganchao.problems.models import Problem, ProblemEvent

pytestmark = pytest.mark.django_db


def make_problem(city, n, **extra):
    values = {
        "number": f"WT2026{n:05d}",
        "source": "visit",
        "place_type": "project_site",
        "place": f"高铁新城{n}号地块",
        "place_key": f"高铁新城{n}号地块",
        "category": "project",
        "severity": "serious",
        "description": f"施工围挡破损，扬尘未覆盖（{n}）",
        "owner_unit": city.town_a,
        "found_on": dt.date(2026, 3, 2),
        "deadline": dt.date(2026, 3, 16),
        "measures": "",
        "legacy": n % 2 == 0,
    }
    values.update(extra)
    return Problem.objects.create(**values)


def workbook(rows, headers=None):
    book = Workbook()
    ws = book.active
    ws.title = "问题台账"
    ws.append(headers or sheet.HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_row(**changes):
    row = {
        "编号": None,
        "来源": "群众反映",
        "地点类型": "村庄社区",
        "地点": "李庄村文化广场",
        "类别": "民生服务",
        "严重程度": "一般",
        "问题描述": "路灯损坏三处，夜间无照明",
        "责任单位": "西湖镇/李庄村",
        "整改时限": "2026年12月31日",
        "整改措施": "",
        "状态": "待整改",
        "历史遗留": "否",
    }
    row.update(changes)
    return [row[h] for h in sheet.HEADERS]


def run(city, data, *, filename="问题台账.xlsx", dry_run=False):
    return sheet.problem_sheet_import(
        actor=city.office, data=data, filename=filename, dry_run=dry_run
    )


def test_export_then_import_changes_nothing(city):
    for n in range(1, 6):
        make_problem(city, n)
    make_problem(city, 6, state=State.CLOSED, measures="已修复围挡")
    data = sheet.problem_sheet_export(Problem.objects.all())

    result = run(city, data)

    assert result.errors == []
    assert result.summary_lines() == ["新增 0，更新 0，未变 6"]
    assert not result.written
    assert not AuditEvent.objects.filter(action="problem.import").exists()


def test_export_writes_codes_as_text_and_labels_in_chinese(city):
    make_problem(city, 7, legacy=True)
    ws = load_workbook(io.BytesIO(sheet.problem_sheet_export(Problem.objects.all()))).active
    assert [c.value for c in ws[1]] == sheet.HEADERS
    row = list(ws[2])
    assert row[0].value == "WT202600007" and row[0].data_type == "s"
    assert row[7].value == "C101" and row[7].data_type == "s"
    assert [row[1].value, row[2].value, row[4].value, row[5].value] == [
        "领导调研",
        "项目现场",
        "项目建设",
        "较重",
    ]
    assert row[8].value.date() == dt.date(2026, 3, 16)
    assert row[10].value == "待整改" and row[11].value == "是"


def test_import_creates_and_updates_in_one_audited_batch(city):
    existing = make_problem(city, 1)
    exported = load_workbook(io.BytesIO(sheet.problem_sheet_export(Problem.objects.all()))).active
    first = [c.value for c in exported[2]]
    first[9] = "更换围挡，覆盖防尘网"  # 整改措施
    first[7] = "东山镇"  # 责任单位 by name
    data = workbook([first, new_row(), new_row(编号="WT202699001", 地点="王庄村 村口")])

    preview = run(city, data, dry_run=True)
    assert preview.errors == []
    assert preview.summary_lines() == ["新增 2，更新 1，未变 0"]
    assert Problem.objects.count() == 1

    result = run(city, data)

    assert result.written
    existing.refresh_from_db()
    assert existing.measures == "更换围挡，覆盖防尘网"
    assert existing.owner_unit == city.town_b
    assert existing.version == 2
    created = Problem.objects.exclude(pk=existing.pk).order_by("number")
    assert [p.number for p in created] == ["WT202600002", "WT202699001"]
    assert all(p.state == State.OPEN and p.owner_unit == city.village_a for p in created)
    assert created[1].place_key == "王庄村村口"
    assert created[0].deadline == dt.date(2026, 12, 31)
    assert ProblemEvent.objects.filter(kind="created").count() == 2
    assert ProblemEvent.objects.filter(kind="edited", problem=existing).count() == 1
    event = AuditEvent.objects.get(action="problem.import")
    assert event.changes["summary"]["after"] == {"created": 2, "updated": 1, "unchanged": 0}

    again = run(city, data)  # the same file: its rows are now the stored problems
    assert again.errors == []
    assert again.summary_lines() == ["新增 0，更新 0，未变 3"]
    assert Problem.objects.count() == 3


def test_reimporting_the_exported_sheet_after_an_import_changes_nothing(city):
    run(city, workbook([new_row(), new_row(地点="李庄村村委会")]))
    data = sheet.problem_sheet_export(Problem.objects.all())
    assert run(city, data).summary_lines() == ["新增 0，更新 0，未变 2"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-06-30", dt.date(2026, 6, 30)),
        ("2026/6/30", dt.date(2026, 6, 30)),
        ("2026.6.30", dt.date(2026, 6, 30)),
        ("2026年6月30日前", dt.date(2026, 6, 30)),
        ("6月底", dt.date(dt.date.today().year, 6, 30)),
        ("年底", dt.date(dt.date.today().year, 12, 31)),
        (dt.datetime(2026, 7, 1), dt.date(2026, 7, 1)),
    ],
)
def test_deadlines_in_every_form_of_3_3(city, text, expected):
    result = run(city, workbook([new_row(整改时限=text)]))
    assert result.errors == []
    assert Problem.objects.get().deadline == expected


def test_an_empty_deadline_takes_the_severity_default(city):
    run(city, workbook([new_row(整改时限=None, 严重程度="严重")]))
    problem = Problem.objects.get()
    assert problem.deadline > problem.found_on


def test_one_bad_cell_writes_nothing_and_names_the_cell(city):
    make_problem(city, 1)
    rows = [new_row() for _ in range(10)] + [new_row(责任单位="不存在的镇")]
    result = run(city, workbook(rows))
    assert [str(e) for e in result.errors] == ["第12行 H列（责任单位）：找不到单位“不存在的镇”"]
    assert Problem.objects.count() == 1
    assert not AuditEvent.objects.filter(action="problem.import").exists()


def test_every_error_is_reported_with_its_cell(city):
    rows = [
        new_row(来源="网上", 整改时限="长期坚持", 历史遗留="可能"),
        new_row(地点=None, 严重程度="特别严重"),
    ]
    errors = [str(e) for e in run(city, workbook(rows)).errors]
    assert (
        errors[0]
        == "第2行 B列（来源）：“网上”不是可选的来源，应为：领导调研、企业诉求、群众反映、督查检查、行政执法、上级反馈"
    )
    assert errors[1].startswith("第2行 I列（整改时限）：不是日期")
    assert errors[2] == "第2行 L列（历史遗留）：应填写“是”或“否”（留空视为“否”）"
    assert errors[3] == "第3行 D列（地点）：请填写地点"
    assert errors[4].startswith("第3行 F列（严重程度）：“特别严重”不是可选的严重程度")
    assert Problem.objects.count() == 0


def test_an_ambiguous_unit_lists_the_candidates(city):
    from ganchao.conftest import make_unit
    from ganchao.orgs.choices import UnitType

    make_unit("李庄村", UnitType.VILLAGE, city.town_b, code="C102009")
    result = run(city, workbook([new_row(责任单位="李庄村")]))
    assert "对应多个单位" in str(result.errors[0]) and "C102009" in str(result.errors[0])
    assert str(result.errors[0]).startswith("第2行 H列（责任单位）")


def test_the_header_row_may_sit_below_a_title_and_headers_may_carry_notes(city):
    book = Workbook()
    ws = book.active
    ws.append(["2026年问题台账"])
    ws.append([])
    ws.append([h if h != "整改时限" else "整改时限（日期）" for h in sheet.HEADERS])
    ws.append(new_row())
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(city, buffer.getvalue())
    assert result.errors == [] and len(result.created) == 1


def test_a_new_problem_may_only_be_open(city):
    result = run(city, workbook([new_row(状态="已销号")]))
    assert str(result.errors[0]).startswith("第2行 K列（状态）：新登记的问题状态只能是“待整改”")
    assert run(city, workbook([new_row(状态=None)])).errors == []


def test_the_sheet_never_changes_a_state(city):
    make_problem(city, 1, state=State.RECTIFYING)
    ws = load_workbook(io.BytesIO(sheet.problem_sheet_export(Problem.objects.all()))).active
    row = [c.value for c in ws[2]]
    row[10] = "已销号"
    result = run(city, workbook([row]))
    assert [str(e) for e in result.errors] == [
        "第2行 K列（状态）：问题WT202600001现在是“整改中”，导入不能改为“已销号”：状态只能通过整改、核验、销号流程改变"
    ]
    assert Problem.objects.get().state == State.RECTIFYING


def test_a_closed_problem_is_not_edited_by_the_sheet(city):
    make_problem(city, 1, state=State.CLOSED)
    ws = load_workbook(io.BytesIO(sheet.problem_sheet_export(Problem.objects.all()))).active
    row = [c.value for c in ws[2]]
    row[6] = "改写的描述"
    result = run(city, workbook([row]))
    assert str(result.errors[0]).startswith("第2行 G列（问题描述）：问题WT202600001已销号")


def test_a_number_twice_in_the_file_is_an_error(city):
    result = run(city, workbook([new_row(编号="WT202688888"), new_row(编号="WT202688888")]))
    assert str(result.errors[0]) == "第3行 A列（编号）：与第2行编号相同"


def test_an_xls_file_is_refused(city):
    result = run(city, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, filename="台账.xls")
    assert "请另存为 .xlsx 格式" in result.errors[0].message


def test_only_the_office_imports(city):
    from ganchao.common.errors import Forbidden

    with pytest.raises(Forbidden):
        sheet.problem_sheet_import(actor=city.liaison_a, data=workbook([new_row()]))


def test_absent_problems_are_listed_as_a_warning(city):
    make_problem(city, 1)
    result = run(city, workbook([new_row()]), dry_run=True)
    assert result.warnings == ["1 个问题不在表中，保持不变（导入不删除问题）：WT202600001"]
