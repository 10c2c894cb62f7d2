"""The backfill job on Ray: plan, skip what is complete, find duplicate ids, attribute the rest.

    shards (planning.py) -> ray.data.from_items -> map_batches(ShardWorker, actor pool) -> results

Each element of the dataset is one shard; the actor that takes it reads the shard itself, attributes it
and writes its three Parquet files under names fixed by the plan. Ray Data's own read_json/write_parquet
are not used: they name output files after blocks and write tasks, which change from run to run, so a
resumed job could neither tell what is complete nor rewrite a shard in place; and read_json fails a whole
file on one malformed line.

Without an address (--address or RAY_ADDRESS) a local Ray is started on this machine's CPUs and stopped
at the end; with one, the job runs on that cluster, whose nodes must have the same quotesvc installed
and reach the inputs and the output (s3://, gs://, or a shared file system).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, TextIO

from .inputs import FileFormat, InputError, expand
from .manifest import ManifestError, Output, compare_plans, rules_digest, totals
from .planning import Plan, find_duplicates, make_plan, scan_ids
from .progress import ProgressCounter, Reporter, Summary
from .worker import ShardTask, ShardWorker, WorkerConfig

log = logging.getLogger("quotesvc.backfill")

MIB = 1024 * 1024
SHARDS_PER_ACTOR = 2  # in flight at each actor: see _dataset
POOL_START_TIMEOUT_S = 600  # for the whole pool, when the cluster has a CPU for each worker


@dataclass
class BackfillConfig:
    inputs: list[str]
    output: str
    spacy_model: str
    rules_dir: str | None  # None: the rules the package ships
    max_chars: int
    max_tokens: int
    address: str | None = None
    num_workers: int | None = None  # None: one per CPU (of this machine, or of the cluster)
    batch_size: int = 16
    worker_memory_mb: int = 1024
    shard_mb: float = 1.0
    shard_rows: int = 1000
    input_format: FileFormat | None = None
    force: bool = False
    progress: str = "auto"  # auto, bar, log or off
    max_retries: int = 3
    ray_init: dict[str, Any] = field(default_factory=dict)  # extra ray.init arguments for a local start


class BackfillError(RuntimeError):
    """The job cannot start: bad input, or an output made from other inputs or settings."""


def run(config: BackfillConfig, worker_cls: type = ShardWorker, stream: TextIO | None = None) -> Summary:
    t0 = time.monotonic()
    output = Output(config.output)
    plan = _plan(config, output)
    existing = output.read_plan()
    if config.force:
        output.clear()
        existing = None
    elif existing is not None:
        differences = compare_plans(existing, plan.to_dict())
        if differences:
            raise BackfillError(f"{config.output} was made from other inputs or settings: " + "; ".join(differences)
                                + ". Use --force to rewrite it, or another --output.")
    elif output.has_tables():
        raise BackfillError(f"{config.output} holds tables but no manifest; use --force to rewrite it")
    done = output.completed()
    pending = [s for s in plan.shards if s.name not in done]
    summary = Summary(shards_total=len(plan.shards), shards_skipped=len(plan.shards) - len(pending))
    _say(config, stream, f"{len(plan.files)} input files in {len(plan.shards)} shards, {len(done)} complete")
    if pending:
        if existing is None:
            output.write_plan(plan.to_dict())
        _attribute(config, plan, pending, output, worker_cls, summary, stream)
        done = output.completed()
    summary.output = totals(m for name, m in done.items() if name in {s.name for s in plan.shards})
    summary.seconds = time.monotonic() - t0
    return summary


def _plan(config: BackfillConfig, output: Output) -> Plan:
    if config.shard_mb <= 0 or config.shard_rows <= 0 or config.batch_size <= 0:
        raise BackfillError("--shard-mb, --shard-rows and --batch-size must be positive")
    rules_dir = config.rules_dir or _default_rules_dir()
    try:
        files = expand(config.inputs, config.input_format, exclude=output.root)
        settings = {"spacy_model": config.spacy_model, "rules_digest": rules_digest(rules_dir),
                    "max_chars": config.max_chars, "max_tokens": config.max_tokens}
        return make_plan(files, max(1, int(config.shard_mb * MIB)), config.shard_rows, settings)
    except (InputError, ManifestError, OSError) as exc:
        raise BackfillError(str(exc)) from exc


def _default_rules_dir() -> str:
    from ..core.rules import default_rules_dir

    return str(default_rules_dir())


def _attribute(config: BackfillConfig, plan: Plan, pending: list, output: Output, worker_cls: type,
               summary: Summary, stream: TextIO | None) -> None:
    import ray

    started_here = _start_ray(config)
    try:
        workers = config.num_workers or _cpus(ray)
        summary.workers = min(workers, len(pending))
        _say(config, stream, f"reading the ids of {len(plan.shards)} shards (duplicates, article count)")
        duplicates, records = _scan(ray, plan)
        pending_names = {s.name for s in pending}
        total = sum(n for s, n in zip(plan.shards, records) if s.name in pending_names)
        _say(config, stream, f"attributing {total} articles in {len(pending)} shards with {summary.workers} workers")
        # A local output as an absolute path: a worker's current folder is not the driver's.
        worker_output = output.root if "://" not in config.output else config.output
        wc = WorkerConfig(output=worker_output, spacy_model=config.spacy_model, rules_dir=config.rules_dir,
                          rules_digest=plan.settings["rules_digest"], max_chars=config.max_chars,
                          max_tokens=config.max_tokens, batch_size=config.batch_size)
        counter = ray.remote(num_cpus=0)(ProgressCounter).remote()
        dataset = _dataset(ray, config, wc, counter, worker_cls, summary.workers,
                           [ShardTask(s, duplicates.get(s.name, {})) for s in pending],
                           pool_fits=_pool_fits(ray, summary.workers))
        first_start, last_end = float("inf"), 0.0
        received: set[str] = set()
        try:
            with Reporter(total, config.progress, lambda: ray.get(counter.total.remote(), timeout=10),
                          stream) as reporter:
                for row in dataset.iter_rows():
                    result = json.loads(row["result"])
                    received.add(result["shard"])
                    if "failed" in result:
                        summary.failed[result["shard"]] = result["failed"]
                        continue
                    summary.add(result)
                    reporter.shard_done(result["articles"])
                    first_start = min(first_start, result["started"])
                    last_end = max(last_end, result["started"] + result["seconds"])
        finally:
            # Else it outlives the job in a Ray that goes on (a cluster, an embedding program, the tests).
            ray.kill(counter)
        for name in sorted(pending_names - received):
            summary.failed[name] = (f"its worker died on every one of {config.max_retries + 1} tries "
                                    "(see the Ray logs)")
        summary.attribution_seconds = max(0.0, last_end - first_start)
    finally:
        if started_here:
            ray.shutdown()


def _say(config: BackfillConfig, stream: TextIO | None, message: str) -> None:
    if config.progress != "off":
        print(f"backfill: {message}", file=stream or sys.stderr, flush=True)


def _start_ray(config: BackfillConfig) -> bool:
    """Connect to the cluster named by --address or RAY_ADDRESS, else start Ray here; False if this
    process already had Ray running (an embedding program or the tests), which it then keeps."""
    import ray

    if ray.is_initialized():
        return False
    address = config.address or os.environ.get("RAY_ADDRESS")
    if address:
        if "://" not in config.output:
            log.warning("the output %s is a local path: on a cluster each node writes there on its own disk "
                        "unless it is a shared file system; an s3:// or gs:// URI is safer", config.output)
        ray.init(address=address, logging_level=logging.WARNING)
        return True
    cpus = _local_cpus()
    start_local_ray(num_cpus=max(cpus, config.num_workers or cpus), **config.ray_init)
    return True


# Ray gives a new local node a fixed 30 s to register with its GCS (ray/_private/node.py, not a setting);
# on a small machine busy with other work that window is sometimes missed, and a second start succeeds.
LOCAL_START_ATTEMPTS = 3


def start_local_ray(**init: Any) -> None:
    """Start a new local Ray (address "local": never join another Ray running on this machine, as
    address=None would), retrying when the node misses Ray's start-up window; other errors are raised."""
    import ray

    for attempt in range(1, LOCAL_START_ATTEMPTS + 1):
        try:
            ray.init(address="local", include_dashboard=False, logging_level=logging.WARNING, **init)
            return
        except Exception as e:  # Ray raises a bare Exception for this; anything else is re-raised at once
            if "timed out during startup" not in str(e) or attempt == LOCAL_START_ATTEMPTS:
                raise
            log.warning("local Ray did not start in time (attempt %d of %d, the machine may be busy): "
                        "starting it again", attempt, LOCAL_START_ATTEMPTS)
            ray.shutdown()


def _local_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _cpus(ray: Any) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _pool_fits(ray: Any, workers: int) -> bool:
    """Whether every actor can start now: on one machine, if it has the CPUs (others' work there only
    slows them); on a cluster, if that many CPUs are free (busy with other jobs, or scaling up, it has not)."""
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    cpus = ray.cluster_resources() if len(nodes) == 1 else ray.available_resources()
    return workers <= cpus.get("CPU", 0)


def _scan(ray: Any, plan: Plan) -> tuple[dict[str, dict[int, str]], list[int]]:
    """Every shard's ids, read in parallel Ray tasks: the duplicates and the record count of each shard."""
    scan = ray.remote(num_cpus=1, max_retries=3)(scan_ids)
    results = ray.get([scan.remote(s) for s in plan.shards])
    return find_duplicates(plan.shards, [t for t, _ in results]), [n for _, n in results]


def _dataset(ray: Any, config: BackfillConfig, wc: WorkerConfig, counter: Any, worker_cls: type, workers: int,
             tasks: list[ShardTask], pool_fits: bool) -> Any:
    import ray.data
    from ray.data.context import DEFAULT_WAIT_FOR_MIN_ACTORS_S

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # ours counts articles, not blocks
    # A shard whose worker dies on every retry is reported, not fatal: the others still complete.
    ctx.max_errored_blocks = -1
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if pool_fits:
        # Ray Data's default hands shards to the first actor ready while the others still load the
        # pipeline, so one worker runs alone for the first seconds (1.5 s of a 20 s run with 2 workers
        # here). When every actor can start now (always locally), waiting for the whole pool costs
        # nothing; when not (a busy cluster, or one scaling up), the job starts with the actors there.
        ctx.wait_for_min_actors_s = POOL_START_TIMEOUT_S
    else:
        ctx.wait_for_min_actors_s = DEFAULT_WAIT_FOR_MIN_ACTORS_S
    items = [{"task": t.to_json()} for t in tasks]
    dataset = ray.data.from_items(items, override_num_blocks=len(items))  # one block, one task per shard
    with warnings.catch_warnings():
        # Ray 2.60 has no named parameter for the retry bound, only the deprecated **ray_remote_args; Ray
        # Data's default is to retry forever, which an article that kills its worker every time would do.
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
        return dataset.map_batches(
            worker_cls, batch_size=1, fn_constructor_kwargs={"config": wc, "progress": counter},
            # Two shards per actor: the next one waits at the actor, so it starts the moment the last ends.
            # With one, each shard waited for the driver to see the last one done and send another: 0.2 s
            # per shard with both cores busy, a fifth of each worker's time with 0.05 MiB shards. A shard
            # queued behind a busy actor can leave another idle at the job's end, one shard at most.
            compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=SHARDS_PER_ACTOR),
            num_cpus=1, memory=config.worker_memory_mb * MIB,
            max_restarts=-1, max_task_retries=config.max_retries)
