"""One input record checked as the service checks a request: an id, exactly one of text or html, within
the limits. What fails becomes an error with a stable code; the other fields are carried as metadata.

The codes are finer than the service's HTTP codes, so an archive's failures can be counted by cause:

| code | the service's answer to the same article |
| --- | --- |
| `invalid_json` | 400 `bad_request` (not a JSON object, not UTF-8, a lone UTF-16 surrogate) |
| `missing_id`, `invalid_id` | the service takes articles without ids; a backfill needs one to key the tables |
| `duplicate_id` | (none: an earlier article of the input has the same id; the first one is attributed) |
| `invalid_content` | 422 `validation_error` (neither or both of text/html, or not a string) |
| `too_long` | 422 `validation_error` (over MAX_CHARS characters) |
| `too_many_tokens` | 422 `unreadable_input` (over MAX_TOKENS tokens) |
| `unreadable_input` | 422 `unreadable_input` (e.g. HTML the parser refuses) |
| `internal_error` | 500 `internal_error` (a bug; the worker logs its traceback) |
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..core.model import Article, InputFormat
from .inputs import RawRecord

CONTENT_FIELDS = ("text", "html")
RESERVED_FIELDS = ("id", *CONTENT_FIELDS)
_SURROGATE = re.compile("[\ud800-\udfff]")


class ErrorCode(str, Enum):
    INVALID_JSON = "invalid_json"
    MISSING_ID = "missing_id"
    INVALID_ID = "invalid_id"
    DUPLICATE_ID = "duplicate_id"
    INVALID_CONTENT = "invalid_content"
    TOO_LONG = "too_long"
    TOO_MANY_TOKENS = "too_many_tokens"
    UNREADABLE_INPUT = "unreadable_input"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True, slots=True)
class ArticleError:
    code: ErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class InputArticle:
    """A record ready for the tables: `article` to attribute, or `error` saying why not."""

    offset: int
    id: str | None
    fmt: InputFormat | None
    metadata: str | None  # the other fields, as a JSON object
    article: Article | None
    error: ArticleError | None


def normalize_id(value: Any) -> tuple[str | None, ArticleError | None]:
    """A string id as given, or an integer's decimal digits (archives keyed by number); anything else is
    an error. The id scan and the worker both call this, so they agree on what is a duplicate."""
    if value is None or value == "":
        return None, ArticleError(ErrorCode.MISSING_ID, "the article has no id")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None, ArticleError(ErrorCode.INVALID_ID,
                                  f"the id must be a string or an integer, not {_type_name(value)}")
    text = str(value)
    if _SURROGATE.search(text):
        return None, ArticleError(ErrorCode.INVALID_ID, "the id holds a lone UTF-16 surrogate, which is not Unicode")
    if not text.strip():
        return None, ArticleError(ErrorCode.MISSING_ID, "the id is blank")
    return text, None


def check(record: RawRecord, max_chars: int) -> InputArticle:
    """Validate one record; never raises."""
    if record.fields is None:
        return InputArticle(record.offset, None, None, None, None,
                            ArticleError(ErrorCode.INVALID_JSON, record.problem or "unreadable record"))
    fields = record.fields
    article_id, id_error = normalize_id(fields.get("id"))
    metadata, meta_error = _metadata(fields)
    given = [name for name in CONTENT_FIELDS if fields.get(name) is not None]
    fmt: InputFormat | None = given[0] if len(given) == 1 else None  # type: ignore[assignment]
    error = id_error or meta_error or _content_error(fields, given, max_chars)
    if error is not None:
        return InputArticle(record.offset, article_id, fmt, metadata, None, error)
    assert fmt is not None and article_id is not None
    return InputArticle(record.offset, article_id, fmt, metadata, Article(fields[fmt], fmt, article_id), None)


def _content_error(fields: dict[str, Any], given: list[str], max_chars: int) -> ArticleError | None:
    if len(given) != 1:
        which = "neither" if not given else "both"
        return ArticleError(ErrorCode.INVALID_CONTENT, f"give exactly one of 'text' or 'html' (got {which})")
    name = given[0]
    content = fields[name]
    if isinstance(content, bytes):
        return ArticleError(ErrorCode.INVALID_CONTENT, f"'{name}' is binary, not a string")
    if not isinstance(content, str):
        return ArticleError(ErrorCode.INVALID_CONTENT, f"'{name}' must be a string, not {_type_name(content)}")
    if _SURROGATE.search(content):
        return ArticleError(ErrorCode.INVALID_JSON,
                            f"'{name}' holds a lone UTF-16 surrogate (a \\ud800-style escape), which is not Unicode")
    if len(content) > max_chars:
        return ArticleError(ErrorCode.TOO_LONG, f"'{name}' has {len(content)} characters; the limit is {max_chars} "
                                                "(QUOTESVC_MAX_CHARS)")
    return None


def _metadata(fields: dict[str, Any]) -> tuple[str | None, ArticleError | None]:
    rest = {k: _finite(v) for k, v in fields.items() if k not in RESERVED_FIELDS}
    if not rest:
        return None, None
    text = json.dumps(rest, ensure_ascii=False, default=_json_value)
    if _SURROGATE.search(text):
        return None, ArticleError(ErrorCode.INVALID_JSON,
                                  "a metadata field holds a lone UTF-16 surrogate, which is not Unicode")
    return text, None


def _finite(value: Any) -> Any:
    """NaN and infinities (Parquet floats) as null: JSON has no token for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json_value(value: Any) -> Any:
    """Parquet values JSON has no type for: dates as ISO 8601, decimals as strings, binary as base64."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", bool: "a boolean", float: "a number", int: "an integer",
            bytes: "binary data"}.get(type(value), type(value).__name__)
