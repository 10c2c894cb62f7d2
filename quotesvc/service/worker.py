"""quotesvc's gunicorn worker: the sync worker, with a drain on SIGTERM that loses no connection, and gunicorn's
own refusals of malformed requests in the service's JSON error shape.

gunicorn.conf.py selects it: worker_class = "quotesvc.service.worker.DrainingSyncWorker".

Why a worker of our own. gunicorn's sync worker, on SIGTERM, finishes the request in hand and exits; the
connections the kernel has already accepted into the listening socket's queue (requests waiting for a
free worker) are reset when the last process holding the socket closes it, and until then the kernel
goes on accepting new ones, to reset them too. Measured before this worker: the two requests in flight
finished, all three queued ones and a connection made 1 s after the signal were reset.

What this worker does on SIGTERM, in its signal handler (which runs between two Python bytecodes of
whatever the worker is doing, a request included):
  1. it starts the drain (drain.begin): /readyz answers 503 from now on;
  2. it takes every connection waiting in the socket's queue (non-blocking accepts until none is left),
     and closes its own copy of the listening socket. gunicorn's master has closed its copy already, so
     once every worker has done this the kernel refuses new connections (ECONNREFUSED, which a gateway
     retries on another instance) instead of accepting them into a queue nobody serves;
then, once the request in hand (if any) is answered, it serves the connections it took, one by one: each
is answered, 200 within the drain (DRAIN_S, each request's budget the time left) or JSON 503
`shutting_down` after it. No accepted connection is closed without an answer.

A gunicorn reload (HUP) or a smaller worker count (TTOU) also sends SIGTERM to some workers: they take the
queue in the same way and serve it, while the master and the new workers keep the socket open.
"""
from __future__ import annotations

import errno
import json
import socket
import uuid

from gunicorn import util
from gunicorn.workers.sync import StopWaiting, SyncWorker

from . import drain
from .errors import error_body
from .headers import SAFE_HEADERS
from .settings import Settings, load_settings


class _ClosedListener:
    """Stands in for a listening socket closed at SIGTERM: gunicorn reads its address for each request."""

    def __init__(self, address) -> None:
        self._address = address

    def getsockname(self):
        return self._address


class DrainingSyncWorker(SyncWorker):

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draining = False
        self.pending: list[tuple[_ClosedListener, socket.socket, object]] = []

    # -- serving ----------------------------------------------------------------------------------
    def run(self) -> None:
        """SyncWorker's loop (one connection at a time, select() while idle), tolerating listening sockets
        closed under it by the SIGTERM handler; then the connections that handler took."""
        timeout = self.timeout or 0.5
        for listener in self.sockets:
            listener.setblocking(0)
        while self.alive:
            self.notify()
            if self._serve_one():
                continue
            if not self.alive or not self.is_parent_alive():
                break
            try:
                self.wait(timeout)
            except (StopWaiting, ValueError, OSError):
                if self.alive:
                    raise
        self._serve_pending()

    def _serve_one(self) -> bool:
        """Accept and answer one waiting connection; False when none is waiting."""
        for listener in self.sockets:
            if not self.alive:
                return False
            try:
                client, addr = listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                continue
            except (OSError, ValueError):
                if not self.alive:  # closed by the SIGTERM handler since the check above
                    return False
                raise
            client.setblocking(1)
            util.close_on_exec(client)
            self.handle(listener, client, addr)
            return True
        return False

    def _serve_pending(self) -> None:
        while self.pending:
            listener, client, addr = self.pending.pop(0)
            self.notify()
            client.setblocking(1)
            # A client that never sends its request must not hold the drain until gunicorn's SIGKILL.
            client.settimeout(max(1.0, (drain.remaining() or 0.0) + 5.0))
            self.handle(listener, client, addr)

    # -- SIGTERM ----------------------------------------------------------------------------------
    def handle_exit(self, sig, frame) -> None:
        self.alive = False
        if self.draining:
            return
        self.draining = True
        drain.begin(self._settings().DRAIN_S)
        for listener in self.sockets:
            self._take_queue(listener)

    def _take_queue(self, listener) -> None:
        """Accept every connection the kernel has queued on `listener`, then close this process's copy."""
        try:
            address = listener.getsockname()
        except OSError:
            return  # closed already
        while True:
            try:
                client, addr = listener.accept()
            except (BlockingIOError, InterruptedError):
                break
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE):
                    break  # out of descriptors: what is left is answered by another worker or refused
                raise
            util.close_on_exec(client)
            self.pending.append((_ClosedListener(address), client, addr))
        listener.sock.close()
        self.log.info("Draining: %d connection(s) to answer, listening socket closed", len(self.pending))

    def _settings(self) -> Settings:
        app = getattr(self, "wsgi", None)
        settings = getattr(app, "extensions", {}).get("quotesvc.settings")
        return settings if isinstance(settings, Settings) else load_settings()

    # -- gunicorn's own errors --------------------------------------------------------------------
    def handle_error(self, req, client, addr, exc) -> None:
        # gunicorn answers a request it cannot parse (400, 414, 431, 501...) with an HTML page written by
        # util.write_error, with no hook to change it: swap in the JSON error shape for this call (a sync
        # worker runs one call at a time).
        original = util.write_error
        util.write_error = write_json_error
        try:
            super().handle_error(req, client, addr, exc)
        finally:
            util.write_error = original


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """util.write_error's signature, writing the service's one error shape."""
    body = json.dumps(error_body(status_int, mesg or reason), ensure_ascii=False).encode("utf-8")
    head = [f"HTTP/1.1 {status_int} {reason}", "Connection: close", "Content-Type: application/json",
            f"Content-Length: {len(body)}", f"X-Request-ID: {uuid.uuid4().hex}",
            *(f"{name}: {value}" for name, value in SAFE_HEADERS.items())]
    util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
