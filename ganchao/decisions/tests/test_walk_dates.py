"""The |isodate filter shows the frozen packet's ISO dates as the pages write dates."""

import datetime as dt

from ganchao.decisions.templatetags.decision_dates import isodate


def test_iso_text_and_dates_read_as_chinese_dates():
    """Given a packet reference dated '2026-04-01' (text) or a date,
    When it is rendered with |isodate,
    Then it reads 2026年4月1日, and text that is not a date is left alone."""
    assert isodate("2026-04-01") == "2026年4月1日"
    assert isodate(dt.date(2026, 3, 31)) == "2026年3月31日"
    assert isodate("") == ""
    assert isodate("第1稿") == "第1稿"
