"""The one error shape (quotesvc/service/errors.py): schema violations, unknown routes and methods,
unreadable input, and bugs, which are logged with their traceback and answered without it."""
from __future__ import annotations

import json
import logging

import pytest

from quotesvc import create_app
from quotesvc.core.intake import IntakeError
from quotesvc.service.errors import code_for, error_body
from tests.helpers import assert_error
from tests.service.stubs import ExplodingAttributor
from tests.texts import PIER_HTML, PIER_TEXT


@pytest.mark.parametrize("payload, fields", [
    ({"text": PIER_TEXT, "html": PIER_HTML}, {"text", "html"}),
    ({}, {"text", "html"}),
    ({"id": "only-id"}, {"text", "html"}),
    ({"text": 42}, {"text"}),
    ({"html": None}, {"html"}),
    ({"text": "a", "id": 3}, {"id"}),
    ({"text": "a", "extra": True}, {"extra"}),
    ({"text": "a", "options": {"indirect": "no"}}, {"options"}),
    ({"text": "a", "options": {"min_confidence": 2}}, {"options"}),
    ({"text": "a", "options": {"colour": "red"}}, {"options"}),
    ({"text": "a", "options": []}, {"options"}),
    (["text"], {"_schema"}),
    ("just a string", {"_schema"}),
    (None, {"_schema"}),
])
def test_schema_violations_are_422_and_name_the_field(client, payload, fields):
    r = client.post("/v1/quotes", data=json.dumps(payload), content_type="application/json")
    error = assert_error(r, 422, "validation_error")
    assert error["message"] == "The request does not follow the schema."
    assert set(error["details"]["fields"]) == fields


def test_unknown_route_is_404(client):
    assert_error(client.get("/v2/quotes"), 404, "not_found")
    assert_error(client.post("/nowhere", json={}), 404, "not_found")


def test_wrong_method_is_405(client):
    r = client.get("/v1/quotes")
    assert_error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["Allow"]
    assert_error(client.post("/healthz"), 405, "method_not_allowed")


def test_unexpected_error_is_500_without_traceback(caplog):
    app = create_app({"ATTRIBUTOR": ExplodingAttributor()})
    with caplog.at_level(logging.ERROR, logger="quotesvc"):
        r = app.test_client().post("/v1/quotes", json={"text": "x"})
    error = assert_error(r, 500, "internal_error")
    assert "secret" not in r.get_data(as_text=True) and "RuntimeError" not in r.get_data(as_text=True)
    assert error["details"] == {}
    logged = [rec for rec in caplog.records if rec.exc_info]
    assert logged and "secret internal state" in str(logged[0].exc_info[1])


class UnreadableAttributor:
    def attribute(self, article):
        raise IntakeError("unreadable HTML: the parser gave up")


def test_intake_error_is_422_unreadable_input():
    r = create_app({"ATTRIBUTOR": UnreadableAttributor()}).test_client().post("/v1/quotes", json={"html": "<p>x"})
    error = assert_error(r, 422, "unreadable_input")
    assert "parser gave up" in error["details"]["reason"]


def test_error_raised_in_any_view_is_500(app):
    @app.get("/test-only/boom")
    def boom():
        raise KeyError("hidden")

    r = app.test_client().get("/test-only/boom")
    assert_error(r, 500, "internal_error")
    assert "hidden" not in r.get_data(as_text=True)


@pytest.mark.parametrize("status, code", [(422, "validation_error"), (503, "service_unavailable"),
                                          (418, "i_m_a_teapot"), (429, "too_many_requests"), (599, "error")])
def test_every_status_has_a_code(status, code):
    assert code_for(status) == code
    assert error_body(status, "m") == {"error": {"status": status, "code": code, "message": "m", "details": {}}}
