"""The cue matcher's per-document tree (cues/matcher.py DocTree), which finder.py reads a cue's particles from
instead of Token.rights (spaCy walks the token's whole subtree extent for that), and the anchor tests run on
every candidate at once with numpy instead of one row at a time. Both must answer exactly what they replace.
"""
from __future__ import annotations

import pytest

from quotesvc.core.cues.finder import find_cues
from quotesvc.core.cues.matcher import DocTree

TEXTS = [
    "The minister pointed out that the bridge, according to engineers, would hold until spring.",
    "“It is late,” she said to him, and he looked up. “Not yet,” he told reporters, adding that it was early.",
    "Officials called for calm. The mayor, who spoke out on Monday, said nothing.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_doc_tree_children_and_rights_are_spacys(nlp, text: str) -> None:
    doc = nlp(text)
    tree = DocTree(doc)
    for tok in doc:
        assert tree.children(tok.i) == [c.i for c in tok.children]
        assert tree.children(tok.i) == [c.i for c in tok.children]  # kept once asked: the same answer
        assert tree.rights(tok.i) == [c.i for c in tok.rights]


@pytest.mark.parametrize("text, cue_words", [
    ("The minister pointed out that the bridge would hold.", "pointed out"),  # a particle belongs to the cue
    ("According to engineers, the bridge would hold.", "According to"),  # "to" after "according"
    ("She said to him that the bridge would hold.", "said"),  # "to" after another cue is not part of it
    ("He said the bridge would hold.", "said"),
])
def test_a_cue_spans_its_particles(nlp, rules, attributor, text: str, cue_words: str) -> None:
    doc = nlp(text)
    cues = find_cues(doc, rules, attributor.matcher)
    assert [c.span.of(text) for c in cues] == [cue_words]


@pytest.mark.parametrize("text", TEXTS)
def test_anchor_masks_equal_accepts_row_by_row(nlp, attributor, text: str) -> None:
    import numpy
    doc = nlp(text)
    tree = DocTree(doc)
    rows = numpy.arange(len(doc))
    for pattern in attributor.matcher._patterns:
        for node in pattern.nodes:
            for test in node.tests:
                one = type(node)(-1, "", (test,))
                assert test.mask(tree.values, rows).tolist() == [one.accepts(tree.values, i) for i in rows.tolist()]


@pytest.mark.parametrize("text", TEXTS + [
    "“Yes,” she said, “yes,” he told reporters, “no,” they added, and “maybe,” she warned, “later,” he argued.",
])
def test_every_descendant_lies_within_its_ancestors_edges(nlp, text: str) -> None:
    """What direct._governed_by's shortcut rests on: a token outside a cue's left and right edges is not under it."""
    doc = nlp(text)
    pairs = 0
    for tok in doc:
        for a in tok.ancestors:
            assert a.left_edge.i <= tok.i <= a.right_edge.i
            pairs += 1
    assert pairs > 0
