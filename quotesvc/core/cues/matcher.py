"""Running the dependency patterns of rules/ from their cue word outwards.

The patterns are written in spaCy's DependencyMatcher format and are validated by it when they load.
Running them through spaCy's DependencyMatcher, though, costs a tenth of the parse: it first matches
every node of every pattern against every token (a bare {"DEP": "nsubj"} node matches thousands) and
only then joins them into trees. Every shipped pattern starts at its cue word, which is rare, so this
matcher finds the cue tokens first and walks the tree from each. It supports the operators the
rules use ("<" and ">") and refuses others when it is built; tests/test_rules.py checks it returns
exactly the DependencyMatcher's matches. It reads the tokens' attributes as string ids from one
Doc.to_array rather than through Token objects, and a token's children (the tokens whose head it
is, in order, as Token.children gives them) from the heads sorted once per document. That DocTree is
the caller's to keep (finder.py reads a cue's particles from it): spaCy's Token.rights walks the
token's whole subtree extent, which in a paragraph of a thousand cues is the rest of the paragraph.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, LEMMA, LOWER, ORTH, POS, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc

# The columns of the per-doc array, and the column each pattern attribute is read from. A string is
# compared with an attribute through its id (get_string_id), which is how the StringStore keeps it.
_COLUMNS = [LEMMA, LOWER, ORTH, POS, TAG, DEP, ENT_TYPE, HEAD]
_ATTRS: dict[str, int] = {"LEMMA": 0, "LOWER": 1, "ORTH": 2, "TEXT": 2, "POS": 3, "TAG": 4, "DEP": 5, "ENT_TYPE": 6}
_HEAD = 7
_OPS = ("<", ">")


class UnsupportedPattern(ValueError):
    """A pattern uses an operator or attribute this matcher does not implement."""

    def __init__(self, message: str, index: int = -1) -> None:
        super().__init__(message)
        self.index = index  # which pattern, once known


@dataclass(frozen=True, slots=True)
class _Test:
    column: int
    values: frozenset[int]  # string ids
    negate: bool
    ids: numpy.ndarray = field(compare=False)  # the values sorted, for mask()

    def mask(self, values: numpy.ndarray, rows: numpy.ndarray) -> numpy.ndarray:
        """Which of the rows pass, for all of them at once (what accepts() asks of one row)."""
        column = values[rows, self.column]
        if not len(self.ids):
            return numpy.full(len(rows), self.negate)
        found = self.ids[numpy.minimum(numpy.searchsorted(self.ids, column), len(self.ids) - 1)] == column
        return found != self.negate


@dataclass(frozen=True, slots=True)
class _Node:
    left: int  # index of the node this one is related to; -1 for the anchor
    op: str
    tests: tuple[_Test, ...]

    def accepts(self, values: numpy.ndarray, i: int) -> bool:
        for test in self.tests:  # a loop, not all(generator): this runs for every child of every cue
            if (values.item(i, test.column) in test.values) == test.negate:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Pattern:
    key: int
    nodes: tuple[_Node, ...]
    anchor_words: frozenset[str] | None  # lemmas or lower-case forms one of which the anchor must have
    anchor_attr: str | None


class DocTree:
    """One document's token attributes (string ids, one row per token; columns as _COLUMNS) and its
    dependency tree."""

    def __init__(self, doc: Doc) -> None:
        self.values = doc.to_array(_COLUMNS).reshape(len(doc), len(_COLUMNS))
        heads = self.values[:, _HEAD].astype(numpy.int64) + numpy.arange(len(doc))  # HEAD is relative
        self.heads: list[int] = heads.tolist()
        order = numpy.argsort(heads, kind="stable")  # tokens by head, in text order under each head
        self._by_head: list[int] = heads[order].tolist()
        self._order: list[int] = order.tolist()
        self._children: dict[int, list[int]] = {}

    def children(self, i: int) -> list[int]:
        """As Token.children: the tokens whose head is i, in order (a root is not its own child). Kept once
        asked: every pattern with a ">" step asks it of the same cue word."""
        found = self._children.get(i)
        if found is None:
            lo, hi = bisect_left(self._by_head, i), bisect_right(self._by_head, i)
            found = self._children[i] = [c for c in self._order[lo:hi] if c != i]
        return found

    def rights(self, i: int) -> list[int]:
        """As Token.rights: the children after i, in order."""
        return [c for c in self.children(i) if c > i]

    def value(self, i: int, attr: int) -> int:
        """Token i's attribute (LEMMA, LOWER, DEP, ... from spacy.attrs) as a string id."""
        return self.values.item(i, _COLUMNS.index(attr))


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
        ids = frozenset(map(get_string_id, values))
        tests.append(_Test(_ATTRS[name], ids, negate, numpy.array(sorted(ids), dtype=numpy.uint64)))
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
        self._ids = [numpy.array(sorted(map(get_string_id, words[attr])), dtype=numpy.uint64) for attr in ("LEMMA", "LOWER")]

    def __len__(self) -> int:
        return len(self._patterns)

    def __call__(self, doc: Doc, tree: DocTree | None = None) -> list[tuple[int, list[int]]]:
        """(pattern index, token index per pattern node) for every match; `tree` is DocTree(doc) when the
        caller has made it."""
        if len(doc) == 0:
            return []
        tree = DocTree(doc) if tree is None else tree
        if self._unanchored:
            candidates = numpy.arange(len(doc))
        else:
            hits = numpy.zeros(len(doc), dtype=bool)
            for column, ids in enumerate(self._ids):  # the LEMMA and LOWER columns
                if len(ids):
                    values = tree.values[:, column]
                    hits |= ids[numpy.minimum(numpy.searchsorted(ids, values), len(ids) - 1)] == values
            candidates = numpy.flatnonzero(hits)
        out: list[tuple[int, list[int]]] = []
        for pattern in self._patterns:
            # The anchor's tests on every candidate at once with numpy, not accepts() row by row: each
            # pattern would otherwise ask each of thousands of cue words (only its own lexicon's pass).
            passed = numpy.ones(len(candidates), dtype=bool)
            for test in pattern.nodes[0].tests:
                passed &= test.mask(tree.values, candidates)
            for i in candidates[passed].tolist():
                self._extend(tree, pattern, [i], out)
        return out

    def _extend(self, tree: DocTree, pattern: _Pattern, bound: list[int], out: list[tuple[int, list[int]]]) -> None:
        if len(bound) == len(pattern.nodes):
            out.append((pattern.key, list(bound)))
            return
        node = pattern.nodes[len(bound)]
        left = bound[node.left]
        if node.op == ">":
            candidates = tree.children(left)
        else:
            head = tree.heads[left]
            candidates = [] if head == left else [head]
        for cand in candidates:
            if node.accepts(tree.values, cand):
                bound.append(cand)
                self._extend(tree, pattern, bound, out)
                bound.pop()
