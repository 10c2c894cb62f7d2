"""The review page as served: its headers, its assets, and the sanitiser it renders HTML through.
(The page itself is tested in a browser: tests/browser/.)"""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from quotesvc.service.page import sanitize
from tests.helpers import BrowserText, assert_error


def test_page_is_served_with_a_content_security_policy(client):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    csp = dict(part.strip().split(" ", 1) for part in r.headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'none'" and csp["script-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert "unsafe" not in r.headers["Content-Security-Policy"]
    page = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert page.select_one("textarea[name=article]") and page.select_one("button[type=submit]")
    # No inline script or style, and every asset from the app itself.
    assert all(s.get("src", "").startswith("/page/") for s in page.find_all("script"))
    assert not page.find_all("style") and not page.select("[style]")
    for link in page.find_all("link"):
        assert link["href"].startswith("/page/") or link["href"] == "data:,"  # no favicon request


@pytest.mark.parametrize("asset, mimetype", [("review.js", "text/javascript"), ("review.css", "text/css")])
def test_assets_are_served_and_load_nothing_from_elsewhere(client, asset, mimetype):
    r = client.get(f"/page/{asset}")
    assert r.status_code == 200 and r.mimetype == mimetype
    assert not re.search(r"https?://|//cdn|@import|innerHTML\s*=(?!\s*safeHtml;)", r.get_data(as_text=True))


def test_sanitize_endpoint(client):
    r = client.post("/page/sanitize", json={"html": "<p onclick='x()'>Hi <script>bad()</script>there</p>"})
    assert r.status_code == 200 and r.get_json() == {"html": "<p>Hi there</p>"}
    assert_error(client.post("/page/sanitize", json={"text": "x"}), 422, "validation_error")
    assert_error(client.post("/page/sanitize", data=b"{", content_type="application/json"), 400, "bad_request")


@pytest.mark.parametrize("markup, forbidden", [
    ("<p>x<img src=x onerror=alert(1)></p>", "<img"),
    ("<p><a href='javascript:alert(1)'>x</a></p>", "javascript:"),
    ("<svg><script>alert(1)</script></svg><p>x</p>", "alert"),
    ("<p style='background:url(x)'>x</p>", "style"),
    ("<iframe src='https://example.org'></iframe><p>x</p>", "iframe"),
    ("<p>&lt;img src=x onerror=alert(1)&gt;</p>", "<img"),
])
def test_sanitizer_removes_what_runs_or_loads(markup, forbidden):
    assert forbidden not in sanitize(markup)


def test_sanitizer_keeps_the_text_and_the_tree_the_selectors_point_into():
    markup = ("<html><head><title>Pier</title><style>p{}</style></head><body><div id='s'><span id='a'/>"
              "<p>One <em>two</em> <a href='/x'>three</a></p><table><tr><td>four</td></tr></table>"
              "<form><p>five</p><button>no</button></form></div></body></html>")
    original = BrowserText(markup)
    cleaned = BrowserText(sanitize(markup))
    for xpath in ("/html[1]/body[1]/div[1]/span[1]/p[1]", "/html[1]/body[1]/div[1]/span[1]/table[1]/tbody[1]/tr[1]/td[1]"):
        assert cleaned.offset(xpath, 0) - cleaned.offset("/html[1]/body[1]", 0) == \
            original.offset(xpath, 0) - original.offset("/html[1]/body[1]", 0)
    assert "Pier" not in cleaned.text and "no" not in cleaned.text.split()
