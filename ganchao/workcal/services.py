"""Writes on the working-day calendar (DESIGN.md 3.11): single-day overrides, and entering a
year's official holiday schedule. Each runs in one transaction with its audit event, may be
done only by a system administrator (or the system, actor None), drops the cached calendar and
schedules the recompute hooks for after commit (ganchao.workcal.recompute)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import workdays
from ganchao.common.errors import FieldError, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.scoping import scope_of
from ganchao.workcal.models import CalendarOverride, CalendarScheduleDay, CalendarYear
from ganchao.workcal.permissions import can_edit_calendar
from ganchao.workcal.recompute import schedule_recompute
from ganchao.workcal.selectors import check_year
from ganchao.workcal.texts import chinese_date, weekday_name

OVERRIDE_FIELDS = ("date", "is_working_day", "note")


def _require_admin(actor) -> None:
    if actor is not None and not can_edit_calendar(scope_of(actor)):
        raise Forbidden(_("只有系统管理员可以修改工作日历"))


def _check_date(day, field: str = "date") -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationFailed.on(field, _("请填写日期"))
    check_year(day.year, field)
    return day


def _check_text(text: str, field: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationFailed.on(field, _("最多 %(n)s 个字") % {"n": limit})
    return text


def _override_snapshot(override: CalendarOverride | None) -> dict:
    if override is None:
        return {}
    return {name: getattr(override, name) for name in OVERRIDE_FIELDS}


@transaction.atomic
def calendar_override_set(
    *, actor, date: dt.date, is_working_day: bool, note: str = ""
) -> CalendarOverride:
    """Declare `date` a working day or a day off, whatever the package or the schedule says."""
    _require_admin(actor)
    date = _check_date(date)
    note = _check_text(note, "note", 100)
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    before = _override_snapshot(override)
    if override is None:
        override = CalendarOverride.objects.create(
            date=date, is_working_day=bool(is_working_day), note=note
        )
    else:
        override.is_working_day, override.note = bool(is_working_day), note
        override.save(update_fields=["is_working_day", "note"])
    changes = diff(before, _override_snapshot(override))
    if changes:
        audit_record(
            actor=actor,
            action="calendar.override_set",
            target=Target.of(override, "calendaroverride"),
            changes=changes,
        )
        schedule_recompute({date.year})
    return override


@transaction.atomic
def calendar_override_remove(*, actor, date: dt.date, reason: str = "") -> None:
    """Remove the override of `date`, so that the package or the entered schedule applies."""
    _require_admin(actor)
    date = _check_date(date)
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        raise NotFound(_("%(date)s没有工作日调整") % {"date": chinese_date(date)})
    target = Target.of(override, "calendaroverride")
    before = _override_snapshot(override)
    override.delete()
    audit_record(
        actor=actor,
        action="calendar.override_remove",
        target=target,
        changes=diff(before, {}),
        reason=_check_text(reason, "reason", 500),
    )
    schedule_recompute({date.year})


def _normalise_days(items, year: int, field: str) -> dict[dt.date, str]:
    """{date: name} from dates or (date, name) pairs; every date must lie in `year`."""
    days, errors = {}, []
    for item in items:
        day, name = item if isinstance(item, tuple | list) else (item, "")
        day = _check_date(day, field)
        if day.year != year:
            errors.append(_("%(date)s不在%(year)s年内") % {"date": chinese_date(day), "year": year})
        days[day] = (name or "").strip()[:30]
    if errors:
        raise ValidationFailed(errors[0], [FieldError(field, message) for message in errors])
    return days


def _check_schedule(holidays: dict, makeup: dict) -> None:
    errors = []
    if not holidays:
        errors.append(FieldError("holidays", _("请至少填写一个法定节假日")))
    for day in sorted(set(holidays) & set(makeup)):
        errors.append(
            FieldError(
                "makeup_days",
                _("%(date)s不能既放假又调休上班") % {"date": chinese_date(day)},
            )
        )
    for day in sorted(makeup):
        if day.weekday() < 5 and day not in holidays:
            errors.append(
                FieldError(
                    "makeup_days",
                    _("%(date)s是%(weekday)s，本来就是工作日，不是调休上班日")
                    % {"date": chinese_date(day), "weekday": weekday_name(day)},
                )
            )
    if errors:
        raise ValidationFailed(errors[0].message, errors)


def _schedule_snapshot(calendar_year: CalendarYear | None) -> dict:
    if calendar_year is None:
        return {}
    days = list(calendar_year.days.order_by("date"))
    return {
        "holidays": [
            f"{d.date.isoformat()} {d.name}".strip() for d in days if not d.is_working_day
        ],
        "makeup_days": [f"{d.date.isoformat()} {d.name}".strip() for d in days if d.is_working_day],
        "note": calendar_year.note,
    }


@transaction.atomic
def calendar_year_confirm(
    *, actor, year: int, holidays, makeup_days=(), note: str = ""
) -> CalendarYear:
    """Enter the official holiday schedule of a year the package does not know: its holidays
    and make-up working days, as dates or (date, name) pairs. The year stops being provisional;
    entering it again replaces the schedule. Overrides of single days still win."""
    _require_admin(actor)
    year = check_year(year)
    if workdays.package_knows(year):
        raise ValidationFailed.on(
            "year",
            _("%(year)s年的法定节假日安排已内置于系统，无需录入；个别日期请用“单日调整”")
            % {"year": year},
        )
    holiday_days = _normalise_days(holidays, year, "holidays")
    makeup = _normalise_days(makeup_days, year, "makeup_days")
    _check_schedule(holiday_days, makeup)
    note = _check_text(note, "note", 200)
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = _schedule_snapshot(calendar_year)
    if calendar_year is None:
        calendar_year = CalendarYear.objects.create(year=year, note=note)
    else:
        calendar_year.note, calendar_year.confirmed_at = note, timezone.now()
        calendar_year.save(update_fields=["note", "confirmed_at"])
        calendar_year.days.all().delete()
    CalendarScheduleDay.objects.bulk_create(
        [
            CalendarScheduleDay(
                calendar_year=calendar_year, date=day, is_working_day=False, name=name
            )
            for day, name in sorted(holiday_days.items())
        ]
        + [
            CalendarScheduleDay(
                calendar_year=calendar_year, date=day, is_working_day=True, name=name
            )
            for day, name in sorted(makeup.items())
        ]
    )
    audit_record(
        actor=actor,
        action="calendar.year_set",
        target=Target("calendaryear", str(calendar_year.pk), str(calendar_year)),
        changes=diff(before, _schedule_snapshot(calendar_year)),
    )
    schedule_recompute({year})
    return calendar_year
