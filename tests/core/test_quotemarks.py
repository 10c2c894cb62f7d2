"""Pairing quotation marks: every style, apostrophes, nesting, unbalanced marks, paragraphs."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotesvc.core.intake import extract
from quotesvc.core.model import Layout, Paragraph, QuotedSpan, Span
from quotesvc.core.quotemarks import CLOSERS, find_quoted_spans
from quotesvc.core.rules import load_rules
from tests.helpers import assert_linear
from tests.texts import WRAPPED_EXAMPLE

ELISIONS = load_rules().elisions  # rules/elisions.jsonl: 'em, 'tis, rock 'n' roll


def paragraphs_of(text: str) -> list[Paragraph]:
    """One paragraph per non-blank line, as plain-text intake builds them."""
    out: list[Paragraph] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            out.append(Paragraph(len(out), Span(pos, pos + len(line)), f"line {line_no}"))
        pos += len(line) + 1
    return out


def quotes_in(text: str) -> list[QuotedSpan]:
    return find_quoted_spans(text, paragraphs_of(text), ELISIONS)


def contents(text: str) -> list[str]:
    return [q.content.of(text) for q in quotes_in(text)]


@pytest.mark.parametrize("text, expected", [
    # every style of mark
    ('The mayor said "the bridge stays open" on Monday.', ["the bridge stays open"]),
    ("“The bridge stays open,” the mayor said.", ["The bridge stays open,"]),
    ("‘The bridge stays open,’ the mayor said.", ["The bridge stays open,"]),
    ("'The bridge stays open,' the mayor said.", ["The bridge stays open,"]),
    ("« Le pont reste ouvert », a dit le maire.", [" Le pont reste ouvert "]),
    ("«Le pont reste ouvert», a dit le maire.", ["Le pont reste ouvert"]),
    ("»Die Brücke bleibt offen«, sagte der Bürgermeister.", ["Die Brücke bleibt offen"]),
    ("„Die Brücke bleibt offen“, sagte der Bürgermeister.", ["Die Brücke bleibt offen"]),
    ("„Most zostaje otwarty”, powiedział burmistrz.", ["Most zostaje otwarty"]),
    ("Er nannte es ‚Unsinn‘ und ging.", ["Unsinn"]),
    ("Il a dit ‹ non › deux fois.", [" non "]),
    ("``The bridge stays open,'' the mayor said.", ["The bridge stays open,"]),
    ("''The bridge stays open,'' the mayor said.", ["The bridge stays open,"]),
    ('She said "yes" and he said "no".', ["yes", "no"]),
    ('("Enough") was all she wrote.', ["Enough"]),
    ("The plan was a ‘lame duck’ from the start.", ["lame duck"]),
    # apostrophes are not marks
    ("I don’t think it's over.", []),
    ("The countries’ leaders met in March.", []),
    ("The countries' leaders met in March.", []),
    ("Fashion from the ’90s is back.", []),
    ("Fashion from the '90s is back.", []),
    ("They played rock ’n’ roll all night.", []),
    ("They played rock 'n' roll all night.", []),
    ("Go and get 'em, said nobody.", []),
    ("Councillor O'Brien voted against.", []),
    ("‘Tis the season for budget cuts.", []),
    # apostrophes inside real quotes stay inside
    ("‘The countries’ leaders met,’ she said.", ["The countries’ leaders met,"]),
    ("'The dogs' owners don't care,' he said.", ["The dogs' owners don't care,"]),
    ("‘I like cats’ she said. ‘And dogs,’ she added.", ["I like cats", "And dogs,"]),
    ("“We loved rock ’n’ roll in the ’90s,” he said.", ["We loved rock ’n’ roll in the ’90s,"]),
    ("'It's a good day,' she said.", ["It's a good day,"]),
    # a closing mark typed after a space is a closer, not an elision: the cue after it stays outside
    ("‘Not tonight, ’ she said, ‘the roads are ice.’", ["Not tonight, ", "the roads are ice."]),
    ("‘Wait ’ he called. ‘Wait for me.’", ["Wait ", "Wait for me."]),
    ("'We were diggin' ' he said, 'all morning.'", ["We were diggin' ", "all morning."]),
    ("'Not tonight, ' she said, 'the roads are ice.'", ["Not tonight, ", "the roads are ice."]),
    ("‘Put ’em back,’ she said.", ["Put ’em back,"]),  # a word joined to it: still an elision
    ("‘They sang of the ’40s ’ she said.", ["They sang of the ’40s "]),
    # nesting: only the outermost quote
    ("“They called it a ‘lame duck’ budget,” she said.", ["They called it a ‘lame duck’ budget,"]),
    ('"He told me \'wait here\' and left," she said.', ["He told me 'wait here' and left,"]),
    ('"He shouted "stop" twice," she said.', ['He shouted "stop" twice,']),
    ("« Il a dit « jamais » hier », a-t-elle dit.", [" Il a dit « jamais » hier "]),
    ("„Er sagte ‚nie‘ dazu“, sagte sie.", ["Er sagte ‚nie‘ dazu"]),
    ("“An inner ‘one never closed,” she said.", ["An inner ‘one never closed,"]),
    # unbalanced marks
    ("A stray” closing mark.", []),
    ("A stray closing mark here\" and there.", []),
    ("“We will never give up.", ["We will never give up."]),
    ("Before “the opening ends the line", ["the opening ends the line"]),
    ("“Doubled marks”” are ignored.", ["Doubled marks"]),
    # empty quotes
    ("An empty “” pair.", []),
    ('An empty "" pair.', []),
    ("A blank “   ” pair.", []),
    ("A trailing mark “", []),
])
def test_pairs(text: str, expected: list[str]) -> None:
    assert contents(text) == expected


def test_marks_and_paragraph_of_a_closed_quote() -> None:
    text = "Intro line.\nShe said “yes” twice."
    [q] = quotes_in(text)
    assert q.open_mark.of(text) == "“" and q.close_mark is not None and q.close_mark.of(text) == "”"
    assert q.content.of(text) == "yes"
    assert q.paragraphs == (1,)


def test_never_closed_ends_at_paragraph_end() -> None:
    text = "“We will never give up.\nThe minister then left."
    [q] = quotes_in(text)
    assert q.close_mark is None
    assert q.content.of(text) == "We will never give up."
    assert q.paragraphs == (0,)


def test_two_paragraph_quote() -> None:
    text = "“We will go on.\n\n“And we will win,” she said."
    [q] = quotes_in(text)
    assert q.content.of(text) == "We will go on.\n\n“And we will win,"
    assert q.open_mark == Span(0, 1)
    assert q.close_mark is not None and q.close_mark.of(text) == "”"
    assert q.paragraphs == (0, 1)


def test_three_paragraph_quote_with_straight_marks() -> None:
    text = '"First part.\n"Second part.\n"Third part," he said.'
    [q] = quotes_in(text)
    assert q.content.of(text) == 'First part.\n"Second part.\n"Third part,'
    assert q.paragraphs == (0, 1, 2)


def test_french_quote_reopened_with_closing_guillemet() -> None:
    text = "« Nous irons.\n» Et nous gagnerons », dit-elle."
    [q] = quotes_in(text)
    assert q.paragraphs == (0, 1)
    assert q.close_mark is not None and q.close_mark.start == text.rindex("»")


def test_unclosed_quote_across_paragraphs_ends_at_last_one() -> None:
    text = "“We will go on.\n“And on.\nNobody answered."
    [q] = quotes_in(text)
    assert q.close_mark is None
    assert q.content.of(text) == "We will go on.\n“And on."
    assert q.paragraphs == (0, 1)


def test_quote_followed_by_unrelated_quote_paragraph() -> None:
    text = "“We are done,” she said.\n“We are not,” he replied."
    assert [(q.content.of(text), q.paragraphs) for q in quotes_in(text)] == [
        ("We are done,", (0,)), ("We are not,", (1,))]


@pytest.mark.parametrize("text, without, expected", [
    ("Go and get 'em, said nobody.", "em", ["em, said nobody."]),  # an opening mark never closed
    ("They played rock 'n' roll all night.", "n", ["n"]),
])
def test_elisions_are_the_rule_files(text: str, without: str, expected: list[str]) -> None:
    assert contents(text) == []
    fewer = tuple(e for e in ELISIONS if e.word != without)
    assert [q.content.of(text) for q in find_quoted_spans(text, paragraphs_of(text), fewer)] == expected


def test_a_sentence_start_elision_is_elided_capitalised_too() -> None:
    assert contents("He said 'Twas a long night' and left.") == []
    lower_only = tuple(dataclasses.replace(e, sentence_start=False) for e in ELISIONS)
    text = "He said 'Twas a long night' and left."
    assert [q.content.of(text) for q in find_quoted_spans(text, paragraphs_of(text), lower_only)] == [
        "Twas a long night"]


def test_quote_followed_by_unrelated_paragraph() -> None:
    text = "“We are done,” she said.\nThe vote is on Friday."
    assert [(q.content.of(text), q.paragraphs) for q in quotes_in(text)] == [("We are done,", (0,))]


def test_text_outside_paragraphs_is_ignored() -> None:
    text = "“Headline quote”\nBody says “hello”."
    body = Paragraph(0, Span(17, len(text)), "line 2")
    assert [q.content.of(text) for q in find_quoted_spans(text, [body], ELISIONS)] == ["hello"]


@pytest.mark.parametrize("text, paragraphs", [
    ("", []),
    ("", [Paragraph(0, Span(0, 0), "line 1")]),
    ("“quote”", []),
    ("“", [Paragraph(0, Span(0, 1), "line 1")]),
    ("abc", [Paragraph(0, Span(0, 50), "past the end")]),
])
def test_degenerate_inputs(text: str, paragraphs: list[Paragraph]) -> None:
    assert find_quoted_spans(text, paragraphs, ELISIONS) == []


@pytest.mark.parametrize("text", [
    '"' * 100_000,
    "“" * 50_000,
    "'" * 100_000,
    "«" * 50_000 + "»" * 50_000,
    "“a " * 50_000,
    "« »" * 30_000,
    "‘the dogs’ bowls " * 10_000,
    "“a\n" * 20_000,
])
def test_many_unbalanced_marks_keep_the_invariants(text: str) -> None:
    # Pairing is linear (see quotemarks.py); a quadratic pass would take hours on these, not fail an assertion.
    _check_invariants(text, paragraphs_of(text), quotes_in(text))


@pytest.mark.parametrize("unit", ['"', "“", "'", "«»", "“a ", "« »", "‘the dogs’ bowls ", "“a\n"])
def test_pairing_grows_linearly(unit: str) -> None:
    # Executed lines counted, not seconds: the same on any machine, however loaded.
    assert_linear(quotes_in, lambda n: unit * n, 1_000)


def _check_invariants(text: str, paragraphs: list[Paragraph], quotes: list[QuotedSpan]) -> None:
    by_index = {p.index: p for p in paragraphs}
    previous_end = 0
    for q in quotes:
        assert 0 <= q.content.start <= q.content.end <= len(text)
        assert q.paragraphs and list(q.paragraphs) == sorted(set(q.paragraphs))
        first, last = by_index[q.paragraphs[0]].span, by_index[q.paragraphs[-1]].span
        assert first.contains(q.open_mark)
        assert first.start <= q.content.start and q.content.end <= last.end
        assert q.open_mark.end == q.content.start
        assert q.open_mark.start >= previous_end, "quotes overlap or are out of order"
        previous_end = q.content.end if q.close_mark is None else q.close_mark.end
        content = q.content.of(text)
        assert content.strip()
        open_mark = q.open_mark.of(text)
        assert open_mark in CLOSERS
        assert not content.startswith(open_mark)
        if q.close_mark is not None:
            close_mark = q.close_mark.of(text)
            assert q.close_mark.start == q.content.end
            assert last.contains(q.close_mark)
            assert not content.endswith(close_mark)


_ALPHABET = "ab s \n\n" + "\"“”‘’'«»„‚‹›`"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_random_text_keeps_invariants(text: str) -> None:
    paragraphs = paragraphs_of(text)
    _check_invariants(text, paragraphs, find_quoted_spans(text, paragraphs, ELISIONS))


# --- the shapes plain text arrives in, read into paragraphs by the intake --------------------------

def quotes_read(sent: str) -> list[tuple[str, tuple[int, ...]]]:
    """Each quote's content as the client sent it, and the paragraphs it covers, after plain-text intake."""
    st = extract(sent, "text")
    out = []
    for q in find_quoted_spans(st.text, st.paragraphs, ELISIONS):
        span = q.content if st.origin is None else st.origin.span_to_source(q.content)
        out.append((span.of(sent), q.paragraphs))
    return out


@pytest.mark.parametrize("sent, expected", [
    # a quote over wrapped lines is one quote, its cue on the next line in the same paragraph
    (WRAPPED_EXAMPLE,
     [("We will not stop until the last\nbridge is rebuilt and the ferries\nrun again,", (0,))]),
    # the same with CRLF line ends and curly marks
    ("\u201cThe pier will reopen in the spring once the divers have\r\nchecked every pile,\u201d the "
     "engineer told the board on\r\nTuesday evening, and left before the vote was taken.\r\n",
     [("The pier will reopen in the spring once the divers have\r\nchecked every pile,", (0,))]),
    # news style over wrapped paragraphs: each paragraph reopens the mark, the last one closes it
    ("\u201cWe asked the company for a timetable that works in winter and\nwe have waited since March "
     "for any answer at all.\n\n\u201cNow we will look for another operator for the island\nroute,\u201d "
     "said the councillor, who chairs the transport board.\n",
     [("We asked the company for a timetable that works in winter and\nwe have waited since March for any "
       "answer at all.\n\n\u201cNow we will look for another operator for the island\nroute,", (0, 1))]),
    # first-line indents, no blank lines: two paragraphs, a quote in each
    ('    "Take the early boat," said the captain to the two boys on the\nquay, who had missed it twice.\n'
     '    "We will," they said, though neither of them believed it for a\nmoment, and both went home.\n',
     [("Take the early boat,", (0,)), ("We will,", (1,))]),
    # a wrapped quote that is never closed ends with its paragraph, not at its first line
    ('"The ferry will run all winter and the fares will stay as they\nare until the new lease is signed.\n\n'
     'The board then moved to other business for the rest of the\nevening, and nobody asked about it.\n',
     [("The ferry will run all winter and the fares will stay as they\nare until the new lease is signed.",
       (0,))]),
])
def test_pairs_over_wrapped_lines(sent: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert quotes_read(sent) == expected


@pytest.mark.parametrize("sent, expected", [
    # a table of short lines: inch marks stay unpaired, each row its own paragraph
    ('Board     Width\nOak       10"\nPine      12"\nAsh       8"\n', []),
    # a poem: a quote in its second line is in the second paragraph, the first line's never joins it
    ("The tide comes in across the sand,\n\u201cCome home,\u201d the gulls are crying;\n"
     "The boats are in, the nets are spread,\nAnd all the flags are flying.\n",
     [("Come home,", (1,))]),
    # a poem whose quote opens on one line and is never closed: it ends with that line
    ('The keeper called "Bring in the lamps\nBefore the wind is rising;\nThe night is long, the sea is '
     'strong,\nAnd sunrise past surmising.\n', [("Bring in the lamps", (0,))]),
    # a bullet list: each item its own paragraph; a quote opened in one item does not run into the next
    ('- "Open the pier to small boats in May,\n- keep the fees as they are for residents,"\n'
     '- and ask the ferry company for a winter timetable\n',
     [("Open the pier to small boats in May,", (0,))]),
])
def test_shapes_that_must_not_be_joined(sent: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert extract(sent, "text").layout is Layout.LINES
    assert quotes_read(sent) == expected
