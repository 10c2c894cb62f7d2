"""Continuation: a quote with no cue from the quote before it (conversation.py infers the turns of a dialogue).

It reads Context.last_in_paragraph, the last attribution made in each paragraph so far, and, for a quote
opening a paragraph after one with no quote, the reports of that paragraph: reported speech is attributed
after the quotes (reported.py), so it is read here from the cues, as that stage will read it.
"""
from __future__ import annotations

from bisect import bisect_left

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


def _last_report(ctx: Context, para: int) -> Found | None:
    """The source of a report (a cue with a source and a content) in the last sentence of paragraph `para`:
    "Owen Tull said the vote was close.¶“We will appeal.”". A sentence after the report ("The notice on the
    door was short:") has moved on from its speaker."""
    end = ctx.layout.paragraph_span(para).end
    if end == ctx.layout.paragraph_span(para).start:
        return None
    last_sentence = ctx.layout.sentence(end - 1)
    i = bisect_left(ctx.sourced_starts, end) - 1
    while i >= 0 and ctx.layout.sentence(ctx.sourced[i].span.start) == last_sentence:
        cue = ctx.sourced[i]
        if cue.contents:
            return Found(ctx.source_of(cue), cue)
        i -= 1
    return None


@sieve(SieveName.CONTINUATION)
def continuation(ctx: Context, case: QuoteCase) -> Found | None:
    """A quote with no cue continues the previous quote's speaker, in its paragraph or, when it opens its
    paragraph, in the paragraph before; when that paragraph has no quote, the speaker of its last report."""
    prev = _previous(ctx, case)
    if prev is None:  # neither paragraph has an attributed quote before this one
        return _last_report(ctx, case.first_para - 1) if case.first_para > 0 and _opens_paragraph(ctx, case) else None
    if prev.mention is None:
        return None
    return Found(prev.mention, prev.cue, prev.entity)
