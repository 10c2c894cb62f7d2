"""STUB — being replaced: turns the client's HTML or plain text into a SourceText."""
from __future__ import annotations

from .model import InputFormat, Paragraph, SourceText, Span


def extract(content: str, fmt: InputFormat) -> SourceText:
    paragraphs, pos = [], 0
    for i, line in enumerate(content.split("\n")):
        if line.strip():
            paragraphs.append(Paragraph(len(paragraphs), Span(pos, pos + len(line)), f"line {i + 1}"))
        pos += len(line) + 1
    return SourceText(content, tuple(paragraphs), fmt)
