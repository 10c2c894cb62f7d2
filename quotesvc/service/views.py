"""The HTTP API: one blueprint of thin views. Reading the body belongs to body.py, the request's
time budget to budget.py, checking to schemas.py, errors to errors.py, the OpenAPI document to
openapi.py, and all language work to the Attributor that create_app loaded."""
from __future__ import annotations

import logging
from functools import wraps
from typing import Callable

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from .. import __version__
from ..core.attributor import Attributor
from ..core.intake import IntakeError
from ..core.model import Article, Attribution
from . import drain
from .body import load_or_422, read_article, read_json
from .budget import time_budget
from .errors import ApiError, TimeBudgetExceeded, intake_error_body, timeout_error_body, validation_error_body
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
        with time_budget(drain.budget_s(current_settings().TIME_BUDGET_S), f"{request.method} {request.path}"):
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
def post_batch():
    """Several articles, answered in order, each as it would be alone; read and parsed as a stream.

    The batch shares one time budget. When it runs out, the documents already done are answered and
    each of the others gets a `timeout` error in its place.
    """
    settings = current_settings()
    with time_budget(drain.budget_s(settings.TIME_BUDGET_S), f"{request.method} {request.path}") as budget:
        if not request.is_json:
            raise UnsupportedMediaType(
                f"Send the batch as application/json; got {request.mimetype or 'no Content-Type'}.")
        schema = batch_schema(settings.MAX_CHARS, settings.BATCH_MAX, settings.BATCH_MAX_CHARS)
        items = load_or_422(schema, read_json())
        articles = [item for item in items if isinstance(item, Article)]
        answers: list[Attribution | IntakeError] = []
        try:
            try:
                for answer in current_attributor().attribute_stream(articles):
                    answers.append(answer)
            finally:
                # What is done is answered, however long writing it takes: from here the alarm (which
                # repeats) raises nothing. An attribute store, which runs no signal handler before it.
                budget.armed = False
        except TimeBudgetExceeded:
            log.warning("the batch ran out of its %g s time budget after %d of %d documents",
                        budget.seconds, len(answers), len(articles))
        budget.disarm()
    done = iter(answers)
    results = []
    for item in items:
        if isinstance(item, ItemError):
            results.append(validation_error_body(item.messages))
            continue
        answer = next(done, None)
        if answer is None:
            results.append(timeout_error_body(budget.seconds))
        elif isinstance(answer, IntakeError):
            results.append(intake_error_body(answer))
        else:
            log_if_over_budget(answer)
            observe_attribution(answer)
            results.append(_response_schema.dump(answer))
    return jsonify({"results": results})


@bp.get("/healthz")
def healthz():
    return jsonify(_health_schema.dump({"status": "ok"}))


@bp.get("/readyz")
def readyz():
    if drain.draining():
        return drain.shutting_down_response("The server is shutting down: send no more requests here.")
    attributor = current_app.extensions.get("quotesvc")
    if not isinstance(attributor, Attributor) or attributor.nlp is None or attributor.rules is None:
        raise ApiError(503, "The pipeline or the rules are not loaded.", code="not_ready")
    return jsonify(_ready_schema.dump({
        "status": "ready", "service_version": __version__,
        "pipeline": attributor.pipeline_name, "pipeline_version": attributor.pipeline_version}))


@bp.get("/openapi.json")
def openapi_json():
    settings = current_settings()
    return jsonify(openapi_spec(settings.MAX_CHARS, settings.BATCH_MAX, settings.BATCH_MAX_CHARS))
