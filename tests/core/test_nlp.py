"""The pipeline as loaded: the bounded tokenizer, the token limit, and spaCy's character limit."""
from __future__ import annotations

import pytest

from quotesvc.core.model import Article
from quotesvc.core.nlp import MAX_CHUNK
from quotesvc.core.attributor import Attributor, TooManyTokens


@pytest.mark.parametrize("text", [
    "The mayor said: “We will rebuild the pier.” Nobody (not even her aide) agreed.",
    "See https://example.org/a/very/long/path?with=query&and=more, she wrote on Monday.",
    "",
    "   \n\n  ",
])
def test_bounded_tokenizer_is_spacys_tokenizer_on_ordinary_text(nlp, text):
    assert [t.text for t in nlp.tokenizer(text)] == [t.text for t in nlp.tokenizer.tokenizer(text)]


@pytest.mark.parametrize("text", [
    "\"" * 5_000,
    "“" * 2_000 + "”" * 2_000,
    "He said " + "([{" * 1_000 + " and left.",
    "x" * (MAX_CHUNK + 1),
    "a" * (3 * MAX_CHUNK) + " b " + "\"'" * MAX_CHUNK,
])
def test_long_runs_are_tokenized_in_pieces_keeping_the_text(nlp, text):
    doc = nlp.tokenizer(text)
    assert doc.text == text
    assert all(len(t) <= MAX_CHUNK for t in doc)
    assert "".join(t.text_with_ws for t in doc) == text


def test_long_run_is_cut_only_where_it_is_long(nlp):
    text = "Okafor said “" + "!" * 300 + "” yesterday."
    words = [t.text for t in nlp.tokenizer(text)]
    assert words[:3] == ["Okafor", "said", "“"] and words[-2:] == ["yesterday", "."]


def test_token_limit_refuses_with_the_count(nlp, rules):
    limited = Attributor(nlp, rules, max_tokens=10)
    assert limited.attribute(Article("Okafor said the pier will open.", "text")).quotes is not None
    with pytest.raises(TooManyTokens, match=r"the text has 12 tokens .* the limit is 10"):
        limited.attribute(Article("Okafor said the pier will open in May, she said.", "text"))


def test_text_longer_than_spacys_max_length_is_parsed(nlp, rules):
    # spaCy refuses str input over nlp.max_length (1,000,000); the Attributor hands it a Doc instead.
    text = "“We will open the pier,” Okafor said. " + "x" * nlp.max_length
    result = Attributor(nlp, rules).attribute(Article(text, "text"))
    assert [q.text for q in result.quotes] == ["We will open the pier,"]
