"""Speaker mentions: the words an attribution rests on, and every mention the sieves may ask about.

`local_mention` reads the words around a token ("he", "Asseri", "a source", "The harbour master").
`collect_mentions` gathers, before any is resolved, every mention a sieve may ask the SpeakerIndex about:
the names NER found, each source of each cue, transcript labels, dash credits and the subjects of the
sentences a colon ends before a quote. The sieves find those mentions with the same functions.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Iterator, Sequence

from spacy.tokens import Doc

from ..cues.finder import CueMatch, interrupts, sources_outside
from ..cues.tags import dialogue_tag
from .beats import action_beat
from ..model import Paragraph, QuotedSpan, Span
from ..quotemarks import QuoteLookup
from ..rules import PronounKind, Rules
from .names import NameReader, is_name

# Dependents that belong to a noun phrase's own words (not appositions, clauses or datelines before it).
_NP_LEFT_DEPS = {"det", "compound", "amod", "poss", "nmod", "nummod", "flat", "case", "quantmod", "predet"}
_DASH_CREDIT = re.compile(r"\s*[―—–]\s*(?=\w)")


class MentionForm(str, Enum):
    NAME = "name"  # Ahmed Asseri, Mr. Hendry, the ministry's name
    PRONOUN = "pronoun"  # he, they
    RELATIVE = "relative"  # who: the noun its clause modifies
    NOMINAL = "nominal"  # a spokesman, officials, the harbour master
    LABEL = "label"  # a transcript's PENCE:, A:


@dataclass(frozen=True, slots=True)
class LocalMention:
    """The words an attribution rests on, with what they tell us."""

    span: Span
    text: str
    head: int  # token index of the head word
    form: MentionForm

    @property
    def key(self) -> tuple[int, int, str]:
        """Where it is and what it is: one mention of the document."""
        return self.span.start, self.span.end, self.form.value


def local_mention(doc: Doc, text: str, rules: Rules, token_i: int) -> LocalMention:
    """The words the attribution rests on, for a source head token."""
    tok = doc[token_i]
    pron = rules.pronouns.get(tok.lower_)
    if pron is not None and tok.pos_ in ("PRON", "DET", "SCONJ"):
        form = MentionForm.RELATIVE if pron.kind is PronounKind.RELATIVE else MentionForm.PRONOUN
        return LocalMention(Span(tok.idx, tok.idx + len(tok)), tok.text, tok.i, form)
    # The noun phrase up to its head: determiners, compounds, titles and possessors, not
    # appositions or relative clauses after it.
    start_tok = tok
    for child in reversed(list(tok.lefts)):
        if child.i != start_tok.i - 1 and not (child.right_edge.i == start_tok.i - 1):
            break
        if child.dep_ not in _NP_LEFT_DEPS:
            break
        start_tok = child.left_edge if child.dep_ in ("poss", "compound") else child
    # A dash or bracket the parser hung on the name ("― Jane Doe") is not part of it.
    while start_tok.i < tok.i and (start_tok.is_punct or start_tok.is_space):
        start_tok = doc[start_tok.i + 1]
    end_tok = tok
    for child in tok.rights:
        if child.dep_ in ("compound", "flat") or (child.dep_ == "case" and child.i == end_tok.i + 1):
            end_tok = child
    span = Span(start_tok.idx, end_tok.idx + len(end_tok))
    form = MentionForm.NAME if is_name(tok) else MentionForm.NOMINAL
    return LocalMention(span, span.of(text), tok.i, form)


def relative_target(doc: Doc, mention: LocalMention) -> int | None:
    """The noun a relative pronoun's clause modifies ("Asseri, who said …"): its token, or None."""
    clause = doc[mention.head].head
    return clause.head.i if clause.dep_ == "relcl" else None


def dash_credit(doc: Doc, text: str, quote: QuotedSpan) -> int | None:
    """The head token of a vox-pop credit after a quote's closing mark (“…” ― Jane Doe), or None."""
    if quote.close_mark is None:
        return None
    m = _DASH_CREDIT.match(text, quote.close_mark.end)
    if m is None:
        return None
    words = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
    if words is None or words[0].pos_ != "PROPN":
        return None
    head = words[0]
    while head.dep_ in ("compound", "flat") and head.head.i > head.i:
        head = head.head
    return head.i


def colon_before(text: str, quote: QuotedSpan) -> int | None:
    """The offset of a colon right before the quote's opening mark (white space between), or None."""
    i = quote.open_mark.start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i if i >= 0 and text[i] == ":" else None


def sentence_subject(doc: Doc, sent_root: int) -> int | None:
    """The first nominal subject of a sentence's root, or None."""
    return next((t.i for t in doc[sent_root].children if t.dep_ == "nsubj"), None)


@dataclass(frozen=True, slots=True)
class Label:
    """A transcript label opening a paragraph ("PENCE:", "Q:"), and the turn it opens."""

    text: str
    span: Span
    turn: Span  # the words after the label, to the end of the paragraph


@lru_cache(maxsize=8)
def _label_pattern(short_labels: frozenset[str]) -> re.Pattern[str]:
    """A label at the start of a paragraph: an interview label (Q, A) or words in upper case ("Update:" is a
    heading), then a colon."""
    short = "|".join(re.escape(w.upper()) for w in sorted(short_labels))
    return re.compile(r"[ \t]*(?P<label>%s|[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):[ \t]+(?=\S)" % short)


def transcript_labels(text: str, paragraphs: Sequence[Paragraph], rules: Rules) -> Iterator[Label]:
    pattern = _label_pattern(rules.words.interviewer_labels | rules.words.interviewee_labels)
    for para in paragraphs:
        m = pattern.match(text, para.span.start, para.span.end)
        if m is None:
            continue
        start, end = m.end(), para.span.end
        while end > start and text[end - 1].isspace():
            end -= 1
        yield Label(m.group("label"), Span(m.start("label"), m.end("label")), Span(start, max(start, end)))


def label_mention(doc: Doc, label: Label) -> LocalMention:
    span = doc.char_span(label.span.start, label.span.start + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ValueError(f"no token at offset {label.span.start}")
    return LocalMention(label.span, label.text, span[0].i, MentionForm.LABEL)


def collect_mentions(doc: Doc, text: str, paragraphs: Sequence[Paragraph], quoted: Sequence[QuotedSpan],
                     cues: Sequence[CueMatch], rules: Rules, names: NameReader | None = None) -> list[LocalMention]:
    """Every mention a sieve may ask about, once each, in text order. `names` is the document's NameReader when
    the caller has one (the SpeakerIndex reads the same names)."""
    names = NameReader(doc, text, rules) if names is None else names
    heads = [root for root, _, _, _ in names.name_ents()]
    heads += names.ner_missed()  # a person's name where NER did not see it
    lookup = QuoteLookup(quoted)
    paragraphs = sorted(paragraphs, key=lambda p: p.span.start)
    para_starts = [p.span.start for p in paragraphs]
    for cue in cues:
        # The source a sieve takes: a cue's best one outside quotation marks, or an interrupting cue's inside them.
        qi = lookup.index_at(cue.span.start)
        if qi is None:
            source = sources_outside(doc, cue, lookup).best_source()
        else:
            source = cue.best_source() if interrupts(doc, text, quoted[qi], cue) else None
        if source is not None:
            heads.append(source.token)
    for q in quoted:
        credit = dash_credit(doc, text, q)
        if credit is not None:
            heads.append(credit)
        tag = dialogue_tag(doc, text, q, rules)
        if tag is not None:
            heads.append(tag.speaker)
        k = bisect_right(para_starts, q.open_mark.start) - 1
        beat = action_beat(doc, text, q, paragraphs[k].span, rules) if k >= 0 else None
        if beat is not None:
            heads.append(beat)
        colon = colon_before(text, q)
        if colon is not None:
            words = doc.char_span(colon, colon + 1, alignment_mode="expand")
            subject = sentence_subject(doc, words[0].sent.root.i) if words is not None and len(words) else None
            if subject is not None:
                heads.append(subject)
    found = {}
    for head in dict.fromkeys(heads):  # once each: a cue's source is often a name NER found
        m = local_mention(doc, text, rules, head)
        found.setdefault(m.key, m)
        if m.form is MentionForm.RELATIVE and (target := relative_target(doc, m)) is not None:
            t = local_mention(doc, text, rules, target)
            found.setdefault(t.key, t)
    for label in transcript_labels(text, paragraphs, rules):
        m = label_mention(doc, label)
        found.setdefault(m.key, m)
    return sorted(found.values(), key=lambda m: m.key)
