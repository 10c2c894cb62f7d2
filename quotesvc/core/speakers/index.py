"""The speakers of one document: its entities, their name occurrences, and every collected mention resolved.

A SpeakerIndex is built once per document, from the names NER found and the mentions collected before it
(mentions.collect_mentions), which it resolves in text order, as a reader would (resolve.py): "he" goes to
the most recent compatible person, preferring grammatical subjects, and tells the index that person is a
man. Once built it is only read: the same query gets the same answer, in any order. Asking about a mention
that was not collected is a bug, and fails loudly.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from spacy.tokens import Doc, Token

from ..model import Gender, QuotedSpan, Span, Speaker, SpeakerKind
from ..quotemarks import QuoteLookup
from ..rules import Rules
from . import characters, resolve
from .mentions import LocalMention, MentionForm, local_mention
from .names import Name, NameReader, is_name
from .namesakes import Namesakes

_SUBJECT_DEPS = {"nsubj", "nsubjpass"}


@dataclass(slots=True)
class Entity:
    id: str
    kind: SpeakerKind
    name: str | None
    key: str | None  # lower-cased surname (organisations: the whole name) for merging; None for nominal entities
    gender: Gender | None = None
    first: str | None = None  # the given name, once one is seen
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None

    def absorb(self, name: Name) -> None:
        if self.name is None or len(name.full) > len(self.name):
            if self.name and self.name not in self.aliases:
                self.aliases.append(self.name)
            self.name = name.full
        elif name.full != self.name and name.full not in self.aliases:
            self.aliases.append(name.full)
        for t in name.titles:
            if t not in self.titles:
                self.titles.append(t)
        self.first = self.first or name.first
        self.affiliation = self.affiliation or name.affiliation
        self.gender = self.gender or name.gender


@dataclass(slots=True)
class Occurrence:
    """A name written at one place: where (its first character, titles included), whose, and how it is used."""

    start: int
    entity: Entity
    is_subject: bool
    head: int  # token index of the name's head
    in_quote: bool = False  # inside quotation marks: someone's words, not the narration


@dataclass(frozen=True, slots=True)
class RoleGiven:
    """An apposition giving an entity a role ("Ahmed Asseri, a military spokesman")."""

    position: int  # character offset of the apposition
    entity: Entity
    role: str


class SpeakerIndex:
    def __init__(self, doc: Doc, rules: Rules, *, mentions: Iterable[LocalMention] = (), text: str | None = None,
                 quoted: Sequence[QuotedSpan] = (), names: NameReader | None = None) -> None:
        """`text` is doc.text when the caller has it: Doc.text joins every token anew on each access. `quoted` are
        the document's quoted spans: a name inside one is someone's words, never what a pronoun outside refers to.
        `names` is the NameReader collect_mentions read the document with, when the caller has it."""
        self.doc = doc
        self.text = doc.text if text is None else text
        doc_length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        if len(self.text) != doc_length:
            raise ValueError(f"text of {len(self.text)} characters given for a document of {doc_length}")
        self.rules = rules
        self.names = NameReader(doc, self.text, rules) if names is None else names
        mentions = list(mentions)
        # A collected mention other than a label is local_mention(its head): kept, so a sieve asking again
        # gets it without reading the words around the token anew.
        self._local: dict[int, LocalMention] = {m.head: m for m in mentions if m.form is not MentionForm.LABEL}
        self.entities: list[Entity] = []
        self.roles: list[RoleGiven] = []  # in the order they were read
        self._roles_by_word: dict[str, tuple[list[int], list[RoleGiven]]] = {}  # word -> positions, roles: in text order
        self._by_key: dict[str, Entity] = {}
        self._namesakes = Namesakes()  # the people of each surname, first named first
        self._occurrences: list[Occurrence] = []  # in text order
        self._starts: list[int] = []
        self._at_head: dict[int, Occurrence] = {}
        self._resolved: dict[tuple[int, int, str], Entity] = {}
        self._runs: tuple[list[int], list[Occurrence], list[int]] | None = None  # _person_runs, once asked
        for root, start, end, label in self.names.name_ents():
            self.note_name(doc[root], start, end, label, in_order=False)
        for i in self.names.ner_missed():
            self.note_name(doc[i], i, i + 1, "PERSON", in_order=False)
        self._occurrences.sort(key=lambda o: o.start)
        self._starts = [o.start for o in self._occurrences]
        self._quotes = QuoteLookup(quoted)
        self._quote_starts = [q.open_mark.start for q in quoted]
        for occ in self._occurrences:
            occ.in_quote = self._quotes.index_at(occ.start) is not None
        characters.merge_given_names(self)
        characters.given_name_sexes(self)
        characters.read_sexes(self)
        self._most_mentioned: Entity | None = None
        self._narrator: Entity | None = None
        resolve.resolve_all(self, mentions)
        for given in sorted(self.roles, key=lambda r: r.position):  # each entity's role: the first the text gives
            if given.entity.role is None:
                given.entity.role = given.role

    # -- queries (the built index) -------------------------------------------------------------------
    def local_mention(self, token_i: int) -> LocalMention:
        """The words an attribution rests on, for a source head token."""
        found = self._local.get(token_i)
        if found is None:
            found = self._local[token_i] = local_mention(self.doc, self.text, self.rules, token_i)
        return found

    def resolve(self, mention: LocalMention) -> Entity:
        """The entity a collected mention belongs to."""
        found = self._resolved.get(mention.key)
        if found is None:
            raise LookupError(f"the {mention.form.value} mention {mention.text!r} at {mention.span} was not "
                              "collected before the index was built (speakers/mentions.py collect_mentions)")
        return found

    def sole_person(self, *ranges: tuple[int, int]) -> tuple[int, Entity] | None:
        """The one person named in the ranges [start, end) (given in text order): the head token of the last
        of those names, and the person; None when they name nobody or more than one person. Two bisections a
        range over runs of the same person, not a pass over every name in it (a paragraph may name thousands)."""
        starts, people, run_end = self._person_runs()
        found: tuple[int, Entity] | None = None
        for start, end in ranges:
            a, b = bisect_left(starts, start), bisect_left(starts, end)
            if a >= b:
                continue
            if run_end[a] < b or (found is not None and found[1] is not people[a].entity):
                return None
            found = (people[b - 1].head, people[a].entity)
        return found

    def _person_runs(self) -> tuple[list[int], list[Occurrence], list[int]]:
        """The occurrences of people's names (their starts, the occurrences) and, for each, the index of the next
        one of somebody else (or their count): built once the index is, and again if a name is noted later."""
        if self._runs is None:
            people = [o for o in self._occurrences if o.entity.kind is SpeakerKind.PERSON]
            run_end = [len(people)] * len(people)
            for i in range(len(people) - 2, -1, -1):
                run_end[i] = run_end[i + 1] if people[i + 1].entity is people[i].entity else i + 1
            self._runs = ([o.start for o in people], people, run_end)
        return self._runs

    def names_in(self, start: int, end: int) -> list[Occurrence]:
        """The occurrences of people's names that start in [start, end), in text order."""
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self._occurrences) and self._occurrences[i].start < end:
            if self._occurrences[i].entity.kind is SpeakerKind.PERSON:
                out.append(self._occurrences[i])
            i += 1
        return out

    def most_mentioned_person(self) -> Entity | None:
        """The person the article names most often (the first named of those named as often)."""
        if self._most_mentioned is None:
            counts: dict[int, int] = {}
            for occ in self._occurrences:
                if occ.entity.kind is SpeakerKind.PERSON:
                    counts[id(occ.entity)] = counts.get(id(occ.entity), 0) + 1
            best = max(counts, key=lambda k: counts[k], default=None)
            self._most_mentioned = next((e for e in self.entities if id(e) == best), None)
        return self._most_mentioned

    def quote_before(self, offset: int) -> Span | None:
        """The last quoted span (marks included) that starts before `offset`, or None."""
        quoted = self._quotes.quoted
        i = bisect_right(self._quote_starts, offset) - 1
        if i < 0:
            return None
        q = quoted[i]
        return Span(q.open_mark.start, q.close_mark.end if q.close_mark else q.content.end)

    def in_quote(self, offset: int) -> bool:
        """Whether a character offset lies inside quotation marks."""
        return self._quotes.index_at(offset) is not None

    def quote_opens_between(self, start: int, end: int) -> bool:
        """Whether a quotation's opening mark stands after offset `start` and before offset `end`."""
        return bisect_left(self._quote_starts, end) > bisect_right(self._quote_starts, start)

    def narrator_if_any(self) -> Entity | None:
        """The first-person narrator, if some "I" outside quotation marks has made one."""
        return self._narrator

    def narrator(self) -> Entity:
        """The first-person narrator ("I said"): one person for the whole document, whose name the text need not
        give."""
        if self._narrator is None:
            self._narrator = self.new_entity(SpeakerKind.PERSON, None, None)
            self._narrator.aliases.append("I")
        return self._narrator

    def is_known_name(self, label: str, at: Span) -> bool:
        """Whether the article names the person of a transcript label ("MR. KAINE") other than at `at`."""
        words = self.names.label_words(label)
        entity = self._by_key.get(words[-1].lower()) if words else None
        return entity is not None and any(o.entity is entity and o.start != at.start for o in self._occurrences)

    def speakers(self, quotes: Mapping[str, list[str]]) -> list[Speaker]:
        """The entities that have quotes (entity id -> quote ids), in the order they were made."""
        return [Speaker(e.id, e.name, e.kind, list(e.titles), list(e.aliases), list(quotes[e.id]), e.role,
                        e.affiliation) for e in self.entities if quotes.get(e.id)]

    # -- building (resolve.py calls these while the index is built) ------------------------------------
    def note_name(self, root: Token, start: int, end: int, label: str, in_order: bool = True) -> Entity | None:
        """The entity of the name in tokens [start, end), found or made, and its occurrence noted (in text
        order unless `in_order` is False: the NER names are sorted once, together)."""
        name = self.names.read(start, end, label)
        if name is None:
            return None
        kind = name.kind
        entity = self._by_key.get(name.key)
        if entity is not None and entity.kind is SpeakerKind.PERSON and kind is not SpeakerKind.PERSON \
                and name.words == 1:
            kind = SpeakerKind.PERSON  # a lone surname the model took for an organisation ("CALLOWAY:")
        if entity is not None and entity.kind is kind and kind is SpeakerKind.PERSON:
            entity = self._namesake(name)
        if entity is None or entity.kind is not kind:
            entity = self.new_entity(kind, None, name.key)
            if kind is SpeakerKind.PERSON:
                self._namesakes.add(name.key, entity, name.first)
        entity.absorb(name)
        if root.i in self._at_head:
            return entity  # a name NER found, read again at a mention of it
        occ = Occurrence(self.names.offset(name.start), entity, root.dep_ in _SUBJECT_DEPS, root.i)
        self._runs = None
        if in_order:
            occ.in_quote = self._quotes.index_at(occ.start) is not None
            i = bisect_right(self._starts, occ.start)
            self._occurrences.insert(i, occ)
            self._starts.insert(i, occ.start)
        else:
            self._occurrences.append(occ)
        self._at_head[root.i] = occ
        self.read_appositions(root, entity)
        return entity

    def _namesake(self, name: Name) -> Entity | None:
        """Which person of this surname a new mention is: none of them (None) when its first name or its
        sex (from a title or the first name) tells it apart from each ("Mrs. Danner" after "Mr. Danner",
        "Bill Clinton" after "Hillary Clinton"); a bare surname is the first person of that name."""
        return self._namesakes.find(name.key, name.first, name.gender)

    def new_entity(self, kind: SpeakerKind, name: str | None, key: str | None, register: bool = False) -> Entity:
        entity = Entity(f"s{len(self.entities) + 1}", kind, name, key)
        self.entities.append(entity)
        if key is not None:
            if register:
                self._by_key[key] = entity
            else:
                self._by_key.setdefault(key, entity)
        return entity

    def occurrence_at_head(self, token_i: int) -> Occurrence | None:
        return self._at_head.get(token_i)

    def heads_of_names(self) -> list[int]:
        """The head tokens of the names noted so far (occurrence_at_head answers for exactly these)."""
        return list(self._at_head)

    def redirect(self, merged: Mapping[int, Entity]) -> None:
        """Merge entities (id of the merged one -> the one it becomes) before any mention is resolved: their
        occurrences, keys and namesakes move over, and the rest are renumbered s1, s2, … in order."""
        self._runs = None
        for occ in self._occurrences:
            occ.entity = merged.get(id(occ.entity), occ.entity)
        for key, entity in list(self._by_key.items()):
            self._by_key[key] = merged.get(id(entity), entity)
        self._namesakes.redirect(merged)
        self.entities = [e for e in self.entities if id(e) not in merged]
        for k, e in enumerate(self.entities, 1):
            e.id = f"s{k}"

    def entity_by_key(self, key: str) -> Entity | None:
        return self._by_key.get(key)

    def occurrences_before(self, position: int) -> tuple[list[Occurrence], int]:
        """All occurrences, and how many start before `position`."""
        return self._occurrences, bisect_left(self._starts, position)

    def read_appositions(self, head: Token, entity: Entity) -> None:
        """Record a nominal apposition ("Ahmed Asseri, a military spokesman") as a role of the entity."""
        for child in head.rights:
            if child.dep_ == "appos" and not is_name(child):
                self.give_role(child.idx, entity, child.left_edge.i, child.right_edge.i)

    def give_role(self, position: int, entity: Entity, first: int, last: int) -> None:
        """Tokens first..last, read at `position`, give the entity a role."""
        given = RoleGiven(position, entity, self.names.role(first, last))
        self.roles.append(given)
        for word in set(given.role.lower().split()):
            positions, roles = self._roles_by_word.setdefault(word, ([], []))
            i = bisect_right(positions, position)
            positions.insert(i, position)
            roles.insert(i, given)

    def role_holder(self, noun: str, before: int) -> Entity | None:
        """The entity an apposition before `before` most recently gave a role with this noun in it."""
        positions, roles = self._roles_by_word.get(noun, ([], []))
        i = bisect_left(positions, before)
        return roles[i - 1].entity if i else None

    def record(self, mention: LocalMention, entity: Entity) -> None:
        self._resolved[mention.key] = entity
