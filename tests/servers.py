"""Real servers for the tests that need them: gunicorn with the repository's gunicorn.conf.py, and raw HTTP
exchanges that tell an answer from a refused or a reset connection.

Nothing here measures speed: waits are for events (a log line, /readyz answering, a file appearing) with
a deadline only so that a hung server cannot hang the suite.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HANG = 300  # seconds: only ever reached if something hangs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, what: str, deadline_s: float = HANG, poll_s: float = 0.1):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll_s)
    raise AssertionError(f"no {what} within {deadline_s:.0f} s")


class Gunicorn:
    """gunicorn -c gunicorn.conf.py APP on 127.0.0.1 and a free port, in its own session; stderr to a file."""

    def __init__(self, tmp: Path, app: str = "quotesvc:create_app()", workers: int = 2,
                 env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.log_path = tmp / f"gunicorn-{self.port}.stderr"
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("QUOTESVC_", "GUNICORN_", "PROMETHEUS_")) and k not in ("PORT", "WEB_CONCURRENCY")}
        base.update(QUOTESVC_BIND=f"127.0.0.1:{self.port}", QUOTESVC_WORKERS=str(workers),
                    QUOTESVC_LOG_LEVEL="INFO", **(env or {}))
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *args, app],
                                     cwd=REPO, env=base, stdout=subprocess.DEVNULL, stderr=self._log,
                                     start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def ready(self) -> "Gunicorn":
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            answer = exchange(self.port, request("GET", "/readyz"))
            return answer.status == 200
        wait_until(up, "200 from /readyz", poll_s=0.25)
        return self

    def count_in_log(self, text: str) -> int:
        return self.log().count(text)

    def terminate(self) -> None:
        self.proc.send_signal(signal.SIGTERM)

    def wait(self) -> int:
        try:
            return self.proc.wait(timeout=HANG)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only this gunicorn's processes
            self.proc.wait()
        self._log.close()


def request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def post_json(path: str, payload) -> bytes:
    return request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})


@dataclass
class Answer:
    """What became of one exchange: an HTTP answer (status, headers, body), or `refused` / `lost`.

    `lost` is a connection that was accepted and then reset or closed without a complete answer."""

    outcome: str  # "answered", "refused", "lost"
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""
    error: str = ""

    def json(self):
        return json.loads(self.body)


class Exchange:
    """One connection: connect and send now, read the answer later."""

    def __init__(self, port: int, data: bytes, host: str = "127.0.0.1") -> None:
        self.sock: socket.socket | None = None
        self.refused = False
        try:
            self.sock = socket.create_connection((host, port), timeout=HANG)
        except ConnectionRefusedError:
            self.refused = True
            return
        self.sock.sendall(data)

    def answer(self) -> Answer:
        if self.refused or self.sock is None:
            return Answer("refused")
        chunks = []
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError as exc:  # ConnectionResetError above all
            return Answer("lost", error=repr(exc), body=b"".join(chunks))
        finally:
            self.sock.close()
        return parse(b"".join(chunks))


def parse(raw: bytes) -> Answer:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return Answer("lost", error="closed without a complete answer", body=raw)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    if length is not None and len(body) < int(length):
        return Answer("lost", status=status, headers=headers, body=body, error="answer cut short")
    return Answer("answered", status, headers, body)


def exchange(port: int, data: bytes, host: str = "127.0.0.1") -> Answer:
    return Exchange(port, data, host).answer()


# ------------------------------------------------------------------------------------------- nginx

NGINX_CONF = REPO / "deploy" / "nginx.conf"
REQUIRE_NGINX = "CI_REQUIRE_NGINX"  # set by .ci/run, which installs Debian's nginx: absent, it fails


def nginx_binary() -> str | None:
    import shutil

    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if Path(p).exists()), None)


class Nginx:
    """Debian's nginx with deploy/nginx.conf (its two addresses changed to `port` and `upstream_port`),
    included in a main configuration whose pid, logs and temporary files are under `tmp`."""

    def __init__(self, binary: str, tmp: Path, upstream_port: int) -> None:
        self.port = free_port()
        self.tmp = tmp
        site = NGINX_CONF.read_text(encoding="utf-8")
        for old, new in (("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream_port}"),
                         ("listen 8080", f"listen 127.0.0.1:{self.port}")):
            assert site.count(old) == 1, f"deploy/nginx.conf should name {old!r} once"
            site = site.replace(old, new)
        (tmp / "quotesvc.conf").write_text(site, encoding="utf-8")
        temp = "\n".join(f"    {kind}_temp_path {tmp}/{kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""  # temp folders under tmp, which only we may read
        (tmp / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log info;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n{temp}\n    include {tmp}/quotesvc.conf;\n}}\n",
            encoding="utf-8")
        command = [binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

        def listening():
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited with {self.proc.returncode}: {self.error_log()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
                return True
            except OSError:
                return False
        wait_until(listening, "nginx listening")

    def error_log(self) -> str:
        path = self.tmp / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
