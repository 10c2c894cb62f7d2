"""The three output tables: their Parquet schemas and the rows one article gives.

The rows say what the service's JSON answer says, flattened: a quote's fields as `/v1/quotes` returns
them (same ids, offsets, order), its speaker and cue as prefixed columns. Every shard writes all three
tables with these fixed schemas, even when empty, so a folder of shards reads as one table.
"""
from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..core.model import Attribution, Quote
from .records import ArticleError, InputArticle

STATUS_OK = "ok"
STATUS_ERROR = "error"

ARTICLES = pa.schema([
    pa.field("id", pa.string(), metadata={"doc": "the article's id (null when it had none)"}),
    pa.field("status", pa.string(), nullable=False, metadata={"doc": "ok or error"}),
    pa.field("error_code", pa.string(), metadata={"doc": "why the article was not attributed (see records.py)"}),
    pa.field("error_message", pa.string()),
    pa.field("format", pa.string(), metadata={"doc": "text or html: the field the content came in"}),
    pa.field("quote_count", pa.int32(), nullable=False),
    pa.field("speaker_count", pa.int32(), nullable=False),
    pa.field("text", pa.string(), metadata={
        "doc": "HTML input only: the text extracted from the HTML, which the quotes' offsets index into"}),
    pa.field("metadata", pa.string(), metadata={"doc": "the input's other fields, as a JSON object"}),
    pa.field("source", pa.string(), nullable=False, metadata={"doc": "the input file"}),
    pa.field("source_offset", pa.int64(), nullable=False, metadata={
        "doc": "JSON Lines: byte offset of the article's line; Parquet: its row number"}),
    pa.field("shard", pa.string(), nullable=False),
])

QUOTES = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("quote_id", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("start", pa.int64(), nullable=False),
    pa.field("end", pa.int64(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("speaker_name", pa.string()),
    pa.field("speaker_mention", pa.string()),
    pa.field("speaker_mention_start", pa.int64()),
    pa.field("speaker_mention_end", pa.int64()),
    pa.field("speaker_entity", pa.string()),
    pa.field("speaker_kind", pa.string()),
    pa.field("cue", pa.string()),
    pa.field("cue_lemma", pa.string()),
    pa.field("cue_start", pa.int64()),
    pa.field("cue_end", pa.int64()),
    pa.field("confidence", pa.float64(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("html_start", pa.int64(), metadata={"doc": "HTML input: where the quote is in the HTML as sent, "
                                                        "when the attributor reports it; else null"}),
    pa.field("html_end", pa.int64()),
])

SPEAKERS = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("speaker_id", pa.string(), nullable=False),
    pa.field("name", pa.string()),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("titles", pa.list_(pa.string()), nullable=False),
    pa.field("aliases", pa.list_(pa.string()), nullable=False),
    pa.field("quote_ids", pa.list_(pa.string()), nullable=False),
    pa.field("role", pa.string()),
    pa.field("affiliation", pa.string()),
])

SCHEMAS: dict[str, pa.Schema] = {"articles": ARTICLES, "quotes": QUOTES, "speakers": SPEAKERS}


class ShardRows:
    """The rows of one shard's three tables, in input order (quotes in text order within an article)."""

    def __init__(self, shard: str, source: str) -> None:
        self.shard = shard
        self.source = source
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}

    def add(self, item: InputArticle, result: Attribution | ArticleError) -> None:
        if isinstance(result, ArticleError):
            self.rows["articles"].append(self._article(item, STATUS_ERROR, result, 0, 0, None))
            return
        assert item.id is not None
        quotes = sorted(result.quotes, key=lambda q: (q.span.start, q.span.end))  # as the service answers
        self.rows["articles"].append(self._article(
            item, STATUS_OK, None, len(quotes), len(result.speakers), result.text if item.fmt == "html" else None))
        self.rows["quotes"].extend(quote_row(item.id, q) for q in quotes)
        self.rows["speakers"].extend({
            "article_id": item.id, "speaker_id": s.id, "name": s.name, "kind": s.kind.value,
            "titles": list(s.titles), "aliases": list(s.aliases), "quote_ids": list(s.quotes),
            "role": s.role, "affiliation": s.affiliation} for s in result.speakers)

    def _article(self, item: InputArticle, status: str, error: ArticleError | None, quotes: int, speakers: int,
                 text: str | None) -> dict[str, Any]:
        return {"id": item.id, "status": status, "error_code": error.code.value if error else None,
                "error_message": error.message if error else None, "format": item.fmt,
                "quote_count": quotes, "speaker_count": speakers, "text": text, "metadata": item.metadata,
                "source": self.source, "source_offset": item.offset, "shard": self.shard}

    def tables(self) -> dict[str, pa.Table]:
        return {name: pa.Table.from_pylist(rows, schema=SCHEMAS[name]) for name, rows in self.rows.items()}


def quote_row(article_id: str, q: Quote) -> dict[str, Any]:
    sp, cue = q.speaker, q.cue
    html = getattr(q, "html", None)  # the quote's range in the HTML as sent, once intake reports one
    return {
        "article_id": article_id, "quote_id": q.id, "text": q.text, "start": q.span.start, "end": q.span.end,
        "kind": q.kind.value,
        "speaker_name": sp.name if sp else None,
        "speaker_mention": sp.mention.text if sp else None,
        "speaker_mention_start": sp.mention.span.start if sp else None,
        "speaker_mention_end": sp.mention.span.end if sp else None,
        "speaker_entity": sp.entity if sp else None,
        "speaker_kind": sp.kind.value if sp else None,
        "cue": cue.text if cue else None, "cue_lemma": cue.lemma if cue else None,
        "cue_start": cue.span.start if cue else None, "cue_end": cue.span.end if cue else None,
        "confidence": q.confidence, "rule": q.rule,
        "html_start": html.start if html is not None else None,
        "html_end": html.end if html is not None else None,
    }
