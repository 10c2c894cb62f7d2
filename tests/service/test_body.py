"""Reading the body (quotesvc/service/body.py): JSON, raw text/plain and text/html bodies, charsets, lone
surrogates, media types and the size limits; each refusal in the one error shape."""
from __future__ import annotations

import io
import json

import pytest

from tests.helpers import assert_error


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


def test_raw_body_in_its_declared_charset(client):
    text = "\u201cNous fermons,\u201d a dit Zo\u00e9 L\u00e9vy."
    r = client.post("/v1/quotes", data=text.encode("utf-16"), content_type="text/plain; charset=utf-16")
    assert r.status_code == 200
    assert r.get_json()["quotes"] == client.post("/v1/quotes", json={"text": text}).get_json()["quotes"]


@pytest.mark.parametrize("charset, message", [("klingon", "Unknown charset"), ("rot13", "not a text encoding"),
                                              ("base64", "not a text encoding")])
def test_unknown_charset_or_a_codec_that_is_not_one_is_415(client, charset, message):
    r = client.post("/v1/quotes", data=b"x", content_type=f"text/plain; charset={charset}")
    assert message in assert_error(r, 415, "unsupported_media_type")["message"]


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x", "image/png", None])
def test_other_media_types_are_415(client, content_type):
    error = assert_error(client.post("/v1/quotes", data=b"<a/>", content_type=content_type),
                         415, "unsupported_media_type")
    assert "application/json" in error["message"]


def test_form_body_is_415(client):
    assert_error(client.post("/v1/quotes", data={"text": "x"}), 415, "unsupported_media_type")


# ------------------------------------------------------------------------------------------ limits


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


def test_a_raw_body_and_a_json_body_get_the_same_422(small_app):
    client = small_app.test_client()
    raw = assert_error(client.post("/v1/quotes?id=r", data="y" * 51, content_type="text/plain"), 422, "validation_error")
    sent = assert_error(client.post("/v1/quotes", data=json.dumps({"id": "r", "text": "y" * 51}),
                                    content_type="application/json"), 422, "validation_error")
    assert raw == sent
