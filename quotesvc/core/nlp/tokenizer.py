"""A tokenizer wrapper that keeps spaCy's tokenization linear on runs without white space, and lets
spaCy's tokenizer cache do its work."""
from __future__ import annotations

import re
from typing import Callable

from spacy.tokens import Doc

# spaCy's tokenizer strips affixes one at a time from a run of characters without white space, so a
# run of n quotation marks or brackets costs O(n²): 8,000 '"' in a row took 7 s, 200,000 would take
# hours. No word is this long; runs beyond it are tokenized in pieces of this size.
MAX_CHUNK = 100
_LONG_CHUNK = re.compile(r"\S{%d,}" % (MAX_CHUNK + 1))
# Distinct chunks seeded into spaCy's cache before seeding stops (a worker is recycled long before a
# newsroom's vocabulary gets near this; it bounds the memory a stream of random strings could take).
SEED_LIMIT = 500_000


class BoundedTokenizer:
    """spaCy's tokenizer, linear in the length of a run without white space; the text is kept exactly.

    It also seeds spaCy's tokenizer cache. spaCy 3.6 caches the tokens of a chunk (a run without white
    space) only while no special case ("U.S.", "don't", "'s") has been met earlier in the same text: the
    flag is set once per text, not per chunk. Nearly every news article has one in its first lines, so
    two chunks in five went through the prefix, suffix and infix regexes in every article again. Each
    chunk not seen before is tokenized once more on its own after the text, which caches it as spaCy
    means to: later texts get the same tokens from the cache (tokenizing is about 5x faster once warm).
    """

    def __init__(self, tokenizer: Callable[[str], Doc], seed_cache: bool = True) -> None:
        self.tokenizer = tokenizer
        self.seed_cache = seed_cache
        self._seeded: set[str] = set()

    def __call__(self, text: str) -> Doc:
        # str.split() and spaCy's tokenizer cut chunks at the same characters (both use str.isspace), as
        # does _LONG_CHUNK's \S; max() over the lengths is cheaper than searching the text for a long run.
        chunks = text.split()
        if chunks and max(map(len, chunks)) > MAX_CHUNK:
            doc = self._bounded(text)
        else:
            doc = self.tokenizer(text)
        if self.seed_cache:
            self._seed(chunks)
        return doc

    def _bounded(self, text: str) -> Doc:
        docs, start = [], 0
        for m in _LONG_CHUNK.finditer(text):
            if m.start() > start:
                docs.append(self.tokenizer(text[start:m.start()]))
            docs += [self.tokenizer(text[i:min(i + MAX_CHUNK, m.end())]) for i in range(m.start(), m.end(), MAX_CHUNK)]
            start = m.end()
        if start < len(text):
            docs.append(self.tokenizer(text[start:]))
        doc = Doc.from_docs(docs, ensure_whitespace=False)
        if doc.text != text:
            raise AssertionError("the bounded tokenizer changed the text")
        return doc

    def _seed(self, chunks: list[str]) -> None:
        if len(self._seeded) >= SEED_LIMIT:
            return
        new = set(chunks)
        new.difference_update(self._seeded)
        for chunk in new:
            if len(chunk) <= MAX_CHUNK:
                self.tokenizer(chunk)
        self._seeded.update(new)

    def __getattr__(self, name: str):
        # Everything else (vocab, rules, to_disk, explain…) is the wrapped tokenizer's.
        return getattr(self.tokenizer, name)
