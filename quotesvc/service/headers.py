"""Headers every answer carries, whatever route or error produced it.

    X-Content-Type-Options: nosniff   a browser never reads a JSON answer (whose strings are the article's
                                       own text, markup included) as HTML or script
    Cache-Control: no-store           answers are about one client's article: no shared cache keeps them

A response that set its own Cache-Control (the review page's files) keeps it. The server's own banner
is gunicorn's "Server: gunicorn", without a version; behind deploy/nginx.conf it is "Server: nginx",
likewise without one (server_tokens off).
"""
from __future__ import annotations

from flask import Flask, Response

SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def add_safe_headers(response: Response) -> Response:
    for name, value in SAFE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_safe_headers)
