"""The wheel: built from exactly what the Dockerfile copies, it holds every quotesvc package and every
rule file, and once unpacked (as pip installs it) quotesvc finds its rules without QUOTESVC_RULES_DIR.

.ci/run goes further: `pip install .` (not editable) into a new virtualenv, then the CLI and gunicorn
from a folder outside the repository.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")


def builder_copies() -> list[str]:
    """The sources of the COPY lines of the Dockerfile's first (builder) stage."""
    sources: list[str] = []
    stages = 0
    for line in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if words and words[0] == "FROM":
            stages += 1
        elif words and words[0] == "COPY" and stages == 1:
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of what the Dockerfile's builder gets (no build/ or egg-info left over
    from a development install can leak into it)."""
    src = tmp_path_factory.mktemp("src")
    for name in builder_copies():
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=JUNK)
        else:
            shutil.copy2(source, src / name)
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "--wheel-dir", str(out), str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("quotesvc-*.whl")
    return built


def test_the_dockerfile_builder_copies_the_package_sources():
    assert {"pyproject.toml", "README.md", "quotesvc", "rules"} <= set(builder_copies())


def test_every_package_and_rule_file_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    # Every module and every data file of the package (the review page's static files, ...).
    files = {p.relative_to(REPO).as_posix() for p in (REPO / "quotesvc").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert {"quotesvc/__init__.py", "quotesvc/service/gunicorn_config.py"} <= files
    assert files <= names, sorted(files - names)
    packages = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "quotesvc").rglob("__init__.py")}
    assert {"quotesvc/core", "quotesvc/service"} <= packages
    rule_files = {f"quotesvc/rules/{p.name}" for p in (REPO / "rules").iterdir()
                  if p.is_file() and not p.name.endswith(".pyc")}
    assert {"quotesvc/rules/__init__.py", "quotesvc/rules/README.md", "quotesvc/rules/cue_verbs.jsonl"} <= rule_files
    assert rule_files <= names, sorted(rule_files - names)
    # Nothing of the repository's top level but the package, and no tests.
    assert {name.split("/")[0] for name in names} == {"quotesvc", wheel.name.split("-")[0] + "-" +
                                                      wheel.name.split("-")[1] + ".dist-info"}


def test_the_wheel_declares_the_command(wheel):
    with zipfile.ZipFile(wheel) as z:
        (entry_points,) = [n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = z.read(entry_points).decode()
    assert "[console_scripts]" in text and "quotesvc = quotesvc.cli:main" in text


def test_the_unpacked_wheel_finds_its_own_rules(wheel, tmp_path):
    """Unpacked as pip installs it and first on the path, outside the repository, with no QUOTESVC_RULES_DIR."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTESVC_")}
    env["PYTHONPATH"] = str(site)
    code = ("import quotesvc.core.rules as r, quotesvc.service.settings as s; "
            "d = r.default_rules_dir(); r.load_rules(d); print(d); print(s.Settings().RULES_DIR)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rules_dir, setting = proc.stdout.splitlines()
    assert Path(rules_dir) == Path(setting) == site / "quotesvc" / "rules"


def test_the_image_command_uses_settings_inside_the_wheel(wheel):
    """The final stage copies nothing but the wheels: its gunicorn config must come from the package."""
    import json

    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    (cmd,) = [line[len("CMD "):] for line in dockerfile.splitlines() if line.startswith("CMD ")]
    argv = json.loads(cmd)
    config = argv[argv.index("-c") + 1]
    assert argv[0] == "gunicorn" and config.startswith("python:") and argv[-1] == "quotesvc:create_app()"
    module = config[len("python:"):].replace(".", "/") + ".py"
    assert module in zipfile.ZipFile(wheel).namelist()
