"""The goal sheet (DESIGN.md 3.3, 3.5): import, its rules, export round trip, issued plans."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from ganchao.audit.models import AuditEvent
from ganchao.common.excel import workbook_bytes
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import PlanState, Role
from ganchao.goals.exports import goal_sheet_export, goal_sheet_template
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Assignment, Item, Milestone, Plan
from ganchao.goals.tests.sheet_builders import (
    basic_rows,
    big_rows,
    goal_book,
    goal_sheet,
    indicator,
)


def run(data, year=2026, **kwargs):
    return goal_sheet_import(actor=None, data=data, year=year, filename="goals.xlsx", **kwargs)


def messages(result):
    return [str(e) for e in result.errors]


@pytest.mark.django_db
def test_basic_sheet_imports(city):
    result = run(goal_sheet(basic_rows()))
    assert messages(result) == []
    assert result.summary_lines() == ["新增 6，更新 0，未变 0"]
    plan = Plan.objects.get(year=2026, owner=city.root)
    assert plan.state == PlanState.DRAFT
    items = {i.code: i for i in Item.objects.filter(plan=plan)}
    assert items["1.2.1"].parent == items["1.2"]
    assert items["1.1"].q2 == Decimal("6500")
    lead = Assignment.objects.get(item=items["1.1"], role=Role.LEAD)
    assert lead.unit == city.town_a and lead.target is None
    assert list(items["1.1"].leaders.all()) == [city.leader]
    assert items["1.1"].data_source_unit == city.stats
    assert [(m.due_date.isoformat(), m.description) for m in Milestone.objects.filter(item=items["1.2"])] == [
        ("2026-03-31", "完成选址"), ("2026-06-30", "开工建设")]  # fmt: skip
    assert [m.due_date.isoformat() for m in Milestone.objects.filter(item=items["1.2.1"])] == [
        "2026-03-31"
    ]
    assert items["2.1"].direction == "negative" and items["2.1"].frequency == "quarterly"
    assert AuditEvent.objects.filter(action="goal.import").count() == 1


@pytest.mark.django_db
def test_reimport_changes_nothing_and_dry_run_writes_nothing(city):
    data = goal_sheet(basic_rows())
    dry = run(data, dry_run=True)
    assert dry.summary_lines() == ["新增 6，更新 0，未变 0"] and not Plan.objects.exists()
    run(data)
    again = run(data)
    assert messages(again) == [] and again.summary_lines() == ["新增 0，更新 0，未变 6"]
    assert not again.written
    assert AuditEvent.objects.filter(action="goal.import").count() == 1


def test_300_rows_with_one_bad_cell_writes_nothing(city, django_assert_max_num_queries):
    rows = big_rows(300)
    rows[157][gs.TARGET] = "一万二"
    data = goal_sheet(rows)
    result = run(data)
    assert messages(result) == ["第159行 F列（目标值）：不是数字"]
    assert not Plan.objects.exists() and not Item.objects.exists()
    rows[157][gs.TARGET] = rows[157][gs.Q4]
    good = goal_sheet(rows)
    with django_assert_max_num_queries(40):
        result = run(good)
    assert messages(result) == []
    assert result.summary_lines() == [f"新增 {len(rows)}，更新 0，未变 0"]
    assert Item.objects.count() == len(rows)


test_300_rows_with_one_bad_cell_writes_nothing = pytest.mark.django_db(
    test_300_rows_with_one_bad_cell_writes_nothing
)


@pytest.mark.django_db
def test_every_error_is_reported_with_its_place(city):
    rows = basic_rows() + [
        indicator("1.3", "缺目标值", target=None, quarters=None),
        indicator("3.1", "上级不存在"),
        {
            gs.CODE: "4",
            gs.NAME: "一级不是目标",
            gs.TYPE: "任务",
            gs.DEADLINE: "长期坚持",
            gs.LEAD: "西湖镇",
        },
        indicator("1.4", "季度递减", quarters=(3000, 2000, 9500, 12000)),
        indicator("1.5", "四季度不等", quarters=(3000, 6500, 9500, 11000)),
        indicator("1.6", "单位不明", lead="不存在的局"),
        indicator("1.1", "编号重复"),
        {
            gs.CODE: "1.1.1",
            gs.NAME: "指标下的任务",
            gs.TYPE: "任务",
            gs.DEADLINE: "年底",
            gs.LEAD: "西湖镇",
        },
        {gs.CODE: "1.7", gs.NAME: "无节点任务", gs.TYPE: "任务", gs.LEAD: "西湖镇"},
        indicator("1.8", "权重为零", **{gs.WEIGHT: 0, gs.LEADERS: "王五"}),
    ]
    result = run(goal_sheet(rows))
    text = "\n".join(messages(result))
    assert "第8行 F列（目标值）：指标须填写目标值" in text
    assert "第9行 A列（编号）：上级编号“3”在表中和计划中都不存在" in text
    assert "第10行 C列（类型）：一级编号（4）应为目标" in text
    assert "第10行 O列（完成时限）：不是日期" in text
    assert "第11行 K列（二季度）：累计值的分季度目标不能小于上一季度（3000）" in text
    assert "第12行 M列（四季度）：累计值的四季度目标应等于目标值 12000" in text
    assert "第13行 P列（牵头单位）：找不到单位“不存在的局”" in text
    assert "第14行 A列（编号）：编号“1.1”与第3行重复" in text
    assert "第15行 C列（类型）：指标“1.1”下不能设任务" in text
    assert "第16行 N列（节点安排）：任务须填写节点安排或完成时限" in text
    assert "第17行 U列（权重）：权重须大于 0" in text
    assert "第17行 T列（分管市领导）：找不到在任的市级领导“王五”" in text
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_code_must_be_text_unless_whole_number(city):
    rows = basic_rows()
    book = goal_book(rows, text_codes=False)
    ws = book.active
    ws["A2"] = 1  # a whole number is fine
    ws["A3"] = 1.1  # Excel turned 1.1 into a number
    result = run(workbook_bytes(book))
    assert messages(result)[0] == "第3行 A列（编号）：编号须设置为文本格式"


@pytest.mark.django_db
def test_merged_lead_cells_and_two_row_header_import(city):
    book = Workbook()
    ws = book.active
    ws.append(["2026年目标任务分解表"])
    ws.append(
        [
            gs.CODE,
            gs.NAME,
            gs.TYPE,
            gs.MEASURE_UNIT,
            "2026年目标值（人）",
            "分季度目标",
            None,
            None,
            None,
            gs.LEAD,
        ]
    )
    ws.append([None, None, None, None, None, gs.Q1, gs.Q2, gs.Q3, gs.Q4, None])
    for column in "ABCDEJ":
        ws.merge_cells(f"{column}2:{column}3")
    ws.merge_cells("F2:I2")
    ws.append(["1", "经济发展", "目标"])
    ws.append(["1.1", "新增城镇就业", "指标", "人", 12000, 3000, 6500, 9500, 12000, "西湖镇"])
    ws.append(["1.2", "新增市场主体", "指标", "户", 800, 200, 400, 600, 800, None])
    ws.append(["1.3", "新增规上企业", "指标", "家", 40, None, None, None, None, None])
    ws.merge_cells("J5:J7")
    result = run(workbook_bytes(book))
    assert messages(result) == []
    assert result.summary_lines() == ["新增 4，更新 0，未变 0"]
    leads = Assignment.objects.filter(role=Role.LEAD).values_list("item__code", "unit__code")
    assert sorted(leads) == [("1.1", "C101"), ("1.2", "C101"), ("1.3", "C101")]
    assert Item.objects.get(code="1.2").q3 == Decimal(600)


@pytest.mark.django_db
def test_export_then_import_changes_nothing(city):
    rows = basic_rows()
    split = [{gs.CODE: "1.1", gs.UNIT: "西湖镇", gs.TARGET: 7000, gs.Q1: 1800, gs.Q2: 3800, gs.Q3: 5500, gs.Q4: 7000,
              gs.RESPONSIBLE_PERSON: "张三", gs.CONTACT: "李四", gs.CONTACT_PHONE: "0571-1234"},
             {gs.CODE: "1.1", gs.UNIT: "东山镇", gs.TARGET: 5000.5}]  # fmt: skip
    assert messages(run(goal_sheet(rows, split=split))) == []
    east = Assignment.objects.get(item__code="1.1", unit=city.town_b)
    assert east.target == Decimal("5000.5") and east.q1 is None
    plan = Plan.objects.get()
    data = goal_sheet_export(plan)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [gs.GOAL_SHEET_TITLE, gs.SPLIT_SHEET_TITLE, gs.ADJUSTMENT_SHEET_TITLE]
    main = book[gs.GOAL_SHEET_TITLE]
    assert main["A2"].value == "1" and main["A2"].number_format == "@"
    assert (
        main.cell(4, gs.GOAL_HEADERS.index(gs.MILESTONES) + 1).value
        == "2026-03-31：完成选址\n2026-06-30：开工建设"
    )
    result = run(data)
    assert messages(result) == [] and result.summary_lines() == ["新增 0，更新 0，未变 6"]
    assert not result.written


@pytest.mark.django_db
def test_issued_plan_refuses_target_changes_row_by_row(city):
    run(goal_sheet(basic_rows()))
    Plan.objects.update(state=PlanState.ISSUED)
    rows = basic_rows()
    rows[1][gs.TARGET] = 13000
    rows[1][gs.Q4] = 13000
    rows[2][gs.MILESTONES] = "2026-04-30：完成选址；6月底：开工建设"
    rows[5][gs.NAME] = "城镇调查失业率"
    result = run(goal_sheet(rows))
    text = messages(result)
    assert any(m.startswith("第3行 F列（目标值）：") and "请通过目标调整办理" in m for m in text)
    assert any(m.startswith("第3行 M列（四季度）：") and "请通过目标调整办理" in m for m in text)
    assert any(m.startswith("第4行 N列（节点安排）：") and "请通过目标调整办理" in m for m in text)
    assert len(text) == 3  # the renamed row is fine, but nothing is written
    assert Item.objects.get(code="2.1").name == "城镇登记失业率"
    rows = basic_rows()
    rows[5][gs.NAME] = "城镇调查失业率"
    assert run(goal_sheet(rows)).summary_lines() == ["新增 0，更新 1，未变 5"]


@pytest.mark.django_db
def test_before_issue_a_reimport_overwrites_and_absent_rows_are_warnings(city):
    run(goal_sheet(basic_rows()))
    rows = basic_rows()[:3]
    rows[1][gs.TARGET] = 15000
    rows[1][gs.Q4] = 15000
    rows[1][gs.LEAD] = "东山镇"
    rows[1][gs.RESPONSIBLE] = ""
    result = run(goal_sheet(rows))
    assert messages(result) == []
    assert result.summary_lines() == ["新增 0，更新 1，未变 2"]
    assert any("编号 2.1（城镇登记失业率）不在表中" in w for w in result.warnings)
    assert any("“西湖镇”不再列于表中，改为配合单位保留" in w for w in result.warnings)
    item = Item.objects.get(code="1.1")
    assert item.target == 15000
    roles = dict(Assignment.objects.filter(item=item).values_list("unit__code", "role"))
    assert roles == {"C102": "lead", "C101": "cooperating"}
    assert Item.objects.count() == 6


@pytest.mark.django_db
def test_split_sheet_rules(city):
    split = [{gs.CODE: "1.1", gs.UNIT: "王庄村", gs.TARGET: 10},
             {gs.CODE: "1.1", gs.UNIT: "西湖镇", gs.TARGET: 7000, gs.Q1: 1, gs.Q2: 2}]  # fmt: skip
    result = run(goal_sheet(basic_rows(), split=split))
    assert messages(result) == [
        "“分解到单位”表 第2行 B列（单位）：该单位不是编号 1.1 的牵头、责任或配合单位",
        "“分解到单位”表 第3行 F列（三季度）：分季度目标须四个季度都填写，或都不填",
    ]


@pytest.mark.django_db
def test_template_has_example_and_notes(city):
    book = load_workbook(io.BytesIO(goal_sheet_template()))
    assert book.sheetnames == [gs.GOAL_SHEET_TITLE, gs.SPLIT_SHEET_TITLE, gs.NOTES_SHEET_TITLE]
    assert [c.value for c in book[gs.GOAL_SHEET_TITLE][1]] == gs.GOAL_HEADERS


@pytest.mark.django_db
def test_refuses_xls_and_non_office_users(city):
    result = goal_sheet_import(
        actor=None, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", year=2026, filename="old.xls"
    )
    assert "请另存为 .xlsx 格式" in messages(result)[0]
    from ganchao.common.errors import Forbidden

    with pytest.raises(Forbidden):
        goal_sheet_import(actor=city.liaison_a, data=goal_sheet(basic_rows()), year=2026)
    assert (
        messages(goal_sheet_import(actor=city.office, data=goal_sheet(basic_rows()), year=2026))
        == []
    )
