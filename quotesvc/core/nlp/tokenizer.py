"""A tokenizer wrapper that keeps spaCy's tokenization linear on runs without white space, can stop as
soon as a text has more tokens than a limit, and lets spaCy's tokenizer cache do its work."""
from __future__ import annotations

import re
from typing import Callable, Iterator

from spacy.attrs import SENT_START
from spacy.tokens import Doc

# spaCy's tokenizer strips affixes one at a time from a run of characters without white space, so a
# run of n quotation marks or brackets costs O(n²): 8,000 '"' in a row took 7 s, 200,000 would take
# hours. No word is this long; runs beyond it are tokenized in pieces of this size.
MAX_CHUNK = 100
_LONG_CHUNK = re.compile(r"\S{%d,}" % (MAX_CHUNK + 1))
# With a token limit, ordinary text is tokenized in pieces of about this many characters, and counting
# stops at the first piece that passes the limit: a refused text costs at most this much more than the
# limit, not all of its length (200,000 em-dashes took 6.5 s to tokenize before being refused).
LIMIT_PIECE = 8_000
# A piece starts only at the first character that is not white space after a line break. spaCy cuts the
# text at white space before anything else, but its special cases are matched over the whole text, and one
# of them is " " (two words apart: "said:) )" is said : ) ), "said:) " is said :) ); no special case holds
# a line break, so across one the tokens are those of the whole text. A text with no line break in 8,000
# characters is read on to the next (a run without white space is cut anyway, at MAX_CHUNK).
_NOT_SPACE = re.compile(r"\S")
# Joined docs must not get a sentence start at each piece (Doc.from_docs sets one by default): the
# parser would keep them as sentence boundaries.
_JOIN_ATTRS = [a for a in Doc._get_array_attrs() if a != SENT_START]
# Distinct chunks remembered before seeding stops (a worker is recycled long before a newsroom's
# vocabulary gets near this; it bounds the memory a stream of random strings could take).
SEED_LIMIT = 500_000


class TokenLimitExceeded(ValueError):
    """The text has more tokens than the limit; `counted` tokens were found in its first `read` characters."""

    def __init__(self, counted: int, read: int, length: int, limit: int) -> None:
        self.counted, self.read, self.length, self.limit = counted, read, length, limit
        whole = read >= length
        super().__init__(
            f"the text has {counted} tokens (words and punctuation marks); the limit is {limit}" if whole else
            f"the text has more than {limit} tokens (words and punctuation marks): {counted} in its first "
            f"{read} of {length} characters; the limit is {limit}")


class BoundedTokenizer:
    """spaCy's tokenizer, linear in the length of a run without white space; the text is kept exactly.

    It also seeds spaCy's tokenizer cache. spaCy 3.6 caches the tokens of a chunk (a run without white
    space) only while no special case ("U.S.", "don't", "'s") has been met earlier in the same text: the
    flag is set once per text, not per chunk. Nearly every news article has one in its first lines, so
    two chunks in five went through the prefix, suffix and infix regexes in every article again. A chunk
    met in a second text is tokenized once more on its own after that text, which caches it as spaCy
    means to: later texts get the same tokens from the cache (tokenizing is about 4x faster once warm).
    Seeding costs about 20 us a chunk; waiting for the second text leaves out the many chunks (numbers,
    rare names) that never come again.
    """

    def __init__(self, tokenizer: Callable[[str], Doc], seed_cache: bool = True) -> None:
        self.tokenizer = tokenizer
        self.seed_cache = seed_cache
        self._seen_once: set[str] = set()
        self._seeded: set[str] = set()

    def __call__(self, text: str, max_tokens: int | None = None) -> Doc:
        """The text's tokens; with `max_tokens`, TokenLimitExceeded as soon as more have been found.

        A token is at least one character, so a text no longer than the limit is never counted.
        """
        # str.split() and spaCy's tokenizer cut chunks at the same characters (both use str.isspace), as
        # does _LONG_CHUNK's \S; max() over the lengths is cheaper than searching the text for a long run.
        chunks = text.split()
        counting = max_tokens is not None and len(text) > max_tokens
        if counting or (chunks and max(map(len, chunks)) > MAX_CHUNK):
            doc = self._in_pieces(text, max_tokens if counting else None)
        else:
            doc = self.tokenizer(text)
        if self.seed_cache:
            self._seed(chunks)  # only a text that was not refused: seeding reads all of it
        return doc

    def _in_pieces(self, text: str, max_tokens: int | None) -> Doc:
        docs, found = [], 0
        for start, end in self._pieces(text, LIMIT_PIECE if max_tokens is not None else None):
            docs.append(self.tokenizer(text[start:end]))
            found += len(docs[-1])
            if max_tokens is not None and found > max_tokens:
                raise TokenLimitExceeded(found, end, len(text), max_tokens)
        doc = Doc.from_docs(docs, ensure_whitespace=False, attrs=_JOIN_ATTRS) if len(docs) != 1 else docs[0]
        if doc.text != text:
            raise AssertionError("the bounded tokenizer changed the text")
        return doc

    def _pieces(self, text: str, piece: int | None) -> Iterator[tuple[int, int]]:
        """[start, end) pieces covering the text in order: runs without white space beyond MAX_CHUNK in
        pieces of MAX_CHUNK; the text between them whole, or, when `piece` is given, cut after a line break
        every `piece` characters or so, where the tokens are those of the whole text."""
        start = 0
        for m in _LONG_CHUNK.finditer(text):
            yield from self._ordinary(text, start, m.start(), piece)
            for i in range(m.start(), m.end(), MAX_CHUNK):
                yield i, min(i + MAX_CHUNK, m.end())
            start = m.end()
        yield from self._ordinary(text, start, len(text), piece)

    @staticmethod
    def _ordinary(text: str, start: int, end: int, piece: int | None) -> Iterator[tuple[int, int]]:
        while piece is not None and end - start > piece:
            newline = text.find("\n", start + piece, end)
            cut = _NOT_SPACE.search(text, newline, end) if newline >= 0 else None
            if cut is None:
                break
            yield start, cut.start()
            start = cut.start()
        if end > start:
            yield start, end

    def _seed(self, chunks: list[str]) -> None:
        if len(self._seeded) + len(self._seen_once) >= SEED_LIMIT:
            return
        new = set(chunks)
        new.difference_update(self._seeded)
        again = new & self._seen_once
        for chunk in again:
            if len(chunk) <= MAX_CHUNK:
                self.tokenizer(chunk)
        self._seeded.update(again)
        self._seen_once.difference_update(again)
        new.difference_update(again)
        self._seen_once.update(new)

    def __getattr__(self, name: str):
        # Everything else (vocab, rules, to_disk, explain…) is the wrapped tokenizer's.
        return getattr(self.tokenizer, name)
