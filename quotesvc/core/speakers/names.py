"""Reading a name in the parse: titles, affiliation and the name itself told apart; roles from appositions.

"Saudi Arabia's Brigadier General Ahmed Asseri" reads as the name "Ahmed Asseri", the title "Brigadier
General" and the affiliation "Saudi Arabia's"; "Ahmed Asseri, a military spokesman" gives the role
"military spokesman". Pure functions of the Doc and the rules: no entity is made here (index.py does that).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy
from spacy.attrs import ENT_TYPE, HEAD, IDX, POS, SPACY, TAG
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from ..model import Gender, SpeakerKind
from ..rules import Rules

# spaCy's NER labels (OntoNotes) for people and for bodies that speak.
PERSON_LABELS = frozenset({"PERSON"})
ORG_LABELS = frozenset({"ORG", "NORP", "GPE"})
NAME_LABELS = PERSON_LABELS | ORG_LABELS


@dataclass(frozen=True, slots=True)
class Name:
    """A name as written at one place in the text."""

    kind: SpeakerKind  # PERSON or ORGANIZATION, from the NER label
    full: str  # "Ahmed Asseri"
    key: str  # what mentions of one entity share: the lower-cased surname, or an organisation's whole name
    words: int  # how many words the name has
    titles: tuple[str, ...]
    affiliation: str | None
    first: str | None  # the given name, when a person's name has one
    gender: Gender | None  # from a title or the given name
    start: int  # the token the name starts at, titles included


def is_name(tok: Token) -> bool:
    """A proper noun, or a word NER puts in a person's or a body's name."""
    return tok.pos_ == "PROPN" or tok.ent_type_ in NAME_LABELS


class NameReader:
    """Reads names, transcript labels and roles in one document.

    A document's names are read a hundred times and more (every NER name, every mention): the words'
    offsets, possessive tags and proper-noun flags are read once into lists, not through Token objects."""

    def __init__(self, doc: Doc, text: str, rules: Rules) -> None:
        self.doc = doc
        self.text = text
        self.rules = rules
        # Every word of a title, so "Brigadier General" and "Defense Secretary" are recognised word by word.
        self._title_words = {w for t in rules.titles for w in t.split()}
        n = len(doc)
        arr = doc.to_array([IDX, SPACY, TAG, POS, HEAD]).reshape(n, 5)
        starts = arr[:, 0].astype(numpy.int64)
        self._start: list[int] = starts.tolist()
        # A token ends where the next begins, less its one trailing space if it has one.
        self._end: list[int] = (numpy.append(starts[1:], len(text)) - arr[:, 1].astype(numpy.int64)).tolist()
        self._possessive: list[bool] = (arr[:, 2] == get_string_id("POS")).tolist()  # the tag POS: "'s"
        self._propn: list[bool] = (arr[:, 3] == PROPN).tolist()
        self._heads: list[int] = (arr[:, 4].astype(numpy.int64) + numpy.arange(n)).tolist()  # HEAD is relative
        self._titles: dict[int, bool] = {}
        # Kept once read: the mentions, the index and the resolver read the same names again (a name NER
        # found is read by each of them), and Doc.ents builds its Spans anew on every access.
        self._names: dict[tuple[int, int, str], Name | None] = {}
        self._name_ents: list[tuple[int, int, int, str]] | None = None
        self._missed: list[int] | None = None

    def name_ents(self) -> list[tuple[int, int, int, str]]:
        """The entities NER labelled a person or a body, as (root token, start, end, label), in Doc.ents order."""
        if self._name_ents is None:
            self._name_ents = [(self._root(ent), ent.start, ent.end, ent.label_) for ent in self.doc.ents
                               if ent.label_ in NAME_LABELS]
        return self._name_ents

    def _root(self, ent: Span) -> int:
        """ent.root.i. Span.root counts each word's steps up to its sentence's root, thousands in a sentence of
        nested reports, so the usual answer is read from the heads: a sentence root inside the entity, else its
        one word whose head is outside it. Only an entity with several such words asks spaCy."""
        heads = self._heads
        outside = []
        for i in range(ent.start, ent.end):
            if heads[i] == i:
                return i
            if not ent.start <= heads[i] < ent.end:
                outside.append(i)
        return outside[0] if len(outside) == 1 else ent.root.i

    def ner_missed(self) -> list[int]:
        """names_ner_missed(doc, self), computed once."""
        if self._missed is None:
            self._missed = names_ner_missed(self.doc, self)
        return self._missed

    def offset(self, i: int) -> int:
        """Where token i starts (Token.idx without making the Token)."""
        return self._start[i]

    def read(self, start: int, end: int, label: str) -> Name | None:
        """The name in tokens [start, end) with NER label `label`; None when no word of a name is left."""
        key = (start, end, label)
        if key not in self._names:
            self._names[key] = self._read(start, end, label)
        return self._names[key]

    def _read(self, start: int, end: int, label: str) -> Name | None:
        # Titles inside or just before the entity ("Mr.", "Defense Secretary") are not part of the name.
        while start > 0 and self.is_title(start - 1):
            start -= 1
        words = list(range(start, end))
        while words and self._possessive[words[-1]]:
            words.pop()
        titles: list[str] = []
        affiliation = None
        kind = SpeakerKind.PERSON if label in PERSON_LABELS else SpeakerKind.ORGANIZATION
        if kind is SpeakerKind.PERSON:
            # "Saudi Arabia's Brigadier General Ahmed Asseri": affiliation, then titles, then the name.
            poss = [k for k, w in enumerate(words) if self._possessive[w]]
            if poss:
                affiliation = self._words(words[0], words[poss[-1]])
                words = words[poss[-1] + 1:]
            # The name is what follows the last title word: "U.S. Defense Secretary | Ash Carter".
            endearments = self.rules.words.endearments
            cut = max((k + 1 for k, w in enumerate(words[:-1]) if self.is_title(w) or not self._propn[w] or
                       self._word(w).lower() in endearments), default=0)
            if cut:
                # Only a run with a title word in it is a title: not the "of" of "… of Hillary Clinton".
                if any(self.is_title(w) for w in words[:cut]):
                    titles.append(self._words(words[0], words[cut - 1]))
                words = words[cut:]
        else:
            while words and self._word(words[0]).lower() in self.rules.words.name_stop_words:
                words.pop(0)
        if not words or (kind is SpeakerKind.PERSON and not self._word(words[-1])[:1].isupper()):
            # A person's name ends in a capital ("de Griers"); NER's lowercase persons are words said to someone
            # ("nanny", "mumsy") or common nouns, and took turns and pronouns in dialogue.
            return None
        full = self._words(words[0], words[-1])
        key = self._word(words[-1]).lower() if kind is SpeakerKind.PERSON else full.lower()
        first = self._word(words[0]) if kind is SpeakerKind.PERSON and len(words) > 1 else None
        gender = self._title_gender(titles) or (self.rules.first_names.get(first.lower()) if first else None)
        return Name(kind, full, key, len(words), tuple(titles), affiliation, first, gender, start)

    def label_words(self, label: str) -> list[str]:
        """The words of a transcript label ("MR. KAINE") that are not titles."""
        return [w for w in label.replace(".", " ").split() if w.lower() not in self.rules.titles]

    def role(self, first: int, last: int) -> str:
        """A role as the text gives it, from token `first` to `last`, without a leading article ("a", "the")."""
        while first < last and self._word(first).lower() in self.rules.words.role_leading_words:
            first += 1
        return self._words(first, last)

    def _word(self, i: int) -> str:
        return self.text[self._start[i]:self._end[i]]

    def _words(self, first: int, last: int) -> str:
        # A slice of the text: Span.text would join the tokens anew.
        return self.text[self._start[first]:self._end[last]]

    def is_title(self, i: int) -> bool:
        """Whether token i is a word of a title (\"Mr.\", \"Defense Secretary\")."""
        found = self._titles.get(i)
        if found is None:
            found = self._titles[i] = self._word(i).rstrip(".").lower() in self._title_words
        return found

    def _title_gender(self, titles: list[str]) -> Gender | None:
        for t in titles:
            g = self.rules.titles.get(t.rstrip(".").lower())
            if g:
                return g
        return None


def names_ner_missed(doc: Doc, names: NameReader) -> list[int]:
    """The tokens that are, by their word, a person NER found elsewhere in the document, where NER gave them no
    person's or body's label: a surname or given name alone, capitalised and tagged a proper noun, that is no
    part of a longer name ("Beaver" read once as a person and elsewhere as a place or nothing; not "Beaver
    Street", "the Beaver estate"). Token indices in text order; the mentions and the index both read them.

    NER reads each sentence on its own, and an English surname that is also a word or a place ("Beaver",
    "Hale", "Wood") gets a person's label only where the sentence makes it plain."""
    words: set[str] = set()
    for _, start, end, label in names.name_ents():
        if label in PERSON_LABELS:
            name = names.read(start, end, label)
            if name is not None:
                words.add(name.key)
                if name.first:
                    words.add(name.first.lower())
    if not words:
        return []
    arr = doc.to_array([POS, ENT_TYPE]).reshape(len(doc), 2)
    propn = arr[:, 0] == PROPN
    named = numpy.isin(arr[:, 1], [get_string_id(label) for label in NAME_LABELS])
    out = []
    for i in numpy.flatnonzero(propn & ~named).tolist():
        tok = doc[i]
        if tok.lower_ not in words or not tok.text[:1].isupper() or tok.dep_ == "compound":
            continue
        if i + 1 < len(doc) and propn[i + 1]:
            continue  # the first word of a longer name
        if i > 0 and propn[i - 1] and not names.is_title(i - 1):
            continue  # the last word of a longer name NER did not see either
        out.append(i)
    return out
