"""Action beats: the narration sentence right beside an untagged line of dialogue, whose subject is its speaker.

    He began to stammer. “I never meant it.”        “I never meant it.” Tom looked at the floor.

Fiction puts a character's action next to their line instead of a tag. The beat is the sentence of narration
that ends just before the quote's opening mark or starts just after its closing mark, in the quote's
paragraph, with no quotation mark of its own; its speaker is the sentence's subject when that is a person's
name or a personal pronoun ("he", "she", "I"). One sentence on either side of one quote: linear.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span as SpacySpan

from ..model import QuotedSpan, Span
from ..rules import PronounKind, Rules
from .names import PERSON_LABELS

_PERSON_PRONOUNS = (PronounKind.PERSON, PronounKind.NARRATOR)


def action_beat(doc: Doc, text: str, quote: QuotedSpan, paragraph: Span, rules: Rules) -> int | None:
    """The head token of the speaker a beat beside the quote names, or None. The sentence before wins: a beat
    after a line may as well be the next speaker's."""
    before = _sentence_ending_at(doc, text, quote.open_mark.start, paragraph.start)
    if before is not None:
        found = _person_subject(before, rules)
        if found is not None:
            return found
    if quote.close_mark is None or not quote.content.of(text).rstrip()[-1:] in (".", "!", "?", "…"):
        return None  # a line that goes on after its closing mark ("…," she…) has a tag, not a beat
    after = _sentence_starting_at(doc, text, quote.close_mark.end, paragraph.end)
    return _person_subject(after, rules) if after is not None else None


def _sentence_ending_at(doc: Doc, text: str, offset: int, floor: int) -> SpacySpan | None:
    i = offset
    while i > floor and text[i - 1] in " \t":
        i -= 1
    if i <= floor or text[i - 1] not in ".!?":
        return None
    words = doc.char_span(i - 1, i, alignment_mode="expand")
    if words is None or len(words) == 0:
        return None
    sent = words[0].sent
    return sent if sent.start_char >= floor and not any(t.is_quote for t in sent) else None


def _sentence_starting_at(doc: Doc, text: str, offset: int, ceiling: int) -> SpacySpan | None:
    i = offset
    while i < ceiling and text[i] in " \t":
        i += 1
    if i >= ceiling or not text[i].isupper():
        return None
    words = doc.char_span(i, i + 1, alignment_mode="expand")
    if words is None or len(words) == 0:
        return None
    sent = words[0].sent
    if sent.start_char != words[0].idx or sent.end_char > ceiling or any(t.is_quote for t in sent):
        return None
    return sent


def _person_subject(sent: SpacySpan, rules: Rules) -> int | None:
    subject = next((t for t in sent.root.children if t.dep_ == "nsubj"), None)
    if subject is None or any(c.dep_ == "conj" for c in subject.children):
        return None  # nobody, or several people ("Anne and Tom ran the shop")
    pron = rules.pronouns.get(subject.lower_)
    if pron is not None:
        return subject.i if pron.kind in _PERSON_PRONOUNS and subject.pos_ == "PRON" else None
    return subject.i if subject.ent_type_ in PERSON_LABELS else None
