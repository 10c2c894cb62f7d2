"""Hostile input through the HTTP API: never a 5xx, always JSON, and the app keeps answering.

Documents over MAX_CHARS (200,000 by default) are refused with 422 before any parsing; the tests that
should reach the pipeline use an app whose MAX_CHARS is raised above their size.
"""
from __future__ import annotations

import json

import pytest

from quotesvc import create_app
from tests.helpers import assert_error_shape, assert_offsets

NORMAL = ("The harbour master, Ines Okafor, said the new pier would open in May.\n"
          "“We have waited ten years for this,” Okafor said on Tuesday.")


@pytest.fixture
def big_client(attributor):
    """A client whose app accepts documents of up to 2,000,000 characters."""
    return create_app({"ATTRIBUTOR": attributor, "TESTING": True, "MAX_CHARS": 2_000_000}).test_client()


def answer(resp, *allowed: int) -> dict:
    """The JSON answer; fails on a 5xx, on non-JSON, on a status not in `allowed` or on a bad error shape."""
    assert resp.is_json, (resp.status_code, resp.data[:300])
    body = resp.get_json()
    assert resp.status_code < 500, body
    assert resp.status_code in allowed, (resp.status_code, body)
    if resp.status_code != 200:
        assert_error_shape(body, resp.status_code)
    return body


def still_answers(client) -> None:
    body = answer(client.post("/v1/quotes", json={"text": NORMAL}), 200)
    assert isinstance(body["quotes"], list) and body["meta"]["service_version"]


# ----------------------------------------------------------------------------------- big and deep


def test_deeply_nested_html_over_max_chars_is_422(client):
    body = answer(client.post("/v1/quotes", json={"html": "<div>" * 100_000}), 422)
    assert "html" in body["error"]["details"]["fields"]
    still_answers(client)


def test_deeply_nested_html_within_max_chars(big_client):
    html = "<div>" * 100_000 + "<p>“We will not resign,” the minister said.</p>" + "</div>" * 100_000
    body = answer(big_client.post("/v1/quotes", json={"html": html}), 200)
    assert_offsets(body, body["text"])
    still_answers(big_client)


def test_deeply_nested_unclosed_html_within_max_chars(big_client):
    body = answer(big_client.post("/v1/quotes", json={"html": "<div>" * 100_000}), 200)
    assert body["quotes"] == []
    still_answers(big_client)


def test_single_600k_token_over_max_chars_is_422(client):
    answer(client.post("/v1/quotes", json={"text": "a" * 600_000}), 422)
    answer(client.post("/v1/quotes", data="a" * 600_000, content_type="text/plain"), 422)
    still_answers(client)


def test_single_600k_token_within_max_chars(big_client):
    text = "x" * 600_000
    body = answer(big_client.post("/v1/quotes", json={"text": text}), 200)
    assert_offsets(body, text)
    still_answers(big_client)


def test_body_over_max_body_bytes_is_413(client):
    answer(client.post("/v1/quotes", data=b'{"text": "' + b"a" * (6 * 1024 * 1024) + b'"}',
                       content_type="application/json"), 413)
    still_answers(client)


# ------------------------------------------------------------------------------- quotation marks


@pytest.mark.parametrize("marks", [
    "“" * 5000,
    "\"" * 5001,
    "«" * 3000 + "»" * 10,
    "„" * 2000 + "‘" * 2000 + "'" * 2001,
    "“a ” b “ c" * 1000,
    ("He said: “" + "word " * 10) * 300,
])
def test_thousands_of_unbalanced_marks(client, marks):
    text = "Okafor said " + marks + " she said.\n" + marks[: len(marks) // 2]
    body = answer(client.post("/v1/quotes", json={"text": text, "options": {"include_text": True}}), 200)
    assert_offsets(body, text)
    html = "<p>" + marks + "</p><p>" + "&ldquo;" * 2000 + "</p>"
    body = answer(client.post("/v1/quotes", json={"html": html}), 200)
    assert_offsets(body, body["text"])
    still_answers(client)


def test_more_tokens_than_the_limit_is_422_alone_and_in_a_batch(nlp, rules):
    from quotesvc.core.attributor import Attributor

    limited = create_app({"ATTRIBUTOR": Attributor(nlp, rules, max_tokens=40), "TESTING": True}).test_client()
    body = answer(limited.post("/v1/quotes", json={"text": "“" * 41}), 422)
    assert "41 tokens" in json.dumps(body) and "limit is 40" in json.dumps(body)
    body = answer(limited.post("/v1/quotes/batch", json={"documents": [{"text": "!" * 41}, {"text": NORMAL}]}), 200)
    refused, fine = body["results"]
    assert refused["error"]["status"] == 422 and "41 tokens" in json.dumps(refused)
    assert any(q["speaker"] and q["speaker"]["name"] == "Ines Okafor" for q in fine["quotes"])
    still_answers(limited)


# ------------------------------------------------------------------------------ control characters


CONTROL = "".join(map(chr, range(0, 32))) + "\x7f\x85\u2028\u2029\ufeff\ufffe\u200b\u202e"


def test_control_characters_in_text(client):
    text = f"Okafor said\x00 “We\x00 will\x01 not\x1b[31m resign,”{CONTROL} she said.\x00\n\x00“Never,”\x0b he said."
    body = answer(client.post("/v1/quotes", json={"text": text}), 200)
    assert_offsets(body, text)
    body = answer(client.post("/v1/quotes", data=text.encode("utf-8"), content_type="text/plain"), 200)
    assert_offsets(body, text)
    still_answers(client)


def test_control_characters_in_html(client):
    html = (f"<p>Okafor said\x00 <b>“We\x00 will</b> not{CONTROL} resign,” she said.</p>\x00<p\x00>x</p>"
            "<p>&#0;&#1;&#x1b;&#xfffe;&#xD800;&#1114112;&#99999999999;</p>")
    body = answer(client.post("/v1/quotes", json={"html": html}), 200)
    assert_offsets(body, body["text"])
    body = answer(client.post("/v1/quotes", data=html.encode("utf-8"), content_type="text/html"), 200)
    assert_offsets(body, body["text"])
    still_answers(client)


def test_lone_surrogate_escape_in_json(client):
    resp = client.post("/v1/quotes", data=b'{"text": "Okafor said \\ud800 \\udfff \\u201cyes\\u201d."}',
                       content_type="application/json")
    assert "surrogate" in answer(resp, 400)["error"]["message"]
    still_answers(client)


# -------------------------------------------------------------------------------- bytes and charset


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00bad", b"Okafor said \xe2\x80 yes", b"\xc0\xaf", b"\xed\xa0\x80"])
def test_invalid_utf8_raw_body_is_400(client, raw):
    body = answer(client.post("/v1/quotes", data=raw, content_type="text/plain"), 400)
    assert body["error"]["code"] == "bad_request"
    answer(client.post("/v1/quotes", data=raw, content_type="text/html; charset=utf-8"), 400)
    still_answers(client)


def test_invalid_utf8_json_body_is_400(client):
    answer(client.post("/v1/quotes", data=b'{"text": "\xff\xfe"}', content_type="application/json"), 400)
    still_answers(client)


@pytest.mark.parametrize("content_type, allowed", [
    ("text/plain; charset=no-such-charset", (415,)),
    ("text/plain; charset=", (200,)),                # an empty charset parameter is no charset: UTF-8
    ("text/plain; charset=utf-16", (200,)),          # UTF-8 bytes (an even number) read as UTF-16: odd text
    ("text/plain; charset=latin-1", (200,)),
    ("text/plain; charset=ascii", (400,)),           # non-ASCII bytes
    ("text/html; charset=idna", (400,)),
    ("application/json; charset=latin-1", (200,)),   # JSON is read as UTF-8 whatever the parameter says
    ("text/plain; charset=rot13", (415,)),           # bytes-to-bytes codecs are not charsets
    ("text/plain; charset=base64", (415,)),
    ("text/plain; charset=zlib", (415,)),
])
def test_wrong_charset_header(client, content_type, allowed):
    data = NORMAL.encode("utf-8") if "json" not in content_type else json.dumps({"text": NORMAL}).encode()
    answer(client.post("/v1/quotes", data=data, content_type=content_type), *allowed)
    still_answers(client)


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x", "", "text/csv"])
def test_unsupported_media_type_is_415(client, content_type):
    answer(client.post("/v1/quotes", data=b"<x/>", content_type=content_type or None), 415)
    still_answers(client)


# ---------------------------------------------------------------------------------------- JSON shape


@pytest.mark.parametrize("payload", [
    {"text": 42}, {"text": 4.2}, {"text": ["a", "b"]}, {"text": None}, {"text": True}, {"text": {"a": 1}},
    {"html": 1}, {"html": None}, {"html": []},
    {"text": "x", "options": "indirect"}, {"text": "x", "options": []}, {"text": "x", "options": None},
    {"text": "x", "options": 1}, {"text": "x", "options": {"indirect": "true"}},
    {"text": "x", "options": {"min_confidence": "0.5"}}, {"text": "x", "options": {"min_confidence": 2}},
    {"text": "x", "options": {"min_confidence": float("nan")}}, {"text": "x", "options": {"nope": 1}},
    {"text": "x", "id": 5}, {"text": "x", "id": ["a"]}, {"text": "x", "html": "<p>x</p>"}, {},
    {"text": "x", "extra": 1},
])
def test_json_of_wrong_types_is_422(client, payload):
    body = answer(client.post("/v1/quotes", data=json.dumps(payload), content_type="application/json"), 422)
    assert body["error"]["code"] == "validation_error"
    still_answers(client)


@pytest.mark.parametrize("raw", [b"[]", b"null", b"42", b'"text"', b"true", b"NaN", b"[" * 1 + b"1," * 10 + b"1]"])
def test_json_not_an_object_is_422(client, raw):
    answer(client.post("/v1/quotes", data=raw, content_type="application/json"), 422)
    still_answers(client)


@pytest.mark.parametrize("raw", [b"", b"{", b'{"text": "x",}', b"{'text': 'x'}", b'{"text": "x"} {}',
                                 b"[" * 100_000, b'{"a":' * 50_000])
def test_malformed_json_is_400(client, raw):
    answer(client.post("/v1/quotes", data=raw, content_type="application/json"), 400)
    still_answers(client)


def test_huge_json_array_body(client):
    raw = json.dumps([{"text": "Okafor said yes."}] * 150_000).encode()  # about 5 MB, under the body limit
    assert len(raw) < 5 * 1024 * 1024
    answer(client.post("/v1/quotes", data=raw, content_type="application/json"), 422)
    answer(client.post("/v1/quotes", data=b"[" + b"0," * 2_000_000 + b"0]", content_type="application/json"), 422)
    still_answers(client)


def test_huge_json_array_of_text_is_422(client):
    raw = json.dumps({"text": ["word"] * 500_000}).encode()
    answer(client.post("/v1/quotes", data=raw, content_type="application/json"), 422)  # 4 MB: under the limit
    still_answers(client)
