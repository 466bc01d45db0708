"""API: the working-day calendar at /api/v1/calendar (DESIGN.md 3.11).

Every answer carries "calendar_provisional": true when it rests on a year whose holiday schedule
is not yet entered (and "provisional_years" names them). Datetimes are ISO 8601 with +08:00; a
datetime without an offset is read as Asia/Shanghai time.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ganchao.common.api import LocalDatetime
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.orgs.scoping import scope_of
from ganchao.workcal import selectors, services, texts

router = Router(tags=["工作日历"])


class Provisional(Schema):
    calendar_provisional: bool
    provisional_years: list[int]
    warning: str


class DayOut(Schema):
    date: dt.date
    weekday: int
    kind: str
    kind_label: str
    working: bool
    name: str
    note: str


class DaysOut(Provisional):
    year: int
    source: str
    source_label: str
    office_hours: list[dict]
    count: int
    items: list[DayOut]


class AddDaysOut(Provisional):
    date: dt.date
    days: int
    result: dt.date


class BetweenOut(Provisional):
    start: dt.date
    end: dt.date
    working_days: int


class WorkingTimeOut(Provisional):
    start: LocalDatetime
    end: LocalDatetime
    seconds: int
    hours: str


class AddHoursOut(Provisional):
    start: LocalDatetime
    hours: str
    result: LocalDatetime


def _require_reader(request) -> None:
    if not scope_of(request.user).reads_directory:
        raise NotFound(_("页面不存在"))


def _parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationFailed.on(
            field,
            _("%(field)s须为日期（YYYY-MM-DD），收到“%(value)s”")
            % {"field": field, "value": value},
        ) from exc


def _parse_moment(value: str, field: str) -> dt.datetime:
    """ISO 8601; a "+" decoded to a space by a careless client is put back."""
    text = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", value.strip())
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed.on(
            field,
            _("%(field)s须为 ISO 8601 时间（如 2026-09-30T16:00:00+08:00），收到“%(value)s”")
            % {"field": field, "value": value},
        ) from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _provisional(answer: dict) -> dict:
    return {
        "calendar_provisional": answer["provisional"],
        "provisional_years": answer["provisional_years"],
        "warning": answer["warning"],
    }


@router.get("/days", response=DaysOut, summary="某一年每天的类型")
def calendar_days(request, year: int):
    _require_reader(request)
    summary = selectors.year_summary(actor=request.user, year=year)
    notes = {row.date: row.note for row in summary["overrides"]}
    items = [
        {
            "date": day.date,
            "weekday": day.date.isoweekday(),
            "kind": str(day.kind),
            "kind_label": str(texts.KIND_LABELS[day.kind]),
            "working": day.working,
            "name": day.name,
            "note": notes.get(day.date, ""),
        }
        for day in summary["days"]
    ]
    return {
        "year": summary["year"],
        "source": summary["source"],
        "source_label": summary["source_label"],
        "calendar_provisional": summary["provisional"],
        "provisional_years": summary["provisional_years"],
        "warning": summary["warning"],
        "office_hours": selectors.office_hours()["sessions"],
        "count": len(items),
        "items": items,
    }


@router.get("/add-working-days", response=AddDaysOut, summary="某日之后（之前）第 N 个工作日")
def add_working_days(request, date: str, days: int):
    _require_reader(request)
    if not -1000 <= days <= 1000:
        raise ValidationFailed.on("days", _("days 须在 -1000 至 1000 之间"))
    answer = selectors.add_days_answer(_parse_date(date, "date"), days)
    return {"date": answer["start"], "days": days, "result": answer["result"]} | _provisional(
        answer
    )


@router.get("/working-days-between", response=BetweenOut, summary="两日之间的工作日数")
def working_days_between(request, start: str, end: str):
    _require_reader(request)
    answer = selectors.working_days_answer(_parse_date(start, "start"), _parse_date(end, "end"))
    return {
        "start": answer["start"],
        "end": answer["end"],
        "working_days": answer["result"],
    } | _provisional(answer)


@router.get("/working-time", response=WorkingTimeOut, summary="两个时间之间的工作时间")
def working_time(request, start: str, end: str):
    _require_reader(request)
    answer = selectors.working_time_answer(_parse_moment(start, "start"), _parse_moment(end, "end"))
    return {
        "start": answer["start"],
        "end": answer["end"],
        "seconds": answer["micros"] // 1_000_000,
        "hours": str(answer["hours"]),
    } | _provisional(answer)


@router.get("/add-working-hours", response=AddHoursOut, summary="某时刻之后（之前）N 个工作小时")
def add_working_hours(request, start: str, hours: str):
    _require_reader(request)
    try:
        amount = Decimal(hours.strip())
    except InvalidOperation as exc:
        raise ValidationFailed.on("hours", _("hours 须为数字，如 4 或 2.5")) from exc
    if not amount.is_finite() or abs(amount) > 10000:
        raise ValidationFailed.on("hours", _("hours 须在 -10000 至 10000 之间"))
    answer = selectors.add_hours_answer(_parse_moment(start, "start"), amount)
    return {"start": answer["start"], "hours": str(amount), "result": answer["result"]} | (
        _provisional(answer)
    )


# ---------------------------------------------------------------------------- changes (系统管理员)


class OverrideIn(Schema):
    date: dt.date
    is_working_day: bool
    note: str = ""


class OverrideOut(Schema):
    date: dt.date
    is_working_day: bool
    note: str


class RemoveIn(Schema):
    reason: str = ""


class ScheduleDayIn(Schema):
    date: dt.date
    name: str = ""


class YearIn(Schema):
    year: int
    holidays: list[ScheduleDayIn]
    makeup_days: list[ScheduleDayIn] = []
    note: str = ""


class YearOut(Schema):
    year: int
    note: str
    holidays: int
    makeup_days: int
    confirmed_at: LocalDatetime


@router.post(
    "/overrides",
    response=OverrideOut,
    summary="单日调整：把某日定为工作日或休息日（系统管理员；相关期限将重新计算）",
)
def override_set(request, payload: OverrideIn):
    override = services.calendar_override_set(
        actor=request.user,
        date=payload.date,
        is_working_day=payload.is_working_day,
        note=payload.note,
    )
    return {"date": override.date, "is_working_day": override.is_working_day, "note": override.note}


@router.delete("/overrides/{day}", response={204: None}, summary="删除单日调整（系统管理员）")
def override_remove(request, day: str, payload: RemoveIn = None):
    date = _parse_date(day, "day")
    reason = payload.reason if payload else ""
    services.calendar_override_remove(actor=request.user, date=date, reason=reason)
    return Status(204, None)


@router.post(
    "/years",
    response=YearOut,
    summary="录入某年的法定节假日安排（系统管理员；该年度的临时期限将重新计算）",
)
def year_set(request, payload: YearIn):
    calendar_year = services.calendar_year_confirm(
        actor=request.user,
        year=payload.year,
        holidays=[(d.date, d.name) for d in payload.holidays],
        makeup_days=[(d.date, d.name) for d in payload.makeup_days],
        note=payload.note,
    )
    return {
        "year": calendar_year.year,
        "note": calendar_year.note,
        "holidays": len(payload.holidays),
        "makeup_days": len(payload.makeup_days),
        "confirmed_at": calendar_year.confirmed_at,
    }
