"""One article in, one Attribution out: intake, parse, quotes, cues, speakers.

This is the single entry point the HTTP views, the CLI, the batch path and the tests call.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from . import intake, quotemarks, sieves
from .model import Article, Attribution, HtmlMap, Quote, SourceText
from .nlp import BoundedTokenizer, TokenLimitExceeded, pipeline_label
from .rules import Rules


class TooManyTokens(intake.IntakeError):
    """The document has more tokens than the attributor accepts."""


class Attributor:
    """Holds the loaded spaCy pipeline and rules; safe to share across requests in one process.

    `max_tokens` bounds the parse, whose time and memory grow with tokens, not characters: a text of
    punctuation marks has five times the tokens of prose of its length. It replaces spaCy's own
    character limit (nlp.max_length), which the Attributor never meets because it tokenizes first.
    """

    def __init__(self, nlp: Language, rules: Rules, max_tokens: int | None = None) -> None:
        self.nlp = nlp
        self.rules = rules
        self.max_tokens = max_tokens
        self.pipeline_name, self.pipeline_version = pipeline_label(nlp)
        self.matcher = rules.compile(nlp.vocab)

    def attribute(self, article: Article) -> Attribution:
        return self.attribute_many([article])[0]

    def attribute_many(self, articles: Sequence[Article], batch_size: int = 16) -> list[Attribution]:
        """Attribute several articles with one nlp.pipe; results equal one attribute() call each."""
        t0 = time.perf_counter()
        sources = [intake.extract(a.content, a.fmt, a.options.layout) for a in articles]
        docs = self.nlp.pipe([self._tokenize(s.text) for s in sources], batch_size=batch_size)
        results = []
        for article, source, doc in zip(articles, sources, docs):
            results.append(self._finish(article, source, doc, t0))
            t0 = time.perf_counter()
        return results

    def _tokenize(self, text: str) -> Doc:
        tokenizer = self.nlp.tokenizer
        if isinstance(tokenizer, BoundedTokenizer):
            # Counted while tokenizing: a refused text is not tokenized to its end first.
            try:
                return tokenizer(text, max_tokens=self.max_tokens)
            except TokenLimitExceeded as exc:
                raise TooManyTokens(str(exc)) from None
        doc = tokenizer(text)
        if self.max_tokens is not None and len(doc) > self.max_tokens:
            raise TooManyTokens(str(TokenLimitExceeded(len(doc), len(text), len(text), self.max_tokens)))
        return doc

    def _finish(self, article: Article, source: SourceText, doc, t0: float) -> Attribution:
        quoted = quotemarks.find_quoted_spans(source.text, source.paragraphs, self.rules.elisions)
        quotes, speakers = sieves.attribute_doc(doc, source, quoted, self.rules, self.matcher, article.options)
        quotes = [q for q in quotes if q.confidence >= article.options.min_confidence]
        # A speaker lists only the quotes answered, and is listed only while it has one.
        kept = {q.id for q in quotes}
        for s in speakers:
            s.quotes = [qid for qid in s.quotes if qid in kept]
        speakers = [s for s in speakers if s.quotes]
        if source.origin is not None:
            quotes = [_to_source(q, source, article.content) for q in quotes]
        if source.html is not None:
            quotes = [_placed(q, source.html) for q in quotes]
        if article.fmt == "html" or article.options.include_text:
            text = source.text if source.origin is None else article.content
        else:
            text = None
        return Attribution(
            id=article.id, text=text, quotes=quotes, speakers=speakers,
            pipeline=self.pipeline_name, pipeline_version=self.pipeline_version,
            elapsed_ms=round((time.perf_counter() - t0) * 1000, 2), layout=source.layout)


def _to_source(q: Quote, source: SourceText, sent: str) -> Quote:
    """Re-express a quote found in repaired text in offsets of the text the client sent."""
    assert source.origin is not None
    m = source.origin
    span = m.span_to_source(q.span)
    speaker = q.speaker
    if speaker is not None:
        ms = m.span_to_source(speaker.mention.span)
        speaker = replace(speaker, mention=replace(speaker.mention, span=ms, text=ms.of(sent)))
    cue = q.cue
    if cue is not None:
        cs = m.span_to_source(cue.span)
        cue = replace(cue, span=cs, text=cs.of(sent))
    return replace(q, span=span, text=span.of(sent), speaker=speaker, cue=cue)




def _placed(q: Quote, places: HtmlMap) -> Quote:
    """Give a quote of HTML input, its speaker mention and its cue their places in the HTML as sent."""
    speaker = q.speaker
    if speaker is not None:
        speaker = replace(speaker, mention=replace(speaker.mention, html=places.span(speaker.mention.span)))
    cue = q.cue if q.cue is None else replace(q.cue, html=places.span(q.cue.span))
    return replace(q, speaker=speaker, cue=cue, html=places.span(q.span), selectors=places.selectors(q.span))
