"""Progress while the job runs and the summary at its end.

The workers report, after each nlp batch, how many articles of their shard are done to one small
counter actor; the driver polls it twice a second. A retried shard reports from zero again and
overwrites its count, so a retry never counts twice.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

log = logging.getLogger("quotesvc.backfill")


class ProgressCounter:
    """Run as a Ray actor (no CPU): articles done per shard."""

    def __init__(self) -> None:
        self.done: dict[str, int] = {}

    def report(self, shard: str, done: int) -> None:
        self.done[shard] = done

    def total(self) -> int:
        return sum(self.done.values())


class Reporter:
    """A progress bar on a terminal (tqdm: done/total, articles/s, ETA), else a log line every
    `log_every` seconds, or nothing."""

    def __init__(self, total: int, mode: str, poll: Callable[[], int], stream: TextIO | None = None,
                 log_every: float = 30.0) -> None:
        self.total = total
        self.poll = poll
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "log"
        self.mode = mode
        self.log_every = log_every
        self.floor = 0  # articles known done from finished shards, whatever the counter says
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Any = None
        self._t0 = time.monotonic()

    def __enter__(self) -> "Reporter":
        if self.mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, unit="article", file=self.stream, dynamic_ncols=True,
                             smoothing=0.1, desc="backfill")
        if self.mode != "off":
            self._thread = threading.Thread(target=self._loop, name="backfill-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._update(final=True)
            self._bar.close()

    def shard_done(self, articles: int) -> None:
        self.floor += articles

    def _loop(self) -> None:
        last_log = time.monotonic()
        while not self._stop.wait(0.5 if self.mode == "bar" else 2.0):
            done = self._update()
            if self.mode == "log" and time.monotonic() - last_log >= self.log_every:
                last_log = time.monotonic()
                elapsed = time.monotonic() - self._t0
                rate = done / elapsed if elapsed > 0 else 0.0
                eta = (self.total - done) / rate if rate > 0 else float("nan")
                print(f"backfill: {done}/{self.total} articles, {rate:.1f}/s, ETA {_duration(eta)}",
                      file=self.stream, flush=True)

    def _update(self, final: bool = False) -> int:
        try:
            done = self.poll()
        except Exception:  # noqa: BLE001 - progress must never break the job
            done = 0
        done = min(self.total, max(done, self.floor))
        if self._bar is not None and done > self._bar.n:
            self._bar.update(done - self._bar.n)
        return done


def _duration(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "?"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


@dataclass
class Summary:
    """What one run did (`run_*`: this run's shards) and what the output now holds (`output`)."""

    shards_total: int
    shards_skipped: int
    shards_done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    run_articles: int = 0
    run_ok: int = 0
    run_quotes: int = 0
    run_speakers: int = 0
    run_errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    busy_seconds: float = 0.0  # the workers' time inside shards, summed
    cpu_seconds: float = 0.0  # the CPU time the workers' processes used inside shards, summed
    attribution_seconds: float = 0.0  # from the first shard's start to the last shard's end
    workers: int = 0
    peak_rss_mb: float = 0.0
    output: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.failed and self.shards_skipped + self.shards_done == self.shards_total

    def add(self, marker: dict[str, Any]) -> None:
        self.shards_done += 1
        self.run_articles += marker["articles"]
        self.run_ok += marker["ok"]
        self.run_quotes += marker["quotes"]
        self.run_speakers += marker["speakers"]
        for code, n in marker["errors"].items():
            self.run_errors[code] = self.run_errors.get(code, 0) + n
        self.busy_seconds += marker["seconds"]
        self.cpu_seconds += marker.get("cpu_seconds", 0.0)
        self.peak_rss_mb = max(self.peak_rss_mb, marker.get("peak_rss_mb", 0.0))

    def to_dict(self) -> dict[str, Any]:
        return {"shards": {"total": self.shards_total, "skipped": self.shards_skipped, "done": self.shards_done,
                           "failed": len(self.failed)},
                "run": {"articles": self.run_articles, "ok": self.run_ok, "errors": dict(sorted(self.run_errors.items())),
                        "quotes": self.run_quotes, "speakers": self.run_speakers, "seconds": round(self.seconds, 2),
                        "articles_per_s": _rate(self.run_articles, self.seconds), "workers": self.workers,
                        "per_core_articles_per_s": _rate(self.run_articles, self.seconds * self.workers),
                        "per_core_busy_articles_per_s": _rate(self.run_articles, self.busy_seconds),
                        "articles_per_cpu_s": _rate(self.run_articles, self.cpu_seconds),
                        "attribution_seconds": round(self.attribution_seconds, 2),
                        "peak_actor_rss_mb": self.peak_rss_mb},
                "failed": self.failed, "output": self.output, "complete": self.complete}

    def format(self) -> str:
        d = self.to_dict()
        run, out = d["run"], self.output
        lines = [f"shards: {self.shards_total} planned, {self.shards_skipped} already complete (skipped), "
                 f"{self.shards_done} done now, {len(self.failed)} failed"]
        if self.shards_done:
            lines += [
                f"this run: {run['articles']} articles ({run['ok']} ok, {sum(self.run_errors.values())} errors"
                f"{_codes(self.run_errors)}), {run['quotes']} quotes, {run['speakers']} speakers",
                f"time: {run['seconds']:.1f} s with {self.workers} workers: {run['articles_per_s']:.2f} articles/s; "
                f"per core {run['per_core_articles_per_s']:.2f} articles/s over the run, "
                f"{run['per_core_busy_articles_per_s']:.2f} while attributing; "
                f"peak actor memory {self.peak_rss_mb:.0f} MB"]
        if out:
            lines.append(f"output: {out['articles']} articles ({out['ok']} ok, {sum(out['errors'].values())} errors"
                         f"{_codes(out['errors'])}), {out['quotes']} quotes, {out['speakers']} speakers "
                         f"in {out['shards']}/{self.shards_total} shards")
        for shard, why in sorted(self.failed.items()):
            lines.append(f"FAILED {shard}: {why}")
        if self.failed:
            lines.append("rerun the same command to retry the failed shards (complete ones are skipped)")
        return "\n".join(lines)


def _codes(errors: dict[str, int]) -> str:
    return (": " + ", ".join(f"{code} {n}" for code, n in sorted(errors.items()))) if errors else ""


def _rate(n: float, seconds: float) -> float:
    return round(n / seconds, 3) if seconds > 0 else 0.0
