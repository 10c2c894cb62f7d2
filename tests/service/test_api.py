"""The HTTP layer, through Flask's test client, with the session's Attributor injected.

Checked against the contract (statuses, shapes, offsets), never against particular speakers: the NLP
stages behind it change.
"""
from __future__ import annotations

import io
import json
import logging

import pytest

from quotesvc import __version__, create_app
from quotesvc.service.app import StartupError
from quotesvc.service.settings import ConfigError, Settings, load_settings
from tests.helpers import assert_error, assert_html_places, assert_offsets

TEXT = (
    "The harbour master, Ines Okafor, said the new pier would open in May.\n"
    "\u201cWe have waited ten years for this,\u201d Okafor said on Tuesday. \u201cThe boats are ready.\u201d\n"
    'A spokesman for the ferry line told reporters: "Timetables will change in spring."\n'
)
HTML = (
    "<html><head><title>Pier opens</title></head><body><article>"
    "<h1>New pier to open in May</h1>"
    "<p>The harbour master, Ines Okafor, said the new pier would open in May.</p>"
    "<p>&ldquo;We have waited ten years for this,&rdquo; Okafor said on Tuesday.</p>"
    '<p>A spokesman for the ferry line told reporters: "Timetables will change in spring."</p>'
    "</article></body></html>"
)
ANSWER_KEYS = {"id", "quotes", "speakers", "meta"}
QUOTE_KEYS = {"id", "text", "start", "end", "kind", "speaker", "cue", "confidence", "rule", "html", "selectors"}
SPEAKER_KEYS = {"id", "name", "kind", "titles", "aliases", "quotes", "role", "affiliation"}


def assert_answer(answer: dict, offsets_text: str) -> None:
    """The contract's shape, and every offset pointing at its text in `offsets_text`."""
    assert ANSWER_KEYS <= set(answer) <= ANSWER_KEYS | {"text"}
    assert set(answer["meta"]) == {"service_version", "pipeline", "pipeline_version", "elapsed_ms", "layout"}
    assert answer["meta"]["layout"] in {"lines", "blocks", "html"}
    assert answer["meta"]["service_version"] == __version__
    for s in answer["speakers"]:
        assert set(s) == SPEAKER_KEYS
    for q in answer["quotes"]:
        assert set(q) == QUOTE_KEYS
        assert q["kind"] in {"direct", "mixed", "indirect"}
    assert_offsets(answer, offsets_text)


# ------------------------------------------------------------------------------------------- 200


def test_json_text(client):
    r = client.post("/v1/quotes", json={"id": "pier-1", "text": TEXT})
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] == "pier-1"
    assert "text" not in answer  # text input without include_text: the client has the text
    assert_answer(answer, TEXT)


def test_json_text_include_text(client):
    answer = client.post("/v1/quotes", json={"text": TEXT, "options": {"include_text": True}}).get_json()
    assert answer["id"] is None
    assert answer["text"] == TEXT
    assert_answer(answer, TEXT)


def test_json_html_returns_the_text_offsets_index(client):
    r = client.post("/v1/quotes", json={"id": "pier-h", "html": HTML})
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] == "pier-h"
    assert isinstance(answer["text"], str) and "Okafor" in answer["text"]
    assert_answer(answer, answer["text"])
    assert answer["quotes"]
    assert_html_places(answer, HTML)


def test_text_answers_have_no_html_places(client):
    answer = client.post("/v1/quotes", json={"text": TEXT}).get_json()
    assert answer["quotes"]
    for q in answer["quotes"]:
        assert q["html"] is None and q["selectors"] is None


def test_options_are_applied(client):
    answer = client.post("/v1/quotes", json={"text": TEXT, "options": {"indirect": False,
                                                                       "min_confidence": 0.5}}).get_json()
    assert_answer(answer, TEXT)
    assert all(q["kind"] != "indirect" and q["confidence"] >= 0.5 for q in answer["quotes"])
    everything = client.post("/v1/quotes", json={"text": TEXT}).get_json()
    assert {q["id"] for q in answer["quotes"]} <= {q["id"] for q in everything["quotes"]}


WRAPPED = (
    "\u201cThe new pier will take boats of up to thirty metres, and the\n"
    "old one will be kept for the fishing fleet,\u201d the harbour master,\n"
    "Ines Okafor, told the board on Tuesday evening after the vote.\n"
    "\n"
    "She said the ferry company had asked for a longer lease and for a\n"
    "second slipway, which the board would discuss at its next meeting.\n")


@pytest.mark.parametrize("options, layout, quote_over_lines", [
    ({}, "blocks", True),
    ({"layout": "auto"}, "blocks", True),
    ({"layout": "blocks"}, "blocks", True),
    ({"layout": "lines"}, "lines", False),
])
def test_layout_option_and_meta(client, options, layout, quote_over_lines):
    answer = client.post("/v1/quotes", json={"text": WRAPPED, "options": options}).get_json()
    assert_answer(answer, WRAPPED)
    assert answer["meta"]["layout"] == layout
    first = answer["quotes"][0]
    assert first["kind"] == "direct"
    assert ("\n" in first["text"]) is quote_over_lines


def test_html_meta_layout_is_html_whatever_is_asked(client):
    answer = client.post("/v1/quotes", json={"html": HTML, "options": {"layout": "lines"}}).get_json()
    assert answer["meta"]["layout"] == "html"


def test_raw_text_plain_body(client):
    r = client.post("/v1/quotes?id=raw-1", data=TEXT.encode("utf-8"), content_type="text/plain")
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] == "raw-1" and "text" not in answer
    assert_answer(answer, TEXT)
    same = client.post("/v1/quotes", json={"id": "raw-1", "text": TEXT}).get_json()
    assert answer["quotes"] == same["quotes"]


def test_raw_text_html_body_with_charset(client):
    r = client.post("/v1/quotes", data=HTML.encode("utf-16"), content_type="text/html; charset=utf-16")
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] is None
    assert answer["text"] == client.post("/v1/quotes", json={"html": HTML}).get_json()["text"]
    assert_answer(answer, answer["text"])


def test_non_ascii_and_empty_text(client):
    text = "Caf\u00e9 owner Zo\u00eb Brandt said: \u201cPrices stay put.\u201d \U0001F35E\n"
    answer = client.post("/v1/quotes", json={"text": text, "options": {"include_text": True}}).get_json()
    assert answer["text"] == text
    assert_answer(answer, text)
    empty = client.post("/v1/quotes", json={"text": ""})
    assert empty.status_code == 200 and empty.get_json()["quotes"] == []


# ------------------------------------------------------------------------------------------- 4xx


@pytest.mark.parametrize("body", [b'{"text": "unterminated', b"", b"not json", b'{"text": "a",}'])
def test_malformed_json_is_400(client, body):
    error = assert_error(client.post("/v1/quotes", data=body, content_type="application/json"), 400, "bad_request")
    assert "JSON" in error["message"]


def test_json_in_invalid_utf8_is_400(client):
    assert_error(client.post("/v1/quotes", data=b'{"text": "caf\xe9"}', content_type="application/json"),
                 400, "bad_request")


@pytest.mark.parametrize("path, body", [
    ("/v1/quotes", b'{"text": "\\u201cWe will not \\ud800 resign,\\u201d Okafor said."}'),
    ("/v1/quotes", b'{"text": "x", "id": "\\udfff"}'),
    ("/v1/quotes", b'{"text": "x", "\\ud800": 1}'),
    ("/v1/quotes/batch", b'{"documents": [{"id": "\\udc00", "text": "x"}]}'),
])
def test_lone_surrogate_escape_in_json_is_400(client, path, body):
    """Was a 500: the answer (or the 422 naming the key) echoed it and could not be encoded as UTF-8."""
    error = assert_error(client.post(path, data=body, content_type="application/json"), 400, "bad_request")
    assert "surrogate" in error["message"]
    pair = b'{"text": "a whole pair: \\ud83d\\ude00"}'
    assert client.post("/v1/quotes", data=pair, content_type="application/json").status_code == 200


@pytest.mark.parametrize("charset, body", [("unicode_escape", b"\\ud800"), ("utf-7", b"+2AA-")])
def test_lone_surrogate_from_a_raw_body_charset_is_400(client, charset, body):
    data = b'"We will not ' + body + b' resign," Okafor said.'
    r = client.post("/v1/quotes", data=data, content_type=f"text/plain; charset={charset}")
    assert "surrogate" in assert_error(r, 400, "bad_request")["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "text/html", "text/plain; charset=utf-8"])
def test_raw_body_in_invalid_utf8_is_400(client, content_type):
    error = assert_error(client.post("/v1/quotes", data=b"Caf\xe9 \xff", content_type=content_type),
                         400, "bad_request")
    assert "utf-8" in error["message"]


def test_unknown_charset_is_415(client):
    assert_error(client.post("/v1/quotes", data=b"x", content_type="text/plain; charset=klingon"),
                 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x", "image/png", None])
def test_other_media_types_are_415(client, content_type):
    r = client.post("/v1/quotes", data=b"<a/>", content_type=content_type)
    assert_error(r, 415, "unsupported_media_type")


def test_form_body_is_415(client):
    assert_error(client.post("/v1/quotes", data={"text": "x"}), 415, "unsupported_media_type")


@pytest.fixture
def small_app(attributor):
    return create_app({"ATTRIBUTOR": attributor, "MAX_BODY_BYTES": 1000, "MAX_CHARS": 50})


def test_body_over_max_body_bytes_is_413(small_app):
    client = small_app.test_client()
    assert small_app.config["MAX_CONTENT_LENGTH"] == 1000
    assert_error(client.post("/v1/quotes", json={"text": "x" * 2000}), 413, "payload_too_large")
    assert_error(client.post("/v1/quotes", data=b"x" * 1001, content_type="text/plain"), 413, "payload_too_large")


def post_chunked(client, body: bytes, content_type: str):
    """A body without Content-Length, as gunicorn passes a chunked one (its input marked terminated)."""
    return client.post("/v1/quotes", input_stream=io.BytesIO(body), content_type=content_type,
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_chunked_body_over_max_body_bytes_is_413(small_app, content_type):
    client = small_app.test_client()
    assert_error(post_chunked(client, b"x" * 1001, content_type), 413, "payload_too_large")
    assert_error(post_chunked(client, b"x" * 5000, content_type), 413, "payload_too_large")


def test_chunked_body_up_to_the_limit_is_read_whole(small_app):
    client = small_app.test_client()
    body = b'{"text": "' + b"z" * 40 + b'"}' + b" " * (1000 - 52)
    assert len(body) == 1000
    assert post_chunked(client, body, "application/json").status_code == 200
    error = assert_error(post_chunked(client, b"z" * 1000, "text/plain"), 422, "validation_error")
    assert "text" in error["details"]["fields"]  # all 1000 characters arrived: over MAX_CHARS


def test_document_over_max_chars_is_422(small_app):
    client = small_app.test_client()
    error = assert_error(client.post("/v1/quotes", json={"text": "y" * 51}), 422, "validation_error")
    assert "text" in error["details"]["fields"]
    error = assert_error(client.post("/v1/quotes", data=b"<p>" + b"y" * 60 + b"</p>", content_type="text/html"),
                         422, "validation_error")
    assert "html" in error["details"]["fields"]
    # Characters, not bytes: 50 three-byte characters are within the limit.
    assert client.post("/v1/quotes", json={"text": "\u20ac" * 50}).status_code == 200


@pytest.mark.parametrize("payload, fields", [
    ({"text": TEXT, "html": HTML}, {"text", "html"}),
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
    r = client.post("/v1/quotes", data=__import__("json").dumps(payload), content_type="application/json")
    error = assert_error(r, 422, "validation_error")
    assert set(error["details"]["fields"]) == fields


def test_unknown_route_is_404(client):
    assert_error(client.get("/v2/quotes"), 404, "not_found")
    assert_error(client.post("/nowhere", json={}), 404, "not_found")


def test_wrong_method_is_405(client):
    r = client.get("/v1/quotes")
    assert_error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["Allow"]
    assert_error(client.post("/healthz"), 405, "method_not_allowed")


# ------------------------------------------------------------------------------------------- 500


class ExplodingAttributor:
    def attribute(self, article):
        raise RuntimeError("secret internal state /srv/quotesvc/model.bin")


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
        from quotesvc.core.intake import IntakeError
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


# ------------------------------------------------------------------------------------------- probes


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_readyz(client, attributor):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ready", "service_version": __version__,
                            "pipeline": attributor.pipeline_name, "pipeline_version": attributor.pipeline_version}


def test_readyz_is_503_without_a_pipeline(app):
    app.extensions["quotesvc"] = None
    assert_error(app.test_client().get("/readyz"), 503, "not_ready")
    assert app.test_client().get("/healthz").status_code == 200


def test_openapi(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["version"] == __version__
    post = spec["paths"]["/v1/quotes"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "text/plain", "text/html"}
    assert {"200", "400", "413", "415", "422", "500"} <= set(post["responses"])
    assert {"/healthz", "/readyz", "/openapi.json"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {"QuoteRequest", "QuoteResponse", "Quote", "Speaker", "Options", "Error"} <= set(schemas)
    # Exactly one of text or html: two complete objects, which code generators type (tests/test_client.py).
    assert schemas["QuoteRequest"]["oneOf"] == [{"$ref": "#/components/schemas/TextRequest"},
                                                {"$ref": "#/components/schemas/HtmlRequest"}]
    for name, fmt in (("TextRequest", "text"), ("HtmlRequest", "html")):
        request = schemas[name]
        assert set(request["properties"]) == {"id", fmt, "options"} and request["required"] == [fmt]
        assert request["additionalProperties"] is False
        assert request["properties"][fmt]["maxLength"] == Settings().MAX_CHARS
    # Nullable references as OpenAPI 3.1 writes them, not an untyped object a generator would take.
    assert spec["openapi"] == "3.1.0"
    assert schemas["Quote"]["properties"]["speaker"]["anyOf"] == [{"$ref": "#/components/schemas/SpeakerRef"},
                                                                  {"type": "null"}]
    assert "nullable" not in json.dumps(spec)
    assert set(schemas["QuoteResponse"]["properties"]) == ANSWER_KEYS | {"text"}
    assert set(schemas["Quote"]["properties"]) == QUOTE_KEYS
    assert set(schemas["Speaker"]["properties"]) == SPEAKER_KEYS


def test_docs_openapi_json_is_current(tmp_path):
    """docs/openapi.json is the served document for the default settings: regenerate with `quotesvc openapi`."""
    from quotesvc.cli import OPENAPI_FILE, main, openapi_document

    assert OPENAPI_FILE.read_text(encoding="utf-8") == openapi_document(), \
        "docs/openapi.json is stale: run `quotesvc openapi` and commit it"
    assert main(["openapi", "--check"]) == 0
    stale = tmp_path / "openapi.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["openapi", "--check", "--output", str(stale)]) == 1
    assert main(["openapi", "--output", str(stale)]) == 0 and main(["openapi", "--check", "--output", str(stale)]) == 0


def test_openapi_describes_the_batch_endpoint(client):
    spec = client.get("/openapi.json").get_json()
    post = spec["paths"]["/v1/quotes/batch"]["post"]
    assert {"200", "422", "503"} <= set(post["responses"])
    documents = spec["components"]["schemas"]["BatchRequest"]["properties"]["documents"]
    assert documents["maxItems"] == Settings().BATCH_MAX
    # A document that breaks QuoteRequest is answered 200 with an error in its place, so items admit anything.
    assert documents["items"]["anyOf"][0] == {"$ref": "#/components/schemas/QuoteRequest"}
    assert documents["items"]["anyOf"][1].keys() == {"description"}
    assert "/metrics" in spec["paths"]
    assert set(spec["components"]["schemas"]["Speaker"]["properties"]) == SPEAKER_KEYS


def test_openapi_promises_only_what_is_served(client):
    """What schemathesis found the document claiming wrongly (see scripts/schemathesis.sh)."""
    spec = client.get("/openapi.json").get_json()
    # Both or neither of text and html is a 422.
    assert [v["$ref"].rsplit("/", 1)[1] for v in spec["components"]["schemas"]["QuoteRequest"]["oneOf"]] == [
        "TextRequest", "HtmlRequest"]
    # Any X-Request-ID is accepted (an invalid one is replaced): no pattern on the request header...
    assert spec["components"]["parameters"]["RequestId"]["schema"] == {"type": "string"}
    r = client.post("/v1/quotes", json={"text": "x"}, headers={"X-Request-ID": "not valid!"})
    assert r.status_code == 200 and r.headers["X-Request-ID"] != "not valid!"
    # ... and every answer, errors included, documents the header and a JSON or text body.
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "404" not in operation["responses"], (method, path)  # the route exists
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                assert "X-Request-ID" in response["headers"] and response["content"], (method, path, status)
    assert client.get("/openapi.json").mimetype in spec["paths"]["/openapi.json"]["get"]["responses"]["200"]["content"]


def test_openapi_shows_the_configured_limit(small_app):
    spec = small_app.test_client().get("/openapi.json").get_json()
    assert spec["components"]["schemas"]["HtmlRequest"]["properties"]["html"]["maxLength"] == 50


# ------------------------------------------------------------------------------------------- start-up


def test_settings_precedence(monkeypatch):
    assert load_settings(environ={}) == Settings()
    env = {"QUOTESVC_MAX_CHARS": "1_000", "QUOTESVC_TIME_BUDGET_S": "2.5", "QUOTESVC_LOG_LEVEL": "debug"}
    s = load_settings(environ=env, overrides={"MAX_CHARS": 7})
    assert (s.MAX_CHARS, s.TIME_BUDGET_S, s.LOG_LEVEL) == (7, 2.5, "DEBUG")
    assert load_settings(environ=env).MAX_CHARS == 1000


@pytest.mark.parametrize("name, value", [
    ("MAX_CHARS", "lots"), ("MAX_BODY_BYTES", "0"), ("BATCH_MAX", "-3"), ("TIME_BUDGET_S", "soon"),
    ("LOG_LEVEL", "LOUD"), ("SPACY_MODEL", " "),
])
def test_bad_environment_value_names_the_variable(monkeypatch, attributor, name, value):
    with pytest.raises(ConfigError, match=f"QUOTESVC_{name}"):
        load_settings(environ={f"QUOTESVC_{name}": value})
    monkeypatch.setenv(f"QUOTESVC_{name}", value)
    with pytest.raises(StartupError, match=f"QUOTESVC_{name}"):
        create_app({"ATTRIBUTOR": attributor})


def test_environment_reaches_the_app(monkeypatch, attributor):
    monkeypatch.setenv("QUOTESVC_MAX_BODY_BYTES", "2048")
    assert create_app({"ATTRIBUTOR": attributor}).config["MAX_CONTENT_LENGTH"] == 2048


def test_missing_model_stops_start_up(tmp_path):
    with pytest.raises(StartupError, match="no-such-pipeline"):
        create_app({"SPACY_MODEL": str(tmp_path / "no-such-pipeline")})


def test_bad_rules_stop_start_up(tmp_path):
    import shutil

    from quotesvc.core.rules import default_rules_dir

    rules_dir = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules_dir)
    lines = (rules_dir / "cue_verbs.jsonl").read_text().splitlines()
    lines[2] = '{"class": "speech"}'
    (rules_dir / "cue_verbs.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(StartupError, match="cue_verbs.jsonl:3"):
        create_app({"RULES_DIR": str(rules_dir)})


def test_the_injected_attributor_is_used(app, attributor):
    assert app.extensions["quotesvc"] is attributor
    assert "ATTRIBUTOR" not in app.config


# ------------------------------------------------------------------------------------- time budget


class SleepyAttributor:
    """The real attributor, but the first `slow` calls sleep far past any budget first."""

    def __init__(self, inner, slow: int = 1):
        self.inner, self.slow = inner, slow

    def attribute(self, article):
        self._sleep()
        return self.inner.attribute(article)

    def attribute_stream(self, articles):
        self._sleep()
        return self.inner.attribute_stream(articles)

    def _sleep(self):
        if self.slow:
            self.slow -= 1
            __import__("time").sleep(5)


@pytest.mark.parametrize("path, body", [("/v1/quotes", {"text": TEXT}),
                                        ("/v1/quotes/batch", {"documents": [{"text": TEXT}]})])
def test_over_the_time_budget_is_503_and_the_next_request_succeeds(attributor, caplog, path, body):
    import signal
    import time

    handler = signal.getsignal(signal.SIGALRM)
    app = create_app({"ATTRIBUTOR": SleepyAttributor(attributor), "TIME_BUDGET_S": 0.05})
    client = app.test_client()
    t0 = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="quotesvc"):
        r = client.post(path, json=body)
    assert time.monotonic() - t0 < 2
    if path.endswith("batch"):  # the batch is answered, each document left undone with its own error
        assert r.status_code == 200
        (error,) = [result["error"] for result in r.get_json()["results"]]
        assert error["status"] == 503 and error["code"] == "timeout"
    else:
        error = assert_error(r, 503, "timeout")
    assert error["details"] == {"time_budget_s": 0.05}
    assert any("time budget" in rec.getMessage() for rec in caplog.records)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # cancelled
    assert signal.getsignal(signal.SIGALRM) == handler  # restored
    # The process serves on (a real request inside a 0.05 s budget would depend on the machine's speed).
    assert create_app({"ATTRIBUTOR": attributor}).test_client().post(path, json=body).status_code == 200


def test_time_budget_on_a_large_text(attributor):
    client = create_app({"ATTRIBUTOR": attributor, "TIME_BUDGET_S": 0.001}).test_client()
    assert_error(client.post("/v1/quotes", json={"text": TEXT * 200}), 503, "timeout")
    assert create_app({"ATTRIBUTOR": attributor}).test_client().post("/v1/quotes", json={"text": TEXT}).status_code == 200


def test_time_budget_is_not_armed_outside_the_main_thread(attributor):
    import threading

    client = create_app({"ATTRIBUTOR": attributor, "TIME_BUDGET_S": 0.001}).test_client()
    statuses = []
    worker = threading.Thread(target=lambda: statuses.append(client.post("/v1/quotes", json={"text": TEXT}).status_code))
    worker.start()
    worker.join()
    assert statuses == [200]  # no SIGALRM possible there: the request runs to the end
