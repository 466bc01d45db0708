"""The pure A4 and A5 checks over plain rows, for many dates (no database)."""

import datetime as dt
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from ganchao.decisions.services.participation import consultation_notice_problems, hearing_problems

DAY = dt.date(2025, 3, 1)


def notice(start, end, reason=""):
    draft = SimpleNamespace(text="草案")
    return SimpleNamespace(
        draft_id=1,
        draft=draft,
        explanation="说明",
        channel="网站",
        start_date=start,
        end_date=end,
        shortening_reason=reason,
    )


@given(days=st.integers(0, 120), reason=st.sampled_from(["", "  ", "防汛应急，需在汛期前出台"]))
def test_a4_the_period_is_at_least_thirty_days_or_the_reason_is_given(days, reason):
    """Given a notice of `days` days, When checked, Then it passes exactly when days ≥ 30 or a
    non-blank shortening reason is given."""
    problems = consultation_notice_problems(notice(DAY, DAY + dt.timedelta(days=days), reason), 30)
    assert (not problems) == (days >= 30 or bool(reason.strip()))
    assert all(p.rule == "A4" for p in problems)


def hearing(held_on, method=""):
    return SimpleNamespace(
        held_on=held_on,
        selection_method=method,
        selection_published_at=None,
        participants_published_at=dt.datetime(2025, 4, 1),
    )


@given(before=st.integers(-5, 30))
def test_a5_materials_reach_the_participant_seven_days_before(before):
    """Given a participant served `before` days ahead of 2025-05-10, When the hearing is checked,
    Then 张三 is flagged exactly when fewer than 7 days remain."""
    held = dt.date(2025, 5, 10)
    person = SimpleNamespace(name="张三", materials_served_on=held - dt.timedelta(days=before))
    problems = hearing_problems(hearing(held), [person], 7)
    flagged = [p.message for p in problems]
    assert (flagged == ["张三：材料送达不足7日"]) == (before < 7)
    assert (flagged == []) == (before >= 7)


def test_a5_an_unserved_participant_and_an_unpublished_method_are_named():
    person = SimpleNamespace(name="李四", materials_served_on=None)
    problems = hearing_problems(hearing(dt.date(2025, 5, 10), method="抽签"), [person], 7)
    assert [p.message for p in problems] == ["参加人遴选办法尚未公布", "李四：材料尚未送达"]
