"""Ancestry answers as spaCy's Span.root and Token.ancestors do, for every short span and every pair of words."""
import pytest

from quotesvc.core.sieves.ancestry import Ancestry

TEXTS = [
    "The mayor said the bridge would open in May.",
    "“We will not wait,” the nurse told reporters , adding that talks had failed .",
    "He said she said they said we said you said it rained  \n  again.",
    "Bo said. Al claimed. Cy insisted, “no.” ! ? ...",
    "According to the clerk, the fee — which rose twice — is “fair”; critics disagree.",
    # a chain of cues: one tree many words deep
    " ".join(["Kim said that"] * 40) + " the roof leaked.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_root_as_spacy(nlp, text):
    doc = nlp(text)
    anc = Ancestry(doc)
    for start in range(len(doc)):
        for end in range(start + 1, min(len(doc), start + 12) + 1):
            assert anc.root(start, end) == doc[start:end].root.i, (start, end)
    assert anc.root(0, len(doc)) == doc[:].root.i


@pytest.mark.parametrize("text", TEXTS)
def test_governs_as_ancestors(nlp, text):
    doc = nlp(text)
    anc = Ancestry(doc)
    seen = {True: 0, False: 0}
    for tok in doc:
        above = {a.i for a in tok.ancestors}
        for other in doc:
            got = anc.governs(other.i, tok.i)
            assert got == (other.i in above), (other.i, tok.i)
            seen[got] += 1
    assert seen[True] and seen[False]  # both answers occur: the table tests something
