"""Fixtures of the service tests (the session's pipeline, rules, app and client are in tests/conftest.py)."""
from __future__ import annotations

import pytest

from quotesvc import create_app


@pytest.fixture
def small_app(attributor):
    """An app with small limits: 1000 body bytes, 50 characters per document."""
    return create_app({"ATTRIBUTOR": attributor, "MAX_BODY_BYTES": 1000, "MAX_CHARS": 50})
