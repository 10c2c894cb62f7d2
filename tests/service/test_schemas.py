"""The marshmallow schemas: what a request may hold, and what an answer looks like."""
from __future__ import annotations

import json

import pytest
from marshmallow import ValidationError

from quotesvc import __version__
from quotesvc.core.model import (Article, Attribution, Cue, Layout, LayoutChoice, Mention, Options, Quote, QuoteKind,
                                 Selectors, Speaker, SpeakerKind, SpeakerRef, Span, XPathPoint)
from quotesvc.service.schemas import ONE_OF_TEXT_HTML, ErrorSchema, OptionsSchema, QuoteRequestSchema, QuoteResponseSchema

TEXT = 'The baker, Tomas Reyes, said: "Bread is up ten cents." He blamed flour.'


def errors_of(schema, data) -> dict:
    with pytest.raises(ValidationError) as info:
        schema.load(data)
    return info.value.messages


# ------------------------------------------------------------------------------------------- load


def test_text_request_loads_to_an_article_with_default_options():
    article = QuoteRequestSchema().load({"text": TEXT})
    assert article == Article(content=TEXT, fmt="text", id=None, options=Options())


def test_html_request_with_id_and_options():
    article = QuoteRequestSchema().load({"html": "<p>x</p>", "id": "a-1",
                                         "options": {"indirect": False, "include_text": True, "min_confidence": 0.5}})
    assert article == Article("<p>x</p>", "html", "a-1", Options(indirect=False, include_text=True, min_confidence=0.5))


def test_empty_options_take_the_defaults():
    assert QuoteRequestSchema().load({"text": "x", "options": {}}).options == Options()
    assert OptionsSchema().load({"min_confidence": 1}) == Options(min_confidence=1.0)


@pytest.mark.parametrize("value, choice", [("auto", LayoutChoice.AUTO), ("lines", LayoutChoice.LINES),
                                           ("blocks", LayoutChoice.BLOCKS)])
def test_layout_option_loads_to_its_choice(value, choice):
    assert OptionsSchema().load({"layout": value}).layout is choice


@pytest.mark.parametrize("value", ["columns", "LINES", "", None, 1, ["lines"]])
def test_layout_option_refuses_anything_else(value):
    with pytest.raises(ValidationError) as exc:
        OptionsSchema().load({"layout": value})
    assert list(exc.value.messages) == ["layout"]


@pytest.mark.parametrize("data", [{}, {"id": "x"}, {"text": "a", "html": "<p>a</p>"}])
def test_exactly_one_of_text_and_html(data):
    messages = errors_of(QuoteRequestSchema(), data)
    assert set(messages) <= {"text", "html"} and messages
    assert all(m == [ONE_OF_TEXT_HTML] for m in messages.values())


@pytest.mark.parametrize("data, path", [
    ({"text": 5}, ("text",)),
    ({"html": ["<p>"]}, ("html",)),
    ({"text": None}, ("text",)),
    ({"text": "a", "id": 7}, ("id",)),
    ({"text": "a", "options": None}, ("options",)),
    ({"text": "a", "options": "fast"}, ("options", "_schema")),
    ({"text": "a", "options": {"indirect": "yes"}}, ("options", "indirect")),
    ({"text": "a", "options": {"include_text": 1}}, ("options", "include_text")),
    ({"text": "a", "options": {"min_confidence": "0.5"}}, ("options", "min_confidence")),
    ({"text": "a", "options": {"min_confidence": True}}, ("options", "min_confidence")),
    ({"text": "a", "options": {"min_confidence": 1.5}}, ("options", "min_confidence")),
    ({"text": "a", "options": {"min_confidence": -0.1}}, ("options", "min_confidence")),
    ({"text": "a", "options": {"min_confidence": float("nan")}}, ("options", "min_confidence")),
    ({"text": "a", "options": {"speed": 1}}, ("options", "speed")),
    ({"text": "a", "language": "en"}, ("language",)),
])
def test_violations_name_the_field(data, path):
    messages = errors_of(QuoteRequestSchema(), data)
    for key in path:
        assert key in messages, messages
        messages = messages[key]
    assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)


def test_unknown_field_message():
    assert errors_of(QuoteRequestSchema(), {"text": "a", "url": "x"}) == {"url": ["Unknown field."]}


def test_not_an_object():
    assert "_schema" in errors_of(QuoteRequestSchema(), ["text"])


def test_max_chars_limits_text_and_html():
    schema = QuoteRequestSchema(max_chars=10)
    assert schema.load({"text": "x" * 10}).content == "x" * 10
    assert "text" in errors_of(schema, {"text": "x" * 11})
    assert "html" in errors_of(schema, {"html": "x" * 11})
    # The limit is per instance.
    assert QuoteRequestSchema().load({"text": "x" * 11})


# ------------------------------------------------------------------------------------------- dump


def make_attribution(text: str | None) -> Attribution:
    speaker = Speaker(id="s1", name="Tomas Reyes", kind=SpeakerKind.PERSON, titles=["baker"], aliases=["Reyes"],
                      quotes=["q1", "q2"])
    ref = SpeakerRef(name="Tomas Reyes", mention=Mention(Span(11, 22), "Tomas Reyes"), entity="s1",
                     kind=SpeakerKind.PERSON)
    later = Quote("q2", Span(55, 71), "He blamed flour.", QuoteKind.INDIRECT, ref, None, 0.4, "pronoun-subject")
    first = Quote("q1", Span(31, 53), "Bread is up ten cents.", QuoteKind.DIRECT, ref,
                  Cue(Span(24, 28), "said", "say"), 0.9, "colon-cue")
    return Attribution(id="a-1", text=text, quotes=[later, first], speakers=[speaker],
                       pipeline="en_core_web_sm", pipeline_version="3.6.0", elapsed_ms=12.5,
                       layout=Layout.LINES)


def test_answer_dump_flattens_spans_and_orders_quotes():
    answer = QuoteResponseSchema().dump(make_attribution(TEXT))
    assert list(answer) == ["id", "text", "quotes", "speakers", "meta"]
    assert [q["id"] for q in answer["quotes"]] == ["q1", "q2"]  # text order, whatever the input order
    q1 = answer["quotes"][0]
    assert q1 == {
        "id": "q1", "text": "Bread is up ten cents.", "start": 31, "end": 53, "kind": "direct",
        "speaker": {"name": "Tomas Reyes", "mention": {"text": "Tomas Reyes", "start": 11, "end": 22, "html": None},
                    "entity": "s1", "kind": "person"},
        "cue": {"text": "said", "lemma": "say", "start": 24, "end": 28, "html": None},
        "confidence": 0.9, "rule": "colon-cue", "html": None, "selectors": None}
    assert answer["quotes"][1]["cue"] is None
    for q in answer["quotes"]:
        assert TEXT[q["start"]:q["end"]] == q["text"]
    assert answer["speakers"] == [{"id": "s1", "name": "Tomas Reyes", "kind": "person", "titles": ["baker"],
                                   "aliases": ["Reyes"], "quotes": ["q1", "q2"], "role": None,
                                   "affiliation": None}]
    assert answer["meta"] == {"service_version": __version__, "pipeline": "en_core_web_sm",
                              "pipeline_version": "3.6.0", "elapsed_ms": 12.5, "layout": "lines"}
    json.dumps(answer)  # plain JSON types only


def test_answer_dump_of_html_places():
    a = make_attribution(TEXT)
    start, end = XPathPoint("/html[1]/body[1]/p[1]", 3), XPathPoint("/html[1]/body[1]/p[2]", 7)
    a.quotes[1].html = Span(40, 70)
    a.quotes[1].selectors = Selectors(start, end, "Bread is up", "said: \u201c", "\u201d He")
    q = QuoteResponseSchema().dump(a)["quotes"][0]
    assert q["html"] == {"start": 40, "end": 70}
    assert q["selectors"] == {
        "range": {"type": "RangeSelector",
                  "startContainer": "/html[1]/body[1]/p[1]", "startOffset": 3,
                  "endContainer": "/html[1]/body[1]/p[2]", "endOffset": 7,
                  "startSelector": {"type": "XPathSelector", "value": "/html[1]/body[1]/p[1]",
                                    "refinedBy": {"type": "TextPositionSelector", "start": 3, "end": 3}},
                  "endSelector": {"type": "XPathSelector", "value": "/html[1]/body[1]/p[2]",
                                  "refinedBy": {"type": "TextPositionSelector", "start": 7, "end": 7}}},
        "quote": {"type": "TextQuoteSelector", "exact": "Bread is up", "prefix": "said: \u201c", "suffix": "\u201d He"}}


def test_answer_speaker_role_and_affiliation():
    a = make_attribution(TEXT)
    a.speakers[0].role = "baker"
    a.speakers[0].affiliation = "Reyes Bakery"
    speaker = QuoteResponseSchema().dump(a)["speakers"][0]
    assert (speaker["role"], speaker["affiliation"]) == ("baker", "Reyes Bakery")
    assert list(speaker)[-2:] == ["role", "affiliation"]


def test_answer_omits_text_when_there_is_none():
    answer = QuoteResponseSchema().dump(make_attribution(None))
    assert "text" not in answer
    assert answer["id"] == "a-1"


def test_answer_keeps_null_id_and_null_speaker():
    a = make_attribution(None)
    a.id = None
    a.quotes[0].speaker = None
    answer = QuoteResponseSchema().dump(a)
    assert answer["id"] is None
    assert answer["quotes"][1]["speaker"] is None


def test_error_schema_requires_every_field():
    body = {"error": {"status": 422, "code": "validation_error", "message": "m", "details": {"fields": {}}}}
    assert ErrorSchema().validate(body) == {}
    assert ErrorSchema().validate({"error": {"status": 422, "code": "x"}}) == \
        {"error": {"message": ["Missing data for required field."], "details": ["Missing data for required field."]}}
