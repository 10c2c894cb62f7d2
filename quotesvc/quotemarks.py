"""STUB — being replaced: pairs quotation marks into QuotedSpans."""
from __future__ import annotations

import re
from typing import Sequence

from .model import Paragraph, QuotedSpan, Span


def find_quoted_spans(text: str, paragraphs: Sequence[Paragraph]) -> list[QuotedSpan]:
    out = []
    for m in re.finditer(r'[“"]([^”"\n]+)[”"]', text):
        out.append(QuotedSpan(Span(m.start(1), m.end(1)), Span(m.start(), m.start() + 1),
                              Span(m.end() - 1, m.end()), ()))
    return out
