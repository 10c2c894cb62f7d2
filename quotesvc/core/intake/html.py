"""HTML intake: front matter and WordPress shortcodes removed, page chrome (script, nav, aside, ...)
dropped, block elements become paragraphs joined by a blank line, white space collapsed and mojibake
repaired. The answer returns that text, so it has no `origin`.

`Paragraph.source` is a CSS selector for the block the paragraph came from, e.g.
`body > div#articleText > p:nth-of-type(3)`: the path from `body`, each step `tag#id` for an element
with a plain id, else `tag:nth-of-type(n)`. A path longer than 12 steps starts at the nearest
ancestor with an id if that is among its last 12 steps, else keeps just the last 12: still a valid
selector, but it may then match more than one element.

Nothing here recurses over the tree, so any nesting depth is fine.
"""
from __future__ import annotations

import re
import warnings
from typing import Iterator, NamedTuple

import ftfy
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import NavigableString, PreformattedString, Tag
from ftfy.fixes import fix_surrogates
from lxml.etree import LxmlError

from ..model import Layout, OffsetMap, Paragraph, SourceText, Span
from .common import BEYOND_TYPOGRAPHY, C0, C1, HTML_FIX, WS, IntakeError, strip_front_matter
from .places import HtmlPlaces, Unread
from .realign import align

# An article that happens to look like a file name or URL is still an article.
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

# Only forms that editorial brackets ("[sic]", "[the minister]") never take: a closing tag, attributes,
# a name with "_" or a digit ([ad_1]), or a well-known bare shortcode. Bounded so it stays linear.
_SHORTCODE = re.compile(
    r"\[/[A-Za-z][\w-]{0,40}\]"
    r"|\[[A-Za-z][\w-]{0,40}\s+[\w-]{1,40}=[^\[\]]{0,1000}\]"
    r"|\[[A-Za-z]{0,40}[_\d][\w-]{0,40}\]"
    r"|\[(?:caption|gallery|embed|video|audio|playlist)\]")
HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|/?(?:p|div|br|hr|html|head|body|article|section|main|h[1-6]|ul|ol|li|blockquote|"
    r"pre|table|tr|td|th)(?:\s[^<>]{0,2000})?/?)>", re.I)

_DROP = frozenset(
    "head script style nav aside footer form iframe figure noscript template svg button select".split())
_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main menu nav ol "
    "p pre section summary table tbody td tfoot th thead tr ul".split())
_MAX_STEPS = 12
# What a <br> adds to its paragraph's text: white space, which the intake collapses to one space.
_LINE_BREAK = "\n"
_MAX_NAME = 64
_PLAIN_ID = re.compile(r"[A-Za-z][\w-]{0,63}")


def extract_html(content: str) -> SourceText:
    # lxml refuses lone surrogates and turns NUL into U+FFFD; clean both before it sees them.
    body = strip_front_matter(content)
    markup = C0.sub(" ", fix_surrogates(body))
    try:
        soup = BeautifulSoup(markup, "lxml")
    except (LxmlError, UnicodeError, ValueError) as e:
        raise IntakeError(f"unreadable HTML: {e}") from e
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    reads: list[str] = []  # every text node read, in order
    to_reads: list[tuple[int, int, list[OffsetMap]]] = []
    read = 0  # characters of `reads` so far
    pos = 0
    for strings, source in _html_blocks(soup):
        raw = "".join(s for s in strings if not isinstance(s, Unread))
        reads += strings
        text, maps = _clean_html_text(raw)
        if text:
            if parts:
                pos += 2
            paragraphs.append(Paragraph(len(paragraphs), Span(pos, pos + len(text)), source))
            to_reads.append((pos, read, maps))
            parts.append(text)
            pos += len(text)
        read += len(raw)
    # Surrogate pairs fix_surrogates joined would shift every later offset: such HTML gets no places.
    places = HtmlPlaces(to_reads, reads, markup, len(content) - len(body)) if len(markup) == len(body) else None
    return SourceText("\n\n".join(parts), tuple(paragraphs), "html", Layout.HTML, html=places)


def _clean_html_text(raw: str) -> tuple[str, list[OffsetMap]]:
    """The paragraph's text, and the maps that take its offsets back to `raw`, to apply in order."""
    # Collapsing first hands ftfy one line rather than one call per source line;
    # ASCII and plain typography need no repair.
    maps: list[OffsetMap] = []
    text = _sub_mapped(WS, " ", _sub_mapped(_SHORTCODE, "", raw, maps), maps)
    if BEYOND_TYPOGRAPHY.search(text):
        fixed = ftfy.fix_text(text, HTML_FIX)
        if fixed != text:
            maps.insert(0, OffsetMap([(0, 0), *align(text, fixed, 0, 0)], len(text)))
        text = _sub_mapped(WS, " ", C1.sub(" ", fixed), maps)
    lead = len(text) - len(text.lstrip())
    if lead:
        maps.insert(0, OffsetMap([(0, 0), (0, lead)], len(text)))
    return text.strip(), maps


def _sub_mapped(pattern: re.Pattern[str], repl: str, text: str, maps: list[OffsetMap]) -> str:
    """pattern.sub(repl, text); when it changes anything, the map back to `text` goes first in `maps`."""
    parts: list[str] = []
    anchors = [(0, 0)]
    pos = size = 0
    for m in pattern.finditer(text):
        if m.group() == repl:
            continue
        parts.append(text[pos:m.start()])
        size += m.start() - pos
        anchors.append((size, m.start()))
        parts.append(repl)
        size += len(repl)
        anchors.append((size, m.end()))
        pos = m.end()
    if pos == 0:
        return text
    parts.append(text[pos:])
    maps.insert(0, OffsetMap(anchors, len(text)))
    return "".join(parts)


class _Leave(NamedTuple):
    block: bool
    anchored: bool


def _html_blocks(soup: BeautifulSoup) -> Iterator[tuple[list[str], str]]:
    """Yield (text nodes, selector) for each run of text between block boundaries, in document order.

    An explicit stack instead of recursion: the tree may be nested 100,000+ deep.
    """
    texts: list[str] = []
    source = "body"
    path: list[str] = []  # selector steps of the open elements below <html>
    ids: list[int] = []  # indices in `path` of the open elements that have a plain id
    counts: list[dict[str, int]] = [{}]  # per open element, its children seen so far by name
    blocks: list[str] = ["body"]  # selector of the innermost open block
    line_broken = False  # whether a <br> came last, with only white space after it
    started = False  # whether `texts` holds a text node read (not only Unread ones): `source` is its block's
    todo: list[object] = [soup]

    def selector() -> str:
        first = len(path) - _MAX_STEPS
        if first > 0 and ids and ids[-1] >= first:
            first = ids[-1]
        return " > ".join(path[max(first, 0):])

    def flush() -> Iterator[tuple[list[str], str]]:
        nonlocal line_broken, started
        line_broken = started = False
        if texts:
            yield texts[:], source
            texts.clear()

    while todo:
        node = todo.pop()
        if isinstance(node, _Leave):
            path.pop()
            counts.pop()
            if node.anchored:
                ids.pop()
            if node.block:
                blocks.pop()
                yield from flush()
        elif isinstance(node, BeautifulSoup) or (isinstance(node, Tag) and node.name == "html"):
            todo.extend(reversed(node.contents))
        elif isinstance(node, Tag):
            name = node.name
            seen = counts[-1]
            seen[name] = seen.get(name, 0) + 1
            block = name in _BLOCK
            if name == "br":
                # One <br> breaks a line inside its paragraph (read as a space, as wrapped lines are);
                # two in a row, with only white space between, end the paragraph.
                if line_broken:
                    yield from flush()
                else:
                    texts.append(_LINE_BREAK)
                line_broken = not line_broken
                continue
            if block:
                yield from flush()
            if name in _DROP:
                # Not read, but passed over in order: places.locate must not find a read text node in
                # dropped text that says the same ('&amp;' in a <title>, then in the first <p>).
                texts.extend(Unread(d) for d in node.descendants
                             if isinstance(d, NavigableString) and not isinstance(d, PreformattedString))
                continue
            step, anchored = _step(node, seen[name])
            path.append(step)
            counts.append({})
            if anchored:
                ids.append(len(path) - 1)
            if block:
                blocks.append(selector())
            todo.append(_Leave(block, anchored))
            todo.extend(reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            # PreformattedString covers comments, CDATA, doctypes and processing instructions.
            if not started:
                source, started = blocks[-1], True
            text = str(node)
            texts.append(text)
            line_broken = line_broken and text.isspace()
    yield from flush()


def _step(tag: Tag, nth: int) -> tuple[str, bool]:
    name = tag.name
    if name == "body":
        return name, False
    if len(name) > _MAX_NAME:
        return "*", False
    ident = tag.get("id")
    if isinstance(ident, str) and _PLAIN_ID.fullmatch(ident):
        return f"{name}#{ident}", True
    return f"{name}:nth-of-type({nth})", False
