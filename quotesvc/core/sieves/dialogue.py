"""The sieves that attribute a quote with no cue from the quotes before it: turn-taking and continuation.

Both read Context.last_in_paragraph, the last attribution made in each paragraph so far.
"""
from __future__ import annotations

from ..model import SieveName
from .context import Context, Draft, Found, QuoteCase, sieve


def _opens_paragraph(ctx: Context, case: QuoteCase) -> bool:
    return case.quote.open_mark.start - ctx.layout.paragraph_span(case.first_para).start <= 1


def _previous(ctx: Context, case: QuoteCase) -> Draft | None:
    """The quote this one would continue: the last in its paragraph, else, when it opens its paragraph, the last
    of the paragraph before."""
    prev = ctx.last_in_paragraph.get(case.first_para)
    if prev is None and _opens_paragraph(ctx, case):
        prev = ctx.last_in_paragraph.get(case.first_para - 1)
    return prev


@sieve(SieveName.TURN_TAKING)
def turn_taking(ctx: Context, case: QuoteCase) -> Found | None:
    """Two people taking turns (features, fiction): in a run of short quote paragraphs by two alternating
    speakers, not three, a quote paragraph with no cue is the speaker's before last."""
    para = case.first_para
    if para in ctx.last_in_paragraph or not _opens_paragraph(ctx, case):
        return None
    prev, earlier = ctx.last_in_paragraph.get(para - 1), ctx.last_in_paragraph.get(para - 2)
    if prev is None or earlier is None or prev.mention is None or earlier.mention is None:
        return None
    resolve = ctx.index.resolve
    if not _conversational(ctx, case, prev, earlier) or resolve(prev.mention) is resolve(earlier.mention):
        return None
    before = ctx.last_in_paragraph.get(para - 3)
    if before is not None and before.mention is not None:
        who = resolve(before.mention)
        if who is not resolve(prev.mention) and who is not resolve(earlier.mention):
            return None  # the turn before the last two is a third person's: nobody simply alternates
    return Found(earlier.mention, earlier.cue)


@sieve(SieveName.CONTINUATION)
def continuation(ctx: Context, case: QuoteCase) -> Found | None:
    """A quote with no cue continues the previous quote's speaker, in its paragraph or, when it opens its
    paragraph, in the paragraph before."""
    prev = _previous(ctx, case)
    if prev is None or prev.mention is None:
        return None
    return Found(prev.mention, prev.cue)


def _conversational(ctx: Context, case: QuoteCase, prev: Draft, earlier: Draft) -> bool:
    """Short turns, each nearly all of its paragraph: an exchange, not quotes set in narrative.

    In news a paragraph reporting someone ("Massie said Trump had “the opportunity”") is followed by
    more of the same speaker, not by the speaker before; only a run of bare lines of dialogue
    ("“Hello,” said Anne.") alternates.
    """
    text, p = ctx.text, ctx.parameters
    if len(case.quote.content.of(text).split()) > p.max_turn_words:
        return False
    for d in (prev, earlier):
        para = ctx.layout.paragraph_span(ctx.layout.paragraph(d.span.start))
        words = len(d.span.of(text).split())
        if words > p.max_turn_words or len(para.of(text).split()) - words > p.max_turn_narration:
            return False
    return True
