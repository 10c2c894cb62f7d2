"""An exact, faster stand-in for spaCy's attribute_ruler, built from the loaded ruler's own patterns.

The attribute_ruler of en_core_web_* is 181 Matcher patterns; spaCy's Matcher tries every pattern at
every token, so the ruler costs more than the parser although most patterns only map a fine-grained tag
to a POS and morphology. Here, when the pipeline loads, the ruler's patterns are compiled into numpy:

- single-token patterns testing exact values (a string, a flag, IN): grouped by the attributes they
  test and folded into look-up tables over the combinations of those values. The 56 patterns testing
  TAG alone make the tag -> (POS, MORPH) table; "TAG": "PRP" with "LOWER": "he" is one cell of the
  (TAG, LOWER) table. A token is looked up once per table, not tried against every pattern;
- the other patterns of fixed length (NOT_IN, REGEX, several tokens): one boolean mask per test over
  the document, shifted and combined per pattern, regexes only where the other tests left candidates;
- anything else (operators, comparisons): spaCy's own Matcher, with just those patterns (none in
  en_core_web_sm 3.6).

Every test reads the values the tagger and parser left, and for each token and attribute the value of
the highest-numbered matching pattern wins, which is what AttributeRuler.set_annotations gives by
applying the matches sorted by pattern number. A ruler that sets anything but POS, TAG, DEP, MORPH and
LEMMA (extension attributes, lexeme flags) is not converted (NotConvertible).
"""
import re
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Mapping, Sequence

import numpy
from spacy.attrs import DEP, IDS, LEMMA, MORPH, POS, TAG
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc

# What the stand-in may write: the token-level attributes set_token_attrs sets with no side effect
# (none of them is a lexeme attribute, so nothing leaks into the vocabulary).
_WRITABLE = (POS, TAG, DEP, MORPH, LEMMA)
# Attributes a pattern may test. String-valued ones may also be tested with REGEX; the IS_/LIKE_ flags
# are booleans. Doc.to_array reads each exactly as the Matcher does (Token.get_struct_attr).
_STRING_ATTRS = ("ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "TAG", "POS", "DEP", "LEMMA", "ENT_TYPE")
_FLAG_ATTRS = ("IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE",
               "IS_UPPER", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE",
               "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY")
_MAX_TABLE_CELLS = 1 << 20  # a group of patterns whose value combinations exceed this is run as masks
_MEMO_LIMIT = 1 << 18  # entries per cache before it is emptied; a vocabulary this large is unusual


class NotConvertible(ValueError):
    """The component cannot be replaced by an exact stand-in; the original is kept."""


# ------------------------------------------------------------------------------------------- tests

_EQ, _NOT_IN, _REGEX = 0, 1, 2  # how a test holds: value in a set, value not in a set, regex on its string


class _RegexMemo:
    """re.search of one pattern on the strings of value hashes, remembered per hash (sorted arrays, so a
    document's values are looked up at once; only values never seen before reach the regex)."""

    def __init__(self, regex: re.Pattern, strings: StringStore) -> None:
        self.regex = regex
        self.strings = strings
        self.known = numpy.zeros(0, dtype=numpy.uint64)
        self.hits = numpy.zeros(0, dtype=bool)

    def __call__(self, values: numpy.ndarray) -> numpy.ndarray:
        distinct, inverse = numpy.unique(values, return_inverse=True)
        at = numpy.searchsorted(self.known, distinct)
        seen = at < len(self.known)
        seen[seen] = self.known[at[seen]] == distinct[seen]
        if not seen.all():
            new = distinct[~seen]
            hits = numpy.array([bool(self.regex.search(self.strings[v])) for v in new.tolist()], dtype=bool)
            if len(self.known) >= _MEMO_LIMIT:
                self.known, self.hits = self.known[:0], self.hits[:0]
            known = numpy.concatenate([self.known, new])
            order = numpy.argsort(known, kind="stable")
            self.known, self.hits = known[order], numpy.concatenate([self.hits, hits])[order]
            at = numpy.searchsorted(self.known, distinct)
        return self.hits[at][inverse]


def _member(values: numpy.ndarray, wanted: numpy.ndarray) -> numpy.ndarray:
    """values[i] in wanted (sorted), for every i; cheaper than numpy.isin on short documents."""
    if len(wanted) <= 4:
        out = values == wanted[0] if len(wanted) else numpy.zeros(len(values), dtype=bool)
        for w in wanted[1:]:
            out |= values == w
        return out
    at = numpy.minimum(numpy.searchsorted(wanted, values), len(wanted) - 1)
    return wanted[at] == values


@dataclass(frozen=True, eq=False)
class _Test:
    """One Matcher test of one token attribute."""
    column: int  # column of the attribute in the per-doc array
    kind: int
    values: frozenset[int] = frozenset()  # _EQ, _NOT_IN
    regex: _RegexMemo | None = None  # _REGEX
    _array: numpy.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_array", numpy.array(sorted(self.values), dtype=numpy.uint64))

    def holds(self, values: numpy.ndarray) -> numpy.ndarray:
        """Whether the test holds for each of these values of its attribute."""
        if self.kind == _EQ:
            return _member(values, self._array)
        if self.kind == _NOT_IN:
            return ~_member(values, self._array)
        return self.regex(values)


def _parse_token(spec: Mapping[Any, Any], columns: dict[int, int], strings: StringStore) -> list[_Test]:
    """The Matcher's reading of one token spec (spacy/matcher/matcher.pyx: _get_attr_values and the
    _SetPredicate / _RegexPredicate classes), for the subset this module supports."""
    tests = []
    for name, value in spec.items():
        if not isinstance(name, str):
            raise NotConvertible(f"attribute given as id {name!r}")
        name = name.upper()
        name = "ORTH" if name == "TEXT" else name
        if name not in _STRING_ATTRS and name not in _FLAG_ATTRS:
            raise NotConvertible(f"token key {name!r}")
        column = columns.setdefault(IDS[name], len(columns))
        if isinstance(value, str):
            tests.append(_Test(column, _EQ, frozenset([strings.add(value)])))
        elif isinstance(value, bool):  # before int: a bool is an int
            tests.append(_Test(column, _EQ, frozenset([int(value)])))
        elif isinstance(value, int):
            tests.append(_Test(column, _EQ, frozenset([value])))
        elif isinstance(value, dict):
            for op, arg in value.items():
                op = op.upper()
                if op in ("IN", "NOT_IN") and not isinstance(arg, dict):
                    tests.append(_Test(column, _EQ if op == "IN" else _NOT_IN,
                                       frozenset(get_string_id(v) for v in arg)))
                elif op == "REGEX" and isinstance(arg, str) and name in _STRING_ATTRS:
                    tests.append(_Test(column, _REGEX, regex=_RegexMemo(re.compile(arg), strings)))
                else:
                    raise NotConvertible(f"{name} test {op!r}")
        else:
            raise NotConvertible(f"{name} value of type {type(value).__name__}")
    return tests


@dataclass(frozen=True)
class _Rule:
    """One fixed-length token sequence of a ruler pattern, and the attributes it gives one of its tokens."""
    key: int  # the ruler's pattern number: the highest matching number wins
    attrs: Mapping[int, int]
    tokens: tuple[tuple[_Test, ...], ...]
    target: int  # 0 <= target < len(tokens)

    @property
    def set_tests(self) -> list[tuple[int, _Test]]:
        return [(i, t) for i, tests in enumerate(self.tokens) for t in tests if t.kind != _REGEX]

    @property
    def regex_tests(self) -> list[tuple[int, _Test]]:
        return [(i, t) for i, tests in enumerate(self.tokens) for t in tests if t.kind == _REGEX]

    def exact_values(self) -> dict[int, frozenset[int]] | None:
        """column -> the values it must have, for a single token tested only on exact values."""
        if len(self.tokens) != 1 or any(t.kind != _EQ for t in self.tokens[0]):
            return None
        out: dict[int, frozenset[int]] = {}
        for t in self.tokens[0]:
            out[t.column] = out[t.column] & t.values if t.column in out else t.values
        return out


class _Winners:
    """For each written attribute and token: the value so far and the number of the pattern that set it."""

    def __init__(self, arr: numpy.ndarray, columns: Mapping[int, int], writes: Sequence[int]) -> None:
        self.values = {a: arr[:, columns[a]].copy() for a in writes}
        self.keys = {a: numpy.full(len(arr), -1, dtype=numpy.int64) for a in writes}

    def offer(self, attr: int, tokens: numpy.ndarray, keys: numpy.ndarray | int, values: numpy.ndarray | int) -> None:
        """Pattern `keys` give `values` to `tokens` (no token twice in one call); higher keys win."""
        better = keys > self.keys[attr][tokens]
        if better.any():
            won = tokens[better]
            self.keys[attr][won] = keys[better] if isinstance(keys, numpy.ndarray) else keys
            self.values[attr][won] = values[better] if isinstance(values, numpy.ndarray) else values

    def offer_all(self, attr: int, keys: numpy.ndarray, values: numpy.ndarray) -> None:
        """Pattern keys[i] gives values[i] to token i (-1: no pattern); higher keys win."""
        better = keys > self.keys[attr]
        numpy.copyto(self.keys[attr], keys, where=better)
        numpy.copyto(self.values[attr], values, where=better)


class _Table:
    """Single-token patterns that test exact values of the same attributes, as one look-up over the
    combinations of those values: cell -> (number of the last pattern giving the attribute, value)."""

    def __init__(self, columns: tuple[int, ...], rules: list[tuple[_Rule, dict[int, frozenset[int]]]],
                 writes: Sequence[int]) -> None:
        self.columns = columns
        self.values = [numpy.array(sorted(set().union(*(want[c] for _, want in rules))), dtype=numpy.uint64)
                       for c in columns]
        sizes = [len(v) + 1 for v in self.values]  # one more code for "none of them"
        self.strides = numpy.cumprod([1] + sizes[:-1]).tolist()
        cells = int(numpy.prod(sizes))
        self.writes = [a for a in writes if any(a in r.attrs for r, _ in rules)]
        self.keys = {a: numpy.full(cells, -1, dtype=numpy.int64) for a in self.writes}
        self.vals = {a: numpy.zeros(cells, dtype=numpy.uint64) for a in self.writes}
        codes = [{v: i for i, v in enumerate(vals.tolist())} for vals in self.values]
        for rule, want in sorted(rules, key=lambda rw: rw[0].key):  # later patterns overwrite earlier ones
            for combo in product(*(sorted(want[c]) for c in columns)):
                cell = sum(codes[i][v] * self.strides[i] for i, v in enumerate(combo))
                for attr, value in rule.attrs.items():
                    self.keys[attr][cell] = rule.key
                    self.vals[attr][cell] = value

    @staticmethod
    def cells(columns: tuple[int, ...], rules: list[tuple[_Rule, dict[int, frozenset[int]]]]) -> int:
        return int(numpy.prod([len(set().union(*(want[c] for _, want in rules))) + 1 for c in columns]))

    def remap(self, column: int, shared: numpy.ndarray) -> numpy.ndarray:
        """Code in the shared values of `column` (len(shared): none of them) -> code in this table's."""
        mine = self.values[self.columns.index(column)]
        at = numpy.minimum(numpy.searchsorted(mine, shared), max(len(mine) - 1, 0))
        found = mine[at] == shared if len(mine) else numpy.zeros(len(shared), dtype=bool)
        return numpy.append(numpy.where(found, at, len(mine)), len(mine))

    def apply(self, codes: Mapping[int, numpy.ndarray], remaps: Sequence[numpy.ndarray], winners: _Winners) -> None:
        cell = None
        for col, remap, stride in zip(self.columns, remaps, self.strides):
            part = remap[codes[col]] * stride if stride != 1 else remap[codes[col]]
            cell = part if cell is None else cell + part
        for attr in self.writes:
            winners.offer_all(attr, self.keys[attr][cell], self.vals[attr][cell])


# --------------------------------------------------------------------------------- attribute ruler


class FastAttributeRuler:
    """Sets exactly the attributes the given AttributeRuler sets, on every token."""

    def __init__(self, ruler: AttributeRuler) -> None:
        if not isinstance(ruler, AttributeRuler):
            raise NotConvertible(f"{type(ruler).__name__} is not spaCy's AttributeRuler")
        strings = ruler.vocab.strings
        self.columns: dict[int, int] = {}  # attribute id -> column in the per-doc array
        self._writes = [a for a in _WRITABLE if any(a in attrs for attrs in ruler.attrs)]
        for attr in self._writes:
            self.columns.setdefault(attr, len(self.columns))
        self._attrs: list[dict[int, int]] = []
        self._indices = list(ruler.indices)
        self._residual: Matcher | None = None
        rules: list[_Rule] = []
        for key, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            unknown = [a for a in attrs if a not in _WRITABLE]
            if unknown:
                raise NotConvertible(f"pattern {key} sets {unknown}, not only POS, TAG, DEP, MORPH or LEMMA")
            self._attrs.append(dict(attrs))
            found = ruler.matcher.get(str(key))
            patterns = found[1] if found is not None else []
            try:
                parsed = [tuple(tuple(_parse_token(spec, self.columns, strings)) for spec in p) for p in patterns]
                if any(not -len(toks) <= index < len(toks) for toks in parsed):
                    raise NotConvertible(f"index {index} outside the pattern")
            except NotConvertible:
                if self._residual is None:
                    self._residual = Matcher(ruler.vocab)
                self._residual.add(str(key), patterns)
                continue
            rules += [_Rule(key, dict(attrs), toks, index % len(toks)) for toks in parsed if toks]
        self._attr_ids = sorted(self.columns, key=self.columns.__getitem__)
        groups: dict[tuple[int, ...], list[tuple[_Rule, dict[int, frozenset[int]]]]] = {}
        self._masked: list[_Rule] = []
        for rule in rules:
            want = rule.exact_values()
            if want is None or any(not v for v in want.values()):  # (an empty set never holds)
                self._masked.append(rule)
            else:
                groups.setdefault(tuple(sorted(want)), []).append((rule, want))
        self._tables = []
        for columns, group in groups.items():
            if _Table.cells(columns, group) > _MAX_TABLE_CELLS:
                self._masked += [rule for rule, _ in group]
            else:
                self._tables.append(_Table(columns, group, self._writes))
        # Each column's values are looked up once per document, in the union of the tables' values.
        self._shared = {c: numpy.array(sorted(set().union(*(t.values[t.columns.index(c)].tolist()
                                                           for t in self._tables if c in t.columns))),
                                       dtype=numpy.uint64)
                        for c in {c for t in self._tables for c in t.columns}}
        self._remaps = [[t.remap(c, self._shared[c]) for c in t.columns] for t in self._tables]
        names = {col: next(n for n, i in IDS.items() if i == attr) for attr, col in self.columns.items()}
        n_residual = len(self._residual) if self._residual is not None else 0
        tables = ", ".join(f"{len(g)} on {'+'.join(names[c] for c in cols)}" for cols, g in groups.items())
        self.summary = (f"{len(ruler.attrs)} patterns: look-up tables ({tables}), {len(self._masked)} as masks, "
                        f"{n_residual} by spaCy's Matcher")

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0 or not self._writes:
            return doc
        arr = doc.to_array(self._attr_ids).reshape(n, len(self._attr_ids))
        winners = _Winners(arr, self.columns, self._writes)
        codes = {}
        for col, values in self._shared.items():
            found = arr[:, col]
            at = numpy.minimum(numpy.searchsorted(values, found), len(values) - 1)
            codes[col] = numpy.where(values[at] == found, at, len(values))
        for table, remaps in zip(self._tables, self._remaps):
            table.apply(codes, remaps, winners)
        holds: dict[int, numpy.ndarray] = {}  # id(test) -> where it holds, once per document
        for rule in self._masked:
            starts = n - len(rule.tokens) + 1
            if starts <= 0:
                continue
            ok = numpy.ones(starts, dtype=bool)
            for offset, test in rule.set_tests:
                mask = holds.get(id(test))
                if mask is None:
                    mask = holds[id(test)] = test.holds(arr[:, test.column])
                ok &= mask[offset:offset + starts]
            at = numpy.flatnonzero(ok)
            for offset, test in rule.regex_tests:  # on the few positions left
                at = at[test.holds(arr[at + offset, test.column])]
            targets = at + rule.target
            for attr, value in rule.attrs.items():
                winners.offer(attr, targets, rule.key, value)
        if self._residual is not None:
            for match_id, start, end in self._residual(doc, allow_missing=True, as_spans=False):
                key = int(doc.vocab.strings[match_id])
                index = self._indices[key]
                target = (start if index >= 0 else end) + index
                if not start <= target < end:  # as AttributeRuler.set_annotations refuses it
                    raise ValueError(f"attribute_ruler pattern {key}: index {index} is outside its match "
                                     f"{doc[start:end].text!r}")
                for attr, value in self._attrs[key].items():
                    winners.offer(attr, numpy.array([target]), key, value)
        doc.from_array(self._writes, numpy.stack([winners.values[a] for a in self._writes], axis=1))
        return doc
