"""Metrics (Prometheus, GET /metrics), request ids and JSON access logs.

Metrics live in prometheus-client's default registry, one set per process. Under gunicorn with several
workers each worker has its own, so a scrape sees one worker's numbers; set PROMETHEUS_MULTIPROC_DIR
(an empty folder, writable by the workers) before start-up and prometheus-client's multiprocess mode
is used instead: every worker writes its values there and /metrics answers the sum over all of them
(gunicorn.conf.py empties the folder at start and marks dead workers).

Every answer carries X-Request-ID: the client's, if it sent a valid one (at most 128 characters of
A-Z a-z 0-9 . _ -), else a new uuid4 hex. Each request is logged once, as one JSON object per line on
stderr, by the `quotesvc.access` logger; every quotesvc log record carries the request id.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, \
    generate_latest
from prometheus_client import multiprocess

from ..core.model import Attribution

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

access_log = logging.getLogger("quotesvc.access")

REQUESTS = Counter("quotesvc_http_requests_total", "HTTP requests answered, by route, method and status.",
                   ["route", "method", "status"])
LATENCY = Histogram("quotesvc_http_request_duration_seconds", "Time to answer an HTTP request, by route.",
                    ["route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
PIPELINE = Histogram("quotesvc_pipeline_duration_seconds", "Time the pipeline took for one article.",
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
QUOTES = Histogram("quotesvc_quotes_per_article", "Quotes found in one article.",
                   buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144))


def observe_attribution(attribution: Attribution) -> None:
    PIPELINE.observe(attribution.elapsed_ms / 1000)
    QUOTES.observe(len(attribution.quotes))


def metrics_registry() -> CollectorRegistry:
    """The default registry, or, with PROMETHEUS_MULTIPROC_DIR set, one collecting every worker's files."""
    if not os.environ.get(MULTIPROC_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_view() -> Response:
    return Response(generate_latest(metrics_registry()), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST})


# ------------------------------------------------------------------------------------------- logs


def request_id_from(header: str | None) -> str:
    return header if header is not None and _REQUEST_ID.fullmatch(header) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or None) on every record, as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, the access fields, and
    the traceback (as one string) when there is one."""

    FIELDS = ("method", "path", "route", "status", "duration_ms", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None)}
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it is replaced under test runners)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def json_handler() -> logging.Handler:
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_access_log() -> None:
    """Its own JSON handler on stderr, once; not propagated, so no host format doubles it."""
    if not any(isinstance(h, _StderrHandler) for h in access_log.handlers):
        access_log.addHandler(json_handler())
    access_log.propagate = False


# ---------------------------------------------------------------------------------------- the app


def _begin_request() -> None:
    """Before each request: its id (the client's if valid) and the time it started."""
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.started = time.perf_counter()


def _record_response(response: Response) -> Response:
    """After each request: the X-Request-ID header, the request metrics and the access log line."""
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route).observe(elapsed)
    access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "method": request.method, "path": request.path, "route": route, "status": response.status_code,
        "duration_ms": round(elapsed * 1000, 2), "remote_addr": request.remote_addr,
        "request_id": request_id})
    return response


def init_app(app: Flask) -> None:
    """Request ids, access logs and metrics for every request, and GET /metrics."""
    configure_access_log()
    app.before_request(_begin_request)
    app.after_request(_record_response)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
