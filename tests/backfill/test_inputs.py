"""Inputs: files found, cut into shards that cover every record exactly once, and read back."""
from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quotesvc.backfill.inputs import InputError, expand, plan_shards, read_shard, shard_prefix


def write_lines(path, lines: list[bytes], final_newline: bool = True) -> list[int]:
    """Write the lines; the byte offsets of the non-blank ones, counted here independently."""
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    path.write_bytes(data)
    offsets, pos = [], 0
    for line in lines:
        if line.strip():
            offsets.append(pos)
        pos += len(line) + 1
    return offsets


LINES = [
    json.dumps({"id": "a", "text": "short"}).encode(),
    b"",
    json.dumps({"id": "b", "text": "x" * 300}).encode(),
    json.dumps({"id": "c", "text": "caf\u00e9 \u201cquoted\u201d"}, ensure_ascii=False).encode(),
    b"   ",
    json.dumps({"id": "d", "text": "windows line end"}).encode() + b"\r",
    b"not json at all",
    json.dumps({"id": "e", "text": "y" * 1000}).encode(),
    json.dumps({"id": "f", "text": "last"}).encode(),
]


@pytest.mark.parametrize("final_newline", [True, False])
@pytest.mark.parametrize("shard_bytes", [1, 2, 7, 50, 64, 333, 1000, 4096, 1 << 20])
def test_jsonl_shards_cover_every_line_exactly_once(tmp_path, shard_bytes, final_newline):
    path = tmp_path / "feed.jsonl"
    offsets = write_lines(path, LINES, final_newline)
    [f] = expand([str(path)])
    shards = plan_shards(f, shard_bytes, 1000)
    assert shards == plan_shards(f, shard_bytes, 1000)  # deterministic
    assert len({s.name for s in shards}) == len(shards)
    seen = [r.offset for s in shards for r in read_shard(s)]
    assert seen == offsets
    for s in shards:  # a line belongs to the shard its first byte falls in
        assert all(s.start <= r.offset < s.end for r in read_shard(s))


def test_jsonl_records_parsed_or_explained(tmp_path):
    path = tmp_path / "feed.jsonl"
    write_lines(path, LINES)
    [f] = expand([str(path)])
    records = [r for s in plan_shards(f, 64, 1000) for r in read_shard(s)]
    assert [r.fields["id"] for r in records if r.fields] == ["a", "b", "c", "d", "e", "f"]
    [bad] = [r for r in records if r.fields is None]
    assert "not valid JSON" in bad.problem
    assert records[2].fields["text"] == "caf\u00e9 \u201cquoted\u201d"


def test_gzip_file_is_one_shard(tmp_path):
    plain = tmp_path / "plain.jsonl"
    offsets = write_lines(plain, LINES)
    packed = tmp_path / "packed.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    [f] = expand([str(packed)])
    assert (f.fmt, f.compression) == ("jsonl", "gzip")
    [shard] = plan_shards(f, 10, 1000)
    assert [r.offset for r in read_shard(shard)] == offsets


def test_parquet_shards_are_whole_row_groups(tmp_path):
    path = tmp_path / "rows.parquet"
    table = pa.table({"id": [f"r{i}" for i in range(7)], "text": ["t"] * 7, "year": list(range(7))})
    pq.write_table(table, path, row_group_size=2)  # groups of 2, 2, 2, 1 rows
    [f] = expand([str(path)])
    shards = plan_shards(f, 1, 3)
    assert [(s.start, s.end, s.first_row) for s in shards] == [(0, 2, 0), (2, 4, 4)]
    records = [r for s in shards for r in read_shard(s)]
    assert [r.offset for r in records] == list(range(7))
    assert [r.fields["id"] for r in records] == [f"r{i}" for i in range(7)]
    assert [r.fields for r in read_shard(shards[1], columns=["id"])] == [{"id": f"r{i}"} for i in range(4, 7)]


def test_parquet_without_rows_or_id_column(tmp_path):
    empty = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.string())}), empty)
    [f] = expand([str(empty)])
    [shard] = plan_shards(f, 1, 10)
    assert list(read_shard(shard)) == []
    noid = tmp_path / "noid.parquet"
    pq.write_table(pa.table({"text": ["a", "b"]}), noid)
    [g] = expand([str(noid)])
    assert [r.fields for s in plan_shards(g, 1, 10) for r in read_shard(s, columns=["id"])] == [{}, {}]


def test_folders_expand_sorted_skipping_hidden_and_foreign_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / "b" / "c.ndjson").write_text("{}\n")
    (tmp_path / "b" / "notes.txt").write_text("not an input")
    (tmp_path / "_manifest").mkdir()
    (tmp_path / "_manifest" / "x.jsonl").write_text("{}\n")
    (tmp_path / ".hidden.jsonl").write_text("{}\n")
    files = expand([str(tmp_path)])
    assert [f.uri for f in files] == [str(tmp_path / "a.jsonl"), str(tmp_path / "b" / "c.ndjson")]
    # A URI reaches the same file through pyarrow.fs.
    [uri_file] = expand([f"file://{tmp_path}/a.jsonl"])
    assert uri_file.uri == f"file://{tmp_path}/a.jsonl" and uri_file.size == files[0].size


@pytest.mark.parametrize("make, message", [
    (lambda p: str(p / "missing.jsonl"), "no such file"),
    (lambda p: (p / "x.csv").write_text("a,b") and str(p / "x.csv"), "--input-format"),
    (lambda p: (p / "empty").mkdir() or str(p / "empty"), "holds no"),
])
def test_bad_inputs_are_refused_before_any_work(tmp_path, make, message):
    with pytest.raises(InputError, match=message):
        expand([make(tmp_path)])


def test_a_file_given_twice_is_refused(tmp_path):
    (tmp_path / "a.jsonl").write_text("{}\n")
    with pytest.raises(InputError, match="given twice"):
        expand([str(tmp_path / "a.jsonl"), str(tmp_path)])


def test_forced_format_reads_any_name(tmp_path):
    (tmp_path / "export.txt").write_text('{"id": "a", "text": "b"}\n')
    [f] = expand([str(tmp_path / "export.txt")], "jsonl")
    assert [r.fields["id"] for s in plan_shards(f, 100, 10) for r in read_shard(s)] == ["a"]


def test_shard_names_come_from_the_file_and_its_full_path():
    a, b = shard_prefix("/data/2019/articles.jsonl"), shard_prefix("/data/2020/articles.jsonl")
    assert a.startswith("articles-") and b.startswith("articles-") and a != b
    assert shard_prefix("s3://bucket/x y?.parquet").startswith("x_y_-")


def test_an_output_inside_an_input_folder_is_not_read_as_input(tmp_path):
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / "out" / "articles").mkdir(parents=True)
    (tmp_path / "out" / "articles" / "a-00000000-00000.parquet").write_bytes(b"")
    assert len(expand([str(tmp_path)])) == 2
    assert [f.uri for f in expand([str(tmp_path)], exclude=str(tmp_path / "out"))] == [str(tmp_path / "a.jsonl")]
