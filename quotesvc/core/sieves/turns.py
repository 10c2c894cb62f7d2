"""The turns of a document's dialogue, as conversation.py reads them: each paragraph with quotes that reads as a
line of dialogue, with the narration words before it, its first tagged draft, the people its quotes name and
address, and the people the narration since the turn before names. One pass over the quotes and paragraphs.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from enum import Enum
from typing import Sequence

from ..model import QuotedSpan, Span
from ..speakers.index import Entity, Occurrence
from ..speakers.mentions import LocalMention
from .context import Context, Draft, Outcome

# Characters that may stand right before a name said to someone ("Yes, Lizzy", "Oh! Mr. Darcy") and right after
# it ("Lizzy, come", "…, Mr. Darcy?"); the quote's own edges count too.
_BEFORE_VOCATIVE = frozenset(",!?;:.—–-(")
_AFTER_VOCATIVE = frozenset(",!?;.—–-)")
_VOCATIVE_WORDS = frozenset({"dear", "dearest", "oh", "o", "ah", "my"})  # my dear Watson, oh Jane


class Reason(str, Enum):
    ADDRESSEE = "addressee"  # the person the line before addressed answers
    TURN = "turn"  # the other of the last two speakers


@dataclass(slots=True)
class Turn:
    para: int  # its first paragraph
    quotes: list[int]  # indices in Context.quoted
    gap: int  # words of narration between the turn before and this one; -1 for a document's first turn
    tagged: Draft | None = None  # the first draft the sieves above made for one of its quotes
    speaker: Entity | None = None
    mention: LocalMention | None = None  # the words the speaker rests on
    reason: Reason | None = None  # how an untagged turn's speaker was inferred
    addressed: list[tuple[Entity, Occurrence]] = field(default_factory=list)
    named: set[int] = field(default_factory=set)  # ids of the people named inside its quotes
    present: list[Occurrence] = field(default_factory=list)  # people named in the narration since the turn before
    bare: bool = False  # its paragraph is nothing but its quotes



def read_turns(ctx: Context, outcomes: Sequence[Outcome]) -> list[Turn]:
    """The document's turns in text order: each paragraph with a quote that is not rejected."""
    text, layout = ctx.text, ctx.layout
    turns: list[Turn] = []
    last_para = -1
    narrative = -1  # the last paragraph found to be narration that quotes, not a line of dialogue
    for qi, q in enumerate(ctx.quoted):
        outcome = outcomes[qi]
        if outcome is not None and not isinstance(outcome, Draft):
            continue  # rejected: no quotation
        para = layout.paragraph(q.open_mark.start)
        if para == narrative:
            continue
        if turns and para == turns[-1].para:
            turn = turns[-1]
        elif turns and para <= last_para:
            continue  # inside a quote that runs over paragraphs: the turn of its first
        else:
            if not _spoken(ctx, para, q):
                narrative = para
                continue
            gap = -1
            if turns:
                gap = sum(len(layout.paragraph_span(p).of(text).split()) for p in range(last_para + 1, para))
            turn = Turn(para, [], gap)
            # The people the narration since the turn before names: who may be in the conversation it opens.
            since = layout.paragraph_span(last_para + 1).start if turns else 0
            turn.present = [o for o in ctx.index.names_in(since, layout.paragraph_span(para).end)
                            if not o.in_quote and not _modifier(ctx, o)]
            turns.append(turn)
        turn.quotes.append(qi)
        last_para = max(last_para, para, layout.paragraph(max(q.content.start, q.content.end - 1)))
        if len(turn.quotes) == 1:
            span = layout.paragraph_span(para)
            turn.bare = not (text[span.start:q.open_mark.start].strip() or
                             text[(q.close_mark or q.content).end:span.end].strip())
        if turn.tagged is None and isinstance(outcome, Draft) and outcome.mention is not None:
            turn.tagged = outcome
        _read_names(ctx, turn, q)
    return turns


def _spoken(ctx: Context, para: int, first: QuotedSpan) -> bool:
    """Whether a paragraph reads as a line of dialogue: it opens with its quote, or tells little besides it. A
    paragraph of narration that quotes someone ("Morrow said the council had been “asleep at the wheel”") is no
    turn of a conversation: it ends one."""
    span = ctx.layout.paragraph_span(para)
    if not ctx.text[span.start:first.open_mark.start].strip():
        return True
    if first.content.of(ctx.text).lstrip()[:1].islower():
        return False  # a fragment of a sentence, quoted in narration
    quoted = sum(len(q.content.of(ctx.text).split()) for q in _quotes_in(ctx, span))
    return len(span.of(ctx.text).split()) - quoted <= ctx.parameters.max_turn_narration


def _quotes_in(ctx: Context, span: Span) -> list[QuotedSpan]:
    lo = bisect_left(ctx.content_starts, span.start)
    hi = bisect_left(ctx.content_starts, span.end)
    return list(ctx.quoted[lo:hi])


def _read_names(ctx: Context, turn: Turn, q: QuotedSpan) -> None:
    """The people named inside a quote of the turn, and those it addresses."""
    text = ctx.text
    for occ in ctx.index.names_in(q.content.start, q.content.end):
        turn.named.add(id(occ.entity))
        head = ctx.doc[occ.head]
        end = head.idx + len(head)
        # The word before the name and the character after it, read where they are: slicing the quote from
        # its start to each name is quadratic in a quote of thousands of names.
        before = last_word(text, q.content.start, occ.start)
        after = first_char(text, end, q.content.end)
        opens = not before or before[-1] in _BEFORE_VOCATIVE or before.lower().strip(",!") in _VOCATIVE_WORDS
        closes = not after or after in _AFTER_VOCATIVE
        # One calls someone by one name, or a title and a name ("Lizzy", "Mr. Darcy"); a full name between
        # commas is a list or an apposition ("…, Barry Goldwater.").
        words = text[occ.start:end].split()
        short = len(words) == 1 or (len(words) == 2 and words[0].rstrip(".").lower() in ctx.rules.titles)
        if opens and closes and short:
            turn.addressed.append((occ.entity, occ))


def last_word(text: str, start: int, end: int) -> str:
    """text[start:end].rstrip().rsplit(None, 1)[-1] ("" when that is blank), reading back from `end` only as far as
    the word."""
    j = end
    while j > start and text[j - 1].isspace():
        j -= 1
    i = j
    while i > start and not text[i - 1].isspace():
        i -= 1
    return text[i:j] if j > start else ""


def first_char(text: str, start: int, end: int) -> str:
    """text[start:end].lstrip()[:1], reading on from `start` only past the white space."""
    while start < end and text[start].isspace():
        start += 1
    return text[start] if start < end else ""


def _modifier(ctx: Context, occ: Occurrence) -> bool:
    """Whether a name only qualifies a common noun ("her Berber silk", "a Picasso print"): NER takes such words for
    people, but nobody is in the scene."""
    head = ctx.doc[occ.head]
    return head.dep_ in ("compound", "amod") and head.head.pos_ == "NOUN"
