"""Checks the test modules share: the offsets invariant, the one error shape, the answer's contract, a
linear-growth check that counts steps instead of timing them, and the places of an answer in HTML. Texts
several modules read are in tests/texts.py; test modules import from these, never from each other.
"""
from __future__ import annotations

import html as html_lib
import re
import sys
from typing import Any, Callable

import ftfy
import html5lib

from quotesvc import __version__
from quotesvc.core.intake.common import HTML_FIX
from quotesvc.core.model import Article, Attribution, Options, Quote


def attribute(attributor, text: str, **options) -> Attribution:
    """The answer for a plain-text article, through the path the service takes."""
    return attributor.attribute(Article(text, "text", options=Options(**options)))


def who(q: Quote) -> str | None:
    """A quote's speaker as the tables write it: the resolved name, else the mention's words."""
    if q.speaker is None:
        return None
    return q.speaker.name or q.speaker.mention.text


def quotes_of(attributor, text: str, **options) -> list[tuple[str, str, str | None, str]]:
    """Each quote as (text, kind, speaker, rule)."""
    return [(q.text, q.kind.value, who(q), q.rule) for q in attribute(attributor, text, **options).quotes]


def _as_json(answer: dict | Attribution) -> dict[str, Any]:
    """An Attribution in the answer's JSON shape (only the fields the invariant reads)."""
    if isinstance(answer, dict):
        return answer

    def span(obj) -> dict[str, Any]:
        return {"text": obj.text, "start": obj.span.start, "end": obj.span.end}

    quotes = []
    for q in answer.quotes:
        speaker = None
        if q.speaker is not None:
            speaker = {"mention": span(q.speaker.mention), "entity": q.speaker.entity}
        quotes.append({**span(q), "id": q.id, "confidence": q.confidence, "speaker": speaker,
                       "cue": None if q.cue is None else span(q.cue)})
    return {"quotes": quotes, "speakers": [{"id": s.id, "quotes": s.quotes} for s in answer.speakers]}


def assert_offsets(answer: dict | Attribution, text: str) -> None:
    """Every offset of an answer (JSON or Attribution) points at its text in `text`; quotes in text order,
    ids unique, confidences in [0, 1], and every speaker entity listed exactly with the quotes naming it."""
    body = _as_json(answer)
    quotes = body["quotes"]
    assert [(q["start"], q["end"]) for q in quotes] == sorted((q["start"], q["end"]) for q in quotes)
    assert len({q["id"] for q in quotes}) == len(quotes)
    for q in quotes:
        assert 0 <= q["start"] <= q["end"] <= len(text)
        assert text[q["start"]:q["end"]] == q["text"]
        assert 0.0 <= q["confidence"] <= 1.0
        if q["speaker"] is not None:
            m = q["speaker"]["mention"]
            assert 0 <= m["start"] <= m["end"] <= len(text)
            assert text[m["start"]:m["end"]] == m["text"]
        if q["cue"] is not None:
            assert text[q["cue"]["start"]:q["cue"]["end"]] == q["cue"]["text"]
    speaker_ids = [s["id"] for s in body["speakers"]]
    assert len(speaker_ids) == len(set(speaker_ids))
    for s in body["speakers"]:
        assert s["quotes"] == [q["id"] for q in quotes if q["speaker"] and q["speaker"]["entity"] == s["id"]]
    assert {q["speaker"]["entity"] for q in quotes if q["speaker"]} == set(speaker_ids)


def assert_error(response, status: int, code: str) -> dict:
    """A response in the one JSON error shape, with this status and code; returns the error object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert "Traceback" not in response.get_data(as_text=True)
    return assert_error_shape(response.get_json(), status, code)


def assert_error_shape(body: Any, status: int | None = None, code: str | None = None) -> dict:
    """The one error shape, as a dict (an error answer's body, or one result of a batch); with this status
    and code when given. Returns the error object."""
    assert isinstance(body, dict) and list(body) == ["error"], body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}, error
    assert isinstance(error["status"], int) and 400 <= error["status"] <= 599
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    if status is not None:
        assert error["status"] == status, error
    if code is not None:
        assert error["code"] == code, error
    return error


# ------------------------------------------------------------------------------------ the contract

ANSWER_KEYS = {"id", "quotes", "speakers", "meta"}
QUOTE_KEYS = {"id", "text", "start", "end", "kind", "speaker", "cue", "confidence", "rule", "html", "selectors"}
SPEAKER_KEYS = {"id", "name", "kind", "titles", "aliases", "quotes", "role", "affiliation"}
META_KEYS = {"service_version", "pipeline", "pipeline_version", "elapsed_ms", "layout"}


def assert_answer(answer: dict, offsets_text: str) -> None:
    """The answer's shape (keys of the answer, its quotes, speakers and meta), and every offset pointing
    at its text in `offsets_text`."""
    assert ANSWER_KEYS <= set(answer) <= ANSWER_KEYS | {"text"}
    assert set(answer["meta"]) == META_KEYS
    assert answer["meta"]["layout"] in {"lines", "blocks", "html"}
    assert answer["meta"]["service_version"] == __version__
    for s in answer["speakers"]:
        assert set(s) == SPEAKER_KEYS
    for q in answer["quotes"]:
        assert set(q) == QUOTE_KEYS
        assert q["kind"] in {"direct", "mixed", "indirect"}
    assert_offsets(answer, offsets_text)


def without_elapsed(answer: dict) -> dict:
    """The answer without meta.elapsed_ms, the one field that differs between two runs."""
    return {**answer, "meta": {k: v for k, v in answer["meta"].items() if k != "elapsed_ms"}}


# ------------------------------------------------------------------------------------ growth


def count_steps(fn: Callable[..., Any], *args: Any) -> int:
    """How many Python lines `fn(*args)` executes (sys.settrace): the same count on any machine, under any load."""
    steps = 0

    def tracer(frame, event, arg):
        nonlocal steps
        if event == "line":
            steps += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn(*args)
    finally:
        sys.settrace(previous)
    return steps


def assert_linear(fn: Callable[[Any], Any], make: Callable[[int], Any], n: int) -> None:
    """`fn` on an input 8 times larger takes at most 12 times the steps (linear: 8, n log n about 10,
    quadratic: 64). Counts steps, not seconds, so it holds on a loaded machine; it sees Python-level work
    only, so a quadratic loop inside one C call (str.replace in a loop shows as linear) goes unseen."""
    fn(make(n))  # warm caches (compiled patterns, lazy tables) so both counts are of the same work
    small, large = count_steps(fn, make(n)), count_steps(fn, make(8 * n))
    assert large <= 12 * small, f"{large} steps for 8 × n against {small} for n: worse than linear"


# --- places in the HTML as sent ---------------------------------------------------------------------

_HIDDEN = re.compile(r"""<!--.*?(?:-->|\Z)|<(script|style)\b.*?</\1\s*>|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S | re.I)


def squash(text: str) -> str:
    """The text without white space, its mojibake repaired as the intake repairs it."""
    return "".join(ftfy.fix_text(text, HTML_FIX).split())


def html_text(fragment: str) -> str:
    """A piece of HTML as text: comments, scripts, styles and tags removed, character references decoded."""
    return html_lib.unescape(_HIDDEN.sub("", fragment))


class BrowserText:
    """The text of an HTML document as an HTML5 parser (html5lib, not the one quotesvc uses) builds it:
    every text node in document order, and where each element's text content starts in it."""

    def __init__(self, markup: str) -> None:
        self.root = html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=False)
        self.starts: dict[Any, int] = {}
        parts: list[str] = []
        size = 0
        todo: list[Any] = [self.root.getroot()]
        while todo:
            item = todo.pop()
            if isinstance(item, str):
                parts.append(item)
                size += len(item)
                continue
            if isinstance(item.tag, str):  # an element, not a comment
                self.starts[item] = size
                if item.text:
                    parts.append(item.text)
                    size += len(item.text)
                for child in reversed(item):
                    if child.tail:
                        todo.append(child.tail)
                    todo.append(child)
        self.text = "".join(parts)

    def offset(self, container: str, offset: int) -> int:
        [element] = self.root.xpath(container)
        return self.starts[element] + offset


def assert_html_places(answer: dict, markup: str, browser: BrowserText | None = None) -> None:
    """Every quote, mention and cue of an HTML answer is placed in `markup`: its `html` range holds its
    text, and its quote's selectors resolve, in an HTML5 parse of `markup`, to that text."""
    browser = browser or BrowserText(markup)
    for q in answer["quotes"]:
        places = [q] + [x for x in (q["cue"], q["speaker"] and q["speaker"]["mention"]) if x]
        for p in places:
            assert p["html"] is not None, p
            h = p["html"]
            assert 0 <= h["start"] <= h["end"] <= len(markup)
            assert squash(html_text(markup[h["start"]:h["end"]])) == squash(p["text"]), (p["text"], h)
        s = q["selectors"]
        assert s is not None, q
        r, tq = s["range"], s["quote"]
        start = browser.offset(r["startContainer"], r["startOffset"])
        end = browser.offset(r["endContainer"], r["endOffset"])
        assert r["startSelector"] == {"type": "XPathSelector", "value": r["startContainer"], "refinedBy": {
            "type": "TextPositionSelector", "start": r["startOffset"], "end": r["startOffset"]}}
        assert r["endSelector"]["value"] == r["endContainer"]
        assert browser.text[start:end] == tq["exact"]
        assert squash(tq["exact"]) == squash(q["text"])
        assert browser.text[:start].endswith(tq["prefix"]) and browser.text[end:].startswith(tq["suffix"])
