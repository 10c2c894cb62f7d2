"""Where the articles come from: inputs expanded to files, files cut into deterministic shards, and a
shard's records read back.

An input is a local path or anything pyarrow.fs opens (s3://, gs://, hdfs://, file://), a file or a
folder (every JSON Lines or Parquet file under it, sorted). A shard is a fixed piece of one file, named
from the file and its number, so the same input always gives the same shards:

- uncompressed JSON Lines: a byte range; a line belongs to the shard its first byte falls in (how
  Hadoop splits text), so a shard can be planned from the file's size without reading it;
- compressed JSON Lines (.gz, .bz2, .zst): the whole file, as a compressed stream cannot be entered
  in the middle;
- Parquet: consecutive row groups, packed until they hold at least `shard_rows` rows (a row group is
  never split: Parquet reads whole row groups).

Records are read with the standard json module line by line rather than with pyarrow's JSON reader
(or ray.data.read_json, which uses it), because one malformed line must become one error row, not
fail the whole file, and because fields may change type from line to line.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterator, Literal

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

FileFormat = Literal["jsonl", "parquet"]

_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}
_CHUNK = 1 << 20
_FS_ERRORS = (pa.ArrowException, OSError, ValueError)


class InputError(ValueError):
    """An input that cannot be planned at all: missing, unreadable, or of an unknown format."""


@dataclass(frozen=True, slots=True)
class InputFile:
    uri: str  # as the workers open it: an absolute local path or a URI
    fmt: FileFormat
    size: int
    mtime_ns: int | None
    compression: str | None = None


@dataclass(frozen=True, slots=True)
class Shard:
    """A fixed piece of one input file. JSON Lines: bytes [start, end) (end -1: to the end of a compressed
    file); Parquet: row groups [start, end), whose first row is row `first_row` of the file."""

    name: str
    uri: str
    fmt: FileFormat
    start: int
    end: int
    first_row: int = 0
    compression: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Shard":
        return cls(**data)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input article as read: its position in the file (byte offset of its line for JSON Lines, row
    number for Parquet) and its fields, or why they could not be read."""

    offset: int
    fields: dict[str, Any] | None
    problem: str | None = None  # why the line is not a JSON object


# ------------------------------------------------------------------------------------- filesystems


def filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow filesystem and path for a local path (relative ones made absolute) or a URI."""
    if "://" not in uri:
        return pafs.LocalFileSystem(), os.path.abspath(os.path.expanduser(uri))
    try:
        return pafs.FileSystem.from_uri(uri)
    except _FS_ERRORS as exc:
        raise InputError(f"cannot open {uri}: {exc}") from None


def format_of(path: str, forced: FileFormat | None = None) -> tuple[FileFormat | None, str | None]:
    """(format, compression) from the file name; None for a name that is neither JSON Lines nor Parquet."""
    name = path.lower()
    compression = None
    for suffix, codec in _COMPRESSIONS.items():
        if name.endswith(suffix):
            compression, name = codec, name[: -len(suffix)]
    if forced is not None:
        if forced == "parquet" and compression:
            raise InputError(f"{path}: a compressed Parquet file is not readable (Parquet compresses inside)")
        return forced, compression
    if name.endswith(_JSONL_SUFFIXES):
        return "jsonl", compression
    if name.endswith(_PARQUET_SUFFIXES) and compression is None:
        return "parquet", None
    return None, None


def expand(inputs: list[str], forced: FileFormat | None = None, exclude: str | None = None) -> list[InputFile]:
    """Every input file, in the order given (a folder's files sorted by path, leaving out the folder
    `exclude`: the output, when it lies inside an input folder); fails on a missing input, an empty
    folder, a file of unknown format or a file named twice."""
    files: list[InputFile] = []
    for given in inputs:
        fs, path = filesystem(given)
        # Local paths are made absolute, so the shard names do not depend on the current folder.
        base = path if "://" not in given else given.rstrip("/")
        try:
            info = fs.get_file_info(path)
        except _FS_ERRORS as exc:
            raise InputError(f"cannot read {given}: {exc}") from None
        if info.type == pafs.FileType.NotFound:
            raise InputError(f"no such file or folder: {given}")
        if info.type == pafs.FileType.Directory:
            found = []
            for child in fs.get_file_info(pafs.FileSelector(path, recursive=True)):
                rel = child.path[len(path):].lstrip("/")
                if child.type != pafs.FileType.File or any(p[:1] in "._" for p in rel.split("/")):
                    continue
                if exclude is not None and child.path.startswith(exclude.rstrip("/") + "/"):
                    continue
                fmt, compression = format_of(child.path, forced)
                if fmt is not None:
                    found.append(InputFile(f"{base.rstrip('/')}/{rel}", fmt, child.size, child.mtime_ns,
                                           compression))
            if not found:
                raise InputError(f"{given} holds no .jsonl, .ndjson, .json or .parquet file")
            files.extend(sorted(found, key=lambda f: f.uri))
            continue
        fmt, compression = format_of(path, forced)
        if fmt is None:
            raise InputError(f"{given}: not a .jsonl, .ndjson, .json or .parquet file name; "
                             "say which with --input-format")
        files.append(InputFile(base, fmt, info.size, info.mtime_ns, compression))
    seen: set[str] = set()
    for f in files:
        if f.uri in seen:
            raise InputError(f"{f.uri} is given twice")
        seen.add(f.uri)
    return files


# ---------------------------------------------------------------------------------------- planning


def shard_prefix(uri: str) -> str:
    """The file's name (without extensions, made safe for a file name) and a hash of its full URI, so two
    files of one name in different folders never share shard names."""
    base = uri.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0] or "input"
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", base)[:60]
    return f"{safe}-{hashlib.sha256(uri.encode('utf-8')).hexdigest()[:8]}"


def plan_shards(f: InputFile, shard_bytes: int, shard_rows: int) -> list[Shard]:
    prefix = shard_prefix(f.uri)

    def name(i: int) -> str:
        return f"{prefix}-{i:05d}"

    if f.fmt == "jsonl":
        if f.compression is not None:
            return [Shard(name(0), f.uri, "jsonl", 0, -1, compression=f.compression)]
        n = max(1, math.ceil(f.size / shard_bytes))
        return [Shard(name(i), f.uri, "jsonl", i * shard_bytes, min(f.size, (i + 1) * shard_bytes))
                for i in range(n)]
    meta = _parquet_metadata(f.uri)
    shards: list[Shard] = []
    group, row = 0, 0
    while group < meta.num_row_groups or not shards:
        first_group, first_row = group, row
        while group < meta.num_row_groups and row - first_row < shard_rows:
            row += meta.row_group(group).num_rows
            group += 1
        shards.append(Shard(name(len(shards)), f.uri, "parquet", first_group, group, first_row))
    return shards


def _parquet_metadata(uri: str) -> pq.FileMetaData:
    fs, path = filesystem(uri)
    try:
        with fs.open_input_file(path) as fh:
            return pq.ParquetFile(fh).metadata
    except _FS_ERRORS as exc:
        raise InputError(f"{uri} is not a readable Parquet file: {exc}") from None


# ----------------------------------------------------------------------------------------- reading


def read_shard(shard: Shard, columns: list[str] | None = None) -> Iterator[RawRecord]:
    """The shard's records in file order. Blank lines are not articles and are skipped. `columns` limits a
    Parquet read (a JSON line is always parsed whole)."""
    if shard.fmt == "parquet":
        yield from _parquet_records(shard, columns)
    else:
        for offset, line in _jsonl_lines(shard):
            if line.strip():
                yield _parse_line(offset, line)


def _parse_line(offset: int, line: bytes) -> RawRecord:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RawRecord(offset, None, f"the line is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return RawRecord(offset, None, f"the line is not valid JSON: {exc.msg} at character {exc.pos}")
    except RecursionError:
        return RawRecord(offset, None, "the line is not valid JSON: nested too deeply")
    if not isinstance(value, dict):
        return RawRecord(offset, None, f"the line is a JSON {type(value).__name__}, not an object")
    return RawRecord(offset, value)


def _jsonl_lines(shard: Shard) -> Iterator[tuple[int, bytes]]:
    """(offset, line without its newline) for every line whose first byte lies in the shard's range."""
    fs, path = filesystem(shard.uri)
    if shard.compression is not None:
        with fs.open_input_stream(path, compression=shard.compression) as fh:
            yield from _split_lines(fh.read, 0)
        return
    with fs.open_input_file(path) as fh:
        # From the byte before the range: a line starts at `start` only if that byte ends a line.
        begin = max(shard.start - 1, 0)
        fh.seek(begin)
        lines = _split_lines(fh.read, begin)
        if shard.start > 0:
            next(lines, None)  # the end of a line that began in the previous shard (or an empty one)
        for offset, line in lines:
            if offset >= shard.end:
                break
            yield offset, line


def _split_lines(read: Callable[[int], bytes], base: int) -> Iterator[tuple[int, bytes]]:
    pending: list[bytes] = []
    line_start = base
    pos = base
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            break
        i = 0
        while (nl := chunk.find(b"\n", i)) >= 0:
            pending.append(chunk[i:nl])
            yield line_start, b"".join(pending)
            pending.clear()
            line_start = pos + nl + 1
            i = nl + 1
        pending.append(chunk[i:])
        pos += len(chunk)
    if any(pending):
        yield line_start, b"".join(pending)


def _parquet_records(shard: Shard, columns: list[str] | None) -> Iterator[RawRecord]:
    fs, path = filesystem(shard.uri)
    with fs.open_input_file(path) as fh:
        pf = pq.ParquetFile(fh)
        if columns is not None:
            columns = [c for c in columns if c in pf.schema_arrow.names]
        row = shard.first_row
        for group in range(shard.start, shard.end):
            table = pf.read_row_group(group, columns=columns)
            if columns == []:  # no such column: rows without fields, still counted
                records: list[dict[str, Any]] = [{} for _ in range(pf.metadata.row_group(group).num_rows)]
            else:
                records = table.to_pylist()
            for fields in records:
                yield RawRecord(row, fields)
                row += 1
