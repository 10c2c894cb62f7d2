"""The OpenAPI 3 document GET /openapi.json serves (and docs/openapi.json holds, for the default settings).

Generated from the marshmallow schemas by apispec; written here is only what the schemas cannot say:
the paths, headers, error responses, and the rules that hold across fields.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .. import __version__
from .schemas import ErrorSchema, HealthSchema, QuoteResponseSchema, ReadySchema, batch_schema, request_schema
from .settings import Settings


PLAIN_TEXT = (
    "Every string in an answer is plain text, never markup: quote and speaker text, names, cues, the "
    "extracted `text` and error messages are the characters of the article (or of the request) as they are. "
    "An article may hold `<script>` or, once its HTML entities are decoded, `<img src=x onerror=...>` as text, "
    "and the answer returns it as such. Escape every string for the place you put it (HTML text and "
    "attributes, JavaScript, SQL, logs); never insert one as HTML.")


@lru_cache(maxsize=8)
def openapi_spec(max_chars: int, batch_max: int = Settings.BATCH_MAX,
                 batch_max_chars: int = Settings.BATCH_MAX_CHARS) -> dict[str, Any]:
    """The document for these MAX_CHARS, BATCH_MAX and BATCH_MAX_CHARS settings (the limits it shows)."""
    spec = APISpec(title="quotesvc", version=__version__, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Finds the quotations in a news article and who said them.\n\n"
                                        + PLAIN_TEXT})
    spec.components.schema("QuoteRequestFields", schema=request_schema(max_chars))
    spec.components.schema("QuoteResponse", schema=QuoteResponseSchema)
    spec.components.schema("BatchRequest", schema=batch_schema(max_chars, batch_max, batch_max_chars))
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
    spec.components.header("X-Content-Type-Options", {
        "description": "Always nosniff: a JSON answer is never to be read as HTML or script.", "required": True,
        "schema": {"type": "string", "const": "nosniff"}})
    spec.components.header("Cache-Control", {
        "description": "no-store: an answer concerns one client's article and is kept by no cache.",
        "required": True, "schema": {"type": "string"}})
    # On every answer, errors included.
    headers = {"X-Request-ID": "X-Request-ID", "X-Content-Type-Options": "X-Content-Type-Options",
               "Cache-Control": "Cache-Control"}
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
                       f"{batch_max} documents, or more than {batch_max_chars} characters of text and HTML in all "
                       "the documents together, is a 422 for the whole batch, before any document is parsed. The "
                       "batch shares one time budget: when it runs out, the documents done are answered and each "
                       "of the others gets a 503 `timeout` error in its place.",
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
    _request_variants(document["components"]["schemas"])
    # A batch document that breaks the QuoteRequest schema (any JSON value) is still answered 200, with an
    # error in its place: items are not held to QuoteRequest, or a client would expect a 422 for them.
    document["components"]["schemas"]["BatchRequest"]["properties"]["documents"]["items"] = {"anyOf": [
        {"$ref": "#/components/schemas/QuoteRequest"},
        {"description": "Anything else: answered with a validation_error in its place in the results."}]}
    return document


def _request_variants(schemas: dict[str, Any]) -> None:
    """The schema's "exactly one of text or html" rule, which the marshmallow fields cannot show, as a oneOf
    of two complete objects (TextRequest, HtmlRequest) that code generators turn into typed models."""
    fields = schemas.pop("QuoteRequestFields")
    for name, fmt, other in (("TextRequest", "text", "html"), ("HtmlRequest", "html", "text")):
        properties = {k: v for k, v in fields["properties"].items() if k != other}
        schemas[name] = {"type": "object", "properties": properties, "required": [fmt],
                         "additionalProperties": False,
                         "description": f"One article as {'plain text' if fmt == 'text' else 'HTML'}."}
    schemas["QuoteRequest"] = {
        "description": "One article: exactly one of `text` or `html`.",
        "oneOf": [{"$ref": "#/components/schemas/TextRequest"}, {"$ref": "#/components/schemas/HtmlRequest"}]}
