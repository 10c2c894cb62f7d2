"""Every stage after the parse grows linearly with the text, whatever its shape (issue 11's findings).

Each shape below once made one post-parse pass quadratic (a report checked against every earlier one,
every quote against every name of its paragraph or every transcript turn, every cue against every turn,
every content fragment against every quote). The texts are parsed once per size, outside the count; then
the Python lines the attribution executes after the parse are counted (tests/helpers.assert_linear: 8 times
the text may cost at most 12 times the lines). Lines, not seconds: the count is the same on a loaded machine.
"""
from __future__ import annotations

import random

import pytest

from quotesvc.core.model import Article, Gender, Span, SpeakerKind
from quotesvc.core.reach import Reach
from quotesvc.core.speakers.index import Entity
from quotesvc.core.speakers.namesakes import Namesakes
from tests.helpers import assert_linear

GIVEN = ["Maren", "Tobias", "Ilse", "Kasimir", "Odile", "Ruben", "Selma", "Viktor"]
SYLLABLES = ["bra", "den", "ko", "lis", "mor", "nu", "pet", "sva"]


def names(n: int) -> list[str]:
    """n different made-up people (up to 4,096): a given name and a surname of four syllables."""
    out = []
    for i in range(n):
        a, b, c, d = i % 8, (i // 8) % 8, (i // 64) % 8, (i // 512) % 8
        surname = (SYLLABLES[d] + SYLLABLES[c] + SYLLABLES[b] + SYLLABLES[a]).capitalize()
        out.append(f"{GIVEN[(i + i // 8) % 8]} {surname}")
    return out


def answer_lines(n: int) -> str:
    return "".join(f"{p} met the board on Friday. " for p in names(n)) + "\n" + "A: No.\n" * n


# Each shape's size at which a pass over pairs would outweigh the linear work (8 times it is also counted).
SIZES = {"label-quotes": 150, "label-cues": 150, "answer-lines": 150, "namesakes": 150}

SHAPES = {
    # _drop_nested: every report against every earlier one
    "reports": lambda n: "He said they lied. " * n,
    # single_candidate: every quote against every name of its paragraph
    "names-paragraph": lambda n: "".join(f"{p} “the ferry is late” " for p in names(n)),
    # Context.build: every quote against every transcript turn
    "label-quotes": lambda n: "CD: “no”\n" * n,
    # most_mentioned_person once per document, not per answer line
    "answer-lines": answer_lines,
    # Context.build: every cue against every transcript turn
    "label-cues": lambda n: "CD: She said so.\n" * n,
    # reported speech: every content fragment against every quote it runs over
    "cue-flood": lambda n: "".join(f"“Fine,” he {v}, " for v in ["said", "added", "warned", "argued"] * (n // 4)) + ".",
    # _namesake: every person of a surname against every earlier one
    "namesakes": lambda n: "".join(f"{p.split()[1]} Okafor said “we stay.” " for p in names(n)),
    # a pronoun resolved back over every sentence
    "pronoun-chain": lambda n: "Maren Kobra, the harbour master, spoke. " + "She said the tide was high. " * n,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_post_parse_stages_grow_linearly(attributor, nlp, shape: str) -> None:
    make_text = SHAPES[shape]

    def parsed(n: int) -> tuple[Article, object]:
        article = Article(make_text(n), "text")
        return article, nlp(article.content)

    def attribute(item: tuple[Article, object]) -> None:
        attributor.attribute_parsed(*item)

    assert_linear(attribute, parsed, SIZES.get(shape, 24))


def test_a_quadratic_stage_is_seen(attributor, nlp, monkeypatch) -> None:
    """The count sees a pass over every earlier report: the old _drop_nested, put back for this test."""
    from quotesvc.core.sieves import reported

    def drop_nested_quadratic(drafts):
        return [d for d in drafts if not any(e.span != d.span and e.span.contains(d.span) for e in drafts)]

    monkeypatch.setattr(reported, "_drop_nested", drop_nested_quadratic)
    with pytest.raises(AssertionError, match="worse than linear"):
        assert_linear(lambda item: attributor.attribute_parsed(*item),
                      lambda n: (Article(SHAPES["reports"](n), "text"), nlp(SHAPES["reports"](n))), 24)


# ------------------------------------------------------------------------------------------- Reach


def _furthest(spans: list[Span], offset: int, inclusive: bool, other_than: Span | None) -> int:
    """Reach.furthest by a pass over every span: what it must equal."""
    ends = [s.end for s in spans if (s.start <= offset if inclusive else s.start < offset) and s != other_than]
    return max(ends, default=-1)


@pytest.mark.parametrize("spans, offset, inclusive, other_than, expected", [
    ([], 5, True, None, -1),
    ([Span(0, 10)], 0, True, None, 10),
    ([Span(0, 10)], 0, False, None, -1),  # starts at the offset, not before it
    ([Span(3, 10)], 2, True, None, -1),  # starts after the offset
    ([Span(0, 10), Span(2, 4)], 3, True, Span(0, 10), 4),  # the furthest left out: the next one
    ([Span(0, 10), Span(0, 10)], 3, True, Span(0, 10), -1),  # every copy of it left out
    ([Span(0, 10), Span(1, 10)], 3, True, Span(0, 10), 10),  # as far, but another span
    ([Span(5, 6), Span(0, 3)], 9, True, None, 6),  # any order in
])
def test_reach_furthest(spans, offset, inclusive, other_than, expected) -> None:
    assert Reach(spans).furthest(offset, inclusive, other_than) == expected


@pytest.mark.parametrize("spans, span, holds", [
    ([Span(0, 10)], Span(2, 5), True),
    ([Span(0, 10)], Span(0, 10), True),
    ([Span(0, 10)], Span(5, 11), False),
    ([Span(3, 10)], Span(2, 5), False),
    ([Span(0, 4), Span(6, 10)], Span(3, 7), False),  # two spans together, neither alone
])
def test_reach_holds(spans, span, holds) -> None:
    assert Reach(spans).holds(span) is holds


@pytest.mark.parametrize("spans, offset, covers", [
    ([Span(2, 5)], 2, True),
    ([Span(2, 5)], 4, True),
    ([Span(2, 5)], 5, False),  # half-open
    ([Span(2, 5)], 1, False),
    ([Span(2, 2)], 2, False),  # an empty span covers nothing
])
def test_reach_covers(spans, offset, covers) -> None:
    assert Reach(spans).covers(offset) is covers


def test_reach_equals_the_pass_over_every_span() -> None:
    rnd = random.Random(11)
    for _ in range(300):
        spans = []
        for _ in range(rnd.randint(0, 12)):
            start = rnd.randint(0, 20)
            spans.append(Span(start, start + rnd.randint(0, 8)))
        reach = Reach(spans)
        for offset in range(-1, 30):
            for inclusive in (True, False):
                for other in [None, *spans[:3], Span(max(0, offset), offset + 1)]:
                    assert reach.furthest(offset, inclusive, other) == _furthest(spans, offset, inclusive, other)


# --------------------------------------------------------------------------------------- Namesakes


def _namesake(people: list, first: str | None, gender: Gender | None):
    """SpeakerIndex._namesake as it was, a pass over every person of the surname: what Namesakes.find must equal."""
    for person in people:
        if gender and person.gender and gender != person.gender:
            continue
        if first and person.first and first != person.first and len(first) > 1 and len(person.first) > 1:
            continue
        return person
    return None


def test_namesakes_find_equals_the_pass_over_every_person() -> None:
    """Random people of two surnames, whose first names and sexes are set later (once, as the index does),
    merged halfway: every answer is the one the pass over the people gives."""
    rnd = random.Random(5)
    firsts = [None, "J", "Ann", "Bo", "Cy"]
    sexes = [None, Gender.MALE, Gender.FEMALE]
    for _ in range(200):
        namesakes, people = Namesakes(), {"okoro": [], "danner": []}
        for step in range(40):
            key = rnd.choice(sorted(people))
            first, gender = rnd.choice(firsts), rnd.choice(sexes)
            assert namesakes.find(key, first, gender) is _namesake(people[key], first, gender)
            if rnd.random() < 0.4:
                person = Entity(f"s{step}", SpeakerKind.PERSON, None, key, gender=gender, first=first)
                namesakes.add(key, person, first)
                people[key].append(person)
            everyone = people["okoro"] + people["danner"]
            if everyone and rnd.random() < 0.3:  # learnt later: a first name or a sex, never changed once set
                person = rnd.choice(everyone)
                person.first = person.first or rnd.choice(firsts)
                person.gender = person.gender or rnd.choice(sexes)
            if step == 20 and len(people["okoro"]) >= 2:  # a merge: the second Okoro becomes the first
                gone, kept = people["okoro"][1], people["okoro"][0]
                namesakes.redirect({id(gone): kept})
                people["okoro"] = [p for p in people["okoro"] if p is not gone]
