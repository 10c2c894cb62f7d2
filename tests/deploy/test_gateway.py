"""deploy/nginx.conf in front of real gunicorn: slow clients do not starve the sync workers, nginx's own
refusals and gunicorn's are in the service's error shape, no server says its version, and the body limit
matches the service's.

Needs Debian's nginx (`apt-get install nginx`; .ci/run installs it and sets CI_REQUIRE_NGINX=1, so
there a missing nginx fails instead of skipping). The one timing bound is the issue's own: a normal
request answered within 10 s through the gateway while ten slow clients hold connections, against a
request sent straight to gunicorn that is still waiting after 15 s (it would wait ~60 s, until gunicorn
kills a worker): a margin no loaded machine erases.
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time

import pytest

from quotesvc.service.errors import code_for
from quotesvc.service.settings import Settings
from tests.helpers import assert_error_shape
from tests.servers import (NGINX_CONF, REQUIRE_NGINX, Exchange, Gunicorn, Nginx, exchange, nginx_binary,
                           post_json, request)

ARTICLE = {"text": "“The pier opens in May,” said Ines Okafor, the harbour master."}
SLOW_CLIENTS = 10


@pytest.fixture(scope="module")
def nginx_path():
    path = nginx_binary()
    if path is None:
        if os.environ.get(REQUIRE_NGINX):
            pytest.fail(f"nginx is not installed, and {REQUIRE_NGINX} is set")
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    return path


@pytest.fixture(scope="module")
def gateway(nginx_path, tmp_path_factory):
    """gunicorn (two sync workers, the real app) and nginx in front of it."""
    tmp = tmp_path_factory.mktemp("gateway")
    server = Gunicorn(tmp, workers=2)
    proxy = None
    try:
        server.ready()
        proxy = Nginx(nginx_path, tmp, server.port)
        yield server, proxy
    finally:
        if proxy is not None:
            proxy.close()
        server.close()


class SlowClient:
    """Sends a request's headers, then its body a byte every two seconds, until stopped."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(b"POST /v1/quotes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 100000\r\n\r\n{")
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        while not self.stop.wait(2.0):
            try:
                self.sock.sendall(b" ")
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_slow_clients_do_not_starve_the_workers_behind_the_gateway(gateway):
    server, proxy = gateway
    slow = [SlowClient(proxy.port) for _ in range(SLOW_CLIENTS)]
    try:
        time.sleep(3)  # every slow client has sent a byte of its body since its headers
        t0 = time.monotonic()
        answer = exchange(proxy.port, post_json("/v1/quotes", ARTICLE))
        through_gateway = time.monotonic() - t0
    finally:
        for client in slow:
            client.close()
    assert answer.status == 200, answer
    assert answer.json()["quotes"][0]["speaker"]["name"] == "Ines Okafor"
    assert through_gateway < 10, f"answered in {through_gateway:.1f} s through the gateway"

    # The same clients straight at gunicorn hold both workers: a normal request waits behind them.
    slow = [SlowClient(server.port) for _ in range(SLOW_CLIENTS)]
    waiting = Exchange(server.port, post_json("/v1/quotes", ARTICLE))
    try:
        waiting.sock.settimeout(15)
        with pytest.raises(socket.timeout):
            waiting.sock.recv(1)
    finally:
        for client in slow:
            client.close()
    waiting.sock.settimeout(300)
    assert waiting.answer().status == 200  # it was only waiting; freed, the workers answer it


def error_of(answer) -> dict:
    assert answer.outcome == "answered", answer
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", answer.headers["x-request-id"])
    assert answer.headers["x-content-type-options"] == "nosniff"
    body = answer.json()
    assert_error_shape(body, answer.status, code_for(answer.status))
    return body["error"]


LIMIT = Settings.MAX_BODY_BYTES


@pytest.mark.parametrize("raw, status", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n", 400),
    (b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n", 431),
    (b"POST /v1/quotes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: %d\r\n\r\n" % (LIMIT + 1), 413),
    (b"GET /.quotesvc-errors/400 HTTP/1.1\r\nHost: x\r\n\r\n", 404),  # the gateway's error pages are internal
])
def test_the_gateway_refuses_malformed_requests_in_the_error_shape(gateway, raw, status):
    _, proxy = gateway
    answer = exchange(proxy.port, raw)
    assert answer.status == status, answer
    error_of(answer)
    assert answer.headers["server"] == "nginx"  # no version


def test_the_gateway_body_limit_is_the_services(gateway):
    _, proxy = gateway
    site = NGINX_CONF.read_text(encoding="utf-8")
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", site, re.M)
    assert int(size) * 1024 * 1024 == Settings.MAX_BODY_BYTES
    # At the limit nginx passes the body on, and the service reads it (here: not JSON, its own 400).
    at_limit = exchange(proxy.port, request("POST", "/v1/quotes", b"x" * LIMIT, {"Content-Type": "application/json"}))
    assert at_limit.status == 400 and "not valid JSON" in error_of(at_limit)["message"]
    over = exchange(proxy.port, request("POST", "/v1/quotes", b"x" * (LIMIT + 1), {"Content-Type": "application/json"}))
    assert over.status == 413 and error_of(over)["code"] == "payload_too_large"


def test_answers_through_the_gateway_carry_the_services_headers(gateway):
    _, proxy = gateway
    answer = exchange(proxy.port, post_json("/v1/quotes", ARTICLE))
    assert answer.status == 200
    assert answer.headers["server"] == "nginx"
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-request-id"]


@pytest.mark.parametrize("raw", [b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
                                 b"GET /\x00 HTTP/1.1\r\n\r\n"])
def test_gunicorns_own_refusals_are_in_the_error_shape(gateway, raw):
    server, _ = gateway
    answer = exchange(server.port, raw)
    assert answer.status == 400, answer
    error_of(answer)
    assert answer.headers.get("server", "gunicorn") == "gunicorn"  # no version
    assert exchange(server.port, request("GET", "/healthz")).headers["server"] == "gunicorn"


def test_the_gateway_answers_json_when_gunicorn_is_down(nginx_path, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    proxy = Nginx(nginx_path, tmp_path, dead)
    try:
        answer = exchange(proxy.port, post_json("/v1/quotes", ARTICLE))
    finally:
        proxy.close()
    assert answer.status == 502
    assert error_of(answer)["code"] == "bad_gateway"
