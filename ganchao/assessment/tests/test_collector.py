"""Scoring holds the cyclic garbage collector off and gives it back as it found it."""

import gc

from ganchao.assessment import selectors
from ganchao.assessment.periods import parse
from ganchao.assessment.tests.test_scoring_queries import add_towns
from ganchao.common import collector

Q2 = parse("2026-Q2", "quarter")


def test_a_draft_runs_without_the_collector_and_turns_it_back_on(scenario, monkeypatch):
    add_towns(scenario, [11])
    seen = []
    score_units = selectors.engine.score_units

    def watched(*args):
        seen.append(gc.isenabled())
        return score_units(*args)

    monkeypatch.setattr(selectors.engine, "score_units", watched)
    assert gc.isenabled()
    draft = selectors.draft_outcome(scenario.scheme, Q2)
    assert seen == [False] and gc.isenabled()
    assert {row["unit_code"] for row in draft.rows} >= {"T11"}


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_back_on_after_a_failure():
    try:
        with collector.paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
