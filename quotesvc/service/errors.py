"""Every error the service answers, in one JSON shape, from one place.

    {"error": {"status": 422, "code": "validation_error", "message": "...", "details": {...}}}

Views raise: werkzeug HTTPExceptions (abort(415), RequestEntityTooLarge, ...), or ApiError for an
answer with details (validation). Anything else is a bug: logged with its traceback, answered as a
bare 500 that shows none of it.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from ..core.intake import IntakeError
from .schemas import ErrorSchema

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "service_unavailable",
}
UNREADABLE_INPUT = "unreadable_input"
UNREADABLE_MESSAGE = "The article cannot be read as text."


_error_schema = ErrorSchema()


class ApiError(HTTPException):
    """An HTTP error with a code and details of our own."""

    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None,
                 code: str | None = None) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code or code_for(status)
        self.details = details or {}


class ValidationFailed(ApiError):
    MESSAGE = "The request does not follow the schema."

    def __init__(self, messages: dict[str, Any] | list[Any]) -> None:
        super().__init__(422, self.MESSAGE, {"fields": messages})


def code_for(status: int) -> str:
    if status in CODES:
        return CODES[status]
    return re.sub(r"\W+", "_", HTTP_STATUS_CODES.get(status, "error")).strip("_").lower()


class TimeBudgetExceeded(ApiError):
    """The request ran past TIME_BUDGET_S (raised from the SIGALRM handler, see budget.time_budget)."""

    def __init__(self, budget_s: float) -> None:
        super().__init__(503, f"The request took longer than its {budget_s:g} s time budget.",
                         {"time_budget_s": budget_s}, code="timeout")


def timeout_error_body(budget_s: float) -> dict[str, Any]:
    """In a batch, the error of each document the time budget left undone."""
    return error_body(503, f"The batch's {budget_s:g} s time budget ran out before this document was done.",
                      {"time_budget_s": budget_s}, "timeout")


def error_body(status: int, message: str, details: dict[str, Any] | None = None,
               code: str | None = None) -> dict[str, Any]:
    """The one error shape, as a dict (a batch answers it per document)."""
    return _error_schema.dump({"error": {"status": status, "code": code or code_for(status),
                                         "message": message, "details": details or {}}})


def validation_error_body(messages: dict[str, Any] | list[Any]) -> dict[str, Any]:
    return error_body(422, ValidationFailed.MESSAGE, {"fields": messages})


def intake_error_body(exc: IntakeError) -> dict[str, Any]:
    return error_body(422, UNREADABLE_MESSAGE, {"reason": str(exc)}, UNREADABLE_INPUT)


def error_response(status: int, message: str, details: dict[str, Any] | None = None,
                   code: str | None = None, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(error_body(status, message, details, code))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        message = InternalServerError.description if status == 500 else (exc.description or exc.name)
    else:
        message = exc.description or exc.name
    # Keep headers such as Allow (405) and Retry-After; the body is ours, so not Content-Type.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if isinstance(exc, ApiError):
        return error_response(status, message, exc.details, exc.error_code, headers)
    return error_response(status, message, headers=headers)


def handle_intake_error(exc: IntakeError) -> Response:
    """Content the schema let through but intake cannot turn into text: the client's input, not a bug."""
    log.info("unreadable input on %s %s: %s", request.method, request.path, exc)
    response = jsonify(intake_error_body(exc))
    response.status_code = 422
    return response


def handle_unexpected(exc: Exception) -> Response:
    log.error("unhandled error on %s %s (request %s)", request.method, request.path, g.get("request_id"),
              exc_info=exc)
    return error_response(500, InternalServerError.description)


def register_error_handlers(app: Flask) -> None:
    """On the app, not the blueprint: 404 and 405 are raised before any blueprint is chosen."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntakeError, handle_intake_error)
    app.register_error_handler(Exception, handle_unexpected)
