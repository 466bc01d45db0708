"""Assessment periods: `YYYY`, `YYYY-Qn` or `YYYY-MM`, matching the scheme's period type."""

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ganchao.assessment.choices import PeriodType

PATTERNS = {
    PeriodType.YEAR: re.compile(r"^(\d{4})$"),
    PeriodType.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodType.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}
MIN_YEAR, MAX_YEAR = 2000, 2099  # the calendar's working-day arithmetic needs real years
EXAMPLES = {PeriodType.YEAR: "2026", PeriodType.QUARTER: "2026-Q2", PeriodType.MONTH: "2026-05"}


@dataclass(frozen=True)
class AssessmentPeriod:
    code: str
    start: dt.date
    end: dt.date

    @property
    def year(self) -> int:
        return self.start.year


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def parse(text: str, period_type: str) -> AssessmentPeriod | None:
    """The period, or None when `text` is not of the scheme's period type."""
    value = (text or "").strip().upper()
    match = PATTERNS[period_type].match(value)
    if not match:
        return None
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if period_type == PeriodType.YEAR:
        return AssessmentPeriod(value, dt.date(year, 1, 1), dt.date(year, 12, 31))
    index = int(match.group(2))
    if period_type == PeriodType.QUARTER:
        first = (index - 1) * 3 + 1
        return AssessmentPeriod(value, dt.date(year, first, 1), _last_day(year, first + 2))
    return AssessmentPeriod(value, dt.date(year, index, 1), _last_day(year, index))


def mismatch_message(text: str, period_type: str) -> str:
    label = PeriodType(period_type).label
    return _("考核期间“%(text)s”与方案的考核周期（%(label)s）不符，应形如 %(example)s") % {
        "text": text,
        "label": label,
        "example": EXAMPLES[period_type],
    }


def period_label(code: str) -> str:
    """2026 → 2026年, 2026-Q2 → 2026年第二季度, 2026-05 → 2026年5月."""
    year, _sep, part = code.partition("-")
    if not part:
        return _("%(y)s年") % {"y": year}
    if part.startswith("Q"):
        quarter = (_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度"))[int(part[1]) - 1]
        return _("%(y)s年%(quarter)s") % {"y": year, "quarter": quarter}
    return _("%(y)s年%(m)d月") % {"y": year, "m": int(part)}
