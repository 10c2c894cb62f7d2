"""The HTTP API: one blueprint of thin views. Reading the body belongs to body.py, the request's
time budget to budget.py, checking to schemas.py, errors to errors.py, the OpenAPI document to
openapi.py, and all language work to the Attributor that create_app loaded."""
from __future__ import annotations

import logging
from functools import wraps
from typing import Callable, Sequence

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from .. import __version__
from ..core.attributor import Attributor
from ..core.intake import IntakeError
from ..core.model import Article, Attribution
from .body import load_or_422, read_article, read_json
from .budget import time_budget
from .errors import ApiError, intake_error_body, validation_error_body
from .observability import observe_attribution
from .openapi import openapi_spec
from .schemas import HealthSchema, ItemError, QuoteResponseSchema, ReadySchema, batch_schema, request_schema
from .settings import Settings

log = logging.getLogger(__name__)

bp = Blueprint("quotesvc", __name__)

_response_schema = QuoteResponseSchema()
_health_schema = HealthSchema()
_ready_schema = ReadySchema()


def current_settings() -> Settings:
    return current_app.extensions["quotesvc.settings"]


def current_attributor() -> Attributor:
    return current_app.extensions["quotesvc"]


def within_budget(view: Callable) -> Callable:
    """Run the view inside the TIME_BUDGET_S budget (see budget.py)."""
    @wraps(view)
    def budgeted(*args, **kwargs):
        with time_budget(current_settings().TIME_BUDGET_S, f"{request.method} {request.path}"):
            return view(*args, **kwargs)
    return budgeted


def log_if_over_budget(attribution: Attribution) -> None:
    """Where no timer could be set (not the main thread), a slow document is at least logged."""
    budget_s = current_settings().TIME_BUDGET_S
    if attribution.elapsed_ms > budget_s * 1000:
        log.warning("document %r took %.0f ms, over the %g s budget", attribution.id, attribution.elapsed_ms, budget_s)


@bp.post("/v1/quotes")
@within_budget
def post_quotes():
    article = read_article(request_schema(current_settings().MAX_CHARS))
    attribution = current_attributor().attribute(article)
    log_if_over_budget(attribution)
    observe_attribution(attribution)
    return jsonify(_response_schema.dump(attribution))


@bp.post("/v1/quotes/batch")
@within_budget
def post_batch():
    """Several articles; the valid ones through one attribute_many (one nlp.pipe), answered in order."""
    if not request.is_json:
        raise UnsupportedMediaType(f"Send the batch as application/json; got {request.mimetype or 'no Content-Type'}.")
    settings = current_settings()
    items = load_or_422(batch_schema(settings.MAX_CHARS, settings.BATCH_MAX), read_json())
    answers = iter(attribute_each([item for item in items if isinstance(item, Article)]))
    results = []
    for item in items:
        if isinstance(item, ItemError):
            results.append(validation_error_body(item.messages))
            continue
        answer = next(answers)
        if isinstance(answer, IntakeError):
            results.append(intake_error_body(answer))
        else:
            log_if_over_budget(answer)
            observe_attribution(answer)
            results.append(_response_schema.dump(answer))
    return jsonify({"results": results})


def attribute_each(articles: Sequence[Article]) -> list[Attribution | IntakeError]:
    """One attribute_many call for all; if intake refuses one, each again alone, so only it fails."""
    attributor = current_attributor()
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
    settings = current_settings()
    return jsonify(openapi_spec(settings.MAX_CHARS, settings.BATCH_MAX))
