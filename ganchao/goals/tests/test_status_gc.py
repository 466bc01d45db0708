"""The recompute pauses Python's cyclic garbage collector while it works and leaves it as it
found it: on, off, or on after a recompute that failed."""

import gc

import pytest

from ganchao.goals import status
from ganchao.goals.tests.status_factories import assign, employment, make_item, make_plan, moment


@pytest.fixture
def plan(city):
    plan = make_plan(city.root)
    assign(employment(plan, make_item(plan, "1", "goal")), city.town_a)
    return plan


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


@pytest.mark.django_db
@pytest.mark.parametrize("enabled", [True, False])
def test_recompute_leaves_the_collector_as_it_was(plan, collector, monkeypatch, enabled):
    seen = []
    evaluator = status._Evaluator

    def watching(*args):
        seen.append(gc.isenabled())
        return evaluator(*args)

    monkeypatch.setattr(status, "_Evaluator", watching)
    gc.enable() if enabled else gc.disable()
    status.recompute_plan(plan, at=moment("2026-05-11"))
    assert seen == [False]  # paused while the plan was evaluated
    assert gc.isenabled() is enabled


@pytest.mark.django_db
def test_a_failed_recompute_turns_the_collector_back_on(plan, collector, monkeypatch):
    def failing(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(status, "_Evaluator", failing)
    gc.enable()
    with pytest.raises(RuntimeError):
        status.recompute_plan(plan, at=moment("2026-05-11"))
    assert gc.isenabled()
