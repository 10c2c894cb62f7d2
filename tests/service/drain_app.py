"""The real app for tests/service/test_shutdown.py, whose POST /v1/quotes holds each request until the test
lets it go: gunicorn 'tests.service.drain_app:create_app()'.

A held request writes a file `holding-<pid>-<n>` in DRAIN_APP_DIR, then waits until the worker is
draining (SIGTERM) and the file `release` exists there, then is answered as usual (with DRAIN_APP_STOCK
set, the file alone releases it: gunicorn's stock sync worker, for comparison, never drains). So the test knows,
without timing anything, that both workers are busy when it queues more requests and sends SIGTERM.
"""
from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from quotesvc import create_app as create_quotesvc_app
from quotesvc.service import drain

HANG = 300


def create_app():
    app = create_quotesvc_app()
    attributor = app.extensions["quotesvc"]
    folder = Path(os.environ["DRAIN_APP_DIR"])
    attribute = attributor.attribute
    count = itertools.count()

    def held(article):
        (folder / f"holding-{os.getpid()}-{next(count)}").touch()
        deadline = time.monotonic() + HANG
        while not (drain.draining() and (folder / "release").exists()) and time.monotonic() < deadline:
            if os.environ.get("DRAIN_APP_STOCK") and (folder / "release").exists():
                break  # gunicorn's stock sync worker never drains: the file alone releases (for comparisons)
            time.sleep(0.05)
        return attribute(article)

    attributor.attribute = held  # the instance's own: /readyz still sees the real Attributor
    return app
