"""Intake: HTML and plain text into SourceText. All articles here are made up for the tests."""
from __future__ import annotations

import gc

import pytest

from quotesvc.core.intake import IntakeError, extract, sniff_format
from quotesvc.core.model import Span, SourceText
from tests.helpers import assert_linear

# UTF-8 read as cp1252, the usual way curly quotes arrive broken.
MOJI_APOS, MOJI_OPEN, MOJI_CLOSE = "\u00e2\u20ac\u2122", "\u00e2\u20ac\u0153", "\u00e2\u20ac\x9d"


def paragraph_texts(st: SourceText) -> list[str]:
    return [p.span.of(st.text) for p in st.paragraphs]


def assert_consistent(st: SourceText) -> None:
    """Paragraphs are numbered in order and their spans lie inside the text, in order."""
    assert [p.index for p in st.paragraphs] == list(range(len(st.paragraphs)))
    ends = [0] + [p.span.end for p in st.paragraphs]
    assert all(p.span.start >= end for p, end in zip(st.paragraphs, ends))
    assert ends[-1] <= len(st.text)


def source_span(st: SourceText, word: str, sent: str, start: int = 0) -> str:
    """The text the client sent under the first `word` in the repaired text."""
    i = st.text.index(word, start)
    assert st.origin is not None
    return st.origin.span_to_source(Span(i, i + len(word))).of(sent)


# --- HTML ------------------------------------------------------------------------------------------

ARTICLE = """---
title: Harbour plan
layout: post
---
<html><head><title>Harbour plan | The Gull</title><style>p { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<div id="articleText">
<h1>Council backs harbour plan</h1>
<p>The council voted 7&ndash;2 on Tuesday.</p>[ad_1]
<p>&ldquo;It is a good day,&rdquo; said Mayor Ines Okafor.</p>
<figure><img src="boat.jpg"><figcaption>A boat at dawn</figcaption></figure>
<p>Opponents said the cost was <em>too high</em> and <a href="#">would rise</a>.</p>
<a href="https://example.org/src">Source</a>
<script>track("pageview");</script>
</div>
<aside>Read more: the old pier</aside>
<form><input name="q"><button>Search</button></form>
<footer>&copy; The Gull</footer>
</body></html>"""


def test_article_paragraphs_and_text():
    st = extract(ARTICLE, "html")
    expected = [
        "Council backs harbour plan",
        "The council voted 7\u20132 on Tuesday.",
        "\u201cIt is a good day,\u201d said Mayor Ines Okafor.",
        "Opponents said the cost was too high and would rise.",
        "Source",
    ]
    assert paragraph_texts(st) == expected
    assert st.text == "\n\n".join(expected)
    assert st.fmt == "html" and st.origin is None
    assert_consistent(st)


def test_article_paragraph_sources():
    st = extract(ARTICLE, "html")
    assert [p.source for p in st.paragraphs] == [
        "body > div#articleText > h1:nth-of-type(1)",
        "body > div#articleText > p:nth-of-type(1)",
        "body > div#articleText > p:nth-of-type(2)",
        "body > div#articleText > p:nth-of-type(3)",
        "body > div#articleText",  # the stray link sits directly in the div
    ]


def test_long_paths_keep_their_last_steps_or_start_at_an_id():
    deep = "<div>" * 20 + "<p>Deep</p>"
    st = extract(deep, "html")
    assert st.paragraphs[0].source == " > ".join(["div:nth-of-type(1)"] * 11 + ["p:nth-of-type(1)"])
    anchored = "<div>" * 20 + '<section id="story"><div><p>Near</p></div></section>'
    assert extract(anchored, "html").paragraphs[0].source == \
        "section#story > div:nth-of-type(1) > p:nth-of-type(1)"


@pytest.mark.parametrize("front, body", [
    ("---\ntitle: A\n---\n", "<p>Body text.</p>"),
    ("---\r\ntags: [a, b]\r\n---\r\n", "<p>Body text.</p>"),
    ("---\n---\n", "<p>Body text.</p>"),
])
def test_front_matter_is_removed(front, body):
    assert extract(front + body, "html").text == "Body text."


def test_dashes_later_in_the_page_are_not_front_matter():
    st = extract("<p>One</p>\n---\n<p>Two</p>\n---\n", "html")
    assert st.text == "One\n\n---\n\nTwo\n\n---"


@pytest.mark.parametrize("markup, expected", [
    ("<p>Before.[ad_1] After.</p>", "Before. After."),
    ("<p>[ad_2]</p><p>Kept.</p>", "Kept."),
    ('<p>[caption id="attachment_12" align="alignnone" width="300"]<img src="x.jpg"> '
     'Pier at night[/caption]</p>', "Pier at night"),
    ("<p>[gallery]Pictures[/gallery]</p>", "Pictures"),
    # Editorial brackets inside quotes are text, not shortcodes.
    ("<p>\u201cHe [the mayor] was right [sic],\u201d she said.</p>",
     "\u201cHe [the mayor] was right [sic],\u201d she said."),
])
def test_shortcodes_are_removed(markup, expected):
    assert extract(markup, "html").text == expected


@pytest.mark.parametrize("tag", [
    "script", "style", "nav", "aside", "footer", "form", "iframe", "figure", "noscript", "template",
    "svg", "button", "select",
])
def test_chrome_elements_are_dropped(tag):
    st = extract(f"<body><p>Kept words.</p><{tag}>Hidden words</{tag}><p>More kept.</p></body>", "html")
    assert "Hidden" not in st.text
    assert paragraph_texts(st) == ["Kept words.", "More kept."]


def test_comments_and_head_are_dropped():
    st = extract("<html><head><title>Site</title></head><body><!-- note --><p>A<!-- x -->B</p></body></html>",
                 "html")
    assert st.text == "AB"


@pytest.mark.parametrize("markup, expected", [
    # One <br> breaks a line inside a paragraph; two in a row end it.
    ("<p>Line one<br>Line two<br/>Line three</p>", ["Line one Line two Line three"]),
    ("<p>Para one<br><br>Para two<br>\n <br/>Para three</p>", ["Para one", "Para two", "Para three"]),
    ("<p><br>Starts with a break<br></p><p>Next</p>", ["Starts with a break", "Next"]),
    ("<ul><li>First</li><li>Second <b>bold</b></li></ul>", ["First", "Second bold"]),
    ("<blockquote><p>Quoted.</p></blockquote><p>After.</p>", ["Quoted.", "After."]),
    ("<table><tr><td>Cell A</td><th>Cell B</th></tr></table>", ["Cell A", "Cell B"]),
    ("<div>Loose text<p>Inside</p>more loose</div>", ["Loose text", "Inside", "more loose"]),
    ("Body text<div>Block</div>Tail", ["Body text", "Block", "Tail"]),
    ("<p>A <span>span</span>, <em>em</em>, <strong>strong</strong>, <i>i</i> and <a href='#'>link</a>.</p>",
     ["A span, em, strong, i and link."]),
    ("<h2>Title</h2><pre>  code\n   here </pre>", ["Title", "code here"]),
    ("<p>  </p><div>\n\n</div><p>Only</p>", ["Only"]),
])
def test_block_structure(markup, expected):
    st = extract(markup, "html")
    assert paragraph_texts(st) == expected
    assert st.text == "\n\n".join(expected)
    assert_consistent(st)


@pytest.mark.parametrize("markup, expected", [
    ("<p>Salt &amp; pepper</p>", "Salt & pepper"),
    ("<p>&lt;b&gt; is a tag</p>", "<b> is a tag"),
    ("<p>&#8220;Yes,&#8221; she said</p>", "\u201cYes,\u201d she said"),
    ("<p>&amp;lt; stays once decoded</p>", "&lt; stays once decoded"),
    ("<p>10&nbsp;km</p>", "10\u00a0km"),
    ("<p>wide&nbsp;&nbsp;&nbsp;gap and\n\t tabs</p>", "wide gap and tabs"),
])
def test_entities_and_whitespace(markup, expected):
    assert extract(markup, "html").text == expected


@pytest.mark.parametrize("markup, expected", [
    (f"<p>{MOJI_OPEN}We{MOJI_APOS}ll see,{MOJI_CLOSE} he said.</p>", "\u201cWe\u2019ll see,\u201d he said."),
    ("<p>The caf\u00c3\u00a9 opened.</p>", "The caf\u00e9 opened."),
    # Correct quotation marks are never straightened or folded.
    ("<p>\u201cNo,\u201d \u2018maybe\u2019 and \uff02wide\uff02</p>", "\u201cNo,\u201d \u2018maybe\u2019 and \uff02wide\uff02"),
    ('<p>"Straight," he said.</p>', '"Straight," he said.'),
])
def test_mojibake_repaired_in_html(markup, expected):
    assert extract(markup, "html").text == expected


def test_control_characters_leave_html_text():
    st = extract("<p>Nul\x00here and bell\x07 and \x1b[1m and c1\x81end</p><p>\x0c</p>", "html")
    assert st.text == "Nul here and bell and [1m and c1 end"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in st.text)


def test_lone_surrogates_do_not_break_the_parser():
    st = extract("<p>broken \ud800 pair</p>", "html")
    assert st.text == "broken \ufffd pair"


@pytest.mark.parametrize("markup", ["", "   ", "<", "<!--", "<p></p>", "<<<>>>", "</div></p>", "&#0;&#xD800;"])
def test_degenerate_html(markup):
    st = extract(markup, "html")
    assert_consistent(st)
    assert all(p.span.of(st.text).strip() for p in st.paragraphs)


@pytest.mark.parametrize("markup", [
    "<div>" * 100_000 + "Deep words" + "</div>" * 100_000,
    "<div>x" * 100_000,
    "<p>" + "<span>" * 100_000 + "Deep inline",
])
def test_deep_nesting_does_not_recurse(markup):
    st = extract(markup, "html")
    assert st.paragraphs
    assert_consistent(st)
    gc.collect()  # freeing the deep tree must not overflow either


def test_huge_text_node():
    st = extract("<p>" + "w" * 600_000 + "</p><p>after</p>", "html")
    assert paragraph_texts(st) == ["w" * 600_000, "after"]


# --- plain text ------------------------------------------------------------------------------------

def test_clean_text_is_returned_unchanged():
    sent = "Rain is due on Friday.\n\n  \u201cBring a coat,\u201d said the forecaster.  \n\u00c9t\u00e9 fini."
    st = extract(sent, "text")
    assert st.text == sent and st.origin is None and st.fmt == "text"
    assert paragraph_texts(st) == [
        "Rain is due on Friday.", "\u201cBring a coat,\u201d said the forecaster.", "\u00c9t\u00e9 fini."]
    assert [p.source for p in st.paragraphs] == ["line 1", "line 3", "line 4"]


@pytest.mark.parametrize("sent, lines", [
    ("One\r\nTwo\r\n\r\nThree", [1, 2, 4]),
    ("One\rTwo\r\rThree", [1, 2, 4]),
    ("One\nTwo\r\n\rThree\n", [1, 2, 4]),
])
def test_line_breaks(sent, lines):
    st = extract(sent, "text")
    assert st.text == sent and st.origin is None
    assert paragraph_texts(st) == ["One", "Two", "Three"]
    assert [p.source for p in st.paragraphs] == [f"line {n}" for n in lines]


def test_text_entities_and_brackets_are_left_alone():
    sent = "Tom &amp; Jerry [ad_1] said a < b."
    st = extract(sent, "text")
    assert st.text == sent and st.origin is None


def test_mojibake_in_text_is_repaired_and_mapped_back():
    sent = f"Intro line.\r\nShe said: {MOJI_OPEN}We{MOJI_APOS}ll win.{MOJI_CLOSE}\r\nLast line."
    st = extract(sent, "text")
    assert st.text == "Intro line.\r\nShe said: \u201cWe\u2019ll win.\u201d\r\nLast line."
    assert source_span(st, "We\u2019ll", sent) == f"We{MOJI_APOS}ll"
    assert source_span(st, "\u201cWe\u2019ll win.\u201d", sent) == f"{MOJI_OPEN}We{MOJI_APOS}ll win.{MOJI_CLOSE}"
    assert source_span(st, "\u2019", sent) == MOJI_APOS
    assert source_span(st, "Last line.", sent) == "Last line."
    assert [st.origin.span_to_source(p.span).of(sent) for p in st.paragraphs] == [
        "Intro line.", f"She said: {MOJI_OPEN}We{MOJI_APOS}ll win.{MOJI_CLOSE}", "Last line."]


@pytest.mark.parametrize("sent, repaired, word, original", [
    ("The caf\u00c3\u00a9 is open", "The caf\u00e9 is open", "caf\u00e9", "caf\u00c3\u00a9"),
    # Windows-1252 quotes read as Latin-1 arrive as C1 controls.
    ("\x93Hi,\x94 he said", "\u201cHi,\u201d he said", "\u201cHi,\u201d", "\x93Hi,\x94"),
    # Two repairs a character apart stay apart.
    ("x\ufeffy \ufb01ne day", "xy fine day", "fine", "\ufb01ne"),
    # A long garbled word still maps exactly to its end.
    ("\u00c3\u00a9" * 1500 + " ok", "\u00e9" * 1500 + " ok", "ok", "ok"),
])
def test_text_repairs_map_to_the_sent_span(sent, repaired, word, original):
    st = extract(sent, "text")
    assert st.text == repaired
    assert source_span(st, word, sent) == original


def test_control_characters_in_text_become_spaces_of_the_same_length():
    sent = "Nul\x00here\nbell\x07 \x1b[0m\n\x0b\x0c\n"
    st = extract(sent, "text")
    assert st.text == "Nul here\nbell   [0m\n  \n"
    assert st.origin is not None  # the text differs, so quotes must be taken from what was sent
    assert paragraph_texts(st) == ["Nul here", "bell   [0m"]
    assert [st.origin.span_to_source(p.span) for p in st.paragraphs] == [p.span for p in st.paragraphs]


def test_long_mojibake_line_is_linear_and_exact():
    def mojibake(n: int) -> str:
        return f"Il a dit \u00c3\u00a0 la presse\u00a0: \u00c2\u00ab c{MOJI_APOS}est fini \u00c2\u00bb. " * n

    assert_linear(lambda text: extract(text, "text"), mojibake, 200)  # steps counted, not seconds
    sent = mojibake(15_000)
    st = extract(sent, "text")
    assert st.text.startswith("Il a dit \u00e0 la presse\u00a0: \u00ab c\u2019est fini \u00bb. ")
    far = len(st.text) - 100
    assert source_span(st, "c\u2019est", sent, far) == f"c{MOJI_APOS}est"
    assert source_span(st, "fini \u00bb", sent, far) == "fini \u00c2\u00bb"


def test_huge_clean_word_in_text():
    sent = "w" * 600_000 + "\nnext"
    st = extract(sent, "text")
    assert st.origin is None and paragraph_texts(st) == ["w" * 600_000, "next"]


def test_unknown_format_is_a_clean_error():
    with pytest.raises(IntakeError):
        extract("<p>x</p>", "pdf")  # type: ignore[arg-type]


# --- sniffing --------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, fmt", [
    ("<p>Hello</p>", "html"),
    ("<!DOCTYPE html><title>x</title>", "html"),
    ("<html><body>Hi</body></html>", "html"),
    ('<div class="story">Hi</div>', "html"),
    ("Line one<br>Line two", "html"),
    ("Line one<br />Line two", "html"),
    ("<ARTICLE>Shouting</ARTICLE>", "html"),
    ("---\ntitle: A\n---\n<article><p>Text</p></article>", "html"),
    ("Plain words only.", "text"),
    ("If a < b and b > c then a < c.", "text"),
    ("Scores: <3 for everyone, x<y, p <q.", "text"),
    ("Use the <paragraph> metaphor loosely.", "text"),
    ("---\ntitle: A\n---\nJust text after front matter.", "text"),
    ("", "text"),
])
def test_sniff_format(content, fmt):
    assert sniff_format(content) == fmt
