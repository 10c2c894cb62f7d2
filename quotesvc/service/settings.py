"""Settings: defaults, then QUOTESVC_* environment variables, then an explicit dict (tests, embedding).

Every value is parsed and checked here, once, at start-up; a bad value raises ConfigError naming
the variable, so the service never starts half-configured.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from ..core.nlp import DEFAULT_MODEL
from ..core.rules import default_rules_dir

ENV_PREFIX = "QUOTESVC_"
# Read by gunicorn.conf.py rather than by the app; listed so they are not reported as unknown.
SERVER_ENV = frozenset({"QUOTESVC_BIND", "QUOTESVC_WORKERS"})
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A setting has a value the service cannot run with; the message names the setting."""


def _positive_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    value = int(raw.strip().replace("_", "")) if isinstance(raw, str) else raw
    if not isinstance(value, int) or value <= 0:
        raise ValueError
    return value


def _positive_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError
    value = float(raw) if isinstance(raw, (str, int, float)) else None
    if value is None or not value > 0 or value == float("inf"):
        raise ValueError
    return value


def _nonempty_str(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError
    return raw.strip()


def _directory(raw: Any) -> Path:
    if not isinstance(raw, (str, os.PathLike)) or not str(raw).strip():
        raise ValueError
    return Path(raw).expanduser()


def _log_level(raw: Any) -> str:
    if not isinstance(raw, str) or raw.strip().upper() not in _LOG_LEVELS:
        raise ValueError
    return raw.strip().upper()


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?")


def _origins(raw: Any) -> tuple[str, ...]:
    """A comma-separated list of origins (scheme://host[:port]), or "*" for any; empty for none."""
    if isinstance(raw, str):
        items: list[Any] = raw.split(",")
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise ValueError
    if not all(isinstance(o, str) for o in items):
        raise ValueError
    origins = tuple(o.strip().rstrip("/") for o in items if o.strip())
    if origins != ("*",) and not all(_ORIGIN.fullmatch(o) for o in origins):
        raise ValueError
    return origins


def _setting(default: Any, parse: Callable[[Any], Any], expected: str, doc: str) -> Any:
    return field(default=default, metadata={"parse": parse, "expected": expected, "doc": doc})


@dataclass(frozen=True)
class Settings:
    SPACY_MODEL: str = _setting(DEFAULT_MODEL, _nonempty_str, "a pipeline package name or path",
                                "spaCy pipeline to load: an installed package name or a directory")
    RULES_DIR: Path = _setting(default_rules_dir(), _directory, "a directory path",
                               "folder of rule files (see rules/README.md)")
    MAX_BODY_BYTES: int = _setting(5 * 1024 * 1024, _positive_int, "a positive integer",
                                   "largest request body accepted, in bytes (413 above)")
    MAX_CHARS: int = _setting(200_000, _positive_int, "a positive integer",
                              "largest document accepted, in characters of text or HTML (422 above)")
    MAX_TOKENS: int = _setting(60_000, _positive_int, "a positive integer",
                               "largest document accepted, in spaCy tokens after intake (422 above); "
                               "bounds parse time, as 200,000 characters of prose are about 45,000")
    BATCH_MAX: int = _setting(64, _positive_int, "a positive integer",
                              "most documents in one POST /v1/quotes/batch (422 above)")
    BATCH_MAX_CHARS: int = _setting(1_000_000, _positive_int, "a positive integer",
                                    "most characters of text or HTML in all the documents of one batch together "
                                    "(422 above), checked before any is parsed; at least MAX_CHARS (its default "
                                    "follows a larger MAX_CHARS)")
    TIME_BUDGET_S: float = _setting(30.0, _positive_float, "a positive number of seconds",
                                    "time one request may take: over it the answer is 503 timeout; "
                                    "gunicorn's worker timeout is twice it (at least 60 s)")
    CORS_ORIGINS: tuple[str, ...] = _setting((), _origins, "comma-separated origins such as "
                                             "https://cms.example.org, or *", "origins whose pages may call the "
                                             "API from a browser (CORS); none by default")
    DRAIN_S: float = _setting(30.0, _positive_float, "a positive number of seconds",
                              "after SIGTERM, how long a worker goes on serving the requests it has accepted "
                              "(each within the time left); those still waiting then are answered 503 "
                              "shutting_down at once")
    LOG_LEVEL: str = _setting("INFO", _log_level, "one of " + ", ".join(_LOG_LEVELS),
                              "level of the quotesvc loggers")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def load_settings(environ: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Defaults, then QUOTESVC_<NAME> from `environ` (os.environ by default), then `overrides`.

    Keys of `overrides` that are not settings are ignored here (create_app passes them to Flask).
    """
    environ = os.environ if environ is None else environ
    known = {ENV_PREFIX + name for name in Settings.names()} | SERVER_ENV
    for key in sorted(k for k in environ if k.startswith(ENV_PREFIX) and k not in known):
        log.warning("ignoring unknown environment variable %s", key)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        env_name = ENV_PREFIX + f.name
        if env_name in environ:
            values[f.name] = _parse_setting(f, environ[env_name], env_name)
        if overrides is not None and f.name in overrides:
            values[f.name] = _parse_setting(f, overrides[f.name], f"config[{f.name!r}]")
    settings = replace(Settings(), **values)
    if "BATCH_MAX_CHARS" not in values and settings.MAX_CHARS > settings.BATCH_MAX_CHARS:
        # Left at its default: it follows a larger MAX_CHARS, so a document /v1/quotes takes fits in a batch.
        settings = replace(settings, BATCH_MAX_CHARS=settings.MAX_CHARS)
    return check_consistent(settings)


def check_consistent(settings: Settings) -> Settings:
    """Limits that cannot all hold stop start-up; one the others make unreachable is logged."""
    if settings.BATCH_MAX_CHARS < settings.MAX_CHARS:
        raise ConfigError(f"{ENV_PREFIX}BATCH_MAX_CHARS ({settings.BATCH_MAX_CHARS}) must be at least "
                          f"{ENV_PREFIX}MAX_CHARS ({settings.MAX_CHARS}): a document /v1/quotes accepts must fit "
                          "in a batch of one")
    for name in ("MAX_CHARS", "BATCH_MAX_CHARS"):
        if getattr(settings, name) > settings.MAX_BODY_BYTES:
            log.warning("%s%s (%d characters) is more than %sMAX_BODY_BYTES (%d bytes) can carry; the body limit "
                        "refuses such requests first (413)", ENV_PREFIX, name, getattr(settings, name), ENV_PREFIX,
                        settings.MAX_BODY_BYTES)
    return settings


def _parse_setting(f: Field, raw: Any, source: str) -> Any:
    try:
        return f.metadata["parse"](raw)
    except (ValueError, TypeError, AttributeError):
        raise ConfigError(f"{source} must be {f.metadata['expected']}, got {raw!r}") from None
