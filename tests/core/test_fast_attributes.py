"""The fast stand-ins for spaCy's attribute_ruler and lemmatizer, and the seeded tokenizer cache, give
exactly the token attributes of spaCy's own components.

The sentence table runs always; the PolNeAR comparison runs when ../shared/eval is beside the
repository (evaluation data, never copied here) and is skipped, saying so, when it is not.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.attrs import (DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, IS_PUNCT, IS_SPACE, LEMMA, LOWER, MORPH, NORM,
                         ORTH, POS, SENT_START, SPACY, TAG)
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Token

from quotesvc.core.nlp import load_pipeline
from quotesvc.core.nlp import fast_lemmas
from quotesvc.core.nlp.fast_attributes import (FAST_ATTRIBUTE_RULER, FAST_LEMMATIZER, FastAttributeRuler,
                                               FastLemmatizer, NotConvertible, install)
from quotesvc.core.nlp.fast_lemmas import _TripleMemo

# Every token attribute the attribution reads (the core's token properties and the rules' dependency
# patterns: LEMMA, POS, TAG, DEP, ENT_TYPE, LOWER), and the rest spaCy's Doc.to_array offers.
ATTRS = [ORTH, IDX, SPACY, LOWER, NORM, IS_PUNCT, IS_SPACE, TAG, POS, MORPH, LEMMA, DEP, HEAD, SENT_START,
         ENT_IOB, ENT_TYPE]
ATTR_NAMES = ["ORTH", "IDX", "SPACY", "LOWER", "NORM", "IS_PUNCT", "IS_SPACE", "TAG", "POS", "MORPH", "LEMMA",
              "DEP", "HEAD", "SENT_START", "ENT_IOB", "ENT_TYPE"]
# ../shared beside the repository, as CI has it; QUOTESVC_SHARED names it elsewhere (a git worktree).
SHARED = Path(os.environ.get("QUOTESVC_SHARED") or Path(__file__).resolve().parents[2].parent / "shared")
TRAIN = SHARED / "eval" / "polnear_train.jsonl"
TRAIN_ARTICLES = 300


@pytest.fixture(scope="module")
def stock_nlp():
    """The pipeline with spaCy's own attribute_ruler, lemmatizer and tokenizer cache behaviour."""
    return load_pipeline(fast=False)


def differences(a: Doc, b: Doc, limit: int = 5) -> list[str]:
    if a.text != b.text or len(a) != len(b):
        return [f"texts or token counts differ: {len(a)} vs {len(b)} tokens"]
    x, y = a.to_array(ATTRS), b.to_array(ATTRS)
    out = []
    for i, j in zip(*numpy.nonzero(x != y)):
        out.append(f"token {i} {a[i].text!r}: {ATTR_NAMES[j]} {x[i, j]} vs {y[i, j]}")
        if len(out) == limit:
            break
    return out


def test_the_default_pipeline_runs_the_stand_ins(nlp):
    assert FAST_ATTRIBUTE_RULER in nlp.pipe_names and FAST_LEMMATIZER in nlp.pipe_names
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.disabled)
    # in the originals' place: after the parser, before NER
    names = nlp.pipe_names
    assert names.index("parser") < names.index(FAST_ATTRIBUTE_RULER) < names.index(FAST_LEMMATIZER) < names.index("ner")


# Each line aims at patterns beyond the tag table: contractions and their lemmas, pronoun case by
# dependency, "that" as determiner, pronoun and conjunction, existential "there", auxiliaries,
# indefinite pronouns tagged as nouns, runs of spaces and line breaks, informal spellings.
SENTENCES = [
    "I'd say we're gonna win, but they ain't sure and y'all know it.",
    "Let's go, she said; you gotta believe me, nothin' will stop us.",
    "It was raining, so it seemed that nothing could be done about it.",
    "Those who said that this was easy haven't tried it themselves.",
    "There are two reasons, and there is one excuse: I can't, and I won't.",
    "Did he do it? He did, and he has done it before, had he not?",
    "“We’re not leaving,”  Okafor said.\n\nSomebody asked whether anyone knew.",
    "The mayor, who'd been briefed , told reporters he'll decide once everyone's back.",
    "Ol' Jim c'mon 'em 'nuff doin' goin' somethin' — he's been being difficult.",
    "My, your, his, her, its, our and their: mine, yours, hers, ours, theirs.",
    "Me and him went; us and them stayed; I myself saw you yourselves.",
    "   \n  Leading spaces, then a tab\there and a line\n break.  ",
    "He said the cost -- $4.2 million, or 35% -- was “absurd” (it wasn't).",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_stand_ins_give_spacys_token_attributes(nlp, stock_nlp, text):
    assert differences(stock_nlp(text), nlp(text)) == []


def test_batch_path_gives_the_same_attributes(nlp, stock_nlp):
    fast = list(nlp.pipe(SENTENCES, batch_size=4))
    for text, doc in zip(SENTENCES, fast):
        assert differences(stock_nlp(text), doc) == []


def test_seeded_tokenizer_cache_gives_spacys_tokens(nlp, stock_nlp):
    # A chunk is seeded when met in a second text; the third time round every chunk is from the cache.
    for text in SENTENCES * 3:
        a, b = stock_nlp.tokenizer(text), nlp.tokenizer(text)
        assert [(t.text, t.whitespace_, t.norm_) for t in a] == [(t.text, t.whitespace_, t.norm_) for t in b]


# ------------------------------------------------------------------ the ruler's semantics, pattern by pattern

RULER_PATTERNS = [
    # tag table, later table entries and later patterns replacing earlier ones
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": {"IN": ["NN", "NNS"]}}]], "attrs": {"MORPH": "Foo=Bar"}},
    {"patterns": [[{"LOWER": "pier", "TAG": "NN"}]], "attrs": {"POS": "PROPN", "LEMMA": "Pier"}},
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"LEMMA": "thing"}},  # after the "pier" rule: wins its LEMMA
    # NOT_IN, REGEX, booleans, several alternatives, TEXT
    {"patterns": [[{"DEP": {"NOT_IN": ["det", "punct", ""]}, "TAG": "DT"}]], "attrs": {"POS": "PRON"}},
    {"patterns": [[{"LOWER": {"REGEX": "^op.n"}}], [{"TEXT": "May"}]], "attrs": {"LEMMA": "matched"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "DEP": "dep"}},
    {"patterns": [[{"IS_PUNCT": False, "IS_TITLE": True, "DEP": "nsubj"}]], "attrs": {"MORPH": "Case=Nom"}},
    # several tokens, attributes for the second or the last
    {"patterns": [[{"LOWER": "will"}, {"LOWER": "open"}]], "attrs": {"LEMMA": "OPEN"}, "index": 1},
    {"patterns": [[{"LOWER": "in"}, {}, {"IS_PUNCT": True}]], "attrs": {"POS": "X"}, "index": -2},
    # only spaCy's Matcher runs these: an operator and a comparison
    {"patterns": [[{"LOWER": "the"}, {"POS": "ADJ", "OP": "*"}, {"LOWER": "pier"}]], "attrs": {"LEMMA": "PIER"},
     "index": -1},
    {"patterns": [[{"LENGTH": {">=": 7}}]], "attrs": {"MORPH": "Long=Yes"}},
]
RULER_TEXTS = [
    "Okafor said the new pier will open in May.",
    "That is what she said: the old  pier was opened in 1990 , and this one will open too.",
    "Those piers are all in the bay.\nNobody opens them in winter!",
]


def test_fast_ruler_applies_patterns_as_spacys_ruler_does(stock_nlp):
    ruler = AttributeRuler(stock_nlp.vocab)
    ruler.add_patterns(RULER_PATTERNS)
    fast = FastAttributeRuler(ruler)
    assert "2 by spaCy's Matcher" in fast.summary
    with stock_nlp.select_pipes(enable=["tok2vec", "tagger", "quotesvc_paragraph_breaks", "parser"]):
        parsed = [stock_nlp(t) for t in RULER_TEXTS]
    for doc in parsed:
        expected, got = ruler(doc.copy()), fast(doc.copy())
        assert differences(expected, got) == []
        assert any(t.lemma_ in ("thing", "matched", "OPEN", "PIER") for t in got)  # the patterns did match


def test_fast_ruler_refuses_an_index_outside_a_match_as_spacy_does(stock_nlp):
    ruler = AttributeRuler(stock_nlp.vocab)
    ruler.add([[{"LOWER": "pier"}, {"LOWER": "x", "OP": "?"}]], {"LEMMA": "y"}, index=1)
    doc = stock_nlp("the pier")
    with pytest.raises(ValueError):
        ruler(doc.copy())
    with pytest.raises(ValueError):
        FastAttributeRuler(ruler)(doc.copy())


def test_ruler_setting_extension_attributes_is_kept_with_a_log_line(caplog):
    Token.set_extension("quotesvc_test_mark", default=False, force=True)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "pier"}]], {"_": {"quotesvc_test_mark": True}})
    with caplog.at_level(logging.WARNING, logger="quotesvc"):
        assert install(nlp) == []
    assert nlp.pipe_names == ["attribute_ruler"]
    assert "'attribute_ruler' kept as it is" in caplog.text and "not only POS" in caplog.text
    assert nlp("the pier")[1]._.quotesvc_test_mark is True


def test_lemma_memo_is_exact_when_mixes_clash(stock_nlp, monkeypatch):
    # A mix of ORTH alone clashes for every word seen with two parts of speech or morphologies ("that",
    # "her", "'s"): look-ups must still give each (ORTH, POS, MORPH) its own lemma.
    monkeypatch.setattr(_TripleMemo, "mix", classmethod(lambda cls, triples: triples[:, 0].copy()))
    monkeypatch.setattr(fast_lemmas, "_REBUILD_AT", 8)  # arrays rebuilt often,
    monkeypatch.setattr(fast_lemmas, "_MEMO_LIMIT", 60)  # and emptied now and then
    lemmatizer = FastLemmatizer(stock_nlp.get_pipe("lemmatizer"), stock_nlp.make_doc(""))
    # A word first seen as a verb, then (after many other words) as a noun or adjective, lemmatized apart.
    texts = ["I saw her there.", "They left early.", "We are building it.", *SENTENCES,
             "The saw is sharp.", "Take the left lane.", "The building is tall.", *SENTENCES]
    with stock_nlp.select_pipes(disable=["lemmatizer"]):
        docs = [stock_nlp(text) for text in texts]
    for doc in docs:
        expected = stock_nlp.get_pipe("lemmatizer")(doc.copy())
        assert differences(expected, lemmatizer(doc.copy())) == []


def test_lemmatizer_subclass_is_not_converted(stock_nlp):
    class Reader(Lemmatizer):
        """A lemmatizer that may read anything of a token."""

    lemmatizer = Reader(stock_nlp.vocab, model=None, mode="lookup")
    with pytest.raises(NotConvertible, match="may read more"):
        FastLemmatizer(lemmatizer, stock_nlp.make_doc(""))


# ---------------------------------------------------------------------------- PolNeAR train, when present

@pytest.mark.skipif(not TRAIN.is_file(), reason=f"evaluation data not present: {TRAIN} (../shared is beside "
                    "the repository only on the developers' machines and in CI)")
def test_polnear_train_articles_get_identical_token_attributes(nlp, stock_nlp):
    with TRAIN.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line, _ in zip(f, range(TRAIN_ARTICLES))]
    compared = 0
    for text, a, b in zip(texts, stock_nlp.pipe(texts, batch_size=8), nlp.pipe(texts, batch_size=8)):
        assert differences(a, b) == [], f"article {compared}"
        compared += len(a)
    assert compared > 100_000  # a few hundred articles of news
