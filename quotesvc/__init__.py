"""quotesvc: quotation attribution for news articles.

`quotesvc.core` is the NLP (no web framework, no environment); `quotesvc.service` the HTTP service
around it. Importing this package imports neither: `create_app` loads the service when called.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

__version__ = "0.1.0"

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> "Flask":
    """The WSGI app: gunicorn 'quotesvc:create_app()'. See quotesvc.service.app.create_app."""
    from .service.app import create_app as _create_app

    return _create_app(config)
