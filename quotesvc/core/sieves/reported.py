"""Reported speech: indirect and mixed quotes from the content clauses of cues.

A cue with a source and a content ("Carter said countries can help") is an indirect quote, reported under
the rule "<content pattern>/<source pattern>" with the lower of the two patterns' confidences (times
belief_factor for belief cues, times reported_factor for every report). Content holding quoted words is a
mixed quote, which takes the direct quotes inside it; a report inside another's content is part of the
outer one; a quoted fragment in the sentence of a report by the same cue joins it.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from ..cues.finder import CueMatch
from ..model import QuoteKind, SieveName, Span
from ..reach import Reach
from ..rules import CueClass
from ..speakers.mentions import MentionForm
from .context import Context, Draft, ReportRule


def add_reported(ctx: Context, direct: list[Draft]) -> list[Draft]:
    """The direct drafts a surviving mixed quote does not absorb, and the reported ones."""
    reported = _drop_nested([d for cue in ctx.cues for d in _reports(ctx, cue)])
    # Only a mixed quote that survives takes its direct quotes with it. Each holds a run of quoted spans
    # (indices lo..hi-1): the runs are marked by their ends and summed once, not listed quote by quote.
    marks = [0] * (len(ctx.quoted) + 1)
    for d in reported:
        if d.absorbed:
            marks[d.absorbed.start] += 1
            marks[d.absorbed.stop] -= 1
    absorbed, depth = set(), 0
    for q, mark in zip(ctx.quoted, marks):
        depth += mark
        if depth:
            absorbed.add(q.content.start)
    kept = [d for d in direct if d.span.start not in absorbed]
    return _join_fragments(ctx, kept, reported)


def _reports(ctx: Context, cue: CueMatch) -> list[Draft]:
    """The reports of one cue: one per fragment of its most confident content its source may have."""
    src = cue.best_source()
    if src is None:
        return []
    mention = ctx.index.local_mention(src.token)
    contents = [c for c in cue.contents if mention.form is not MentionForm.RELATIVE or c.rule.relative_source]
    content = max(contents, key=lambda c: c.rule.confidence, default=None)
    if content is None:
        return []
    p = ctx.parameters
    confidence = min(src.rule.confidence, content.rule.confidence)
    if cue.cls is CueClass.BELIEF:
        confidence *= p.belief_factor
    confidence = round(confidence * p.reported_factor, 3)
    rule = ReportRule(content.rule.id, src.rule.id)
    out = []
    for frag in content.fragments:
        # The quoted spans are disjoint and in text order, so those a fragment overlaps are one run, found
        # by bisection, and read by its ends: a fragment may hold thousands of them (a flood of cues).
        inner = _overlapping(ctx, frag)
        frag = _balanced(ctx, frag, inner)
        kind = QuoteKind.INDIRECT
        if inner:
            first, last = ctx.quoted[inner.start], ctx.quoted[inner.stop - 1]
            if not (frag.contains(first.content) and frag.contains(last.content)):
                continue  # the content runs into a quote it does not contain: leave it to the direct sieves
            inside = ctx.content_lengths[inner.stop] - ctx.content_lengths[inner.start]
            if len(frag) - inside < p.min_mixed_outside:
                continue  # the content is the quote itself; the direct sieves own it
            kind = QuoteKind.MIXED
        out.append(Draft(frag, kind, cue, mention, confidence, rule, inner))
    return out


def _overlapping(ctx: Context, frag: Span) -> range:
    """The indices of the quoted spans whose content overlaps the fragment (a run: they are disjoint, in order)."""
    lo = bisect_right(ctx.content_ends, frag.start)  # the first content ending after the fragment starts
    hi = bisect_left(ctx.content_starts, frag.end)  # past the last content starting before the fragment ends
    return range(lo, max(lo, hi))


def _balanced(ctx: Context, frag: Span, inner: range) -> Span:
    """A quote that starts inside the content and closes just past it ("would be “a disaster.”", whose trailing
    stop and mark were trimmed) belongs to it whole; a quote that opens the content keeps its opening mark."""
    if inner:
        last = ctx.quoted[inner.stop - 1].content  # the latest start and, the spans being disjoint, the latest end
        tail = last.end if last.start >= frag.start else frag.end
        if frag.end < tail <= frag.end + 3:
            frag = Span(frag.start, tail)
        # Contents starting at frag.start or the character after: the first of them opens the content.
        i = bisect_left(ctx.content_starts, frag.start, inner.start, inner.stop)
        if i < inner.stop and ctx.quoted[i].content.start - frag.start <= 1:
            return Span(min(ctx.quoted[i].open_mark.start, frag.start), frag.end)
    return frag


def _drop_nested(drafts: list[Draft]) -> list[Draft]:
    """A report inside the content of another is part of what the outer source said.

    "Smith said that Jones had told aides to leave": one attribution, to Smith; Jones's words are
    Smith's claim. Likewise "He said he thinks X": the inner belief of the same speaker.
    """
    reach = Reach(d.span for d in drafts)
    out = []
    for d in drafts:
        assert d.cue is not None and d.mention is not None
        span = d.span
        # A longer span holds this one: it starts at or before it and ends past it, or starts before it and
        # ends where it does.
        if reach.furthest(span.start, True) > span.end or reach.furthest(span.start, False) >= span.end:
            continue
        inner = reach.furthest(d.cue.span.start, True, other_than=span) > d.cue.span.start
        if inner and (d.cue.cls is CueClass.BELIEF or d.mention.form is MentionForm.PRONOUN):
            continue
        out.append(d)
    return out


def _join_fragments(ctx: Context, direct: list[Draft], reported: list[Draft]) -> list[Draft]:
    """A quoted fragment in the sentence of a report by the same cue is part of that report.

    'She called the governor "the most extreme pick" and someone who "threatened our rights"': the
    content clause holds the first fragment; the second, outside the parse's clause, still belongs to
    the same report, which becomes one mixed quote.
    """
    by_content = {q.content.start: q for q in ctx.quoted}
    by_cue: dict[int, int] = {}
    for i, r in enumerate(reported):
        if r.cue is not None:
            by_cue.setdefault(r.cue.token, i)
    sentence = ctx.layout.sentence
    out = []
    for d in direct:
        q = by_content.get(d.span.start)
        i = by_cue.get(d.cue.token) if d.cue is not None and d.rule is SieveName.CUE_IN_SENTENCE else None
        if q is None or i is None or sentence(q.open_mark.start) != sentence(reported[i].span.start) \
                or not _is_fragment(ctx, q):
            out.append(d)
            continue
        r = reported[i]
        span = Span(min(r.span.start, q.open_mark.start), max(r.span.end, q.content.end))
        reported[i] = Draft(span, QuoteKind.MIXED, r.cue, r.mention, r.confidence, r.rule)
    return out + reported


def _is_fragment(ctx: Context, q: QuotedSpan) -> bool:
    """Words from inside a sentence ("the most extreme pick"), not a quoted sentence of their own."""
    content = q.content.of(ctx.text).strip()
    return content[:1].islower() or len(content.split()) <= ctx.parameters.max_fragment_words
