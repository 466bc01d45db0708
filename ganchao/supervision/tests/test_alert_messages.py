"""The text of a 提醒/催办 reads as an official writes it: dates as 2026年11月23日 and periods
as 2026年10月, never the ISO keys that identify the alert."""

import datetime as dt

from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.services import Cause, _message


def cause(trigger, key, deadline=None, level=Level.URGE):
    return Cause(level, trigger, 1, 1, key, deadline)


def test_a_red_item_says_since_when_in_chinese():
    text = _message(cause(Trigger.TURNED_RED, "2026-11-23"), "2.1.5 新开工亿元以上项目")
    assert "自 2026年11月23日 起" in text and "2026-11-23" not in text


def test_a_late_report_names_its_period_and_deadline_in_chinese():
    text = _message(cause(Trigger.REPORT_LATE, "2026-10", dt.date(2026, 11, 6)), "2.2.3 投资")
    assert "”2026年10月期进展已逾期" in text and "期限 2026年11月6日" in text
    assert "2026-10" not in text
    quarter = _message(cause(Trigger.TURNED_YELLOW, "2026-Q3", level=Level.REMIND), "7.1.5 增速")
    assert "2026年第三季度" in quarter and "Q3" not in quarter
