"""Before any attribution: the plan (inputs, shards, settings) and the duplicate ids.

An id must key one article, so a later article with an id seen before becomes a `duplicate_id` error row
and the first one, in input order (inputs as given, then file order), is attributed. Finding them needs
every id before any shard is attributed: a first pass reads just the ids (a Parquet file's id column, or
each JSON line) shard by shard, in parallel, and the duplicates are found in one sort of those.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__
from .inputs import InputFile, Shard, plan_shards, read_shard
from .manifest import PLAN_FORMAT
from .records import normalize_id


@dataclass(frozen=True)
class Plan:
    files: list[InputFile]
    shards: list[Shard]
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        by_file: dict[str, list[str]] = {}
        for s in self.shards:
            by_file.setdefault(s.uri, []).append(s.name)
        return {"format": PLAN_FORMAT, "settings": self.settings, "inputs": [
            {"uri": f.uri, "format": f.fmt, "compression": f.compression, "size": f.size, "mtime_ns": f.mtime_ns,
             "shards": by_file.get(f.uri, [])} for f in self.files]}


def make_plan(files: list[InputFile], shard_bytes: int, shard_rows: int, settings: dict[str, Any]) -> Plan:
    """`settings` are whatever changes the tables' content (model, rules, limits); the shard sizes and
    the quotesvc version are added here."""
    shards = [s for f in files for s in plan_shards(f, shard_bytes, shard_rows)]
    return Plan(files, shards, {**settings, "quotesvc": __version__, "shard_bytes": shard_bytes,
                                "shard_rows": shard_rows})


ID_SCAN_SCHEMA = pa.schema([("id", pa.string()), ("offset", pa.int64())])


def scan_ids(shard: Shard) -> tuple[pa.Table, int]:
    """(the valid ids of the shard's records with their offsets, the number of records)."""
    ids: list[str] = []
    offsets: list[int] = []
    records = 0
    for record in read_shard(shard, columns=["id"]):
        records += 1
        if record.fields is None:
            continue
        value, error = normalize_id(record.fields.get("id"))
        if error is None:
            ids.append(value)  # type: ignore[arg-type]
            offsets.append(record.offset)
    return pa.table({"id": pa.array(ids, pa.string()), "offset": pa.array(offsets, pa.int64())}), records


def find_duplicates(shards: Sequence[Shard], scans: Sequence[pa.Table]) -> dict[str, dict[int, str]]:
    """Shard name -> {offset: message} for every article whose id an earlier article has."""
    parts = [t.append_column("shard", pa.array(np.full(t.num_rows, i, dtype=np.int32)))
             for i, t in enumerate(scans)]
    table = pa.concat_tables(parts) if parts else ID_SCAN_SCHEMA.empty_table()
    if table.num_rows < 2:
        return {}
    table = table.sort_by([("id", "ascending"), ("shard", "ascending"), ("offset", "ascending")])
    ids = table.column("id")
    same = pc.equal(ids.slice(1), ids.slice(0, table.num_rows - 1)).to_numpy(zero_copy_only=False)
    repeat = np.concatenate([[False], same])
    if not repeat.any():
        return {}
    index = np.arange(table.num_rows)
    first = np.maximum.accumulate(np.where(repeat, 0, index))  # the group's first row for each row
    shard_of = table.column("shard").to_numpy()
    offset_of = table.column("offset").to_numpy()
    out: dict[str, dict[int, str]] = {}
    for i in np.flatnonzero(repeat):
        j = first[i]
        origin = shards[shard_of[j]]
        message = (f"id {ids[i].as_py()!r} was already given to the article at {_position(origin, offset_of[j])}; "
                   "only that one is attributed")
        out.setdefault(shards[shard_of[i]].name, {})[int(offset_of[i])] = message
    return out


def _position(shard: Shard, offset: int) -> str:
    where = "byte" if shard.fmt == "jsonl" else "row"
    return f"{shard.uri} {where} {offset}"
