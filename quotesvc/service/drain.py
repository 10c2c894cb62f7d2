"""Shutting down without losing a request: the worker's drain, as the app sees it.

On SIGTERM the gunicorn worker (worker.py) calls `begin(DRAIN_S)`. From then on, in that process:
  - /readyz answers 503 `shutting_down`, so a load balancer stops sending here;
  - a request that starts before the drain's end is served, with the time left as its budget at most;
  - a request that starts after it is answered 503 `shutting_down` at once (its body read first, so
    closing the connection resets nothing), with Retry-After.
The state is per process, like the worker that sets it; nothing here runs unless `begin` is called.
"""
from __future__ import annotations

import time

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .errors import error_response

SHUTTING_DOWN = "shutting_down"

_deadline: float | None = None  # time.monotonic() at which the drain ends; None: not draining


def begin(seconds: float) -> None:
    """Start draining for `seconds` (idempotent: a second SIGTERM does not extend it)."""
    global _deadline
    if _deadline is None:
        _deadline = time.monotonic() + seconds


def reset() -> None:
    """Not draining (tests)."""
    global _deadline
    _deadline = None


def draining() -> bool:
    return _deadline is not None


def remaining() -> float | None:
    """Seconds left in the drain (0 once it is over), or None when not draining."""
    return None if _deadline is None else max(0.0, _deadline - time.monotonic())


def budget_s(time_budget_s: float) -> float:
    """A request's time budget: TIME_BUDGET_S, or the drain's time left when that is less."""
    left = remaining()
    # Never 0, which time_budget reads as "no budget": a request that starts as the drain ends gets 10 ms.
    return time_budget_s if left is None else min(time_budget_s, max(left, 0.01))


def shutting_down_response(message: str) -> Response:
    return error_response(503, message, code=SHUTTING_DOWN, headers={"Retry-After": "1", "Connection": "close"})


def _refuse_after_the_drain() -> Response | None:
    if remaining() != 0.0:
        return None
    try:
        request.get_data(cache=False)  # unread bytes would make closing the connection a reset
    except HTTPException:
        pass  # a body over MAX_CONTENT_LENGTH: refused either way
    return shutting_down_response("The server is shutting down; send the request again (to another instance).")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_after_the_drain)
