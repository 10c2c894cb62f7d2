"""Speaker mentions and the entities they belong to: names merged, pronouns and roles resolved.

One SpeakerIndex is built per document. It reads the parse once (NER and subjects) and then
answers "which entity does this mention belong to" in text order, which is how a reader resolves
"he": to the most recent compatible person, preferring grammatical subjects.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..model import Gender, Span, Speaker, SpeakerKind
from ..rules import PronounKind, Rules

_PERSON_LABELS = {"PERSON"}
_ORG_LABELS = {"ORG", "NORP", "GPE"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# Dependents that belong to a noun phrase's own words (not appositions, clauses or datelines before it).
_NP_LEFT_DEPS = {"det", "compound", "amod", "poss", "nmod", "nummod", "flat", "case", "quantmod", "predet"}


@dataclass(slots=True)
class Entity:
    id: str
    kind: SpeakerKind
    name: str | None
    key: str | None  # lower-cased last name word for merging; None for nominal entities
    gender: Gender | None = None
    first: str | None = None  # the given name, once one is seen
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None
    quotes: list[str] = field(default_factory=list)

    def absorb_name(self, full: str, titles: list[str]) -> None:
        if self.name is None or len(full) > len(self.name):
            if self.name and self.name not in self.aliases:
                self.aliases.append(self.name)
            self.name = full
        elif full != self.name and full not in self.aliases:
            self.aliases.append(full)
        for t in titles:
            if t not in self.titles:
                self.titles.append(t)


@dataclass(frozen=True, slots=True)
class LocalMention:
    """The words an attribution rests on ("he", "Asseri", "a source"), with what they tell us."""

    span: Span
    text: str
    head: int
    form: str  # "name" | "pronoun" | "relative" | "nominal" | "label"


@dataclass(frozen=True, slots=True)
class _NameOcc:
    start: int  # character offset, for ordering
    entity: Entity
    is_subject: bool
    head: int  # token index of the name's head


class SpeakerIndex:
    def __init__(self, doc: Doc, rules: Rules, text: str | None = None) -> None:
        """`text` is doc.text when the caller has it: Doc.text joins every token anew on each access."""
        self.doc = doc
        self.text = doc.text if text is None else text
        doc_length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        if len(self.text) != doc_length:
            raise ValueError(f"text of {len(self.text)} characters given for a document of {doc_length}")
        self.rules = rules
        self.entities: list[Entity] = []
        self._resolved: dict[tuple[int, int], Entity] = {}
        # Every word of a title, so "Brigadier General" and "Defense Secretary" are recognised word by word.
        self._title_words = {w for t in rules.titles for w in t.split()}
        self._by_key: dict[str, Entity] = {}
        self._namesakes: dict[str, list[Entity]] = {}  # surname -> the people of that name, first named first
        self._occurrences: list[_NameOcc] = []  # in text order
        self._starts: list[int] = []
        for ent in doc.ents:
            if ent.label_ in _PERSON_LABELS or ent.label_ in _ORG_LABELS:
                self._note_named(ent.root, ent.start, ent.end, ent.label_)
        self._occurrences.sort(key=lambda o: o.start)
        self._starts = [o.start for o in self._occurrences]

    # -- building -------------------------------------------------------------------------------
    def _note_named(self, root: Token, start: int, end: int, label: str) -> Entity | None:
        doc = self.doc
        # Titles inside or just before the entity ("Mr.", "Defense Secretary") are not part of the name.
        while start > 0 and self._is_title(doc[start - 1]):
            start -= 1
        words = list(doc[start:end])
        while words and words[-1].tag_ == "POS":
            words.pop()
        titles: list[str] = []
        affiliation = None
        kind = SpeakerKind.PERSON if label in _PERSON_LABELS else SpeakerKind.ORGANIZATION
        if kind is SpeakerKind.PERSON:
            # "Saudi Arabia's Brigadier General Ahmed Asseri": affiliation, then titles, then the name.
            poss = [k for k, w in enumerate(words) if w.tag_ == "POS"]
            if poss:
                affiliation = self._words_text(words[0], words[poss[-1]])
                words = words[poss[-1] + 1:]
            # The name is what follows the last title word: "U.S. Defense Secretary | Ash Carter".
            cut = max((k + 1 for k, w in enumerate(words[:-1]) if self._is_title(w) or w.pos_ != "PROPN"), default=0)
            if cut:
                # Only a run with a title word in it is a title: not the "of" of "… of Hillary Clinton".
                if any(self._is_title(w) for w in words[:cut]):
                    titles.append(self._words_text(words[0], words[cut - 1]))
                words = words[cut:]
        else:
            while words and words[0].lower_ in self.rules.words.name_stop_words:
                words.pop(0)
        if not words:
            return None
        full = self._words_text(words[0], words[-1])
        key = (words[-1].lower_ if kind is SpeakerKind.PERSON else full.lower())
        entity = self._by_key.get(key)
        if entity is not None and entity.kind is SpeakerKind.PERSON and kind is not SpeakerKind.PERSON \
                and len(words) == 1:
            kind = SpeakerKind.PERSON  # a lone surname the model took for an organisation ("CALLOWAY:")
        first = words[0].text if kind is SpeakerKind.PERSON and len(words) > 1 else None
        gender = self._title_gender(titles) or (self.rules.first_names.get(first.lower()) if first else None)
        if entity is not None and entity.kind is kind and kind is SpeakerKind.PERSON:
            entity = self._namesake(key, first, gender)
        if entity is None or entity.kind is not kind:
            entity = Entity(f"s{len(self.entities) + 1}", kind, None, key)
            self.entities.append(entity)
            self._by_key.setdefault(key, entity)
            if kind is SpeakerKind.PERSON:
                self._namesakes.setdefault(key, []).append(entity)
        entity.absorb_name(full, titles)
        if first and entity.first is None:
            entity.first = first
        if affiliation and entity.affiliation is None:
            entity.affiliation = affiliation
        if gender and entity.gender is None:
            entity.gender = gender
        self._occurrences.append(_NameOcc(doc[start].idx, entity, root.dep_ in _SUBJECT_DEPS, root.i))
        return entity

    def _namesake(self, key: str, first: str | None, gender: Gender | None) -> Entity | None:
        """Which person of this surname a new mention is: none of them (None) when its first name or its
        sex (from a title or the first name) tells it apart from each ("Mrs. Danner" after "Mr. Danner",
        "Bill Clinton" after "Hillary Clinton"); a bare surname is the first person of that name."""
        people = self._namesakes.get(key, [])
        for person in people:
            if gender and person.gender and gender != person.gender:
                continue
            if first and person.first and first != person.first and len(first) > 1 and len(person.first) > 1:
                continue
            return person
        return None

    def _words_text(self, first: Token, last: Token) -> str:
        # A slice of the text: Span.text would join the tokens anew.
        return self.text[first.idx:last.idx + len(last)]

    def _is_title(self, tok: Token) -> bool:
        return tok.text.rstrip(".").lower() in self._title_words

    def _title_gender(self, titles: list[str]) -> Gender | None:
        for t in titles:
            g = self.rules.titles.get(t.rstrip(".").lower())
            if g:
                return g
        return None

    # -- mentions -------------------------------------------------------------------------------
    def local_mention(self, token_i: int) -> LocalMention:
        """The words the attribution rests on, for a source head token."""
        tok = self.doc[token_i]
        low = tok.lower_
        pron = self.rules.pronouns.get(low)
        if pron is not None and tok.pos_ in ("PRON", "DET", "SCONJ"):
            form = "relative" if pron.kind is PronounKind.RELATIVE else "pronoun"
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
            start_tok = self.doc[start_tok.i + 1]
        end_tok = tok
        for child in tok.rights:
            if child.dep_ in ("compound", "flat") or (child.dep_ == "case" and child.i == end_tok.i + 1):
                end_tok = child
        span = Span(start_tok.idx, end_tok.idx + len(end_tok))
        form = "name" if tok.pos_ == "PROPN" or tok.ent_type_ in _PERSON_LABELS | _ORG_LABELS else "nominal"
        return LocalMention(span, span.of(self.text), tok.i, form)

    def resolve(self, mention: LocalMention) -> Entity:
        """The entity a local mention belongs to, creating one when the mention is new (idempotent)."""
        key = (mention.span.start, mention.span.end)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(mention)
        return found

    def people_in(self, start: int, end: int) -> list[tuple[int, Entity]]:
        """Named people mentioned in [start, end): (head token index, entity), in text order."""
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self._occurrences) and self._occurrences[i].start < end:
            occ = self._occurrences[i]
            if occ.entity.kind is SpeakerKind.PERSON:
                out.append((occ.head, occ.entity))
            i += 1
        return out

    def labelled(self, mention: LocalMention) -> Entity:
        """A transcript speaker label ("PENCE", "MR. KAINE"): merged with the named person by surname."""
        words = [w for w in mention.text.replace(".", " ").split() if w.lower() not in self.rules.titles]
        if not words:
            return self.resolve(mention)
        key = words[-1].lower()
        entity = self._by_key.get(key)
        if entity is None:
            entity = Entity(f"s{len(self.entities) + 1}", SpeakerKind.PERSON, " ".join(w.title() for w in words), key)
            self.entities.append(entity)
            self._by_key[key] = entity
        self._resolved[(mention.span.start, mention.span.end)] = entity
        return entity

    def is_known_name(self, label: str, at: Span) -> bool:
        """Whether the article names the person of a transcript label ("MR. KAINE") other than at `at`."""
        words = [w for w in label.replace(".", " ").split() if w.lower() not in self.rules.titles]
        entity = self._by_key.get(words[-1].lower()) if words else None
        return entity is not None and any(o.entity is entity and o.start != at.start for o in self._occurrences)

    def bind(self, mention: LocalMention, entity: Entity) -> None:
        """Attach a mention to a known entity (an "A:" label to the interviewee)."""
        self._resolved[(mention.span.start, mention.span.end)] = entity

    def most_mentioned_person(self) -> Entity | None:
        counts: dict[str, int] = {}
        for occ in self._occurrences:
            if occ.entity.kind is SpeakerKind.PERSON:
                counts[occ.entity.id] = counts.get(occ.entity.id, 0) + 1
        if not counts:
            return None
        best = max(counts, key=lambda k: counts[k])
        return next(e for e in self.entities if e.id == best)

    def _resolve(self, mention: LocalMention) -> Entity:
        doc = self.doc
        tok = doc[mention.head]
        if mention.form == "relative":
            # "Asseri, who said ...": the relative clause hangs off the noun it describes.
            clause = tok.head
            target = clause.head if clause.dep_ == "relcl" else None
            if target is not None:
                return self.resolve(self.local_mention(target.i))
            return self._nominal(mention, SpeakerKind.UNKNOWN)
        if mention.form == "pronoun":
            pron = self.rules.pronouns[tok.lower_]
            found = self._antecedent(mention.span.start, pron.kind, pron.gender)
            if found is not None:
                if pron.gender and found.gender is None:
                    found.gender = pron.gender
                return found
            return self._nominal(mention, pron.kind.speaker_kind)
        if mention.form == "name":
            ent_label = tok.ent_type_ or ("PERSON" if tok.pos_ == "PROPN" else "ORG")
            if ent_label not in _PERSON_LABELS | _ORG_LABELS:
                ent_label = "PERSON"
            lo = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
            entity = self._note_named(tok, lo.start if lo is not None else tok.i, tok.i + 1, ent_label)
            if entity is not None:
                self._refresh_order()
                return entity
        # The word as written first: "officials" is a group even though its lemma is a person's role.
        role = self.rules.roles.get(tok.lower_) or self.rules.roles.get(tok.lemma_.lower())
        if role is not None and role.kind is SpeakerKind.PERSON:
            linked = self._by_role(tok.lemma_.lower(), mention.span.start)
            if linked is not None:
                return linked
        kind = role.kind if role is not None else (
            SpeakerKind.GROUP if tok.tag_ in ("NNS", "NNPS") else SpeakerKind.UNKNOWN)
        return self._nominal(mention, kind)

    def _refresh_order(self) -> None:
        """Move the occurrence _note_named just appended to its place in text order."""
        occ = self._occurrences.pop()
        i = bisect_right(self._starts, occ.start)
        self._occurrences.insert(i, occ)
        self._starts.insert(i, occ.start)

    def _nominal(self, mention: LocalMention, kind: SpeakerKind) -> Entity:
        entity = Entity(f"s{len(self.entities) + 1}", kind, None, None)
        entity.aliases.append(mention.text)
        self.entities.append(entity)
        return entity

    def _by_role(self, noun: str, before: int) -> Entity | None:
        for entity in reversed(self.entities):
            if entity.role and noun in entity.role.lower().split():
                return entity
        return None

    def _antecedent(self, position: int, kind: PronounKind, gender: Gender | None) -> Entity | None:
        """Most recent compatible named entity before position; subjects first within the window."""
        i = bisect_left(self._starts, position)
        fallback = None
        while i > 0:
            i -= 1
            occ = self._occurrences[i]
            if position - occ.start > self.rules.parameters.pronoun_window:
                break
            e = occ.entity
            if not _compatible(e, kind, gender):
                continue
            if occ.is_subject:
                return e
            if fallback is None:
                fallback = e
        return fallback

    def note_role(self, entity: Entity, head: int) -> None:
        """Record an apposition ("Ahmed Asseri, a military spokesman") as the entity's role."""
        for child in self.doc[head].rights:
            if child.dep_ == "appos" and entity.role is None:
                entity.role = self.doc[child.left_edge.i:child.right_edge.i + 1].text

    def speakers(self, used: set[str]) -> list[Speaker]:
        out = []
        for e in self.entities:
            if e.id in used:
                out.append(Speaker(e.id, e.name, e.kind, list(e.titles), list(e.aliases), list(e.quotes),
                                   e.role, e.affiliation))
        return out


def _compatible(e: Entity, kind: PronounKind, gender: Gender | None) -> bool:
    if kind is PronounKind.PERSON:
        if e.kind is not SpeakerKind.PERSON:
            return False
        return gender is None or e.gender is None or e.gender == gender
    if kind in (PronounKind.ORGANIZATION, PronounKind.GROUP):
        return e.kind in (SpeakerKind.ORGANIZATION, SpeakerKind.GROUP)
    return True
