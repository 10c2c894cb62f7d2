"""Resolving mentions to entities, as a reader would: every collected mention once, in text order.

A name is the entity of its occurrence (a name NER missed becomes one); a pronoun the most recent
compatible name within pronoun_window characters, subjects first, and it tells its antecedent's sex; a
relative pronoun ("who") the noun its clause modifies; a role noun ("the spokeswoman") the person an
earlier apposition gave that role; a role noun in apposition with a name ("The harbour master, Ines
Okafor,") that person, with the role; any other noun phrase an entity of its own; a transcript label the
person of that surname, an answer label ("A:") the person the article names most.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..model import Gender, SpeakerKind
from ..rules import PronounKind
from .mentions import LocalMention, MentionForm, local_mention, relative_target
from .names import NAME_LABELS, PERSON_LABELS, is_name

if TYPE_CHECKING:
    from .index import Entity, SpeakerIndex


def resolve_all(index: "SpeakerIndex", mentions: Iterable[LocalMention]) -> None:
    answers = index.rules.words.interviewee_labels
    pending = []
    for mention in sorted(mentions, key=lambda m: m.key):
        if mention.form is MentionForm.LABEL and mention.text.lower() in answers:
            pending.append(mention)  # once every name is known
        else:
            _resolve(index, mention)
    person = index.most_mentioned_person()
    if person is not None:
        for mention in pending:
            index.record(mention, person)


def _resolve(index: "SpeakerIndex", mention: LocalMention) -> "Entity":
    try:
        return index.resolve(mention)
    except LookupError:
        pass
    entity = _entity_of(index, mention)
    index.record(mention, entity)
    if mention.form is not MentionForm.NAME and mention.form is not MentionForm.LABEL:
        index.read_appositions(index.doc[mention.head], entity)
    return entity


def _entity_of(index: "SpeakerIndex", mention: LocalMention) -> "Entity":
    doc, rules = index.doc, index.rules
    tok = doc[mention.head]
    if mention.form is MentionForm.LABEL:
        words = index.names.label_words(mention.text)
        if words:
            key = words[-1].lower()
            return index.entity_by_key(key) or index.new_entity(
                SpeakerKind.PERSON, " ".join(w.title() for w in words), key, register=True)
    if mention.form is MentionForm.RELATIVE:
        target = relative_target(doc, mention)
        if target is not None:
            return _resolve(index, local_mention(doc, index.text, rules, target))
        return _nominal(index, mention, SpeakerKind.UNKNOWN)
    if mention.form is MentionForm.PRONOUN:
        pron = rules.pronouns[tok.lower_]
        if pron.kind is PronounKind.NARRATOR and not index.in_quote(mention.span.start):
            return index.narrator()
        found = _antecedent(index, mention.span.start, pron.kind, pron.gender)
        if found is not None:
            if pron.gender and found.gender is None:
                found.gender = pron.gender
            return found
        return _nominal(index, mention, pron.kind.speaker_kind)
    if mention.form is MentionForm.NAME:
        named = _named(index, mention)
        if named is not None:
            return named
    apposed = next((c for c in tok.rights if c.dep_ == "appos" and is_name(c)), None)
    if apposed is not None and mention.form is MentionForm.NOMINAL:
        # "The harbour master, Ines Okafor, said": one person, whose role the noun phrase gives.
        person = _resolve(index, local_mention(doc, index.text, rules, apposed.i))
        index.give_role(mention.span.start, person, tok.left_edge.i, _last_before(doc, apposed.left_edge.i))
        return person
    # The word as written first: "officials" is a group even though its lemma is a person's role.
    role = rules.roles.get(tok.lower_) or rules.roles.get(tok.lemma_.lower())
    if role is not None and role.kind is SpeakerKind.PERSON:
        linked = index.role_holder(tok.lemma_.lower(), mention.span.start)
        if linked is not None:
            return linked
    kind = role.kind if role is not None else (
        SpeakerKind.GROUP if tok.tag_ in ("NNS", "NNPS") else SpeakerKind.UNKNOWN)
    return _nominal(index, mention, kind)


def _named(index: "SpeakerIndex", mention: LocalMention) -> "Entity | None":
    """The entity of a name, read from the mention's words (which may add a title or a fuller name to it)."""
    tok = index.doc[mention.head]
    label = tok.ent_type_ or ("PERSON" if tok.pos_ == "PROPN" else "ORG")
    if label not in NAME_LABELS:
        label = next(iter(PERSON_LABELS))
    words = index.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    return index.note_name(tok, words.start if words is not None else tok.i, tok.i + 1, label)


def _antecedent(index: "SpeakerIndex", position: int, kind: PronounKind, gender: Gender | None) -> "Entity | None":
    """The most recent compatible name before `position`, within the pronoun window; subjects first. A pronoun
    outside quotation marks never refers to a name inside them ("'Basil,' he murmured": not Basil)."""
    occurrences, i = index.occurrences_before(position)
    window = index.rules.parameters.pronoun_window
    outside = not index.in_quote(position)
    fallback = quoted = None
    own_quote = index.quote_before(position) if outside else None
    while i > 0:
        i -= 1
        occ = occurrences[i]
        if position - occ.start > window:
            break
        if not _compatible(occ.entity, kind, gender):
            continue
        if outside and occ.in_quote:
            # Someone named only in what people say is talked about or to; still, when the narration names
            # nobody who fits, the one named in an earlier line (not the line the pronoun tags) is who it means.
            if quoted is None and (own_quote is None or not own_quote.start <= occ.start < own_quote.end):
                quoted = occ.entity
            continue
        if occ.is_subject:
            return occ.entity
        if fallback is None:
            fallback = occ.entity
    return fallback if fallback is not None else quoted


def _compatible(e: "Entity", kind: PronounKind, gender: Gender | None) -> bool:
    if kind in (PronounKind.PERSON, PronounKind.NARRATOR):
        return e.kind is SpeakerKind.PERSON and (gender is None or e.gender is None or e.gender == gender)
    if kind in (PronounKind.ORGANIZATION, PronounKind.GROUP):
        return e.kind in (SpeakerKind.ORGANIZATION, SpeakerKind.GROUP)
    return True


def _nominal(index: "SpeakerIndex", mention: LocalMention, kind: SpeakerKind) -> "Entity":
    entity = index.new_entity(kind, None, None)
    entity.aliases.append(mention.text)
    return entity


def _last_before(doc, i: int) -> int:
    """The last token before token i that is not punctuation (the comma before an apposition)."""
    i -= 1
    while i > 0 and (doc[i].is_punct or doc[i].is_space):
        i -= 1
    return i
