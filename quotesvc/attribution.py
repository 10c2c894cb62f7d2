"""STUB — being replaced: cues, sieves and speakers."""
from __future__ import annotations

from .model import Options, Quote, QuoteKind, Speaker, SourceText


def attribute_doc(doc, source: SourceText, quoted, rules, options: Options) -> tuple[list[Quote], list[Speaker]]:
    quotes = [Quote(f"q{i + 1}", q.content, q.content.of(source.text), QuoteKind.DIRECT, None, None, 0.1, "stub")
              for i, q in enumerate(quoted)]
    return quotes, []
