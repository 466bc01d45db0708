"""ganchao calendar: answers on stdout, the provisional warning on stderr."""

import datetime as dt
import io

import pytest

from ganchao import cli
from ganchao.workcal import services
from ganchao.workcal.texts import warn_provisional

WARNING = "警告：2027年法定节假日安排尚未录入，结果为临时推算，录入后将重新计算"


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["calendar", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.django_db
def test_add_days_and_hours_answer_the_acceptance_figures(capsys):
    assert run(capsys, "add-days", "2026-09-24", "5") == (0, "2026-10-09\n", "")
    assert run(capsys, "hours", "2026-09-30T16:00", "2026-10-08T09:00") == (0, "2.00\n", "")
    assert run(capsys, "between", "2026-09-24", "2026-10-09") == (0, "5\n", "")
    assert run(capsys, "add-hours", "2026-09-30T16:00", "2") == (
        0,
        "2026-10-08T09:00:00+08:00\n",
        "",
    )


@pytest.mark.django_db
def test_an_answer_on_2027_warns_on_stderr(capsys):
    code, out, err = run(capsys, "add-days", "2026-12-30", "3")
    assert (code, out) == (0, "2027-01-05\n")
    assert err.strip() == WARNING


@pytest.mark.django_db
def test_the_warning_goes_once_2027_is_entered(capsys):
    services.calendar_year_confirm(actor=None, year=2027, holidays=[dt.date(2027, 1, 1)])
    assert run(capsys, "add-days", "2026-12-30", "3") == (0, "2027-01-05\n", "")


@pytest.mark.django_db
def test_show_lists_holidays_make_up_days_and_overrides(capsys):
    services.calendar_override_set(
        actor=None, date=dt.date(2027, 1, 4), is_working_day=False, note="寒潮停工"
    )
    code, out, err = run(capsys, "show", "2027")
    lines = out.splitlines()
    assert code == 0 and err.strip() == WARNING
    assert lines[0] == "2027年：临时推算（尚未录入法定节假日安排）"
    assert lines[1] == "工作日 258 天，休息日 107 天；作息时间 08:30–12:00、14:00–17:30"
    assert "2027-01-01 星期五 休息 法定节假日 元旦" in lines
    assert "2027-01-04 星期一 休息 调整为休息日 寒潮停工（原为工作日）" in lines
    code, out, err = run(capsys, "show", "2026")
    assert "2026-10-10 星期六 上班 调休上班 国庆节" in out.splitlines() and err == ""


@pytest.mark.django_db
def test_bad_input_is_a_chinese_error(capsys):
    code, out, err = run(capsys, "add-days", "2026-13-01", "5")
    assert code == 2 and "不是 YYYY-MM-DD 格式" in err
    code, out, err = run(capsys, "show", "1900")
    assert code == 1 and "年度须为 2000 至 2100 之间的整数" in err


def test_warn_provisional_writes_one_line_only_when_needed():
    stream = io.StringIO()
    assert warn_provisional(stream, []) is False and stream.getvalue() == ""
    assert warn_provisional(stream, [2028, 2027]) is True
    assert stream.getvalue() == (
        "警告：2027年、2028年法定节假日安排尚未录入，结果为临时推算，录入后将重新计算\n"
    )
