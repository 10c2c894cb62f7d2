"""POST /v1/quotes/batch: several articles in one request, one nlp.pipe, one result per document."""
from __future__ import annotations

import pytest

from quotesvc import create_app
from quotesvc.core.intake import IntakeError

from tests.service.test_api import HTML, TEXT, assert_answer, assert_error

OTHER = ("Mayor Lena Ortiz told the council that the budget was balanced.\n"
         "\u201cWe will not raise taxes,\u201d she said.\n")


def without_elapsed(answer: dict) -> dict:
    return {**answer, "meta": {k: v for k, v in answer["meta"].items() if k != "elapsed_ms"}}


def test_results_equal_single_calls_in_order(client):
    documents = [{"id": "a", "text": TEXT}, {"id": "b", "html": HTML},
                 {"id": "c", "text": OTHER, "options": {"include_text": True, "indirect": False}},
                 {"text": ""}]
    r = client.post("/v1/quotes/batch", json={"documents": documents})
    assert r.status_code == 200, r.get_data(as_text=True)
    results = r.get_json()["results"]
    assert len(results) == len(documents)
    for document, result in zip(documents, results):
        single = client.post("/v1/quotes", json=document).get_json()
        assert without_elapsed(result) == without_elapsed(single)
        assert_answer(result, result.get("text", document.get("text")))


class CountingAttributor:
    """Wraps the real one and records how attribute_many is called."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: list[int] = []

    def attribute(self, article):
        return self.attribute_many([article])[0]

    def attribute_many(self, articles):
        self.calls.append(len(articles))
        return self.inner.attribute_many(articles)


def test_valid_documents_go_through_one_attribute_many(attributor):
    counting = CountingAttributor(attributor)
    client = create_app({"ATTRIBUTOR": counting}).test_client()
    documents = [{"text": TEXT}, {"text": 5}, {"text": OTHER}, {"html": HTML}]
    r = client.post("/v1/quotes/batch", json={"documents": documents})
    assert r.status_code == 200
    assert counting.calls == [3]


@pytest.fixture
def small_client(attributor):
    return create_app({"ATTRIBUTOR": attributor, "MAX_CHARS": 300, "BATCH_MAX": 3}).test_client()


def test_a_bad_document_gets_its_own_error_and_the_others_succeed(small_client):
    documents = [{"id": "ok-1", "text": TEXT}, {"id": "long", "text": "x" * 301},
                 {"text": "a", "html": "<p>b</p>"}]
    r = small_client.post("/v1/quotes/batch", json={"documents": documents})
    assert r.status_code == 200, r.get_data(as_text=True)
    ok, long, both = r.get_json()["results"]
    assert ok["id"] == "ok-1"
    assert_answer(ok, TEXT)
    for result, fields in ((long, {"text"}), (both, {"text", "html"})):
        assert list(result) == ["error"]
        error = result["error"]
        assert (error["status"], error["code"]) == (422, "validation_error")
        assert set(error["details"]["fields"]) == fields


@pytest.mark.parametrize("document, fields", [
    (["text"], {"_schema"}), ("text", {"_schema"}), (None, {"_schema"}),
    ({"text": "a", "extra": 1}, {"extra"}), ({"text": "a", "options": {"indirect": "yes"}}, {"options"}),
])
def test_schema_violations_are_item_errors(small_client, document, fields):
    r = small_client.post("/v1/quotes/batch", json={"documents": [document, {"text": "fine"}]})
    assert r.status_code == 200
    bad, good = r.get_json()["results"]
    assert set(bad["error"]["details"]["fields"]) == fields
    assert "quotes" in good


def test_over_batch_max_is_422_naming_the_limit(small_client):
    r = small_client.post("/v1/quotes/batch", json={"documents": [{"text": "a"}] * 4})
    error = assert_error(r, 422, "validation_error")
    (message,) = error["details"]["fields"]["documents"]
    assert "3" in message and "BATCH_MAX" in message
    assert small_client.post("/v1/quotes/batch", json={"documents": [{"text": "a"}] * 3}).status_code == 200


def test_empty_batch(client):
    r = client.post("/v1/quotes/batch", json={"documents": []})
    assert r.status_code == 200 and r.get_json() == {"results": []}


@pytest.mark.parametrize("body, fields", [
    ({}, {"documents"}), ({"documents": {"text": "a"}}, {"documents"}),
    ({"documents": [], "more": 1}, {"more"}), ([{"text": "a"}], {"_schema"}),
])
def test_batch_envelope_violations_are_422(client, body, fields):
    error = assert_error(client.post("/v1/quotes/batch", json=body), 422, "validation_error")
    assert set(error["details"]["fields"]) == fields


def test_batch_needs_json(client):
    assert_error(client.post("/v1/quotes/batch", data=TEXT, content_type="text/plain"), 415, "unsupported_media_type")
    assert_error(client.post("/v1/quotes/batch", data=b"{", content_type="application/json"), 400, "bad_request")
    assert_error(client.get("/v1/quotes/batch"), 405, "method_not_allowed")


class PickyAttributor(CountingAttributor):
    """Intake refuses any document containing 'UNREADABLE', as it would HTML its parser rejects."""

    def attribute_many(self, articles):
        self.calls.append(len(articles))
        if any("UNREADABLE" in a.content for a in articles):
            raise IntakeError("unreadable HTML: test")
        return self.inner.attribute_many(articles)


def test_an_unreadable_document_fails_alone(attributor):
    picky = PickyAttributor(attributor)
    client = create_app({"ATTRIBUTOR": picky}).test_client()
    documents = [{"text": TEXT}, {"html": "<p>UNREADABLE</p>"}, {"text": OTHER}]
    results = client.post("/v1/quotes/batch", json={"documents": documents}).get_json()["results"]
    assert "quotes" in results[0] and "quotes" in results[2]
    assert results[1]["error"]["code"] == "unreadable_input"
    assert results[1]["error"]["status"] == 422
