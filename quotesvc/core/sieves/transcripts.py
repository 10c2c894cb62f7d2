"""The speaker-label sieve: interview transcripts, where a labelled paragraph is itself a quotation.

"PENCE: We will …", "MR. KAINE: …" are quotations of the label's person; "Q: …" is the interviewer's
(the publication's words, not a quotation) and "A: …" the last labelled speaker's, else the person the
article names most. Labels that each open one paragraph and name nobody in the article are headings
("UPDATE: …", "CORRECTION: …"): a transcript repeats its speakers, names them, or is an interview (Q/A).
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..model import QuoteKind, SieveName, SourceText
from ..rules import Rules
from ..speakers.index import SpeakerIndex
from ..speakers.mentions import LocalMention, label_mention, transcript_labels
from .context import Draft


def speaker_label(doc: Doc, source: SourceText, index: SpeakerIndex, rules: Rules) -> list[Draft]:
    """Every labelled turn of a transcript, as a direct quote of its label."""
    asks, answers = rules.words.interviewer_labels, rules.words.interviewee_labels
    confidence = rules.confidence(SieveName.SPEAKER_LABEL)
    turns: list[Draft] = []
    last_answerer: LocalMention | None = None
    interview = False
    for label in transcript_labels(source.text, source.paragraphs, rules):
        said = label.text.lower()
        interview = interview or said in asks | answers
        if len(label.turn) < 2 or said in asks:
            continue
        if said in answers:
            mention = last_answerer
            if mention is None:
                if index.most_mentioned_person() is None:
                    continue
                mention = label_mention(doc, label)
        else:
            mention = last_answerer = label_mention(doc, label)
        turns.append(Draft(label.turn, QuoteKind.DIRECT, None, mention, confidence, SieveName.SPEAKER_LABEL))
    labels = [t.mention for t in turns if t.mention is not None and t.mention.text.lower() not in answers]
    repeated = len({m.text for m in labels}) < len(labels)
    if not interview and not repeated and not any(index.is_known_name(m.text, m.span) for m in labels):
        return []
    return turns
