"""The calendar page: every staff user reads it and uses the calculators; system administrators
also set and remove overrides and enter a year's schedule. Views parse, call a selector or a
service, and render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import GanchaoError, ValidationFailed
from ganchao.common.forms import apply_error
from ganchao.common.views import require_directory, require_roles, scoped
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.workcal import selectors, services
from ganchao.workcal.forms import AddDaysForm, OverrideForm, WorkingTimeForm, YearScheduleForm
from ganchao.workcal.permissions import can_edit_calendar
from ganchao.workcal.texts import chinese_date


def _page_url(year: int, anchor: str = "") -> str:
    return f"{reverse('workcal:calendar')}?year={year}" + (f"#{anchor}" if anchor else "")


def _calculator(form, compute):
    """(form, answer): the answer when the form was submitted and valid, or None."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return compute(**form.cleaned_data)
    except GanchaoError as exc:
        apply_error(form, exc)
        return None


def _year_form(year: int, data=None) -> YearScheduleForm:
    holidays, makeup = selectors.schedule_text(year)
    initial = {"year": year, "holidays": holidays, "makeup_days": makeup}
    return YearScheduleForm(data, initial=initial, prefix="yr")


def _render(request, year: int, *, year_error: str = "", override_form=None, year_form=None):
    view = selectors.calendar_year_view(actor=request.user, year=year)
    can_edit = can_edit_calendar(scope_of(request.user))
    add_form = AddDaysForm(request.GET if "add-start" in request.GET else None, prefix="add")
    hours_form = WorkingTimeForm(
        request.GET if "hours-start" in request.GET else None, prefix="hours"
    )
    context = {
        "view": view,
        "year_error": year_error,
        "previous_year": year - 1 if year > selectors.FIRST_YEAR else None,
        "next_year": year + 1 if year < selectors.LAST_YEAR else None,
        "office_hours": selectors.office_hours(),
        "can_edit": can_edit,
        "add_form": add_form,
        "add_answer": _calculator(add_form, selectors.add_days_answer),
        "hours_form": hours_form,
        "hours_answer": _calculator(hours_form, selectors.working_time_answer),
    }
    if can_edit:
        context["override_form"] = override_form or OverrideForm(
            prefix="ov", initial={"is_working_day": "1"}
        )
        if year_form is not None or view["source"] != "package":
            context["year_form"] = year_form or _year_form(year)
    return render(request, "workcal/calendar.html", context)


@login_required
@require_directory
@scoped
def calendar_page(request):
    today = timezone.localdate()
    try:
        year = selectors.check_year(request.GET.get("year") or today.year)
    except ValidationFailed as exc:
        return _render(request, today.year, year_error=exc.message)
    return _render(request, year)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
@scoped
def override_set(request):
    form = OverrideForm(request.POST, prefix="ov")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_override_set(
                actor=request.user,
                date=data["date"],
                is_working_day=data["is_working_day"],
                note=data["note"],
            )
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            state = _("工作日") if data["is_working_day"] else _("休息日")
            messages.success(
                request,
                _("已将%(date)s调整为%(state)s，相关期限将重新计算。")
                % {"date": chinese_date(data["date"]), "state": state},
            )
            return redirect(_page_url(data["date"].year, "overrides"))
    year = form.cleaned_data.get("date", timezone.localdate()).year
    return _render(request, year, override_form=form)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
@scoped
def override_remove(request, day: str):
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    try:
        services.calendar_override_remove(actor=request.user, date=date)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已删除%(date)s的调整，相关期限将重新计算。") % {"date": chinese_date(date)},
        )
    return redirect(_page_url(date.year, "overrides"))


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
@scoped
def year_set(request):
    form = YearScheduleForm(request.POST, prefix="yr")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_year_confirm(
                actor=request.user,
                year=data["year"],
                holidays=data["holidays"],
                makeup_days=data["makeup_days"],
                note=data["note"],
            )
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("已录入%(year)s年法定节假日安排，该年度的临时期限将重新计算。")
                % {"year": data["year"]},
            )
            return redirect(_page_url(data["year"]))
    try:
        year = selectors.check_year(request.POST.get("yr-year"))
    except ValidationFailed:
        year = timezone.localdate().year
    return _render(request, year, year_form=form)
