"""Every answer's safety headers, and answers that return the article's markup as plain text."""
from __future__ import annotations

from pathlib import Path

import pytest

from quotesvc import create_app
from quotesvc.service.openapi import openapi_spec
from quotesvc.service.settings import Settings

XSS_HTML = ("<p>&ldquo;&lt;img src=x onerror=alert(1)&gt; is what they sent us,&rdquo; "
            "said Ines Okafor, the editor.</p><p>&lt;script&gt;alert(2)&lt;/script&gt;</p>")


@pytest.mark.parametrize("method, path, kwargs, status", [
    ("post", "/v1/quotes", {"json": {"text": "“We will stay,” said Ines Okafor."}}, 200),
    ("post", "/v1/quotes/batch", {"json": {"documents": [{"text": "Yes."}]}}, 200),
    ("post", "/v1/quotes", {"data": b"{", "content_type": "application/json"}, 400),
    ("post", "/v1/quotes", {"json": {"text": 5}}, 422),
    ("post", "/v1/quotes", {"data": b"x", "content_type": "image/png"}, 415),
    ("get", "/v1/quotes", {}, 405),
    ("get", "/no/such/route", {}, 404),
    ("get", "/healthz", {}, 200),
    ("get", "/readyz", {}, 200),
    ("get", "/metrics", {}, 200),
    ("get", "/openapi.json", {}, 200),
])
def test_every_api_answer_is_nosniff_and_no_store(client, method, path, kwargs, status):
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"


def test_a_body_over_the_limit_is_413_with_the_headers(attributor):
    client = create_app({"ATTRIBUTOR": attributor, "MAX_BODY_BYTES": 100}).test_client()
    r = client.post("/v1/quotes", json={"text": "x" * 200})
    assert r.status_code == 413
    assert (r.headers["X-Content-Type-Options"], r.headers["Cache-Control"]) == ("nosniff", "no-store")


def test_an_unexpected_error_is_500_with_the_headers(attributor):
    class Broken:
        def attribute(self, article):
            raise RuntimeError("boom")

    r = create_app({"ATTRIBUTOR": Broken()}).test_client().post("/v1/quotes", json={"text": "x"})
    assert r.status_code == 500 and "boom" not in r.get_data(as_text=True)
    assert (r.headers["X-Content-Type-Options"], r.headers["Cache-Control"]) == ("nosniff", "no-store")


def test_the_review_page_keeps_its_own_cache_policy(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in r.headers.get("Cache-Control", "")


def test_markup_in_an_article_comes_back_as_plain_text_in_json(client):
    r = client.post("/v1/quotes", json={"html": XSS_HTML})
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    # Decoded from its entities, it is the characters the article shows: plain text, for the client to escape.
    assert "<img src=x onerror=alert(1)>" in body["text"] and "<script>alert(2)</script>" in body["text"]
    (quote,) = [q for q in body["quotes"] if "onerror" in q["text"]]
    assert quote["text"].startswith("<img src=x onerror=alert(1)>")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_openapi_document_says_strings_are_plain_text_and_lists_the_headers():
    doc = openapi_spec(Settings.MAX_CHARS)
    assert "plain text" in doc["info"]["description"] and "Escape every string" in doc["info"]["description"]
    ok = doc["paths"]["/v1/quotes"]["post"]["responses"]["200"]["headers"]
    assert {"X-Content-Type-Options", "Cache-Control", "X-Request-ID"} <= set(ok)
    error = doc["components"]["responses"]["Error"]["headers"]
    assert {"X-Content-Type-Options", "Cache-Control"} <= set(error)


README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("promise", [
    "Every string in an answer is plain text, never markup — escape it where you put it.",
    "gunicorn says `Server: gunicorn`, the gateway `Server: nginx`",
    "`X-Content-Type-Options: nosniff` and `Cache-Control: no-store`",
])
def test_the_readme_tells_the_integrator(promise):
    # What the headers and the OpenAPI test above check, the README must tell whoever integrates the API.
    assert promise in " ".join(README.read_text(encoding="utf-8").split())

