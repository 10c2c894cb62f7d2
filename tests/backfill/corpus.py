"""A small archive of invented articles for the backfill tests: plain text and HTML, with the faults an
archive export has (malformed HTML, lines that are not JSON, missing and repeated ids, oversized texts).

Everything here is written for these tests. `write_corpus` lays it out as two JSON Lines files and one
Parquet file and returns what a correct backfill must produce an articles row for.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

PEOPLE = [
    ("Harbour master", "Ines Okafor", "Okafor", "she"),
    ("Fire chief", "Tomas Lindqvist", "Lindqvist", "he"),
    ("Councillor", "Priya Raman", "Raman", "she"),
    ("Head teacher", "Gareth Mbeki", "Mbeki", "he"),
    ("Ferry captain", "Aoife Brennan", "Brennan", "she"),
    ("Bakery owner", "Luis Ferreira", "Ferreira", "he"),
]
TOPICS = [
    ("the new pier", "The pier will carry twice the freight by spring", "we waited ten years for this"),
    ("the night bus", "Nobody should walk home alone after a late shift", "the route is back from Monday"),
    ("the flood wall", "The wall held, but only just", "the repairs will take all summer"),
    ("the school roof", "Children cannot learn with buckets on their desks", "the roof is fixed before term"),
    ("the winter timetable", "Two crossings a day is not enough for an island", "more crossings come in December"),
    ("the market square", "The square belongs to the people who trade in it", "stalls may stay until nine"),
]


def text_article(i: int) -> str:
    title, name, surname, pronoun = PEOPLE[i % len(PEOPLE)]
    topic, direct, indirect = TOPICS[(i * 5) % len(TOPICS)]
    style = i % 4
    if style == 0:
        return (f"{title} {name} spoke about {topic} on Tuesday.\n"
                f"\u201c{direct},\u201d {surname} said.\n"
                f"{pronoun.capitalize()} said {indirect}.")
    if style == 1:
        return (f"Residents gathered to hear about {topic}.\n"
                f"{name}, the {title.lower()}, told them: \"{direct}.\"\n"
                f"\"It matters to all of us,\" {pronoun} added.")
    if style == 2:
        return (f"According to {name}, {indirect}.\n"
                f"The {title.lower()} did not say when work on {topic} would start.")
    return f"A quiet week in the town: no meetings were held about {topic}, and nobody was quoted."


def html_article(i: int) -> str:
    title, name, surname, pronoun = PEOPLE[(i + 2) % len(PEOPLE)]
    topic, direct, indirect = TOPICS[(i * 7 + 1) % len(TOPICS)]
    if i % 3 == 0:
        return (f"<!doctype html><html><head><title>{topic}</title><script>var x = \"not a quote\";</script></head>"
                f"<body><nav><a href='/'>Home</a></nav><article><h1>News about {topic}</h1>"
                f"<p>&ldquo;{direct},&rdquo; said {title.lower()} {name}.</p>"
                f"<p>{surname} said {indirect}.</p></article></body></html>")
    if i % 3 == 1:
        # Malformed: unclosed paragraphs, a stray closing tag, an unquoted attribute, a <p> inside a <span>.
        return (f"<div class=story><p>{name} opened the meeting about {topic}.<p>\u201c{direct},\u201d "
                f"{pronoun} said.</div></span><span><p>The vote is next week.</span>")
    return (f"<html><body><p>{title} {name} was asked about {topic}.</p><blockquote><p>\u201c{direct}.\u201d</p>"
            f"</blockquote><p>&quot;We will see,&quot; {surname} said.</p></body></html>")


@dataclass(frozen=True)
class Expected:
    """What the articles table must hold for one input record."""

    source: str
    offset: int
    id: str | None
    status: str  # ok or error
    code: str | None  # the error code, for error rows
    payload: dict[str, Any] | None  # what to send the service for the same article (ok rows and content errors)


def _jsonl(path: Path, lines: list[bytes]) -> list[tuple[int, bytes]]:
    """Write the lines; return (byte offset, line) of each non-blank one, counted independently of the
    code under test."""
    offsets = []
    pos = 0
    with path.open("wb") as fh:
        for line in lines:
            fh.write(line + b"\n")
            if line.strip():
                offsets.append((pos, line))
            pos += len(line) + 1
    return offsets


def _line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def write_corpus(folder: Path) -> list[Expected]:
    folder.mkdir(parents=True, exist_ok=True)
    expected: list[Expected] = []

    # --- news.jsonl: text and HTML articles with metadata, and the faults of a JSON Lines export.
    records: list[tuple[bytes, str | None, str, str | None, dict | None]] = []  # line, id, status, code, payload
    for i in range(18):
        doc = {"id": f"t{i:02d}", "text": text_article(i), "section": ["city", "port", "schools"][i % 3],
               "published": f"2021-03-{i + 1:02d}", "tags": {"desk": "local", "n": i}}
        records.append((_line(doc), doc["id"], "ok", None, {"id": doc["id"], "text": doc["text"]}))
    for i in range(9):
        doc = {"id": f"h{i:02d}", "html": html_article(i), "section": "web"}
        records.append((_line(doc), doc["id"], "ok", None, {"id": doc["id"], "html": doc["html"]}))
    empty_html = {"id": "h-empty", "html": "<html><head><script>alert(1)</script></head><body></body></html>"}
    records.append((_line(empty_html), "h-empty", "ok", None, dict(empty_html)))
    records.append((_line({"id": "t-empty", "text": ""}), "t-empty", "ok", None, {"id": "t-empty", "text": ""}))
    records.append((_line({"id": 4711, "text": text_article(1)}), "4711", "ok", None,
                    {"id": "4711", "text": text_article(1)}))
    records.append((b"{\"id\": \"broken\", \"text\": \"no closing brace\"", None, "error", "invalid_json", None))
    records.append((b"[\"an\", \"array\"]", None, "error", "invalid_json", None))
    records.append((b"{\"id\": \"latin1\", \"text\": \"caf\xe9\"}", None, "error", "invalid_json", None))
    records.append((b"{\"id\": \"sur\", \"text\": \"a \\ud800 b\"}", "sur", "error", "invalid_json", None))
    records.append((_line({"text": text_article(2)}), None, "error", "missing_id", None))
    records.append((_line({"id": "", "text": text_article(2)}), None, "error", "missing_id", None))
    records.append((_line({"id": 1.5, "text": text_article(2)}), None, "error", "invalid_id", None))
    records.append((_line({"id": "t03", "text": "A second article that reuses an id."}), "t03", "error",
                    "duplicate_id", None))
    both = {"id": "both", "text": "x", "html": "<p>x</p>"}
    records.append((_line(both), "both", "error", "invalid_content", dict(both)))
    records.append((_line({"id": "neither", "title": "no body"}), "neither", "error", "invalid_content",
                    {"id": "neither"}))
    records.append((_line({"id": "num", "text": 42}), "num", "error", "invalid_content", {"id": "num", "text": 42}))
    # Blank lines are not articles.
    lines = [line for line, *_ in records]
    lines[5:5] = [b"", b"   "]
    written = _jsonl(folder / "news.jsonl", lines)
    assert len(written) == len(records)
    for (offset, _), (_, rid, status, code, payload) in zip(written, records):
        expected.append(Expected(str(folder / "news.jsonl"), offset, rid, status, code, payload))

    # --- more/wire.jsonl, in a subfolder: a duplicate across files and more text.
    (folder / "more").mkdir(exist_ok=True)
    wire = [{"id": f"w{i}", "text": text_article(i + 7)} for i in range(6)]
    wire.append({"id": "h02", "text": "The wire repeats an id the first file used."})
    written = _jsonl(folder / "more" / "wire.jsonl", [_line(d) for d in wire])
    for (offset, _), doc in zip(written, wire):
        dup = doc["id"] == "h02"
        expected.append(Expected(str(folder / "more" / "wire.jsonl"), offset, doc["id"], "error" if dup else "ok",
                                 "duplicate_id" if dup else None, None if dup else dict(doc)))

    # --- archive.parquet: small row groups, integer ids, and the two size limits at their defaults.
    rows = [{"id": 9000 + i, "text": text_article(i + 3), "html": None, "year": 2019} for i in range(7)]
    rows.append({"id": 9100, "text": "x" * 200_001, "html": None, "year": 2020})  # over MAX_CHARS
    rows.append({"id": 9101, "text": ". " * 61_000, "html": None, "year": 2020})  # over MAX_TOKENS
    rows.append({"id": 9102, "text": None, "html": html_article(4), "year": None})
    table = pa.Table.from_pylist(rows, schema=pa.schema([("id", pa.int64()), ("text", pa.string()),
                                                         ("html", pa.string()), ("year", pa.int32())]))
    pq.write_table(table, folder / "archive.parquet", row_group_size=3)
    codes = {9100: "too_long", 9101: "too_many_tokens"}
    for n, row in enumerate(rows):
        fmt = "text" if row["text"] is not None else "html"
        code = codes.get(row["id"])
        expected.append(Expected(str(folder / "archive.parquet"), n, str(row["id"]), "error" if code else "ok", code,
                                 {"id": str(row["id"]), fmt: row[fmt]}))
    return expected
