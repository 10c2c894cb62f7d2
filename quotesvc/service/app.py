"""The WSGI app factory and the start-up work it does once: settings, logging, the Attributor."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask
from flask_cors import CORS

from ..core.attributor import Attributor
from ..core.nlp import ModelNotFound, load_pipeline
from ..core.rules import RuleError, load_rules
from . import drain, errors, headers, observability, page, views
from .observability import configure_access_log, json_handler
from .settings import ConfigError, Settings, load_settings


class StartupError(RuntimeError):
    """The service cannot start: bad setting, missing spaCy pipeline or bad rule file."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The WSGI app: gunicorn 'quotesvc:create_app()'.

    Settings come from defaults, then QUOTESVC_* environment variables, then `config`. `config` may also
    hold "ATTRIBUTOR", a ready Attributor used instead of loading one (tests; it brings its own
    max_tokens, so MAX_TOKENS does not apply to it), and any Flask setting.
    The pipeline and rules are loaded here, once; a failure raises StartupError.
    """
    config = dict(config or {})
    try:
        settings = load_settings(overrides=config)
    except ConfigError as exc:
        raise StartupError(f"bad setting: {exc}") from exc
    configure_logging(settings)
    attributor = config.pop("ATTRIBUTOR", None) or build_attributor(settings)

    app = Flask("quotesvc")
    app.config.update({k: v for k, v in config.items() if k not in Settings.names()})
    # Werkzeug answers 413 above this, for Content-Length bodies and for chunked ones alike
    # (gunicorn marks its input terminated, so the stream is read through a limit).
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_BODY_BYTES
    app.json.sort_keys = False  # keep the schemas' field order
    app.json.ensure_ascii = False
    app.extensions["quotesvc"] = attributor
    app.extensions["quotesvc.settings"] = settings
    if settings.CORS_ORIGINS:
        # An editor plug-in on another origin calls the API from its page; the review page is same-origin.
        CORS(app, resources={r"/v1/*": {"origins": list(settings.CORS_ORIGINS)}},
             methods=["POST", "OPTIONS"], allow_headers=["Content-Type", "X-Request-ID"],
             expose_headers=["X-Request-ID"], max_age=600)
    errors.register_error_handlers(app)
    observability.init_app(app)
    drain.init_app(app)
    headers.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(page.bp)
    return app


def build_attributor(settings: Settings) -> Attributor:
    """Load the spaCy pipeline and the rules named by `settings`; StartupError says what failed."""
    log = logging.getLogger("quotesvc")
    try:
        rules = load_rules(settings.RULES_DIR)
    except (RuleError, OSError) as exc:
        raise StartupError(f"cannot load rules from {settings.RULES_DIR}: {exc}") from exc
    try:
        nlp = load_pipeline(settings.SPACY_MODEL)
    except ModelNotFound as exc:
        raise StartupError(str(exc)) from exc
    attributor = Attributor(nlp, rules, max_tokens=settings.MAX_TOKENS)
    log.info("loaded pipeline %s %s and rules from %s", attributor.pipeline_name,
             attributor.pipeline_version, settings.RULES_DIR)
    return attributor


def configure_logging(settings: Settings) -> None:
    """Level for the quotesvc loggers; a JSON-lines stderr handler (each record with its request id)
    unless the host (pytest, an embedding app) set up the root logger. The access log always has its own
    (see observability)."""
    logger = logging.getLogger("quotesvc")
    logger.setLevel(settings.LOG_LEVEL)
    if not logging.getLogger().handlers and not logger.handlers:
        logger.addHandler(json_handler())
    configure_access_log()
