"""Reading a request's body: its size limit, its charset, JSON, and strings that are not Unicode.

Everything here raises werkzeug HTTPExceptions (400, 413, 415) or ValidationFailed (422), which
errors.py answers in the one error shape.
"""
from __future__ import annotations

import codecs
import json
import re
from typing import Any

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from ..core.model import Article
from .errors import ValidationFailed
from .schemas import QuoteRequestSchema

# Raw bodies accepted besides JSON, and the request field each becomes.
RAW_MEDIA_TYPES = {"text/plain": "text", "text/html": "html"}

# A JSON escape such as "\ud800", or a charset such as unicode_escape or utf-7, can give a string holding half
# of a UTF-16 surrogate pair: not a Unicode character, so no answer echoing it could be written as UTF-8 (500).
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_article(schema: QuoteRequestSchema) -> Article:
    """The request as an Article: a JSON body, or a raw text/plain or text/html body (id from ?id=)."""
    if request.is_json:
        payload: Any = read_json()
    elif request.mimetype in RAW_MEDIA_TYPES:
        payload = {RAW_MEDIA_TYPES[request.mimetype]: read_text_body()}
        if "id" in request.args:
            payload["id"] = request.args["id"]
    else:
        accepted = ", ".join(["application/json", *RAW_MEDIA_TYPES])
        raise UnsupportedMediaType(f"Send the article as {accepted}; got {request.mimetype or 'no Content-Type'}.")
    return load_or_422(schema, payload)


def load_or_422(schema, payload: Any) -> Any:
    """`schema.load(payload)`; a violation is a 422 naming the fields."""
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages) from None


def read_json() -> Any:
    """The body parsed as JSON (400 if it is not), holding no lone surrogate (400)."""
    try:
        payload = json.loads(read_body_within_limit())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"The body is not valid JSON: {exc}") from None
    return refuse_lone_surrogates(payload)


def read_text_body() -> str:
    """A raw body decoded with its Content-Type's charset (UTF-8 when none): 415 for an unknown charset
    or a codec that is not one, 400 for bytes that are not valid in it or a lone surrogate."""
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        info = codecs.lookup(charset)
    except LookupError:
        raise UnsupportedMediaType(f"Unknown charset {charset!r}.") from None
    # Python also registers bytes-to-bytes codecs (base64, zlib, rot13) under codec names; they are not charsets.
    if not getattr(info, "_is_text_encoding", True):
        raise UnsupportedMediaType(f"{charset!r} is not a text encoding.")
    try:
        text = read_body_within_limit().decode(charset)
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The body is not valid {charset}: {exc.reason} at byte {exc.start}.") from None
    return refuse_lone_surrogates(text)


def read_body_within_limit() -> bytes:
    """The body, never more than MAX_CONTENT_LENGTH bytes of it (413 above)."""
    data = request.get_data(cache=False)  # Werkzeug has already refused a Content-Length over the limit
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(data) >= limit:
        # A body without Content-Length (chunked) is read only up to the limit, and Werkzeug stops
        # there without complaint: one byte more means the client sent too much.
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
    return data


def refuse_lone_surrogates(value: Any) -> Any:
    """`value` (a decoded body: str, or JSON with its keys), unless a string in it holds a lone surrogate: 400."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                raise BadRequest(f"The body holds a lone UTF-16 surrogate (\\u{ord(found.group()):04x}), "
                                 "which is not a Unicode character.")
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value
