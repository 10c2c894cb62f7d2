"""Running the dependency patterns of rules/ from their cue word outwards.

The patterns are written in spaCy's DependencyMatcher format and are validated by it when they load.
Running them through spaCy's DependencyMatcher, though, costs a tenth of the parse: it first matches
every node of every pattern against every token (a bare {"DEP": "nsubj"} node matches thousands) and
only then joins them into trees. Every shipped pattern starts at its cue word, which is rare, so this
matcher finds the cue tokens first and walks the tree from each. It supports the operators the
rules use ("<" and ">") and refuses others when it is built; tests/test_rules.py checks it returns
exactly the DependencyMatcher's matches.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

_ATTRS: dict[str, Callable[[Token], str]] = {
    "ORTH": lambda t: t.orth_,
    "TEXT": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "LEMMA": lambda t: t.lemma_,
    "POS": lambda t: t.pos_,
    "TAG": lambda t: t.tag_,
    "DEP": lambda t: t.dep_,
    "ENT_TYPE": lambda t: t.ent_type_,
}
_OPS = ("<", ">")


class UnsupportedPattern(ValueError):
    """A pattern uses an operator or attribute this matcher does not implement."""

    def __init__(self, message: str, index: int = -1) -> None:
        super().__init__(message)
        self.index = index  # which pattern, once known


@dataclass(frozen=True, slots=True)
class _Test:
    get: Callable[[Token], str]
    values: frozenset[str]
    negate: bool


@dataclass(frozen=True, slots=True)
class _Node:
    left: int  # index of the node this one is related to; -1 for the anchor
    op: str
    tests: tuple[_Test, ...]

    def accepts(self, tok: Token) -> bool:
        for test in self.tests:  # a loop, not all(generator): this runs for every child of every cue
            if (test.get(tok) in test.values) == test.negate:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Pattern:
    key: int
    nodes: tuple[_Node, ...]
    anchor_words: frozenset[str] | None  # lemmas or lower-case forms one of which the anchor must have
    anchor_attr: str | None

    def may_anchor(self, lemma: str, lower: str) -> bool:
        if self.anchor_words is None:
            return True
        return (lemma if self.anchor_attr == "LEMMA" else lower) in self.anchor_words


def _compile_attrs(attrs: Mapping[str, Any]) -> tuple[tuple[_Test, ...], str | None, frozenset[str] | None]:
    tests = []
    word_attr, words = None, None
    for name, spec in attrs.items():
        if name not in _ATTRS:
            raise UnsupportedPattern(f"attribute {name!r} is not supported (use one of {sorted(_ATTRS)})")
        if isinstance(spec, str):
            values, negate = frozenset([spec]), False
        elif isinstance(spec, Mapping) and len(spec) == 1 and ("IN" in spec or "NOT_IN" in spec):
            negate = "NOT_IN" in spec
            values = frozenset(spec["NOT_IN" if negate else "IN"])
        else:
            raise UnsupportedPattern(f"attribute {name!r}: only a string, IN or NOT_IN is supported")
        tests.append(_Test(_ATTRS[name], values, negate))
        if name in ("LEMMA", "LOWER") and not negate:
            word_attr, words = name, values
    return tuple(tests), word_attr, words


def _compile(key: int, pattern: Sequence[Mapping[str, Any]]) -> _Pattern:
    ids: dict[str, int] = {}
    nodes = []
    anchor_attr, anchor_words = None, None
    for i, step in enumerate(pattern):
        tests, word_attr, words = _compile_attrs(step.get("RIGHT_ATTRS", {}))
        if i == 0:
            left, op = -1, ""
            anchor_attr, anchor_words = word_attr, words
        else:
            op = step["REL_OP"]
            if op not in _OPS:
                raise UnsupportedPattern(f"operator {op!r} is not supported (use one of {_OPS})")
            left = ids[step["LEFT_ID"]]
        ids[step["RIGHT_ID"]] = i
        nodes.append(_Node(left, op, tests))
    return _Pattern(key, tuple(nodes), anchor_words, anchor_attr)


class CueMatcher:
    """Matches like spaCy's DependencyMatcher, in the same order, starting from anchor tokens."""

    def __init__(self, patterns: Sequence[Sequence[Mapping[str, Any]]]) -> None:
        self._patterns = []
        for i, p in enumerate(patterns):
            try:
                self._patterns.append(_compile(i, p))
            except UnsupportedPattern as exc:
                raise UnsupportedPattern(str(exc), i) from exc
        # Every anchor word as a string hash, so the candidate cue tokens are found with numpy.
        self._unanchored = any(p.anchor_words is None for p in self._patterns)
        words = {attr: frozenset().union(*(p.anchor_words for p in self._patterns if p.anchor_attr == attr))
                 for attr in ("LEMMA", "LOWER")}
        self._ids = {attr: numpy.array(sorted(map(get_string_id, w)), dtype=numpy.uint64) for attr, w in words.items()}

    def __len__(self) -> int:
        return len(self._patterns)

    def __call__(self, doc: Doc) -> list[tuple[int, list[int]]]:
        """(pattern index, token index per pattern node) for every match."""
        if self._unanchored:
            candidates = list(doc)
        else:
            ids = doc.to_array([LEMMA, LOWER]).reshape(-1, 2)
            hits = numpy.isin(ids[:, 0], self._ids["LEMMA"]) | numpy.isin(ids[:, 1], self._ids["LOWER"])
            candidates = [doc[int(i)] for i in numpy.flatnonzero(hits)]
        words = [(tok.lemma_, tok.lower_) for tok in candidates]
        out: list[tuple[int, list[int]]] = []
        for pattern in self._patterns:
            first = pattern.nodes[0]
            for tok, (lemma, lower) in zip(candidates, words):
                if pattern.may_anchor(lemma, lower) and first.accepts(tok):
                    self._extend(doc, pattern, [tok.i], out)
        return out

    def _extend(self, doc: Doc, pattern: _Pattern, bound: list[int], out: list[tuple[int, list[int]]]) -> None:
        if len(bound) == len(pattern.nodes):
            out.append((pattern.key, list(bound)))
            return
        node = pattern.nodes[len(bound)]
        left = doc[bound[node.left]]
        if node.op == ">":
            candidates = list(left.children)
        else:
            candidates = [] if left.head.i == left.i else [left.head]
        for cand in candidates:
            if node.accepts(cand):
                bound.append(cand.i)
                self._extend(doc, pattern, bound, out)
                bound.pop()
