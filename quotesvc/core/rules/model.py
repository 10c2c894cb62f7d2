"""The loaded rules as types: lexicon entries, dependency rules, sieve settings, named numbers and word
lists, and the Rules bundle the stages read."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from spacy.matcher import DependencyMatcher
from spacy.vocab import Vocab

from ..cues.matcher import CueMatcher, UnsupportedPattern
from ..model import Gender, SieveName, SpeakerKind


class RuleError(ValueError):
    """A rule file is missing or malformed; the message names the file and line."""


class CueClass(str, Enum):
    SPEECH = "speech"  # communication: say, tell, tweet, "according to"
    BELIEF = "belief"  # cognition and intention: think, believe, hope
    DIALOGUE = "dialogue"  # tags a line of dialogue beside its marks, reports nothing alone: returned, went on, smiled


class PronounKind(str, Enum):
    PERSON = "person"  # he, she, I
    ORGANIZATION = "organization"  # it
    GROUP = "group"  # they, we
    RELATIVE = "relative"  # who, which, that: the noun its clause modifies
    NARRATOR = "narrator"  # I: outside quotation marks, the one who tells the story or writes the column

    @property
    def speaker_kind(self) -> SpeakerKind:
        """The kind of speaker a pronoun with no antecedent stands for."""
        if self is PronounKind.NARRATOR:
            return SpeakerKind.PERSON
        return SpeakerKind(self.value) if self is not PronounKind.RELATIVE else SpeakerKind.UNKNOWN


class RuleRole(str, Enum):
    """What a dependency pattern relates its cue to."""

    SOURCE = "source"  # who speaks
    CONTENT = "content"  # what is said


class ContentMode(str, Enum):
    """How a content pattern cuts the reported words from the parse (rules/README.md)."""

    SUBTREE = "subtree"
    HEAD_WITHOUT_CUE = "head-without-cue"
    OBJECT = "object"
    OBJECT_PREDICATE = "object-predicate"


@dataclass(frozen=True, slots=True)
class Origin:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Role:
    noun: str
    kind: SpeakerKind  # person, organization or group; never unknown


@dataclass(frozen=True, slots=True)
class Pronoun:
    text: str
    gender: Gender | None
    kind: PronounKind


@dataclass(frozen=True, slots=True)
class DependencyRule:
    id: str
    role: RuleRole
    confidence: float
    mode: ContentMode  # how content is cut; SUBTREE for source rules, where it is unused
    relative_source: bool  # for content: whether a relative pronoun ("who said …") may be its source
    pattern: tuple[Mapping[str, Any], ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class SieveSetting:
    name: SieveName
    confidence: float
    description: str


@dataclass(frozen=True, slots=True)
class Parameters:
    """The named numbers of rules/parameters.jsonl, one field per `name` (the file must give each exactly once).

    A field typed int takes only whole numbers; `factor`s lie in (0, 1].
    """

    max_cue_gap: int  # characters between a cue and its quote
    min_uncued_words: int  # a quote shorter than this, with no cue governing it, is a phrase
    max_fragment_words: int  # a quoted piece this short is a fragment of a sentence, whatever its case
    max_turn_narration: int  # narration words besides its quotes in a line of dialogue that does not open with them
    pronoun_window: int  # characters a pronoun looks back for its antecedent
    max_conversation_gap: int  # narration words between two quote paragraphs of one conversation
    conversation_depth: int  # the latest people of a conversation it looks at
    min_bare_turns: int  # bare quote paragraphs that make a document one written as dialogue
    max_named_phrase_words: int  # a quoted phrase longer than this is never a title or a name
    max_title_words: int  # a title-case quoted phrase up to this long is a title of a work
    max_nickname_words: int  # a nickname between a first name and a surname
    nickname_lookback: int  # characters before the quote in which the first name must end
    trigger_lookback: int  # characters before a quoted phrase read for a title trigger ("the book")
    trigger_words: int  # words before a quoted phrase (after skip words) that may be its trigger
    min_mixed_outside: int  # characters of a report outside its quotes for it to be a mixed quote
    belief_factor: float  # confidence multiplier for belief cues (think, hope)
    reported_factor: float  # confidence multiplier for every indirect or mixed quote


@dataclass(frozen=True, slots=True)
class WordLists:
    """The word lists of rules/words.jsonl, lower case, one field per `list` (each given exactly once)."""

    title_skip_words: frozenset[str]  # read past before a quoted phrase ("the", "new", "bestselling")
    title_minor_words: frozenset[str]  # a title of a work leaves these in lower case ("Face the Nation")
    name_stop_words: frozenset[str]  # dropped from the start of an organisation's name ("the")
    role_leading_words: frozenset[str]  # dropped from the start of a role ("a", "the")
    content_edge_words: frozenset[str]  # never at the edge of reported content ("and", "but")
    said_of_prepositions: frozenset[str]  # carry what is said of an object ("described it as …")
    interviewer_labels: frozenset[str]  # a transcript's question label ("q")
    interviewee_labels: frozenset[str]  # a transcript's answer label ("a")
    female_nouns: frozenset[str]  # a woman named by what she is: "the girl", "his wife"
    male_nouns: frozenset[str]  # a man likewise: "the old gentleman", "her brother"
    person_nouns: frozenset[str]  # one person, of either sex: "the doctor", "her companion"
    endearments: frozenset[str]  # said before a name to someone, no part of it: "Darling Tony", "poor Jim"


@dataclass(frozen=True, slots=True)
class Elision:
    """A word that loses its first letters to an apostrophe ('em, 'tis, rock 'n' roll)."""

    word: str  # lower case, as written after the apostrophe
    sentence_start: bool  # may open a sentence, so its capitalised form ('Tis) is elided too
    closed: bool  # an apostrophe stands on both sides (rock 'n' roll): the second is no quotation mark either


@dataclass(frozen=True, slots=True)
class Rules:
    cue_verbs: Mapping[str, CueClass]  # speech and belief verbs: the dependency patterns' cues
    tag_verbs: Mapping[str, frozenset[str]]  # speech and dialogue verbs that tag a quote -> particles one needs
    cue_nouns: Mapping[str, CueClass]
    titles: Mapping[str, Gender | None]  # lower case, without dots -> gender
    roles: Mapping[str, Role]
    pronouns: Mapping[str, Pronoun]
    dependency_rules: tuple[DependencyRule, ...]
    non_quote_triggers: frozenset[str]  # words before a quoted phrase that make it a title or a name
    first_names: Mapping[str, Gender]  # lower case: given names used almost only by one sex
    sieves: Mapping[SieveName, SieveSetting]
    parameters: Parameters
    words: WordLists
    elisions: tuple[Elision, ...]
    directory: Path

    def confidence(self, sieve: SieveName) -> float:
        return self.sieves[sieve].confidence

    def compile(self, vocab: Vocab) -> CueMatcher:
        """Build the matcher once per process; match keys are indices into dependency_rules.

        spaCy's DependencyMatcher validates each pattern; the CueMatcher (cues/matcher.py) runs them.
        """
        validator = DependencyMatcher(vocab, validate=True)
        for i, rule in enumerate(self.dependency_rules):
            try:
                validator.add(str(i), [list(rule.pattern)])
            except (ValueError, KeyError, TypeError) as exc:
                raise RuleError(f"{rule.origin}: pattern {rule.id!r} is not a valid DependencyMatcher pattern: {exc}") from exc
        try:
            return CueMatcher([rule.pattern for rule in self.dependency_rules])
        except UnsupportedPattern as exc:
            rule = self.dependency_rules[exc.index]
            raise RuleError(f"{rule.origin}: pattern {rule.id!r} cannot be run: {exc}") from exc
