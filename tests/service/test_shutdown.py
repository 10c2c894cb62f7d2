"""SIGTERM with requests in flight and queued, against real gunicorn: every connection the server accepted
is answered (200, or JSON 503), none is reset; /readyz turns 503; new connections are refused.

Counts, not timings: the held app (drain_app.py) keeps both workers busy until the test releases them,
so requests are queued when the signal comes whatever the machine's speed.
"""
from __future__ import annotations

import time

import pytest

from tests.servers import Exchange, Gunicorn, post_json, request, wait_until

ARTICLE = {"text": "“The pier opens in May,” said Ines Okafor, the harbour master."}
QUEUED = 5


@pytest.mark.parametrize("drain_s, queued_status", [
    ("60", 200),   # a long drain: the queued requests are served
    ("1", 503),    # released after the drain's end: each queued request is answered 503 at once
])
def test_sigterm_with_requests_queued_answers_every_accepted_connection(tmp_path, drain_s, queued_status):
    folder = tmp_path
    server = Gunicorn(folder, app="tests.service.drain_app:create_app()", workers=2,
                      env={"DRAIN_APP_DIR": str(folder), "QUOTESVC_DRAIN_S": drain_s})
    try:
        server.ready()
        # Two requests in flight, one per worker, each held by the app.
        in_flight = [Exchange(server.port, post_json("/v1/quotes", ARTICLE)) for _ in range(2)]
        wait_until(lambda: len(list(folder.glob("holding-*"))) == 2, "both workers holding a request")
        # More requests and a readiness probe, accepted by the kernel, queued: no worker is free.
        queued = [Exchange(server.port, post_json("/v1/quotes", {**ARTICLE, "id": str(i)})) for i in range(QUEUED)]
        probe = Exchange(server.port, request("GET", "/readyz"))
        assert not any(e.refused for e in in_flight + queued + [probe])

        server.terminate()
        wait_until(lambda: server.count_in_log("Draining:") == 2, "both workers draining")
        # Every process has closed the listening socket: a new connection is refused, not accepted and reset.
        late = [Exchange(server.port, post_json("/v1/quotes", ARTICLE)) for _ in range(3)]
        if drain_s == "1":
            # Past the 1 s drain: it began before the workers wrote the line just read.
            time.sleep(1.5)
        (folder / "release").touch()

        answers = [e.answer() for e in in_flight + queued + [probe]]
        assert server.wait() == 0, server.log()[-3000:]
    finally:
        server.close()

    lost = [a for a in answers if a.outcome != "answered"]
    assert lost == [], lost  # no accepted connection reset or closed unanswered
    assert [e.answer().outcome for e in late] == ["refused"] * 3
    first, second = answers[:2]
    assert (first.status, second.status) == (200, 200)
    for a in answers[2:2 + QUEUED]:
        assert a.status == queued_status, (a.status, a.body)
        if a.status == 503:
            error = a.json()["error"]
            assert error["code"] == "shutting_down" and a.headers["retry-after"]
        else:
            assert a.json()["quotes"][0]["speaker"]["name"] == "Ines Okafor"
    readiness = answers[-1]
    assert readiness.status == 503 and readiness.json()["error"]["code"] == "shutting_down"


# ------------------------------------------------------------------------ the drain, as the app sees it


@pytest.fixture
def draining():
    from quotesvc.service import drain

    yield drain
    drain.reset()


def test_readyz_turns_503_as_soon_as_the_drain_begins(client, draining):
    assert client.get("/readyz").status_code == 200
    draining.begin(60)
    r = client.get("/readyz")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "shutting_down"
    assert client.get("/healthz").status_code == 200  # the process is alive: liveness holds
    r = client.post("/v1/quotes", json=ARTICLE)  # within the drain: served
    assert r.status_code == 200 and r.get_json()["quotes"]


def test_after_the_drain_requests_are_answered_503_at_once(client, draining):
    draining.begin(0)
    for path, body in (("/v1/quotes", ARTICLE), ("/v1/quotes/batch", {"documents": [ARTICLE]})):
        r = client.post(path, json=body)
        assert r.status_code == 503
        error = r.get_json()["error"]
        assert error["code"] == "shutting_down" and r.headers["Retry-After"] == "1"
        assert r.headers["X-Request-ID"] and r.headers["X-Content-Type-Options"] == "nosniff"


def test_a_request_in_the_drain_gets_the_time_left_as_its_budget(draining):
    draining.begin(5)
    assert 4 < draining.budget_s(30) <= 5
    assert draining.budget_s(2) == 2
    draining.reset()
    assert draining.budget_s(30) == 30 and draining.remaining() is None


def test_graceful_timeout_covers_the_drain_and_the_budget(monkeypatch):
    import importlib

    from quotesvc.service import gunicorn_config

    monkeypatch.setenv("QUOTESVC_DRAIN_S", "50")
    monkeypatch.setenv("QUOTESVC_TIME_BUDGET_S", "20")
    try:
        config = importlib.reload(gunicorn_config)  # its settings are read when it is imported
        assert config.graceful_timeout > 50 and config.timeout > 20
        assert config.worker_class == "quotesvc.service.worker.DrainingSyncWorker"
        assert {"worker_class", "graceful_timeout"} <= set(config.__all__)
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_config)
