"""Every request/answer example in README.md, executed.

Each ```sh block holding a `curl` is sent to the app (`app.test_client()`, the same body, path and headers
curl would send) and its answer is compared with the ```json block right after it. The README abbreviates
answers with `...`, and the comparison allows exactly what it elides:

- `"..."`, `[...]`, `{...}` as a value: any value there;
- `...` as a member of an object: the object may hold keys the README does not show (those shown must match);
- `...` as an item of a list: the list may hold items the README does not show (those shown must appear in
  that order);
- `...` inside a string: the words around it must match (`"We have waited..."` is a prefix).

Everything else must be equal, with one exception: `meta.elapsed_ms` is a measurement, so only its type is
checked. The status is 200, or the `error.status` the answer shows. The CLI block's lines are parsed by the
CLI's own parser, and the `attribute` ones run on files written here.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from quotesvc import cli

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


class _Elided:
    """What a `...` stood for in the README's answer."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "value", "member" or "item"

    def __repr__(self) -> str:
        return f"<... {self.kind}>"


ANY = _Elided("value")
MORE_MEMBERS = "@elided-members@"
MORE_ITEMS = _Elided("item")
MEASURED = {"elapsed_ms"}


def parse_shown(text: str) -> Any:
    """The README's abbreviated JSON as a value with _Elided markers."""
    text = re.sub(r'"\.\.\."|\[\.\.\.\]|\{\.\.\.\}', '"@elided-value@"', text)
    text = re.sub(r",\s*\.\.\.\s*}", ', "@elided-members@": true}', text)
    text = re.sub(r"(?<=[\[,])\s*\.\.\.\s*(?=[,\]])", ' "@elided-items@"', text)

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        return {k: _marker(v) for k, v in pairs}

    return _marker(json.loads(text, object_pairs_hook=hook))


def _marker(v: Any) -> Any:
    if v == "@elided-value@":
        return ANY
    if isinstance(v, list):
        return [MORE_ITEMS if x == "@elided-items@" else _marker(x) for x in v]
    return v


def differences(shown: Any, real: Any, path: str = "$") -> list[str]:
    """Where the real answer differs from what the README shows (empty: it agrees)."""
    if shown is ANY:
        return []
    if isinstance(shown, dict):
        if not isinstance(real, dict):
            return [f"{path}: README shows an object, the answer has {real!r}"]
        keys = set(shown) - {MORE_MEMBERS}
        out = [] if MORE_MEMBERS in shown or keys == set(real) else [
            f"{path}: keys {sorted(real)} in the answer, {sorted(keys)} in the README"]
        for k in sorted(keys):
            if k not in real:
                out.append(f"{path}.{k}: missing from the answer")
            elif k in MEASURED:
                if not isinstance(real[k], (int, float)):
                    out.append(f"{path}.{k}: {real[k]!r} is not a number")
            else:
                out += differences(shown[k], real[k], f"{path}.{k}")
        return out
    if isinstance(shown, list):
        if not isinstance(real, list):
            return [f"{path}: README shows a list, the answer has {real!r}"]
        items = [x for x in shown if x is not MORE_ITEMS]
        if len(items) == len(shown):
            if len(real) != len(shown):
                return [f"{path}: {len(real)} items in the answer, {len(shown)} in the README"]
            return [d for i, (s, r) in enumerate(zip(shown, real)) for d in differences(s, r, f"{path}[{i}]")]
        # elided items: each shown item matches a later real item, in order
        at = 0
        for s in items:
            while at < len(real) and differences(s, real[at]):
                at += 1
            if at == len(real):
                return [f"{path}: no item of the answer matches the README's {s!r} (in order)"]
            at += 1
        return []
    if isinstance(shown, str) and "..." in shown:
        parts = shown.split("...")
        pattern = ".*".join(re.escape(p) for p in parts)
        ok = isinstance(real, str) and re.fullmatch(pattern, real, re.S)
        return [] if ok else [f"{path}: {real!r} does not read as the README's {shown!r}"]
    if type(shown) is not type(real) or shown != real:
        return [f"{path}: {real!r} in the answer, {shown!r} in the README"]
    return []


def examples() -> list[tuple[str, str, str]]:
    """(curl command, shown answer, heading) for each curl block with the answer block after it."""
    text = README.read_text(encoding="utf-8")
    blocks = [(m.group(1), m.group(2), m.start()) for m in FENCE.finditer(text)]
    out = []
    for (lang, body, at), nxt in zip(blocks, blocks[1:] + [("", "", 0)]):
        if lang == "sh" and "curl " in body:
            assert nxt[0] == "json", f"the curl example at README offset {at} has no ```json answer after it"
            heading = [h for h in re.findall(r"^#+ (.+)$", text[:at], re.M)][-1]
            out.append((body, nxt[1], heading))
    return out


def curl_request(command: str) -> dict:
    """The request a README curl command sends: path, body bytes and headers."""
    args = shlex.split(command.replace("\\\n", " "))
    assert args[0] == "curl", command
    req: dict = {"headers": {}, "data": None, "path": None}
    it = iter(args[1:])
    for a in it:
        if a == "-s":
            continue
        if a == "-H":
            name, _, value = next(it).partition(":")
            req["headers"][name.strip()] = value.strip()
        elif a == "-d":
            req["data"] = next(it).encode("utf-8")
        elif a.startswith("localhost:8000/"):
            req["path"] = a[len("localhost:8000"):]
        else:
            raise AssertionError(f"the README's curl has an argument this test does not know: {a!r}")
    return req


EXAMPLES = examples()


def test_the_readme_has_its_examples():
    # one answer block per curl in the README: none skipped by the parsing above
    assert len(EXAMPLES) == README.read_text(encoding="utf-8").count("curl -s") >= 4


@pytest.mark.parametrize("command, shown, heading", EXAMPLES, ids=[e[2] for e in EXAMPLES])
def test_readme_example_gives_the_answer_shown(client, command, shown, heading):
    req = curl_request(command)
    resp = client.post(req["path"], data=req["data"], headers=req["headers"])
    expected = parse_shown(shown)
    status = expected["error"]["status"] if "error" in expected else 200
    assert resp.status_code == status
    assert differences(expected, resp.get_json()) == []


# -- the comparison can fail ------------------------------------------------------------------------------

REAL = {"id": "t1", "quotes": [{"id": "q1", "start": 5, "text": "We have waited ten years"},
                               {"id": "q2", "start": 40, "text": "It opens in May"}],
        "meta": {"elapsed_ms": 3.2, "layout": "lines"}}


@pytest.mark.parametrize("shown, agrees", [
    ('{"id": "t1", "quotes": [...], "meta": {...}}', True),
    ('{"id": "t1", ...}', True),
    ('{"id": "t1", "quotes": [..., {"id": "q2", "start": 40, ...}], ...}', True),
    ('{"id": "t1", "quotes": [{"id": "q1", ...}, ...], ...}', True),
    ('{"quotes": [{"text": "We have waited...", ...}, ...], ...}', True),
    ('{"meta": {"elapsed_ms": 18.06, "layout": "lines"}, ...}', True),
    # wrong: an offset, a value, a missing key shown, a key not shown without `...`, the order of items
    ('{"id": "t1", "quotes": [..., {"id": "q2", "start": 41, ...}], ...}', False),
    ('{"id": "t2", ...}', False),
    ('{"id": "t1", "speakers": [...], ...}', False),
    ('{"id": "t1", "quotes": [...]}', False),
    ('{"quotes": [{"id": "q2", ...}, {"id": "q1", ...}], ...}', False),
    ('{"quotes": [{"id": "q1", ...}], ...}', False),
    ('{"quotes": [{"text": "We have waited ten...", ...}, ...], ...}', True),
    ('{"quotes": [{"text": "We waited...", ...}, ...], ...}', False),
    ('{"meta": {"elapsed_ms": "fast", "layout": "lines"}, ...}', True),
    ('{"meta": {"elapsed_ms": 1, "layout": "blocks"}, ...}', False),
    ('{"id": "t1", "quotes": [{"id": "q1", "start": "5", ...}, ...], ...}', False),
])
def test_the_comparison_allows_only_what_is_elided(shown, agrees):
    assert (differences(parse_shown(shown), REAL) == []) is agrees


def test_a_measured_value_must_still_be_a_number():
    assert differences(parse_shown('{"meta": {"elapsed_ms": 1.0, ...}, ...}'), {"meta": {"elapsed_ms": "x"}})


def test_a_wrong_speaker_in_the_readme_example_fails_it(client):
    command, shown, _ = next(e for e in EXAMPLES if '"id": "t1"' in e[0])
    req = curl_request(command)
    resp = client.post(req["path"], data=req["data"], headers=req["headers"])
    assert differences(parse_shown(shown), resp.get_json()) == []
    wrong = shown.replace('"role": "harbour master"', '"role": "Ines Okafor"')
    assert wrong != shown
    assert differences(parse_shown(wrong), resp.get_json())


# -- the CLI block ----------------------------------------------------------------------------------------

# metavariables the parser checks the type of
METAVARS = {"N": "5"}


def cli_lines() -> list[list[str]]:
    """Each `quotesvc ...` line of the CLI section, as arguments (optional [parts] included, `...` dropped)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## CLI"):text.index("\n## ", text.index("## CLI") + 1)]
    out = []
    for line in re.findall(r"^    (quotesvc .*)$", section, re.M):
        line = line.split("#")[0].replace("[", " ").replace("]", " ")
        out.append([METAVARS.get(a, a) for a in shlex.split(line)[1:] if a != "..."])
    return out


CLI_LINES = cli_lines()


@pytest.mark.parametrize("argv", CLI_LINES, ids=[" ".join(a) for a in CLI_LINES])
def test_readme_cli_line_is_accepted_by_the_parser(argv):
    args = cli.build_parser().parse_args(argv)
    assert args.command == argv[0]


def test_readme_cli_has_each_command():
    assert {a[0] for a in CLI_LINES} == {"attribute", "serve", "openapi", "evaluate", "backfill"}


HARBOUR = next(json.loads(curl_request(c)["data"]) for c, _, _ in EXAMPLES if '"id": "t1"' in c)


def test_readme_cli_attribute_prints_the_readme_answer(tmp_path, capsys, monkeypatch, attributor):
    # `quotesvc attribute FILE` prints the answer /v1/quotes gives: the README's Example, id aside
    monkeypatch.setattr(cli, "get_attributor", lambda settings: attributor)
    path = tmp_path / "article.txt"
    path.write_text(HARBOUR["text"], encoding="utf-8")
    argv = next(a for a in CLI_LINES if a[:2] == ["attribute", "FILE"])
    assert cli.main([str(path) if a == "FILE" else a for a in argv] + ["--id", "t1"]) == 0
    shown = parse_shown(next(s for c, s, _ in EXAMPLES if '"id": "t1"' in c))
    assert differences(shown, json.loads(capsys.readouterr().out)) == []


def test_readme_cli_attribute_options_do_what_they_say(tmp_path, capsys, monkeypatch, attributor):
    monkeypatch.setattr(cli, "get_attributor", lambda settings: attributor)
    html = tmp_path / "article.html"
    html.write_text("<p>" + HARBOUR["text"].replace("\n", "</p><p>") + "</p>", encoding="utf-8")
    argv = next(a for a in CLI_LINES if "article.html" in a)
    assert cli.main([str(html) if a == "article.html" else a for a in argv]) == 0
    out = capsys.readouterr().out
    answer = json.loads(out)
    assert out.strip().count("\n") == 0  # --compact
    assert answer["id"] == "a1" and answer["text"].startswith("The harbour master")
    assert [q["kind"] for q in answer["quotes"]] == ["direct"]  # --no-indirect
    assert all(q["confidence"] >= 0.5 for q in answer["quotes"])
