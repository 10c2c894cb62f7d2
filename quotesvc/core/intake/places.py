"""Where a piece of the extracted text is in the HTML as sent: character offsets into the HTML string, and
W3C Web Annotation selectors (an XPath RangeSelector and a TextQuoteSelector) that resolve in a browser.

No HTML parser reports where its text nodes came from, so the HTML is scanned once here for its text: the
character data between tags and comments, character references decoded and line ends normalised as an
HTML5 tokenizer does. That stream is `Stream.text`, mapped back to the HTML by anchors. The text nodes of a
parse (BeautifulSoup's, which the intake reads, and lexbor's) are then found in it in document order, each
where the previous one ended or a little further on (white space a parser dropped, a newline after <pre>):
one forward pass, linear in the HTML's length. A node not found there (text a parser moved, such as
foster-parented table text) maps nowhere, and a span touching it has no place.

XPaths follow the HTML5 tree a browser builds (lexbor, through selectolax), not lxml's: the two differ
on `<span/>`, implied `<tbody>` and misnested tags, and the selectors are for browsers and annotation tools.
"""
from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

import numpy
from selectolax.lexbor import LexborHTMLParser

from ..model import OffsetMap, Selectors, Span, XPathPoint

# Elements whose content is text up to their end tag: raw (no references) or escapable raw (references).
_RAW = frozenset("script style xmp iframe noembed noframes".split())
_ESCAPABLE_RAW = frozenset("textarea title".split())
_MARKUP_START = re.compile(r"<(?:!--|[!?/]|[A-Za-z])")
_COMMENT_END = re.compile(r"--!?>")
_TAG_PART = re.compile(r"""=[\t\n\f\r ]*(?:"[^"]*"?|'[^']*'?)|>""")
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]*;?)|\r\n?")
# How far past where a node should start it may be found (white space a parser dropped or moved).
_WINDOW = 2000
# Elements that never hold others, and those a new sibling of their kind closes: neither deepens the tree.
_FLAT = frozenset("area base br col embed hr img input link meta param source track wbr keygen "
                  "p li dt dd tr td th option optgroup rb rt rp".split())
# A browser's tree deeper than this is not what the HTML says (Chromium moves deeper elements up), and
# HTML5 tree building grows with depth at every end tag: deeper HTML gets offsets but no selectors.
MAX_DEPTH = 512
# The W3C TextQuoteSelector's context, as hypothes.is takes it.
CONTEXT = 32
# Blocks whose element is a selector's container: the nearest one around a point.
_CONTAINERS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup legend li main menu nav ol "
    "p pre section summary table tbody td tfoot th thead tr ul".split())


class Unread(str):
    """A text node the intake passed over (inside <head>, <script>, <nav>…): it is in the stream and must be
    stepped over there, but holds none of the extracted text."""


@dataclass(frozen=True, slots=True)
class Stream:
    """The character data of an HTML string in document order, with references decoded."""

    text: str
    origin: OffsetMap  # offsets in `text` -> offsets in the HTML
    depth: int  # how deep elements nest, at most (an estimate from the tags alone, never below the truth)


def scan(markup: str) -> Stream:
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    size = 0

    def data(start: int, end: int, decode: bool) -> None:
        nonlocal size
        anchors.append((size, start))
        if not decode:
            chunk = markup[start:end]
            parts.append(chunk)
            size += len(chunk)
            return
        pos = start
        for m in _REFERENCE.finditer(markup, start, end):
            parts.append(markup[pos:m.start()])
            size += m.start() - pos
            raw = m.group()
            decoded = "\n" if raw[0] == "\r" else html_lib.unescape(raw)
            anchors.append((size, m.start()))
            parts.append(decoded)
            size += len(decoded)
            anchors.append((size, m.end()))
            pos = m.end()
        parts.append(markup[pos:end])
        size += end - pos

    pos, n = 0, len(markup)
    depth = deepest = 0
    while pos < n:
        m = _MARKUP_START.search(markup, pos)
        if m is None:
            data(pos, n, True)
            break
        data(pos, m.start(), True)
        opener = m.group()
        if opener == "<!--":
            end = _COMMENT_END.search(markup, m.end())
            pos = n if end is None else end.end()
        elif opener in ("<!", "<?", "</") and not (opener == "</" and markup[m.end():m.end() + 1].isalpha()):
            end = markup.find(">", m.end())  # doctype, bogus comment, CDATA outside foreign content
            pos = n if end < 0 else end + 1
        else:
            closing = opener == "</"
            name_at = m.end() if closing else m.start() + 1
            name = _TAG_NAME.match(markup, name_at).group().lower()
            pos = _tag_end(markup, name_at)
            if name not in _FLAT:
                depth = max(0, depth - 1) if closing else depth + 1
                deepest = max(deepest, depth)
            if not closing and (name in _RAW or name in _ESCAPABLE_RAW or name == "plaintext"):
                end = n if name == "plaintext" else _raw_end(markup, pos, name)
                data(pos, end, name in _ESCAPABLE_RAW)
                pos = end
    return Stream("".join(parts), OffsetMap(anchors, n), deepest)


def _tag_end(markup: str, pos: int) -> int:
    while True:
        m = _TAG_PART.search(markup, pos)
        if m is None:
            return len(markup)
        if m.group() == ">":
            return m.end()
        pos = m.end()


_RAW_END = {name: re.compile(r"</%s[\t\n\f\r />]" % name, re.I) for name in _RAW | _ESCAPABLE_RAW}


def _raw_end(markup: str, pos: int, name: str) -> int:
    m = _RAW_END[name].search(markup, pos)
    return len(markup) if m is None else m.start()


def locate(texts: Sequence[str], stream: str) -> list[int | None]:
    """Where each text node starts in the stream, in order; None where it is not found or is white space."""
    found: list[int | None] = []
    pos = 0
    for t in texts:
        if not t or t.isspace():
            found.append(None)  # white space may be a parser's own or dropped: it places nothing
            continue
        if stream.startswith(t, pos):
            found.append(pos)
            pos += len(t)
            continue
        at = stream.find(t, pos, pos + len(t) + _WINDOW)
        if at < 0:
            found.append(None)
        else:
            found.append(at)
            pos = at + len(t)
    return found


class DomIndex:
    """The text nodes of the browser's tree: where each is in the stream, and its container and offset."""

    def __init__(self, markup: str, stream: str) -> None:
        tree = LexborHTMLParser(markup)
        self.parent: list[int] = []  # per element: its parent element, -1 for the root
        self.step: list[str] = []  # per element: its XPath step, e.g. "p[3]"
        texts: list[str] = []
        self.container: list[int] = []  # per text node: the element of its container
        self.offset: list[int] = []  # per text node: characters of the container's text before it
        entered: list[int] = []  # per element: characters of text before it in the document
        seen = 0
        # (node, parent element, innermost container) pairs still to visit: no recursion at any depth.
        todo = [(tree.root, -1, -1)] if tree.root is not None else []
        counts: dict[tuple[int, str], int] = {}
        while todo:
            node, parent, box = todo.pop()
            if node.is_text_node:
                text = node.text_content or ""
                texts.append(text)
                self.container.append(box)
                self.offset.append(seen - entered[box] if box >= 0 else seen)
                seen += len(text)
            elif node.is_element_node:
                tag = node.tag.lower()
                key = (parent, tag)
                counts[key] = counts.get(key, 0) + 1
                element = len(self.parent)
                self.parent.append(parent)
                self.step.append(f"{tag}[{counts[key]}]")
                entered.append(seen)
                if tag in _CONTAINERS or box < 0:
                    box = element
                child = node.last_child  # pushed last to first, so the first child is visited next
                while child is not None:
                    todo.append((child, element, box))
                    child = child.prev
        starts = locate(texts, stream)
        kept = [i for i, s in enumerate(starts) if s is not None and texts[i]]
        self.starts = [starts[i] for i in kept]
        self.ends = [starts[i] + len(texts[i]) for i in kept]
        self.container = [self.container[i] for i in kept]
        self.offset = [self.offset[i] for i in kept]
        self._xpaths: dict[int, str] = {}  # per container asked for: a page's quotes share a few containers

    def xpath(self, element: int) -> str:
        found = self._xpaths.get(element)
        if found is None:
            found = self._xpaths[element] = self._walk_up(element)
        return found

    def _walk_up(self, element: int) -> str:
        steps = []
        while element >= 0:
            steps.append(self.step[element])
            element = self.parent[element]
        return "/" + "/".join(reversed(steps))

    def point(self, pos: int, end: bool) -> XPathPoint | None:
        """The point before stream character `pos`, or after character `pos - 1` when `end`."""
        probe = pos - 1 if end else pos
        i = bisect_right(self.starts, probe) - 1
        if i < 0 or probe >= self.ends[i]:
            return None
        return XPathPoint(self.xpath(self.container[i]), self.offset[i] + pos - self.starts[i])


class HtmlPlaces:
    """Maps spans of the extracted text to the HTML as sent: offsets and selectors."""

    def __init__(self, to_reads: list[tuple[int, int, list[OffsetMap]]], reads: list[str], markup: str,
                 shift: int) -> None:
        """`to_reads`: per paragraph, its start in the extracted text, the start of its raw text among the
        text nodes the intake read (`reads`, concatenated), and the maps from its text back to that raw
        text, in order; `shift`: where `markup` starts in the HTML as sent (after front matter)."""
        self._paragraph_starts = [start for start, _, _ in to_reads]
        self._to_reads = to_reads
        self._stream = scan(markup)
        self._read_starts: list[int] = []
        total = 0
        for r in reads:
            self._read_starts.append(total)
            total += 0 if isinstance(r, Unread) else len(r)
        self._read_lengths = [0 if isinstance(r, Unread) else len(r) for r in reads]
        self._read_at = locate(reads, self._stream.text)
        self._markup = markup
        self._dom: DomIndex | None = None  # built when a selector is first asked for
        self._shift = shift
        self._lookups: dict[str, numpy.ndarray] | None = None  # _arrays, made when many spans are placed at once

    def _to_stream(self, span: Span) -> Span | None:
        a, b = self._to_read(span.start, end=False), self._to_read(span.end, end=True)
        if a is None or b is None:
            return None
        a, b = self._stream_offset(a, end=False), self._stream_offset(b, end=True)
        if a is None or b is None or b < a:
            return None
        return Span(a, b)

    def _to_streams(self, spans: Sequence[Span]) -> list[Span | None]:
        """_to_stream of each span, in one pass of array operations over all their ends: an HTML page may hold
        thousands of quotes, each with a mention and a cue to place, and the per-point calls added up."""
        n = len(spans)
        if n == 0 or not self._paragraph_starts:
            return [self._to_stream(s) for s in spans]
        pos = numpy.fromiter((s.start for s in spans), numpy.int64, n)
        pos = numpy.concatenate((pos, numpy.fromiter((s.end for s in spans), numpy.int64, n)))
        is_end = numpy.zeros(2 * n, dtype=numpy.int64)
        is_end[n:] = 1
        probe = pos - is_end  # the character before an end, the character at a start
        # The raw text read: a paragraph without maps is its raw text shifted; one with maps is read point by point.
        para = numpy.searchsorted(self._arrays["paragraph_starts"], probe, side="right") - 1
        found = para >= 0
        para = numpy.maximum(para, 0)
        read = self._arrays["raw_starts"][para] + pos - self._arrays["paragraph_starts"][para]
        for k in numpy.flatnonzero(found & self._arrays["mapped"][para]).tolist():
            read[k] = self._to_read(int(pos[k]), end=bool(is_end[k]))
        # The stream: the last text node read with characters at or before the point, which must hold it.
        probe = read - is_end
        node = numpy.searchsorted(self._arrays["read_starts"], probe, side="right") - 1
        node = numpy.where(node >= 0, self._arrays["last_filled"][numpy.maximum(node, 0)], -1)
        found &= node >= 0
        node = numpy.maximum(node, 0)
        node_start = self._arrays["read_starts"][node]
        found &= self._arrays["located"][node] & (probe - node_start < self._arrays["read_lengths"][node])
        stream = self._arrays["read_at"][node] + read - node_start
        a, b, ok = stream[:n].tolist(), stream[n:].tolist(), (found[:n] & found[n:] & (stream[n:] >= stream[:n]))
        return [Span(a[k], b[k]) if good else None for k, good in enumerate(ok.tolist())]

    @property
    def _arrays(self) -> dict[str, numpy.ndarray]:
        """The lookups of _to_read and _stream_offset as arrays, made once for _to_streams."""
        if self._lookups is None:
            read_at = self._read_at
            filled, last = [], -1  # per text node: the last one at or before it with characters (_stream_offset)
            for k, length in enumerate(self._read_lengths):
                last = k if length else last
                filled.append(last)
            self._lookups = {
                "paragraph_starts": numpy.array(self._paragraph_starts, dtype=numpy.int64),
                "raw_starts": numpy.array([raw for _, raw, _ in self._to_reads], dtype=numpy.int64),
                "mapped": numpy.array([bool(maps) for _, _, maps in self._to_reads], dtype=bool),
                "read_starts": numpy.array(self._read_starts, dtype=numpy.int64),
                "read_lengths": numpy.array(self._read_lengths, dtype=numpy.int64),
                "last_filled": numpy.array(filled, dtype=numpy.int64),
                "located": numpy.array([at is not None for at in read_at], dtype=bool),
                "read_at": numpy.array([-1 if at is None else at for at in read_at], dtype=numpy.int64)}
        return self._lookups

    def _to_read(self, pos: int, end: bool) -> int | None:
        """Where the point before text character `pos` (after `pos - 1` when `end`) is in the raw text read."""
        i = bisect_right(self._paragraph_starts, pos - 1 if end else pos) - 1
        if i < 0:
            return None
        start, raw_start, maps = self._to_reads[i]
        a, b = (max(0, pos - start - 1), pos - start) if end else (pos - start, pos - start)
        for m in maps:
            a, b = m.range_to_source(a, b)  # offsets, not Spans: a quote asks four points of every map
        return raw_start + (b if end else a)

    def _stream_offset(self, pos: int, end: bool) -> int | None:
        probe = pos - 1 if end else pos
        k = bisect_right(self._read_starts, probe) - 1
        while k >= 0 and self._read_lengths[k] == 0:
            k -= 1
        if k < 0 or self._read_at[k] is None or probe - self._read_starts[k] >= self._read_lengths[k]:
            return None
        return self._read_at[k] + pos - self._read_starts[k]

    def span(self, span: Span) -> Span | None:
        """Offsets into the HTML as sent whose text is `span`'s, or None where they cannot be known."""
        return self._html(self._to_stream(span))

    def selectors(self, span: Span) -> Selectors | None:
        return self._selectors(self._to_stream(span))

    def place(self, span: Span) -> tuple[Span | None, Selectors | None]:
        """`span(span)` and `selectors(span)` from one mapping of `span` to the stream (a quote asks both)."""
        s = self._to_stream(span)
        return self._html(s), self._selectors(s)

    def spans(self, spans: Sequence[Span]) -> list[Span | None]:
        """`span` of each span, all mapped together."""
        return self._htmls(self._to_streams(spans))

    def places(self, spans: Sequence[Span]) -> list[tuple[Span | None, Selectors | None]]:
        """`place` of each span, all mapped together."""
        streams = self._to_streams(spans)
        return list(zip(self._htmls(streams), map(self._selectors, streams)))

    def _htmls(self, streams: Sequence[Span | None]) -> list[Span | None]:
        mapped = [s for s in streams if s is not None]
        if not mapped:
            return [None] * len(streams)
        starts, ends = self._stream.origin.ranges_to_source(
            numpy.fromiter((s.start for s in mapped), numpy.int64, len(mapped)),
            numpy.fromiter((s.end for s in mapped), numpy.int64, len(mapped)))
        shifted = iter(zip((starts + self._shift).tolist(), (ends + self._shift).tolist()))
        return [None if s is None else Span(*next(shifted)) for s in streams]

    def _html(self, s: Span | None) -> Span | None:
        if s is None:
            return None
        start, end = self._stream.origin.range_to_source(s.start, s.end)  # one Span made, not two
        return Span(start + self._shift, end + self._shift)

    def _selectors(self, s: Span | None) -> Selectors | None:
        if s is None or self._stream.depth > MAX_DEPTH:
            return None
        if self._dom is None:
            self._dom = DomIndex(self._markup, self._stream.text)
        start, end = self._dom.point(s.start, end=False), self._dom.point(s.end, end=True)
        if start is None or end is None:
            return None
        text = self._stream.text
        return Selectors(start, end, text[s.start:s.end], text[max(0, s.start - CONTEXT):s.start],
                         text[s.end:s.end + CONTEXT])
