"""The rule files: the shipped set loads and compiles; a broken copy fails with its file and line."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from quotesvc.core.rules import CueClass, RuleError, Rules, default_rules_dir, load_rules

RULE_FILES = ["cue_verbs.jsonl", "cue_nouns.jsonl", "titles.jsonl", "roles.jsonl", "pronouns.jsonl",
              "dependency_patterns.jsonl", "non_quote_triggers.jsonl", "first_names.jsonl"]


# -- the shipped rules -------------------------------------------------------------------------------

def test_shipped_rules_load(rules: Rules):
    assert rules.directory == default_rules_dir()
    assert rules.cue_verbs["say"] is CueClass.SPEECH
    assert rules.cue_verbs["tell"] is CueClass.SPEECH
    assert rules.titles["mr"] == "male" and rules.titles["mrs"] == "female"
    assert rules.roles["spokeswoman"].kind == "person" and rules.roles["spokeswoman"].gender == "female"
    assert rules.pronouns["she"].gender == "female" and rules.pronouns["it"].kind == "organization"
    assert rules.pronouns["who"].kind == "relative"
    assert {"book", "film", "so-called", "dubbed"} <= rules.non_quote_triggers


def test_every_shipped_line_is_loaded(rules: Rules):
    directory = default_rules_dir()

    def rows(name: str) -> int:
        return sum(1 for line in (directory / name).read_text(encoding="utf-8").splitlines() if line.strip())

    assert len(rules.cue_verbs) == rows("cue_verbs.jsonl")
    assert len(rules.cue_nouns) == rows("cue_nouns.jsonl")
    assert len(rules.titles) == rows("titles.jsonl")
    assert len(rules.roles) == rows("roles.jsonl")
    assert len(rules.pronouns) == rows("pronouns.jsonl")
    assert len(rules.dependency_rules) == rows("dependency_patterns.jsonl")
    assert len(rules.non_quote_triggers) == rows("non_quote_triggers.jsonl")
    assert len(rules.first_names) == rows("first_names.jsonl")
    assert set(rules.first_names.values()) == {"male", "female"}


def test_shipped_patterns_have_lexicons_substituted_and_compile(rules: Rules, nlp):
    ids = [r.id for r in rules.dependency_rules]
    assert len(ids) == len(set(ids))
    assert {"subject", "ccomp", "according-to", "according-to-clause", "inverted"} <= set(ids)
    assert "@" not in json.dumps([r.pattern for r in rules.dependency_rules])
    subject = next(r for r in rules.dependency_rules if r.id == "subject")
    assert subject.role == "source" and subject.origin.file.endswith("dependency_patterns.jsonl")
    assert "say" in subject.pattern[0]["RIGHT_ATTRS"]["LEMMA"]["IN"]
    matcher = rules.compile(nlp.vocab)
    assert len(matcher) == len(rules.dependency_rules)


def test_load_rules_accepts_a_directory_path(tmp_path: Path):
    copy = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), copy)
    loaded = load_rules(str(copy))
    assert loaded.directory == copy
    assert loaded.cue_verbs["say"] is CueClass.SPEECH


# -- broken copies -----------------------------------------------------------------------------------

def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), copy)
    return copy


def _insert(name: str, line_no: int | None, text: str) -> Callable[[Path], int]:
    """Put `text` at 1-based line `line_no` of file `name` (None: at the end); the error should name that line."""
    def edit(directory: Path) -> int:
        path = directory / name
        lines = path.read_text(encoding="utf-8").splitlines()
        at = len(lines) if line_no is None else line_no - 1
        lines.insert(at, text)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return at + 1
    return edit


def _append(name: str, text: str) -> Callable[[Path], int]:
    return _insert(name, None, text)


def _pattern(pattern_id: str, change: Callable[[dict], dict]) -> Callable[[Path], int]:
    """Rewrite the dependency pattern with this id; the expected error line is its line."""
    def edit(directory: Path) -> int:
        path = directory / "dependency_patterns.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        k = next(k for k, line in enumerate(lines) if line.strip() and json.loads(line)["id"] == pattern_id)
        lines[k] = json.dumps(change(json.loads(lines[k])))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return k + 1
    return edit


def _first_node(**attrs) -> Callable[[dict], dict]:
    def change(row: dict) -> dict:
        row["pattern"][0] = {**row["pattern"][0], **attrs}
        return row
    return change


def _second_node(**attrs) -> Callable[[dict], dict]:
    def change(row: dict) -> dict:
        row["pattern"][1] = {**row["pattern"][1], **attrs}
        return row
    return change


BROKEN_AT_LOAD = [
    # malformed JSON
    pytest.param("cue_verbs.jsonl", _insert("cue_verbs.jsonl", 3, '{"lemma": "mutter", "class": '),
                 "not valid JSON", id="json-truncated"),
    pytest.param("titles.jsonl", _insert("titles.jsonl", 2, "{'title': 'Dr', 'gender': null}"),
                 "not valid JSON", id="json-single-quotes"),
    pytest.param("dependency_patterns.jsonl", _insert("dependency_patterns.jsonl", 2, '["subject", "source"]'),
                 "JSON object", id="json-not-an-object"),
    # unknown field
    pytest.param("cue_verbs.jsonl", _insert("cue_verbs.jsonl", 3, '{"lemma": "mutter", "class": "speech", "weight": 2}'),
                 "weight", id="unknown-field"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("ccomp", lambda r: {**r, "priority": 1}),
                 "priority", id="unknown-field-in-pattern"),
    # missing field
    pytest.param("roles.jsonl", _append("roles.jsonl", '{"noun": "coach", "kind": "person"}'),
                 "gender", id="missing-field"),
    # bad enum values
    pytest.param("cue_verbs.jsonl", _insert("cue_verbs.jsonl", 3, '{"lemma": "mutter", "class": "shout"}'),
                 "class", id="bad-cue-class"),
    pytest.param("titles.jsonl", _append("titles.jsonl", '{"title": "Mx", "gender": "other"}'),
                 "gender", id="bad-gender"),
    pytest.param("pronouns.jsonl", _append("pronouns.jsonl",
                                           '{"pronoun": "ye", "gender": null, "number": "dual", "kind": "person"}'),
                 "number", id="bad-number"),
    pytest.param("roles.jsonl", _append("roles.jsonl", '{"noun": "coach", "kind": "team", "gender": null}'),
                 "kind", id="bad-role-kind"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("passive-agent", lambda r: {**r, "role": "speaker"}),
                 "role", id="bad-pattern-role"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("ccomp", lambda r: {**r, "mode": "whole-sentence"}),
                 "mode", id="bad-pattern-mode"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("subject", lambda r: {**r, "confidence": 1.5}),
                 "confidence", id="confidence-out-of-range"),
    pytest.param("non_quote_triggers.jsonl", _append("non_quote_triggers.jsonl", '{"word": ""}'),
                 "word", id="empty-word"),
    # duplicates (lexicon keys compare case-insensitively)
    pytest.param("cue_verbs.jsonl", _insert("cue_verbs.jsonl", 3, '{"lemma": "Say", "class": "speech"}'),
                 "repeats the entry at", id="duplicate-lemma"),
    pytest.param("pronouns.jsonl", _append("pronouns.jsonl",
                                           '{"pronoun": "she", "gender": "female", "number": "singular", "kind": "person"}'),
                 "repeats the entry at", id="duplicate-pronoun"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("passive-agent", lambda r: {**r, "id": "subject"}),
                 "repeats the entry at", id="duplicate-pattern-id"),
    # unknown "@lexicon" placeholder
    pytest.param("dependency_patterns.jsonl",
                 _pattern("subject", _first_node(RIGHT_ATTRS={"LEMMA": {"IN": "@cue_adverbs"}})),
                 "unknown lexicon '@cue_adverbs'", id="unknown-lexicon"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("inverted", _second_node(RIGHT_ATTRS={"LEMMA": {"NOT_IN": "@stop_words"}})),
                 "unknown lexicon '@stop_words'", id="unknown-lexicon-deep"),
    # pattern structure checked at load
    pytest.param("dependency_patterns.jsonl",
                 _pattern("subject", _first_node(RIGHT_ID="verb")),
                 "RIGHT_ID 'cue'", id="first-node-not-cue"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("ccomp", _second_node(RIGHT_ID="clause")),
                 "RIGHT_ID 'content'", id="content-node-missing"),
    pytest.param("dependency_patterns.jsonl",
                 _pattern("subject", lambda r: {**r, "pattern": r["pattern"][:1]}),
                 "pattern", id="pattern-too-short"),
]


@pytest.mark.parametrize("name, edit, detail", BROKEN_AT_LOAD)
def test_broken_rule_file_names_file_and_line(tmp_path, name, edit, detail):
    directory = _copy(tmp_path)
    line = edit(directory)
    with pytest.raises(RuleError) as caught:
        load_rules(directory)
    message = str(caught.value)
    assert message.startswith(f"{directory / name}:{line}:")
    assert detail in message


def test_duplicate_names_the_first_entry(tmp_path):
    directory = _copy(tmp_path)
    _insert("cue_verbs.jsonl", 3, '{"lemma": "Say", "class": "speech"}')(directory)
    say_line = 1 + next(i for i, line in enumerate((default_rules_dir() / "cue_verbs.jsonl").read_text().splitlines())
                        if json.loads(line)["lemma"] == "say")
    with pytest.raises(RuleError, match=re.escape(f"repeats the entry at {directory / 'cue_verbs.jsonl'}:{say_line}")):
        load_rules(directory)


def test_blank_lines_are_skipped_but_counted(tmp_path):
    directory = _copy(tmp_path)
    path = directory / "cue_nouns.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(["", *lines, "", '{"lemma": "remark", "class": "speeches"}']) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(f"{path}:{len(lines) + 3}:")):
        load_rules(directory)


INVALID = "not a valid DependencyMatcher pattern"
BROKEN_AT_COMPILE = [
    pytest.param(_pattern("according-to", _second_node(REL_OP="~~")), INVALID, id="unknown-operator"),
    pytest.param(_pattern("according-to", _second_node(RIGHT_ATTRS={"LOWR": "to"})), INVALID,
                 id="unknown-token-attribute"),
    pytest.param(_pattern("ccomp", _second_node(LEFT_ID="verb")), INVALID, id="unknown-left-id"),
    # Valid for spaCy, but the cue matcher walks only immediate heads and children.
    pytest.param(_pattern("according-to", _second_node(REL_OP=">>")), "'>>' is not supported",
                 id="unsupported-operator"),
]


@pytest.mark.parametrize(("edit", "complaint"), BROKEN_AT_COMPILE)
def test_invalid_dependency_pattern_fails_at_compile_with_file_and_line(tmp_path, nlp, edit, complaint):
    directory = _copy(tmp_path)
    line = edit(directory)
    loaded = load_rules(directory)
    with pytest.raises(RuleError) as caught:
        loaded.compile(nlp.vocab)
    message = str(caught.value)
    assert message.startswith(f"{directory / 'dependency_patterns.jsonl'}:{line}:")
    assert complaint in message


@pytest.mark.parametrize("missing", RULE_FILES)
def test_missing_rule_file(tmp_path, missing):
    directory = _copy(tmp_path)
    (directory / missing).unlink()
    with pytest.raises(RuleError, match=re.escape(f"{directory / missing}: rule file missing")):
        load_rules(directory)


def test_missing_rules_directory(tmp_path):
    with pytest.raises(RuleError, match="rules directory missing"):
        load_rules(tmp_path / "nowhere")


EQUIVALENCE_TEXTS = [
    "The senator said the bill would pass, and her aide told reporters that it was dead.",
    "\u201cWe will win,\u201d said Ms. Ortiz, who was quoted by the paper as saying the vote was close.",
    "According to the report, prices rose. Prices fell, according to officials who asked not to be named.",
    "His claim that the bridge was safe was rejected. She called for calm and urged residents to stay home.",
    "They promised to rebuild, denied the charges and described the plan as reckless, the mayor argued.",
    "Nobody spoke. The river rose slowly under a grey sky while the town slept.",
]


@pytest.mark.parametrize("text", EQUIVALENCE_TEXTS)
def test_cue_matcher_finds_exactly_what_spacys_dependency_matcher_finds(nlp, rules: Rules, text: str):
    from spacy.matcher import DependencyMatcher

    reference = DependencyMatcher(nlp.vocab)
    for i, rule in enumerate(rules.dependency_rules):
        reference.add(str(i), [list(rule.pattern)])
    doc = nlp(text)
    expected = sorted((int(nlp.vocab.strings[key]), tuple(ids)) for key, ids in reference(doc))
    found = sorted((key, tuple(ids)) for key, ids in rules.compile(nlp.vocab)(doc))
    assert found == expected
    if "Nobody" not in text:
        assert found  # the table is only a check if there is something to match
