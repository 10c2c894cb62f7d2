"""One article in, one Attribution out: the single entry point the HTTP views, the CLI, the batch path and
the tests call. The stages, in the order they run (`_attribute_group`, then `_attribute_parsed`):

intake (HTML or text -> paragraphs) -> tokenize and parse (spaCy) -> quote marks (paired) -> cues (speech
verbs with their sources and contents) -> sieves (who said each quote) -> speakers (mentions resolved to
people) -> the answer (min_confidence applied, offsets in the text or HTML as sent).
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from . import collection, intake, sieves
from .cues.finder import find_cues
from .model import Article, Attribution, Cue, HtmlMap, Mention, Quote, SourceText, Speaker, SpeakerRef
from .nlp import BoundedTokenizer, TokenLimitExceeded, pipeline_label
from .quotemarks import find_quoted_spans
from .rules import Rules
from .speakers.answer import quotes_and_speakers
from .speakers.index import SpeakerIndex
from .speakers.mentions import collect_mentions
from .speakers.names import NameReader


# attribute_stream parses several short documents in one nlp.pipe batch (faster than one each) while
# they hold at most this many characters together; a longer document is parsed alone.
PIPE_CHARS = 64_000


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
        """Attribute several articles through nlp.pipe; results equal one attribute() call each.

        Raises the first IntakeError (TooManyTokens among them) of any article; attribute_stream answers
        each article on its own instead.
        """
        results = list(self.attribute_stream(articles, batch_size))
        for result in results:
            if isinstance(result, intake.IntakeError):
                raise result
        return results  # type: ignore[return-value]

    def attribute_stream(self, articles: Iterable[Article],
                         batch_size: int = 16) -> Iterator[Attribution | intake.IntakeError]:
        """Each article's Attribution, or the IntakeError that refused it, in order, as each is done.

        Articles are read, tokenized and parsed a group at a time, never all at once: a group is one
        article, or several of at most PIPE_CHARS characters together, parsed by one nlp.pipe. So memory
        holds one group's parse (a batch of 25 documents of 200,000 characters drove a worker to 3.2 GB
        when they were all parsed together), and a caller that stops early (a time budget) keeps what
        was done.
        """
        group: list[Article] = []
        chars = 0
        for article in articles:
            size = len(article.content)
            if group and (len(group) >= batch_size or chars + size > PIPE_CHARS):
                yield from self._attribute_group(group)
                group, chars = [], 0
            group.append(article)
            chars += size
        if group:
            yield from self._attribute_group(group)

    def _attribute_group(self, group: list[Article]) -> Iterator[Attribution | intake.IntakeError]:
        t0 = time.perf_counter()
        prepared: list[tuple[Article, SourceText, Doc] | intake.IntakeError] = []
        for article in group:
            try:
                source = intake.extract(article.content, article.fmt, article.options.layout)  # intake
                prepared.append((article, source, self._tokenize(source.text)))  # tokenize
            except intake.IntakeError as exc:
                prepared.append(exc)
        parsed = self.nlp.pipe([p[2] for p in prepared if not isinstance(p, intake.IntakeError)],  # parse
                               batch_size=len(group))
        for item in prepared:
            if isinstance(item, intake.IntakeError):
                yield item
                continue
            article, source, _ = item
            result = self._attribute_parsed(article, source, next(parsed), t0)
            yield result
            t0 = time.perf_counter()

    def attribute_parsed(self, article: Article, doc: Doc) -> Attribution:
        """Attribute an article already parsed elsewhere: `doc` is the parse of its extracted text (the tests
        build Docs by hand, with the words, heads and labels a case needs)."""
        source = intake.extract(article.content, article.fmt, article.options.layout)
        if doc.text != source.text:
            raise ValueError("the Doc's text is not the article's extracted text")
        return self._attribute_parsed(article, source, doc, time.perf_counter())

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

    def _attribute_parsed(self, article: Article, source: SourceText, doc: Doc, t0: float) -> Attribution:
        """The stages after the parse, with the cycle collector held off (collection.py says why)."""
        with collection.paused():
            return self._post_parse(article, source, doc, t0)

    def _post_parse(self, article: Article, source: SourceText, doc: Doc, t0: float) -> Attribution:
        text = source.text
        quoted = find_quoted_spans(text, source.paragraphs, self.rules.elisions)
        cues = find_cues(doc, self.rules, self.matcher)
        # Who is who, resolved once before the sieves ask: every mention they may ask about, in text order.
        names = NameReader(doc, text, self.rules)  # one reader for both: each name is read once
        index = SpeakerIndex(doc, self.rules, text=text, quoted=quoted, names=names,
                             mentions=collect_mentions(doc, text, source.paragraphs, quoted, cues, self.rules, names))
        drafts = sieves.attribute(doc, source, quoted, cues, index, self.rules, article.options)
        quotes, speakers = quotes_and_speakers(text, drafts, index)
        return self._answer(article, source, quotes, speakers, t0)

    def _answer(self, article: Article, source: SourceText, quotes: list[Quote], speakers: list[Speaker],
                t0: float) -> Attribution:
        """The Attribution as answered: quotes under min_confidence left out, offsets in the text as sent."""
        quotes = [q for q in quotes if q.confidence >= article.options.min_confidence]
        # A speaker lists only the quotes answered, and is listed only while it has one.
        kept = {q.id for q in quotes}
        for s in speakers:
            s.quotes = [qid for qid in s.quotes if qid in kept]
        speakers = [s for s in speakers if s.quotes]
        if source.origin is not None:
            quotes = [_to_source(q, source, article.content) for q in quotes]
        if source.html is not None:
            quotes = _placed(quotes, source.html)
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




def _placed(quotes: list[Quote], places: HtmlMap) -> list[Quote]:
    """Give the quotes of HTML input, their speaker mentions and their cues their places in the HTML as sent,
    all mapped together (an HTML page may hold thousands of quotes: one pass for all, not three per quote).
    The quotes are the answer's own, made for this answer, so they are given them in place; the frozen parts
    are built with their constructors: dataclasses.replace reads every field's definition on each call."""
    mentions = [q.speaker.mention.span for q in quotes if q.speaker is not None]
    found = places.spans(mentions + [q.cue.span for q in quotes if q.cue is not None])
    mention_places, cue_places = iter(found[:len(mentions)]), iter(found[len(mentions):])
    for q, (html, selectors) in zip(quotes, places.places([q.span for q in quotes])):
        speaker = q.speaker
        if speaker is not None:
            m = speaker.mention
            speaker = SpeakerRef(speaker.name, Mention(m.span, m.text, next(mention_places)), speaker.entity,
                                 speaker.kind)
        cue = q.cue if q.cue is None else Cue(q.cue.span, q.cue.text, q.cue.lemma, next(cue_places))
        q.speaker, q.cue = speaker, cue
        q.html, q.selectors = html, selectors
    return quotes
