"""POST /v1/quotes/batch: several articles in one request, one nlp.pipe, one result per document."""
from __future__ import annotations

import pytest

from quotesvc import create_app
from quotesvc.core.intake import IntakeError

from tests.helpers import assert_answer, assert_error, assert_error_shape, without_elapsed
from tests.service.stubs import CountingAttributor
from tests.texts import COUNCIL_TEXT as OTHER
from tests.texts import PIER_HTML as HTML
from tests.texts import PIER_TEXT as TEXT


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


def test_valid_documents_go_through_one_attribute_stream(attributor):
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
        error = assert_error_shape(result, 422, "validation_error")
        assert set(error["details"]["fields"]) == fields


@pytest.mark.parametrize("document, fields", [
    (["text"], {"_schema"}), ("text", {"_schema"}), (None, {"_schema"}),
    ({"text": "a", "extra": 1}, {"extra"}), ({"text": "a", "options": {"indirect": "yes"}}, {"options"}),
])
def test_schema_violations_are_item_errors(small_client, document, fields):
    r = small_client.post("/v1/quotes/batch", json={"documents": [document, {"text": "fine"}]})
    assert r.status_code == 200
    bad, good = r.get_json()["results"]
    assert set(assert_error_shape(bad, 422, "validation_error")["details"]["fields"]) == fields
    assert_answer(good, "fine")


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

    def attribute_stream(self, articles):
        self.calls.append(len(articles))
        for article in articles:
            if "UNREADABLE" in article.content:
                yield IntakeError("unreadable HTML: test")
            else:
                yield from self.inner.attribute_stream([article])


def test_an_unreadable_document_fails_alone(attributor):
    picky = PickyAttributor(attributor)
    client = create_app({"ATTRIBUTOR": picky}).test_client()
    documents = [{"text": TEXT}, {"html": "<p>UNREADABLE</p>"}, {"text": OTHER}]
    results = client.post("/v1/quotes/batch", json={"documents": documents}).get_json()["results"]
    assert_answer(results[0], TEXT)
    assert_answer(results[2], OTHER)
    assert "test" in assert_error_shape(results[1], 422, "unreadable_input")["details"]["reason"]


# ------------------------------------------------------------------------------- limits that hold together


def test_over_batch_max_chars_is_422_before_anything_is_parsed(attributor):
    counting = CountingAttributor(attributor)
    client = create_app({"ATTRIBUTOR": counting, "MAX_CHARS": 300, "BATCH_MAX_CHARS": 500}).test_client()
    documents = [{"text": "a" * 200}, {"html": "<p>" + "b" * 200 + "</p>"}]  # 200 + 207 characters
    assert client.post("/v1/quotes/batch", json={"documents": documents}).status_code == 200
    error = assert_error(client.post("/v1/quotes/batch", json={"documents": documents + [{"text": "c" * 94}]}),
                         422, "validation_error")
    (message,) = error["details"]["fields"]["documents"]
    assert "500" in message and "501" in message and "BATCH_MAX_CHARS" in message
    assert counting.calls == [2]  # the refused batch never reached the attributor


def test_the_default_limits_hold_together():
    from quotesvc.service.settings import Settings

    s = Settings()
    # Any document /v1/quotes takes fits in a batch of one, and a batch at its character limit fits the
    # body limit even when every character takes the four bytes UTF-8 allows, with room for the JSON.
    assert s.MAX_CHARS <= s.BATCH_MAX_CHARS
    assert 4 * s.BATCH_MAX_CHARS + 200 * s.BATCH_MAX <= s.MAX_BODY_BYTES


def test_a_batch_at_the_character_limit_passes_the_body_limit(attributor):
    from quotesvc.service.settings import Settings

    counting = CountingAttributor(attributor)
    client = create_app({"ATTRIBUTOR": counting}).test_client()
    limit, per_doc = Settings.BATCH_MAX_CHARS, Settings.MAX_CHARS
    # Four-byte characters, one past the limit: the body gets through (no 413) to the count (422).
    documents = [{"text": "\U0001D11E" * per_doc} for _ in range(limit // per_doc)] + [{"text": "x"}]
    body = __import__("json").dumps({"documents": documents}, ensure_ascii=False).encode()
    assert len(body) <= Settings.MAX_BODY_BYTES
    error = assert_error(client.post("/v1/quotes/batch", data=body, content_type="application/json"),
                         422, "validation_error")
    assert "BATCH_MAX_CHARS" in error["details"]["fields"]["documents"][0]
    assert counting.calls == []


def test_batch_max_chars_below_max_chars_stops_start_up(attributor):
    from quotesvc.service.app import StartupError

    with pytest.raises(StartupError, match="BATCH_MAX_CHARS .*MAX_CHARS"):
        create_app({"ATTRIBUTOR": attributor, "MAX_CHARS": 2000, "BATCH_MAX_CHARS": 1999})


def test_batch_max_chars_left_unset_follows_a_larger_max_chars():
    from quotesvc.service.settings import load_settings

    assert load_settings({}, {"MAX_CHARS": 3_000_000}).BATCH_MAX_CHARS == 3_000_000
    assert load_settings({"QUOTESVC_MAX_CHARS": "1000"}).BATCH_MAX_CHARS == 1_000_000
    assert load_settings({"QUOTESVC_BATCH_MAX_CHARS": "5000"}, {"MAX_CHARS": 5000}).BATCH_MAX_CHARS == 5000


# --------------------------------------------------------------------------- the budget runs out mid-batch


class StallingAttributor:
    """Answers the first `ready` documents at once (done before the request), then stalls far past any budget."""

    def __init__(self, inner, ready: int):
        self.inner, self.ready = inner, ready

    def attribute_stream(self, articles):
        done = list(self.inner.attribute_stream(articles[:self.ready]))
        return self._stream(done)

    @staticmethod
    def _stream(done):
        yield from done
        __import__("time").sleep(10)
        raise AssertionError("the budget should have stopped this")


def test_when_the_budget_runs_out_the_documents_done_are_answered_and_the_rest_time_out(attributor):
    client = create_app({"ATTRIBUTOR": StallingAttributor(attributor, ready=2), "TIME_BUDGET_S": 1}).test_client()
    documents = [{"id": "a", "text": TEXT}, {"id": "bad", "text": 5}, {"id": "b", "text": OTHER},
                 {"id": "c", "text": TEXT}, {"id": "d", "text": OTHER}]
    r = client.post("/v1/quotes/batch", json={"documents": documents})
    assert r.status_code == 200, r.get_data(as_text=True)
    a, bad, b, c, d = r.get_json()["results"]
    assert (a["id"], b["id"]) == ("a", "b")
    assert_answer(a, TEXT)
    assert_answer(b, OTHER)
    assert_error_shape(bad, 422, "validation_error")
    for undone in (c, d):
        assert assert_error_shape(undone, 503, "timeout")["details"] == {"time_budget_s": 1}
    assert create_app({"ATTRIBUTOR": attributor}).test_client().post(
        "/v1/quotes/batch", json={"documents": documents[:1]}).status_code == 200
