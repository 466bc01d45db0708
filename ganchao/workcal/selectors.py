"""Reads on the working-day calendar."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays


def provisional_years(today=None) -> list[int]:
    """The current year, and the next one from November on, when their schedule is unknown."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [year for year in years if workdays.is_provisional_year(year)]


def calendar_warning(today=None) -> str:
    years = provisional_years(today)
    if not years:
        return ""
    names = "、".join(f"{year}年" for year in years)
    return _(
        "%(years)s的法定节假日安排尚未录入：相关期限暂按周一至周五、扣除元旦、劳动节、国庆节固定假日推算，"
        "均为临时期限，录入当年安排后将重新计算。"
    ) % {"years": names}
