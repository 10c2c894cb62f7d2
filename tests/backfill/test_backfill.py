"""The backfill on a local Ray (2 CPUs): every article once, the service's results, and nothing lost or
doubled when a worker or the driver is killed."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from quotesvc import cli
from quotesvc.backfill import BackfillConfig, run
from quotesvc.backfill.inputs import expand, plan_shards
from tests.backfill.conftest import DEFAULTS, assert_matches_corpus, read_tables
from tests.backfill.faults import blocking_worker, crash_once_worker

REPO = Path(__file__).resolve().parents[2]
# Small shards, so the corpus makes ten of them: 2 KiB of JSON Lines, or 3 Parquet rows.
SHARD_MB, SHARD_ROWS = 0.002, 3
SHARDING = ["--shard-mb", str(SHARD_MB), "--shard-rows", str(SHARD_ROWS), "--num-workers", "2", "--batch-size", "4"]


def backfill_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["backfill", *argv])
    return status, out.getvalue(), err.getvalue()


def config(inputs: list[str], output: Path, **overrides) -> BackfillConfig:
    return BackfillConfig(inputs=inputs, output=str(output), spacy_model=DEFAULTS.SPACY_MODEL, rules_dir=None,
                          max_chars=DEFAULTS.MAX_CHARS, max_tokens=DEFAULTS.MAX_TOKENS, num_workers=2, batch_size=4,
                          shard_mb=SHARD_MB, shard_rows=SHARD_ROWS, progress="off", **overrides)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, local_ray, corpus, corpus_inputs):
    """One uninterrupted run through the command line; the tables every other run must equal."""
    output = tmp_path_factory.mktemp("reference")
    status, out, err = backfill_cli([*corpus_inputs, "--output", str(output), *SHARDING, "--json"])
    assert status == 0, err
    return output, json.loads(out)


def test_every_article_once_with_the_services_results(reference, corpus, service):
    output, summary = reference
    _, expected = corpus
    tables = read_tables(output)
    assert_matches_corpus(tables, expected, service)
    assert summary["complete"] and summary["shards"]["done"] == summary["shards"]["total"] == 10
    run_counts, totals = summary["run"], summary["output"]
    assert run_counts["articles"] == totals["articles"] == len(expected)
    assert totals["ok"] == sum(e.status == "ok" for e in expected)
    errors: dict[str, int] = {}
    for e in expected:
        if e.code:
            errors[e.code] = errors.get(e.code, 0) + 1
    assert totals["errors"] == errors
    assert totals["quotes"] == sum(len(rows) for rows in tables["quotes"].values())
    assert totals["speakers"] == sum(len(rows) for rows in tables["speakers"].values())
    assert 0 < run_counts["peak_actor_rss_mb"]
    # Three tables of one file per shard, and a marker per shard.
    names = {p.stem for p in (output / "_manifest" / "shards").glob("*.json")}
    for table in ("articles", "quotes", "speakers"):
        assert {p.stem for p in (output / table).glob("*.parquet")} == names
    assert not list(output.rglob("*.tmp"))


def test_rerun_skips_everything_and_changes_nothing(reference, corpus_inputs):
    output, first = reference
    before = snapshot(output)
    status, out, err = backfill_cli([*corpus_inputs, "--output", str(output), *SHARDING, "--json"])
    assert status == 0, err
    summary = json.loads(out)
    assert summary["shards"] == {"total": 10, "skipped": 10, "done": 0, "failed": 0}
    assert summary["output"] == first["output"] and summary["complete"]
    assert snapshot(output) == before


def test_an_output_made_otherwise_is_not_mixed(reference, corpus_inputs):
    output, _ = reference
    before = snapshot(output)
    status, _, err = backfill_cli([*corpus_inputs, "--output", str(output), "--shard-mb", "0.004"])
    assert status == 2 and "shard_bytes" in err and "--force" in err
    status, _, err = backfill_cli([*corpus_inputs[:2], "--output", str(output), *SHARDING])
    assert status == 2 and "no longer given" in err
    assert snapshot(output) == before


def test_force_rewrites_every_shard(reference, corpus_inputs, tmp_path):
    output = tmp_path / "out"
    shutil.copytree(reference[0], output)
    (output / "quotes" / "stale-00000.parquet").write_bytes(b"left from an older run")
    status, out, err = backfill_cli([*corpus_inputs, "--output", str(output), *SHARDING, "--json", "--force"])
    assert status == 0, err
    assert json.loads(out)["shards"] == {"total": 10, "skipped": 0, "done": 10, "failed": 0}
    assert read_tables(output) == read_tables(reference[0])


def test_a_job_leaves_no_actor_alive_in_the_ray_that_goes_on(reference, corpus_inputs, tmp_path):
    """The tests' Ray, like a cluster or an embedding program, outlives the job: the job's actors must not
    (Ray Data's own, _StatsActor and the like, are Ray Data's to keep)."""
    from ray._private import state  # Ray's own listing of the GCS's actors; the public one needs a dashboard

    def alive() -> set[str]:
        return {(a["ActorID"], a["ActorClassName"]) for a in state.actors().values()
                if a["State"] == "ALIVE" and a["ActorClassName"].endswith(("ProgressCounter", "(ShardWorker))"))}

    before = alive()
    summary = run(config(corpus_inputs, tmp_path / "out"))
    assert summary.complete
    # An actor is reported dead once its process has gone. The bound only stops a hung test: on a loaded CI
    # machine (both cores busy) Ray's own processes took over 60 s to report it, so it is generous.
    deadline = time.monotonic() + 600
    while alive() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert alive() - before == set()


def test_a_worker_killed_mid_shard_loses_and_duplicates_nothing(reference, corpus_inputs, tmp_path):
    shards = [s for f in expand(corpus_inputs) for s in plan_shards(f, int(SHARD_MB * 2**20), SHARD_ROWS)]
    victim = shards[1].name
    flags = tmp_path / "flags"
    flags.mkdir()
    output = tmp_path / "out"
    summary = run(config(corpus_inputs, output), worker_cls=crash_once_worker(str(flags), victim))
    assert (flags / "crashed").exists(), "the worker was never killed"
    assert summary.complete and summary.shards_done == 10, summary.failed
    assert read_tables(output) == read_tables(reference[0])


DRIVER = """
import json, sys
from quotesvc.backfill import BackfillConfig, run
from tests.backfill.faults import blocking_worker
run(BackfillConfig(**json.loads(sys.argv[1])), worker_cls=blocking_worker(sys.argv[2], int(sys.argv[3])))
"""


def test_an_interrupted_job_resumes_to_the_same_tables(reference, corpus_inputs, tmp_path):
    output, flags = tmp_path / "out", tmp_path / "flags"
    flags.mkdir()
    log = (tmp_path / "driver.log").open("wb")
    # The driver in its own process group with its own local Ray; its workers stop after 3 shards.
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(asdict(config(corpus_inputs, output))),
                               str(flags), "3"], cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 600  # a guard against a hang, not a speed requirement
        while len(list(flags.glob("blocked-*"))) < 2:
            assert driver.poll() is None, (tmp_path / "driver.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "the workers never stopped"
            time.sleep(0.5)
    finally:
        _kill_group(driver.pid)
        driver.wait()
    done_before = {p.stem for p in (output / "_manifest" / "shards").glob("*.json")}
    assert 3 <= len(done_before) < 10

    summary = run(config(corpus_inputs, output))
    assert summary.complete and summary.shards_skipped == len(done_before)
    assert summary.shards_done == 10 - len(done_before)
    assert read_tables(output) == read_tables(reference[0])


def _kill_group(pgid: int) -> None:
    """SIGKILL the driver's process group (the driver and the local Ray it started), then any of its
    processes still there."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    for _ in range(50):
        left = [pid for pid in _group(pgid) if pid != os.getpid()]
        if not left:
            return
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)


def _group(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(entry))
    return pids
