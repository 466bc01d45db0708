"""The burden meter's pure rules: title normalisation, bigram Jaccard, the duplicate rule."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ganchao.common.workcalendar import WorkCalendar
from ganchao.visits.burden_rules import (
    Request,
    bigrams,
    find_duplicates,
    jaccard,
    normalise_title,
    title_similarity,
    titles_similar,
)

CAL = WorkCalendar()
TITLE = "关于报送农村人居环境整治情况的通知"
titles = st.text(
    alphabet=st.characters(codec="utf-8", categories=["Lo", "Nd", "P", "Zs"]), max_size=30
)


def req(key, day, title, unit=1, item=None):
    return Request(key, unit, dt.date.fromisoformat(day), title, item)


def test_normalise_strips_dates_numbers_punctuation_and_spaces():
    assert normalise_title("关于报送2026年3月5日 数据的通知（第2期）") == "关于报送数据的通知第期"
    assert normalise_title("报送 2026-03-05 统计表！") == "报送统计表"
    assert normalise_title("三月份安全检查") == "安全检查"


def test_a_one_character_change_in_a_long_title_is_similar():
    assert title_similarity(TITLE, "关于报送农村人居环境整治情况的通报") >= 0.8


def test_a_pair_just_under_the_line_is_not_similar():
    other = "关于报送农村人居环境整治进展情况的通知"
    assert 0.78 < title_similarity(TITLE, other) < 0.8
    assert not titles_similar(TITLE, other)


def test_blank_titles_never_match():
    assert title_similarity("2026-03", "（3）") == 0.0


@given(titles, titles)
def test_similarity_is_symmetric_and_bounded(a, b):
    value = title_similarity(a, b)
    assert value == title_similarity(b, a)
    assert 0.0 <= value <= 1.0


@given(titles)
def test_a_title_matches_itself_unless_blank(a):
    expected = 1.0 if normalise_title(a) else 0.0
    assert title_similarity(a, a) == expected


@given(titles)
def test_normalising_is_idempotent_and_leaves_no_digits_or_spaces(a):
    once = normalise_title(a)
    assert normalise_title(once) == once
    assert not any(ch.isdigit() or ch.isspace() for ch in once)


@given(st.frozensets(st.text(max_size=2)), st.frozensets(st.text(max_size=2)))
def test_jaccard_of_sets(a, b):
    assert jaccard(a, b) == jaccard(b, a)
    if a and a == b:
        assert jaccard(a, b) == 1.0
    if not a & b:
        assert jaccard(a, b) == 0.0


def test_bigrams():
    assert bigrams("通知") == {"通知"}
    assert bigrams("报送表") == {"报送", "送表"}
    assert bigrams("表") == {"表"}
    assert bigrams("") == frozenset()


def test_same_item_within_ten_working_days_is_a_duplicate():
    # 2 March 2026 (Monday) + 10 working days = 16 March; 17 March is the 11th.
    pairs = find_duplicates(
        [req("a", "2026-03-02", "报表甲", item=7), req("b", "2026-03-16", "完全不同", item=7)], CAL
    )
    assert [(p.earlier.key, p.later.key, p.reason) for p in pairs] == [("a", "b", "item")]
    late = find_duplicates(
        [req("a", "2026-03-02", "报表甲", item=7), req("b", "2026-03-17", "完全不同", item=7)], CAL
    )
    assert late == []


def test_different_items_or_units_are_not_duplicates():
    different_item = [
        req("a", "2026-03-02", "报表甲", item=7),
        req("b", "2026-03-03", "乙", item=8),
    ]
    assert find_duplicates(different_item, CAL) == []
    other_unit = [req("a", "2026-03-02", TITLE), req("b", "2026-03-03", TITLE, unit=2)]
    assert find_duplicates(other_unit, CAL) == []


def test_similar_titles_within_the_window_are_duplicates_and_recurring_months_are_not():
    similar = [req("a", "2026-03-02", TITLE), req("b", "2026-03-04", TITLE[:-1] + "报")]
    assert [p.reason for p in find_duplicates(similar, CAL)] == ["title"]
    under = [
        req("a", "2026-03-02", TITLE),
        req("b", "2026-03-04", "关于报送农村人居环境整治进展情况的通知"),
    ]
    assert find_duplicates(under, CAL) == []
    monthly = [req("a", "2026-03-02", "报送2月数据"), req("b", "2026-04-01", "报送3月数据")]
    assert find_duplicates(monthly, CAL) == []


def test_the_spring_festival_stretches_the_window():
    # 2026 Spring Festival holiday: 15–23 February; 14 Feb and 28 Feb are make-up working days.
    days = CAL.working_days_between(dt.date(2026, 2, 12), dt.date(2026, 2, 27))
    pairs = find_duplicates([req("a", "2026-02-12", TITLE), req("b", "2026-02-27", TITLE)], CAL)
    assert (days <= 10) == bool(pairs)
