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


@pytest.fixture(scope="session")
def live_url(attributor):
    """The real app served over HTTP on 127.0.0.1 and a free port, for clients outside the process
    (a generated client, a browser). Werkzeug's server in a thread; stopped at the end of the session."""
    import threading

    from werkzeug.serving import make_server

    from quotesvc import create_app

    server = make_server("127.0.0.1", 0, create_app({"ATTRIBUTOR": attributor}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
