"""One record checked as the service checks a request; duplicate ids found across shards and files."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from quotesvc.backfill.inputs import RawRecord, Shard
from quotesvc.backfill.planning import find_duplicates
from quotesvc.backfill.records import ErrorCode, check, normalize_id

LIMIT = 50


@pytest.mark.parametrize("fields, code, fmt, article_id", [
    ({"id": "a", "text": "He said so."}, None, "text", "a"),
    ({"id": "a", "html": "<p>He said so.</p>"}, None, "html", "a"),
    ({"id": 7, "text": "x"}, None, "text", "7"),  # archives keyed by number
    ({"id": "a", "text": None, "html": "<p>x</p>"}, None, "html", "a"),  # null is absent (Parquet columns)
    ({"id": "a", "text": ""}, None, "text", "a"),  # empty, as the service takes it
    ({"id": "a", "text": "x" * LIMIT}, None, "text", "a"),
    ({"id": "a", "text": "x" * (LIMIT + 1)}, ErrorCode.TOO_LONG, "text", "a"),
    ({"text": "x"}, ErrorCode.MISSING_ID, "text", None),
    ({"id": None, "text": "x"}, ErrorCode.MISSING_ID, "text", None),
    ({"id": "  ", "text": "x"}, ErrorCode.MISSING_ID, "text", None),
    ({"id": True, "text": "x"}, ErrorCode.INVALID_ID, "text", None),
    ({"id": 1.0, "text": "x"}, ErrorCode.INVALID_ID, "text", None),
    ({"id": ["a"], "text": "x"}, ErrorCode.INVALID_ID, "text", None),
    ({"id": "a\ud800", "text": "x"}, ErrorCode.INVALID_ID, "text", None),
    ({"id": "a"}, ErrorCode.INVALID_CONTENT, None, "a"),
    ({"id": "a", "text": "x", "html": "<p>x</p>"}, ErrorCode.INVALID_CONTENT, None, "a"),
    ({"id": "a", "text": ["x"]}, ErrorCode.INVALID_CONTENT, "text", "a"),
    ({"id": "a", "html": b"<p>x</p>"}, ErrorCode.INVALID_CONTENT, "html", "a"),
    ({"id": "a", "text": "bad \ud800 text"}, ErrorCode.INVALID_JSON, "text", "a"),
    ({"id": "a", "text": "x", "note": "bad \udfff"}, ErrorCode.INVALID_JSON, "text", "a"),
])
def test_check(fields, code, fmt, article_id):
    item = check(RawRecord(12, fields), LIMIT)
    assert item.offset == 12 and item.fmt == fmt and item.id == article_id
    if code is None:
        assert item.error is None
        assert item.article.content == fields[fmt] and item.article.fmt == fmt and item.article.id == article_id
    else:
        assert item.article is None and item.error.code == code and item.error.message


def test_unreadable_line_is_an_invalid_json_error():
    item = check(RawRecord(0, None, "the line is not valid JSON: Expecting value"), LIMIT)
    assert item.error.code == ErrorCode.INVALID_JSON and "Expecting value" in item.error.message
    assert item.id is None


def test_other_fields_are_carried_as_json_metadata():
    fields = {"id": "a", "text": "x", "section": "city", "tags": ["a", "b"], "rank": float("nan"),
              "when": dt.datetime(2020, 5, 1, 12, 30), "raw": b"\x00\x01", "nested": {"k": [1, None]}}
    item = check(RawRecord(0, fields), LIMIT)
    assert item.error is None
    assert json.loads(item.metadata) == {"section": "city", "tags": ["a", "b"], "rank": None,
                                         "when": "2020-05-01T12:30:00", "raw": "AAE=", "nested": {"k": [1, None]}}
    assert check(RawRecord(0, {"id": "a", "text": "x"}), LIMIT).metadata is None


def test_scan_and_worker_agree_on_ids():
    assert normalize_id(7) == ("7", None) and normalize_id("7") == ("7", None)
    assert normalize_id(False)[0] is None


def _shard(name: str, uri: str) -> Shard:
    return Shard(name, uri, "jsonl", 0, 100)


def _ids(pairs) -> pa.Table:
    return pa.table({"id": pa.array([i for i, _ in pairs], pa.string()),
                     "offset": pa.array([o for _, o in pairs], pa.int64())})


def test_first_in_input_order_keeps_its_id():
    shards = [_shard("one-0", "/in/one.jsonl"), _shard("one-1", "/in/one.jsonl"), _shard("two-0", "/in/two.jsonl")]
    scans = [_ids([("a", 0), ("b", 10), ("a", 20)]), _ids([("c", 100), ("b", 130)]), _ids([("a", 0), ("d", 9)])]
    duplicates = find_duplicates(shards, scans)
    assert set(duplicates) == {"one-0", "one-1", "two-0"}
    assert set(duplicates["one-0"]) == {20} and set(duplicates["one-1"]) == {130} and set(duplicates["two-0"]) == {0}
    assert "/in/one.jsonl byte 0" in duplicates["two-0"][0]
    assert "/in/one.jsonl byte 10" in duplicates["one-1"][130]


def test_no_duplicates():
    shards = [_shard("one-0", "/in/one.jsonl"), _shard("one-1", "/in/one.jsonl")]
    assert find_duplicates(shards, [_ids([("a", 0)]), _ids([("b", 5), ("c", 9)])]) == {}
    assert find_duplicates(shards, [_ids([]), _ids([])]) == {}
