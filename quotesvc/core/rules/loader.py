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

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .model import GENDERS, CueClass, DependencyRule, Origin, Pronoun, Role, RuleError, Rules


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class _CueSchema(_Strict):
    lemma = fields.String(required=True, validate=validate.Length(min=1))
    class_ = fields.String(required=True, data_key="class", validate=validate.OneOf([c.value for c in CueClass]))


class _TitleSchema(_Strict):
    title = fields.String(required=True, validate=validate.Length(min=1))
    gender = fields.String(required=True, allow_none=True, validate=validate.OneOf(GENDERS))


class _RoleSchema(_Strict):
    noun = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(["person", "organization", "group"]))
    gender = fields.String(required=True, allow_none=True, validate=validate.OneOf(GENDERS))


class _PronounSchema(_Strict):
    pronoun = fields.String(required=True, validate=validate.Length(min=1))
    gender = fields.String(required=True, allow_none=True, validate=validate.OneOf(GENDERS))
    number = fields.String(required=True, allow_none=True, validate=validate.OneOf(["singular", "plural"]))
    kind = fields.String(required=True, validate=validate.OneOf(["person", "organization", "group", "relative"]))


class _FirstNameSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))


class _TriggerSchema(_Strict):
    word = fields.String(required=True, validate=validate.Length(min=1))


class _PatternSchema(_Strict):
    id = fields.String(required=True, validate=validate.Length(min=1))
    role = fields.String(required=True, validate=validate.OneOf(["source", "content"]))
    confidence = fields.Float(required=True, validate=validate.Range(0.0, 1.0))
    mode = fields.String(load_default="subtree", validate=validate.OneOf(["subtree", "head-without-cue", "object", "object-predicate"]))
    relative_source = fields.Boolean(load_default=True)
    pattern = fields.List(fields.Dict(), required=True, validate=validate.Length(min=2))


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


def load_rules(path: Path | str | None = None) -> Rules:
    directory = Path(path) if path is not None else default_rules_dir()
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules directory missing")
    cue_verbs = {k: CueClass(r["class_"]) for k, (_, r) in _lexicon(directory / "cue_verbs.jsonl", _CueSchema(), "lemma").items()}
    cue_nouns = {k: CueClass(r["class_"]) for k, (_, r) in _lexicon(directory / "cue_nouns.jsonl", _CueSchema(), "lemma").items()}
    titles = {k.replace(".", ""): r["gender"] for k, (_, r) in _lexicon(directory / "titles.jsonl", _TitleSchema(), "title").items()}
    roles = {k: Role(k, r["kind"], r["gender"]) for k, (_, r) in _lexicon(directory / "roles.jsonl", _RoleSchema(), "noun").items()}
    pronouns = {k: Pronoun(k, r["gender"], r["number"], r["kind"])
                for k, (_, r) in _lexicon(directory / "pronouns.jsonl", _PronounSchema(), "pronoun").items()}
    lists = {"cue_verbs": sorted(cue_verbs), "cue_nouns": sorted(cue_nouns),
             "speech_verbs": sorted(k for k, c in cue_verbs.items() if c is CueClass.SPEECH)}
    dep_rules = []
    seen: dict[str, Origin] = {}
    for origin, row in _read(directory / "dependency_patterns.jsonl", _PatternSchema()):
        _unique(seen, row["id"], origin)
        pattern = tuple(_substitute(step, lists, origin) for step in row["pattern"])
        if pattern[0].get("RIGHT_ID") != "cue":
            raise RuleError(f"{origin}: a pattern's first node must be RIGHT_ID 'cue'")
        wanted = row["role"]
        if wanted not in {step.get("RIGHT_ID") for step in pattern}:
            raise RuleError(f"{origin}: a {wanted} pattern needs a node with RIGHT_ID {wanted!r}")
        cue_lemmas = pattern[0].get("RIGHT_ATTRS", {}).get("LEMMA", {})
        unknown = set(cue_lemmas.get("IN", []) if isinstance(cue_lemmas, dict) else []) - set(cue_verbs) - set(cue_nouns)
        if unknown:
            raise RuleError(f"{origin}: cue lemmas {sorted(unknown)} are in no cue lexicon; add them to cue_verbs.jsonl")
        dep_rules.append(DependencyRule(row["id"], wanted, row["confidence"], row["mode"],
                                        row["relative_source"], pattern, origin))
    triggers = frozenset(_lexicon(directory / "non_quote_triggers.jsonl", _TriggerSchema(), "word"))
    first_names = {k: r["gender"] for k, (_, r) in _lexicon(directory / "first_names.jsonl", _FirstNameSchema(),
                                                             "name").items()}
    return Rules(cue_verbs, cue_nouns, titles, roles, pronouns, tuple(dep_rules), triggers, first_names, directory)
