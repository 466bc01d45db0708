"""Administrator overrides of the working-day calendar, and years whose schedule was entered."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
        return f"{self.date} {'上班' if self.is_working_day else '休息'}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule an administrator has entered (no longer provisional)."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    confirmed_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已录入节假日安排的年度")

    def __str__(self) -> str:
        return str(self.year)
