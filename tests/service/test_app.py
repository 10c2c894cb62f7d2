"""Start-up: settings from defaults, QUOTESVC_* variables and create_app's config; a bad setting, a missing
pipeline or a bad rule file stops start-up naming what is wrong."""
from __future__ import annotations

import shutil

import pytest

from quotesvc import create_app
from quotesvc.core.rules import default_rules_dir
from quotesvc.service.app import StartupError
from quotesvc.service.settings import ConfigError, Settings, load_settings


def test_settings_precedence():
    assert load_settings(environ={}) == Settings()
    env = {"QUOTESVC_MAX_CHARS": "1_000", "QUOTESVC_TIME_BUDGET_S": "2.5", "QUOTESVC_LOG_LEVEL": "debug"}
    s = load_settings(environ=env, overrides={"MAX_CHARS": 7})
    assert (s.MAX_CHARS, s.TIME_BUDGET_S, s.LOG_LEVEL) == (7, 2.5, "DEBUG")
    assert load_settings(environ=env).MAX_CHARS == 1000


def test_unknown_quotesvc_variable_is_logged_not_fatal(caplog):
    assert load_settings(environ={"QUOTESVC_MAX_CHRAS": "5", "QUOTESVC_BIND": "127.0.0.1:1"}) == Settings()
    assert [r.getMessage() for r in caplog.records if "unknown" in r.getMessage()] == \
        ["ignoring unknown environment variable QUOTESVC_MAX_CHRAS"]


@pytest.mark.parametrize("name, value", [
    ("MAX_CHARS", "lots"), ("MAX_BODY_BYTES", "0"), ("BATCH_MAX", "-3"), ("TIME_BUDGET_S", "soon"),
    ("TIME_BUDGET_S", "inf"), ("LOG_LEVEL", "LOUD"), ("SPACY_MODEL", " "), ("RULES_DIR", ""),
])
def test_bad_environment_value_names_the_variable(monkeypatch, attributor, name, value):
    with pytest.raises(ConfigError, match=f"QUOTESVC_{name}"):
        load_settings(environ={f"QUOTESVC_{name}": value})
    monkeypatch.setenv(f"QUOTESVC_{name}", value)
    with pytest.raises(StartupError, match=f"QUOTESVC_{name}"):
        create_app({"ATTRIBUTOR": attributor})


def test_environment_reaches_the_app(monkeypatch, attributor):
    monkeypatch.setenv("QUOTESVC_MAX_BODY_BYTES", "2048")
    assert create_app({"ATTRIBUTOR": attributor}).config["MAX_CONTENT_LENGTH"] == 2048


def test_missing_model_stops_start_up(tmp_path):
    with pytest.raises(StartupError, match="no-such-pipeline"):
        create_app({"SPACY_MODEL": str(tmp_path / "no-such-pipeline")})


def test_bad_rules_stop_start_up(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules_dir)
    lines = (rules_dir / "cue_verbs.jsonl").read_text().splitlines()
    lines[2] = '{"class": "speech"}'
    (rules_dir / "cue_verbs.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(StartupError, match="cue_verbs.jsonl:3"):
        create_app({"RULES_DIR": str(rules_dir)})


def test_the_injected_attributor_is_used(app, attributor):
    assert app.extensions["quotesvc"] is attributor
    assert "ATTRIBUTOR" not in app.config
