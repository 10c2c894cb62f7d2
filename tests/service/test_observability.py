"""GET /metrics, X-Request-ID and the JSON access log."""
from __future__ import annotations

import json
import logging
import re

import pytest

from quotesvc import create_app
from quotesvc.service.observability import JsonFormatter, RequestIdFilter, access_log, request_id_from

from tests.helpers import assert_error
from tests.service.stubs import ExplodingAttributor
from tests.texts import PIER_TEXT as TEXT


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    for line in metrics.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_and_observe_the_pipeline(client):
    before = client.get("/metrics").get_data(as_text=True)
    assert client.post("/v1/quotes", json={"text": TEXT}).status_code == 200
    assert client.post("/v1/quotes", json={"text": 1}).status_code == 422
    assert client.get("/no-such-page").status_code == 404
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    after = r.get_data(as_text=True)

    def grew(name, by=1.0, **labels):
        assert sample(after, name, **labels) - sample(before, name, **labels) == by, (name, labels)

    grew("quotesvc_http_requests_total", route="/v1/quotes", method="POST", status="200")
    grew("quotesvc_http_requests_total", route="/v1/quotes", method="POST", status="422")
    grew("quotesvc_http_requests_total", route="unmatched", method="GET", status="404")
    grew("quotesvc_http_request_duration_seconds_count", by=2, route="/v1/quotes")
    grew("quotesvc_pipeline_duration_seconds_count")
    grew("quotesvc_quotes_per_article_count")
    assert sample(after, "quotesvc_quotes_per_article_sum") > sample(before, "quotesvc_quotes_per_article_sum")


def test_batch_observes_every_article(client):
    before = client.get("/metrics").get_data(as_text=True)
    client.post("/v1/quotes/batch", json={"documents": [{"text": TEXT}, {"text": "x"}, {"text": 3}]})
    after = client.get("/metrics").get_data(as_text=True)
    name = "quotesvc_pipeline_duration_seconds_count"
    assert sample(after, name) - sample(before, name) == 2


def test_multiprocess_mode_when_the_directory_is_set(monkeypatch, tmp_path):
    from quotesvc.service import observability

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    registry = observability.metrics_registry()
    assert registry is not observability.REGISTRY
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    assert observability.metrics_registry() is observability.REGISTRY


@pytest.mark.parametrize("sent, kept", [
    ("abc-123_X.y", True), ("a" * 128, True), ("a" * 129, False), ("has space", False), ("", False),
    ("semi;colon", False), ("caf\u00e9", False), (None, False),
])
def test_request_id_validation(sent, kept):
    got = request_id_from(sent)
    if kept:
        assert got == sent
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", got)


@pytest.fixture
def access_lines():
    """The JSON lines the access logger writes, captured through a handler with its formatter."""
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    access_log.addHandler(handler)
    level = access_log.level
    access_log.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    access_log.removeHandler(handler)
    access_log.setLevel(level)


def test_request_id_is_echoed_and_logged(client, access_lines):
    r = client.post("/v1/quotes", json={"text": TEXT}, headers={"X-Request-ID": "req-42"})
    assert r.headers["X-Request-ID"] == "req-42"
    (line,) = access_lines()
    assert line["request_id"] == "req-42"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v1/quotes", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["logger"] == "quotesvc.access" and line["level"] == "INFO"


def test_invalid_request_id_is_replaced(client, access_lines):
    r = client.get("/healthz", headers={"X-Request-ID": "x" * 200})
    generated = r.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert access_lines()[0]["request_id"] == generated
    other = client.get("/healthz").headers["X-Request-ID"]
    assert other != generated


@pytest.mark.parametrize("method, path, kwargs, status", [
    ("post", "/v1/quotes", {"json": {"text": 5}}, 422),
    ("get", "/nowhere", {}, 404),
    ("get", "/v1/quotes", {}, 405),
    ("post", "/v1/quotes", {"data": b"{", "content_type": "application/json"}, 400),
    ("post", "/v1/quotes/batch", {"json": {"documents": []}}, 200),
])
def test_every_answer_carries_the_request_id(client, access_lines, method, path, kwargs, status):
    r = getattr(client, method)(path, headers={"X-Request-ID": "trace.7"}, **kwargs)
    assert r.status_code == status
    assert r.headers["X-Request-ID"] == "trace.7"
    assert access_lines()[0]["status"] == status


def test_500_is_logged_with_the_request_id(caplog, access_lines):
    client = create_app({"ATTRIBUTOR": ExplodingAttributor()}).test_client()
    with caplog.at_level(logging.ERROR, logger="quotesvc"):
        r = client.post("/v1/quotes", json={"text": "x"}, headers={"X-Request-ID": "boom-1"})
    assert_error(r, 500, "internal_error")
    assert r.headers["X-Request-ID"] == "boom-1"
    (record,) = [rec for rec in caplog.records if rec.exc_info]
    assert "boom-1" in record.getMessage()
    assert access_lines()[0]["status"] == 500 and access_lines()[0]["request_id"] == "boom-1"
    formatted = json.loads(JsonFormatter().format(record))
    assert "RuntimeError" in formatted["exception"] and formatted["level"] == "ERROR"


def test_access_log_goes_to_stderr_as_json(client, capsys):
    access_log.setLevel(logging.INFO)
    try:
        client.get("/healthz", headers={"X-Request-ID": "err-stream"})
    finally:
        access_log.setLevel(logging.NOTSET)
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if "err-stream" in line]
    assert lines and lines[0]["path"] == "/healthz" and lines[0]["status"] == 200
