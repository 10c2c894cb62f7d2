"""The HTTP API: one blueprint of thin views. Parsing and checking belong to schemas.py, errors to
errors.py, and all language work to the Attributor that create_app loaded."""
from __future__ import annotations

import codecs
import json
import logging
import re
import signal
import threading
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import Any, Callable, Iterator, Sequence

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from .. import __version__
from .settings import Settings
from .errors import ApiError, TimeBudgetExceeded, ValidationFailed, intake_body, validation_body
from ..core.intake import IntakeError
from ..core.model import Article, Attribution
from .observability import observe_attribution
from ..core.attributor import Attributor
from .schemas import (BatchRequestSchema, ErrorSchema, HealthSchema, ItemError, QuoteRequestSchema,
                      QuoteResponseSchema, ReadySchema)

log = logging.getLogger(__name__)

bp = Blueprint("quotesvc", __name__)

# Raw bodies accepted besides JSON, and the request field each becomes.
RAW_MEDIA_TYPES = {"text/plain": "text", "text/html": "html"}

_response_schema = QuoteResponseSchema()
_health_schema = HealthSchema()
_ready_schema = ReadySchema()


def settings() -> Settings:
    return current_app.extensions["quotesvc.settings"]


@lru_cache(maxsize=8)
def request_schema(max_chars: int) -> QuoteRequestSchema:
    return QuoteRequestSchema(max_chars=max_chars)


@lru_cache(maxsize=8)
def batch_schema(max_chars: int, batch_max: int) -> BatchRequestSchema:
    return BatchRequestSchema(max_chars=max_chars, batch_max=batch_max)


# ------------------------------------------------------------------------------------- time budget


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetExceeded (answered 503 `timeout`) in the block once `seconds` have passed.

    A SIGALRM timer (setitimer), so only in the main thread, where Python runs signal handlers:
    gunicorn's sync workers serve requests there. Elsewhere (threaded servers) it does nothing, and
    the view only logs a slow request. The timer is always cancelled and the old handler restored.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TimeBudgetExceeded:
        log.warning("%s %s ran out of its %g s time budget", request.method, request.path, seconds)
        raise
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def within_budget(view: Callable) -> Callable:
    @wraps(view)
    def timed(*args, **kwargs):
        with time_budget(settings().TIME_BUDGET_S):
            return view(*args, **kwargs)
    return timed


# ------------------------------------------------------------------------------------------ bodies


def read_json() -> Any:
    try:
        payload = json.loads(_read_body())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"The body is not valid JSON: {exc}") from None
    return refuse_lone_surrogates(payload)


# A JSON escape such as "\ud800", or a charset such as unicode_escape or utf-7, can give a string holding half
# of a UTF-16 surrogate pair: not a Unicode character, so no answer echoing it could be written as UTF-8 (500).
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def read_article(schema: QuoteRequestSchema) -> Article:
    """The request as an Article: a JSON body, or a raw text/plain or text/html body (id from ?id=)."""
    if request.is_json:
        payload: Any = read_json()
    elif request.mimetype in RAW_MEDIA_TYPES:
        payload = {RAW_MEDIA_TYPES[request.mimetype]: _decoded_body()}
        if "id" in request.args:
            payload["id"] = request.args["id"]
    else:
        accepted = ", ".join(["application/json", *RAW_MEDIA_TYPES])
        raise UnsupportedMediaType(f"Send the article as {accepted}; got {request.mimetype or 'no Content-Type'}.")
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages) from None


def _read_body() -> bytes:
    """The body, never more than MAX_CONTENT_LENGTH bytes of it (413 above)."""
    data = request.get_data(cache=False)  # Werkzeug has already refused a Content-Length over the limit
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(data) >= limit:
        # A body without Content-Length (chunked) is read only up to the limit, and Werkzeug stops
        # there without complaint: one byte more means the client sent too much.
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
    return data


def _decoded_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        info = codecs.lookup(charset)
    except LookupError:
        raise UnsupportedMediaType(f"Unknown charset {charset!r}.") from None
    # Python also registers bytes-to-bytes codecs (base64, zlib, rot13) under codec names; they are not charsets.
    if not getattr(info, "_is_text_encoding", True):
        raise UnsupportedMediaType(f"{charset!r} is not a text encoding.")
    try:
        text = _read_body().decode(charset)
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The body is not valid {charset}: {exc.reason} at byte {exc.start}.") from None
    return refuse_lone_surrogates(text)


def _check_elapsed(attribution: Attribution) -> None:
    """Where no timer could be set (not the main thread), a slow document is at least logged."""
    if attribution.elapsed_ms > settings().TIME_BUDGET_S * 1000:
        log.warning("document %r took %.0f ms, over the %g s budget",
                    attribution.id, attribution.elapsed_ms, settings().TIME_BUDGET_S)


@bp.post("/v1/quotes")
@within_budget
def post_quotes():
    article = read_article(request_schema(settings().MAX_CHARS))
    attribution = current_app.extensions["quotesvc"].attribute(article)
    _check_elapsed(attribution)
    observe_attribution(attribution)
    return jsonify(_response_schema.dump(attribution))


@bp.post("/v1/quotes/batch")
@within_budget
def post_batch():
    """Several articles; the valid ones through one attribute_many (one nlp.pipe), answered in order."""
    if not request.is_json:
        raise UnsupportedMediaType(f"Send the batch as application/json; got {request.mimetype or 'no Content-Type'}.")
    s = settings()
    try:
        items = batch_schema(s.MAX_CHARS, s.BATCH_MAX).load(read_json())
    except ValidationError as exc:
        raise ValidationFailed(exc.messages) from None
    answers = iter(attribute_all([item for item in items if isinstance(item, Article)]))
    results = []
    for item in items:
        if isinstance(item, ItemError):
            results.append(validation_body(item.messages))
            continue
        answer = next(answers)
        if isinstance(answer, IntakeError):
            results.append(intake_body(answer))
        else:
            _check_elapsed(answer)
            observe_attribution(answer)
            results.append(_response_schema.dump(answer))
    return jsonify({"results": results})


def attribute_all(articles: Sequence[Article]) -> list[Attribution | IntakeError]:
    """One attribute_many call for all; if intake refuses one, each again alone, so only it fails."""
    attributor = current_app.extensions["quotesvc"]
    if not articles:
        return []
    try:
        return attributor.attribute_many(articles)
    except IntakeError:
        pass
    results: list[Attribution | IntakeError] = []
    for article in articles:
        try:
            results.append(attributor.attribute_many([article])[0])
        except IntakeError as exc:
            results.append(exc)
    return results


@bp.get("/healthz")
def healthz():
    return jsonify(_health_schema.dump({"status": "ok"}))


@bp.get("/readyz")
def readyz():
    attributor = current_app.extensions.get("quotesvc")
    if not isinstance(attributor, Attributor) or attributor.nlp is None or attributor.rules is None:
        raise ApiError(503, "The pipeline or the rules are not loaded.", code="not_ready")
    return jsonify(_ready_schema.dump({
        "status": "ready", "service_version": __version__,
        "pipeline": attributor.pipeline_name, "pipeline_version": attributor.pipeline_version}))


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_spec(settings().MAX_CHARS, settings().BATCH_MAX))


@lru_cache(maxsize=8)
def openapi_spec(max_chars: int, batch_max: int = Settings.BATCH_MAX) -> dict[str, Any]:
    spec = APISpec(title="quotesvc", version=__version__, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Finds the quotations in a news article and who said them."})
    # The schema's "exactly one of text or html" rule, which the marshmallow fields cannot show.
    spec.components.schema("QuoteRequest", component={"oneOf": [{"required": ["text"]}, {"required": ["html"]}]},
                           schema=request_schema(max_chars))
    spec.components.schema("QuoteResponse", schema=QuoteResponseSchema)
    spec.components.schema("BatchRequest", schema=batch_schema(max_chars, batch_max))
    spec.components.schema("BatchResponse", component={
        "type": "object", "required": ["results"], "properties": {"results": {
            "type": "array", "description": "One per document, in order: its answer, or its error.",
            "items": {"oneOf": [{"$ref": "#/components/schemas/QuoteResponse"},
                                {"$ref": "#/components/schemas/Error"}]}}}})
    spec.components.schema("Health", schema=HealthSchema)
    spec.components.schema("Ready", schema=ReadySchema)
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.header("X-Request-ID", {
        "description": "The request's id: the one it sent if valid, else a new uuid4 hex.", "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"}})
    headers = {"X-Request-ID": "X-Request-ID"}  # on every answer, errors included
    spec.components.response("Error", {"description": "An error, in the one error shape.", "headers": headers,
                                       "content": {"application/json": {"schema": "Error"}}})
    raw = {"schema": {"type": "string", "maxLength": max_chars}}
    # What POST /v1/quotes and /v1/quotes/batch can answer (not 404: the route exists).
    errors = {str(status): "Error" for status in (400, 413, 415, 422, 500, 503)}
    # Any string is accepted: one that is not 1-128 of [A-Za-z0-9._-] is replaced, not refused.
    request_id = {"in": "header", "name": "X-Request-ID", "required": False, "schema": {"type": "string"},
                  "description": "Your id for the request, returned in the X-Request-ID response header and "
                                 "logged if it is 1 to 128 characters of A-Z a-z 0-9 . _ -; a missing or other "
                                 "one is replaced by a new uuid4 hex."}
    spec.components.parameter("RequestId", "header", request_id)
    spec.path("/v1/quotes", operations={"post": {
        "summary": "Find the quotes in one article and who said them.",
        "parameters": ["RequestId", {"in": "query", "name": "id", "schema": {"type": "string"}, "required": False,
                        "description": "With a raw text/plain or text/html body only: the id to echo back."}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": "QuoteRequest"},
            "text/plain": raw, "text/html": raw}},
        "responses": {"200": {"description": "The quotes and speakers.", "headers": headers,
                              "content": {"application/json": {"schema": "QuoteResponse"}}}, **errors},
    }})
    spec.path("/v1/quotes/batch", operations={"post": {
        "summary": f"Find the quotes in up to {batch_max} articles at once.",
        "description": "Each document is exactly a /v1/quotes JSON body. A document that breaks the schema, or "
                       "cannot be read, gets an error in its place; the others are answered. More than "
                       f"{batch_max} documents is a 422 for the whole batch.",
        "parameters": ["RequestId"],
        "requestBody": {"required": True, "content": {"application/json": {"schema": "BatchRequest"}}},
        "responses": {"200": {"description": "One result per document, in order.", "headers": headers,
                              "content": {"application/json": {"schema": "BatchResponse"}}}, **errors},
    }})
    spec.path("/healthz", operations={"get": {
        "summary": "The process is up.",
        "responses": {"200": {"description": "Up.", "headers": headers,
                              "content": {"application/json": {"schema": "Health"}}}}}})
    spec.path("/readyz", operations={"get": {
        "summary": "The pipeline and rules are loaded.",
        "responses": {"200": {"description": "Ready.", "headers": headers,
                              "content": {"application/json": {"schema": "Ready"}}},
                      "503": "Error"}}})
    spec.path("/metrics", operations={"get": {
        "summary": "Prometheus metrics: requests by route and status, latency, pipeline time, quotes per article.",
        "responses": {"200": {"description": "Prometheus text exposition format.", "headers": headers,
                              "content": {"text/plain": {"schema": {"type": "string"}}}}}}})
    spec.path("/openapi.json", operations={"get": {
        "summary": "This document.", "responses": {"200": {
            "description": "OpenAPI 3 document.", "headers": headers,
            "content": {"application/json": {"schema": {"type": "object"}}}}}}})
    document = spec.to_dict()
    # A batch document that breaks the QuoteRequest schema (any JSON value) is still answered 200, with an
    # error in its place: items are not held to QuoteRequest, or a client would expect a 422 for them.
    document["components"]["schemas"]["BatchRequest"]["properties"]["documents"]["items"] = {"anyOf": [
        {"$ref": "#/components/schemas/QuoteRequest"},
        {"description": "Anything else: answered with a validation_error in its place in the results."}]}
    return document
