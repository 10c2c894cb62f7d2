"""Exact, faster stand-ins for spaCy's attribute_ruler and rule lemmatizer, built from the loaded ones.

The attribute_ruler of en_core_web_* is 181 Matcher patterns; spaCy's Matcher tries every pattern at
every token, so it costs more than the parser although most patterns only map a fine-grained tag to a
POS and morphology. Here, when the pipeline loads, the ruler's own patterns are split three ways:

- a single token tested on TAG alone: folded into a tag → (POS, MORPH, …) table applied with numpy;
- other patterns built from exact values, IN, NOT_IN and REGEX (the ruler's "conditional" patterns):
  tried only at the tokens where one of their tests can hold, found with numpy (`"LOWER": "the"`
  is tried at the tokens whose lower-case form is "the", not at every token);
- anything else (operators, extension attributes, comparisons): spaCy's own Matcher, with just
  those patterns (none in en_core_web_sm 3.6).

Every test is evaluated on the values the tagger and parser left, and for each token and attribute
the value of the highest-numbered matching pattern wins, as AttributeRuler.set_annotations gives by
applying the sorted matches in turn. The lemmatizer's rule_lemmatize is a pure function of the
token's text, POS and morphology, so its results are kept by (ORTH, POS, MORPH) and set with one
Doc.from_array; spaCy's own cache only keeps forms that needed rules and still costs a Token, two
string look-ups and a morphology dict per token.

A pipeline whose components cannot be converted exactly keeps its originals: install() logs why.
tests/core/test_fast_attributes.py checks both give the same values on every token.
"""

import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy
from spacy.attrs import DEP, IDS, LEMMA, MORPH, ORTH, POS, TAG
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc

log = logging.getLogger(__name__)

FAST_ATTRIBUTE_RULER = "quotesvc_fast_attribute_ruler"
FAST_LEMMATIZER = "quotesvc_fast_lemmatizer"

# What the stand-in may write: the token-level attributes set_token_attrs sets with no side effect
# (none of them is a lexeme attribute, so nothing leaks into the vocabulary).
_WRITABLE = (POS, TAG, DEP, MORPH, LEMMA)
# Attributes a pattern may test. String-valued ones may also be tested with REGEX; the IS_/LIKE_ flags
# are booleans. Doc.to_array reads each exactly as the Matcher does (Token.get_struct_attr).
_STRING_ATTRS = ("ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "TAG", "POS", "DEP", "LEMMA", "ENT_TYPE")
_FLAG_ATTRS = ("IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE",
               "IS_UPPER", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE",
               "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY")
# Which test to look tokens up by, most selective first: a word, then a dependency label, then a tag.
_DISPATCH_RANK = {name: rank for rank, name in enumerate(
    ("ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "DEP", "TAG", "ENT_TYPE", "POS", *_FLAG_ATTRS))}
_MEMO_LIMIT = 1 << 18  # entries per cache before it is emptied; a vocabulary this large is unusual


class NotConvertible(ValueError):
    """The component cannot be replaced by an exact stand-in; the original is kept."""


# ------------------------------------------------------------------------------------------- tests

_EQ, _NOT_IN, _REGEX = 0, 1, 2  # how a test holds: value in a set, value not in a set, regex on its string


@dataclass(frozen=True, slots=True)
class _Test:
    """One Matcher test of one token attribute."""
    column: int  # column of the attribute in the per-doc array
    kind: int
    values: frozenset[int] = frozenset()  # _EQ, _NOT_IN
    regex: "_RegexMemo | None" = None  # _REGEX


class _RegexMemo:
    """re.search of one pattern on the string of a value hash, remembered per hash."""

    def __init__(self, regex: re.Pattern, strings: StringStore) -> None:
        self.regex = regex
        self.strings = strings
        self.memo: dict[int, bool] = {}

    def __call__(self, value: int) -> bool:
        hit = self.memo.get(value)
        if hit is None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            hit = self.memo[value] = bool(self.regex.search(self.strings[value]))
        return hit


@dataclass(frozen=True, slots=True)
class _Alternative:
    """One fixed-length token sequence of a pattern key, and which of its tokens gets the attributes."""
    key: int  # the ruler's pattern number: later numbers win
    length: int
    target: int  # 0 <= target < length
    checks: tuple[tuple[int, int, int, Any], ...]  # (token offset, column, kind, value set or regex memo)

    def matches_at(self, rows: list[list[int]], start: int) -> bool:
        if start < 0 or start + self.length > len(rows):
            return False
        for offset, column, kind, arg in self.checks:
            value = rows[start + offset][column]
            if kind == _EQ:
                if value not in arg:
                    return False
            elif kind == _NOT_IN:
                if value in arg:
                    return False
            elif not arg(value):
                return False
        return True


def _parse_token(spec: Mapping[Any, Any], columns: dict[int, int], strings: StringStore) -> tuple[_Test, ...]:
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
    return tuple(tests)


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
        tag_column = self.columns.setdefault(TAG, len(self.columns))
        table: dict[int, dict[int, tuple[int, int]]] = {}  # tag -> attr -> (pattern number, value)
        parsed_alternatives: list[tuple[int, int, list[tuple[_Test, ...]]]] = []
        self._residual: Matcher | None = None
        self._attrs: list[dict[int, int]] = []
        self._indices = list(ruler.indices)
        n_table = 0
        for key, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            unknown = [a for a in attrs if a not in _WRITABLE]
            if unknown:
                raise NotConvertible(f"pattern {key} sets {unknown}, not only POS, TAG, DEP, MORPH or LEMMA")
            self._attrs.append(dict(attrs))
            found = ruler.matcher.get(str(key))
            patterns = found[1] if found is not None else []
            try:
                parsed = [[_parse_token(spec, self.columns, strings) for spec in p] for p in patterns]
                for toks in parsed:
                    if not -len(toks) <= index < len(toks):
                        raise NotConvertible(f"index {index} outside a pattern of {len(toks)} tokens")
            except NotConvertible:
                if self._residual is None:
                    self._residual = Matcher(ruler.vocab)
                self._residual.add(str(key), patterns)
                continue
            if len(parsed) == 1 and len(parsed[0]) == 1 and len(parsed[0][0]) == 1 \
                    and parsed[0][0][0].column == tag_column and parsed[0][0][0].kind == _EQ:
                n_table += 1
                for tag in parsed[0][0][0].values:
                    row = table.setdefault(tag, {})
                    for attr, value in attrs.items():
                        row[attr] = (key, value)  # keys ascend: a later pattern replaces an earlier one
                continue
            parsed_alternatives += [(key, index % len(toks), toks) for toks in parsed]
        self._attr_ids = sorted(self.columns, key=self.columns.__getitem__)
        self._build_table(table)
        self._build_dispatch(parsed_alternatives)
        n_residual = len(self._residual) if self._residual is not None else 0
        self.summary = (f"{n_table} of {len(ruler.attrs)} patterns as a tag table, "
                        f"{len(ruler.attrs) - n_table - n_residual} tried only where a word or label lets them "
                        f"match, {n_residual} by spaCy's Matcher")

    def _build_table(self, table: dict[int, dict[int, tuple[int, int]]]) -> None:
        tags = sorted(table)
        self._table_tags = numpy.array(tags, dtype=numpy.uint64)
        # Per written attribute, each tag row's value and pattern number (-1: not written); one more
        # row at the end for the tags no pattern names.
        self._table_vals = {a: numpy.array([table[t].get(a, (-1, 0))[1] for t in tags] + [0], dtype=numpy.uint64)
                            for a in self._writes}
        self._table_keys = {a: numpy.array([table[t].get(a, (-1, 0))[0] for t in tags] + [-1], dtype=numpy.int64)
                            for a in self._writes}

    def _build_dispatch(self, parsed: list[tuple[int, int, list[tuple[_Test, ...]]]]) -> None:
        """File each alternative under its most selective exact test, so it is tried only at the tokens
        where that test holds; one with none under a regex test (evaluated once per distinct value);
        one with neither (only NOT_IN or a false flag) is tried at every position."""
        names = {col: next(n for n, i in IDS.items() if i == attr) for attr, col in self.columns.items()}
        by_value: dict[int, dict[int, list[tuple[_Alternative, int]]]] = {}
        by_regex: dict[tuple[int, int], tuple[_RegexMemo, list[tuple[_Alternative, int]]]] = {}
        self._everywhere: list[_Alternative] = []
        for key, target, toks in parsed:
            checks = tuple((offset, t.column, t.kind, t.regex if t.kind == _REGEX else t.values)
                           for offset, tests in enumerate(toks) for t in tests)
            alt = _Alternative(key, len(toks), target, checks)
            exact = [((_DISPATCH_RANK.get(names[t.column], len(_DISPATCH_RANK)), len(t.values)), pos, t)
                     for pos, tests in enumerate(toks) for t in tests
                     if t.kind == _EQ and t.values != frozenset([0])]
            regexes = [(pos, t) for pos, tests in enumerate(toks) for t in tests if t.kind == _REGEX]
            if exact:
                _, pos, test = min(exact, key=lambda e: e[0])
                buckets = by_value.setdefault(test.column, {})
                for value in test.values:
                    buckets.setdefault(value, []).append((alt, pos))
            elif regexes:
                pos, test = regexes[0]
                by_regex.setdefault((test.column, id(test.regex)), (test.regex, []))[1].append((alt, pos))
            else:
                self._everywhere.append(alt)
        self._by_value = [(col, numpy.array(sorted(b), dtype=numpy.uint64), b) for col, b in by_value.items()]
        self._by_regex = [(col, memo, alts) for (col, _), (memo, alts) in by_regex.items()]

    def _match(self, doc: Doc, arr: numpy.ndarray) -> list[tuple[int, int]]:
        """(pattern number, target token) of every match of the patterns outside the tag table."""
        matches: list[tuple[int, int]] = []
        rows: list[list[int]] | None = None
        for col, values, buckets in self._by_value:
            hits = numpy.flatnonzero(numpy.isin(arr[:, col], values))
            if len(hits):
                rows = arr.tolist() if rows is None else rows
                for i in hits.tolist():
                    for alt, pos in buckets[rows[i][col]]:
                        if alt.matches_at(rows, i - pos):
                            matches.append((alt.key, i - pos + alt.target))
        for col, memo, alts in self._by_regex:
            distinct, inverse = numpy.unique(arr[:, col], return_inverse=True)
            holds = numpy.fromiter((memo(v) for v in distinct.tolist()), dtype=bool, count=len(distinct))
            hits = numpy.flatnonzero(holds[inverse])
            if len(hits):
                rows = arr.tolist() if rows is None else rows
                for i in hits.tolist():
                    for alt, pos in alts:
                        if alt.matches_at(rows, i - pos):
                            matches.append((alt.key, i - pos + alt.target))
        if self._everywhere:
            rows = arr.tolist() if rows is None else rows
            for alt in self._everywhere:
                for start in range(len(rows) - alt.length + 1):
                    if alt.matches_at(rows, start):
                        matches.append((alt.key, start + alt.target))
        if self._residual is not None:
            for match_id, start, end in self._residual(doc, allow_missing=True, as_spans=False):
                key = int(doc.vocab.strings[match_id])
                index = self._indices[key]
                target = (start if index >= 0 else end) + index
                if not start <= target < end:  # as AttributeRuler.set_annotations refuses it
                    raise ValueError(f"attribute_ruler pattern {key}: index {index} is outside its match "
                                     f"{doc[start:end].text!r}")
                matches.append((key, target))
        return matches

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0 or not self._writes:
            return doc
        arr = doc.to_array(self._attr_ids)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        # The tag table, for every token at once.
        tags = arr[:, self.columns[TAG]]
        n_rows = len(self._table_tags)
        if n_rows:
            row = numpy.minimum(numpy.searchsorted(self._table_tags, tags), n_rows - 1)
            row = numpy.where(self._table_tags[row] == tags, row, n_rows)  # n_rows: the "no row" entry
        else:
            row = numpy.zeros(n, dtype=numpy.intp)
        out, winner = {}, {}
        for attr in self._writes:
            keys = self._table_keys[attr][row]
            col = arr[:, self.columns[attr]].copy()
            written = keys >= 0
            col[written] = self._table_vals[attr][row][written]
            out[attr], winner[attr] = col, keys
        # The other patterns: each match in the order of its pattern number, a later one winning.
        matches = self._match(doc, arr)
        if matches:
            matches.sort()
            winners = {a: winner[a].tolist() for a in self._writes}
            values = {a: out[a].tolist() for a in self._writes}
            for key, i in matches:
                for attr, value in self._attrs[key].items():
                    if key > winners[attr][i]:
                        winners[attr][i] = key
                        values[attr][i] = value
            out = {a: numpy.array(values[a], dtype=numpy.uint64) for a in self._writes}
        doc.from_array(self._writes, numpy.stack([out[a] for a in self._writes], axis=1))
        return doc


# ------------------------------------------------------------------------------------------ lemmas


class FastLemmatizer:
    """Sets exactly the lemmas the given rule or lookup Lemmatizer sets."""

    # Lemmatizers whose lemma of a token depends only on its ORTH, POS and MORPH.
    PURE = (Lemmatizer, EnglishLemmatizer)

    def __init__(self, lemmatizer: Lemmatizer, probe: Doc) -> None:
        if type(lemmatizer) not in self.PURE:
            raise NotConvertible(f"{type(lemmatizer).__name__} may read more of a token than ORTH, POS and MORPH")
        if lemmatizer.mode not in ("rule", "lookup"):
            raise NotConvertible(f"lemmatizer mode {lemmatizer.mode!r}")
        try:
            lemmatizer(probe)  # an empty doc: checks the lookup tables are loaded, as its first call would
        except ValueError as exc:
            raise NotConvertible(f"the lemmatizer cannot run: {exc}") from exc
        self.lemmatizer = lemmatizer
        self.overwrite = lemmatizer.overwrite
        self._cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        cache, strings, lemmatize = self._cache, doc.vocab.strings, self.lemmatizer.lemmatize
        lemmas = arr[:, 3].tolist()
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and not self.overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                if len(cache) >= _MEMO_LIMIT:
                    cache.clear()
                value = cache[key] = strings.add(lemmatize(doc[i])[0])
            lemmas[i] = value
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64))
        return doc


# --------------------------------------------------------------------------------------- pipeline


@Language.factory(FAST_ATTRIBUTE_RULER, default_config={"source": "attribute_ruler"})
def make_fast_attribute_ruler(nlp: Language, name: str, source: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.get_pipe(source))


@Language.factory(FAST_LEMMATIZER, default_config={"source": "lemmatizer"})
def make_fast_lemmatizer(nlp: Language, name: str, source: str) -> FastLemmatizer:
    return FastLemmatizer(nlp.get_pipe(source), nlp.make_doc(""))


_STAND_INS: Sequence[tuple[str, str, Callable[[Any], bool]]] = (
    ("attribute_ruler", FAST_ATTRIBUTE_RULER, lambda c: isinstance(c, AttributeRuler)),
    ("lemmatizer", FAST_LEMMATIZER, lambda c: isinstance(c, Lemmatizer)),
)


def install(nlp: Language) -> list[str]:
    """Put the stand-ins in place of the originals (which stay in the pipeline, disabled); return the
    names replaced. A component that cannot be converted exactly is kept, with a log line saying why."""
    replaced = []
    for name, factory, applies in _STAND_INS:
        if name not in nlp.pipe_names or not applies(nlp.get_pipe(name)):
            continue
        try:
            stand_in = nlp.add_pipe(factory, name=factory, after=name, config={"source": name})
        except NotConvertible as exc:
            log.warning("spaCy component %r kept as it is (slower): %s", name, exc)
            continue
        nlp.disable_pipe(name)
        replaced.append(name)
        detail = getattr(stand_in, "summary", "lemmas cached by ORTH, POS and MORPH")
        log.info("spaCy component %r replaced by its exact equivalent %r: %s", name, factory, detail)
    return replaced


def uninstall(nlp: Language) -> None:
    """Back to the original components (for comparisons)."""
    for name, factory, _ in _STAND_INS:
        if factory in nlp.component_names:
            nlp.remove_pipe(factory)
            nlp.enable_pipe(name)
