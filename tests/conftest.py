"""Shared fixtures: the spaCy pipeline and rules are loaded once per test session."""
from __future__ import annotations

import pytest

from quotesvc.core.nlp import load_pipeline
from quotesvc.core.attributor import Attributor
from quotesvc.core.rules import load_rules


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def attributor(nlp, rules):
    return Attributor(nlp, rules)


@pytest.fixture
def app(attributor):
    """The Flask app with the session's Attributor injected: nothing is loaded per test."""
    from quotesvc import create_app

    return create_app({"ATTRIBUTOR": attributor, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
