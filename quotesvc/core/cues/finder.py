"""Finding cues (speech verbs, "according to", cue nouns) with their sources and content in a parse.

The relations themselves are data: rules/dependency_patterns.jsonl, run by one CueMatcher.
This module turns the matches into CueMatch objects with character spans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.attrs import DEP, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from .matcher import CueMatcher, DocTree
from ..model import QuotedSpan, Span
from ..quotemarks import QuoteLookup
from ..rules import ContentMode, CueClass, DependencyRule, RuleRole, Rules, WordLists

# Punctuation that never belongs at the edge of reported content (rules/words.jsonl adds connectives:
# content_edge_words). spaCy marks most of it is_punct; these are the marks it may not.
_EDGE_PUNCT = {",", ".", ";", ":", "-", "--", "—", "–", "(", ")", "\"", "'", "“", "”", "‘", "’"}
# Dependents of a cue that say something about its object ("called it a failure", "described her as …").
_PREDICATE_DEPS = {"oprd", "xcomp", "ccomp", "attr"}
# A closing mark (after a comma or a stop) and white space, as before the "he said" of “We will win," he said. "It…”
_MARK_BEFORE = re.compile(r"[,.!?…][\"”’']+\s+$")
_QUOTE_MARKS = set("\"“”„‟«»‹›") | {"''", "``"}
_PRT, _TO = get_string_id("prt"), get_string_id("to")


def _has_quote_mark(doc: Doc, start: int, end: int) -> bool:
    return any(t.text in _QUOTE_MARKS or t.text[:1] in _QUOTE_MARKS for t in doc[max(0, start - 1):end + 1])


@dataclass(frozen=True, slots=True)
class SourceCandidate:
    token: int  # index of the source's head token in the Doc
    rule: DependencyRule


@dataclass(frozen=True, slots=True)
class ContentCandidate:
    fragments: tuple[Span, ...]  # character spans, in order; several when the cue interrupts the content
    rule: DependencyRule


@dataclass(slots=True)
class CueMatch:
    token: int
    lemma: str
    cls: CueClass
    span: Span  # the cue word with its particles ("point out", "called for")
    sources: list[SourceCandidate] = field(default_factory=list)
    contents: list[ContentCandidate] = field(default_factory=list)

    def best_source(self) -> SourceCandidate | None:
        return max(self.sources, key=lambda s: s.rule.confidence, default=None)


def interrupts(doc: Doc, text: str, quote: QuotedSpan, cue: CueMatch) -> bool:
    """Whether a speech cue inside a quote follows a closing mark, with its source: “We will win," he said. "It is…”
    — marks of two styles pair the outer ones, so the interrupting "he said" lands inside one quote."""
    src = cue.best_source()
    if src is None or cue.cls is not CueClass.SPEECH:
        return False
    clause_start = min(cue.span.start, doc[src.token].left_edge.idx)
    return clause_start > quote.content.start + 1 and \
        _MARK_BEFORE.search(text, max(0, clause_start - 8), clause_start) is not None


def sources_outside(doc: Doc, cue: CueMatch, quotes: QuoteLookup) -> CueMatch:
    """The cue with only its sources outside quotation marks: one inside is a parse that ran across the quote,
    never the speaker."""
    # The constructor, not dataclasses.replace (which reads every field's definition per call): once per cue.
    return CueMatch(cue.token, cue.lemma, cue.cls, cue.span,
                    [s for s in cue.sources if quotes.index_at(doc[s.token].idx) is None], cue.contents)


def find_cues(doc: Doc, rules: Rules, matcher: CueMatcher) -> list[CueMatch]:
    """All cue words that have a source or a content, in text order."""
    by_token: dict[int, CueMatch] = {}
    tree = DocTree(doc)
    node_names: dict[int, list[str]] = {}  # per pattern, not per match: a paragraph may hold thousands
    for key, token_ids in matcher(doc, tree):
        rule = rules.dependency_rules[key]
        names = node_names.get(key)
        if names is None:
            names = node_names[key] = [step["RIGHT_ID"] for step in rule.pattern]
        bound = dict(zip(names, token_ids))
        cue = by_token.get(bound["cue"])
        if cue is None:
            cue = by_token[bound["cue"]] = _new_cue(doc[bound["cue"]], tree, rules)
        if rule.role is RuleRole.SOURCE:
            cue.sources.append(SourceCandidate(bound["source"], rule))
        else:
            content = _content(doc, tree, doc[bound["cue"]], doc[bound["content"]], rule, rules.words)
            if content is not None:
                cue.contents.append(content)
    return [by_token[i] for i in sorted(by_token)]


def _new_cue(tok: Token, tree: DocTree, rules: Rules) -> CueMatch:
    lemma = tok.lemma_.lower()
    if tok.lower_ == "according":
        lemma, cls = "according to", CueClass.SPEECH
    else:
        # A word can be in both lexicons ("comment", "claim"); its part of speech decides.
        first, second = (rules.cue_nouns, rules.cue_verbs) if tok.pos_ == "NOUN" else (rules.cue_verbs, rules.cue_nouns)
        cls = first.get(lemma) or second.get(lemma)
        if cls is None:
            raise ValueError(f"cue {tok.text!r} matched a pattern but its lemma {lemma!r} is in no cue lexicon")
    end = tok.idx + len(tok)
    # The children from the tree, compared as string ids: tok.rights walks the cue's whole subtree
    # extent, which after "said" in a paragraph of a thousand cues is the rest of the paragraph.
    for child in tree.rights(tok.i):
        if tree.value(child, DEP) == _PRT or (tree.value(child, LOWER) == _TO and lemma == "according to"):
            end = tok.doc[child].idx + len(tok.doc[child])
    return CueMatch(tok.i, lemma, cls, Span(tok.idx, end))


def _content(doc: Doc, tree: DocTree, cue: Token, head: Token, rule: DependencyRule,
             words: WordLists) -> ContentCandidate | None:
    if rule.mode is ContentMode.SUBTREE:
        pieces = [(head.left_edge.i, head.right_edge.i + 1)]
    elif rule.mode in (ContentMode.OBJECT, ContentMode.OBJECT_PREDICATE):
        # "described the deal as “a disaster”", "accused him of lying": the object and what is said of
        # it are one content. After some verbs a bare object is what was said ("denied the charges");
        # after others ("object-predicate": highlighted the decision, expressed his admiration) it
        # names the topic or the medium, so it counts only with a predicate or quoted words.
        end = head.right_edge.i + 1
        for child in map(doc.__getitem__, tree.rights(cue.i)):  # not cue.rights: see _new_cue
            if child.i > head.i and (child.dep_ in _PREDICATE_DEPS or
                                     (child.dep_ == "prep" and child.lower_ in words.said_of_prepositions)):
                end = max(end, child.right_edge.i + 1)
        if rule.mode is ContentMode.OBJECT_PREDICATE and end == head.right_edge.i + 1 and \
                not _has_quote_mark(doc, head.left_edge.i, end):
            return None
        pieces = [(head.left_edge.i, end)]
    else:
        # The cue is inside the content's clause ("The plan, he said, will fail"): the content is the
        # clause minus the cue's own subtree, possibly in two pieces.
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        clo, chi = cue.left_edge.i, cue.right_edge.i + 1
        pieces = [(lo, clo), (chi, hi)]
    def at_edge(tok: Token) -> bool:
        return tok.is_punct or tok.text in _EDGE_PUNCT or tok.lower_ in words.content_edge_words

    fragments = []
    for a, b in pieces:
        while a < b and at_edge(doc[a]):
            a += 1
        while b > a and at_edge(doc[b - 1]):
            b -= 1
        if b - a >= 2:
            fragments.append(Span(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])))
    if not fragments:
        return None
    return ContentCandidate(tuple(fragments), rule)
