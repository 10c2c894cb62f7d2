"""Quoted spans that are no quotation: titles of works, nicknames, scare quotes.

Each filter answers True to drop the span; order.py says where in the sieve order each one stands.
"""
from __future__ import annotations

import re

from ..cues import tags
from .context import Context, QuoteCase, QuoteFilter

_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+|\n")
_NICKNAME = re.compile(r"(?<![\w.])[A-Z][a-z]+ $")
_NAME_AFTER = re.compile(r" [A-Z][a-z]+\b")


def _is_title_or_name(ctx: Context, case: QuoteCase) -> bool:
    """A short quoted phrase after "the book", "dubbed", "so-called" or in title case names a thing, not speech."""
    text, q, p, words_of = ctx.text, case.quote, ctx.parameters, ctx.rules.words
    content = q.content.of(text).strip().rstrip(",.;:")
    words = content.split()
    if len(words) > p.max_named_phrase_words:
        return False
    if len(words) <= p.max_nickname_words and \
            _NICKNAME.search(text, max(0, q.open_mark.start - p.nickname_lookback), q.open_mark.start) and \
            _NAME_AFTER.match(text, case.end):
        return True  # Marcia "Cia" Price: a nickname between a first name and a surname on one line
    # Only words of the same sentence: "…Huckabee's campaign.\n\n“These guys…”" is no campaign's name.
    window = _SENTENCE_END.split(text[max(0, q.open_mark.start - p.trigger_lookback):q.open_mark.start])[-1]
    before = _WORD.findall(window.lower())
    before = [w for w in before if w not in words_of.title_skip_words and not w.isdigit()][-p.trigger_words:]
    triggers = ctx.rules.non_quote_triggers
    if any(w in triggers for w in before) or " ".join(before) in triggers:
        return True
    lexical = [w for w in words if w.lower().strip(",.") not in words_of.title_minor_words]
    capitalised = sum(1 for w in lexical if w[:1].isupper())
    return (2 <= len(words) <= p.max_title_words and lexical != [] and capitalised == len(lexical)
            and not content.endswith(("!", "?"))
            # “It is,” said Tom: a line with its dialogue tag beside it is speech, however short
            and tags.dialogue_tag(ctx.doc, text, q, ctx.rules) is None)


def _is_phrase(ctx: Context, case: QuoteCase) -> bool:
    """A short quote with no cue of its own, among other words of its paragraph, is a scare quote or a term.

    A short line of dialogue stands alone in its paragraph, and a short sentence after a quote in its
    paragraph goes on with it ("…,” Lyle said. “We may close.”): those stay quotations.
    """
    if not case.short:
        return False
    text, q = ctx.text, case.quote
    para = ctx.layout.paragraph_span(case.first_para)
    alone = not (text[para.start:q.open_mark.start].strip() + text[case.end:para.end].strip())
    follows_a_quote = case.first_para in ctx.last_in_paragraph and _is_sentence(q.content.of(text))
    return not alone and not follows_a_quote


def _is_sentence(words: str) -> bool:
    words = words.strip()
    return words[:1].isupper() and words[-1:] in (".", "!", "?")


title_or_name = QuoteFilter(_is_title_or_name)
phrase = QuoteFilter(_is_phrase)
