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

# After the first alarm, it repeats this often until the block has ended: an exception raised while Python
# runs a finalizer or a weakref callback (parsing frees many objects), or inside a library's broad
# `except Exception`, is dropped there, and a single alarm would be lost with it.
REPEAT_S = 0.5


def can_interrupt() -> bool:
    """Whether a budget can be enforced here: only the main thread receives SIGALRM."""
    return threading.current_thread() is threading.main_thread()


class Budget:
    """The running budget of one request, as `time_budget` yields it. While `armed`, the alarm raises
    TimeBudgetExceeded; once disarmed it raises nothing, whenever it comes."""

    def __init__(self, seconds: float, armed: bool) -> None:
        self.seconds = seconds
        self.armed = armed
        self._timer = armed  # whether this budget set the timer, which disarm() then cancels

    def disarm(self) -> None:
        """Stop the timer early: what follows (writing out work already done) is not cut short. A caller that
        must not be interrupted on the way here sets `armed = False` first (an attribute store runs no handler)."""
        self.armed = False  # first: an alarm arriving before the timer is cancelled raises nothing
        if self._timer:
            self._timer = False
            signal.setitimer(signal.ITIMER_REAL, 0)


@contextmanager
def time_budget(seconds: float, what: str = "the request") -> Iterator[Budget]:
    """Raise TimeBudgetExceeded (answered 503 `timeout`) inside the block once `seconds` have passed, and
    again every REPEAT_S until the block has ended.

    The timer is always cancelled and the previous SIGALRM handler restored, however the block ends.
    `what` names the work in the warning logged when the budget runs out.
    """
    if seconds <= 0 or not can_interrupt():
        yield Budget(seconds, armed=False)
        return

    budget = Budget(seconds, armed=True)

    def on_alarm(signum, frame):
        if budget.armed:
            raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, min(seconds, REPEAT_S))
    try:
        yield budget
    except TimeBudgetExceeded:
        log.warning("%s ran out of its %g s time budget", what, seconds)
        raise
    finally:
        # An attribute store, not a call: Python runs a pending signal handler on entering a function, and
        # an alarm raising here would leave the timer running (with the default handler put back, it would
        # end the process). Once disarmed, the timer is cancelled before the previous handler returns.
        budget.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
