"""Python's cycle collector held off while one document's post-parse stages run.

Those stages build a few hundred thousand objects (cues, mentions, entities, drafts) that all live until the
answer is made, and allocating them sets off full collections that walk every one of them and the loaded
pipeline's too, freeing nothing of the document's: a quarter of the post-parse time on the adversarial
benchmark's largest inputs (cue flood: 4 full collections, 0.38 s of 1.78 s). Reference counting still frees
what is not in a cycle; the collector runs again as soon as the last stage is done, and frees the document's
cycles then.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_active = 0  # how many threads are inside paused(): the collector comes back when the last one leaves
_ours = False  # whether paused() turned the collector off (it leaves one the application turned off alone)


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection while any thread is inside a paused() block; after the last one leaves, the collector
    is on again if it was on when the first one came in."""
    global _active, _ours
    with _lock:
        if _active == 0:
            _ours = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _ours:
                gc.enable()
