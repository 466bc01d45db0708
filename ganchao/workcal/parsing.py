"""Reading a year's holidays or make-up days as typed by an administrator: one date or one range
per line, optionally followed by the holiday's name.

    2027-01-01 元旦
    2027-02-06~2027-02-13 春节
    2027年10月1日 至 2027年10月7日 国庆节

Dates may be written 2027-02-06, 2027/2/6, 2027.2.6 or 2027年2月6日; a range is joined by ~,
～, 至 or 到. Every bad line is reported, by number, and nothing is returned for any of them.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from ganchao.common.errors import FieldError, ValidationFailed

DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
LINE = re.compile(rf"^{DATE}(?:\s*(?:~|～|至|到)\s*{DATE})?\s*(.*)$")
MAX_RANGE_DAYS = 31


def _date(parts) -> dt.date:
    year, month, day = (int(part) for part in parts)
    return dt.date(year, month, day)


def _parse_line(line: str) -> tuple[list[dt.date], str]:
    match = LINE.match(line)
    if match is None:
        raise ValueError(
            _("无法识别，请写成 2027-02-06 或 2027-02-06~2027-02-13，后面可加节日名称")
        )
    groups = match.groups()
    try:
        first = _date(groups[0:3])
        last = _date(groups[3:6]) if groups[3] else first
    except ValueError as exc:
        raise ValueError(_("日期不存在")) from exc
    if last < first:
        raise ValueError(_("结束日期早于开始日期"))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValueError(_("一行的日期范围不能超过 %(n)s 天") % {"n": MAX_RANGE_DAYS})
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return days, groups[6].strip()[:30]


def parse_date_lines(text: str, *, field: str, label: str) -> list[tuple[dt.date, str]]:
    """[(date, name)] in order; ValidationFailed listing each bad line of `label` (the field's
    name on the page) when any line cannot be read or a date repeats."""
    result: dict[dt.date, str] = {}
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            days, name = _parse_line(line)
        except ValueError as exc:
            errors.append(_("%(label)s第%(n)s行“%(line)s”：%(problem)s") % {
                "label": label, "n": number, "line": line, "problem": exc,
            })  # fmt: skip
            continue
        for day in days:
            if day in result:
                errors.append(
                    _("%(label)s第%(n)s行：%(date)s重复出现")
                    % {"label": label, "n": number, "date": day.isoformat()}
                )
            result[day] = name
    if errors:
        raise ValidationFailed(errors[0], [FieldError(field, message) for message in errors])
    return sorted(result.items())
