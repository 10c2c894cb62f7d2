"""The loaded rules as types: lexicon entries, dependency rules, and the Rules bundle the stages read."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from spacy.matcher import DependencyMatcher
from spacy.vocab import Vocab

from ..cues.matcher import CueMatcher, UnsupportedPattern


class RuleError(ValueError):
    """A rule file is missing or malformed; the message names the file and line."""


class CueClass(str, Enum):
    SPEECH = "speech"  # communication: say, tell, tweet, "according to"
    BELIEF = "belief"  # cognition and intention: think, believe, hope


GENDERS = ("male", "female")


@dataclass(frozen=True, slots=True)
class Origin:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Role:
    noun: str
    kind: str  # person | organization | group
    gender: str | None


@dataclass(frozen=True, slots=True)
class Pronoun:
    text: str
    gender: str | None
    number: str | None
    kind: str  # person | organization | group | relative


@dataclass(frozen=True, slots=True)
class DependencyRule:
    id: str
    role: str  # "source" or "content"
    confidence: float
    mode: str  # for content: "subtree", "head-without-cue", "object" or "object-predicate"
    relative_source: bool  # for content: whether a relative pronoun ("who said …") may be its source
    pattern: tuple[Mapping[str, Any], ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Rules:
    cue_verbs: Mapping[str, CueClass]
    cue_nouns: Mapping[str, CueClass]
    titles: Mapping[str, str | None]  # lower case, without dots -> gender
    roles: Mapping[str, Role]
    pronouns: Mapping[str, Pronoun]
    dependency_rules: tuple[DependencyRule, ...]
    non_quote_triggers: frozenset[str]  # words before a quoted phrase that make it a title or a name
    first_names: Mapping[str, str]  # lower case -> "male" | "female": given names used almost only by one sex
    directory: Path

    def compile(self, vocab: Vocab) -> CueMatcher:
        """Build the matcher once per process; match keys are indices into dependency_rules.

        spaCy's DependencyMatcher validates each pattern; the CueMatcher runs them (see depmatch.py).
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
