"""Plain-text layouts: which lines make a paragraph. Every text here is written for these tests."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotesvc.core.intake import extract
from quotesvc.core.model import Layout, LayoutChoice, SourceText
from tests.texts import WRAPPED_EXAMPLE


def paragraphs_as_sent(st: SourceText, sent: str) -> list[str]:
    """Each paragraph as the client sent it (line breaks and all)."""
    if st.origin is None:
        return [p.span.of(sent) for p in st.paragraphs]
    return [st.origin.span_to_source(p.span).of(sent) for p in st.paragraphs]


def read(sent: str, choice: LayoutChoice = LayoutChoice.AUTO) -> tuple[Layout, list[str]]:
    st = extract(sent, "text", choice)
    return st.layout, [p.span.of(st.text) for p in st.paragraphs]


WRAPPED_NARROW = WRAPPED_EXAMPLE

WRAPPED_WIDE = (
    "The harbour board met on a wet Thursday in the back room of the old\n"
    "customs house, where the heating has not worked since the floods and\n"
    "the minutes are still typed on a machine older than most members.\n"
    "\n"
    "Its chair, Tomas Berg, opened by reading a letter from the ferry\n"
    "company, which wants a longer lease and a new slipway before winter\n"
    "comes, and then asked the treasurer whether the reserve would cover\n"
    "either of them.\n")

INDENTED = (
    "    The ferry left at dawn with forty passengers and a cargo of\n"
    "timber bound for the islands, three hours late because of fog.\n"
    "    By noon the wind had turned, and the captain, who had sailed\n"
    "the route for twenty years, ordered everyone below the deck.\n")

WITH_HEADING = (
    "Harbour Report\n"
    "The board has approved the new slipway after a long debate about\n"
    "its cost, which the treasurer put at twice the figure given in May,\n"
    "and about who should pay for the dredging that must come first.\n"
    "\n"
    "Members will vote on the lease in the autumn, once the company has\n"
    "answered the questions the harbour master sent.\n"
    "\n"
    "Until then the old slipway stays open, though boats over ten metres\n"
    "must book a slot with the office, and nobody may leave a trailer on\n"
    "the quay overnight.\n"
    "Signed,\n"
    "The Secretary\n")

WITH_BULLETS = (
    "The board asked the ferry company for three things before it would\n"
    "sign any lease with it for the coming years of service:\n"
    "- a timetable that keeps the early boat running in every month of\n"
    "  the year, winter included,\n"
    "- a new slipway,\n"
    "- fares frozen until the end of the lease.\n")

SHORT_TABLE = (
    "Boat        Seats   Crew\n"
    "Osprey      120     4\n"
    "Heron       80      3\n"
    "Tern        40      2\n")

POEM = (
    "The tide comes in across the sand,\n"
    "It takes the prints we left by hand;\n"
    "The gulls go wheeling overhead,\n"
    "And all the boats are tucked in bed.\n"
    "\n"
    "Tomorrow we will come again\n"
    "To write our names before the rain.\n")

BULLET_LIST = (
    "- check the moorings before the storm arrives at the harbour mouth\n"
    "- move the small boats to the inner basin and tie them double\n"
    "- close the fuel dock and lock the pump house until further notice\n")

NEWS_LINES = (
    "Council backs harbour plan after a long night of debate over costs and the future of the old pier.\n"
    "The council voted seven to two on Tuesday to fund the new slipway.\n"
    "\u201cIt is a good day for the town,\u201d said the mayor, who had campaigned for the plan since spring.\n"
    "Opponents said the cost was too high.\n")

NEWS_BLANK_LINES = NEWS_LINES.replace("\n", "\n\n")


@pytest.mark.parametrize("sent, expected", [
    (WRAPPED_NARROW, [
        '"We will not stop until the last bridge is rebuilt and the ferries run again," the mayor, Ana Ruiz, '
        'said on Monday.',
        "She added that the city would borrow the money."]),
    (WRAPPED_WIDE, [
        "The harbour board met on a wet Thursday in the back room of the old customs house, where the heating "
        "has not worked since the floods and the minutes are still typed on a machine older than most members.",
        "Its chair, Tomas Berg, opened by reading a letter from the ferry company, which wants a longer lease and "
        "a new slipway before winter comes, and then asked the treasurer whether the reserve would cover either "
        "of them."]),
    (WRAPPED_WIDE.replace("\n", "\r\n"), [
        "The harbour board met on a wet Thursday in the back room of the old customs house, where the heating "
        "has not worked since the floods and the minutes are still typed on a machine older than most members.",
        "Its chair, Tomas Berg, opened by reading a letter from the ferry company, which wants a longer lease and "
        "a new slipway before winter comes, and then asked the treasurer whether the reserve would cover either "
        "of them."]),
    (INDENTED, [
        "The ferry left at dawn with forty passengers and a cargo of timber bound for the islands, three hours "
        "late because of fog.",
        "By noon the wind had turned, and the captain, who had sailed the route for twenty years, ordered "
        "everyone below the deck."]),
    (WITH_HEADING, [
        "Harbour Report",
        "The board has approved the new slipway after a long debate about its cost, which the treasurer put at "
        "twice the figure given in May, and about who should pay for the dredging that must come first.",
        "Members will vote on the lease in the autumn, once the company has answered the questions the harbour "
        "master sent.",
        "Until then the old slipway stays open, though boats over ten metres must book a slot with the office, "
        "and nobody may leave a trailer on the quay overnight.",
        "Signed,",
        "The Secretary"]),
    (WITH_BULLETS, [
        "The board asked the ferry company for three things before it would sign any lease with it for the "
        "coming years of service:",
        "- a timetable that keeps the early boat running in every month of   the year, winter included,",
        "- a new slipway,",
        "- fares frozen until the end of the lease."]),
])
def test_wrapped_shapes_are_joined_into_paragraphs(sent: str, expected: list[str]) -> None:
    layout, paragraphs = read(sent)
    assert layout is Layout.BLOCKS
    assert paragraphs == expected


@pytest.mark.parametrize("sent", [SHORT_TABLE, POEM, BULLET_LIST, NEWS_LINES, NEWS_BLANK_LINES,
                                  NEWS_LINES.replace("\n", "\r\n"), "One line only.", ""])
def test_shapes_that_are_not_wrapped_keep_one_paragraph_per_line(sent: str) -> None:
    layout, paragraphs = read(sent)
    assert layout is Layout.LINES
    assert paragraphs == [line.strip() for line in sent.splitlines() if line.strip()]


def test_offsets_index_the_text_as_sent() -> None:
    for sent in (WRAPPED_NARROW, WRAPPED_WIDE.replace("\n", "\r\n"), INDENTED, WITH_BULLETS):
        st = extract(sent, "text")
        assert st.origin is not None and len(st.text) <= len(sent)
        as_sent = paragraphs_as_sent(st, sent)
        # The paragraph as sent is the paragraph read, with its line breaks back in place.
        assert [" ".join(p.split()) for p in as_sent] == [" ".join(p.span.of(st.text).split())
                                                          for p in st.paragraphs]
        assert all(p.strip() == p and p in sent for p in as_sent)


def test_paragraph_sources_name_their_lines() -> None:
    st = extract(WITH_HEADING, "text")
    assert [p.source for p in st.paragraphs] == ["line 1", "lines 2-4", "lines 6-7", "lines 9-11", "line 12",
                                                 "line 13"]


def test_a_quote_read_over_wrapped_lines_reads_them_as_spaces() -> None:
    st = extract(WRAPPED_NARROW, "text")
    assert "\n" not in st.paragraphs[0].span.of(st.text)
    assert st.text.count("\n") == WRAPPED_NARROW.count("\n") - 4  # four breaks inside paragraphs


@pytest.mark.parametrize("choice, sent, expected", [
    (LayoutChoice.LINES, WRAPPED_NARROW, Layout.LINES),
    (LayoutChoice.BLOCKS, POEM, Layout.BLOCKS),
    (LayoutChoice.BLOCKS, NEWS_LINES, Layout.BLOCKS),
    (LayoutChoice.AUTO, WRAPPED_NARROW, Layout.BLOCKS),
])
def test_a_client_can_force_the_layout(choice: LayoutChoice, sent: str, expected: Layout) -> None:
    layout, paragraphs = read(sent, choice)
    assert layout is expected
    if choice is LayoutChoice.LINES:
        assert paragraphs == [line.strip() for line in sent.splitlines() if line.strip()]
    else:
        blocks = [" ".join(block.split("\n")).strip() for block in sent.split("\n\n") if block.strip()]
        assert paragraphs == blocks


def test_forced_blocks_still_separate_bullets_and_indents() -> None:
    assert read(BULLET_LIST, LayoutChoice.BLOCKS)[1] == [line for line in BULLET_LIST.splitlines()]
    assert len(read(INDENTED, LayoutChoice.BLOCKS)[1]) == 2


def test_html_reports_its_own_layout() -> None:
    assert extract("<p>One.</p><p>Two.</p>", "html").layout is Layout.HTML
    # The choice is for plain text; HTML paragraphs are its block elements whatever is asked.
    assert extract("<p>One.</p><p>Two.</p>", "html", LayoutChoice.LINES).layout is Layout.HTML


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb cc", "dd ee ff gg", "\u201cHh ii,\u201d", "", " ", "  jj", "- kk",
                                 "ll mm nn oo pp qq rr ss tt uu vv ww"]), max_size=30),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(list(LayoutChoice)))
def test_any_text_keeps_paragraphs_in_order_and_mapped(lines: list[str], newline: str, choice: LayoutChoice) -> None:
    sent = newline.join(lines)
    st = extract(sent, "text", choice)
    ends = [0] + [p.span.end for p in st.paragraphs]
    assert all(p.span.start >= end and p.span.of(st.text).strip() == p.span.of(st.text)
               for p, end in zip(st.paragraphs, ends))
    assert [p.index for p in st.paragraphs] == list(range(len(st.paragraphs)))
    words = [w for p in st.paragraphs for w in p.span.of(st.text).split()]
    assert words == sent.split()
    for p, as_sent in zip(st.paragraphs, paragraphs_as_sent(st, sent)):
        assert as_sent.split() == p.span.of(st.text).split()


def test_wrapped_lines_do_not_start_sentences(nlp) -> None:
    st = extract(WRAPPED_WIDE, "text")
    doc = nlp(st.text)
    starts = [s.start_char for s in doc.sents]
    assert [p.span.start for p in st.paragraphs] == [s for s in starts if s == 0 or st.text[s - 1] == "\n"]
    line_starts = {i + 1 for i, c in enumerate(WRAPPED_WIDE) if c == "\n"}
    assert not (set(starts) & line_starts - {p.span.start for p in st.paragraphs})
