"""A bulletin that reads right (issue 9 item 9), read from the generated .docx: every figure to its
indicator's display precision, praise of a 优秀 unit qualified by its items still 严重滞后, and
the appeal sentence naming the actual last day."""

import datetime as dt
from decimal import Decimal

import pytest

from ganchao.assessment import bulletin, services_bulletins
from ganchao.assessment.selectors_appeals import appeal_deadline
from ganchao.assessment.tests.test_bulletin import document_text, publish
from ganchao.goals.models import Assignment, Item


def lag(scenario, code, *, expected, actual, measure, places=None, direction="positive"):
    Item.objects.filter(plan=scenario.plan, code=code).update(
        measure_unit=measure, decimal_places=places, direction=direction
    )
    Assignment.objects.filter(item__plan=scenario.plan, item__code=code).update(
        status="red", expected=expected, actual=actual, red_since=dt.date(2026, 6, 15)
    )


def generate(scenario):
    result = publish(scenario)
    content = services_bulletins.bulletin_generate(
        actor=None, scheme_code="TOWNS", period="2026-Q2"
    ).content
    return document_text(content), result


def test_figures_follow_each_indicators_precision(scenario):
    lag(scenario, "1", expected="4.6700", actual="3", measure="起")
    lag(scenario, "2", expected="330.3000", actual="136", measure="亿元")
    lag(scenario, "4", expected="4.6700", actual="2.5", measure="家", places=1)
    text, _result = generate(scenario)
    assert "事项1（序时目标5起，实际完成3起，自2026年6月15日起严重滞后）" in text
    assert "事项2（序时目标330.30亿元，实际完成136.00亿元，" in text
    assert "事项4（序时目标4.7家，实际完成2.5家，" in text
    assert "4.67" not in text and "330.3000" not in text


def test_less_is_better_reads_as_a_limit_and_rounding_hides_no_gap(scenario):
    lag(scenario, "1", expected="0.8300", actual="1", measure="起", direction="negative")
    text, _result = generate(scenario)
    assert "事项1（序时目标不超过0.83起，实际为1起，自2026年6月15日起严重滞后）" in text
    assert "实际完成1起" not in text


def test_rounding_is_refined_only_when_it_would_hide_the_gap():
    assert bulletin._figures(Decimal("0.83"), Decimal("1"), 0) == ("0.83", "1")
    assert bulletin._figures(Decimal("4.67"), Decimal("3"), 0) == ("5", "3")
    assert bulletin._figures(Decimal("100.004"), Decimal("100.001"), 2) == ("100.00", "100.00")
    assert bulletin._figures(None, Decimal("3"), 0) == ("", "3")


def test_praise_of_an_excellent_unit_is_qualified_by_its_lagging_items(scenario):
    lag(scenario, "1", expected="100", actual="50", measure="个")
    lag(scenario, "2", expected="100", actual="50", measure="个")
    text, result = generate(scenario)
    grades = {row["unit"]: row["grade"] for row in result.snapshot}
    assert grades["甲镇"] == "优秀" and grades["乙镇"] == "优秀"
    assert "甲镇考核等次为优秀，但仍有2项指标严重滞后（见“存在的问题”），须加快推进。" in text
    assert "乙镇考核等次为优秀，但" not in text  # nothing of 乙镇 lags


def test_the_caveat_names_tasks_and_mixed_items():
    rows = [{"kind": "task"}, {"kind": "indicator"}]
    assert "仍有2项目标任务严重滞后" in bulletin._lagging_caveat("甲镇", rows)
    assert "仍有1项任务严重滞后" in bulletin._lagging_caveat("甲镇", rows[:1])
    assert bulletin._lagging_caveat("甲镇", []) == ""


def test_the_appeal_sentence_states_the_deadline(scenario):
    text, result = generate(scenario)
    day = appeal_deadline(result)
    assert f"对考核结果有异议的，请于{day.year}年{day.month}月{day.day}日前通过平台提出申诉" in text
    assert "5个工作日内" not in text


def test_a_bulletin_issued_after_the_window_does_not_invite_appeals(scenario):
    _text, result = generate(scenario)
    day = appeal_deadline(result)
    late = bulletin.appeal_note(result, day + dt.timedelta(days=1))
    assert late == f"本期考核结果的申诉期已于{day.year}年{day.month}月{day.day}日届满。"
    assert "请于" in bulletin.appeal_note(result, day)  # on the last day it still invites


@pytest.mark.parametrize("name", ["appeal_deadline", "appeal_note"])
def test_office_templates_may_use_the_deadline(name):
    assert name in bulletin.sample_context()
    assert any(name in key for key, _help in bulletin.CONTEXT_DOC)
