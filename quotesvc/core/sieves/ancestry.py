"""Ancestor tests on one document's parse in constant time: a quote's root and whether a cue governs it."""
from __future__ import annotations

import numpy
from spacy.attrs import HEAD, IS_PUNCT, IS_SPACE
from spacy.tokens import Doc


class Ancestry:
    """Each token's depth below its sentence's root and its entry and exit in one walk of every tree, built
    once per document: spaCy's Span.root and Token.ancestors walk up to the sentence's root per ask, and a
    paragraph of a thousand cues is one tree thousands of words deep."""

    def __init__(self, doc: Doc) -> None:
        cols = doc.to_array([HEAD, IS_PUNCT, IS_SPACE]).reshape(len(doc), 3).astype(numpy.int64)
        n = len(doc)
        heads = cols[:, 0] + numpy.arange(n)  # HEAD is relative
        self._heads: list[int] = heads.tolist()
        children: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self._heads):
            if h != i:
                children[h].append(i)
        depth, enter, leave = [0] * n, [0] * n, [0] * n
        clock = 0
        for r in (i for i, h in enumerate(self._heads) if h == i):
            stack = [(r, 0)]
            while stack:
                node, k = stack.pop()
                if k == 0:
                    enter[node] = clock
                    clock += 1
                kids = children[node]
                if k < len(kids):
                    stack.append((node, k + 1))
                    depth[kids[k]] = depth[node] + 1
                    stack.append((kids[k], 0))
                else:
                    leave[node] = clock
        self.enter, self.leave = enter, leave
        # As spaCy's _count_words_to_root: a space or punctuation mark without children ranks last.
        leaf = numpy.array([not c for c in children], dtype=bool)
        self._rank: list[int] = numpy.where(leaf & ((cols[:, 1] != 0) | (cols[:, 2] != 0)), n - 1,
                                            numpy.array(depth, dtype=numpy.int64)).tolist()

    def root(self, start: int, end: int) -> int:
        """Span.root of doc[start:end] (start < end): its first sentence root, else the first of the words
        whose head lies outside it nearest a sentence's root."""
        heads, rank = self._heads, self._rank  # lists: a quote is a few words, less than numpy costs per call
        best, best_rank = start, len(heads)
        for i in range(start, end):
            h = heads[i]
            if h == i:
                return i  # a sentence root in the span outranks every other word
            if (h < start or h >= end) and rank[i] < best_rank:
                best, best_rank = i, rank[i]
        return best

    def governs(self, ancestor: int, token: int) -> bool:
        """Whether `ancestor` is a proper ancestor of `token` (Token.ancestors holds it)."""
        return self.enter[ancestor] < self.enter[token] and self.leave[token] <= self.leave[ancestor]
