"""HtmlPlaces.spans and .places map many spans in one pass of array operations: each answer must be what
.span and .place give for that span alone, over every span of a few HTML documents written for this test
(maps from repaired or collapsed text, character references, text a parser moves or the intake skips)."""
from __future__ import annotations

import numpy
import pytest

from quotesvc.core.intake import extract
from quotesvc.core.model import OffsetMap, Span

DOCUMENTS = [
    # nested inline tags, one paragraph of quotes and names
    "<p><span><em><b>“Yes,” <a href='#'>Ada Kalo</a> said.</b></em></span> "
    "<span><em><b>“No,” <a href='#'>Emil Karen</a> said.</b></em></span></p>",
    # runs of white space and line breaks the intake collapses: paragraphs with maps
    "<html><head><title>Pier &amp; ferry</title><style>p {}</style></head><body>\n"
    "<p>The   ferry\n   will run    again,\n said   <b>Ines  Ruiz</b>.</p>\n"
    "<div>  “It is   done,”   she   said. </div><script>var s = '“not”';</script></body></html>",
    # character references, mojibake the intake repairs, a comment, a line break
    "<article><h2>Caf&eacute; &amp; pier</h2><p>Heâ€™s sure &mdash; &#8220;it&#8217;s fine&#8221; "
    "<!-- note --> said<br>Tomas&nbsp;Vire.</p><p>Â«OuiÂ», dit-elle.</p></article>",
    # text a parser moves out of a table (placed nowhere), list items, an empty element
    "<table>stray words<tr><td>“Cell,” said Una Fisk.</td><td></td></tr></table>"
    "<ul><li>“One,” said Kit.</li><li>Two <span></span>said Kit Varo.</li></ul>",
]


def all_spans(length: int) -> list[Span]:
    return [Span(start, end) for start in range(length + 1) for end in range(start, length + 1)]


@pytest.mark.parametrize("markup", DOCUMENTS)
def test_many_spans_are_placed_as_each_alone(markup: str) -> None:
    source = extract(markup, "html")
    places = source.html
    assert places is not None
    spans = all_spans(len(source.text))
    assert places.spans(spans) == [places.span(s) for s in spans]
    assert places.places(spans) == [places.place(s) for s in spans]
    assert any(place is not None for place in places.spans(spans))


def test_the_documents_have_mapped_paragraphs_and_unplaced_spans() -> None:
    """The table above reaches both ways of reading: a paragraph with maps, and spans placed nowhere."""
    mapped = unplaced = 0
    for markup in DOCUMENTS:
        places = extract(markup, "html").html
        mapped += sum(bool(maps) for _, _, maps in places._to_reads)
        unplaced += places.spans(all_spans(len(extract(markup, "html").text))).count(None)
    assert mapped > 0 and unplaced > 0


def test_nothing_to_place() -> None:
    places = extract(DOCUMENTS[0], "html").html
    assert places.spans([]) == [] and places.places([]) == []


@pytest.mark.parametrize("anchors,length", [
    ([(0, 0)], 12),
    ([(0, 0), (3, 3), (4, 7), (9, 12)], 15),  # a repaired character: one derived character for three
    ([(0, 0), (2, 2), (2, 5), (6, 9), (6, 9)], 11),  # a run dropped, and a repeated anchor
    ([(0, 0), (1, 4), (5, 8), (6, 8)], 10),  # a character that maps to nothing
])
def test_ranges_are_mapped_as_each_alone(anchors: list[tuple[int, int]], length: int) -> None:
    m = OffsetMap(anchors, length)
    pairs = [(a, b) for a in range(14) for b in range(a, 14)]
    starts, ends = m.ranges_to_source(numpy.array([a for a, _ in pairs], dtype=numpy.int64),
                                      numpy.array([b for _, b in pairs], dtype=numpy.int64))
    assert list(zip(starts.tolist(), ends.tolist())) == [m.range_to_source(a, b) for a, b in pairs]
