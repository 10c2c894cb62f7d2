"""The HTTP contract: requests are loaded through these schemas, answers dumped through them.

They are also the source of /openapi.json (apispec's MarshmallowPlugin reads them), so a change
here is a change to the published API.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, post_load, pre_dump, pre_load, validate, \
    validates_schema

from .. import __version__
from ..core.model import (Article, Attribution, Layout, LayoutChoice, Options, QuoteKind, Selectors, SpeakerKind,
                          XPathPoint)

ONE_OF_TEXT_HTML = "Give exactly one of 'text' or 'html'."


class StrictBoolean(fields.Boolean):
    """JSON true/false only: marshmallow's Boolean would also take "yes", 1, "off"..."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictFloat(fields.Float):
    """A JSON number only: marshmallow's Float would also take the string "0.5"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


# ---------------------------------------------------------------------------------------- requests


class OptionsSchema(_Strict):
    indirect = StrictBoolean(load_default=True, metadata={"description": "Report indirect (reported) speech too."})
    include_text = StrictBoolean(load_default=False, metadata={
        "description": "Return the text offsets index into even for text input (always returned for HTML)."})
    min_confidence = StrictFloat(load_default=0.0, validate=validate.Range(0.0, 1.0), metadata={
        "description": "Leave out quotes whose confidence is below this."})
    layout = fields.Enum(LayoutChoice, by_value=fields.String, load_default=LayoutChoice.AUTO, metadata={
        "description": "How plain text makes paragraphs: 'lines' (every line is one), 'blocks' (lines are joined "
                       "into blank-line separated paragraphs, as in hard-wrapped text), or 'auto' (decided from the "
                       "text). Ignored for HTML, whose block elements are its paragraphs. meta.layout says which "
                       "was used."})

    @post_load
    def _make(self, data: dict, **kwargs) -> Options:
        return Options(**data)


class QuoteRequestSchema(_Strict):
    """One article: exactly one of `text` or `html`.

    `max_chars` (the MAX_CHARS setting) limits the length of `text`/`html`; it is per instance so the
    generated OpenAPI shows the limit the running service enforces.
    """

    id = fields.String(metadata={"description": "Your identifier for the article; echoed back."})
    text = fields.String(metadata={"description": "The article as plain text. Offsets index into it."})
    html = fields.String(metadata={"description": "The article as HTML; the answer returns the extracted text "
                                                  "that offsets index into."})
    options = fields.Nested(OptionsSchema, load_default=Options)

    def __init__(self, *args, max_chars: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_chars = max_chars
        if max_chars is not None:
            for name in ("text", "html"):  # a new list: the field copies share the declared one
                self.fields[name].validators = [*self.fields[name].validators, validate.Length(max=max_chars)]

    @validates_schema
    def _one_of(self, data: dict, **kwargs) -> None:
        given = [name for name in ("text", "html") if name in data]
        if len(given) != 1:
            raise ValidationError({name: [ONE_OF_TEXT_HTML] for name in (given or ["text", "html"])})

    @post_load
    def _make(self, data: dict, **kwargs) -> Article:
        fmt = "text" if "text" in data else "html"
        return Article(content=data[fmt], fmt=fmt, id=data.get("id"), options=data["options"])


class ItemError:
    """A batch document that broke the schema: its messages, answered in its place in the results."""

    __slots__ = ("messages",)

    def __init__(self, messages: Any) -> None:
        self.messages = messages

    def __repr__(self) -> str:
        return f"ItemError({self.messages!r})"


class DocumentField(fields.Nested):
    """One batch document, loaded like a /v1/quotes body by the QuoteRequestSchema instance it holds; a
    violation becomes an ItemError for that document instead of failing the whole batch."""

    def deserialize(self, value, attr=None, data=None, **kwargs):  # null too, as /v1/quotes would see it
        try:
            return self.nested.load(value)
        except ValidationError as exc:
            return ItemError(exc.messages)


def batch_limit_message(batch_max: int, got: int) -> str:
    return f"At most {batch_max} documents in one batch (QUOTESVC_BATCH_MAX); got {got}."


def batch_chars_message(batch_max_chars: int, got: int) -> str:
    return (f"At most {batch_max_chars} characters of text or HTML in all the documents of one batch together "
            f"(QUOTESVC_BATCH_MAX_CHARS); got {got}. Send them in several batches.")


def batch_chars(documents: list) -> int:
    """The characters of text and HTML in the documents (what parsing them costs grows with it)."""
    return sum(len(d[k]) for d in documents if isinstance(d, dict) for k in ("text", "html")
               if isinstance(d.get(k), str))


class BatchRequestSchema(_Strict):
    """`{"documents": [...]}`, each document exactly a /v1/quotes JSON body, at most `batch_max` of them
    holding at most `batch_max_chars` characters of text and HTML together.

    Loads to a list holding, per document and in order, an Article or an ItemError.
    """

    documents = fields.List(DocumentField(QuoteRequestSchema), required=True, metadata={
        "description": "The articles, each exactly like a /v1/quotes JSON body. Answered in order; a document "
                       "that breaks the schema gets an error in its place, the others are still answered."})

    def __init__(self, *args, max_chars: int | None = None, batch_max: int = 64,
                 batch_max_chars: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.batch_max = batch_max
        self.batch_max_chars = batch_max_chars
        documents = self.fields["documents"]
        documents.inner.nested = QuoteRequestSchema(max_chars=max_chars)
        documents.validators = [*documents.validators, validate.Length(max=batch_max)]  # maxItems in OpenAPI

    @pre_load
    def _limit(self, data: Any, **kwargs) -> Any:
        # Before any document is loaded: an oversized batch is refused whole, cheaply.
        docs = data.get("documents") if isinstance(data, dict) else None
        if isinstance(docs, list) and len(docs) > self.batch_max:
            raise ValidationError({"documents": [batch_limit_message(self.batch_max, len(docs))]})
        if isinstance(docs, list) and self.batch_max_chars is not None:
            total = batch_chars(docs)
            if total > self.batch_max_chars:
                raise ValidationError({"documents": [batch_chars_message(self.batch_max_chars, total)]})
        return data

    @post_load
    def _items(self, data: dict, **kwargs) -> list:
        return data["documents"]


# ----------------------------------------------------------------------------------------- answers


def _type(name: str) -> fields.Constant:
    """A W3C selector's `type`: always `name`, and said so in OpenAPI (a Constant alone has no type there)."""
    return fields.Constant(name, required=True, metadata={"type": "string", "enum": [name]})


HTML_PLACE = ("HTML input: where it is in the HTML as sent. The HTML between `start` and `end`, with its tags "
              "and comments removed and its character references decoded, is the text (up to the white space "
              "and repairs the intake applies). Null for text input, or where the place cannot be known.")


class HtmlSpanSchema(Schema):
    start = fields.Integer(required=True, metadata={"description": "Offset into the HTML as sent (code points)."})
    end = fields.Integer(required=True, metadata={"description": "End offset (exclusive) into the HTML as sent."})


class TextPositionSelectorSchema(Schema):
    type = _type("TextPositionSelector")
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)


class XPathSelectorSchema(Schema):
    type = _type("XPathSelector")
    value = fields.String(required=True, metadata={"description": "XPath of an element."})
    refinedBy = fields.Nested(TextPositionSelectorSchema, required=True, metadata={
        "description": "The point's offset in the element's text content (start == end)."})

    @pre_dump
    def _from_point(self, point: XPathPoint, **kwargs) -> dict[str, Any]:
        return {"value": point.container, "refinedBy": {"start": point.offset, "end": point.offset}}


class RangeSelectorSchema(Schema):
    """W3C RangeSelector; both the model's startSelector/endSelector and hypothes.is' container/offset pairs."""

    type = _type("RangeSelector")
    startContainer = fields.String(attribute="start.container", required=True, metadata={
        "description": "XPath of the element the quote starts in, from /html[1] as a browser parses the HTML."})
    startOffset = fields.Integer(attribute="start.offset", required=True, metadata={
        "description": "Characters (code points) of that element's text content before the quote."})
    endContainer = fields.String(attribute="end.container", required=True)
    endOffset = fields.Integer(attribute="end.offset", required=True)
    startSelector = fields.Nested(XPathSelectorSchema, attribute="start", required=True)
    endSelector = fields.Nested(XPathSelectorSchema, attribute="end", required=True)


class TextQuoteSelectorSchema(Schema):
    type = _type("TextQuoteSelector")
    exact = fields.String(required=True, metadata={"description": "The quote as the document's text has it."})
    prefix = fields.String(required=True, metadata={"description": "Up to 32 characters of text before it."})
    suffix = fields.String(required=True, metadata={"description": "Up to 32 characters of text after it."})


class SelectorsSchema(Schema):
    range = fields.Nested(RangeSelectorSchema, required=True, metadata={
        "description": "W3C Web Annotation RangeSelector."})
    quote = fields.Nested(TextQuoteSelectorSchema, required=True, metadata={
        "description": "W3C Web Annotation TextQuoteSelector."})

    @pre_dump
    def _both(self, selectors: Selectors, **kwargs) -> dict[str, Any]:
        return {"range": selectors, "quote": selectors}


class MentionSchema(Schema):
    text = fields.String(required=True)
    start = fields.Integer(attribute="span.start", required=True)
    end = fields.Integer(attribute="span.end", required=True)
    html = fields.Nested(HtmlSpanSchema, allow_none=True, required=True, metadata={"description": HTML_PLACE})


class SpeakerRefSchema(Schema):
    name = fields.String(allow_none=True, required=True,
                         metadata={"description": "Resolved name of the speaker, when known."})
    mention = fields.Nested(MentionSchema, required=True,
                            metadata={"description": "The mention the attribution rests on (may be a pronoun)."})
    entity = fields.String(allow_none=True, required=True, metadata={"description": "Id of the speaker in `speakers`."})
    kind = fields.Enum(SpeakerKind, by_value=fields.String, required=True)


class CueSchema(Schema):
    text = fields.String(required=True)
    lemma = fields.String(required=True)
    start = fields.Integer(attribute="span.start", required=True)
    end = fields.Integer(attribute="span.end", required=True)
    html = fields.Nested(HtmlSpanSchema, allow_none=True, required=True, metadata={"description": HTML_PLACE})


class QuoteSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "The quote's content, == text[start:end]."})
    start = fields.Integer(attribute="span.start", required=True)
    end = fields.Integer(attribute="span.end", required=True)
    kind = fields.Enum(QuoteKind, by_value=fields.String, required=True)
    speaker = fields.Nested(SpeakerRefSchema, allow_none=True, required=True)
    cue = fields.Nested(CueSchema, allow_none=True, required=True)
    confidence = fields.Float(required=True, validate=validate.Range(0.0, 1.0))
    rule = fields.String(required=True, metadata={"description": "Which rule produced the attribution."})
    html = fields.Nested(HtmlSpanSchema, allow_none=True, required=True, metadata={"description": HTML_PLACE})
    selectors = fields.Nested(SelectorsSchema, allow_none=True, required=True, metadata={
        "description": "HTML input: the quote's place as W3C Web Annotation selectors, for a browser or an "
                       "annotation tool (hypothes.is): put [range, quote] in an annotation's target.selector. "
                       "Null for text input, or where the place cannot be known."})


class SpeakerSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True, required=True)
    kind = fields.Enum(SpeakerKind, by_value=fields.String, required=True)
    titles = fields.List(fields.String(), required=True)
    aliases = fields.List(fields.String(), required=True)
    quotes = fields.List(fields.String(), required=True, metadata={"description": "Ids of the speaker's quotes."})
    role = fields.String(allow_none=True, required=True, metadata={
        "description": "The speaker's role or job title as the article gives it (e.g. 'harbour master'), or null."})
    affiliation = fields.String(allow_none=True, required=True, metadata={
        "description": "The organisation the speaker speaks for (e.g. 'the ferry line'), or null."})


class VersionsSchema(Schema):
    service_version = fields.String(required=True)
    pipeline = fields.String(required=True, metadata={"description": "The spaCy pipeline, e.g. en_core_web_sm."})
    pipeline_version = fields.String(required=True)


class MetaSchema(VersionsSchema):
    elapsed_ms = fields.Float(required=True)
    layout = fields.Enum(Layout, by_value=fields.String, required=True, metadata={
        "description": "How the article was read into paragraphs: 'lines' or 'blocks' for text, 'html' for HTML."})


class QuoteResponseSchema(Schema):
    id = fields.String(allow_none=True, required=True, metadata={"description": "The request's id, or null."})
    text = fields.String(metadata={
        "description": "The text offsets index into. Always present for HTML input; for text input only "
                       "with options.include_text. Absent otherwise."})
    quotes = fields.List(fields.Nested(QuoteSchema), required=True, metadata={"description": "In text order."})
    speakers = fields.List(fields.Nested(SpeakerSchema), required=True)
    meta = fields.Nested(MetaSchema, required=True)

    @pre_dump
    def _flatten(self, a: Attribution, **kwargs) -> dict[str, Any]:
        return {
            "id": a.id, "text": a.text,
            "quotes": sorted(a.quotes, key=lambda q: (q.span.start, q.span.end)),
            "speakers": a.speakers,
            "meta": {"service_version": __version__, "pipeline": a.pipeline,
                     "pipeline_version": a.pipeline_version, "elapsed_ms": a.elapsed_ms,
                     "layout": a.layout},
        }

    @post_dump
    def _omit_absent_text(self, data: dict, **kwargs) -> dict:
        if data.get("text") is None:
            data.pop("text", None)
        return data


# ----------------------------------------------------------------------------- probes and errors


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadySchema(VersionsSchema):
    status = fields.String(required=True)

    class Meta:
        fields = ("status", "service_version", "pipeline", "pipeline_version")


class ErrorBodySchema(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Stable machine-readable code, e.g. validation_error."})
    message = fields.String(required=True)
    details = fields.Dict(required=True, metadata={
        "description": "Extra facts; for validation_error, {'fields': {field: [messages]}}."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


# ------------------------------------------------------------------------------- per-settings instances


@lru_cache(maxsize=8)
def request_schema(max_chars: int) -> QuoteRequestSchema:
    """The request schema for a MAX_CHARS setting (built once per value: schemas are reusable)."""
    return QuoteRequestSchema(max_chars=max_chars)


@lru_cache(maxsize=8)
def batch_schema(max_chars: int, batch_max: int, batch_max_chars: int | None = None) -> BatchRequestSchema:
    """The batch schema for the MAX_CHARS, BATCH_MAX and BATCH_MAX_CHARS settings."""
    return BatchRequestSchema(max_chars=max_chars, batch_max=batch_max, batch_max_chars=batch_max_chars)
