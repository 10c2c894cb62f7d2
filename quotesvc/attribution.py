"""Attribution sieves: which quotes there are, and who said each.

Most precise first (after Muzny et al. 2017): a cue in the quote's own sentence, then a cue in
the paragraph before a colon, then continuation of the previous quote, then the single person in
the paragraph. Indirect and mixed quotes come from cues with a content clause.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc

from .cues import CueMatch, find_cues
from .model import Cue, Mention, Options, Quote, QuotedSpan, QuoteKind, SourceText, Span, Speaker, SpeakerRef
from .rules import CueClass, Rules
from .speakers import LocalMention, SpeakerIndex

# A quoted phrase this short with no cue of its own is a scare quote, a title or a nickname.
MIN_UNCUED_WORDS = 4
# How far (characters) a cue may stand from its quote and still belong to it.
MAX_CUE_GAP = 220

CONFIDENCE = {
    "cue-in-sentence": 0.9,
    "colon-introducer": 0.85,
    "continuation": 0.75,
    "paragraph-cue": 0.7,
    "single-candidate": 0.5,
    "unattributed": 0.2,
}


@dataclass(slots=True)
class _Draft:
    span: Span
    kind: QuoteKind
    cue: CueMatch | None
    mention: LocalMention | None
    confidence: float
    rule: str


class _Layout:
    """Paragraph and sentence lookups by character offset, built once per document."""

    def __init__(self, doc: Doc, source: SourceText) -> None:
        self.para_starts = [p.span.start for p in source.paragraphs]
        self.paragraphs = source.paragraphs
        sents = list(doc.sents)
        self.sent_starts = [s.start_char for s in sents]
        self.sent_ends = [s.end_char for s in sents]

    def paragraph(self, offset: int) -> int:
        return max(0, bisect_right(self.para_starts, offset) - 1)

    def sentence(self, offset: int) -> int:
        return max(0, bisect_right(self.sent_starts, offset) - 1)


def attribute_doc(doc: Doc, source: SourceText, quoted: Sequence[QuotedSpan], rules: Rules,
                  matcher: DependencyMatcher, options: Options) -> tuple[list[Quote], list[Speaker]]:
    text = source.text
    layout = _Layout(doc, source)
    q_starts = [q.open_mark.start for q in quoted]

    def inside_quote(offset: int) -> bool:
        i = bisect_right(q_starts, offset) - 1
        if i < 0:
            return False
        q = quoted[i]
        end = q.close_mark.end if q.close_mark else q.content.end
        return offset < end

    cues = [c for c in find_cues(doc, rules, matcher) if not inside_quote(c.span.start)]
    index = SpeakerIndex(doc, rules)
    drafts = _direct(doc, text, quoted, cues, layout, index)
    if options.indirect:
        drafts = _indirect(doc, quoted, cues, drafts, index)
    drafts.sort(key=lambda d: d.span.start)
    return _finish(text, drafts, index)


def _cue_gap(cue: CueMatch, q: QuotedSpan) -> int:
    if cue.span.end <= q.open_mark.start:
        return q.open_mark.start - cue.span.end
    end = q.close_mark.end if q.close_mark else q.content.end
    return max(0, cue.span.start - end)


def _direct(doc: Doc, text: str, quoted: Sequence[QuotedSpan], cues: list[CueMatch], layout: _Layout,
            index: SpeakerIndex) -> list[_Draft]:
    cue_starts = [c.span.start for c in cues]
    sourced = [c for c in cues if c.best_source() is not None]
    sourced_starts = [c.span.start for c in sourced]
    drafts: list[_Draft] = []
    prev_by_para: dict[int, _Draft] = {}
    for qi, q in enumerate(quoted):
        first_para = layout.paragraph(q.open_mark.start)
        last_para = layout.paragraph(q.content.end)
        lo = quoted[qi - 1].content.end if qi > 0 else 0
        hi = quoted[qi + 1].open_mark.start if qi + 1 < len(quoted) else len(text)
        # Cues between the neighbouring quotes, in the quote's first or last paragraph.
        pa_lo = layout.paragraphs[first_para].span.start if layout.paragraphs else 0
        pa_hi = layout.paragraphs[last_para].span.end if layout.paragraphs else len(text)
        lo, hi = max(lo, pa_lo), min(hi, pa_hi)
        a, b = bisect_right(sourced_starts, lo), bisect_right(sourced_starts, hi)
        q_sents = {layout.sentence(q.open_mark.start), layout.sentence(max(q.content.start, q.content.end - 1))}
        best, best_gap = None, None
        for cue in sourced[a:b]:
            gap = _cue_gap(cue, q)
            cue_sent = layout.sentence(cue.span.start)
            near = cue_sent in q_sents or (cue_sent - 1 in q_sents and cue.span.start > q.content.end)
            if gap > MAX_CUE_GAP or not near:
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = cue, gap
        draft = None
        if best is not None:
            draft = _Draft(q.content, QuoteKind.DIRECT, best, index.local_mention(best.best_source().token),
                           CONFIDENCE["cue-in-sentence"], "cue-in-sentence")
        else:
            draft = _uncued(text, q, qi, quoted, sourced, sourced_starts, layout, prev_by_para, index, first_para)
        if draft is None:
            continue
        words = len(q.content.of(text).split())
        if words < MIN_UNCUED_WORDS and draft.rule not in ("cue-in-sentence",):
            continue
        drafts.append(draft)
        prev_by_para[last_para] = draft
    return drafts


def _uncued(text, q, qi, quoted, sourced, sourced_starts, layout, prev_by_para, index, para) -> _Draft | None:
    # Colon introducer: "Asseri said:" ending the previous paragraph, or earlier in this one.
    before = text[:q.open_mark.start].rstrip()
    para_start = layout.paragraphs[para].span.start if layout.paragraphs else 0
    if before.endswith(":"):
        i = bisect_right(sourced_starts, len(before)) - 1
        if i >= 0 and layout.paragraph(sourced[i].span.start) >= para - 1:
            cue = sourced[i]
            return _Draft(q.content, QuoteKind.DIRECT, cue, index.local_mention(cue.best_source().token),
                          CONFIDENCE["colon-introducer"], "colon-introducer")
    prev = prev_by_para.get(para)
    if prev is None and q.open_mark.start - para_start <= 1:
        prev = prev_by_para.get(para - 1)
    if prev is not None and prev.mention is not None:
        return _Draft(q.content, QuoteKind.DIRECT, prev.cue, prev.mention, CONFIDENCE["continuation"], "continuation")
    # A cue earlier in the same paragraph: "Tester spoke on Thursday. “…”"
    i = bisect_right(sourced_starts, q.open_mark.start) - 1
    if i >= 0 and layout.paragraph(sourced[i].span.start) == para:
        cue = sourced[i]
        return _Draft(q.content, QuoteKind.DIRECT, cue, index.local_mention(cue.best_source().token),
                      CONFIDENCE["paragraph-cue"], "paragraph-cue")
    return _Draft(q.content, QuoteKind.DIRECT, None, None, CONFIDENCE["unattributed"], "unattributed")


def _indirect(doc: Doc, quoted: Sequence[QuotedSpan], cues: list[CueMatch], drafts: list[_Draft],
              index: SpeakerIndex) -> list[_Draft]:
    direct_by_start = {d.span.start: d for d in drafts}
    absorbed: set[int] = set()
    q_starts = [q.content.start for q in quoted]
    out: list[_Draft] = []
    for cue in cues:
        src, content = cue.best_source(), cue.best_content()
        if src is None or content is None:
            continue
        confidence = min(src.rule.confidence, content.rule.confidence)
        if cue.cls is CueClass.BELIEF:
            confidence *= 0.7
        rule = f"{content.rule.id}/{src.rule.id}"
        mention = index.local_mention(src.token)
        for frag in content.fragments:
            inner = [q for q in quoted[max(0, bisect_right(q_starts, frag.start) - 1):bisect_right(q_starts, frag.end)]
                     if q.content.overlaps(frag)]
            kind = QuoteKind.INDIRECT
            if inner:
                if any(not frag.contains(q.content) for q in inner):
                    continue  # the content runs into a quote it does not contain: leave it to the direct sieves
                outside = len(frag) - sum(len(q.content) for q in inner)
                if outside <= 8:
                    continue  # the content is the quote itself; the direct sieves own it
                kind = QuoteKind.MIXED
                absorbed.update(q.content.start for q in inner)
            out.append(_Draft(frag, kind, cue, mention, round(confidence * 0.95, 3), rule))
    kept = [d for start, d in direct_by_start.items() if start not in absorbed]
    return kept + out


def _finish(text: str, drafts: list[_Draft], index: SpeakerIndex) -> tuple[list[Quote], list[Speaker]]:
    quotes: list[Quote] = []
    used: set[str] = set()
    resolved: dict[tuple[int, int], object] = {}
    for n, d in enumerate(drafts, 1):
        qid = f"q{n}"
        speaker = None
        if d.mention is not None:
            key = (d.mention.span.start, d.mention.span.end)
            entity = resolved.get(key)
            if entity is None:
                entity = resolved[key] = index.resolve(d.mention)
                index.note_role(entity, d.mention.head)
            entity.quotes.append(qid)
            mention = Mention(d.mention.span, d.mention.text)
            if mention not in entity.mentions:
                entity.mentions.append(mention)
            used.add(entity.id)
            speaker = SpeakerRef(entity.name, mention, entity.id, entity.kind)
        cue = None
        if d.cue is not None:
            cue = Cue(d.cue.span, d.cue.span.of(text), d.cue.lemma)
        quotes.append(Quote(qid, d.span, d.span.of(text), d.kind, speaker, cue, d.confidence, d.rule))
    return quotes, index.speakers(used)
