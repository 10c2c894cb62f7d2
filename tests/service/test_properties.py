"""Property tests: random text and HTML through the Attributor and through the HTTP API.

Whatever the input, attribution must not fail, every offset must index into the text the answer is
about (the sent text for text input, the returned `text` for HTML), quotes come in text order, and
the HTTP API answers JSON: 200, or a 4xx in the one error shape.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotesvc.core.model import Article, Options
from tests.helpers import assert_error_shape, assert_offsets

WORDS = ["the", "minister", "said", "told", "reporters", "Ines", "Okafor", "Mr.", "Smith", "she", "he",
         "they", "we", "will", "not", "resign", "according", "to", "a", "spokesman", "for", "Acme", "Corp",
         "It's", "don't", "O'Brien", "rock'n'roll", "'90s", "added", "on", "Tuesday", "city", "council"]
MARKS = ['"', "“", "”", "‘", "’", "'", "«", "»", "„", "‚", "‹", "›", "`", "``", "''", "″"]
PUNCT = [".", ",", ";", ":", "!", "?", "—", "–", "-", "(", ")", "…", "..."]
SPACES = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", " \n "]

phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
# A quotation with its credit, so that quotes are actually found: “phrase,” Okafor said.
quotation = st.builds(lambda o, words, c, who, cue, before: (f"{who} {cue}, {o}{words}.{c}" if before
                                                             else f"{o}{words},{c} {who} {cue}."),
                      st.sampled_from(MARKS), phrase, st.sampled_from(MARKS),
                      st.sampled_from(["Ines Okafor", "Okafor", "she", "the minister", "Mr. Smith", "they"]),
                      st.sampled_from(["said", "told reporters", "added", "says"]), st.booleans())
piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKS), st.sampled_from(PUNCT),
                  st.sampled_from(SPACES), quotation)
# Mostly words joined by spaces, with marks, punctuation and line breaks anywhere, glued or not.
texts = st.lists(st.tuples(piece, st.sampled_from(["", " ", " ", "\n"])), max_size=80).map(
    lambda parts: "".join(p + sep for p, sep in parts))

TAGS = ["p", "div", "span", "b", "i", "em", "blockquote", "q", "h1", "li", "ul", "a", "br", "script", "style",
        "article", "section", "figure", "figcaption", "table", "td"]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&ldquo;", "&rdquo;", "&lsquo;", "&rsquo;", "&laquo;",
            "&raquo;", "&nbsp;", "&#8220;", "&#x201D;", "&mdash;", "&bogus;", "&", "&#0;", "&#xD800;"]


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def wrap(tag: str, inner: list[str], closed: bool) -> str:
        return f"<{tag}>" + "".join(inner) + (f"</{tag}>" if closed else "")
    return st.builds(wrap, st.sampled_from(TAGS), st.lists(children, max_size=4), st.booleans())


html_leaf = st.one_of(texts.map(lambda t: t[:60]), st.sampled_from(ENTITIES), st.sampled_from(MARKS),
                      st.sampled_from(["<br>", "<br/>", "<!-- c -->", "</p>", "<p", ">", "<"]))
htmls = st.recursive(html_leaf, _element, max_leaves=25).map(lambda h: h if h.startswith("<") else f"<p>{h}</p>")

options = st.builds(Options, indirect=st.booleans(), include_text=st.booleans(),
                    min_confidence=st.sampled_from([0.0, 0.0, 0.5, 1.0]))

PROPS = settings(max_examples=50, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# ------------------------------------------------------------------------------------- invariants


def check_http(resp) -> dict | None:
    """JSON always; 200 gives the body, a 4xx the one error shape (returns None), a 5xx fails."""
    assert resp.is_json, resp.data[:200]
    body = resp.get_json()
    assert resp.status_code < 500, body
    if resp.status_code == 200:
        return body
    assert 400 <= resp.status_code < 500
    assert_error_shape(body, resp.status_code)
    return None


# ----------------------------------------------------------------------------------- Attributor


@PROPS
@given(text=texts, opts=options)
def test_attributor_text(attributor, text, opts):
    result = attributor.attribute(Article(content=text, fmt="text", options=opts))
    assert_offsets(result, text)
    assert all(q.confidence >= opts.min_confidence for q in result.quotes)
    if opts.include_text:
        assert result.text == text


@PROPS
@given(html=htmls)
def test_attributor_html(attributor, html):
    result = attributor.attribute(Article(content=html, fmt="html"))
    assert isinstance(result.text, str)
    assert_offsets(result, result.text)


# ----------------------------------------------------------------------------------------- HTTP


@PROPS
@given(text=texts)
def test_http_text(client, text):
    body = check_http(client.post("/v1/quotes", json={"text": text, "options": {"include_text": True}}))
    assert body is not None
    assert body["text"] == text
    assert_offsets(body, text)


@PROPS
@given(text=texts)
def test_http_raw_text(client, text):
    resp = client.post("/v1/quotes", data=text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    body = check_http(resp)
    assert body is not None
    assert_offsets(body, text)


@PROPS
@given(html=htmls)
def test_http_html(client, html):
    body = check_http(client.post("/v1/quotes", json={"html": html, "id": "h"}))
    assert body is not None and body["id"] == "h"
    assert_offsets(body, body["text"])


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                           max_leaves=8)


@PROPS
@given(payload=st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"text": json_values, "html": json_values, "id": json_values,
                                        "options": st.one_of(json_values, st.fixed_dictionaries(
                                            {}, optional={"indirect": json_values, "include_text": json_values,
                                                          "min_confidence": json_values}))})))
def test_http_any_json(client, payload):
    """Any JSON body: 200 or a 4xx error, never a 5xx, always JSON."""
    body = check_http(client.post("/v1/quotes", json=payload))
    if body is not None:
        text = payload.get("text") if isinstance(payload.get("text"), str) else body.get("text")
        if text is not None:
            assert_offsets(body, text)
