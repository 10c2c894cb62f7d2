"""The output folder: three tables of one Parquet file per shard, and a manifest saying what is done.

    OUTPUT/articles/<shard>.parquet   OUTPUT/quotes/<shard>.parquet   OUTPUT/speakers/<shard>.parquet
    OUTPUT/_manifest/plan.json         the inputs and settings the tables were made from
    OUTPUT/_manifest/shards/<shard>.json   written last, once the shard's three files are: it is complete

A shard's files are rewritten whole under the same names when it is redone (a retried task, a resumed
job), so no row is ever written twice. Each file appears at once: locally it is written beside its final
name and renamed; object stores (S3, GCS) publish an object only when its upload completes. pandas and
pyarrow skip names starting with "." or "_", so `pd.read_parquet("OUTPUT/quotes")` reads just the table.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from .inputs import filesystem
from .tables import SCHEMAS

PLAN_FORMAT = 1


class ManifestError(RuntimeError):
    """The output folder holds something this run must not overwrite silently."""


def rules_digest(rules_dir: str | os.PathLike[str]) -> str:
    """A hash of the rule files, so a resumed job cannot mix tables made under different rules."""
    digest = hashlib.sha256()
    for name in sorted(n for n in os.listdir(rules_dir) if n.endswith(".jsonl")):
        digest.update(name.encode() + b"\0")
        with open(os.path.join(rules_dir, name), "rb") as fh:
            digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()[:16]


class Output:
    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.fs, self.root = filesystem(uri)
        self.root = self.root.rstrip("/") or "/"
        self._local = isinstance(self.fs, pafs.LocalFileSystem)

    def table_path(self, table: str, shard: str) -> str:
        return f"{self.root}/{table}/{shard}.parquet"

    @property
    def manifest_dir(self) -> str:
        return f"{self.root}/_manifest"

    @property
    def plan_path(self) -> str:
        return f"{self.manifest_dir}/plan.json"

    def marker_path(self, shard: str) -> str:
        return f"{self.manifest_dir}/shards/{shard}.json"

    # ------------------------------------------------------------------------------------ writing

    def write_table(self, table: str, shard: str, data: pa.Table) -> None:
        sink = pa.BufferOutputStream()
        pq.write_table(data, sink, compression="zstd")
        self._put(self.table_path(table, shard), sink.getvalue().to_pybytes())

    def write_marker(self, shard: str, record: dict[str, Any]) -> None:
        self._put(self.marker_path(shard), _json_bytes(record))

    def write_plan(self, plan: dict[str, Any]) -> None:
        self._put(self.plan_path, _json_bytes(plan))

    def _put(self, path: str, data: bytes) -> None:
        parent = path.rsplit("/", 1)[0]
        self.fs.create_dir(parent, recursive=True)
        if not self._local:
            with self.fs.open_output_stream(path) as out:
                out.write(data)
            return
        tmp = f"{parent}/.{path.rsplit('/', 1)[1]}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
        try:
            with open(tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    # ------------------------------------------------------------------------------------ reading

    def read_plan(self) -> dict[str, Any] | None:
        return self._get_json(self.plan_path)

    def completed(self) -> dict[str, dict[str, Any]]:
        """The marker of every complete shard, by shard name."""
        selector = pafs.FileSelector(f"{self.manifest_dir}/shards", allow_not_found=True)
        done: dict[str, dict[str, Any]] = {}
        for info in self.fs.get_file_info(selector):
            name = info.base_name
            if info.type == pafs.FileType.File and name.endswith(".json") and not name.startswith("."):
                record = self._get_json(info.path)
                if record is not None:
                    done[name[:-len(".json")]] = record
        return done

    def has_tables(self) -> bool:
        return any(self.fs.get_file_info(f"{self.root}/{t}").type != pafs.FileType.NotFound for t in SCHEMAS)

    def _get_json(self, path: str) -> dict[str, Any] | None:
        try:
            with self.fs.open_input_stream(path) as fh:
                return json.loads(fh.read().decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, pa.ArrowException) as exc:
            if self.fs.get_file_info(path).type == pafs.FileType.NotFound:
                return None
            raise ManifestError(f"cannot read {path}: {exc}") from exc

    # ----------------------------------------------------------------------------------- clearing

    def clear(self) -> None:
        """--force: remove the three tables and the manifest (and nothing else in the folder)."""
        for name in (*SCHEMAS, "_manifest"):
            path = f"{self.root}/{name}"
            if self.fs.get_file_info(path).type == pafs.FileType.Directory:
                self.fs.delete_dir(path)


def compare_plans(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between the plan an output was made from and this run's, in words."""
    differences: list[str] = []
    if old.get("format") != new.get("format"):
        return [f"the manifest is of format {old.get('format')}, this quotesvc writes {new.get('format')}"]
    for key, value in new["settings"].items():
        if old["settings"].get(key) != value:
            differences.append(f"{key} was {old['settings'].get(key)!r}, now {value!r}")
    old_inputs = {i["uri"]: i for i in old["inputs"]}
    new_inputs = {i["uri"]: i for i in new["inputs"]}
    for uri in new_inputs.keys() - old_inputs.keys():
        differences.append(f"new input {uri}")
    for uri in old_inputs.keys() - new_inputs.keys():
        differences.append(f"input {uri} is no longer given")
    for uri in new_inputs.keys() & old_inputs.keys():
        a, b = old_inputs[uri], new_inputs[uri]
        if (a["size"], a["mtime_ns"]) != (b["size"], b["mtime_ns"]):
            differences.append(f"{uri} changed since (size or modification time)")
    if not differences and [i["uri"] for i in old["inputs"]] != [i["uri"] for i in new["inputs"]]:
        differences.append("the inputs are given in another order (which decides the first of duplicate ids)")
    return differences


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def totals(markers: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Articles, ok, errors by code, quotes and speakers summed over shard markers."""
    out: dict[str, Any] = {"shards": 0, "articles": 0, "ok": 0, "quotes": 0, "speakers": 0, "errors": {}}
    for m in markers:
        out["shards"] += 1
        for key in ("articles", "ok", "quotes", "speakers"):
            out[key] += m[key]
        for code, n in m["errors"].items():
            out["errors"][code] = out["errors"].get(code, 0) + n
    out["errors"] = dict(sorted(out["errors"].items()))
    return out
