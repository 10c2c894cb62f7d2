"""gunicorn settings for quotesvc, shipped inside the package so that an installed quotesvc has them:

    gunicorn -c python:quotesvc.service.gunicorn_config 'quotesvc:create_app()'

(the repository's gunicorn.conf.py imports them, for `gunicorn -c gunicorn.conf.py ...`).
Environment: QUOTESVC_BIND (else PORT, else 0.0.0.0:8000), QUOTESVC_WORKERS (else WEB_CONCURRENCY, else
one per CPU), and the app's QUOTESVC_* settings. GUNICORN_CMD_ARGS and command-line flags override all this.
"""
from __future__ import annotations

import glob
import os
from typing import Any

from quotesvc.service.settings import load_settings

__all__ = ["bind", "workers", "worker_class", "preload_app", "timeout", "graceful_timeout", "keepalive",
           "max_requests", "max_requests_jitter", "accesslog", "errorlog", "loglevel", "logconfig_dict",
           "control_socket_disable", "worker_tmp_dir", "on_starting", "child_exit"]

_settings = load_settings()  # fails here, naming the variable, when a QUOTESVC_* value is bad


def _workers() -> int:
    for name in ("QUOTESVC_WORKERS", "WEB_CONCURRENCY"):
        raw = os.environ.get(name)
        if raw:
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value < 1:
                raise ValueError(f"{name} must be a positive integer, got {raw!r}")
            return value
    # Attribution is CPU-bound (spaCy): one worker per CPU this process may use.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def json_logconfig(level: str) -> dict[str, Any]:
    """gunicorn's own log lines (gunicorn.error: start-up, workers, signals) as JSON objects on stderr, in
    the service's format; the root logger too, so records that propagate there (quotesvc's loggers, whose
    own handler create_app leaves off when the root has one) are JSON with their request id as well.

    gunicorn's access log stays off: setting logconfig_dict turns it on, so it is sent to a NullHandler;
    quotesvc writes its own (quotesvc.access).
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "quotesvc.service.observability.RequestIdFilter"}},
        "formatters": {"json": {"()": "quotesvc.service.observability.JsonFormatter"}},
        "handlers": {
            "json_stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                            "formatter": "json", "filters": ["request_id"]},
            "discard": {"class": "logging.NullHandler"},
        },
        "root": {"level": level, "handlers": ["json_stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["json_stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["discard"], "propagate": False},
        },
    }


bind = os.environ.get("QUOTESVC_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = _workers()
# gunicorn's sync worker, with a drain on SIGTERM that answers every accepted connection and JSON for
# gunicorn's own refusals of malformed requests (quotesvc/service/worker.py). Sync workers must run behind
# a buffering gateway (deploy/nginx.conf): a slow client holds a sync worker for as long as it likes.
worker_class = "quotesvc.service.worker.DrainingSyncWorker"
# Load the app (spaCy pipeline, rules) once in the master; forked workers share its memory copy-on-write.
preload_app = True
# A request over its time budget is answered 503 by the worker itself (SIGALRM); gunicorn's timeout is
# only the backstop for a worker stuck beyond that: twice the budget, at least 60 s, always above it.
timeout = max(60, int(2 * _settings.TIME_BUDGET_S) + 1)
# On SIGTERM a worker finishes the request in hand (within its budget) and answers every connection it has
# accepted: within DRAIN_S served, after it 503 at once. All is done by the later of the two; then 5 s spare.
graceful_timeout = int(max(_settings.TIME_BUDGET_S, _settings.DRAIN_S)) + 5
assert timeout > _settings.TIME_BUDGET_S and graceful_timeout > max(_settings.TIME_BUDGET_S, _settings.DRAIN_S)
keepalive = 5
# Recycle workers now and then (memory growth in long-lived spaCy processes); jitter avoids all at once.
max_requests = 1000
max_requests_jitter = 100
# quotesvc writes its own access log (JSON lines on stderr, with request ids): gunicorn's is off.
accesslog = None
errorlog = "-"
loglevel = _settings.LOG_LEVEL.lower()
logconfig_dict = json_logconfig(_settings.LOG_LEVEL)
# gunicorn 25.1+ opens a control socket for `gunicornc` in $XDG_RUNTIME_DIR or ~/.gunicorn; in a container
# with a read-only root or an arbitrary UID that folder cannot be made, and it logs "Control server error"
# at every start. Nothing here uses gunicornc: off. (Older gunicorns ignore the unknown setting.)
control_socket_disable = True
# Heartbeat files in memory, not on a possibly slow container disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Prometheus multiprocess mode (see quotesvc/service/observability.py), only when PROMETHEUS_MULTIPROC_DIR is set.
_multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server) -> None:
    """Stale values of a previous run must not be summed in: empty the folder first."""
    if _multiproc_dir:
        os.makedirs(_multiproc_dir, exist_ok=True)
        for path in glob.glob(os.path.join(_multiproc_dir, "*.db")):
            os.remove(path)


def child_exit(server, worker) -> None:
    if _multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
