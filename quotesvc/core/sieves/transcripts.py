"""The speaker-label sieve: interview transcripts, where a labelled paragraph is itself a quotation.

"PENCE: We will …", "MR. KAINE: …" are quotations of the label's person; "Q: …" is the interviewer's
(the publication's words, not a quotation) and "A: …" the last labelled speaker's, else the person the
article names most. Labels that each open one paragraph and name nobody in the article are headings
("UPDATE: …", "CORRECTION: …"): a transcript repeats its speakers, names them, or is an interview (Q/A).
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from ..model import QuoteKind, SieveName, SourceText, Span
from ..rules import Rules
from ..speakers.index import LocalMention, SpeakerIndex
from .context import Draft


@lru_cache(maxsize=8)
def _label_pattern(short_labels: frozenset[str]) -> re.Pattern[str]:
    """A label at the start of a paragraph: an interview label (Q, A) or words in upper case ("Update:" is a
    heading), then a colon."""
    short = "|".join(re.escape(w.upper()) for w in sorted(short_labels))
    return re.compile(r"[ \t]*(?P<label>%s|[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):[ \t]+(?=\S)" % short)


def speaker_label(doc: Doc, source: SourceText, index: SpeakerIndex, rules: Rules) -> list[Draft]:
    """Every labelled turn of a transcript, as a direct quote of its label."""
    asks, answers = rules.words.interviewer_labels, rules.words.interviewee_labels
    pattern = _label_pattern(asks | answers)
    confidence = rules.confidence(SieveName.SPEAKER_LABEL)
    turns: list[Draft] = []
    last_answerer: LocalMention | None = None
    interview = False
    text = source.text
    for para in source.paragraphs:
        m = pattern.match(text, para.span.start, para.span.end)
        if m is None:
            continue
        label = m.group("label")
        start, end = m.end(), para.span.end
        while end > start and text[end - 1].isspace():
            end -= 1
        interview = interview or label.lower() in asks | answers
        if end - start < 2 or label.lower() in asks:
            continue
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
        turns.append(Draft(Span(start, end), QuoteKind.DIRECT, None, mention, confidence, SieveName.SPEAKER_LABEL))
    labels = [t.mention for t in turns if t.mention is not None and t.mention.text.lower() not in answers]
    repeated = len({m.text for m in labels}) < len(labels)
    if not interview and not repeated and not any(index.is_known_name(m.text, m.span) for m in labels):
        return []
    return turns


def _token_at(doc: Doc, offset: int) -> int:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ValueError(f"no token at offset {offset}")
    return span[0].i
