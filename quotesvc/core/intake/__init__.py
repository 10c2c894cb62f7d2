"""Turns what a client sent (HTML or plain text) into the SourceText the NLP stages read.

html.py reads HTML, plain.py plain text (realign.py maps ftfy's repairs back to the text as sent).
The only exception raised for input is IntakeError (a ValueError), for an unknown format or input the
HTML parser refuses; a layout that is not a LayoutChoice member is a caller's bug (TypeError).
"""
from __future__ import annotations

from ..model import InputFormat, LayoutChoice, SourceText, require_member
from .common import IntakeError, strip_front_matter
from .html import HTML_TAG, extract_html
from .plain import extract_text

__all__ = ["IntakeError", "extract", "sniff_format"]


def sniff_format(content: str) -> InputFormat:
    """"html" when the content (after optional YAML front matter) has an HTML block tag, else "text"."""
    return "html" if HTML_TAG.search(strip_front_matter(content)) else "text"


def extract(content: str, fmt: InputFormat, layout: LayoutChoice = LayoutChoice.AUTO) -> SourceText:
    """The text the NLP stages read, with its paragraphs; raises only IntakeError.

    `layout` says how plain text makes paragraphs (layout.py); HTML's come from its block elements.
    """
    require_member(layout, LayoutChoice, "layout")
    if fmt == "html":
        return extract_html(content)
    if fmt == "text":
        return extract_text(content, layout)
    raise IntakeError(f"unknown input format {fmt!r}")
