"""A tokenizer wrapper that keeps spaCy's tokenization linear on runs without white space."""
from __future__ import annotations

import re
from typing import Callable

from spacy.tokens import Doc

# spaCy's tokenizer strips affixes one at a time from a run of characters without white space, so a
# run of n quotation marks or brackets costs O(n²): 8,000 '"' in a row took 7 s, 200,000 would take
# hours. No word is this long; runs beyond it are tokenized in pieces of this size.
MAX_CHUNK = 100
_LONG_CHUNK = re.compile(r"\S{%d,}" % (MAX_CHUNK + 1))


class BoundedTokenizer:
    """spaCy's tokenizer, linear in the length of a run without white space; the text is kept exactly."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if _LONG_CHUNK.search(text) is None:
            return self.tokenizer(text)
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

    def __getattr__(self, name: str):
        # Everything else (vocab, rules, to_disk, explain…) is the wrapped tokenizer's.
        return getattr(self.tokenizer, name)
