"""Dialogue tags: the verb and the speaker written right beside a quote's marks, read from the words' order.

    “…,” asked Winterbourne.        “…,” said Brenda enviously.      “…,” he went on.
    “…!” cried the old chaplain.    said he, “…”                     Mrs. Pell broke in: “…”

Fiction writes its cues this way, and the parser often misreads them: after an inverted verb it makes the
name an object ("asked Winterbourne"), the subject of a participle after it ("cried Adela, her face lighting
up") or a compound of an adverb ("said Brenda enviously"), so no dependency pattern finds the speaker. A tag
is read from the tokens and their parts of speech instead: a verb of rules' `tag_verbs` (speech verbs, and
the dialogue verbs that tag a line only beside its marks: returned, went on, smiled) and a noun phrase or a
subject pronoun on its other side, with nothing but a comma, a colon or a dash between the tag and the mark.
Only next to a direct quote: the same words in running narration ("he returned to the house") are no cue.
Each look is a few tokens on either side of one quote, so reading every quote's tag is linear.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..model import QuotedSpan, Span
from ..rules import Rules

# Punctuation that may stand between a quote's mark and its tag ("…," he said / said he: “…”).
_TAG_PUNCT = frozenset({",", ":", "—", "–", "-", "--", "―"})
# Pronouns that can be the speaker of a tag: subject forms only ("told him" is no tag).
_SUBJECT_PRONOUNS = frozenset({"he", "she", "i", "they", "we"})
# Particles any tag verb may take without changing what it means ("cried out", "spoke up").
_FREE_PARTICLES = frozenset({"out", "up", "back"})
_NP_POS = frozenset({"PROPN", "NOUN", "ADJ", "DET", "NUM"})
_HEAD_POS = frozenset({"PROPN", "NOUN"})
_MAX_NP = 6  # tokens of a tag's noun phrase ("the eminently practical old father")


@dataclass(frozen=True, slots=True)
class Tag:
    """A dialogue tag: its verb (with a particle), the verb's lemma and the head token of its speaker."""

    verb: int
    span: Span  # the verb and its particle, in characters
    lemma: str
    speaker: int


def dialogue_tag(doc: Doc, text: str, quote: QuotedSpan, rules: Rules) -> Tag | None:
    """The tag after the closing mark, else the tag just before the opening mark, else None."""
    if quote.close_mark is not None:
        found = _tag_after(doc, text, quote.close_mark.end, rules)
        if found is not None:
            return found
    return _tag_before(doc, text, quote.open_mark.start, rules)


def _tag_after(doc: Doc, text: str, offset: int, rules: Rules) -> Tag | None:
    i = _token_from(doc, text, offset)
    if i is None:
        return None
    while i < len(doc) and doc[i].text in _TAG_PUNCT:
        i += 1
    if i >= len(doc) or _line_break_before(doc, i):
        return None
    verb = _verb(doc, i, rules)
    if verb is not None:  # inverted: said Brenda, asked his wife, went on he
        speaker, after = _np_after(doc, verb[1] + 1, rules)
        if speaker is None or not _ends_tag(doc, after, verb[2], rules):
            return None
        return Tag(i, verb[0], verb[2], speaker)
    speaker, end = _np_starting(doc, i, rules)
    if speaker is None:
        return None
    if end < len(doc) and doc[end].pos_ == "ADV" and not _line_break_before(doc, end):
        end += 1  # he then added
    verb = _verb(doc, end, rules) if end < len(doc) and not _line_break_before(doc, end) else None
    if verb is None or not _ends_tag(doc, verb[1] + 1, verb[2], rules):
        return None
    return Tag(end, verb[0], verb[2], speaker)


def _ends_tag(doc: Doc, i: int, lemma: str, rules: Rules) -> bool:
    """Whether a tag may end before token i. A speech verb may go on ("he said to Anne"); a verb that only
    tags dialogue must stand alone, an adverb aside ("she returned coldly."), for with more words it tells of
    something else ("he returned to the house")."""
    if lemma in rules.cue_verbs:
        return True
    if i < len(doc) and doc[i].pos_ == "ADV" and not _line_break_before(doc, i):
        i += 1
    return i >= len(doc) or doc[i].is_punct or _line_break_before(doc, i)


def _tag_before(doc: Doc, text: str, offset: int, rules: Rules) -> Tag | None:
    """said he, “…” / the chaplain cried: “…” / Mrs. Pell broke in — “…”"""
    j = _token_before(doc, text, offset)
    if j is None or doc[j].text not in _TAG_PUNCT:
        return None
    j -= 1
    if j < 0 or doc[j].is_space:
        return None
    # The verb last (the chaplain cried, she went on), its particle perhaps after it.
    for v in (j, j - 1):
        verb = _verb(doc, v, rules) if v >= 0 else None
        if verb is not None and verb[1] == j:
            k = v - 1
            if k >= 0 and doc[k].pos_ == "ADV":
                k -= 1
            speaker = _np_ending(doc, k, rules)
            return Tag(v, verb[0], verb[2], speaker) if speaker is not None else None
    # Inverted: said he, cried the chaplain; the verb opens the clause.
    head = _np_head_ending(doc, j, rules, opens_clause=False)
    if head is None:
        return None
    start = head[1]
    for v in (start - 1, start - 2):
        verb = _verb(doc, v, rules) if v >= 0 else None
        if verb is not None and verb[1] == start - 1 and _opens_clause(doc, v):
            return Tag(v, verb[0], verb[2], head[0])
    return None


def _verb(doc: Doc, i: int, rules: Rules) -> tuple[Span, int, str] | None:
    """A tag verb at token i: (its characters with the particle, the index of its last token, its lemma)."""
    tok = doc[i]
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    lemma = tok.lemma_.lower()
    particles = rules.tag_verbs.get(lemma)
    if particles is None:
        return None
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in (particles or _FREE_PARTICLES):
        return Span(tok.idx, nxt.idx + len(nxt)), i + 1, lemma
    if particles:
        return None  # "went" without "on" tags nothing
    return Span(tok.idx, tok.idx + len(tok)), i, lemma


def _np_after(doc: Doc, i: int, rules: Rules) -> tuple[int | None, int]:
    """The head of the speaker after an inverted verb (a subject pronoun, or a noun phrase's last noun), and
    the token after it."""
    if i >= len(doc) or _line_break_before(doc, i):
        return None, i
    return _np_starting(doc, i, rules)


def _np_starting(doc: Doc, i: int, rules: Rules) -> tuple[int | None, int]:
    """The head of the noun phrase (or subject pronoun) starting at token i, and the token after it."""
    if doc[i].lower_ in _SUBJECT_PRONOUNS:
        return i, i + 1
    head = None
    end = i
    while end < len(doc) and end - i < _MAX_NP and (end == i or not _line_break_before(doc, end)) and \
            (_in_np(doc[end], rules) or _degree_adverb(doc, end)):
        if doc[end].pos_ in _HEAD_POS or _is_title(doc[end], rules):
            head = end
        end += 1
    if head is None or not (doc[head].pos_ in _HEAD_POS):
        return None, i
    return head, head + 1


def _np_ending(doc: Doc, j: int, rules: Rules) -> int | None:
    """The head of the noun phrase or subject pronoun that ends at token j (the subject of a tag verb)."""
    found = _np_head_ending(doc, j, rules)
    return found[0] if found is not None else None


def _np_head_ending(doc: Doc, j: int, rules: Rules, opens_clause: bool = True) -> tuple[int, int] | None:
    """(head, first token) of the noun phrase or subject pronoun ending at token j, which must open its clause
    unless told otherwise: before it only punctuation, a line break or the start of the text (not "looked at
    him and said")."""
    if j < 0:
        return None
    if doc[j].lower_ in _SUBJECT_PRONOUNS:
        start = j
    else:
        if doc[j].pos_ not in _HEAD_POS:
            return None
        start = j
        while start - 1 >= 0 and j - start + 1 < _MAX_NP and _in_np(doc[start - 1], rules) and \
                not _line_break_before(doc, start):
            start -= 1
    if opens_clause and not _opens_clause(doc, start):
        return None
    return j, start


def _opens_clause(doc: Doc, i: int) -> bool:
    """Whether token i follows punctuation, a line break or nothing."""
    return i == 0 or doc[i - 1].is_punct or doc[i - 1].is_space or _line_break_before(doc, i)


def _degree_adverb(doc: Doc, i: int) -> bool:
    """An adverb inside a noun phrase, before its adjective: the eminently practical father."""
    return doc[i].pos_ == "ADV" and i + 1 < len(doc) and doc[i + 1].pos_ == "ADJ"


def _in_np(tok: Token, rules: Rules) -> bool:
    return tok.pos_ in _NP_POS or tok.tag_ in ("PRP$", "POS") or _is_title(tok, rules)


def _is_title(tok: Token, rules: Rules) -> bool:
    return tok.text.rstrip(".").lower() in rules.titles


def _line_break_before(doc: Doc, i: int) -> bool:
    """Whether a paragraph or line break separates token i from the token before it."""
    return i > 0 and ("\n" in doc[i - 1].whitespace_ or (doc[i - 1].is_space and "\n" in doc[i - 1].text))


def _token_from(doc: Doc, text: str, offset: int) -> int | None:
    """The first token that starts at or after `offset` on the same line, or None."""
    end = len(text)
    while offset < end and text[offset] in " \t":
        offset += 1
    if offset >= end or text[offset] == "\n":
        return None
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span[0]
    return tok.i if tok.idx >= offset else (tok.i + 1 if tok.i + 1 < len(doc) else None)


def _token_before(doc: Doc, text: str, offset: int) -> int | None:
    """The last token that ends at or before `offset` on the same line, or None."""
    while offset > 0 and text[offset - 1] in " \t":
        offset -= 1
    if offset <= 0 or text[offset - 1] == "\n":
        return None
    span = doc.char_span(offset - 1, offset, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span[-1]
    return tok.i if tok.idx + len(tok) <= offset else (tok.i - 1 if tok.i > 0 else None)
