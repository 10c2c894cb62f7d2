"""The quotesvc command: `attribute` prints what the API would answer."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from quotesvc import cli
from tests.helpers import assert_answer

HTML = (
    "<!doctype html><html><body><article><h1>Library hours</h1>"
    "<p>&ldquo;We will open on Sundays from March,&rdquo; the librarian, Mara Voss, said.</p>"
    "<p>Readers had asked for longer hours, she said.</p></article></body></html>"
)
TEXT = 'The librarian, Mara Voss, said: "We will open on Sundays from March."\nReaders had asked for it.\n'


@pytest.fixture
def loaded(monkeypatch, attributor):
    """Reuse the session's Attributor instead of loading the pipeline again."""
    monkeypatch.setattr(cli, "get_attributor", lambda settings: attributor)
    return attributor


def run(capsys, argv, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_attribute_html_file(tmp_path, capsys, loaded):
    path = tmp_path / "library.html"
    path.write_text(HTML, encoding="utf-8")
    status, out, _ = run(capsys, ["attribute", str(path), "--id", "lib-1"])
    assert status == 0
    answer = json.loads(out)
    assert answer["id"] == "lib-1"
    assert "Mara Voss" in answer["text"] and "<p>" not in answer["text"]  # read as HTML
    assert_answer(answer, answer["text"])


def test_attribute_stdin_text(capsys, monkeypatch, loaded):
    status, out, _ = run(capsys, ["attribute", "-", "--include-text"], stdin=TEXT, monkeypatch=monkeypatch)
    assert status == 0
    answer = json.loads(out)
    assert answer["id"] is None and answer["text"] == TEXT
    assert_answer(answer, TEXT)


@pytest.mark.parametrize("layout", ["lines", "blocks"])
def test_attribute_layout_option(capsys, monkeypatch, loaded, layout):
    wrapped = "\u201cThe library will open on Sundays from May, and the reading\nroom will stay open late,\u201d " \
              "said Mara Voss, who runs it.\n"
    status, out, _ = run(capsys, ["attribute", "-", "--format", "text", "--layout", layout], stdin=wrapped,
                         monkeypatch=monkeypatch)
    assert status == 0
    answer = json.loads(out)
    assert answer["meta"]["layout"] == layout
    assert_answer(answer, wrapped)


def test_attribute_explicit_format_matches_the_api(tmp_path, capsys, loaded, client):
    path = tmp_path / "library.txt"
    path.write_text(TEXT, encoding="utf-8")
    status, out, _ = run(capsys, ["attribute", str(path), "--format", "text", "--compact"])
    assert status == 0 and len(out.strip().splitlines()) == 1
    answer = json.loads(out)
    assert "text" not in answer
    assert_answer(answer, TEXT)
    api = client.post("/v1/quotes", json={"text": TEXT}).get_json()
    assert answer["quotes"] == api["quotes"] and answer["speakers"] == api["speakers"]


def test_attribute_errors_are_one_line(tmp_path, capsys, loaded):
    status, out, err = run(capsys, ["attribute", str(tmp_path / "missing.txt"), "--format", "text"])
    assert status == 2 and out == "" and "cannot read" in err and "Traceback" not in err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9")
    status, _, err = run(capsys, ["attribute", str(bad), "--format", "text"])
    assert status == 2 and "not valid UTF-8" in err
    status, _, err = run(capsys, ["attribute", str(bad), "--format", "text", "--min-confidence", "3"])
    assert status == 2


def test_subcommands_are_registered():
    assert {"attribute", "serve"} <= set(cli.COMMANDS)
    with pytest.raises(SystemExit) as exit_info:
        cli.build_parser().parse_args([])
    assert exit_info.value.code == 2


def test_python_m_quotesvc_end_to_end():
    """The real thing: a new process loading the pipeline, text on stdin."""
    proc = subprocess.run([sys.executable, "-m", "quotesvc", "attribute", "-"], input=TEXT.encode("utf-8"),
                          capture_output=True, timeout=600)  # only a hang guard
    assert proc.returncode == 0, proc.stderr.decode()
    assert_answer(json.loads(proc.stdout), TEXT)


def test_serve_uses_the_local_gunicorn_conf_else_the_packaged_settings(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: calls.append(argv))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["serve", "--workers", "3"]) == 0
    (tmp_path / "gunicorn.conf.py").write_text("workers = 1\n")
    assert cli.main(["serve", "--bind", "127.0.0.1:9"]) == 0
    packaged, local = calls
    assert packaged[packaged.index("--config") + 1] == "python:quotesvc.service.gunicorn_config"
    assert packaged[-3:] == ["--workers", "3", "quotesvc:create_app()"]
    assert local[local.index("--config") + 1] == str(tmp_path / "gunicorn.conf.py")
    assert local[-3:] == ["--bind", "127.0.0.1:9", "quotesvc:create_app()"]
