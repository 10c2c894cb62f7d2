"""Continuation: a quote with no cue from the quote before it (conversation.py infers the turns of a dialogue).

It reads Context.last_in_paragraph, the last attribution made in each paragraph so far.
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


@sieve(SieveName.CONTINUATION)
def continuation(ctx: Context, case: QuoteCase) -> Found | None:
    """A quote with no cue continues the previous quote's speaker, in its paragraph or, when it opens its
    paragraph, in the paragraph before."""
    prev = _previous(ctx, case)
    if prev is None or prev.mention is None:
        return None
    return Found(prev.mention, prev.cue, prev.entity)
