"""The pipeline as loaded: the bounded tokenizer, the token limit, and spaCy's character limit."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from spacy.tokens import Doc

from quotesvc.core.model import Article
from quotesvc.core.nlp import MAX_CHUNK, BoundedTokenizer, TokenLimitExceeded
from quotesvc.core.nlp import tokenizer as tokenizer_module
from quotesvc.core.nlp.tokenizer import LIMIT_PIECE
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
    # 7 tokens: under the limit, attributed as any article
    assert [(q.text, q.rule) for q in limited.attribute(Article("Okafor said the pier will open.", "text")).quotes] == [
        ("the pier will open", "ccomp/subject")]
    with pytest.raises(TooManyTokens, match=r"the text has 12 tokens .* the limit is 10"):
        limited.attribute(Article("Okafor said the pier will open in May, she said.", "text"))


def test_text_longer_than_spacys_max_length_is_parsed(nlp, rules):
    # spaCy refuses str input over nlp.max_length (1,000,000); the Attributor hands it a Doc instead.
    text = "“We will open the pier,” Okafor said. " + "x" * nlp.max_length
    result = Attributor(nlp, rules).attribute(Article(text, "text"))
    assert [q.text for q in result.quotes] == ["We will open the pier,"]


# ------------------------------------------------------------------------ the limit, while tokenizing


class CountingTokenizer:
    """spaCy's tokenizer, counting the characters it is given."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer, self.chars, self.calls = tokenizer, 0, 0

    def __call__(self, text):
        self.chars += len(text)
        self.calls += 1
        return self.tokenizer(text)


@pytest.mark.parametrize("text", [
    "—" * 200_000,                                  # one run without white space: pieces of MAX_CHUNK
    "— — — — — — — — — —\n" * 10_000,               # white space and lines: pieces of LIMIT_PIECE
    "Yes, she said. No, he said.\n" * 12_000,        # prose
])
def test_a_text_over_the_token_limit_is_refused_before_it_is_all_tokenized(nlp, text):
    counting = CountingTokenizer(nlp.tokenizer.tokenizer)
    with pytest.raises(TokenLimitExceeded) as refused:
        BoundedTokenizer(counting)(text, max_tokens=60_000)
    # At most one piece past the limit is read, not the whole text.
    assert refused.value.counted > 60_000
    assert counting.chars == refused.value.read <= 60_000 * 6 + LIMIT_PIECE
    assert counting.chars < len(text) * 0.75
    assert "more than 60000 tokens" in str(refused.value)


def test_the_attributor_refuses_through_the_counting_tokenizer(nlp, rules, monkeypatch):
    counting = CountingTokenizer(nlp.tokenizer.tokenizer)
    monkeypatch.setattr(nlp.tokenizer, "tokenizer", counting)
    with pytest.raises(TooManyTokens, match="more than 60000 tokens"):
        Attributor(nlp, rules, max_tokens=60_000).attribute(Article("—" * 200_000, "text"))
    assert counting.chars <= 60_000 + MAX_CHUNK


def test_a_text_within_the_limit_is_counted_whole_and_kept(nlp):
    counting = CountingTokenizer(nlp.tokenizer.tokenizer)
    text = "“We will open the pier,” Okafor said.\n" * 500
    doc = BoundedTokenizer(counting, seed_cache=False)(text, max_tokens=len(text) - 1)
    assert doc.text == text and counting.chars == len(text) and counting.calls > 1


_PIECES = st.lists(st.sampled_from(["Okafor", "said", "don't", "U.S.", "“", "”", "\"", "'", "(", ")", ",", ".",
                                    "—", "e-mail", "https://example.org/a?b=c", ":)", "a.m.", "3.5", " ", " ",
                                    "  ", "\n", "\n\n", " \n", "\t"]), max_size=120)


@given(words=_PIECES)
@example(words=["don't said:) )https://example.org/a?b=ce-mail(\",.U.S.\n\nU.S.https://example.org/a?b=c:)U.S.'said:) ',"
                "don't"])  # found by speed12: the special case " " joins words across a space
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_tokenizing_in_pieces_gives_spacys_tokens(nlp, monkeypatch, words):
    # Pieces of a few characters, cut only where spaCy cuts: the tokens, their attributes and the
    # (unset) sentence starts are those of the whole text tokenized at once (runs without white space
    # longer than MAX_CHUNK are cut into MAX_CHUNK pieces either way).
    monkeypatch.setattr(tokenizer_module, "LIMIT_PIECE", 7)
    text = "".join(words)
    whole = nlp.tokenizer(text)
    limit = max(1, len(text) - 1)  # below the length: counted, in pieces
    try:
        pieces = nlp.tokenizer(text, max_tokens=limit)
    except TokenLimitExceeded as exc:
        assert len(whole) > limit and exc.counted > limit  # a token a character: refused, rightly
        return
    # (The first token starts a sentence whatever its flag says; spaCy leaves it unset or sets it.)
    assert [(t.text, t.whitespace_, t.norm_, t.is_sent_start if t.i else 1) for t in pieces] == \
        [(t.text, t.whitespace_, t.norm_, t.is_sent_start if t.i else 1) for t in whole]


def test_pieces_leave_sentence_boundaries_to_the_parser(nlp, monkeypatch):
    monkeypatch.setattr(tokenizer_module, "LIMIT_PIECE", 10)
    text = "The harbour master said on Tuesday that the new pier would open in May next year."
    whole = nlp(nlp.tokenizer.tokenizer(text))
    pieces = nlp(nlp.tokenizer(text, max_tokens=len(text) - 1))
    assert [s.text for s in pieces.sents] == [s.text for s in whole.sents]


# ------------------------------------------------------------------------------- documents as a stream


class RecordingPipeline:
    """The real pipeline, recording the characters of each nlp.pipe batch and when it ran."""

    def __init__(self, nlp, log: list) -> None:
        self.nlp, self.log = nlp, log

    def pipe(self, docs, batch_size):
        docs = list(docs)
        self.log.append(("parse", [len(d.text) for d in docs]))
        return self.nlp.pipe(docs, batch_size=batch_size)

    def __getattr__(self, name):
        return getattr(self.nlp, name)


def test_documents_are_parsed_as_a_stream_in_bounded_groups(nlp, rules, monkeypatch):
    from quotesvc.core import attributor as attributor_module

    monkeypatch.setattr(attributor_module, "PIPE_CHARS", 120)
    log: list = []
    attributor = Attributor(RecordingPipeline(nlp, log), rules)
    texts = ["“We will open the pier,” Okafor said.", "x" * 300, "Ruiz said the ferry would run.",
             "“No,” he said.", "She said it rained.", "“Yes,” said Ana Ruiz."]

    def articles():
        for i, text in enumerate(texts):
            log.append(("read", i))
            yield Article(text, "text")

    results = attributor.attribute_stream(articles())
    first = next(results)
    assert [q.text for q in first.quotes] == ["We will open the pier,"]
    assert ("read", len(texts) - 1) not in log  # the first answer came before the last article was read
    rest = list(results)
    assert len(rest) == len(texts) - 1
    batches = [sizes for what, sizes in log if what == "parse"]
    # Every batch is one document, or several of at most PIPE_CHARS together; all documents parsed once.
    assert all(len(sizes) == 1 or sum(sizes) <= 120 for sizes in batches)
    assert sorted(n for sizes in batches for n in sizes) == sorted(map(len, texts))
    assert [300] in batches and any(len(sizes) > 1 for sizes in batches)


def test_the_stream_answers_a_refused_document_in_its_place(nlp, rules):
    attributor = Attributor(nlp, rules, max_tokens=20)
    texts = ["“We will open the pier,” Okafor said.", "!" * 50, "Ruiz said the ferry would run."]
    results = list(attributor.attribute_stream([Article(t, "text") for t in texts]))
    assert isinstance(results[1], TooManyTokens)
    assert [q.text for q in results[0].quotes] == ["We will open the pier,"]
    assert [q.text for q in results[2].quotes] == ["the ferry would run"]
    with pytest.raises(TooManyTokens):
        attributor.attribute_many([Article(t, "text") for t in texts])


# ------------------------------------------------------------------------- paragraph breaks, at once


class CountingDoc(Doc):
    """A Doc counting the whole-document checks spaCy makes (Token.is_sent_start's setter makes one)."""

    checks = 0

    def has_annotation(self, *args, **kwargs):
        CountingDoc.checks += 1
        return super().has_annotation(*args, **kwargs)


def test_paragraph_breaks_are_set_at_once_not_one_check_of_the_document_per_line(nlp):
    from quotesvc.core.nlp.components import paragraph_breaks

    words = [w for n in range(2_000) for w in ("AB", ":", "yes", "\n")]
    doc = CountingDoc(nlp.vocab, words=words, spaces=[w not in (":", "\n") for w in words])
    CountingDoc.checks = 0
    paragraph_breaks(doc)
    assert CountingDoc.checks <= 2  # not one per line (2,000 lines, each a scan of 8,000 tokens)
    assert [t.i for t in doc if t.is_sent_start] == [0] + [i + 1 for i, w in enumerate(words[:-1]) if w == "\n"]
