"""Attribution sieves: which quotes there are, and who said each.

Most precise first (after Muzny et al. 2017): a cue in the quote's own sentence, then a cue in
the paragraph before a colon, then continuation of the previous quote, then the single person in
the paragraph. Indirect and mixed quotes come from cues with a content clause.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc

from ..cues.finder import CueMatch, find_cues
from ..cues.matcher import CueMatcher
from ..model import Cue, Mention, Options, Quote, QuotedSpan, QuoteKind, SieveName, SourceText, Span, Speaker, SpeakerRef
from ..rules import CueClass, Rules
from ..speakers.index import LocalMention, SpeakerIndex

_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+|\n")
_NICKNAME = re.compile(r"(?<![\w.])[A-Z][a-z]+ $")
_NAME_AFTER = re.compile(r" [A-Z][a-z]+\b")

def _speaker_label(words) -> re.Pattern[str]:
    """"PENCE:", "MR. KAINE:", "Q:" at the start of a paragraph. Upper case only: "Update:" is a heading."""
    short = "|".join(re.escape(w.upper()) for w in sorted(words.interviewer_labels | words.interviewee_labels))
    return re.compile(r"[ \t]*(?P<label>%s|[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):[ \t]+(?=\S)" % short)


_DASH_CREDIT = re.compile(r"\s*[―—–]\s*(?=\w)")
# A closing mark just before a cue's clause: “We will win," he said. "It is…” — marks of two styles
# pair the outer ones, so the interrupting "he said" lands inside one quote.
_MARK_BEFORE = re.compile(r"[,.!?…][\"”’']+\s+$")



@dataclass(slots=True)
class _Draft:
    span: Span
    kind: QuoteKind
    cue: CueMatch | None
    mention: LocalMention | None
    confidence: float
    rule: str
    absorbed: tuple[int, ...] = ()  # content starts of the direct quotes a mixed quote holds


class _Layout:
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


def attribute_doc(doc: Doc, source: SourceText, quoted: Sequence[QuotedSpan], rules: Rules,
                  matcher: CueMatcher, options: Options) -> tuple[list[Quote], list[Speaker]]:
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

    index = SpeakerIndex(doc, rules, text)
    turns = _transcript_turns(doc, source, index, rules)
    if turns:
        # A labelled turn is itself the quotation: marks and cues inside it belong to it.
        quoted = [q for q in quoted if not any(t.span.contains(q.content) for t in turns)]
        q_starts = [q.open_mark.start for q in quoted]
    turn_spans = [t.span for t in turns]

    def in_turn(offset: int) -> bool:
        return any(sp.start <= offset < sp.end for sp in turn_spans)

    found = [c for c in find_cues(doc, rules, matcher) if not in_turn(c.span.start)]
    interrupting = _interrupting_cues(doc, text, quoted, [c for c in found if inside_quote(c.span.start)])
    cues = [c for c in found if not inside_quote(c.span.start)]
    for c in cues:
        # A source inside quotation marks is a parse that ran across the quote, never the speaker.
        c.sources = [s for s in c.sources if not inside_quote(doc[s.token].idx)]
    drafts = turns + _direct(doc, text, quoted, cues, interrupting, layout, index, rules)
    if options.indirect:
        drafts = _indirect(doc, text, quoted, cues, drafts, index, layout, rules)
    drafts.sort(key=lambda d: d.span.start)
    return _finish(text, drafts, index)


def _transcript_turns(doc: Doc, source: SourceText, index: SpeakerIndex, rules: Rules) -> list[_Draft]:
    """Interview transcripts: "PENCE: We will …", "Q: … A: …" paragraphs are quotations of the label."""
    turns: list[_Draft] = []
    last_answerer: LocalMention | None = None
    interview = False
    text = source.text
    label_re = _speaker_label(rules.words)
    asks, answers = rules.words.interviewer_labels, rules.words.interviewee_labels
    for para in source.paragraphs:
        m = label_re.match(text, para.span.start, para.span.end)
        if m is None:
            continue
        label = m.group("label")
        start, end = m.end(), para.span.end
        while end > start and text[end - 1].isspace():
            end -= 1
        interview = interview or label.lower() in asks | answers
        if end - start < 2 or label.lower() in asks:
            continue  # the interviewer's questions are the publication's, not a newsmaker's
        label_span = Span(m.start("label"), m.end("label"))
        if label.lower() in answers:
            mention = last_answerer
            if mention is None:
                person = index.most_mentioned_person()
                if person is None:
                    continue
                mention = LocalMention(label_span, label, _token_at(doc, label_span.start), "label")
                index.bind(mention, person)
        else:
            mention = LocalMention(label_span, label, _token_at(doc, label_span.start), "label")
            index.labelled(mention)
            last_answerer = mention
        turns.append(_Draft(Span(start, end), QuoteKind.DIRECT, None, mention, rules.confidence(SieveName.SPEAKER_LABEL), SieveName.SPEAKER_LABEL.value))
    # Labels that each open one paragraph and name nobody in the article are headings ("UPDATE: …",
    # "CORRECTION: …"); a transcript repeats its speakers, names them, or is an interview (Q/A).
    labels = [t.mention for t in turns if t.mention.text.lower() not in answers]
    repeated = len({m.text for m in labels}) < len(labels)
    if not interview and not repeated and not any(index.is_known_name(m.text, m.span) for m in labels):
        return []
    return turns


def _token_at(doc: Doc, offset: int) -> int:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ValueError(f"no token at offset {offset}")
    return span[0].i


def _cue_gap(cue: CueMatch, q: QuotedSpan) -> int:
    if cue.span.end <= q.open_mark.start:
        return q.open_mark.start - cue.span.end
    end = q.close_mark.end if q.close_mark else q.content.end
    return max(0, cue.span.start - end)


def _is_title_or_name(text: str, q: QuotedSpan, rules: Rules) -> bool:
    """A short quoted phrase after "the book", "dubbed", "so-called" or in title case names a thing, not speech."""
    content = q.content.of(text).strip().rstrip(",.;:")
    words = content.split()
    p = rules.parameters
    if len(words) > p.max_named_phrase_words:
        return False
    if len(words) <= p.max_nickname_words and \
            _NICKNAME.search(text, max(0, q.open_mark.start - p.nickname_lookback), q.open_mark.start) and \
            _NAME_AFTER.match(text, q.close_mark.end if q.close_mark else q.content.end):
        return True  # Marcia "Cia" Price: a nickname between a first name and a surname on one line
    # Only words of the same sentence: "…Huckabee's campaign.\n\n“These guys…”" is no campaign's name.
    window = _SENTENCE_END.split(text[max(0, q.open_mark.start - p.trigger_lookback):q.open_mark.start])[-1]
    before = _WORD.findall(window.lower())
    before = [w for w in before if w not in rules.words.title_skip_words and not w.isdigit()][-p.trigger_words:]
    if any(w in rules.non_quote_triggers for w in before) or " ".join(before) in rules.non_quote_triggers:
        return True
    lexical = [w for w in words if w.lower().strip(",.") not in rules.words.title_minor_words]
    capitalised = sum(1 for w in lexical if w[:1].isupper())
    return (2 <= len(words) <= p.max_title_words and lexical != [] and capitalised == len(lexical)
            and not content.endswith(("!", "?")))


def _governed_by(doc: Doc, span: Span, cue: CueMatch) -> bool:
    """Whether the cue word is an ancestor of the quoted words in the parse ("predicted “tangible gains”")."""
    words = doc.char_span(span.start, span.end, alignment_mode="expand")
    if words is None or len(words) == 0:
        return False
    root = words.root
    return any(a.i == cue.token for a in root.ancestors)


def _dash_credit(doc: Doc, text: str, q: QuotedSpan, index: SpeakerIndex) -> LocalMention | None:
    """Vox-pop style credit after the closing mark: “…” ― Jane Doe."""
    if q.close_mark is None:
        return None
    m = _DASH_CREDIT.match(text, q.close_mark.end)
    if m is None:
        return None
    words = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
    if words is None or words[0].pos_ != "PROPN":
        return None
    head = words[0]
    while head.dep_ in ("compound", "flat") and head.head.i > head.i:
        head = head.head
    return index.local_mention(head.i)


def _interrupting_cues(doc: Doc, text: str, quoted: Sequence[QuotedSpan],
                       inside: list[CueMatch]) -> dict[int, CueMatch]:
    """Quote index -> the first cue inside it that follows a closing mark, with its source."""
    starts = [q.content.start for q in quoted]
    out: dict[int, CueMatch] = {}
    for cue in inside:
        src = cue.best_source()
        if src is None:
            continue
        clause_start = min(cue.span.start, doc[src.token].left_edge.idx)
        qi = bisect_right(starts, cue.span.start) - 1
        if cue.cls is CueClass.SPEECH and clause_start > quoted[qi].content.start + 1 and \
                _MARK_BEFORE.search(text, max(0, clause_start - 8), clause_start):
            out.setdefault(qi, cue)
    return out


def _direct(doc: Doc, text: str, quoted: Sequence[QuotedSpan], cues: list[CueMatch],
            interrupting: dict[int, CueMatch], layout: _Layout, index: SpeakerIndex, rules: Rules) -> list[_Draft]:
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
        pa_lo, pa_hi = layout.paragraph_span(first_para).start, layout.paragraph_span(last_para).end
        lo, hi = max(lo, pa_lo), min(hi, pa_hi)
        a, b = bisect_right(sourced_starts, lo), bisect_right(sourced_starts, hi)
        q_sents = {layout.sentence(q.open_mark.start), layout.sentence(max(q.content.start, q.content.end - 1))}
        best, best_gap = None, None
        for cue in sourced[a:b]:
            gap = _cue_gap(cue, q)
            cue_sent = layout.sentence(cue.span.start)
            near = cue_sent in q_sents or (cue_sent - 1 in q_sents and cue.span.start > q.content.end)
            if gap > rules.parameters.max_cue_gap or not near:
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = cue, gap
        if best is None:
            best = interrupting.get(qi)
        words = len(q.content.of(text).split())
        short = words < rules.parameters.min_uncued_words
        if short and best is not None and (best.cls is not CueClass.SPEECH or not _governed_by(doc, q.content, best)):
            best = None
        if _is_title_or_name(text, q, rules):
            continue
        draft = None
        credit = _dash_credit(doc, text, q, index) if best is None else None
        if best is not None:
            draft = _Draft(q.content, QuoteKind.DIRECT, best, index.local_mention(best.best_source().token),
                           rules.confidence(SieveName.CUE_IN_SENTENCE), SieveName.CUE_IN_SENTENCE.value)
        elif credit is not None:
            draft = _Draft(q.content, QuoteKind.DIRECT, None, credit, rules.confidence(SieveName.DASH_CREDIT), SieveName.DASH_CREDIT.value)
        else:
            para_span = layout.paragraph_span(first_para)
            close = q.close_mark.end if q.close_mark else q.content.end
            if short and text[para_span.start:q.open_mark.start].strip() + text[close:para_span.end].strip() \
                    and not (first_para in prev_by_para and _is_sentence(q.content.of(text))):
                # A short phrase inside other words; a short line of dialogue stands alone, and a short
                # sentence after a quote in its paragraph goes on with it ("…,” Lyle said. “We may close.”).
                continue
            draft = _uncued(text, q, qi, quoted, sourced, sourced_starts, layout, prev_by_para, index, first_para, rules)
        drafts.append(draft)
        prev_by_para[last_para] = draft
    return drafts


def _uncued(text, q, qi, quoted, sourced, sourced_starts, layout, prev_by_para, index, para, rules) -> _Draft | None:
    # Colon introducer: "Asseri said:" ending the previous paragraph, or earlier in this one.
    before = text[:q.open_mark.start].rstrip()
    para_start = layout.paragraph_span(para).start
    if before.endswith(":"):
        # The introducing sentence is the one the colon ends: its cue, else its subject when that is a
        # name or a pronoun ("She then turned to the crowd: “…”"); a cue further back is another report.
        colon_sent = layout.sentence(len(before) - 1)
        i = bisect_right(sourced_starts, len(before)) - 1
        if i >= 0 and layout.sentence(sourced[i].span.start) == colon_sent:
            cue = sourced[i]
            return _Draft(q.content, QuoteKind.DIRECT, cue, index.local_mention(cue.best_source().token),
                          rules.confidence(SieveName.COLON_INTRODUCER), SieveName.COLON_INTRODUCER.value)
        subject = _named_subject(layout.sents[colon_sent], index)
        if subject is not None:
            return _Draft(q.content, QuoteKind.DIRECT, None, subject, rules.confidence(SieveName.COLON_INTRODUCER), SieveName.COLON_INTRODUCER.value)
    prev = prev_by_para.get(para)
    opens_paragraph = q.open_mark.start - para_start <= 1
    if prev is None and opens_paragraph:
        prev = prev_by_para.get(para - 1)
        earlier = prev_by_para.get(para - 2)
        before_earlier = prev_by_para.get(para - 3)
        if (prev is not None and earlier is not None and prev.mention is not None and earlier.mention is not None
                and _conversational(text, q, prev, earlier, layout, rules.parameters)
                and index.resolve(prev.mention) is not index.resolve(earlier.mention)
                and not _third_speaker(before_earlier, prev, earlier, index)):
            # Two people taking turns (features, fiction): the speaker before last speaks again.
            return _Draft(q.content, QuoteKind.DIRECT, earlier.cue, earlier.mention, rules.confidence(SieveName.TURN_TAKING), SieveName.TURN_TAKING.value)
    if prev is not None and prev.mention is not None:
        return _Draft(q.content, QuoteKind.DIRECT, prev.cue, prev.mention, rules.confidence(SieveName.CONTINUATION), SieveName.CONTINUATION.value)
    # A cue earlier in the same paragraph: "Tester spoke on Thursday. “…”"
    i = bisect_right(sourced_starts, q.open_mark.start) - 1
    if i >= 0 and layout.paragraph(sourced[i].span.start) == para:
        cue = sourced[i]
        return _Draft(q.content, QuoteKind.DIRECT, cue, index.local_mention(cue.best_source().token),
                      rules.confidence(SieveName.PARAGRAPH_CUE), SieveName.PARAGRAPH_CUE.value)
    # The only person named in the paragraph outside the quote.
    para_span = layout.paragraph_span(para)
    close = q.close_mark.end if q.close_mark else q.content.end
    people = index.people_in(para_span.start, q.open_mark.start) + index.people_in(close, para_span.end)
    if people and len({id(e) for _, e in people}) == 1:
        return _Draft(q.content, QuoteKind.DIRECT, None, index.local_mention(people[-1][0]),
                      rules.confidence(SieveName.SINGLE_CANDIDATE), SieveName.SINGLE_CANDIDATE.value)
    return _Draft(q.content, QuoteKind.DIRECT, None, None, rules.confidence(SieveName.UNATTRIBUTED), SieveName.UNATTRIBUTED.value)


def _named_subject(sent, index: SpeakerIndex) -> LocalMention | None:
    subjects = [t for t in sent.root.children if t.dep_ == "nsubj"]
    if not subjects:
        return None
    mention = index.local_mention(subjects[0].i)
    return mention if mention.form in ("name", "pronoun") else None


def _third_speaker(before: _Draft | None, prev: _Draft, earlier: _Draft, index: SpeakerIndex) -> bool:
    """Whether the turn before the last two is a third person's: then nobody simply alternates."""
    if before is None or before.mention is None:
        return False
    who = index.resolve(before.mention)
    return who is not index.resolve(prev.mention) and who is not index.resolve(earlier.mention)


def _conversational(text: str, q: QuotedSpan, prev: _Draft, earlier: _Draft, layout: _Layout, p) -> bool:
    """Short turns, each nearly all of its paragraph: an exchange, not quotes set in narrative.

    In news a paragraph reporting someone ("Massie said Trump had “the opportunity”") is followed by
    more of the same speaker, not by the speaker before; only a run of bare lines of dialogue
    ("“Hello,” said Anne.") alternates.
    """
    if len(q.content.of(text).split()) > p.max_turn_words:
        return False
    for d in (prev, earlier):
        para = layout.paragraph_span(layout.paragraph(d.span.start))
        narration = len(para.of(text).split()) - len(d.span.of(text).split())
        if len(d.span.of(text).split()) > p.max_turn_words or narration > p.max_turn_narration:
            return False
    return True


def _indirect(doc: Doc, text: str, quoted: Sequence[QuotedSpan], cues: list[CueMatch], drafts: list[_Draft],
              index: SpeakerIndex, layout: _Layout, rules: Rules) -> list[_Draft]:
    p = rules.parameters
    direct_by_start = {d.span.start: d for d in drafts}
    q_starts = [q.content.start for q in quoted]
    out: list[_Draft] = []
    for cue in cues:
        src = cue.best_source()
        if src is None:
            continue
        mention = index.local_mention(src.token)
        contents = [c for c in cue.contents if mention.form != "relative" or c.rule.relative_source]
        content = max(contents, key=lambda c: c.rule.confidence, default=None)
        if content is None:
            continue
        confidence = min(src.rule.confidence, content.rule.confidence)
        if cue.cls is CueClass.BELIEF:
            confidence *= p.belief_factor
        rule = f"{content.rule.id}/{src.rule.id}"
        for frag in content.fragments:
            inner = [q for q in quoted[max(0, bisect_right(q_starts, frag.start) - 1):bisect_right(q_starts, frag.end)]
                     if q.content.overlaps(frag)]
            # A quote that starts inside the content and closes just past it ("would be “a disaster.”",
            # whose trailing stop and mark were trimmed) belongs to it whole.
            tail = max((q.content.end for q in inner if q.content.start >= frag.start), default=frag.end)
            if frag.end < tail <= frag.end + 3:
                frag = Span(frag.start, tail)
            # Likewise a quote that opens the content keeps its opening mark: the content stays balanced.
            head = min((q.open_mark.start for q in inner if 0 <= q.content.start - frag.start <= 1), default=frag.start)
            frag = Span(min(head, frag.start), frag.end)
            kind = QuoteKind.INDIRECT
            if inner:
                if any(not frag.contains(q.content) for q in inner):
                    continue  # the content runs into a quote it does not contain: leave it to the direct sieves
                outside = len(frag) - sum(len(q.content) for q in inner)
                if outside < p.min_mixed_outside:
                    continue  # the content is the quote itself; the direct sieves own it
                kind = QuoteKind.MIXED
            out.append(_Draft(frag, kind, cue, mention, round(confidence * p.reported_factor, 3), rule,
                              tuple(q.content.start for q in inner)))
    reported = _drop_nested(doc, out)
    # Only a mixed quote that survives takes its direct quotes with it.
    absorbed = {start for d in reported for start in d.absorbed}
    kept = [d for start, d in direct_by_start.items() if start not in absorbed]
    return _join_fragments(text, kept, reported, quoted, layout, p.max_fragment_words)


def _join_fragments(text: str, direct: list[_Draft], reported: list[_Draft], quoted: Sequence[QuotedSpan],
                    layout: _Layout, max_fragment_words: int) -> list[_Draft]:
    """A quoted fragment in the sentence of a report by the same cue is part of that report.

    'She called the governor "the most extreme pick" and someone who "threatened our rights"': the
    content clause holds the first fragment; the second, outside the parse's clause, still belongs to
    the same report, which becomes one mixed quote.
    """
    by_content = {q.content.start: q for q in quoted}
    by_cue: dict[int, int] = {}
    for i, r in enumerate(reported):
        if r.cue is not None:
            by_cue.setdefault(r.cue.token, i)
    out = []
    for d in direct:
        q = by_content.get(d.span.start)
        i = by_cue.get(d.cue.token) if d.cue is not None and d.rule == SieveName.CUE_IN_SENTENCE.value else None
        if q is None or i is None or layout.sentence(q.open_mark.start) != layout.sentence(reported[i].span.start) \
                or not _is_fragment(text, q, max_fragment_words):
            out.append(d)
            continue
        r = reported[i]
        span = Span(min(r.span.start, q.open_mark.start), max(r.span.end, q.content.end))
        reported[i] = _Draft(span, QuoteKind.MIXED, r.cue, r.mention, r.confidence, r.rule)
    return out + reported


def _is_sentence(words: str) -> bool:
    words = words.strip()
    return words[:1].isupper() and words[-1:] in (".", "!", "?")


def _is_fragment(text: str, q: QuotedSpan, max_words: int) -> bool:
    """Words from inside a sentence ("the most extreme pick"), not a quoted sentence of their own."""
    content = q.content.of(text).strip()
    return content[:1].islower() or len(content.split()) <= max_words


def _drop_nested(doc: Doc, drafts: list[_Draft]) -> list[_Draft]:
    """A report inside the content of another is part of what the outer source said.

    "Smith said that Jones had told aides to leave": one attribution, to Smith; Jones's words are
    Smith's claim. Likewise "He said he thinks X": the inner belief of the same speaker.
    """
    spans = sorted((d.span for d in drafts), key=lambda s: s.start)
    starts = [s.start for s in spans]
    out = []
    for d in drafts:
        assert d.cue is not None and d.mention is not None
        # Only spans starting at or before a point can hold it: those left of the bisection.
        if any(len(s) > len(d.span) and s.contains(d.span) for s in spans[:bisect_right(starts, d.span.start)]):
            continue
        inner = any(s != d.span and d.cue.span.start < s.end for s in spans[:bisect_right(starts, d.cue.span.start)])
        if inner and (d.cue.cls is CueClass.BELIEF or d.mention.form == "pronoun"):
            continue
        out.append(d)
    return out


def _finish(text: str, drafts: list[_Draft], index: SpeakerIndex) -> tuple[list[Quote], list[Speaker]]:
    quotes: list[Quote] = []
    used: set[str] = set()
    for n, d in enumerate(drafts, 1):
        qid = f"q{n}"
        speaker = None
        if d.mention is not None:
            entity = index.resolve(d.mention)  # cached per mention inside the index
            index.note_role(entity, d.mention.head)
            entity.quotes.append(qid)
            mention = Mention(d.mention.span, d.mention.text)
            used.add(entity.id)
            speaker = SpeakerRef(entity.name, mention, entity.id, entity.kind)
        cue = None
        if d.cue is not None:
            cue = Cue(d.cue.span, d.cue.span.of(text), d.cue.lemma)
        quotes.append(Quote(qid, d.span, d.span.of(text), d.kind, speaker, cue, d.confidence, d.rule))
    return quotes, index.speakers(used)
