"""The views through Flask's test client, with the session's Attributor injected: what a valid request
gets, and the probes.

Checked against the contract (statuses, shapes, offsets), never against particular speakers: the NLP
stages behind it change.
"""
from __future__ import annotations

import pytest

from quotesvc import __version__
from tests.helpers import assert_answer, assert_error, assert_html_places
from tests.texts import PIER_HTML, PIER_TEXT


def test_json_text(client):
    r = client.post("/v1/quotes", json={"id": "pier-1", "text": PIER_TEXT})
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] == "pier-1"
    assert "text" not in answer  # text input without include_text: the client has the text
    assert answer["quotes"]
    assert_answer(answer, PIER_TEXT)


def test_json_text_include_text(client):
    answer = client.post("/v1/quotes", json={"text": PIER_TEXT, "options": {"include_text": True}}).get_json()
    assert answer["id"] is None
    assert answer["text"] == PIER_TEXT
    assert_answer(answer, PIER_TEXT)


def test_json_html_returns_the_text_offsets_index(client):
    r = client.post("/v1/quotes", json={"id": "pier-h", "html": PIER_HTML})
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] == "pier-h"
    assert "Okafor" in answer["text"] and "<p>" not in answer["text"] and answer["quotes"]
    assert_answer(answer, answer["text"])
    assert_html_places(answer, PIER_HTML)


def test_text_answers_have_no_html_places(client):
    answer = client.post("/v1/quotes", json={"text": PIER_TEXT}).get_json()
    assert answer["quotes"]
    for q in answer["quotes"]:
        assert q["html"] is None and q["selectors"] is None


def test_options_are_applied(client):
    answer = client.post("/v1/quotes", json={"text": PIER_TEXT, "options": {"indirect": False,
                                                                           "min_confidence": 0.5}}).get_json()
    assert_answer(answer, PIER_TEXT)
    assert all(q["kind"] != "indirect" and q["confidence"] >= 0.5 for q in answer["quotes"])
    everything = client.post("/v1/quotes", json={"text": PIER_TEXT}).get_json()
    assert {q["id"] for q in answer["quotes"]} < {q["id"] for q in everything["quotes"]}
    assert any(q["kind"] == "indirect" for q in everything["quotes"])


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
    answer = client.post("/v1/quotes", json={"html": PIER_HTML, "options": {"layout": "lines"}}).get_json()
    assert answer["meta"]["layout"] == "html"


def test_raw_text_plain_body(client):
    r = client.post("/v1/quotes?id=raw-1", data=PIER_TEXT.encode("utf-8"), content_type="text/plain")
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] == "raw-1" and "text" not in answer
    assert_answer(answer, PIER_TEXT)
    same = client.post("/v1/quotes", json={"id": "raw-1", "text": PIER_TEXT}).get_json()
    assert answer["quotes"] == same["quotes"] and answer["quotes"]


def test_raw_text_html_body_with_charset(client):
    r = client.post("/v1/quotes", data=PIER_HTML.encode("utf-16"), content_type="text/html; charset=utf-16")
    assert r.status_code == 200, r.get_data(as_text=True)
    answer = r.get_json()
    assert answer["id"] is None
    assert answer["text"] == client.post("/v1/quotes", json={"html": PIER_HTML}).get_json()["text"]
    assert_answer(answer, answer["text"])


def test_non_ascii_and_empty_text(client):
    text = "Caf\u00e9 owner Zo\u00eb Brandt said: \u201cPrices stay put.\u201d \U0001F35E\n"
    answer = client.post("/v1/quotes", json={"text": text, "options": {"include_text": True}}).get_json()
    assert answer["text"] == text
    assert [q["text"] for q in answer["quotes"]] == ["Prices stay put."]
    assert_answer(answer, text)
    empty = client.post("/v1/quotes", json={"text": ""})
    assert empty.status_code == 200 and empty.get_json()["quotes"] == [] and empty.get_json()["speakers"] == []


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
