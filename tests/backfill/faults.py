"""Workers that fail on purpose, for the fault tests. Made by functions, so Ray pickles the classes by
value and the workers need not import this module."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from quotesvc.backfill.worker import ShardWorker


def crash_once_worker(flag_dir: str, shard: str) -> type:
    """A worker whose process is killed (SIGKILL, as the kernel's OOM killer does) the first time it
    writes `shard`, after that shard's articles table is on disk but before its other tables and marker."""

    class CrashOnce(ShardWorker):
        def write(self, name, rows, marker):
            flag = Path(flag_dir) / "crashed"
            if name == shard and not flag.exists():
                self.output.write_table("articles", name, rows.tables()["articles"])
                flag.write_text(str(os.getpid()))
                os.kill(os.getpid(), signal.SIGKILL)
            super().write(name, rows, marker)

    return CrashOnce


def blocking_worker(flag_dir: str, after: int) -> type:
    """A worker that stops for good before its next shard once `after` shards are complete, leaving a
    file blocked-PID, so a test can kill the driver at a known point."""

    class Blocking(ShardWorker):
        def run(self, task):
            markers = Path(self.output.manifest_dir) / "shards"
            if markers.is_dir() and len(list(markers.glob("*.json"))) >= after:
                (Path(flag_dir) / f"blocked-{os.getpid()}").touch()
                while True:
                    time.sleep(1)
            return super().run(task)

    return Blocking
