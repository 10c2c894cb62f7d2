"""What both intakes share: the error, the ftfy settings, and the character classes they clean."""
from __future__ import annotations

import re

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers "sloppy-windows-1252"


class IntakeError(ValueError):
    """The content cannot be turned into text (unknown format, or HTML the parser refuses)."""


# Quotation marks carry meaning here: never straighten them, never fold fullwidth ones to ASCII,
# and never decode entities a second time (BeautifulSoup already did; in plain text "&amp;" is as sent).
HTML_FIX = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_character_width=False, unescape_html=False, fix_line_breaks=False,
    normalization="NFC", explain=False)
# Plain text keeps its length wherever nothing is broken, so no normalisation either.
PLAIN_FIX = HTML_FIX._replace(normalization=None)

FRONT_MATTER = re.compile(r"\A\ufeff?\s*---[ \t]*\r?\n(?:.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
C1 = re.compile(r"[\x80-\x9f]")
# Mojibake always has a character outside ASCII and these (Ã, â, €, Â…): a line of curly quotes and
# dashes, the common case in news, cannot need ftfy, which costs a millisecond an article.
BEYOND_TYPOGRAPHY = re.compile(r"[^\x00-\x7f\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0]")
# A single space-like character (NBSP, thin space) is kept; runs and line-ish whitespace become one space.
WS = re.compile(r"\s{2,}|[\t\n\r\f\v\u2028\u2029]")


def strip_front_matter(content: str) -> str:
    m = FRONT_MATTER.match(content)
    return content[m.end():] if m else content
