"""Turns what a client sent (HTML or plain text) into the SourceText the NLP stages read.

HTML: front matter and WordPress shortcodes are removed, page chrome (script, nav, aside, ...)
is dropped, block elements become paragraphs joined by a blank line, whitespace is collapsed and
mojibake repaired. The answer returns that text, so it has no `origin`.

Plain text: offsets must index into the text as sent, so the text is only changed where it is
broken (mojibake, control characters); then `origin` maps the repaired text back to the sent one.

`Paragraph.source` is, for HTML, a CSS selector for the block the paragraph came from, e.g.
`body > div#articleText > p:nth-of-type(3)`: the path from `body`, each step `tag#id` for an element
with a plain id, else `tag:nth-of-type(n)`. A path longer than 12 steps starts at the nearest
ancestor with an id if that is among its last 12 steps, else keeps just the last 12: still a valid
selector, but it may then match more than one element. For plain text it is `line N` (1-based;
\\r\\n, \\r and \\n each end a line).

Nothing here recurses over the tree, so any nesting depth is fine; the only exception raised is
IntakeError (a ValueError), for an unknown format or input the HTML parser refuses.
"""
from __future__ import annotations

import re
import warnings
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Iterator, NamedTuple

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers "sloppy-windows-1252"
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import NavigableString, PreformattedString, Tag
from ftfy.fixes import fix_surrogates
from lxml.etree import LxmlError

from .model import InputFormat, OffsetMap, Paragraph, SourceText, Span

__all__ = ["IntakeError", "extract", "sniff_format"]

# An article that happens to look like a file name or URL is still an article.
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


class IntakeError(ValueError):
    """The content cannot be turned into text (unknown format, or HTML the parser refuses)."""


# Quotation marks carry meaning here: never straighten them, never fold fullwidth ones to ASCII,
# and never decode entities a second time (BeautifulSoup already did; in plain text "&amp;" is as sent).
_HTML_FIX = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_character_width=False, unescape_html=False, fix_line_breaks=False,
    normalization="NFC", explain=False)
# Plain text keeps its length wherever nothing is broken, so no normalisation either.
_PLAIN_FIX = _HTML_FIX._replace(normalization=None)

_FRONT_MATTER = re.compile(r"\A\ufeff?\s*---[ \t]*\r?\n(?:.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
# Only forms that editorial brackets ("[sic]", "[the minister]") never take: a closing tag, attributes,
# a name with "_" or a digit ([ad_1]), or a well-known bare shortcode. Bounded so it stays linear.
_SHORTCODE = re.compile(
    r"\[/[A-Za-z][\w-]{0,40}\]"
    r"|\[[A-Za-z][\w-]{0,40}\s+[\w-]{1,40}=[^\[\]]{0,1000}\]"
    r"|\[[A-Za-z]{0,40}[_\d][\w-]{0,40}\]"
    r"|\[(?:caption|gallery|embed|video|audio|playlist)\]")
_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_C1 = re.compile(r"[\x80-\x9f]")
# Mojibake always has a character outside ASCII and these (Ã, â, €, Â…): a line of curly quotes and
# dashes, the common case in news, cannot need ftfy, which costs a millisecond an article.
_BEYOND_TYPOGRAPHY = re.compile(r"[^\x00-\x7f\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0]")
# A single space-like character (NBSP, thin space) is kept; runs and line-ish whitespace become one space.
_WS = re.compile(r"\s{2,}|[\t\n\r\f\v\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|/?(?:p|div|br|hr|html|head|body|article|section|main|h[1-6]|ul|ol|li|blockquote|"
    r"pre|table|tr|td|th)(?:\s[^<>]{0,2000})?/?)>", re.I)

_DROP = frozenset(
    "head script style nav aside footer form iframe figure noscript template svg button select".split())
_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main menu nav ol "
    "p pre section summary table tbody td tfoot th thead tr ul".split())
_MAX_STEPS = 12
_MAX_NAME = 64
_PLAIN_ID = re.compile(r"[A-Za-z][\w-]{0,63}")
_SYNC = 3  # characters that must agree again after a difference nothing explains
_WINDOW = 64  # how far ahead (in repaired characters) to look for them
_DIFF_LIMIT = 2000  # a longer unexplained run is mapped as a whole instead of diffed


def sniff_format(content: str) -> InputFormat:
    """"html" when the content (after optional YAML front matter) has an HTML block tag, else "text"."""
    return "html" if _HTML_TAG.search(_strip_front_matter(content)) else "text"


def extract(content: str, fmt: InputFormat) -> SourceText:
    """The text the NLP stages read, with its paragraphs; raises only IntakeError."""
    if fmt == "html":
        return _extract_html(content)
    if fmt == "text":
        return _extract_text(content)
    raise IntakeError(f"unknown input format {fmt!r}")


def _strip_front_matter(content: str) -> str:
    m = _FRONT_MATTER.match(content)
    return content[m.end():] if m else content


# --- HTML ---------------------------------------------------------------------------------------

def _extract_html(content: str) -> SourceText:
    # lxml refuses lone surrogates and turns NUL into U+FFFD; clean both before it sees them.
    markup = _C0.sub(" ", fix_surrogates(_strip_front_matter(content)))
    try:
        soup = BeautifulSoup(markup, "lxml")
    except (LxmlError, UnicodeError, ValueError) as e:
        raise IntakeError(f"unreadable HTML: {e}") from e
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    pos = 0
    for raw, source in _html_blocks(soup):
        text = _clean_html_text(raw)
        if not text:
            continue
        if parts:
            pos += 2
        paragraphs.append(Paragraph(len(paragraphs), Span(pos, pos + len(text)), source))
        parts.append(text)
        pos += len(text)
    return SourceText("\n\n".join(parts), tuple(paragraphs), "html")


def _clean_html_text(raw: str) -> str:
    # Collapsing first hands ftfy one line rather than one call per source line;
    # ASCII and plain typography need no repair.
    text = _WS.sub(" ", _SHORTCODE.sub("", raw))
    if _BEYOND_TYPOGRAPHY.search(text):
        text = _WS.sub(" ", _C1.sub(" ", ftfy.fix_text(text, _HTML_FIX)))
    return text.strip()


class _Leave(NamedTuple):
    block: bool
    anchored: bool


def _html_blocks(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    """Yield (raw text, selector) for each run of text between block boundaries, in document order.

    An explicit stack instead of recursion: the tree may be nested 100,000+ deep.
    """
    texts: list[str] = []
    source = "body"
    path: list[str] = []  # selector steps of the open elements below <html>
    ids: list[int] = []  # indices in `path` of the open elements that have a plain id
    counts: list[dict[str, int]] = [{}]  # per open element, its children seen so far by name
    blocks: list[str] = ["body"]  # selector of the innermost open block
    todo: list[object] = [soup]

    def selector() -> str:
        first = len(path) - _MAX_STEPS
        if first > 0 and ids and ids[-1] >= first:
            first = ids[-1]
        return " > ".join(path[max(first, 0):])

    def flush() -> Iterator[tuple[str, str]]:
        if texts:
            yield "".join(texts), source
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
            if block or name == "br":
                yield from flush()
            if name in _DROP or name == "br":
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
            if not texts:
                source = blocks[-1]
            texts.append(str(node))
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


# --- plain text ---------------------------------------------------------------------------------

def _extract_text(content: str) -> SourceText:
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    paragraphs: list[Paragraph] = []
    d = 0  # offset in the repaired text
    for number, (start, end, brk) in enumerate(_lines(content), 1):
        anchors.append((d, start))
        # Controls become spaces, keeping every offset, before ftfy (which would delete them).
        line = _C0.sub(" ", content[start:end])
        if not line.isascii() and _BEYOND_TYPOGRAPHY.search(line):
            fixed = ftfy.fix_text(line, _PLAIN_FIX)
            if fixed != line:
                anchors += _align(line, fixed, d, start)
            line = _C1.sub(" ", fixed)
        body = line.strip()
        if body:
            lead = len(line) - len(line.lstrip())
            paragraphs.append(Paragraph(len(paragraphs), Span(d + lead, d + lead + len(body)), f"line {number}"))
        parts += (line, content[end:brk])
        d += len(line) + brk - end
    text = "".join(parts)
    if text == content:
        return SourceText(content, tuple(paragraphs), "text")
    return SourceText(text, tuple(paragraphs), "text", OffsetMap(anchors, len(content)))


def _lines(content: str) -> Iterator[tuple[int, int, int]]:
    """(start, end of its text, end of its line break) of each line."""
    start = 0
    for m in _LINE_BREAK.finditer(content):
        yield start, m.start(), m.end()
        start = m.end()
    yield start, len(content), len(content)


def _align(sent: str, fixed: str, d: int, s: int) -> list[tuple[int, int]]:
    """Anchors (repaired offset, sent offset) at both ends of every changed run of one line.

    difflib is quadratic on a long line, so walk both texts, explaining each difference as
    mojibake of the repaired character or as a one-character fix (deletion, ligature, C1 quote).
    What cannot be explained is skipped up to where the texts agree again.
    """
    anchors = []
    i = j = 0
    n, m = len(sent), len(fixed)
    while i < n or j < m:
        if i < n and j < m and sent[i] == fixed[j]:
            i += 1
            j += 1
            continue
        step = _explain(sent, fixed, i, j)
        if step is None:
            step = _resync(sent, fixed, i, j) or (n - i, m - j)
            anchors += _shared(sent[i:i + step[0]], fixed[j:j + step[1]], d + j, s + i)
        else:
            anchors.append((d + j, s + i))
        i += step[0]
        j += step[1]
        anchors.append((d + j, s + i))
    return anchors


def _explain(sent: str, fixed: str, i: int, j: int) -> tuple[int, int] | None:
    if i < len(sent):
        alone = _fix_alone(sent[i])
        if alone != sent[i] and fixed.startswith(alone, j):
            return 1, len(alone)
    if j < len(fixed):
        for form in _garbled_forms(fixed[j]):
            if sent.startswith(form, i):
                return len(form), 1
    return None


@lru_cache(maxsize=4096)
def _fix_alone(c: str) -> str:
    return ftfy.fix_text(c, _PLAIN_FIX)


@lru_cache(maxsize=4096)
def _garbled_forms(c: str) -> tuple[str, ...]:
    """What c looks like as UTF-8 read as Windows-1252 (twice, once, with its NBSP lost) or Latin-1."""
    once = c.encode("utf-8").decode("sloppy-windows-1252")
    forms = {once.encode("utf-8").decode("sloppy-windows-1252"), once, once.replace("\xa0", " "),
             c.encode("utf-8").decode("latin-1")}
    forms.discard(c)
    return tuple(sorted(forms, key=len, reverse=True))


def _resync(sent: str, fixed: str, i: int, j: int) -> tuple[int, int] | None:
    """The smallest (di, dj) after which _SYNC characters (or both whole tails) agree again."""
    best: tuple[int, int] | None = None
    for dj in range(min(_WINDOW, len(fixed) - j) + 1):
        if best is not None and dj >= sum(best):
            break
        key = fixed[j + dj:j + dj + _SYNC]
        if len(key) < _SYNC:
            di = len(sent) - len(key) - i
            found = di >= 0 and sent.endswith(key)
        else:
            di = sent.find(key, i, i + 4 * _WINDOW + _SYNC) - i
            found = di >= 0
        if found and (best is None or di + dj < sum(best)):
            best = (di, dj)
    return best


def _shared(sent: str, fixed: str, d: int, s: int) -> list[tuple[int, int]]:
    """Anchors for a run nothing explained: at its start and around what diff finds it shares.

    A single shared character is no evidence: it may be a piece of some repair.
    """
    anchors = [(d, s)]
    if len(sent) + len(fixed) <= _DIFF_LIMIT:
        for op, i1, i2, j1, j2 in SequenceMatcher(None, sent, fixed, autojunk=False).get_opcodes():
            if op == "equal" and i2 - i1 > 1:
                anchors += [(d + j1, s + i1), (d + j2, s + i2)]
    return anchors
