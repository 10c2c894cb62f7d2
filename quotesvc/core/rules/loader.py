"""Reading and validating the rule files (JSON Lines; see rules/README.md).

Every line is validated by a marshmallow schema, and any problem stops start-up with a RuleError
naming the file and line. The shipped files are the data package quotesvc.rules (the repository's
top-level rules/ folder), found through importlib.resources.
"""
from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any, Iterator, Mapping

from marshmallow import Schema, ValidationError

from ..model import Gender, SieveName, SpeakerKind
from . import schemas
from .model import (ContentMode, CueClass, DependencyRule, Elision, Origin, Parameters, Pronoun, PronounKind, Role,
                    RuleError, RuleRole, Rules, SieveSetting, WordLists)


def default_rules_dir() -> Path:
    """The rule files shipped with the package. pip installs packages unpacked, so this is a folder."""
    return Path(str(importlib.resources.files("quotesvc.rules")))


def _read(path: Path, schema: Schema) -> Iterator[tuple[Origin, dict[str, Any]]]:
    if not path.is_file():
        raise RuleError(f"{path}: rule file missing")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            origin = Origin(str(path), lineno)
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RuleError(f"{origin}: not valid JSON: {exc.msg}") from exc
            if not isinstance(raw, dict):
                raise RuleError(f"{origin}: each line must be a JSON object")
            try:
                yield origin, schema.load(raw)
            except ValidationError as exc:
                raise RuleError(f"{origin}: {exc.messages}") from exc


def _unique(seen: dict[str, Origin], key: str, origin: Origin) -> None:
    if key in seen:
        raise RuleError(f"{origin}: {key!r} repeats the entry at {seen[key]}")
    seen[key] = origin


def _lexicon(path: Path, schema: Schema, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    seen: dict[str, Origin] = {}
    for origin, row in _read(path, schema):
        k = row[key].lower()
        _unique(seen, k, origin)
        out[k] = (origin, row)
    return out


def _substitute(value: Any, lists: Mapping[str, list[str]], origin: Origin) -> Any:
    """Replace "@name" placeholders in a pattern by the lexicon they name, so patterns and lexicons stay in step."""
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in lists:
            raise RuleError(f"{origin}: unknown lexicon {value!r} (known: {', '.join('@' + k for k in lists)})")
        return list(lists[value[1:]])
    if isinstance(value, dict):
        return {k: _substitute(v, lists, origin) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, lists, origin) for v in value]
    return value


def _gender(value: str | None) -> Gender | None:
    return Gender(value) if value is not None else None


def _complete(path: Path, given: set[str], wanted: set[str], what: str) -> None:
    """Every name the code reads must be in the file: a missing one fails loudly, naming the file."""
    missing = sorted(wanted - given)
    if missing:
        raise RuleError(f"{path}: missing {what} {', '.join(map(repr, missing))}")


def _sieves(path: Path) -> dict[SieveName, SieveSetting]:
    out = {SieveName(k): SieveSetting(SieveName(k), r["confidence"], r["description"])
           for k, (_, r) in _lexicon(path, schemas.SieveSchema(), "sieve").items()}
    _complete(path, {s.value for s in out}, {s.value for s in SieveName}, "sieves")
    return out


def _parameters(path: Path) -> Parameters:
    rows = {k: r for k, (_, r) in _lexicon(path, schemas.ParameterSchema(), "name").items()}
    _complete(path, set(rows), set(schemas.PARAMETER_TYPES), "parameters")
    return Parameters(**{name: int(rows[name]["value"]) if kind == "int" else rows[name]["value"]
                         for name, kind in schemas.PARAMETER_TYPES.items()})


def _word_lists(path: Path) -> WordLists:
    rows = {k: r for k, (_, r) in _lexicon(path, schemas.WordListSchema(), "list").items()}
    _complete(path, set(rows), set(schemas.WORD_LISTS), "word lists")
    return WordLists(**{name: frozenset(w.lower() for w in rows[name]["words"]) for name in schemas.WORD_LISTS})


def load_rules(path: Path | str | None = None) -> Rules:
    directory = Path(path) if path is not None else default_rules_dir()
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules directory missing")
    verbs = {k: (CueClass(r["class_"]), frozenset(p.lower() for p in r["particles"]))
             for k, (_, r) in _lexicon(directory / "cue_verbs.jsonl", schemas.CueVerbSchema(), "lemma").items()}
    # Dialogue verbs tag a quote beside them and are no cue of the dependency patterns (they report nothing alone).
    cue_verbs = {k: c for k, (c, _) in verbs.items() if c is not CueClass.DIALOGUE}
    tag_verbs = {k: particles for k, (c, particles) in verbs.items() if c is not CueClass.BELIEF}
    cue_nouns = {}
    for k, (origin, r) in _lexicon(directory / "cue_nouns.jsonl", schemas.CueSchema(), "lemma").items():
        if r["class_"] == CueClass.DIALOGUE.value:
            raise RuleError(f"{origin}: only verbs tag dialogue; a cue noun is 'speech' or 'belief'")
        cue_nouns[k] = CueClass(r["class_"])
    titles = {k.replace(".", ""): _gender(r["gender"])
              for k, (_, r) in _lexicon(directory / "titles.jsonl", schemas.TitleSchema(), "title").items()}
    roles = {k: Role(k, SpeakerKind(r["kind"]))
             for k, (_, r) in _lexicon(directory / "roles.jsonl", schemas.RoleSchema(), "noun").items()}
    pronouns = {k: Pronoun(k, _gender(r["gender"]), PronounKind(r["kind"]))
                for k, (_, r) in _lexicon(directory / "pronouns.jsonl", schemas.PronounSchema(), "pronoun").items()}
    lists = {"cue_verbs": sorted(cue_verbs), "cue_nouns": sorted(cue_nouns),
             "speech_verbs": sorted(k for k, c in cue_verbs.items() if c is CueClass.SPEECH)}
    dep_rules = []
    seen: dict[str, Origin] = {}
    for origin, row in _read(directory / "dependency_patterns.jsonl", schemas.PatternSchema()):
        _unique(seen, row["id"], origin)
        pattern = tuple(_substitute(step, lists, origin) for step in row["pattern"])
        if pattern[0].get("RIGHT_ID") != "cue":
            raise RuleError(f"{origin}: a pattern's first node must be RIGHT_ID 'cue'")
        wanted = RuleRole(row["role"])
        if wanted.value not in {step.get("RIGHT_ID") for step in pattern}:
            raise RuleError(f"{origin}: a {wanted.value} pattern needs a node with RIGHT_ID {wanted.value!r}")
        cue_lemmas = pattern[0].get("RIGHT_ATTRS", {}).get("LEMMA", {})
        unknown = set(cue_lemmas.get("IN", []) if isinstance(cue_lemmas, dict) else []) - set(cue_verbs) - set(cue_nouns)
        if unknown:
            raise RuleError(f"{origin}: cue lemmas {sorted(unknown)} are in no cue lexicon; add them to cue_verbs.jsonl")
        dep_rules.append(DependencyRule(row["id"], wanted, row["confidence"], ContentMode(row["mode"]),
                                        row["relative_source"], pattern, origin))
    triggers = frozenset(_lexicon(directory / "non_quote_triggers.jsonl", schemas.TriggerSchema(), "word"))
    first_names = {k: Gender(r["gender"]) for k, (_, r) in _lexicon(directory / "first_names.jsonl",
                                                                    schemas.FirstNameSchema(), "name").items()}
    elisions = tuple(Elision(k, r["sentence_start"], r["closed"])
                     for k, (_, r) in _lexicon(directory / "elisions.jsonl", schemas.ElisionSchema(), "elision").items())
    return Rules(cue_verbs, tag_verbs, cue_nouns, titles, roles, pronouns, tuple(dep_rules), triggers, first_names,
                 _sieves(directory / "sieves.jsonl"), _parameters(directory / "parameters.jsonl"),
                 _word_lists(directory / "words.jsonl"), elisions, directory)
