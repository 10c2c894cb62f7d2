"""The sieves that attribute a quote from what stands around it: cues, credits, introducers, names.

Each is a function of (Context, QuoteCase) returning a Found or None (order.py runs them in order).
The dialogue sieves, which read the quotes before, are in dialogue.py.
"""
from __future__ import annotations

from bisect import bisect_right

from ..cues import tags
from ..cues.finder import CueMatch
from ..model import QuotedSpan, SieveName, Span
from ..rules import CueClass
from ..speakers import beats, mentions
from ..speakers.mentions import MentionForm
from .ancestry import Ancestry
from .context import Context, Found, QuoteCase, sieve


@sieve(SieveName.CUE_IN_SENTENCE)
def cue_in_sentence(ctx: Context, case: QuoteCase) -> Found | None:
    """The nearest cue with a source in the quote's sentence (or the sentence after, beyond the quote), between
    its neighbouring quotes, in its paragraphs, at most max_cue_gap away; else a cue right after a closing mark
    inside the quote. A short quote takes only a speech cue that governs it ("predicted “tangible gains”")."""
    q, layout = case.quote, ctx.layout
    lo = ctx.quoted[case.index - 1].content.end if case.index > 0 else 0
    hi = ctx.quoted[case.index + 1].open_mark.start if case.index + 1 < len(ctx.quoted) else len(ctx.text)
    lo = max(lo, layout.paragraph_span(case.first_para).start)
    hi = min(hi, layout.paragraph_span(case.last_para).end)
    a, b = bisect_right(ctx.sourced_starts, lo), bisect_right(ctx.sourced_starts, hi)
    q_sents = {layout.sentence(q.open_mark.start), layout.sentence(max(q.content.start, q.content.end - 1))}
    best, best_gap = None, None
    for cue in ctx.sourced[a:b]:
        gap = _cue_gap(cue, q)
        cue_sent = layout.sentence(cue.span.start)
        near = cue_sent in q_sents or (cue_sent - 1 in q_sents and cue.span.start > q.content.end)
        if gap <= ctx.parameters.max_cue_gap and near and (best_gap is None or gap < best_gap):
            best, best_gap = cue, gap
    if best is None:
        best = ctx.interrupting.get(case.index)
    if best is None or (case.short and (best.cls is not CueClass.SPEECH or not _governed_by(ctx, q.content, best))):
        return None
    return Found(ctx.source_of(best), best)


@sieve(SieveName.DIALOGUE_TAG)
def dialogue_tag(ctx: Context, case: QuoteCase) -> Found | None:
    """A speech or dialogue verb and its speaker right beside the quote's marks, read from the words' order
    (cues/tags.py): “…,” asked Winterbourne; “…,” he went on; said he, “…”. Short quotes too: a tag beside the
    marks is no scare quote ("“Well!” he said")."""
    tag = tags.dialogue_tag(ctx.doc, ctx.text, case.quote, ctx.rules)
    if tag is None:
        return None
    cls = ctx.rules.cue_verbs.get(tag.lemma, CueClass.DIALOGUE)
    return Found(ctx.index.local_mention(tag.speaker), CueMatch(tag.verb, tag.lemma, cls, tag.span))


@sieve(SieveName.DASH_CREDIT)
def dash_credit(ctx: Context, case: QuoteCase) -> Found | None:
    """A vox-pop credit after the closing mark: “…” ― Jane Doe."""
    head = mentions.dash_credit(ctx.doc, ctx.text, case.quote)
    return Found(ctx.index.local_mention(head)) if head is not None else None


@sieve(SieveName.COLON_INTRODUCER)
def colon_introducer(ctx: Context, case: QuoteCase) -> Found | None:
    """The sentence a colon ends right before the quote introduces it: its cue, else its subject when that is a
    name or a pronoun ("She then turned to the crowd: “…”"). A cue further back is another report."""
    colon = mentions.colon_before(ctx.text, case.quote)
    if colon is None:
        return None
    colon_sent = ctx.layout.sentence(colon)
    i = bisect_right(ctx.sourced_starts, colon + 1) - 1
    if i >= 0 and ctx.layout.sentence(ctx.sourced[i].span.start) == colon_sent:
        cue = ctx.sourced[i]
        return Found(ctx.source_of(cue), cue)
    subject = mentions.sentence_subject(ctx.doc, ctx.layout.sents[colon_sent].root.i)
    if subject is None:
        return None
    mention = ctx.index.local_mention(subject)
    return Found(mention) if mention.form in (MentionForm.NAME, MentionForm.PRONOUN) else None


@sieve(SieveName.ACTION_BEAT)
def action_beat(ctx: Context, case: QuoteCase) -> Found | None:
    """The subject of the narration sentence right beside an untagged line in its paragraph, when that is a
    person's name or a personal pronoun: "He began to stammer. “I never meant it.”" (speakers/beats.py)."""
    if _paragraph_cue(ctx, case) is not None:
        return None  # a cue with its speaker earlier in the paragraph says more than an action does
    head = beats.action_beat(ctx.doc, ctx.text, case.quote, ctx.layout.paragraph_span(case.first_para), ctx.rules)
    return Found(ctx.index.local_mention(head)) if head is not None else None


@sieve(SieveName.PARAGRAPH_CUE)
def paragraph_cue(ctx: Context, case: QuoteCase) -> Found | None:
    """The last cue with a source earlier in the quote's paragraph: "Tester spoke on Thursday. “…”"."""
    return _paragraph_cue(ctx, case)


def _paragraph_cue(ctx: Context, case: QuoteCase) -> Found | None:
    i = bisect_right(ctx.sourced_starts, case.quote.open_mark.start) - 1
    if i < 0 or ctx.layout.paragraph(ctx.sourced[i].span.start) != case.first_para:
        return None
    cue = ctx.sourced[i]
    return Found(ctx.source_of(cue), cue)


@sieve(SieveName.SINGLE_CANDIDATE)
def single_candidate(ctx: Context, case: QuoteCase) -> Found | None:
    """The only person named in the quote's paragraph, outside the quote."""
    para = ctx.layout.paragraph_span(case.first_para)
    sole = ctx.index.sole_person((para.start, case.quote.open_mark.start), (case.end, para.end))
    return Found(ctx.index.local_mention(sole[0])) if sole is not None else None


@sieve(SieveName.UNATTRIBUTED)
def unattributed(ctx: Context, case: QuoteCase) -> Found | None:
    """A quotation all the same, with nobody found to have said it."""
    return Found(None)


def _cue_gap(cue: CueMatch, q: QuotedSpan) -> int:
    if cue.span.end <= q.open_mark.start:
        return q.open_mark.start - cue.span.end
    end = q.close_mark.end if q.close_mark else q.content.end
    return max(0, cue.span.start - end)


def _governed_by(ctx: Context, span: Span, cue: CueMatch) -> bool:
    """Whether the cue word is an ancestor of the quoted words in the parse."""
    words = ctx.doc.char_span(span.start, span.end, alignment_mode="expand")
    if words is None or len(words) == 0:
        return False
    if ctx.ancestry is None:
        ctx.ancestry = Ancestry(ctx.doc)
    return ctx.ancestry.governs(cue.token, ctx.ancestry.root(words.start, words.end))
