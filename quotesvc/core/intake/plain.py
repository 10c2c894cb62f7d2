"""Plain-text intake: offsets must index into the text as sent, so the text is only changed where it is
broken (mojibake, control characters); then `origin` maps the repaired text back to the sent one.
`Paragraph.source` is `line N` (1-based; \\r\\n, \\r and \\n each end a line).
"""
from __future__ import annotations

import re
from typing import Iterator

import ftfy

from ..model import OffsetMap, Paragraph, SourceText, Span
from .common import BEYOND_TYPOGRAPHY, C0, C1, PLAIN_FIX
from .realign import align

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def extract_text(content: str) -> SourceText:
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    paragraphs: list[Paragraph] = []
    d = 0  # offset in the repaired text
    for number, (start, end, brk) in enumerate(_lines(content), 1):
        anchors.append((d, start))
        # Controls become spaces, keeping every offset, before ftfy (which would delete them).
        line = C0.sub(" ", content[start:end])
        if not line.isascii() and BEYOND_TYPOGRAPHY.search(line):
            fixed = ftfy.fix_text(line, PLAIN_FIX)
            if fixed != line:
                anchors += align(line, fixed, d, start)
            line = C1.sub(" ", fixed)
        body = line.strip()
        if body:
            lead = len(line) - len(line.lstrip())
            paragraphs.append(Paragraph(len(paragraphs), Span(d + lead, d + lead + len(body)), f"line {number}"))
        parts += (line, content[end:brk])
        d += len(line) + brk - end
    text = "".join(parts)
    if text == content:
        return SourceText(content, tuple(paragraphs), "text")
    return SourceText(text, tuple(paragraphs), "text", OffsetMap(anchors, len(content)))


def _lines(content: str) -> Iterator[tuple[int, int, int]]:
    """(start, end of its text, end of its line break) of each line."""
    start = 0
    for m in _LINE_BREAK.finditer(content):
        yield start, m.start(), m.end()
        start = m.end()
    yield start, len(content), len(content)
