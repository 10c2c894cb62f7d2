"""An exact, faster stand-in for spaCy's rule (or lookup) lemmatizer, built from the loaded one.

The lemmatizer's rule_lemmatize is a pure function of the token's text, POS and morphology, so its
results are kept by (ORTH, POS, MORPH), looked up for a whole document at once, and set with one
Doc.from_array; spaCy's own cache keeps only forms that needed rules, and its loop costs a Token,
string look-ups and a morphology dict per token.
"""
import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from .fast_ruler import NotConvertible

_MEMO_LIMIT = 1 << 18  # entries before the memo is emptied; a vocabulary this large is unusual
_REBUILD_AT = 1024  # new entries kept in a dict before the sorted arrays are rebuilt with them


class _TripleMemo:
    """(ORTH, POS, MORPH) -> lemma hash, looked up for a whole document at once.

    The entries are in numpy arrays sorted by a 64-bit mix of the three values; a hit is confirmed on the
    three values themselves, so a clash of mixes only costs a look-up in `recent`. New entries wait in
    `recent` (a dict) until there are enough of them to rebuild the arrays, which amortises the sort."""

    _MIX = numpy.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=numpy.uint64)

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.mixes = numpy.zeros(0, dtype=numpy.uint64)
        self.triples = numpy.zeros((0, 3), dtype=numpy.uint64)
        self.values = numpy.zeros(0, dtype=numpy.uint64)
        self.recent: dict[tuple[int, int, int], int] = {}

    @classmethod
    def mix(cls, triples: numpy.ndarray) -> numpy.ndarray:
        with numpy.errstate(over="ignore"):
            return (triples * cls._MIX).sum(axis=1, dtype=numpy.uint64)  # arithmetic modulo 2**64

    def lookup(self, triples: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(values, found) for each row of triples; values are 0 where not found."""
        if len(self.mixes) == 0:
            return numpy.zeros(len(triples), dtype=numpy.uint64), numpy.zeros(len(triples), dtype=bool)
        mixes = self.mix(triples)
        at = numpy.minimum(numpy.searchsorted(self.mixes, mixes), len(self.mixes) - 1)
        found = (self.mixes[at] == mixes) & (self.triples[at] == triples).all(axis=1)
        return numpy.where(found, self.values[at], 0), found

    def add(self, triple: tuple[int, int, int], value: int) -> None:
        self.recent[triple] = value
        if len(self.recent) >= max(_REBUILD_AT, len(self.mixes) // 4):
            self._rebuild()

    def _rebuild(self) -> None:
        if len(self.mixes) + len(self.recent) >= _MEMO_LIMIT:
            self.clear()
            return
        new = numpy.array(list(self.recent), dtype=numpy.uint64).reshape(-1, 3)
        triples = numpy.concatenate([self.triples, new])
        values = numpy.concatenate([self.values, numpy.array(list(self.recent.values()), dtype=numpy.uint64)])
        mixes = self.mix(triples)
        order = numpy.argsort(mixes, kind="stable")
        mixes, triples, values = mixes[order], triples[order], values[order]
        clash = numpy.zeros(len(mixes), dtype=bool)
        clash[1:] = mixes[1:] == mixes[:-1]
        clash[:-1] |= clash[1:]
        # Triples whose mixes clash stay in `recent` (a dict), where a look-up cannot confuse them.
        self.recent = {tuple(t): v for t, v in zip(triples[clash].tolist(), values[clash].tolist())}
        self.mixes, self.triples, self.values = mixes[~clash], triples[~clash], values[~clash]


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
        self._memo = _TripleMemo()

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = arr[:, 3].copy()
        todo = numpy.arange(len(doc)) if self.overwrite else numpy.flatnonzero(lemmas == 0)
        values, found = self._memo.lookup(arr[todo, :3])
        lemmas[todo[found]] = values[found]
        missed = todo[~found]
        if len(missed):
            strings, lemmatize = doc.vocab.strings, self.lemmatizer.lemmatize
            for i, triple in zip(missed.tolist(), arr[missed, :3].tolist()):
                triple = tuple(triple)
                value = self._memo.recent.get(triple)
                if value is None:
                    value = strings.add(lemmatize(doc[i])[0])
                    self._memo.add(triple, value)
                lemmas[i] = value
        doc.from_array([LEMMA], lemmas)
        return doc
