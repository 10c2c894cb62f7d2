"""One table per dependency pattern of rules/dependency_patterns.jsonl: sentences where it makes the report
(`positive`) and sentences where it must not (`negative`), each with every quote it gives as
(quote text, kind, speaker name or else the mention's words, rule). A report's rule is
"<content pattern>/<source pattern>", so a source pattern's positives end in "/<id>" and a content
pattern's begin with "<id>/". Sentences are invented; cases marked xfail(strict=True) are known faults.
"""
from __future__ import annotations

import json

import pytest

from quotesvc.core.rules import RuleRole, default_rules_dir
from tests.helpers import quotes_of


def case(text: str, *quotes: tuple[str, str, str | None, str], bug: str | None = None):
    return pytest.param(text, list(quotes), marks=[pytest.mark.xfail(strict=True, reason=bug)] if bug else [])


PATTERNS = {
    # -- sources ---------------------------------------------------------------------------------------
    "subject": {
        "positive": [
            case("Okafor said the pier was unsafe.", ("the pier was unsafe", "indirect", "Okafor", "ccomp/subject")),
            case("The harbour board announced that the pier would close.",
                 ("that the pier would close", "indirect", "The harbour board", "ccomp/subject")),
        ],
        "negative": [
            case("It is said that the pier is unsafe."),  # a passive with no agent names nobody
            case("The pier, said to be unsafe, was closed."),
        ],
    },
    "passive-agent": {
        "positive": [
            case("Okafor was told by engineers that the pier was unsafe.",
                 ("that the pier was unsafe", "indirect", "engineers", "ccomp/passive-agent")),
            case("The residents were assured by the mayor that the pier was safe.",
                 ("that the pier was safe", "indirect", "the mayor", "ccomp/passive-agent")),
        ],
        "negative": [
            # a "by" inside the content is no agent of the cue
            case("Okafor said the pier was built by the navy.",
                 ("the pier was built by the navy", "indirect", "Okafor", "ccomp/subject")),
            case("Okafor was praised by the mayor."),  # an agent, but nothing said
        ],
    },
    "participle-subject": {
        "positive": [
            case("The union walked out on Monday, saying the raise was too small.",
                 ("the raise was too small", "indirect", "The union", "ccomp/participle-subject")),
            case("Teachers left the meeting, saying the offer was an insult.",
                 ("the offer was an insult", "indirect", "Teachers", "ccomp/participle-subject")),
        ],
        "negative": [
            case("The union walked out on Monday, leaving the hall empty."),
            case("The union walked out on Monday and the hall stayed empty."),
        ],
    },
    "according-to": {
        "positive": [
            case("According to records, the pier is a hundred years old.",
                 ("the pier is a hundred years old", "indirect", "records", "according-to-clause/according-to")),
            case("The pier, according to Okafor, is unsafe.",
                 ("The pier", "indirect", "Okafor", "according-to-clause/according-to"),
                 ("is unsafe", "indirect", "Okafor", "according-to-clause/according-to")),
        ],
        "negative": [
            case("According to the captain."),  # no clause to report
            case("The pier was built according to plan.",
                 bug="'according to' a plain noun (plan, schedule) is manner, not a source: reported as "
                     "('The pier was built', 'plan', 'according-to-clause/according-to')"),
        ],
    },
    "noun-possessor": {
        "positive": [
            case("The council dismissed Okafor's claim that the pier was unsafe.",
                 ("that the pier was unsafe", "indirect", "Okafor", "noun-complement/noun-possessor")),
            case("Drivers ignored the ministry's warning that the bridge would close.",
                 ("that the bridge would close", "indirect", "the ministry's", "noun-complement/noun-possessor")),
        ],
        "negative": [
            case("Okafor's boat was unsafe."),  # a possessor, but no cue noun
            case("Okafor's claim was wrong."),  # a cue noun with no content
        ],
    },
    # -- contents --------------------------------------------------------------------------------------
    "ccomp": {
        "positive": [
            case("Okafor told the board that the pier was unsafe.",
                 ("that the pier was unsafe", "indirect", "Okafor", "ccomp/subject")),
            case("The pier will reopen in May, Okafor said.",
                 ("The pier will reopen in May", "indirect", "Okafor", "ccomp/subject")),
        ],
        "negative": [
            case("Okafor said nothing about the pier."),
            case("Okafor told the board a story."),
        ],
    },
    "inverted": {
        "positive": [
            # the cue inside the content cuts it in two
            case("The harbour board, Okafor said, has no money.",
                 ("The harbour board", "indirect", "Okafor", "inverted/subject"),
                 ("has no money", "indirect", "Okafor", "inverted/subject")),
            case("The ferry, the captain insisted, was never late.",
                 ("The ferry", "indirect", "the captain", "inverted/subject"),
                 ("was never late", "indirect", "the captain", "inverted/subject")),
        ],
        "negative": [
            case("The plan, Okafor smiled, will cost ten million."),  # a gesture inside, not a cue
            case("The plan will cost ten million."),
        ],
    },
    "according-to-clause": {
        "positive": [
            case("The pier is a hundred years old, according to records kept by the council.",
                 ("The pier is a hundred years old", "indirect", "records", "according-to-clause/according-to")),
            case("According to records, the pier is a hundred years old.",
                 ("the pier is a hundred years old", "indirect", "records", "according-to-clause/according-to")),
        ],
        "negative": [
            case("According to the captain."),
            case("The ferry left on time, as the captain had promised."),
        ],
    },
    "statement-clause": {
        "positive": [
            case("Okafor said in a statement that she would resign.",
                 ("that she would resign", "indirect", "Okafor", "statement-clause/subject")),
            case("Okafor told reporters in an interview that the pier was unsafe.",
                 ("that the pier was unsafe", "indirect", "Okafor", "statement-clause/subject")),
        ],
        "negative": [
            case("Okafor said in the harbour that she would resign."),  # "harbour" is no cue noun
            case("The ministry said in a statement on Monday."),  # no clause
        ],
    },
    "noun-complement": {
        "positive": [
            case("Drivers ignored the ministry's warning that the bridge would close.",
                 ("that the bridge would close", "indirect", "the ministry's", "noun-complement/noun-possessor")),
            case("The council dismissed Okafor's claim that the pier was unsafe.",
                 ("that the pier was unsafe", "indirect", "Okafor", "noun-complement/noun-possessor")),
        ],
        "negative": [
            case("The claim that the pier was unsafe spread quickly."),  # nobody's claim
            case("The warning that the bridge would close came too late."),
        ],
    },
    "infinitive": {
        "positive": [
            case("Dana Whitfield promised to rebuild the school by spring.",
                 ("to rebuild the school by spring", "indirect", "Dana Whitfield", "infinitive/subject")),
            case("Okafor urged residents to leave the harbour.",
                 ("to leave the harbour", "indirect", "Okafor", "infinitive/subject")),
        ],
        "negative": [
            case("Dana Whitfield tried to rebuild the school."),
            # a "who" source gives background, not a report (relative_source false)
            case("The hall was opened by Dana Whitfield, who has promised to rebuild the school."),
        ],
    },
    "object": {
        "positive": [
            case("The minister denied the allegations.",
                 ("the allegations", "indirect", "The minister", "object/subject")),
            case("Okafor described the plan as a disgrace.",
                 ("the plan as a disgrace", "indirect", "Okafor", "object/subject")),
        ],
        "negative": [
            case("The minister read the allegations."),
            case("Carl Hendry, who has long praised the volunteers, opened the hall."),
        ],
    },
    "object-said-of": {
        "positive": [
            case("Dana Whitfield called the budget a disgrace.",
                 ("the budget a disgrace", "indirect", "Dana Whitfield", "object-said-of/subject")),
            case("Okafor highlighted the plan as a disgrace.",
                 ("the plan as a disgrace", "indirect", "Okafor", "object-said-of/subject")),
        ],
        "negative": [
            case("Okafor highlighted the plan."),  # a bare object after these verbs names the topic
            case("Carl Hendry wrote a letter to the council."),
        ],
    },
    "call-for": {
        "positive": [
            case("The union called for a new vote on the contract.",
                 ("a new vote on the contract", "indirect", "The union", "call-for/subject")),
            case("Okafor pushed for a new pier.", ("a new pier", "indirect", "Okafor", "call-for/subject")),
        ],
        "negative": [
            case("Okafor asked for a glass of water."),
            case("The union waited for a new vote."),
        ],
    },
}

CASES = [pytest.param(pattern, polarity, *param.values, marks=param.marks, id=f"{pattern}{sign}{n}")
         for pattern, table in PATTERNS.items()
         for polarity, sign in (("positive", "+"), ("negative", "-"))
         for n, param in enumerate(table[polarity], 1)]


def _uses(rule: str, pattern: str, role: RuleRole) -> bool:
    if "/" not in rule:
        return False
    content, source = rule.split("/")
    return (source if role is RuleRole.SOURCE else content) == pattern


@pytest.mark.parametrize("pattern, polarity, text, expected", CASES)
def test_pattern(rules, attributor, pattern, polarity, text, expected):
    role = next(r.role for r in rules.dependency_rules if r.id == pattern)
    found = quotes_of(attributor, text)
    assert found == expected
    assert any(_uses(rule, pattern, role) for *_, rule in found) is (polarity == "positive")


def test_every_pattern_has_a_table_with_both_polarities():
    path = default_rules_dir() / "dependency_patterns.jsonl"
    ids = [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert sorted(ids) == sorted(PATTERNS)
    for pattern, table in PATTERNS.items():
        assert table["positive"] and table["negative"], pattern
