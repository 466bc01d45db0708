"""The gates as pure functions (LEGAL_RULES.md section A): properties over any combination of
records, apart from the database."""

from hypothesis import given
from hypothesis import strategies as st

from ganchao.decisions import gates
from ganchao.decisions.choices import ReviewConclusion, ReviewState, State, Step

facts = st.builds(
    gates.Facts,
    state=st.just(State.IN_REVIEW),
    category=st.just("policy"),
    technical=st.booleans(),
    stability_risk=st.booleans(),
    market_activity=st.booleans(),
    exempt=st.booleans(),
    consultations_open=st.integers(0, 2),
    consultations_closed=st.integers(0, 2),
    latest_draft=st.integers(1, 4),
    expert_opinions=st.integers(0, 3),
    risk_assessments=st.lists(
        st.tuples(
            st.integers(1, 4), st.sampled_from(["controllable", "uncontrollable"]), st.booleans()
        ),
        max_size=3,
    ),
    fair_reviews=st.lists(st.sampled_from(["passes", "after_changes", "fails"]), max_size=2),
    review_state=st.sampled_from(["", *ReviewState.values]),
    review_conclusion=st.sampled_from(["", *ReviewConclusion.values]),
    review_draft=st.integers(0, 4),
    review_changes_confirmed=st.booleans(),
    review_risk_statement=st.booleans(),
    adviser_opinions=st.integers(0, 2),
    adviser_latest_non_compliant=st.booleans(),
)


def rules(step, f):
    return {b.rule for b in gates.blockers_for(step, f)}


@given(facts)
def test_no_meeting_without_a_passed_legality_review(f):
    """A9: unless a concluded review of the current draft allows it, the meeting is blocked."""
    passed = (
        f.review_state == ReviewState.CONCLUDED
        and f.review_conclusion
        and f.review_conclusion != ReviewConclusion.UNLAWFUL
    )
    if not passed:
        assert "A9" in rules(Step.MEETING, f)


@given(facts)
def test_market_activity_needs_a_passing_fair_competition_review(f):
    if f.market_activity and not ({"passes", "after_changes"} & set(f.fair_reviews)):
        assert "缺少公平竞争审查情况" in [b.message for b in gates.blockers_for(Step.MEETING, f)]


@given(facts)
def test_a_non_compliant_or_missing_adviser_opinion_blocks_the_meeting(f):
    if f.adviser_opinions == 0 or f.adviser_latest_non_compliant:
        assert "A16" in rules(Step.MEETING, f)


@given(facts)
def test_review_request_needs_participation_or_exemption(f):
    if not f.exempt and f.consultations_closed == 0 and f.consultations_open == 0:
        assert "A3" in rules(Step.REQUEST_REVIEW, f)
    if f.exempt or f.consultations_closed:
        assert "A3" not in rules(Step.REQUEST_REVIEW, f)


@given(facts)
def test_an_uncontrollable_risk_needs_a_newer_controllable_draft(f):
    if not f.stability_risk:
        return
    worst = max((d for d, c, _ in f.risk_assessments if c == "uncontrollable"), default=0)
    later_ok = any(d > worst and c == "controllable" and done for d, c, done in f.risk_assessments)
    if worst and not later_ok:
        assert "A8" in rules(Step.MEETING, f)


def test_blockers_follow_the_state():
    """Each state's blockers describe the next step; a state with no next step has none."""
    f = gates.Facts(state=State.EXECUTING, category="policy")
    assert gates.blockers(f) == []
    f = gates.Facts(state=State.PROPOSED, category="policy", catalogue_mode=True)
    assert {b.message for b in gates.blockers(f)} >= {"未列入已公布目录", "须明确牵头承办单位"}


def test_procedures_mark_what_the_flags_require():
    f = gates.Facts(state=State.LAUNCHED, category="policy", technical=True)
    rows = {p["kind"]: p for p in gates.procedures(f)}
    assert rows["experts"]["required"] and rows["experts"]["state"] == "not_started"
    assert not rows["risk"]["required"] and rows["risk"]["state"] == "not_required"
    assert rows["legality"]["required"]
