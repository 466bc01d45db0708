"""An indicator's display precision (小数位数, issue 9 item 9): the rule, the optional column of
the goal sheet, the item form and service, and the goal sheet's numeric cells (issue 9 item 5)."""

import io
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from ganchao.common.errors import ValidationFailed
from ganchao.goals import goal_sheet as gs
from ganchao.goals import services
from ganchao.goals.exports import goal_sheet_export, goal_sheet_template
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.item_forms import ItemForm, item_initial
from ganchao.goals.models import Item, Plan
from ganchao.goals.precision import (
    default_places,
    display_places,
    figure,
    figure_pair,
    figure_with_unit,
)
from ganchao.goals.tests.sheet_builders import HEADERS, basic_rows, goal_sheet, indicator


def run(data, **kwargs):
    return goal_sheet_import(actor=None, data=data, year=2026, filename="goals.xlsx", **kwargs)


# ---- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "places"),
    [("个", 0), ("家", 0), ("起", 0), ("人", 0), ("项", 0), ("人次", 0), (" 户 ", 0),
     ("万人", 2), ("亿元", 2), ("%", 2), ("万亩", 2), ("", 2)],
)  # fmt: skip
def test_counting_units_show_whole_numbers_others_two_places(unit, places):
    assert default_places(unit) == places


def test_an_items_own_setting_wins():
    assert display_places(None, "个") == 0
    assert display_places(2, "个") == 2
    assert display_places(0, "亿元") == 0


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [("0.83", 0, "1"), ("4.67", 0, "5"), ("2.5", 0, "3"), ("330.3000", 2, "330.30"),
     ("136", 2, "136.00"), ("12000", 0, "12,000"), ("0.825", 2, "0.83"), (None, 2, ""),
     ("x", 2, "")],
)  # fmt: skip
def test_one_rule_for_every_figure(value, places, text):
    assert figure(value, places) == text


@pytest.mark.parametrize(
    "expected, actual, places, shown",
    [
        ("2.337", "2", 0, ("2.34", "2")),  # 严重滞后 at "2 / 2 个" would read as met
        ("0.8329", "1", 0, ("0.83", "1")),  # 逆向: 1 起 against 0.83 起
        ("407.1739", "318", 0, ("407", "318")),
        ("2", "2", 0, ("2", "2")),
        (None, "3", 0, ("", "3")),
        ("15.304", "15.3", 2, ("15.30", "15.30")),  # equal to two places: no finer figure
    ],
)
def test_a_pair_never_rounds_a_lag_into_a_match(expected, actual, places, shown):
    assert figure_pair(expected, actual, places) == shown


def test_figures_with_their_unit():
    assert figure_with_unit("4.67", 0, "个") == "5 个"
    assert figure_with_unit("95.5", 2, "%") == "95.50%"
    assert figure_with_unit(None, 2, "亿元") == ""


# ---- the goal sheet ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_optional_column_sets_and_clears_the_precision(city):
    rows = basic_rows()
    rows[1][gs.DECIMALS] = 1
    assert not run(goal_sheet(rows, headers=[*HEADERS, gs.DECIMALS])).errors
    assert Item.objects.get(code="1.1").decimal_places == 1
    assert Item.objects.get(code="1.1").display_places == 1
    rows[1][gs.DECIMALS] = None
    result = run(goal_sheet(rows, headers=[*HEADERS, gs.DECIMALS]))
    assert result.summary_lines() == ["新增 0，更新 1，未变 5"]
    assert Item.objects.get(code="1.1").display_places == 0  # 人 counts whole people


@pytest.mark.django_db
def test_a_sheet_without_the_column_keeps_the_setting(city):
    rows = basic_rows()
    rows[1][gs.DECIMALS] = 3
    run(goal_sheet(rows, headers=[*HEADERS, gs.DECIMALS]))
    result = run(goal_sheet(basic_rows()))
    assert result.summary_lines() == ["新增 0，更新 0，未变 6"]
    assert Item.objects.get(code="1.1").decimal_places == 3


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [5, -1, 1.5, "两位"])
def test_a_bad_precision_names_the_cell_and_writes_nothing(city, bad):
    rows = basic_rows()
    rows[1][gs.DECIMALS] = bad
    result = run(goal_sheet(rows, headers=[*HEADERS, gs.DECIMALS]))
    letter = chr(ord("A") + len(HEADERS))
    assert [str(e) for e in result.errors] == [
        f"第3行 {letter}列（小数位数）：小数位数须为 0 至 4 的整数，或留空"
    ]
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_export_writes_values_as_numbers_to_the_items_precision(city):
    rows = basic_rows()
    rows[5][gs.MEASURE_UNIT] = "亿元"
    rows[5][gs.TARGET] = 330.3
    rows.append(
        indicator("2.2", "新增市场主体", target=2.5, quarters=None, **{gs.MEASURE_UNIT: "家"})
    )
    assert not run(goal_sheet(rows)).errors
    data = goal_sheet_export(Plan.objects.get())
    sheet = load_workbook(io.BytesIO(data))[gs.GOAL_SHEET_TITLE]
    head = {cell.value: cell.column for cell in sheet[1]}
    line = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    cells = {code: sheet.cell(line[code], head[gs.TARGET]) for code in ("1.1", "2.1", "2.2")}
    assert {c: (x.value, x.data_type, x.number_format) for c, x in cells.items()} == {
        "1.1": (12000, "n", "#,##0"),
        "2.1": (330.3, "n", "#,##0.00"),
        "2.2": (2.5, "n", "#,##0"),  # shown as 3, stored exactly
    }
    q2 = sheet.cell(line["1.1"], head[gs.Q2])
    assert (q2.value, q2.data_type) == (6500, "n")
    assert sheet.cell(line["1.1"], head[gs.WEIGHT]).data_type == "n"
    result = run(data)
    assert not result.errors and result.summary_lines() == ["新增 0，更新 0，未变 7"]


@pytest.mark.django_db
def test_the_template_explains_the_column(city):
    book = load_workbook(io.BytesIO(goal_sheet_template()))
    headers = [cell.value for cell in book[gs.GOAL_SHEET_TITLE][1]]
    assert headers[5] == gs.DECIMALS
    assert all(len(row) == len(headers) for row in book[gs.GOAL_SHEET_TITLE].iter_rows())
    notes = [row[1] for row in book[gs.NOTES_SHEET_TITLE].iter_rows(values_only=True)]
    assert gs.DECIMALS in notes


# ---- the form and the service --------------------------------------------------------------


@pytest.mark.django_db
def test_service_refuses_a_bad_precision(city):
    run(goal_sheet(basic_rows()))
    item = Item.objects.get(code="1.1")
    with pytest.raises(ValidationFailed) as caught, transaction.atomic():
        services.item_update(actor=None, item=item, decimal_places=7)
    assert caught.value.errors[0].field == "decimal_places"
    services.item_update(actor=None, item=item, decimal_places="1")
    item.refresh_from_db()
    assert item.decimal_places == 1


@pytest.mark.django_db
def test_the_item_form_offers_the_precision(city):
    run(goal_sheet(basic_rows()))
    item = Item.objects.get(code="1.1")
    initial = item_initial(item)
    data = {k: v for k, v in initial.items() if v is not None}
    data.update(decimal_places="9", weight="1", target="12000")
    form = ItemForm(data=data, item_type="indicator", creating=False)
    assert not form.is_valid()
    assert form.errors["decimal_places"] == ["小数位数须为 0 至 4 的整数，或留空"]
    data["decimal_places"] = "1"
    form = ItemForm(data=data, item_type="indicator", creating=False)
    assert form.is_valid(), form.errors
    assert form.values()["decimal_places"] == 1
    assert Decimal(12000) == item.target


@pytest.mark.django_db
def test_no_goal_sheet_export_holds_a_number_as_text(city):
    from ganchao.assessment.tests.test_export_cells import assert_no_number_as_text
    from ganchao.goals.exports import report_sheet_template

    run(goal_sheet(basic_rows()))
    plan = Plan.objects.get()
    for data in (goal_sheet_export(plan), goal_sheet_template(), report_sheet_template(plan)):
        assert assert_no_number_as_text(data)


@pytest.mark.django_db
def test_the_api_sets_and_shows_the_precision(city):
    from ganchao.common.tests.api_client import TokenApi, error_fields

    run(goal_sheet(basic_rows()))
    item = Item.objects.get(code="1.1")
    api = TokenApi(city.office)
    assert api.get(f"/items/{item.pk}").json()["display_places"] == 0  # 人
    changed = api.call(
        "PATCH", f"/items/{item.pk}", {"decimal_places": 2, "expected_version": item.version}
    )
    assert changed.status_code == 200, changed.content
    shown = api.get(f"/items/{item.pk}").json()
    assert (shown["decimal_places"], shown["display_places"]) == (2, 2)
    version = changed.json()["version"]
    refused = api.call(
        "PATCH", f"/items/{item.pk}", {"decimal_places": 9, "expected_version": version}
    )
    assert refused.status_code == 422 and error_fields(refused) == {"decimal_places"}
    assert "小数位数须为 0 至 4 的整数" in refused.json()["errors"][0]["message"]
    cleared = api.call(
        "PATCH", f"/items/{item.pk}", {"decimal_places": None, "expected_version": version}
    )
    assert cleared.status_code == 200
    assert Item.objects.get(pk=item.pk).decimal_places is None


@pytest.mark.django_db
def test_approved_adjustments_list_their_values_as_numbers(city):

    from django.utils import timezone

    from ganchao.goals.choices import AdjustmentState
    from ganchao.goals.models import Milestone, TargetAdjustment

    run(goal_sheet(basic_rows()))
    item = Item.objects.get(code="1.1")
    common = {"reason": "受疫情影响", "requested_by": city.liaison_a,
              "state": AdjustmentState.APPROVED, "decided_at": timezone.now()}  # fmt: skip
    TargetAdjustment.objects.create(
        item=item, field="target", old_value="12000", new_value="11000.5", **common
    )
    task = Item.objects.get(code="1.2")
    TargetAdjustment.objects.create(
        item=task, milestone=Milestone.objects.filter(item=task).first(), field="milestone_date",
        old_value="2026-03-31", new_value="2026-04-30", **common,
    )  # fmt: skip
    data = goal_sheet_export(Plan.objects.get())
    sheet = load_workbook(io.BytesIO(data))[gs.ADJUSTMENT_SHEET_TITLE]
    rows = list(sheet.iter_rows(min_row=2))
    target = {cell.column_letter: cell for cell in rows[0]}
    assert (target["E"].value, target["E"].data_type, target["E"].number_format) == (
        12000,
        "n",
        "#,##0",
    )
    assert (target["F"].value, target["F"].data_type) == (11000.5, "n")
    assert [cell.value for cell in rows[1]][4:6] == ["2026-03-31", "2026-04-30"]  # dates stay text


@pytest.mark.django_db
def test_the_item_page_never_rounds_a_units_lag_into_a_match(city, login):
    """A town of 生产安全事故死亡人数 (逆向, 人, no decimals) with 序时 1.663 and 2 reported is
    red: its row on the item page reads 1.66 / 2, not 2 / 2 (as its tree row already did)."""
    from ganchao.goals.models import Assignment

    run(goal_sheet(basic_rows()))
    item = Item.objects.get(code="1.1")
    assignment = Assignment.objects.filter(item=item).first()
    Assignment.objects.filter(pk=assignment.pk).update(
        expected=Decimal("1.663"), actual=Decimal("2"), status="red"
    )
    Item.objects.filter(pk=item.pk).update(measure_unit="人", decimal_places=None)
    page = login(city.office).get(f"/goals/items/{item.pk}/").content.decode()
    row = page.split('id="assignments"')[1].split("</table>")[0]
    assert '<td class="num">1.66</td><td class="num">2</td>' in row
