"""Places in the HTML as sent: offsets into the HTML string and W3C selectors, for HTML input.

Checked against an independent reading of the HTML (tests/helpers.py: tags stripped and references decoded
for offsets; html5lib's HTML5 tree for the selectors). Articles are written for the tests or generated.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotesvc.core.intake import extract
from quotesvc.core.intake.places import DomIndex, locate, scan
from quotesvc.core.model import Article, Span
from quotesvc.service.schemas import QuoteResponseSchema
from tests.helpers import BrowserText, assert_html_places, html_text, squash

WORDS = ["the", "ferry", "will", "run", "again", "pier", "Ruiz", "café", "señor", "2024"]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&#8217;", "&#x2014;", "&eacute;", "&hellip;", "&quot;"]


@st.composite
def inline(draw) -> str:
    """A run of words with inline markup, character references, <br> and comments inside."""
    pieces = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["word", "word", "word", "em", "a", "span", "entity", "br", "comment"]))
        word = draw(st.sampled_from(WORDS))
        if kind == "em":
            pieces.append(f"<em>{word}</em>")
        elif kind == "a":
            pieces.append(f'<a href="/x?a=1&amp;b=2" title="a > b">{word} {draw(st.sampled_from(WORDS))}</a>')
        elif kind == "span":
            pieces.append(f"<span class='c'>{word}<b>{draw(st.sampled_from(WORDS))}</b></span>")
        elif kind == "entity":
            pieces.append(draw(st.sampled_from(ENTITIES)))
        elif kind == "br":
            pieces.append("<br>")
        elif kind == "comment":
            pieces.append(f"<!-- {word} -->")
        else:
            pieces.append(word)
    sep = draw(st.sampled_from([" ", "\n", "  ", " \r\n "]))
    return sep.join(pieces)


@st.composite
def documents(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        tag = draw(st.sampled_from(["p", "p", "div", "li", "blockquote", "h2"]))
        blocks.append(f"<{tag}>{draw(inline())}</{tag}>")
    head = draw(st.sampled_from(["", "<!doctype html><html><head><title>T &amp; t</title>"
                                     "<style>p{}</style></head><body>", "<article>"]))
    return head + "\n".join(blocks) + draw(st.sampled_from(["", "<script>var a = '<p>';</script>", "</body>"]))


def assert_span_placed(markup: str, places, span: Span, text: str, browser: BrowserText) -> None:
    h = places.span(span)
    assert h is not None
    assert squash(html_text(markup[h.start:h.end])) == squash(span.of(text))
    sel = places.selectors(span)
    assert sel is not None
    start = browser.offset(sel.start.container, sel.start.offset)
    end = browser.offset(sel.end.container, sel.end.offset)
    assert browser.text[start:end] == sel.exact
    assert squash(sel.exact) == squash(span.of(text))
    assert browser.text[:start].endswith(sel.prefix) and browser.text[end:].startswith(sel.suffix)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_every_span_of_words_is_placed(markup: str, data) -> None:
    source = extract(markup, "html")
    assert source.html is not None
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", source.text)]
    if not words:
        return
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, min(len(words) - 1, i + 40)))
    span = Span(words[i][0], words[j][1])
    assert_span_placed(markup, source.html, span, source.text, BrowserText(markup))


@pytest.mark.parametrize("markup, quote", [
    # over inline tags
    ('<p>\u201cThe <a href="/pier">old pier</a> is <em>not</em> safe,\u201d said Ana Ruiz.</p>',
     "The old pier is not safe,"),
    # character references for the marks and inside
    ("<p>&ldquo;Fish &amp; chips stay at &pound;5,&rdquo; said Ana Ruiz.</p>", "Fish & chips stay at £5,"),
    # a <br> and a comment inside
    ("<p>&#8220;We will rebuild<br>the bridge<!-- edited --> by May,&#8221; said Ana Ruiz.</p>",
     "We will rebuild the bridge by May,"),
    # self-closing spans, which a browser opens and never closes (the tree nests, the text does not move)
    ('<div id="a"><span id="m0"/><p>\u201cThe ferry runs at six,\u201d said Ana Ruiz.</p><span id="m1"/></div>',
     "The ferry runs at six,"),
    # a table, whose rows a browser puts in a tbody
    ("<table><tr><td>\u201cThe fares stay as they are,\u201d said Ana Ruiz.</td></tr></table>",
     "The fares stay as they are,"),
])
def test_quote_is_placed(attributor, markup: str, quote: str) -> None:
    answer = QuoteResponseSchema().dump(attributor.attribute(Article(markup, "html")))
    assert [q["text"] for q in answer["quotes"]] == [quote]
    assert_html_places(answer, markup)


@pytest.mark.parametrize("markup, expected_start", [
    # a text node of the paragraph ('Fish & ', before <em>) that also stands in text the intake drops before
    # it: never placed there
    ("<html><head><title>Fish &amp; chips</title></head><body><p>Fish &amp; <em>chips</em> are back.</p></body></html>",
     "<p>Fish"),
    ("<script>var s = 'Fish & chips';</script><p>Fish &amp; <em>chips</em> are back.</p>", "<p>Fish"),
    ("<nav><a href='/'>Fish &amp; chips</a></nav><p>Fish &amp; <em>chips</em> are back.</p>", "<p>Fish"),
    ("<style>/* Fish & chips */</style><aside>Fish &amp; chips</aside><p>Fish &amp; <em>chips</em> are back.</p>", "<p>Fish"),
    # nothing dropped before it: the first occurrence is the paragraph's own
    ("<p>Fish &amp; <em>chips</em> are back.</p><nav>Fish &amp; chips</nav>", "<p>Fish"),
])
def test_text_like_dropped_text_is_placed_in_its_paragraph(markup: str, expected_start: str) -> None:
    source = extract(markup, "html")
    span = Span(0, len("Fish & chips"))
    assert span.of(source.text) == "Fish & chips"
    h = source.html.span(span)
    assert h is not None and h.start == markup.index(expected_start) + len("<p>")
    assert_span_placed(markup, source.html, span, source.text, BrowserText(markup))


def test_quote_over_three_paragraphs_is_placed(attributor) -> None:
    markup = ("<h1>Harbour</h1>"
              "<p>\u201cWe have waited for this pier for <em>ten</em> years.</p>\n"
              "<p>\u201cThe boats are ready &amp; so are the crews.</p>\n"
              "<p>\u201cNow the <a href='#'>council</a> must pay for it,\u201d said Ana Ruiz, the mayor.</p>")
    answer = QuoteResponseSchema().dump(attributor.attribute(Article(markup, "html")))
    [q] = answer["quotes"]
    assert q["text"].startswith("We have waited") and q["text"].endswith("must pay for it,")
    assert_html_places(answer, markup)
    r = q["selectors"]["range"]
    assert (r["startContainer"], r["endContainer"]) == ("/html[1]/body[1]/p[1]", "/html[1]/body[1]/p[3]")


def test_front_matter_shifts_every_place(attributor) -> None:
    body = "<p>\u201cThe pier opens in May,\u201d said Ana Ruiz.</p>"
    markup = "---\ntitle: Pier\n---\n" + body
    answer = QuoteResponseSchema().dump(attributor.attribute(Article(markup, "html")))
    [q] = answer["quotes"]
    assert q["html"]["start"] == markup.index("The pier")
    assert_html_places(answer, markup)


def test_text_input_has_no_places(attributor) -> None:
    answer = QuoteResponseSchema().dump(attributor.attribute(Article("\u201cYes,\u201d said Ana Ruiz.", "text")))
    [q] = answer["quotes"]
    assert q["html"] is None and q["selectors"] is None
    assert q["cue"]["html"] is None and q["speaker"]["mention"]["html"] is None


def test_xss_text_is_text() -> None:
    markup = "<p>\u201cSee &lt;img src=x onerror=alert(1)&gt; here,\u201d said Ana Ruiz.</p>"
    source = extract(markup, "html")
    i = source.text.index("See")
    span = Span(i, source.text.index(" here") + 5)
    assert span.of(source.text) == "See <img src=x onerror=alert(1)> here"
    assert_span_placed(markup, source.html, span, source.text, BrowserText(markup))


@pytest.mark.parametrize("markup, stream", [
    ("<p>a &amp; b</p>", "a & b"),
    ("a<!-- c -->b<!---->c", "abc"),
    ("<script>if (a < b) x = '</p>';</script>d", "if (a < b) x = '</p>';d"),
    ("<title>T &amp; t</title><textarea>&lt;x&gt;</textarea>", "T & t<x>"),
    ("<p title='a > b' data-x=\"<\">x</p>", "x"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("<!doctype html><![CDATA[ z ]]>y", "y"),  # in HTML content, a bogus comment up to the first >
    ("&notanentity; &amp &#x41;", "\u00acanentity; & A"),  # HTML5 reads the legacy &not in it
    ("unclosed <p class='x", "unclosed "),
])
def test_scan_reads_the_character_data(markup: str, stream: str) -> None:
    s = scan(markup)
    assert s.text == stream
    # Every character of the stream maps into the HTML at or after the previous one.
    mapped = [s.origin.to_source(i) for i in range(len(s.text))]
    assert mapped == sorted(mapped)


def test_locate_skips_what_a_parser_dropped_and_never_goes_back() -> None:
    assert locate(["ab", "\n", "cd", "zz", "ef", " "], "ab  cd ef ") == [0, None, 4, None, 7, None]


def test_deep_nesting_is_placed_without_recursion() -> None:
    markup = "<div>" * 5000 + "<p>\u201cDeep,\u201d said Ana Ruiz.</p>" + "</div>" * 5000
    source = extract(markup, "html")
    span = Span(source.text.index("Deep"), source.text.index("Deep") + 5)
    h = source.html.span(span)
    assert h is not None and markup[h.start:h.end] == "Deep,"


@pytest.mark.parametrize("markup, depth", [
    ("<div><p>a<p>b</div>", 1),
    ("<span/><span/><span/>x", 3),  # a browser opens them all
    ("<ul><li>a<li>b<li><em>c</em></ul>", 2),
    ("<br><img src=x><hr>", 0),
])
def test_scan_estimates_depth(markup: str, depth: int) -> None:
    assert scan(markup).depth == depth


def test_too_deep_html_has_offsets_but_no_selectors() -> None:
    markup = "<span>" * 2000 + "\u201cDeep,\u201d said Ana Ruiz."
    source = extract(markup, "html")
    span = Span(source.text.index("Deep"), source.text.index("Deep") + 5)
    assert source.html.span(span) is not None and source.html.selectors(span) is None


@pytest.mark.parametrize("markup", [
    "<p>One <b>two <i>three</i></b> four.</p><p>Five <span>six</span></p>",
    "<div><ul><li>a</li><li>b <em>c</em></li></ul><table><tr><td>d</td><td>e</td></tr></table></div>",
    "<article><h2>T</h2><p><span><em><b>“Yes,” <a href='#'>Ada Kalo</a> said.</b></em></span></p></article>",
])
def test_xpath_is_the_walk_up_the_parents_asked_once_or_again(markup: str) -> None:
    """DomIndex keeps each element's XPath once made: the kept path is the walk up its parents, and a
    second ask (another quote in the same container) gets the same answer."""
    dom = DomIndex(markup, scan(markup).text)
    for element in range(len(dom.parent)):
        steps, e = [], element
        while e >= 0:
            steps.append(dom.step[e])
            e = dom.parent[e]
        walked = "/" + "/".join(reversed(steps))
        assert dom.xpath(element) == walked
        assert dom.xpath(element) == walked
    assert dom.xpath(len(dom.parent) - 1).startswith("/html[1]/body[1]/")
