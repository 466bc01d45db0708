"""Reads on the working-day calendar: the source ganchao.common.workdays loads from, the
provisional warning, and a year laid out for the page, the API and the CLI.

The calendar is readable by every staff user (and by commands, actor None)."""

import calendar as month_calendar
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.common.prepared import Prepared
from ganchao.orgs.scoping import scope_of
from ganchao.workcal import texts
from ganchao.workcal.models import CalendarOverride, CalendarScheduleDay, CalendarYear

FIRST_YEAR, LAST_YEAR = 2000, 2100
HUNDREDTH = Decimal("0.01")


# Read by every request that shows a deadline: compiled once per process (common.prepared).
_YEARS = Prepared(CalendarYear, lambda: CalendarYear.objects.values_list("year", flat=True))
_OVERRIDES = Prepared(
    CalendarOverride, lambda: CalendarOverride.objects.values_list("date", "is_working_day")
)


class DatabaseSource:
    """What workdays.current_calendar() is built from: two or three small queries."""

    def confirmed_years(self) -> frozenset[int]:
        return frozenset(_YEARS.fetch())

    def rules(self, confirmed):
        overrides = dict(_OVERRIDES.fetch())
        entered = {year: {} for year in confirmed if not workdays.package_knows(year)}
        if entered:
            rows = CalendarScheduleDay.objects.values_list(
                "calendar_year__year", "date", "is_working_day", "name"
            )
            for year, day, working, name in rows:
                if year in entered:
                    entered[year][day] = (working, name)
        return overrides, entered

    def office_hours(self):
        return settings.OFFICE_HOURS


def _require_reader(actor) -> None:
    if actor is not None and not scope_of(actor).reads_directory:
        raise NotFound(_("页面不存在"))


def check_year(year, field: str = "year") -> int:
    """A year the calendar can show and compute on, or ValidationFailed naming the field."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value is None or not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationFailed.on(
            field,
            _("年度须为 %(first)s 至 %(last)s 之间的整数")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


def provisional_years(today=None) -> list[int]:
    """The current year, and the next one from November on, when their schedule is unknown."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [year for year in years if workdays.is_provisional_year(year)]


def calendar_warning(today=None) -> str:
    return texts.provisional_warning(provisional_years(today))


def office_hours() -> dict:
    """The office sessions as text, and the length of a working day."""
    micros = workdays.current_calendar().day_micros
    return {
        "sessions": [
            {"start": str(start), "end": str(end)} for start, end in settings.OFFICE_HOURS
        ],
        "day_text": texts.duration_text(micros),
        "day_hours": workdays.micros_to_hours(micros).quantize(HUNDREDTH),
    }


def override_rows(*, actor, year: int | None = None):
    _require_reader(actor)
    rows = CalendarOverride.objects.order_by("date")
    if year is not None:
        rows = rows.filter(date__year=year)
    return list(rows)


def describe_day(day: workdays.Day, note: str = "") -> str:
    """E.g. "2026年10月10日 星期六 调休上班（国庆节）", for titles and screen readers."""
    text = f"{texts.chinese_date(day.date)} {texts.weekday_name(day.date)} {texts.KIND_LABELS[day.kind]}"
    if day.name:
        text += _("（%(name)s）") % {"name": day.name}
    if day.base_kind is not None:
        text += _("，原为%(kind)s") % {"kind": texts.KIND_LABELS[day.base_kind]}
    if note:
        text += _("：%(note)s") % {"note": note}
    return text


def _cell(day: workdays.Day, note: str, today: dt.date) -> dict:
    return {
        "day": day.date.day,
        "iso": day.date.isoformat(),
        "kind": str(day.kind),
        "working": day.working,
        "mark": str(texts.KIND_MARKS[day.kind]),
        "label": describe_day(day, note),
        "today": day.date == today,
    }


def _months(year: int, days: list[workdays.Day], notes: dict, today: dt.date) -> list[dict]:
    """Twelve grids of weeks, Monday first; days of the adjacent months are None."""
    by_date = {day.date: day for day in days}
    months = []
    for month in range(1, 13):
        weeks = [
            [
                _cell(by_date[date], notes.get(date, ""), today) if date.month == month else None
                for date in week
            ]
            for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        months.append({"number": month, "label": _("%(m)s月") % {"m": month}, "weeks": weeks})
    return months


def _counts(days: list[workdays.Day]) -> dict:
    kinds = [day.kind for day in days]
    working = sum(day.working for day in days)
    return {
        "working": working,
        "rest": len(days) - working,
        "holidays": kinds.count(workdays.DayKind.HOLIDAY),
        "makeup": kinds.count(workdays.DayKind.MAKEUP),
        "overrides": sum(day.base_kind is not None for day in days),
    }


def year_summary(*, actor, year: int) -> dict:
    """A year's status, every date with its kind, and its overrides (with their notes)."""
    _require_reader(actor)
    year = check_year(year)
    cal = workdays.current_calendar()
    source = cal.year_source(year)
    provisional = cal.is_provisional(year)
    return {
        "year": year,
        "source": str(source),
        "source_label": str(texts.SOURCE_LABELS[source]),
        "provisional": provisional,
        "provisional_years": [year] if provisional else [],
        "warning": texts.provisional_warning([year] if provisional else []),
        "days": cal.year_days(year),
        "overrides": override_rows(actor=actor, year=year),
    }


def calendar_year_view(*, actor, year: int, today: dt.date | None = None) -> dict:
    """A year for the page: status, counts, 12 month grids, its overrides and entered schedule."""
    summary = year_summary(actor=actor, year=year)
    notes = {row.date: row.note for row in summary["overrides"]}
    today = today or timezone.localdate()
    entered = summary["source"] == workdays.YearSource.ENTERED
    return summary | {
        "entered": CalendarYear.objects.filter(year=summary["year"]).first() if entered else None,
        "counts": _counts(summary["days"]),
        "months": _months(summary["year"], summary["days"], notes, today),
    }


def schedule_text(year: int) -> tuple[str, str]:
    """An entered year's holidays and make-up days as the form's lines ("" if none entered)."""
    rows = CalendarScheduleDay.objects.filter(calendar_year__year=year).order_by("date")
    holidays = [(row.date, row.name) for row in rows if not row.is_working_day]
    makeup = [(row.date, row.name) for row in rows if row.is_working_day]
    return _as_lines(holidays), _as_lines(makeup)


def _as_lines(days: list[tuple[dt.date, str]]) -> str:
    """Consecutive dates with the same name become one range line."""
    lines: list[list] = []
    for day, name in days:
        last = lines[-1] if lines else None
        if last and last[2] == name and last[1] + dt.timedelta(days=1) == day:
            last[1] = day
        else:
            lines.append([day, day, name])
    return "\n".join(
        " ".join(
            part
            for part in (
                first.isoformat() if first == end else f"{first.isoformat()}~{end.isoformat()}",
                name,
            )
            if part
        )
        for first, end, name in lines
    )


def _answer_fields(answer: workdays.Answer) -> dict:
    return {
        "provisional": answer.provisional,
        "provisional_years": sorted(answer.provisional_years),
        "warning": texts.provisional_warning(answer.provisional_years),
    }


def add_days_answer(start: dt.date, days: int) -> dict:
    """The calculator: the `days`th working day after (before, if negative) `start`."""
    check_year(start.year, "start")
    answer = workdays.add_working_days_info(start, days)
    check_year(answer.value.year, "days")
    return {"start": start, "days": days, "count": abs(days), "result": answer.value} | (
        _answer_fields(answer)
    )


def working_days_answer(start: dt.date, end: dt.date) -> dict:
    """The working days w with start < w ≤ end (negative when end is before start)."""
    check_year(start.year, "start")
    check_year(end.year, "end")
    answer = workdays.working_days_between_info(start, end)
    return {"start": start, "end": end, "result": answer.value} | _answer_fields(answer)


def working_time_answer(start: dt.datetime, end: dt.datetime) -> dict:
    """The calculator: office time between two moments, in hours and in words."""
    check_year(timezone.localtime(start).year, "start")
    check_year(timezone.localtime(end).year, "end")
    answer = workdays.working_time_between_info(start, end)
    micros = answer.value // dt.timedelta(microseconds=1)
    return {
        "start": timezone.localtime(start),
        "end": timezone.localtime(end),
        "micros": micros,
        "hours": workdays.micros_to_hours(micros).quantize(HUNDREDTH),
        "text": texts.duration_text(micros),
    } | _answer_fields(answer)


def add_hours_answer(start: dt.datetime, hours: Decimal) -> dict:
    """`hours` of office time after (before, if negative) `start`."""
    check_year(timezone.localtime(start).year, "start")
    answer = workdays.add_working_hours_info(start, hours)
    check_year(answer.value.year, "hours")
    return {"start": timezone.localtime(start), "hours": hours, "result": answer.value} | (
        _answer_fields(answer)
    )
