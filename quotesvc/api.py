"""The HTTP API: one blueprint of thin views. Parsing and checking belong to schemas.py, errors to
errors.py, and all language work to the Attributor that create_app loaded."""
from __future__ import annotations

import codecs
import json
import logging
from functools import lru_cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from . import __version__
from .config import Settings
from .errors import ApiError, ValidationFailed
from .model import Article
from .pipeline import Attributor
from .schemas import (ErrorSchema, HealthSchema, QuoteRequestSchema, QuoteResponseSchema, ReadySchema)

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


def read_article(schema: QuoteRequestSchema) -> Article:
    """The request as an Article: a JSON body, or a raw text/plain or text/html body (id from ?id=)."""
    if request.is_json:
        try:
            payload: Any = json.loads(_read_body())
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise BadRequest(f"The body is not valid JSON: {exc}") from None
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
        codecs.lookup(charset)
    except LookupError:
        raise UnsupportedMediaType(f"Unknown charset {charset!r}.") from None
    try:
        return _read_body().decode(charset)
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The body is not valid {charset}: {exc.reason} at byte {exc.start}.") from None


@bp.post("/v1/quotes")
def post_quotes():
    article = read_article(request_schema(settings().MAX_CHARS))
    attribution = current_app.extensions["quotesvc"].attribute(article)
    if attribution.elapsed_ms > settings().TIME_BUDGET_S * 1000:
        log.warning("document %r took %.0f ms, over the %.0f s budget",
                    article.id, attribution.elapsed_ms, settings().TIME_BUDGET_S)
    return jsonify(_response_schema.dump(attribution))


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
    return jsonify(openapi_spec(settings().MAX_CHARS))


@lru_cache(maxsize=8)
def openapi_spec(max_chars: int) -> dict[str, Any]:
    spec = APISpec(title="quotesvc", version=__version__, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Finds the quotations in a news article and who said them."})
    spec.components.schema("QuoteRequest", schema=request_schema(max_chars))
    spec.components.schema("QuoteResponse", schema=QuoteResponseSchema)
    spec.components.schema("Health", schema=HealthSchema)
    spec.components.schema("Ready", schema=ReadySchema)
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.response("Error", {"description": "An error, in the one error shape.",
                                       "content": {"application/json": {"schema": "Error"}}})
    raw = {"schema": {"type": "string", "maxLength": max_chars}}
    errors = {str(status): "Error" for status in (400, 404, 413, 415, 422, 500)}
    spec.path("/v1/quotes", operations={"post": {
        "summary": "Find the quotes in one article and who said them.",
        "parameters": [{"in": "query", "name": "id", "schema": {"type": "string"}, "required": False,
                        "description": "With a raw text/plain or text/html body only: the id to echo back."}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": "QuoteRequest"},
            "text/plain": raw, "text/html": raw}},
        "responses": {"200": {"description": "The quotes and speakers.",
                              "content": {"application/json": {"schema": "QuoteResponse"}}}, **errors},
    }})
    spec.path("/healthz", operations={"get": {
        "summary": "The process is up.",
        "responses": {"200": {"description": "Up.", "content": {"application/json": {"schema": "Health"}}}}}})
    spec.path("/readyz", operations={"get": {
        "summary": "The pipeline and rules are loaded.",
        "responses": {"200": {"description": "Ready.", "content": {"application/json": {"schema": "Ready"}}},
                      "503": "Error"}}})
    spec.path("/openapi.json", operations={"get": {
        "summary": "This document.", "responses": {"200": {"description": "OpenAPI 3 document."}}}})
    return spec.to_dict()
