"""The time budget of a request: a SIGALRM timer that interrupts the work once it has taken too long.

Python runs signal handlers only in the main thread, which is where gunicorn's sync workers (the
default here) serve requests. In any other thread (a threaded server) the budget cannot be enforced:
`time_budget` then does nothing, and the view only logs a request that went over it.
"""
from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import TimeBudgetExceeded

log = logging.getLogger(__name__)


def can_interrupt() -> bool:
    """Whether a budget can be enforced here: only the main thread receives SIGALRM."""
    return threading.current_thread() is threading.main_thread()


class Budget:
    """The running budget of one request, as `time_budget` yields it."""

    def __init__(self, seconds: float, armed: bool) -> None:
        self.seconds = seconds
        self.armed = armed

    def disarm(self) -> None:
        """Stop the timer early: what follows (writing out work already done) is not cut short."""
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.armed = False


@contextmanager
def time_budget(seconds: float, what: str = "the request") -> Iterator[Budget]:
    """Raise TimeBudgetExceeded (answered 503 `timeout`) inside the block once `seconds` have passed.

    The timer is always cancelled and the previous SIGALRM handler restored, however the block ends.
    `what` names the work in the warning logged when the budget runs out.
    """
    if seconds <= 0 or not can_interrupt():
        yield Budget(seconds, armed=False)
        return

    def on_alarm(signum, frame):
        raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield Budget(seconds, armed=True)
    except TimeBudgetExceeded:
        log.warning("%s ran out of its %g s time budget", what, seconds)
        raise
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)
