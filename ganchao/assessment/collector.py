"""Python's cyclic garbage collector held off while a scheme period is scored (issue 13).

Scoring a province builds a few hundred thousand small containers (inputs, scores, detail
dicts, snapshot rows) that live until the rows are built and hold no reference cycles. As they
pile up, the collector's generation counts trip its full passes, and each full pass walks
every object of the process — Django's and every loaded module's too — again and again: a
tenth to a half of a scheme's draft (measured on the province: VILLAGE-Y 0.28 -> 0.14 s CPU,
TOWN-Q 0.66 -> 0.55 s). Reference counting still frees everything as usual meanwhile; only
cycles wait until the collector runs again at the end."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """Automatic collection off inside, back on after (unless it was off before). With threads
    scoring side by side, the one that found it on turns it back on when it leaves, maybe while
    another still scores: that one then runs with the collector on, slower, never wrong."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
