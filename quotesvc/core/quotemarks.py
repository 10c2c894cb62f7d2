"""Pairs quotation marks into QuotedSpans: every style of mark, apostrophes told apart,
nesting and unbalanced marks survived, news-style quotes joined across paragraphs.

Pure text processing and linear in the text length: marks are found by one regex pass per
paragraph, and a count of the open marks waiting for each closer lets a stray closer be
rejected without searching the stack.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Sequence

from .model import Paragraph, QuotedSpan, Span
from .rules import Elision

# (opening mark, closing mark). A mark may open in one style and close in another
# (“ opens in English but closes „ in German), so direction is decided per occurrence.
MARK_PAIRS: tuple[tuple[str, str], ...] = (
    ("“", "”"),  # English
    ('"', '"'),
    ("‘", "’"),
    ("'", "'"),
    ("«", "»"),  # French, Italian, Spanish
    ("»", "«"),  # German, Danish
    ("„", "“"),  # German
    ("„", "”"),  # Polish, Hungarian, Romanian
    ("‚", "‘"),
    ("‚", "’"),
    ("‹", "›"),
    ("›", "‹"),
    ("``", "''"),  # TeX and Penn Treebank
    ("''", "''"),  # two apostrophes typed for a double quote
)

CLOSERS: dict[str, frozenset[str]] = {
    o: frozenset(c for o2, c in MARK_PAIRS if o2 == o) for o, _ in MARK_PAIRS
}
# Marks whose glyph does not say which way they face, so the neighbouring characters must.
_SYMMETRIC = frozenset(o for o, c in MARK_PAIRS if o == c)
# Marks that are also typed as apostrophes.
_SINGLE = frozenset("'‘’")

_MARK = re.compile(
    "|".join(sorted({re.escape(m) for pair in MARK_PAIRS for m in pair}, key=len, reverse=True))
)
# Characters after which a mark still stands at the start of a phrase.
_PHRASE_START = frozenset("([{<-–—/") | frozenset(m[0] for pair in MARK_PAIRS for m in pair)


@dataclass(frozen=True, slots=True)
class _Elisions:
    pattern: re.Pattern[str]
    closed: frozenset[str]  # elided words with an apostrophe after them too (rock 'n' roll)


@lru_cache(maxsize=8)
def _elisions(elisions: tuple[Elision, ...]) -> _Elisions:
    """What may follow an apostrophe that is no quotation mark: the words of rules/elisions.jsonl ('em, 'tis,
    rock 'n' roll), capitalised only where a sentence can begin with them, and a decade ('90s)."""
    words = []
    for e in elisions:
        word = f"[{e.word[0].upper()}{e.word[0]}]{re.escape(e.word[1:])}" if e.sentence_start else re.escape(e.word)
        words.append(word + "(?=['’‘])" if e.closed else word)
    return _Elisions(re.compile(r"(?:%s)\b" % "|".join(words + [r"\d\ds?"])),
                     frozenset(e.word for e in elisions if e.closed))


class _Lean(Enum):
    OPEN = "open"
    CLOSE = "close"
    EITHER = "either"  # close if something open accepts it, otherwise open
    NONE = "none"  # an apostrophe, not a mark
    POSSESSIVE = "possessive"  # `dogs’ bowls` or the end of `‘I like dogs’ she said`


@dataclass(slots=True)
class _Token:
    pos: int
    mark: str
    lean: _Lean
    prev: str  # the characters either side, paragraph edges read as spaces
    next: str

    @property
    def span(self) -> Span:
        return Span(self.pos, self.pos + len(self.mark))


@dataclass(slots=True)
class _Outer:
    """The outermost open quote, which may outlive its paragraph."""

    mark: str  # the latest (re)opening mark, whose closers end the quote
    open_mark: Span
    paragraphs: list[int]
    end: int  # end of the last paragraph it covers

    def closed_at(self, close: Span) -> QuotedSpan:
        return QuotedSpan(Span(self.open_mark.end, close.start), self.open_mark, close,
                          tuple(self.paragraphs))

    def unclosed(self) -> QuotedSpan:
        return QuotedSpan(Span(self.open_mark.end, self.end), self.open_mark, None,
                          tuple(self.paragraphs))


@dataclass(slots=True)
class _Stack:
    """The marks open in one paragraph, innermost last."""

    marks: list[str] = field(default_factory=list)
    waiting: Counter[str] = field(default_factory=Counter)  # closer -> open marks it would end

    def push(self, mark: str) -> None:
        self.marks.append(mark)
        self.waiting.update(CLOSERS[mark])

    def accepts(self, closer: str) -> bool:
        return self.waiting[closer] > 0

    def close(self, closer: str) -> int:
        """Pop up to the innermost mark `closer` ends, dropping the never-closed marks inside it;
        return how many marks remain open. Each mark is popped once, so this stays linear."""
        while True:
            mark = self.marks.pop()
            self.waiting.subtract(CLOSERS[mark])
            if closer in CLOSERS[mark]:
                return len(self.marks)


class QuoteLookup:
    """Which quoted span, marks included, holds a character offset; by bisection over spans in text order."""

    def __init__(self, quoted: Sequence[QuotedSpan]) -> None:
        self.quoted = quoted
        self._starts = [q.open_mark.start for q in quoted]

    def index_at(self, offset: int) -> int | None:
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        q = self.quoted[i]
        return i if offset < (q.close_mark.end if q.close_mark else q.content.end) else None


def find_quoted_spans(text: str, paragraphs: Sequence[Paragraph], elisions: tuple[Elision, ...]) -> list[QuotedSpan]:
    """Every outermost quotation in `text`, in text order; nested quotes are part of their outer one.

    `elisions` are the words an apostrophe may elide (Rules.elisions), so that 'em is not a quotation mark."""
    elision = _elisions(elisions)
    quotes: list[QuotedSpan] = []
    outer: _Outer | None = None
    done = 0
    for para in sorted(paragraphs, key=lambda p: p.span.start):
        start, end = max(para.span.start, done), min(para.span.end, len(text))
        if start >= end or text[start:end].isspace():
            continue  # a blank paragraph neither continues nor ends a quote
        done = end
        outer = _scan_paragraph(text, start, end, para.index, outer, quotes, elision)
    if outer is not None:
        quotes.append(outer.unclosed())
    return quotes


def _scan_paragraph(text: str, start: int, end: int, index: int, outer: _Outer | None,
                    quotes: list[QuotedSpan], elision: _Elisions) -> _Outer | None:
    """Pair the marks of one paragraph; return the outermost quote if it is still open at the end."""
    tokens = _tokens(text, start, end, elision)
    stack = _Stack()
    if outer is not None:
        first = tokens[0] if tokens else None
        if first is not None and _continues(text, start, first):
            # News style reopens a quote that runs on at the start of each of its paragraphs;
            # French often reopens with the closing », which must keep expecting ».
            if first.mark not in CLOSERS[outer.mark]:
                outer.mark = first.mark
            outer.paragraphs.append(index)
            outer.end = end
            stack.push(outer.mark)
            tokens = tokens[1:]
        else:
            quotes.append(outer.unclosed())
            outer = None
    for tok in tokens:
        # A doubled mark (“““, ””) counts once, on the side nearest the words it encloses.
        may_close = stack.accepts(tok.mark) and tok.prev != tok.mark[0]
        may_open = tok.mark in CLOSERS and tok.next != tok.mark[-1]
        if may_close and tok.lean in (_Lean.CLOSE, _Lean.EITHER):
            if stack.close(tok.mark) == 0 and outer is not None:
                if not _blank(text, outer.open_mark.end, tok.pos):
                    quotes.append(outer.closed_at(tok.span))
                outer = None
        elif may_open and tok.lean in (_Lean.OPEN, _Lean.EITHER):
            if not stack.marks:
                outer = _Outer(tok.mark, tok.span, [index], end)
            stack.push(tok.mark)
    if outer is not None and len(outer.paragraphs) == 1 and _blank(text, outer.open_mark.end, end):
        return None
    return outer


def _continues(text: str, start: int, first: _Token) -> bool:
    """Whether the paragraph opens with a mark, which reopens a quote left open above it."""
    return (first.mark in CLOSERS and first.lean not in (_Lean.NONE, _Lean.CLOSE)
            and _blank(text, start, first.pos) and first.next != first.mark[-1])


def _blank(text: str, start: int, end: int) -> bool:
    return start >= end or text[start:end].isspace()


def _tokens(text: str, start: int, end: int, elision: _Elisions) -> list[_Token]:
    tokens: list[_Token] = []
    elided_until = -1  # the second mark of rock 'n' roll is an apostrophe too
    for m in _MARK.finditer(text, start, end):
        pos, mark = m.start(), m.group()
        prev = text[pos - 1] if pos > start else " "
        nxt = text[m.end()] if m.end() < end else " "
        if pos <= elided_until:
            lean = _Lean.NONE
        elif mark in _SINGLE and not prev.isalnum() and (e := elision.pattern.match(text, m.end(), end)):
            lean = _Lean.NONE
            if e.group() in elision.closed:
                elided_until = e.end()
        else:
            lean = _lean(text, mark, prev, nxt, m.end(), end)
        tokens.append(_Token(pos, mark, lean, prev, nxt))
    _settle_possessives(tokens)
    _settle_dropped_letters(text, tokens)
    return tokens


def _lean(text: str, mark: str, prev: str, nxt: str, after: int, end: int) -> _Lean:
    if mark in _SINGLE and prev.isalnum() and nxt.isalnum():
        return _Lean.NONE  # don’t, it's, O'Brien
    if mark in "'’" and prev in "sS" and nxt.isspace() and after + 1 < end and text[after + 1].isalnum():
        return _Lean.POSSESSIVE
    if mark == "’":
        # A word-initial ’ is an elision (’90s); ’ never opens in the styles we pair. One after a space with no
        # word joined to it elides nothing: it closes a quote typed with a space before its mark (‘I know, ’ he
        # said, ‘but…’), which read as an elision would run the quote on through the cue into the next one.
        if prev.isspace():
            return _Lean.NONE if nxt.isalnum() else _Lean.CLOSE
        return _Lean.CLOSE
    if mark not in _SYMMETRIC:
        return _Lean.EITHER
    opens = (prev.isspace() or prev in _PHRASE_START) and not nxt.isspace()
    closes = not prev.isspace() and not nxt.isalnum()
    if opens != closes:
        return _Lean.OPEN if opens else _Lean.CLOSE
    return _Lean.EITHER


def _settle_possessives(tokens: list[_Token]) -> None:
    """`s’` before a word closes a single quote only if no later single mark would close it:
    `‘The countries’ leaders met,’ she said` versus `‘I like dogs’ she said.`"""
    later_closes = False
    for tok in reversed(tokens):
        if tok.mark not in _SINGLE or tok.lean is _Lean.NONE:
            continue
        if tok.lean is _Lean.POSSESSIVE:
            if later_closes:
                tok.lean = _Lean.NONE
                continue
            tok.lean = _Lean.CLOSE
        later_closes = tok.lean is _Lean.CLOSE


def _settle_dropped_letters(text: str, tokens: list[_Token]) -> None:
    """`fishin' ' he said`: a word-final apostrophe (a dropped letter) then a lone mark between spaces. The lone
    mark is the closer, typed with a space before it; the apostrophe belongs to the word."""
    for a, b in zip(tokens, tokens[1:]):
        if a.mark == b.mark == "'" and a.lean is _Lean.CLOSE and a.prev.isalnum() and b.pos == a.pos + 2 \
                and text[a.pos + 1] == " " and not b.next.isalnum():
            a.lean, b.lean = _Lean.NONE, _Lean.CLOSE
