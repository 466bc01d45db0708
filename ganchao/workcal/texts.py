"""The calendar's words, shared by the page, the API and the CLI: dates as 2026年3月31日,
weekdays, what each kind of day is called and marked, and the provisional warning.

`warn_provisional(stderr, years)` is the one way a command says that its answer rests on a
year whose holidays are not yet known (DESIGN.md 3.11: "the CLI warns on stderr").
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.common.workdays import DayKind, YearSource

WEEKDAYS = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)
KIND_LABELS = {
    DayKind.WORKDAY: gettext_lazy("工作日"),
    DayKind.WEEKEND: gettext_lazy("周末"),
    DayKind.HOLIDAY: gettext_lazy("法定节假日"),
    DayKind.MAKEUP: gettext_lazy("调休上班"),
    DayKind.OVERRIDE_WORKDAY: gettext_lazy("调整为工作日"),
    DayKind.OVERRIDE_OFF: gettext_lazy("调整为休息日"),
}
# A mark beside the day number, so that no kind is told by colour alone.
KIND_MARKS = {
    DayKind.WORKDAY: "",
    DayKind.WEEKEND: "",
    DayKind.HOLIDAY: gettext_lazy("休"),
    DayKind.MAKEUP: gettext_lazy("班"),
    DayKind.OVERRIDE_WORKDAY: gettext_lazy("调班"),
    DayKind.OVERRIDE_OFF: gettext_lazy("调休"),
}
SOURCE_LABELS = {
    YearSource.PACKAGE: gettext_lazy("已内置国务院办公厅公布的节假日安排"),
    YearSource.ENTERED: gettext_lazy("已录入当年法定节假日安排"),
    YearSource.FALLBACK: gettext_lazy("临时推算（尚未录入法定节假日安排）"),
}


def chinese_date(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def chinese_datetime(moment: dt.datetime) -> str:
    return f"{chinese_date(moment.date())} {moment:%H:%M}"


def weekday_name(day: dt.date) -> str:
    return str(WEEKDAYS[day.weekday()])


def years_text(years) -> str:
    return "、".join(_("%(year)s年") % {"year": year} for year in sorted(years))


def provisional_warning(years) -> str:
    """The page and API text for answers that rest on provisional years ("" if none)."""
    if not years:
        return ""
    return _(
        "%(years)s的法定节假日安排尚未录入：相关期限暂按周一至周五、扣除元旦、劳动节、国庆节固定假日推算，"
        "均为临时期限，录入当年安排后将重新计算。"
    ) % {"years": years_text(years)}


def provisional_cli_line(years) -> str:
    return _("警告：%(years)s法定节假日安排尚未录入，结果为临时推算，录入后将重新计算") % {
        "years": years_text(years)
    }


def warn_provisional(stderr, years) -> bool:
    """Write the provisional warning line to stderr (a stream or a command's OutputWrapper)
    when `years` is not empty; say whether it did."""
    if not years:
        return False
    stderr.write(provisional_cli_line(years) + "\n")
    return True


def duration_text(micros: int) -> str:
    """Office time in words: "2小时", "1小时30分钟", "45分钟" (seconds are dropped)."""
    sign = "-" if micros < 0 else ""
    minutes = abs(micros) // 60_000_000
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        text = _("%(h)s小时%(m)s分钟") % {"h": hours, "m": minutes}
    elif hours:
        text = _("%(h)s小时") % {"h": hours}
    else:
        text = _("%(m)s分钟") % {"m": minutes}
    return sign + text
