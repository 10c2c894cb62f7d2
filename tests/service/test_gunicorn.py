"""gunicorn with quotesvc's settings, for real: a subprocess from a folder outside the repository.

Nothing here measures speed: the waits are for events (a log line, /readyz answering) with a deadline
only to stop a hung server from hanging the suite.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HANG = 300  # seconds: only ever reached if the server hangs


class Server:
    """gunicorn in a subprocess; its stderr goes to a file read as JSON lines."""

    def __init__(self, cwd: Path, config: str, env: dict[str, str]) -> None:
        self.log_path = cwd / "gunicorn.stderr"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", config, "quotesvc:create_app()"],
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=self.log)

    def lines(self) -> list[str]:
        return [line for line in self.log_path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def records(self) -> list[dict]:
        """Every line of stderr as a JSON object; fails on a line that is not one."""
        records = []
        for line in self.lines():
            try:
                record = json.loads(line)
            except ValueError:
                pytest.fail(f"gunicorn wrote a line that is not JSON: {line!r}")
            assert isinstance(record, dict) and {"time", "level", "logger", "message"} <= set(record), line
            records.append(record)
        return records

    def wait_for(self, predicate, what: str):
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            for record in self.records():
                if predicate(record):
                    return record
            if self.proc.poll() is not None:
                pytest.fail(f"gunicorn exited ({self.proc.returncode}) before {what}:\n" + "\n".join(self.lines()))
            time.sleep(0.2)
        pytest.fail(f"no {what} in {HANG} s:\n" + "\n".join(self.lines()))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=HANG)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def server_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QUOTESVC_", "GUNICORN_", "PROMETHEUS_")) and k not in ("XDG_RUNTIME_DIR", "PORT")}
    # ~/.gunicorn cannot be created below a regular file, even as root: where gunicorn 25.1+ would put its
    # control socket, as on a read-only root or under an arbitrary UID without a home.
    env.update(HOME=str(home), QUOTESVC_BIND="127.0.0.1:0", QUOTESVC_WORKERS="1", QUOTESVC_LOG_LEVEL="DEBUG")
    return env


@pytest.mark.parametrize("config", ["gunicorn.conf.py", "python:quotesvc.service.gunicorn_config"])
def test_gunicorn_starts_without_a_control_socket_and_logs_only_json(tmp_path, config):
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    if config.endswith(".py"):
        (tmp_path / config).write_text((REPO / config).read_text(encoding="utf-8"), encoding="utf-8")
    server = Server(tmp_path, config, server_env(home))
    try:
        server.wait_for(lambda r: r["logger"] == "gunicorn.error" and "control socket" in r["message"].lower(),
                        "word on the control socket")
        listening = server.wait_for(lambda r: r["message"].startswith("Listening at: "), "Listening at")
        base = listening["message"].split()[2]
        deadline = time.monotonic() + HANG
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=HANG) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "/readyz never answered"
                time.sleep(0.2)
        request = urllib.request.Request(base + "/v1/quotes", data=b'{"text": "\\u201cYes,\\u201d she said."}',
                                         headers={"Content-Type": "application/json", "X-Request-ID": "gu-1"})
        with urllib.request.urlopen(request, timeout=HANG) as r:
            assert r.status == 200 and r.headers["X-Request-ID"] == "gu-1"
    finally:
        status = server.stop()
    assert status == 0, "\n".join(server.lines())
    records = server.records()
    messages = [r["message"] for r in records]
    assert "Control socket disabled" in messages
    assert not [m for m in messages if "control server" in m.lower()
                or ("control socket" in m.lower() and m != "Control socket disabled")]
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")], records
    loggers = {r["logger"] for r in records}
    # gunicorn's own lines, quotesvc's start-up line and its access log, all JSON; gunicorn's access log off.
    assert {"gunicorn.error", "quotesvc", "quotesvc.access"} <= loggers and "gunicorn.access" not in loggers
    assert any(m.startswith("Starting gunicorn") for m in messages)
    assert any(m.startswith("loaded pipeline") for m in messages)
    (access,) = [r for r in records if r["logger"] == "quotesvc.access" and r["path"] == "/v1/quotes"]
    assert access["request_id"] == "gu-1" and access["status"] == 200


def test_gunicorn_conf_py_is_the_packaged_settings():
    """The repository's gunicorn.conf.py adds nothing to the settings an installed quotesvc has."""
    import runpy

    from quotesvc.service import gunicorn_config

    shim = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert {name: shim[name] for name in gunicorn_config.__all__} == \
        {name: getattr(gunicorn_config, name) for name in gunicorn_config.__all__}
    assert {k for k in shim if not k.startswith("__")} == set(gunicorn_config.__all__)
