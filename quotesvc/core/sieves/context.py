"""What every sieve reads: one Context per document, one QuoteCase per quoted span, and what they answer.

A sieve is a function of (Context, QuoteCase) named by a SieveName; its confidence is the one
rules/sieves.jsonl gives that name. The Context is built once per document, after the transcript turns
are known, and holds the only state that changes while the quotes are sieved in text order: the last
attribution made in each paragraph (continuation and turn-taking read it).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Callable, Sequence

from spacy.tokens import Doc

from ..cues.finder import CueMatch, interrupts, sources_outside
from ..model import QuotedSpan, QuoteKind, SieveName, SourceText, Span
from ..quotemarks import QuoteLookup
from ..reach import Reach
from ..rules import Parameters, Rules
from ..speakers.index import SpeakerIndex
from ..speakers.mentions import LocalMention

if TYPE_CHECKING:
    from ..speakers.index import Entity
    from .ancestry import Ancestry
    from .conversation import Conversations


@dataclass(frozen=True, slots=True)
class ReportRule:
    """The rule of an indirect or mixed quote: the ids of its content and source patterns."""

    content: str
    source: str

    def __str__(self) -> str:
        return f"{self.content}/{self.source}"


@dataclass(slots=True)
class Draft:
    """An attribution before its mention is resolved to a speaker."""

    span: Span
    kind: QuoteKind
    cue: CueMatch | None
    mention: LocalMention | None
    confidence: float
    rule: SieveName | ReportRule
    absorbed: range = range(0)  # the indices in Context.quoted of the direct quotes a mixed quote holds
    entity: "Entity | None" = None  # the speaker a conversation decided on; None: the index resolves the mention

    @property
    def rule_name(self) -> str:
        return self.rule.value if isinstance(self.rule, SieveName) else str(self.rule)


@dataclass(frozen=True, slots=True)
class Found:
    """What a sieve found for a quote: the mention it rests on (None: nobody) and the cue, if any."""

    mention: LocalMention | None
    cue: CueMatch | None = None
    entity: "Entity | None" = None  # set where the conversation, not the mention alone, tells who it is


@dataclass(frozen=True, slots=True)
class Rejected:
    """A quoted span a filter found to be no quotation."""


REJECTED = Rejected()
Outcome = Draft | Rejected | None  # what the sieves above a model made of one quote (None: nothing yet)


@dataclass(frozen=True, slots=True)
class DocumentModel:
    """A step that reads what the sieves above it made of every quote of the document and stores what it infers
    in the Context for the sieves below it (the conversations: who talks with whom). It may also settle who a
    draft's mention is (Draft.entity), where the document, not the mention's own words, tells."""

    name: str
    build: Callable[["Context", Sequence[Outcome]], None]


@dataclass(frozen=True, slots=True)
class QuoteSieve:
    """One named sieve: `find` answers a Found, or None to leave the quote to the next sieve."""

    name: SieveName
    find: Callable[["Context", "QuoteCase"], Found | None]


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    """A test that a quoted span is no quotation at all (a title, a scare quote): no later sieve sees it."""

    rejects: Callable[["Context", "QuoteCase"], bool]


def sieve(name: SieveName) -> Callable[[Callable[["Context", "QuoteCase"], Found | None]], QuoteSieve]:
    """Decorator: the function is the sieve called `name`."""
    return lambda find: QuoteSieve(name, find)


class Layout:
    """Paragraph and sentence lookups by character offset, built once per document."""

    def __init__(self, doc: Doc, source: SourceText) -> None:
        self.para_starts = [p.span.start for p in source.paragraphs]
        self.paragraphs = source.paragraphs
        self.text_length = len(source.text)
        self.sents = sents = list(doc.sents)
        self.sent_starts = [s.start_char for s in sents]

    def paragraph(self, offset: int) -> int:
        return max(0, bisect_right(self.para_starts, offset) - 1)

    def paragraph_span(self, index: int) -> Span:
        """Paragraph `index`'s span; the whole text when there are no paragraphs (a blank text)."""
        return self.paragraphs[index].span if self.paragraphs else Span(0, self.text_length)

    def sentence(self, offset: int) -> int:
        return max(0, bisect_right(self.sent_starts, offset) - 1)


@dataclass(frozen=True, slots=True)
class QuoteCase:
    """One quoted span as the sieves see it."""

    index: int  # in Context.quoted
    quote: QuotedSpan
    first_para: int
    last_para: int
    short: bool  # fewer than min_uncued_words words: a phrase unless a cue governs it

    @property
    def end(self) -> int:
        """Where the quote ends, its closing mark included."""
        q = self.quote
        return q.close_mark.end if q.close_mark else q.content.end


@dataclass(slots=True)
class Context:
    doc: Doc
    text: str
    layout: Layout
    rules: Rules
    index: SpeakerIndex
    quoted: Sequence[QuotedSpan]  # outside transcript turns
    content_starts: list[int]  # where each quoted span's content starts, for bisection
    content_ends: list[int]  # where each ends (in order too: the spans are disjoint)
    content_lengths: list[int]  # the characters of contents before each quoted span: prefix sums, and the total
    cues: list[CueMatch]  # outside quotation marks, with no source inside them
    sourced: list[CueMatch]  # the cues that have a source
    sourced_starts: list[int]  # where each of them starts, for bisection
    interrupting: dict[int, CueMatch]  # quote index -> the cue inside it after a closing mark
    last_in_paragraph: dict[int, Draft] = field(default_factory=dict)  # filled as quotes are attributed
    conversations: "Conversations | None" = None  # built once the sieves before it have seen every quote
    ancestry: "Ancestry | None" = None  # built when a short quote first asks whether a cue governs it

    @property
    def parameters(self) -> Parameters:
        return self.rules.parameters

    @classmethod
    def build(cls, doc: Doc, source: SourceText, layout: Layout, quoted: Sequence[QuotedSpan],
              cues: Sequence[CueMatch], index: SpeakerIndex, rules: Rules, turns: Sequence[Span]) -> "Context":
        """Split the cues at the quotation marks, once the transcript turns (whose marks and cues are theirs)
        are known."""
        in_turns = Reach(turns)  # thousands of turns, and of quotes and cues inside them, in a long transcript
        if turns:
            quoted = [q for q in quoted if not in_turns.holds(q.content)]
        lookup = QuoteLookup(quoted)
        interrupting: dict[int, CueMatch] = {}
        outside = []
        for c in cues:
            if in_turns.covers(c.span.start):
                continue
            qi = lookup.index_at(c.span.start)
            if qi is None:
                # A source inside quotation marks is a parse that ran across the quote, never the speaker.
                outside.append(sources_outside(doc, c, lookup))
            elif qi not in interrupting and interrupts(doc, source.text, quoted[qi], c):
                interrupting[qi] = c
        sourced = [c for c in outside if c.best_source() is not None]
        return cls(doc, source.text, layout, rules, index, quoted, [q.content.start for q in quoted],
                   [q.content.end for q in quoted], list(accumulate((len(q.content) for q in quoted), initial=0)),
                   outside, sourced, [c.span.start for c in sourced], interrupting)

    def case(self, qi: int) -> QuoteCase:
        q = self.quoted[qi]
        words = len(q.content.of(self.text).split())
        return QuoteCase(qi, q, self.layout.paragraph(q.open_mark.start), self.layout.paragraph(q.content.end),
                         words < self.parameters.min_uncued_words)

    def source_of(self, cue: CueMatch) -> LocalMention:
        """The mention a cue's best source rests on."""
        src = cue.best_source()
        if src is None:
            raise ValueError(f"cue {cue.lemma!r} at {cue.span} has no source")
        return self.index.local_mention(src.token)
