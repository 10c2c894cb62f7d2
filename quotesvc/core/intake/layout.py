"""How the lines of a plain text make paragraphs: one paragraph per line, or blocks of wrapped lines.

A hard-wrapped text (wire copy, e-mail, a public-domain book at 70 columns) breaks its lines where the
next word would not fit, so a line that had room for the next word was ended on purpose. That is the
evidence read here, per document, in one pass over the lines:

- `lines`: every non-blank line is a paragraph (news pasted from a CMS, transcripts, lists, poems);
- `blocks`: a line joins the one above it unless a blank line, a bullet or a deeper indent (a first-line
  indent) separates them.

`auto` chooses `blocks` when most breaks inside blocks are where a wrapper breaks (the next word did not
fit) and the lines read as prose (some go on in lower case): verse, tables and lists fail one or the
other. Having found a wrapped text, it also ends a paragraph at a line the wrapper did not fill (a
heading, a sign-off) unless the next line goes on from it in lower case.

Written here: the standard library's textwrap only wraps, and unwrapping while keeping every offset is
one pass over line lengths.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..model import Layout, LayoutChoice, require_member

# "- item", "* item", "• item", "1. item", "2) item": each starts a paragraph of its own.
_BULLET = re.compile(r"[ \t]*(?:[-*+•◦▪‣–]|\(?\d{1,3}[.)])[ \t]+\S")
# A wrap width outside this range is not a hard wrap: a text of long paragraph lines, or a few short words.
MIN_WIDTH = 28
MAX_WIDTH = 160
# Lines longer than this many times the 90th percentile of line lengths are outliers (a URL, a table row):
# they do not set the width.
_OUTLIER = 1.2
# auto: share of breaks inside blocks that must be where a wrapper breaks, and that must go on in lower case.
MIN_FULL_SHARE = 0.6
# Wrappers differ (some count the break, some leave a margin, some justify): a line whose next word would
# have run past this share of the width counts as full.
FULL_RATIO = 0.9
MIN_LOWER_SHARE = 0.2


def plan(lines: Sequence[str], choice: LayoutChoice) -> tuple[Layout, list[bool]]:
    """The layout used and, for each line, whether it continues the paragraph of the line above.

    `lines` are the text's lines without their line breaks; blank lines never continue anything.
    """
    require_member(choice, LayoutChoice, "layout")
    joins = [False] * len(lines)
    if choice is LayoutChoice.LINES:
        return Layout.LINES, joins
    width = wrap_width(lines)
    inner = [i for i in range(1, len(lines)) if lines[i].strip() and lines[i - 1].strip()]
    if choice is LayoutChoice.AUTO and not _looks_wrapped(lines, inner, width):
        return Layout.LINES, joins
    # Asked for blocks, every line of a block joins (bullets and indents aside); found wrapped, a line
    # the wrapper did not fill also ends its paragraph unless the next goes on in lower case.
    deliberate_breaks = choice is LayoutChoice.AUTO
    after_line = set(inner)
    bullet_paragraph = False  # whether the paragraph being built opened with a bullet (hanging indents)
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if i in after_line and _continues(lines[i - 1], line, bullet_paragraph) and \
                not (deliberate_breaks and _deliberate_break(lines[i - 1], line, width)):
            joins[i] = True
        else:
            bullet_paragraph = _BULLET.match(line) is not None
    return Layout.BLOCKS, joins


def wrap_width(lines: Sequence[str]) -> int:
    """The longest line that is not an outlier: the column a hard-wrapped text was broken at."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if not lengths:
        return 0
    limit = lengths[int(0.9 * (len(lengths) - 1))] * _OUTLIER
    return max(n for n in lengths if n <= limit)


def _looks_wrapped(lines: Sequence[str], inner: list[int], width: int) -> bool:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return False
    breaks = [i for i in inner if not _BULLET.match(lines[i]) and not _BULLET.match(lines[i - 1])]
    if not breaks:
        return False
    full = sum(1 for i in breaks if _full(lines[i - 1], lines[i], width))
    lower = sum(1 for i in breaks if _goes_on_lower(lines[i]))
    return full >= MIN_FULL_SHARE * len(breaks) and lower >= MIN_LOWER_SHARE * len(breaks)


def _continues(above: str, line: str, bullet_paragraph: bool) -> bool:
    """Whether a line may join the one above in a block: not a bullet, not a first-line indent."""
    if _BULLET.match(line):
        return False
    # A deeper indent opens a paragraph, except under a bullet, where it is the item's hanging indent.
    return _indent(line) <= _indent(above) or bullet_paragraph


def _deliberate_break(above: str, line: str, width: int) -> bool:
    """In a wrapped text: whether the line above was ended on purpose (a heading, a sign-off, a list).

    Longer than the wrap width, it is no wrapped line; short with room for this line's first word, it
    was ended by its writer, unless this line goes on in lower case from a line at least half as wide
    (ragged wrapping by hand).
    """
    if len(above.rstrip()) > width:
        return True
    if _full(above, line, width):
        return False
    return not (_goes_on_lower(line) and 2 * len(above.strip()) >= width)


def _full(above: str, line: str, width: int) -> bool:
    """Whether the line above had no room for this line's first word (so a wrapper broke it)."""
    first = line.split(None, 1)[0]
    return len(above.rstrip()) + 1 + len(first) > FULL_RATIO * width


def _goes_on_lower(line: str) -> bool:
    body = line.lstrip(" \t\"'“‘«(")
    return body[:1].islower()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t\u3000"))
