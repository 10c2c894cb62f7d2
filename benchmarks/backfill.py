#!/usr/bin/env python
"""Backfill throughput on a local Ray: 1 worker against 2, per core against bare spaCy, memory per actor.

    python benchmarks/backfill.py CORPUS.jsonl [--limit N] [--shard-mb 0.1] [--batch-size 16] [--repeat 1]

CORPUS is JSON Lines with "text" (and "id") per line, e.g. ../shared/eval/polnear_train.jsonl; its texts
are written, as {id, text} only, to a temporary folder that is deleted at the end. In one process:

  (a) bare spaCy: nlp.pipe over the texts on one core (the pipeline quotesvc loads), after one untimed pass;
  (b) `quotesvc backfill` with 1 worker, then with 2, on a local Ray started once with 2 CPUs.

A backfill's rate is its articles over its attribution time: from the first shard's start to the last
shard's end, so Ray's start and the actors' pipeline loading (a fixed cost, seconds per job) are left
out; the whole run's time is printed too. With --repeat R each backfill runs R times, alternating, and the
fastest counts. Peak memory per actor is the largest ru_maxrss any actor reported (its whole process:
Ray's worker runtime, the pipeline and the rules). Progress goes to stderr, the results to stdout.
"""
from __future__ import annotations

import os

# As in a Ray worker with num_cpus=1: one thread for numpy's BLAS, so the bare run is one core too.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Ray starts its workers at nice 15; on a machine shared with other work they would then get less CPU than
# the bare run in this process (nice 0), and the per-core comparison would measure the scheduler.
os.environ.setdefault("RAY_worker_niceness", "0")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, help="use the first N texts")
    ap.add_argument("--shard-mb", type=float, default=0.1, help="shard size (default 0.1 MiB: dozens of shards)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each backfill; the fastest counts")
    args = ap.parse_args()

    texts = []
    with args.corpus.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if line.strip():
                doc = json.loads(line)
                texts.append((str(doc.get("id", n)), doc["text"]))
            if args.limit and len(texts) >= args.limit:
                break

    from quotesvc.core.nlp import load_pipeline

    nlp = load_pipeline()
    log(f"(a) bare nlp.pipe over {len(texts)} texts, one untimed pass first")
    list(nlp.pipe((t for _, t in texts), batch_size=args.batch_size))
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe((t for _, t in texts), batch_size=args.batch_size))
    bare_s, bare_cpu = time.perf_counter() - t0, time.process_time() - c0
    del nlp

    import ray

    from quotesvc.backfill import BackfillConfig, run
    from quotesvc.service.settings import Settings

    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="quotesvc-backfill-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for doc_id, text in texts:
                out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
        best: dict[int, dict] = {}
        rates: dict[int, list[float]] = {1: [], 2: []}
        try:
            for r in range(args.repeat):
                for workers in ((1, 2) if r % 2 == 0 else (2, 1)):  # 1 2 2 1 ...: drifting load hits both
                    log(f"(b) backfill with {workers} worker(s), run {r + 1}/{args.repeat}")
                    config = BackfillConfig(
                        inputs=[str(corpus)], output=str(Path(tmp) / f"out{workers}"), spacy_model=settings.SPACY_MODEL,
                        rules_dir=None, max_chars=settings.MAX_CHARS, max_tokens=settings.MAX_TOKENS,
                        num_workers=workers, batch_size=args.batch_size, shard_mb=args.shard_mb, progress="off",
                        force=True)
                    s = run(config)
                    if not s.complete:
                        log(f"backfill failed: {s.failed}")
                        return 1
                    result = {"articles": s.run_articles, "seconds": s.seconds, "attr_s": s.attribution_seconds,
                              "cpu_s": s.cpu_seconds, "rss": s.peak_rss_mb, "shards": s.shards_done,
                              "errors": sum(s.run_errors.values())}
                    rates[workers].append(result["articles"] / result["attr_s"])
                    if workers not in best or result["attr_s"] < best[workers]["attr_s"]:
                        best[workers] = result
        finally:
            ray.shutdown()

    n = len(texts)
    bare_rate = n / bare_s
    one, two = best[1], best[2]
    rate1, rate2 = one["articles"] / one["attr_s"], two["articles"] / two["attr_s"]
    print(f"corpus: {args.corpus.name}, {n} texts, {tokens} tokens; shards of {args.shard_mb} MiB "
          f"({one['shards']} shards), batch size {args.batch_size}, best of {args.repeat}")
    print(f"{'':30s} {'articles/s':>10s} {'tokens/s':>9s} {'wall s':>7s} {'run s':>6s} {'CPU s':>7s} "
          f"{'core share':>10s} {'art./CPU s':>10s} {'peak MB':>8s}")
    print(f"{'(a) bare nlp.pipe, 1 core':30s} {bare_rate:10.2f} {tokens / bare_s:9.0f} {bare_s:7.1f} {'':>6s} "
          f"{bare_cpu:7.1f} {bare_cpu / bare_s:10.2f} {n / bare_cpu:10.2f} {'':>8s}")
    for label, r, rate, w in (("(b) backfill, 1 worker", one, rate1, 1), ("(b) backfill, 2 workers", two, rate2, 2)):
        print(f"{label:30s} {rate:10.2f} {tokens / r['attr_s']:9.0f} {r['attr_s']:7.1f} {r['seconds']:6.1f} "
              f"{r['cpu_s']:7.1f} {r['cpu_s'] / (r['attr_s'] * w):10.2f} {r['articles'] / r['cpu_s']:10.2f} "
              f"{r['rss']:8.0f}")
    print(f"2 workers / 1 worker: {rate2 / rate1:.2f}x in wall-clock articles/s (target >= 1.7x on 2 cores); "
          f"articles per CPU second {two['articles'] / two['cpu_s'] / (one['articles'] / one['cpu_s']):.2f}x")
    if args.repeat > 1:
        runs = "; ".join(f"{w} worker{'s' if w > 1 else ''} " + ", ".join(f"{r:.2f}" for r in rates[w]) for w in (1, 2))
        print(f"every run in articles/s, in the order run: {runs}; ratio of the medians "
              f"{statistics.median(rates[2]) / statistics.median(rates[1]):.2f}x")
    print(f"per core, 1 worker / bare nlp.pipe: {rate1 / bare_rate:.2f} in articles/s, "
          f"{one['articles'] / one['cpu_s'] / (n / bare_cpu):.2f} in articles per CPU second; "
          f"2 workers per core / bare: {rate2 / 2 / bare_rate:.2f}")
    print(f"per-core rate: {rate2 / 2:.2f} articles/s ({tokens / two['attr_s'] / 2:.0f} tokens/s) with 2 workers; "
          f"{two['articles'] / two['cpu_s']:.2f} articles per CPU second")
    print(f"peak memory per actor: {max(one['rss'], two['rss']):.0f} MB (target <= 500 MB)")
    print("core share: the CPU time the process(es) used over wall time and workers; below 1 the machine was "
          "busy with other work, and the wall-clock rates understate what the cores do")
    if one["errors"] or two["errors"]:
        print(f"error rows: {one['errors']} (1 worker), {two['errors']} (2 workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
