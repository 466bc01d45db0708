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


@pytest.mark.django_db
def test_the_recompute_leaves_its_objects_to_the_oldest_generation(plan, collector):
    """What the recompute made while the collector was paused is not walked by a young
    generation's collection afterwards, and nothing is left frozen."""
    gc.enable()
    outcome = status.recompute_plan(plan, at=moment("2026-05-11"))[0]
    assert any(found is outcome for found in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
def test_objects_a_server_froze_stay_frozen(plan, collector):
    """A server worker froze what it imported before forking (scheduler serve's warm_up):
    the recompute must not hand those objects back to the collector."""
    gc.enable()
    imported = [object()]  # stands for what the worker froze
    gc.freeze()
    try:
        status.recompute_plan(plan, at=moment("2026-05-11"))
        assert not any(found is imported for found in gc.get_objects())  # still frozen
    finally:
        gc.unfreeze()
