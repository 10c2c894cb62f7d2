"""STUB — being replaced: loads and validates rules/."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Rules:
    speech_verbs: frozenset[str]


def default_rules_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules(path: Path | str | None = None) -> Rules:
    return Rules(frozenset({"say", "tell"}))
