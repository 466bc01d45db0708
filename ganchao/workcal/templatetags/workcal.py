"""`{% provisional_note due %}`: a small note beside a deadline that falls in (or was counted
from) a year whose holidays are not yet entered. Everyone sees it; the banner that asks for the
schedule goes only to those who can enter it (DESIGN 3.11, issue 9 item 7)."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ganchao.common import workdays

register = template.Library()


def _local_year(moment) -> int:
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.year


def is_provisional(*moments) -> bool:
    years = {_local_year(moment) for moment in moments if isinstance(moment, dt.date)}
    return any(workdays.is_provisional_year(year) for year in years)


@register.simple_tag
def provisional_note(*moments):
    """The note when any of `moments` (dates or datetimes) lies in a provisional year."""
    if not is_provisional(*moments):
        return ""
    return format_html(
        '<span class="gc-provisional-note" title="{}">{}</span>',
        _("所涉年份的法定节假日安排尚未录入，期限暂按周一至周五推算，录入后将重新计算"),
        _("暂按常规工作日推算"),
    )
