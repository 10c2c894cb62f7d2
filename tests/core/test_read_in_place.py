"""Answers read in place instead of through spaCy's or str's own walks give theirs: the root of a name
(NameReader._root against Span.root) and the words around a name in a quote (turns.last_word, first_char
against slicing and stripping)."""
import pytest

from quotesvc.core.sieves.turns import first_char, last_word
from quotesvc.core.speakers.names import NameReader

TEXTS = [
    "Defense Secretary Ash Carter said on Monday that Saudi Arabia's Brigadier General Ahmed Asseri would come.",
    "“Yes, Lizzy,” said Mr. Bennet. Oh! Mr. Darcy, you are late , said the Bennet family .",
    "Ann said that Ben said that Cleo said that Dev said that Eve said that it rained  \n  again.",
    "The New York Times and the United Nations — both in New York City — said nothing. ! ?",
]


@pytest.mark.parametrize("text", TEXTS)
def test_root_as_spacy(nlp, rules, text):
    doc = nlp(text)
    reader = NameReader(doc, text, rules)
    several = 0  # spans with several words whose head is outside them: spaCy's own walk answers those
    for start in range(len(doc)):
        for end in range(start + 1, min(len(doc), start + 8) + 1):
            span = doc[start:end]
            assert reader._root(span) == span.root.i, (start, end)
            several += sum(not start <= t.head.i < end for t in span) > 1 and all(t.head.i != t.i for t in span)
    assert several  # the fallback is exercised too
    assert [r for r, _, _, _ in reader.name_ents()] == [e.root.i for e in doc.ents if e.label_ in
                                                         {"PERSON", "ORG", "NORP", "GPE"}]


WORDS = ["", " ", "  \n", "Yes, Lizzy", "oh ", "my dear ", "x", "\t!", "a b  c\n ", "Oh!  ", "—Mr. "]


@pytest.mark.parametrize("before", WORDS)
@pytest.mark.parametrize("after", WORDS)
def test_words_around_as_str(before, after):
    text = "«" + before + "NAME" + after + "»"
    lo, name, hi = 1, 1 + len(before), len(text) - 1
    stripped = text[lo:name].rstrip()
    assert last_word(text, lo, name) == (stripped.rsplit(None, 1)[-1] if stripped else "")
    assert first_char(text, name + 4, hi) == text[name + 4:hi].lstrip()[:1]
    assert last_word(text, name, lo) == "" and first_char(text, hi, name) == ""  # an empty range
