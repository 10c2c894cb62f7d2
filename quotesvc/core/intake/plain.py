"""Plain-text intake: offsets must index into the text as sent, so the text is only changed where it is
broken (mojibake, control characters) and where a paragraph's wrapped lines are joined (each line break
inside a paragraph reads as one space); then `origin` maps the text read back to the sent one.
layout.py decides which lines make a paragraph. `Paragraph.source` is `line N` or `lines N-M` (1-based;
\\r\\n, \\r and \\n each end a line).
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

import ftfy

from ..model import LayoutChoice, OffsetMap, Paragraph, SourceText, Span, require_member
from .common import BEYOND_TYPOGRAPHY, C0, C1, PLAIN_FIX
from .layout import plan
from .realign import align

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Line(NamedTuple):
    start: int  # in the sent text
    end: int  # end of its text, where its line break starts
    brk: int  # end of its line break
    text: str  # repaired
    anchors: list[tuple[int, int]]  # (offset in `text`, offset in the sent text) where a repair changed it


def extract_text(content: str, layout: LayoutChoice = LayoutChoice.AUTO) -> SourceText:
    require_member(layout, LayoutChoice, "layout")
    lines = [_repair(content, start, end, brk) for start, end, brk in _lines(content)]
    used, joins = plan([line.text for line in lines], layout)
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    paragraphs: list[Paragraph] = []
    open_para: tuple[int, int] | None = None  # (start offset, first line number) of the paragraph being read
    last = (0, 0)  # (end offset, line number) of its last line so far
    d = 0  # offset in the text read
    for number, (line, joined) in enumerate(zip(lines, joins), 1):
        if joined:
            # The line break before this line becomes one space inside the paragraph.
            parts[-1] = " "
            d -= len(content[lines[number - 2].end:lines[number - 2].brk])
            anchors += [(d, lines[number - 2].end), (d + 1, line.start)]
            d += 1
        anchors.append((d, line.start))
        anchors += [(d + a, s) for a, s in line.anchors]
        body = line.text.strip()
        if body:
            lead = len(line.text) - len(line.text.lstrip())
            if not joined:
                if open_para is not None:
                    paragraphs.append(_paragraph(len(paragraphs), open_para, last))
                open_para = (d + lead, number)
            last = (d + lead + len(body), number)
        parts += (line.text, content[line.end:line.brk])
        d += len(line.text) + line.brk - line.end
    if open_para is not None:
        paragraphs.append(_paragraph(len(paragraphs), open_para, last))
    text = "".join(parts)
    if text == content:
        return SourceText(content, tuple(paragraphs), "text", used)
    return SourceText(text, tuple(paragraphs), "text", used, OffsetMap(anchors, len(content)))


def _paragraph(index: int, first: tuple[int, int], last: tuple[int, int]) -> Paragraph:
    (start, first_line), (end, last_line) = first, last
    source = f"line {first_line}" if first_line == last_line else f"lines {first_line}-{last_line}"
    return Paragraph(index, Span(start, end), source)


def _repair(content: str, start: int, end: int, brk: int) -> _Line:
    # Controls become spaces, keeping every offset, before ftfy (which would delete them).
    line = C0.sub(" ", content[start:end])
    anchors: list[tuple[int, int]] = []
    if not line.isascii() and BEYOND_TYPOGRAPHY.search(line):
        fixed = ftfy.fix_text(line, PLAIN_FIX)
        if fixed != line:
            anchors = align(line, fixed, 0, start)
        line = C1.sub(" ", fixed)
    return _Line(start, end, brk, line, anchors)


def _lines(content: str) -> Iterator[tuple[int, int, int]]:
    """(start, end of its text, end of its line break) of each line."""
    start = 0
    for m in _LINE_BREAK.finditer(content):
        yield start, m.start(), m.end()
        start = m.end()
    yield start, len(content), len(content)
