"""What administrators add to the package's calendar: single-day overrides, and the official
holiday schedule of years the package does not know (DESIGN.md 3.11)."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ganchao.workcal.texts import chinese_date


class CalendarOverride(models.Model):
    """A date an administrator declared a working day or a day off; overrides always win."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")

    def __str__(self) -> str:
        state = gettext("上班") if self.is_working_day else gettext("休息")
        return f"{chinese_date(self.date)} {state}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule an administrator has entered (no longer provisional)."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    confirmed_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已录入节假日安排的年度")

    def __str__(self) -> str:
        return gettext("%(year)s年") % {"year": self.year}


class CalendarScheduleDay(models.Model):
    """One day of an entered year's official schedule: a holiday, or a make-up working day
    (调休上班). Days not listed follow Monday–Friday; overrides still win over these."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年度")
    )
    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("节日"), max_length=30, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("年度节假日安排")

    def __str__(self) -> str:
        state = gettext("调休上班") if self.is_working_day else gettext("放假")
        return f"{chinese_date(self.date)} {state} {self.name}".strip()
