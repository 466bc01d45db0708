"""The sheet 问题台账 applies the recurrence rule of problem_create: a new row at the place and
category of a problem closed within the window reopens it and counts (an update, not a new
problem); at the place and category of an unclosed problem it is a new problem linked to it; all
or nothing and the round trip still hold."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.audit.models import AuditEvent
from ganchao.problems import sheet
from ganchao.problems.choices import State
from ganchao.problems.models import Problem, ProblemEvent
from ganchao.problems.tests.test_sheet import make_problem, new_row, run, workbook

pytestmark = pytest.mark.django_db

AT_LIZHUANG = {  # the place and category of new_row()
    "source": "citizen",
    "place_type": "village",
    "place": "李庄村 文化广场",
    "place_key": "李庄村文化广场",
    "category": "livelihood",
    "severity": "general",
}


def closed_days_ago(city, n, days, **extra):
    closed_at = timezone.now() - dt.timedelta(days=days)
    return make_problem(
        city, n, state=State.CLOSED, closed_at=closed_at, **{**AT_LIZHUANG, **extra}
    )


def test_a_row_recurring_a_recently_closed_problem_reopens_it_and_counts(city):
    closed = closed_days_ago(city, 1, 30)
    data = workbook([new_row(严重程度="较重")])

    preview = run(city, data, dry_run=True)
    assert preview.errors == []
    assert preview.summary_lines() == ["新增 0，更新 1，未变 0"]
    assert preview.updated[0]["number"] == closed.number
    assert ("状态", "已销号", "已重新打开") in preview.updated[0]["changes"]
    closed.refresh_from_db()
    assert closed.state == State.CLOSED  # the preview wrote nothing

    result = run(city, data)

    assert result.written and Problem.objects.count() == 1
    closed.refresh_from_db()
    assert closed.state == State.REOPENED
    assert closed.recurrence_count == 1
    assert closed.severity == "serious"  # the graver of the two, as problem_create does
    assert closed.closed_at is None
    recurred = ProblemEvent.objects.get(problem=closed, kind="recurred")
    assert recurred.note == "路灯损坏三处，夜间无照明"
    assert AuditEvent.objects.filter(action="problem.recur").count() == 1
    batch = AuditEvent.objects.get(action="problem.import")
    assert batch.changes["reopened"]["after"] == [closed.number]


def test_a_problem_closed_before_the_window_is_not_reopened(city):
    old = closed_days_ago(city, 1, 400)
    result = run(city, workbook([new_row()]))
    assert result.summary_lines() == ["新增 1，更新 0，未变 0"]
    old.refresh_from_db()
    assert old.state == State.CLOSED and old.recurrence_count == 0


def test_a_row_at_the_place_of_an_unclosed_problem_is_linked_to_it(city):
    earlier = make_problem(city, 1, **AT_LIZHUANG)  # open
    preview = run(city, workbook([new_row()]), dry_run=True)
    assert preview.created[0]["recurs"] == earlier.number

    run(city, workbook([new_row()]))

    new = Problem.objects.exclude(pk=earlier.pk).get()
    assert new.recurrence_of == earlier and new.state == State.OPEN
    earlier.refresh_from_db()
    assert earlier.recurrence_count == 1 and earlier.version == 2
    note = ProblemEvent.objects.get(problem=earlier, kind="recurred").note
    assert new.number in note


def test_rows_of_one_sheet_recur_in_order_as_one_by_one_registration(city):
    closed = closed_days_ago(city, 1, 10)
    rows = [
        new_row(问题描述="路灯又坏了"),  # reopens the closed one
        new_row(问题描述="广场地砖破损"),  # then links to it, now unclosed
        new_row(地点="王庄村村口", 问题描述="垃圾未清运"),  # a new place
        new_row(地点="王庄村 村口", 问题描述="垃圾桶不足"),  # links to the row above
    ]
    preview = run(city, workbook(rows), dry_run=True)
    assert preview.summary_lines() == ["新增 3，更新 1，未变 0"]
    assert [r["recurs"] for r in preview.created] == [closed.number, "", "第4行"]

    run(city, workbook(rows))

    closed.refresh_from_db()
    assert closed.state == State.REOPENED and closed.recurrence_count == 2
    by_description = {p.description: p for p in Problem.objects.all()}
    assert by_description["广场地砖破损"].recurrence_of == closed
    first_at_wangzhuang = by_description["垃圾未清运"]
    assert by_description["垃圾桶不足"].recurrence_of == first_at_wangzhuang
    first_at_wangzhuang.refresh_from_db()
    assert first_at_wangzhuang.recurrence_count == 1


def test_a_bad_cell_elsewhere_writes_no_recurrence_either(city):
    closed = closed_days_ago(city, 1, 10)
    result = run(city, workbook([new_row(), new_row(地点="王庄村", 严重程度="很重")]))
    assert result.errors and not result.written
    closed.refresh_from_db()
    assert closed.state == State.CLOSED and closed.recurrence_count == 0
    assert not ProblemEvent.objects.exists()


def test_after_a_recurrence_the_export_still_imports_unchanged(city):
    closed_days_ago(city, 1, 10)
    make_problem(city, 2)
    run(city, workbook([new_row(), new_row(问题描述="广场地砖破损")]))
    data = sheet.problem_sheet_export(Problem.objects.all())
    assert run(city, data).summary_lines() == ["新增 0，更新 0，未变 3"]
