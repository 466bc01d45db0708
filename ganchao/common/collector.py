"""Python's cyclic garbage collector held off while a large batch runs (issue 13): a sheet
import, a plan's status recompute, a scheme period's scoring.

Each of these builds hundreds of thousands to millions of small objects (rows, period dicts,
specs, scores) that hold no reference cycles and are freed by reference counting as usual.
While they pile up, their allocations trip the collector's passes, and each full pass walks
every object of the process again, finding nothing to free: 15 % of a 10,000-row goal import's
CPU, a quarter of a province recompute's, a tenth to a half of a scheme's draft.

Nested and concurrent pauses (threads of one server process) are counted: the collector runs
again when the last one ends, if it was running before the first."""

import gc
import threading
from contextlib import contextmanager

_state = {"pauses": 0, "was_on": True}
_lock = threading.Lock()


@contextmanager
def paused(*, settle: bool = False):
    """Automatic collection off inside, back on after (also after an error).

    `settle`: what the batch made and kept (a plan's rows, specs and outcomes) would be walked
    by the first collections after the pause, set off by the next allocations, and found live:
    10-15 % of a province's recompute. With `settle` those objects join the oldest generation
    at once (frozen and unfrozen: two list moves), where the next full collection looks at
    them as at any long-lived object. Not in a process that froze objects itself (the server's
    workers, ganchao.scheduler serve): unfreezing would hand those back to the collector."""
    with _lock:
        if _state["pauses"] == 0:
            _state["was_on"] = gc.isenabled()
            gc.disable()
        _state["pauses"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["pauses"] -= 1
            if _state["pauses"] == 0 and _state["was_on"]:
                if settle and gc.get_freeze_count() == 0:
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
