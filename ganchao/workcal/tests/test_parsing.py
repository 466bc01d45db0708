import datetime as dt

import pytest

from ganchao.common.errors import ValidationFailed
from ganchao.workcal.parsing import parse_date_lines

D = dt.date


def test_dates_ranges_and_names():
    text = "2027-01-01 元旦\n\n# 春节\n2027-02-06~2027-02-08 春节\n2027年10月1日 至 2027年10月2日 国庆节\n2027/5/1"
    assert parse_date_lines(text, field="holidays", label="放假日期") == [
        (D(2027, 1, 1), "元旦"),
        (D(2027, 2, 6), "春节"),
        (D(2027, 2, 7), "春节"),
        (D(2027, 2, 8), "春节"),
        (D(2027, 5, 1), ""),
        (D(2027, 10, 1), "国庆节"),
        (D(2027, 10, 2), "国庆节"),
    ]


def test_every_bad_line_is_reported_by_number():
    text = "2027-02-30\n2027-01-01\nsoon\n2027-03-05~2027-03-01\n2027-01-01"
    with pytest.raises(ValidationFailed) as caught:
        parse_date_lines(text, field="holidays", label="放假日期")
    messages = [error.message for error in caught.value.errors]
    assert messages[0] == "放假日期第1行“2027-02-30”：日期不存在"
    assert any(m.startswith("放假日期第3行“soon”：无法识别") for m in messages)
    assert "放假日期第4行“2027-03-05~2027-03-01”：结束日期早于开始日期" in messages
    assert "放假日期第5行：2027-01-01重复出现" in messages
