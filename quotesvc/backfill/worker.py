"""The work on one shard: read its records, check them, attribute the good ones with the service's
Attributor, write the shard's three tables and then its marker.

`ShardWorker` is the class Ray Data's map_batches runs in each actor: it loads the spaCy pipeline and the
rules once, in its constructor, and is then called with shards. Nothing here imports Ray, so the same
code runs (and is tested) without it.
"""
from __future__ import annotations

import json
import logging
import os
import resource
import socket
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Sequence

from ..core.attributor import Attributor, TooManyTokens
from ..core.intake import IntakeError
from ..core.model import Article, Attribution
from ..core.nlp import load_pipeline
from ..core.rules import default_rules_dir, load_rules
from .inputs import Shard, read_shard
from .manifest import Output, rules_digest
from .records import ArticleError, ErrorCode, InputArticle, check
from .tables import ShardRows

log = logging.getLogger("quotesvc.backfill")

# A batch also ends once it holds this many characters (the Attributor's own groups go up to 64,000): the
# parse's transient memory grows with the batch's tokens (on PolNeAR's train set an actor peaked at 403 MB
# with one article per batch, 431 MB with this bound, 733 MB with 16 articles and no bound), and batching
# gains little speed on CPU. A long article goes alone.
BATCH_CHARS = 10_000


@dataclass(frozen=True)
class WorkerConfig:
    """What every actor needs to attribute as the service would. `rules_dir` None: the rules the
    installed package ships (the path on the driver may not exist on a cluster's nodes)."""

    output: str
    spacy_model: str
    rules_dir: str | None
    rules_digest: str
    max_chars: int
    max_tokens: int
    batch_size: int
    # The pipeline is loaded again after this many articles: spaCy's string store and tokenizer cache keep
    # every new word of a long run, as the service's gunicorn workers are recycled after max_requests.
    reload_after: int = 50_000


@dataclass
class ShardTask:
    shard: Shard
    # offset of an article whose id an earlier article already has -> the error message for it
    duplicates: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"shard": self.shard.to_dict(), "duplicates": list(self.duplicates.items())})

    @classmethod
    def from_json(cls, text: str) -> "ShardTask":
        data = json.loads(text)
        return cls(Shard.from_dict(data["shard"]), {int(k): v for k, v in data["duplicates"]})


@dataclass
class ShardCounts:
    articles: int = 0
    ok: int = 0
    quotes: int = 0
    speakers: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, result: Attribution | ArticleError) -> None:
        self.articles += 1
        if isinstance(result, ArticleError):
            self.errors[result.code.value] = self.errors.get(result.code.value, 0) + 1
        else:
            self.ok += 1
            self.quotes += len(result.quotes)
            self.speakers += len(result.speakers)


def attribute_each(attributor: Attributor, articles: Sequence[Article],
                   batch_size: int) -> list[Attribution | ArticleError]:
    """Each article's Attribution or error, in order, through the Attributor's own stream (nlp.pipe over
    groups of short articles; results equal one attribute() call each, which is what the service runs).
    Should a bug raise instead, each article goes again alone, so only the one that raises fails."""
    if not articles:
        return []
    try:
        return [_error_of(r) if isinstance(r, IntakeError) else r
                for r in attributor.attribute_stream(articles, batch_size)]
    except Exception:  # noqa: BLE001 - told apart article by article below
        pass
    results: list[Attribution | ArticleError] = []
    for article in articles:
        try:
            results.append(attributor.attribute(article))
        except IntakeError as exc:
            results.append(_error_of(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must cost one article, not the archive
            log.exception("internal error attributing article %r", article.id)
            results.append(ArticleError(ErrorCode.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"))
    return results


def _error_of(exc: IntakeError) -> ArticleError:
    if isinstance(exc, TooManyTokens):
        return ArticleError(ErrorCode.TOO_MANY_TOKENS, f"{exc} (QUOTESVC_MAX_TOKENS)")
    return ArticleError(ErrorCode.UNREADABLE_INPUT, str(exc))


def attribute_shard(attributor: Attributor, task: ShardTask, max_chars: int, batch_size: int,
                    on_progress: Callable[[int], None] | None = None) -> tuple[ShardRows, ShardCounts]:
    """Every record of the shard, in order, as rows of the three tables."""
    rows = ShardRows(task.shard.name, task.shard.uri)
    counts = ShardCounts()
    pending: list[InputArticle] = []
    pending_chars = 0

    def flush() -> None:
        nonlocal pending_chars
        pending_chars = 0
        articles = [item.article for item in pending if item.article is not None]
        results = iter(attribute_each(attributor, articles, batch_size))
        for item in pending:
            result = item.error if item.error is not None else next(results)
            rows.add(item, result)
            counts.add(result)
        pending.clear()
        if on_progress is not None:
            on_progress(counts.articles)

    for record in read_shard(task.shard):
        item = check(record, max_chars)
        first = task.duplicates.get(record.offset)
        if first is not None:
            item = replace(item, article=None, error=ArticleError(ErrorCode.DUPLICATE_ID, first))
        pending.append(item)
        pending_chars += len(item.article.content) if item.article is not None else 0
        if len(pending) >= batch_size or pending_chars >= BATCH_CHARS:
            flush()
    flush()
    return rows, counts


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class ShardWorker:
    """The callable class of map_batches: one per actor, pipeline and rules loaded once.

    Called with a batch {"task": [ShardTask JSON, ...]}, answers {"result": [result JSON, ...]}: the shard's
    counts once its tables and marker are written, or {"failed": message} if the shard could not be read or
    written (the job goes on; a rerun retries it). A worker process that dies is Ray's to restart: the
    task is retried and rewrites the same files.
    """

    def __init__(self, config: WorkerConfig, progress: Any = None) -> None:
        self.config = config
        self.progress = progress
        self.rules_dir = config.rules_dir or default_rules_dir()
        digest = rules_digest(self.rules_dir)
        if digest != config.rules_digest:
            raise RuntimeError(f"the rules in {self.rules_dir} on {socket.gethostname()} (digest {digest}) are not "
                               f"the driver's ({config.rules_digest}): install the same quotesvc on every node")
        self.output = Output(config.output)
        self.loads = 0
        self._load()

    def _load(self) -> None:
        self.attributor = Attributor(load_pipeline(self.config.spacy_model), load_rules(self.rules_dir),
                                     max_tokens=self.config.max_tokens)
        self.loads += 1
        self.since_load = 0

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        return {"result": [json.dumps(self.run(ShardTask.from_json(str(t)))) for t in batch["task"]]}

    def run(self, task: ShardTask) -> dict[str, Any]:
        name = task.shard.name
        if self.since_load >= self.config.reload_after:
            self._load()
        started, cpu0 = time.time(), time.process_time()
        try:
            rows, counts = attribute_shard(self.attributor, task, self.config.max_chars, self.config.batch_size,
                                           lambda done: self._report(name, done))
            marker = {"shard": name, "source": task.shard.uri, "range": [task.shard.start, task.shard.end],
                      **asdict(counts), "pipeline": self.attributor.pipeline_name,
                      "pipeline_version": self.attributor.pipeline_version,
                      "rules_digest": self.config.rules_digest, "started": started,
                      "seconds": round(time.time() - started, 3),
                      "cpu_seconds": round(time.process_time() - cpu0, 3), "worker": f"{socket.gethostname()}:{os.getpid()}",
                      "peak_rss_mb": peak_rss_mb()}
            self.write(name, rows, marker)
            self.since_load += counts.articles
        except Exception as exc:  # noqa: BLE001 - one unreadable shard must not stop the others
            log.exception("shard %s failed", name)
            return {"shard": name, "failed": f"{type(exc).__name__}: {exc}", "peak_rss_mb": peak_rss_mb()}
        return marker

    def write(self, shard: str, rows: ShardRows, marker: dict[str, Any]) -> None:
        """The three tables, then the marker that says they are complete."""
        for table, data in rows.tables().items():
            self.output.write_table(table, shard, data)
        self.output.write_marker(shard, marker)

    def _report(self, shard: str, done: int) -> None:
        if self.progress is not None:
            self.progress.report.remote(shard, done)
