"""Public core entries that take an enum refuse anything else, loudly.

The enums are str subclasses compared with `is`, so the string "auto" equals LayoutChoice.AUTO yet matches
no branch: extract("...", "text", "auto") used to read the text as blocks without a word. The edges
(service schemas, CLI) convert strings to members; the core raises TypeError for a non-member.
"""
from __future__ import annotations

import pytest

from quotesvc.core.intake import extract
from quotesvc.core.intake.layout import plan
from quotesvc.core.intake.plain import extract_text
from quotesvc.core.model import Article, Layout, LayoutChoice, Options, require_member

# Two short lines a wrapper would never have broken: read as lines under auto and lines, as one paragraph
# under blocks (the silent wrong answer the string gave).
TEXT = "The ferry leaves at nine.\nThe harbour master said so.\n"

ENTRIES = {
    "extract": lambda layout: extract(TEXT, "text", layout).layout,
    "extract_text": lambda layout: extract_text(TEXT, layout).layout,
    "plan": lambda layout: plan(TEXT.splitlines(), layout)[0],
    "Options": lambda layout: Options(layout=layout).layout,
}


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("value", ["auto", "lines", "blocks", "AUTO", "", None, 0, Layout.LINES])
def test_a_layout_that_is_not_a_layout_choice_is_refused(entry, value):
    with pytest.raises(TypeError, match="LayoutChoice"):
        ENTRIES[entry](value)


@pytest.mark.parametrize("entry", ["extract", "extract_text", "plan"])
@pytest.mark.parametrize("choice, layout", [
    (LayoutChoice.AUTO, Layout.LINES),
    (LayoutChoice.LINES, Layout.LINES),
    (LayoutChoice.BLOCKS, Layout.BLOCKS),
])
def test_each_layout_choice_is_honoured(entry, choice, layout):
    assert ENTRIES[entry](choice) is layout


def test_the_string_would_have_meant_the_member():
    # the refused strings are exactly the members' values: converting at the edge is LayoutChoice(value)
    assert [LayoutChoice(v) for v in ("auto", "lines", "blocks")] == list(LayoutChoice)


@pytest.mark.parametrize("fmt, ok", [("text", True), ("html", True), ("txt", False), ("HTML", False), (None, False)])
def test_an_article_has_one_of_the_two_formats(fmt, ok):
    if ok:
        assert Article("x", fmt).fmt == fmt
    else:
        with pytest.raises(ValueError, match="Article.fmt"):
            Article("x", fmt)


@pytest.mark.parametrize("options, ok", [(Options(), True), ({"layout": "auto"}, False), (None, False)])
def test_an_article_has_options(options, ok):
    if ok:
        assert Article("x", "text", options=options).options is options
    else:
        with pytest.raises(TypeError, match="Article.options"):
            Article("x", "text", options=options)


def test_require_member_returns_the_member():
    assert require_member(LayoutChoice.BLOCKS, LayoutChoice, "layout") is LayoutChoice.BLOCKS
