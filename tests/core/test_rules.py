"""The rule files: the shipped set loads and compiles; a broken copy fails with its file and line."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from quotesvc.core.model import Gender, SieveName, SpeakerKind
from quotesvc.core.rules import CueClass, PronounKind, RuleError, Rules, default_rules_dir, load_rules

RULE_FILES = ["cue_verbs.jsonl", "cue_nouns.jsonl", "titles.jsonl", "roles.jsonl", "pronouns.jsonl",
              "dependency_patterns.jsonl", "non_quote_triggers.jsonl", "first_names.jsonl", "sieves.jsonl",
              "parameters.jsonl", "words.jsonl", "elisions.jsonl"]


# -- the shipped rules -------------------------------------------------------------------------------

def test_shipped_rules_load(rules: Rules):
    assert rules.directory == default_rules_dir()
    assert rules.cue_verbs["say"] is CueClass.SPEECH
    assert rules.cue_verbs["tell"] is CueClass.SPEECH
    assert rules.titles["mr"] is Gender.MALE and rules.titles["mrs"] is Gender.FEMALE
    assert rules.roles["spokeswoman"].kind is SpeakerKind.PERSON and rules.roles["officials"].kind is SpeakerKind.GROUP
    assert rules.pronouns["she"].gender is Gender.FEMALE and rules.pronouns["it"].kind is PronounKind.ORGANIZATION
    assert rules.pronouns["who"].kind is PronounKind.RELATIVE
    assert {"book", "film", "so-called", "dubbed"} <= rules.non_quote_triggers
    assert rules.confidence(SieveName.CUE_IN_SENTENCE) == 0.9
    assert rules.parameters.max_cue_gap == 220 and isinstance(rules.parameters.max_cue_gap, int)
    assert rules.parameters.belief_factor == 0.7
    assert "the" in rules.words.title_minor_words and rules.words.interviewer_labels == {"q"}
    assert [e.word for e in rules.elisions if e.closed] == ["n"]


def test_dialogue_verbs_tag_quotes_and_are_no_pattern_cues(rules: Rules):
    # a dialogue verb tags a line beside its marks only: the dependency patterns never see it
    assert "return" in rules.tag_verbs and "return" not in rules.cue_verbs
    assert rules.tag_verbs["go"] == {"on"} and rules.tag_verbs["break"] == {"in", "out"}
    # speech verbs tag dialogue too, with no particle needed; belief verbs do not
    assert rules.tag_verbs["say"] == frozenset() and rules.cue_verbs["say"] is CueClass.SPEECH
    assert rules.cue_verbs["think"] is CueClass.BELIEF and "think" not in rules.tag_verbs
    subject = next(r for r in rules.dependency_rules if r.id == "subject")
    assert "return" not in subject.pattern[0]["RIGHT_ATTRS"]["LEMMA"]["IN"]


def test_every_shipped_line_is_loaded(rules: Rules):
    directory = default_rules_dir()

    def rows(name: str) -> int:
        return sum(1 for line in (directory / name).read_text(encoding="utf-8").splitlines() if line.strip())

    assert len(set(rules.cue_verbs) | set(rules.tag_verbs)) == rows("cue_verbs.jsonl")
    assert len(rules.cue_nouns) == rows("cue_nouns.jsonl")
    assert len(rules.titles) == rows("titles.jsonl")
    assert len(rules.roles) == rows("roles.jsonl")
    assert len(rules.pronouns) == rows("pronouns.jsonl")
    assert len(rules.dependency_rules) == rows("dependency_patterns.jsonl")
    assert len(rules.non_quote_triggers) == rows("non_quote_triggers.jsonl")
    assert len(rules.first_names) == rows("first_names.jsonl")
    assert set(rules.first_names.values()) == set(Gender)
    assert len(rules.sieves) == rows("sieves.jsonl") == len(SieveName)
    assert rows("parameters.jsonl") == len(dataclasses.fields(rules.parameters))
    assert rows("words.jsonl") == len(dataclasses.fields(rules.words))
    assert len(rules.elisions) == rows("elisions.jsonl")


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


def _edit_row(file: str, key: str, row: str, **changes) -> Callable[[Path], int]:
    """Change fields of the row whose `key` is `row`; the expected error line is its line."""
    def edit(directory: Path) -> int:
        path = directory / file
        lines = path.read_text(encoding="utf-8").splitlines()
        k = next(k for k, line in enumerate(lines) if line.strip() and json.loads(line)[key] == row)
        lines[k] = json.dumps({**json.loads(lines[k]), **changes})
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return k + 1
    return edit


def _sieve(name: str, **changes) -> Callable[[Path], int]:
    return _edit_row("sieves.jsonl", "sieve", name, **changes)


def _parameter(name: str, **changes) -> Callable[[Path], int]:
    return _edit_row("parameters.jsonl", "name", name, **changes)


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
    pytest.param("roles.jsonl", _append("roles.jsonl", '{"noun": "coach"}'), "kind", id="missing-field"),
    # fields the code never read are gone from the files, and refused
    pytest.param("pronouns.jsonl", _append("pronouns.jsonl",
                                           '{"pronoun": "ye", "gender": null, "number": "plural", "kind": "group"}'),
                 "number", id="pronoun-number-is-no-field"),
    pytest.param("roles.jsonl", _append("roles.jsonl", '{"noun": "coach", "kind": "person", "gender": null}'),
                 "gender", id="role-gender-is-no-field"),
    # bad enum values
    pytest.param("cue_verbs.jsonl", _insert("cue_verbs.jsonl", 3, '{"lemma": "mutter", "class": "shout"}'),
                 "class", id="bad-cue-class"),
    pytest.param("cue_nouns.jsonl", _append("cue_nouns.jsonl", '{"lemma": "retort", "class": "dialogue"}'),
                 "only verbs tag dialogue", id="dialogue-cue-noun"),
    pytest.param("cue_verbs.jsonl", _append("cue_verbs.jsonl",
                                            '{"lemma": "carry", "class": "dialogue", "particles": "on"}'),
                 "particles", id="particles-not-a-list"),
    pytest.param("titles.jsonl", _append("titles.jsonl", '{"title": "Mx", "gender": "other"}'),
                 "gender", id="bad-gender"),
    pytest.param("pronouns.jsonl", _append("pronouns.jsonl", '{"pronoun": "ye", "gender": null, "kind": "crowd"}'),
                 "kind", id="bad-pronoun-kind"),
    pytest.param("roles.jsonl", _append("roles.jsonl", '{"noun": "coach", "kind": "team"}'),
                 "kind", id="bad-role-kind"),
    pytest.param("roles.jsonl", _append("roles.jsonl", '{"noun": "coach", "kind": "unknown"}'),
                 "kind", id="role-kind-unknown"),
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
                                           '{"pronoun": "she", "gender": "female", "kind": "person"}'),
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
    # sieves: a name the code does not know, a confidence out of (0, 1], a description left out
    pytest.param("sieves.jsonl", _append("sieves.jsonl",
                                         '{"sieve": "hunch", "confidence": 0.5, "description": "a guess"}'),
                 "sieve", id="unknown-sieve"),
    pytest.param("sieves.jsonl", _sieve("turn-taking", confidence=0), "confidence", id="sieve-confidence-zero"),
    pytest.param("sieves.jsonl", _sieve("turn-taking", confidence=1.2), "confidence", id="sieve-confidence-over-one"),
    pytest.param("sieves.jsonl", _append("sieves.jsonl",
                                         '{"sieve": "continuation", "confidence": 0.5, "description": "again"}'),
                 "repeats the entry at", id="duplicate-sieve"),
    # parameters: unknown names, wrong types, factors out of range
    pytest.param("parameters.jsonl", _append("parameters.jsonl",
                                             '{"name": "max_quote_gap", "value": 10, "description": "typo"}'),
                 "name", id="unknown-parameter"),
    pytest.param("parameters.jsonl", _parameter("max_cue_gap", value=220.5), "whole number", id="parameter-not-whole"),
    pytest.param("parameters.jsonl", _parameter("pronoun_window", value=-1), "negative", id="parameter-negative"),
    pytest.param("parameters.jsonl", _parameter("belief_factor", value=1.5), "factor", id="factor-over-one"),
    pytest.param("parameters.jsonl", _parameter("reported_factor", value="a lot"), "value", id="parameter-not-a-number"),
    # word lists
    pytest.param("words.jsonl", _append("words.jsonl", '{"list": "stop_words", "words": ["x"], "description": "?"}'),
                 "list", id="unknown-word-list"),
    pytest.param("words.jsonl", _insert("words.jsonl", 1,
                                        '{"list": "name_stop_words", "words": ["the", "The"], "description": "d"}'),
                 "listed twice", id="word-listed-twice"),
    pytest.param("words.jsonl", _insert("words.jsonl", 1,
                                        '{"list": "name_stop_words", "words": [], "description": "d"}'),
                 "words", id="empty-word-list"),
    pytest.param("elisions.jsonl", _append("elisions.jsonl", '{"elision": "Bout", "sentence_start": true}'),
                 "lower-case", id="elision-not-lower-case"),
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


@pytest.mark.parametrize("name, key, value, complaint", [
    ("sieves.jsonl", "sieve", "dash-credit", "missing sieves 'dash-credit'"),
    ("parameters.jsonl", "name", "pronoun_window", "missing parameters 'pronoun_window'"),
    ("words.jsonl", "list", "title_minor_words", "missing word lists 'title_minor_words'"),
])
def test_a_name_the_code_reads_missing_from_its_file_fails_naming_the_file(tmp_path, name, key, value, complaint):
    directory = _copy(tmp_path)
    path = directory / name
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if json.loads(line)[key] != value]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(f"{path}: {complaint}")):
        load_rules(directory)


def test_missing_rules_directory(tmp_path):
    with pytest.raises(RuleError, match="rules directory missing"):
        load_rules(tmp_path / "nowhere")


# Texts with cues of every pattern, and one with none: the two matchers must agree on both.
EQUIVALENCE_TEXTS = [
    ("The senator said the bill would pass, and her aide told reporters that it was dead.", True),
    ("\u201cWe will win,\u201d said Ms. Ortiz, who was quoted by the paper as saying the vote was close.", True),
    ("According to the report, prices rose. Prices fell, according to officials who asked not to be named.", True),
    ("His claim that the bridge was safe was rejected. She called for calm and urged residents to stay home.", True),
    ("They promised to rebuild, denied the charges and described the plan as reckless, the mayor argued.", True),
    ("Nobody spoke. The river rose slowly under a grey sky.", True),  # "spoke" with its subject
    ("The river rose slowly under a grey sky while the town slept.", False),
]


@pytest.mark.parametrize("text, has_cues", EQUIVALENCE_TEXTS)
def test_cue_matcher_finds_exactly_what_spacys_dependency_matcher_finds(nlp, rules: Rules, text: str, has_cues: bool):
    from spacy.matcher import DependencyMatcher

    reference = DependencyMatcher(nlp.vocab)
    for i, rule in enumerate(rules.dependency_rules):
        reference.add(str(i), [list(rule.pattern)])
    doc = nlp(text)
    expected = sorted((int(nlp.vocab.strings[key]), tuple(ids)) for key, ids in reference(doc))
    found = sorted((key, tuple(ids)) for key, ids in rules.compile(nlp.vocab)(doc))
    assert found == expected
    assert bool(found) == has_cues
