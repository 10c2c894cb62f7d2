"""gunicorn settings for quotesvc:  gunicorn -c gunicorn.conf.py 'quotesvc:create_app()'

Environment: QUOTESVC_BIND (else PORT, else 0.0.0.0:8000), QUOTESVC_WORKERS (else WEB_CONCURRENCY, else
one per CPU), and the app's QUOTESVC_* settings. GUNICORN_CMD_ARGS and command-line flags override all this.
"""
import glob
import os

from quotesvc.service.settings import load_settings

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


bind = os.environ.get("QUOTESVC_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = _workers()
worker_class = "sync"
# Load the app (spaCy pipeline, rules) once in the master; forked workers share its memory copy-on-write.
preload_app = True
# A request over its time budget is answered 503 by the worker itself (SIGALRM); gunicorn's timeout is
# only the backstop for a worker stuck beyond that: twice the budget, at least 60 s, always above it.
timeout = max(60, int(2 * _settings.TIME_BUDGET_S) + 1)
# On SIGTERM, workers finish the requests in hand (each within its budget) before they are killed.
graceful_timeout = max(30, int(_settings.TIME_BUDGET_S) + 5)
assert timeout > _settings.TIME_BUDGET_S and graceful_timeout > _settings.TIME_BUDGET_S
keepalive = 5
# Recycle workers now and then (memory growth in long-lived spaCy processes); jitter avoids all at once.
max_requests = 1000
max_requests_jitter = 100
# quotesvc writes its own access log (JSON lines on stderr, with request ids): gunicorn's is off.
accesslog = None
errorlog = "-"
loglevel = _settings.LOG_LEVEL.lower()
# Heartbeat files in memory, not on a possibly slow container disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


# Prometheus multiprocess mode (see quotesvc/service/observability.py), only when PROMETHEUS_MULTIPROC_DIR is set.
_multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    """Stale values of a previous run must not be summed in: empty the folder first."""
    if _multiproc_dir:
        os.makedirs(_multiproc_dir, exist_ok=True)
        for path in glob.glob(os.path.join(_multiproc_dir, "*.db")):
            os.remove(path)


def child_exit(server, worker):
    if _multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
