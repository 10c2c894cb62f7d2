"""The characters of a document: a given name used alone is the person of that first name, and a person's sex
is read from the pronouns that follow their name. Both run once, while the SpeakerIndex is built, before any
mention is resolved, so that "Lizzy's" and "Elizabeth Bennet's" quotes are one speaker and "she said" does not
go to a man.

A novel or a feature names its people by their first name once it has given the full name ("Elizabeth
Bennet" … "Elizabeth"); names are merged by surname (index.py), so a lone given name would stay a person of its
own. And the first-name list (rules/first_names.jsonl) knows modern given names, not "Elinor" or "Catherine",
nor any surname; the text itself tells: "Elinor … She" again and again.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import DEP, IDX, LOWER, SENT_START
from spacy.strings import get_string_id

from ..model import Gender, SpeakerKind
from ..rules import PronounKind

if TYPE_CHECKING:
    from .index import Entity, SpeakerIndex

_SUBJECT_DEPS = ("nsubj", "nsubjpass")


def merge_given_names(index: "SpeakerIndex") -> None:
    """A person named by one word that is the given name of exactly one person with a surname is that person.

    Only the names NER found are known here (in text order); the entities are renumbered after a merge so their
    ids stay s1, s2, … in the order they were first named."""
    people = [e for e in index.entities if e.kind is SpeakerKind.PERSON]
    by_first: dict[str, list["Entity"]] = {}
    for e in people:
        if e.first and e.name and len(e.name.split()) > 1:
            by_first.setdefault(e.first.lower(), []).append(e)
    merged: dict[int, "Entity"] = {}
    for e in people:
        if e.name is None or e.first is not None or e.key is None or len(e.name.split()) != 1:
            continue
        full = by_first.get(e.key, [])
        if len(full) != 1 or (e.gender and full[0].gender and e.gender != full[0].gender):
            continue
        target = full[0]
        for t in e.titles:
            if t not in target.titles:
                target.titles.append(t)
        if e.name not in target.aliases:
            target.aliases.append(e.name)
        target.gender = target.gender or e.gender
        merged[id(e)] = target
    if not merged:
        return
    index.redirect(merged)


def given_name_sexes(index: "SpeakerIndex") -> None:
    """A person known by one word only, which is a given name of rules/first_names.jsonl and nobody's surname
    here ("Edward", "Brenda"), has that name's sex. (A name of two words or more gets it when read, names.py.)"""
    surnames = {e.key for e in index.entities if e.kind is SpeakerKind.PERSON and e.name and len(e.name.split()) > 1}
    for e in index.entities:
        if e.kind is SpeakerKind.PERSON and e.gender is None and e.name and e.key and \
                len(e.name.split()) == 1 and e.key not in surnames:
            e.gender = index.rules.first_names.get(e.key)


def read_sexes(index: "SpeakerIndex") -> None:
    """Give a person with no known sex the one the pronouns that follow their name agree on: a "he" or "she"
    subject outside quotation marks votes for the only person named as a subject (outside quotation marks) in
    its sentence before it or in the sentence before, with no opening quotation mark between them; three votes
    in four must agree. (Counting narration sentences only, with no quotation mark, loses more votes than wrong
    ones on fiction_train.)"""
    doc, rules = index.doc, index.rules
    votes: dict[int, Counter[Gender]] = {}
    people: dict[int, "Entity"] = {}
    previous: set[int] = set()
    current: set[int] = set()
    sentence = -1
    # Only the tokens that can count, in text order, with the sentence each is in: a name's head or a subject
    # pronoun with a sex, found with numpy over the columns rather than by making a Token of every word.
    last = -1
    for i, s, at in _sex_readings(index):
        if s != sentence:  # a sentence with none of them leaves nobody for the next one
            previous, current, sentence = (current if s == sentence + 1 else set()), set(), s
        if index.quote_opens_between(last, at):
            # After someone's line a "she" in the narration is as often the person who answers: no vote reaches
            # back across a quotation.
            previous, current = set(), set()
        last = at
        occ = index.occurrence_at_head(i)
        if occ is not None:
            if occ.is_subject and not occ.in_quote and occ.entity.kind is SpeakerKind.PERSON:
                current.add(id(occ.entity))
                people[id(occ.entity)] = occ.entity
            continue
        tok = doc[i]
        pron = rules.pronouns.get(tok.lower_)
        if pron is None or pron.kind is not PronounKind.PERSON or pron.gender is None or \
                tok.dep_ not in _SUBJECT_DEPS or index.in_quote(tok.idx):
            continue
        candidates = current or previous
        if len(candidates) == 1:
            (who,) = candidates
            votes.setdefault(who, Counter())[pron.gender] += 1
    for who, counts in votes.items():
        entity = people[who]
        [(gender, n)] = counts.most_common(1)
        if entity.gender is None and n >= 0.75 * sum(counts.values()):
            entity.gender = gender


def _sex_readings(index: "SpeakerIndex") -> list[tuple[int, int, int]]:
    """(token, sentence number, character offset) of every name's head and every subject pronoun with a sex, in text order: the
    tokens read_sexes reads (it checks each again). Sentences are numbered as Doc.sents cuts them."""
    doc, rules = index.doc, index.rules
    if len(doc) == 0:
        return []
    cols = doc.to_array([LOWER, DEP, SENT_START, IDX]).reshape(len(doc), 4)
    starts = cols[:, 2] == 1
    starts[0] = False
    sentence = numpy.cumsum(starts)
    words = [get_string_id(w) for w, p in rules.pronouns.items()
             if p.kind is PronounKind.PERSON and p.gender is not None]
    pronouns = numpy.isin(cols[:, 0], numpy.array(words, dtype=numpy.uint64)) & \
        numpy.isin(cols[:, 1], numpy.array([get_string_id(d) for d in _SUBJECT_DEPS], dtype=numpy.uint64))
    tokens = sorted(set(numpy.flatnonzero(pronouns).tolist()) | set(index.heads_of_names()))
    return list(zip(tokens, sentence[tokens].tolist(), cols[tokens, 3].tolist()))
