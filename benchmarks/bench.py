#!/usr/bin/env python3
"""Where quotesvc's time goes, in one run on the same texts.

    python benchmarks/bench.py CORPUS.jsonl [--limit N] [--repeat 3] [--passes 2] [--batch 16]

CORPUS is JSON Lines with a "text" field per line (read where it is, never copied). Measures:

  (a) bare spaCy: nlp(text) for every text, with the stock pipeline (spacy.load of the model the
      service uses, nothing added or replaced): the baseline of every "time / bare";
  (a') the same stock pipeline over all texts with nlp.pipe(batch_size=--batch);
  (b) in process: Attributor.attribute(Article(text, "text")) for every text, the pipeline as the
      service loads it (load_pipeline());
  (b') in process, batch: Attributor.attribute_many(articles) in batches of --batch (one nlp.pipe each);
  (c) over HTTP: gunicorn with 1 worker on a free 127.0.0.1 port, the texts posted one after another;
  (c') over HTTP, batch: the texts posted to /v1/quotes/batch, --batch per request, one after another;
  (d) latency p50/p95 by article size (<2k, 2-5k, >=5k characters) from run (c);
  (e) documents/s with 1, 4 and 16 client threads against 1 worker and against 2 workers, with the CPU
      the client (this process) and the server used, as shares of the machine's CPUs;
  (f) resident memory (VmRSS) of the gunicorn master and of each worker, after the load;
  (g) the profile of one Attributor.attribute call, stage by stage (benchmarks/stages.py).

tokens/s always divides the token count of the bare docs (a), so the paths compare directly;
"time / bare" is a path's seconds over the bare seconds (the figure the speed targets are set in).
Every path first makes one untimed pass over all the texts: a fresh process (or gunicorn worker) runs
the first pass 10-15 % slower while its allocator and caches settle, and a few texts do not warm it.
Then the paths each make --repeat timed passes, taking turns, and the fastest pass of each is reported
(as timeit does): the minimum is the least disturbed by other load on the machine.
In (e) the texts are posted --passes times over, so one long last article does not leave a worker
idle at the end and understate what two workers give. The servers are stopped at the end, whatever happens.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import percentile, post_text, read_texts  # noqa: E402  (benchmarks/load.py)

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CONCURRENCY = (1, 4, 16)
WORKER_COUNTS = (1, 2)
SIZE_BUCKETS = ((0, 2000, "<2k chars"), (2000, 5000, "2k-5k chars"), (5000, None, ">=5k chars"))


# --------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py -w N -b 127.0.0.1:PORT 'quotesvc:create_app()', as a child process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 180.0) -> "Server":
        env = dict(os.environ, QUOTESVC_LOG_LEVEL="WARNING")
        cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(self.workers),
               "-b", f"{HOST}:{self.port}", "--access-logfile", "/dev/null", "quotesvc:create_app()"]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.proc.stderr.read()[-2000:]}")
            if self._ready() and len(self.worker_pids()) == self.workers:
                return self
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn on {self.url} not ready after {timeout:.0f} s")

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/readyz", timeout=2) as resp:
                return resp.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        return sorted(_children(self.proc.pid))

    def rss_kib(self) -> dict[str, int | None]:
        """VmRSS of the master and of each worker, in KiB."""
        assert self.proc is not None
        out = {"master": _vm_rss(self.proc.pid)}
        for i, pid in enumerate(self.worker_pids(), 1):
            out[f"worker {i}"] = _vm_rss(pid)
        return out

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only this gunicorn's processes
            self.proc.wait(timeout=10)


def _children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:  # kernel without CONFIG_PROC_CHILDREN: scan /proc for the parent pid
        found = set()
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                ppid = next(l for l in status.read_text().splitlines() if l.startswith("PPid:"))
            except (OSError, StopIteration):
                continue
            if int(ppid.split()[1]) == pid:
                found.add(int(status.parent.name))
        return found


def _vm_rss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


# -------------------------------------------------------------------------------------- measuring


def timed(fn, items) -> tuple[float, list]:
    t0 = time.perf_counter()
    results = [fn(x) for x in items]
    return time.perf_counter() - t0, results


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def post_sequential(url: str, texts: list[str]) -> tuple[float, list[float], int]:
    """(seconds, latency of each text, number of answers other than 200)."""
    latencies, errors = [], 0
    t0 = time.perf_counter()
    for text in texts:
        status, took = post_text(url, text)
        latencies.append(took)
        errors += status != 200
    return time.perf_counter() - t0, latencies, errors


def post_batches(url: str, groups: list[list[str]]) -> tuple[float, int]:
    """Each group of texts posted to /v1/quotes/batch, one request after another: (seconds, errors)."""
    errors = 0
    t0 = time.perf_counter()
    for group in groups:
        body = json.dumps({"documents": [{"text": t} for t in group]}).encode("utf-8")
        req = urllib.request.Request(url + "/v1/quotes/batch", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                answer = json.load(resp)
            errors += sum(1 for r in answer["results"] if "error" in r)
        except (OSError, urllib.error.URLError, ValueError):
            errors += len(group)
    return time.perf_counter() - t0, errors


def post_concurrent(url: str, texts: list[str], clients: int) -> tuple[float, int]:
    """Every text posted once, by `clients` threads taking them from one queue: (docs/s, errors)."""
    todo: queue.Queue[str] = queue.Queue()
    for text in texts:
        todo.put(text)
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        while True:
            try:
                text = todo.get_nowait()
            except queue.Empty:
                return
            status, _ = post_text(url, text)
            if status != 200:
                with lock:
                    errors[0] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(texts) / (time.perf_counter() - t0), errors[0]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (/proc/PID/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def with_cpu_shares(run, server_pids: list[int]):
    """Run `run()`; also return the client's (this process's) and the server's CPU time as shares of
    all the machine's CPUs over the wall-clock time of the run."""
    own0, srv0, t0 = os.times(), cpu_seconds(server_pids), time.perf_counter()
    result = run()
    own1, srv1, wall = os.times(), cpu_seconds(server_pids), time.perf_counter() - t0
    capacity = wall * (os.cpu_count() or 1)
    client = (own1.user + own1.system) - (own0.user + own0.system)
    return result, client / capacity, (srv1 - srv0) / capacity


def warm_up_server(server: Server, texts: list[str]) -> None:
    """Every text once per worker, concurrently, so every worker has settled before timing."""
    post_concurrent(server.url, texts * server.workers, server.workers)


# ---------------------------------------------------------------------------------------- report


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths)))
    lines = [f"== {title} ==", fmt(header), "  ".join("-" * w for w in widths)]
    return "\n".join(lines + [fmt(r) for r in rows])


def mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f}"


def pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="JSON Lines file with a 'text' field per line")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes of (a)-(c'); the fastest counts")
    ap.add_argument("--passes", type=int, default=2, help="times each text is posted in (e)")
    ap.add_argument("--batch", type=int, default=16, help="documents per nlp.pipe batch and per batch request")
    args = ap.parse_args(argv)
    texts = read_texts(args.corpus, args.limit)

    import spacy

    from quotesvc.core.attributor import Attributor
    from quotesvc.core.model import Article
    from quotesvc.core.nlp import DEFAULT_MODEL, load_pipeline, resolve_model
    from quotesvc.core.rules import load_rules
    from stages import profile, profile_table  # noqa: E402  (benchmarks/stages.py)

    model = os.environ.get("QUOTESVC_SPACY_MODEL") or DEFAULT_MODEL
    print(f"loading pipelines ({model}: stock, and as the service loads it); {len(texts)} texts from {args.corpus}",
          file=sys.stderr)
    stock = spacy.load(resolve_model(model))
    attributor = Attributor(load_pipeline(model), load_rules())
    articles = [Article(content=t, fmt="text") for t in texts]
    n_chars = sum(map(len, texts))

    print("warm-up passes: bare nlp(text), Attributor.attribute", file=sys.stderr)
    n_tokens = sum(len(stock(t)) for t in texts)
    for a in articles:
        attributor.attribute(a)

    paths = {
        "bare": lambda: timed(stock, texts)[0],
        "bare_pipe": lambda: timed(lambda group: list(stock.pipe(group, batch_size=args.batch)),
                                   batches(texts, args.batch))[0],
        "attributor": lambda: timed(attributor.attribute, articles)[0],
        "attributor_many": lambda: timed(lambda group: attributor.attribute_many(group, batch_size=args.batch),
                                         batches(articles, args.batch))[0],
    }
    passes: dict[str, list[float]] = {k: [] for k in [*paths, "http", "http_batch"]}
    servers: list[Server] = []
    seq: tuple[float, list[float], int] | None = None
    errors = 0
    conc: dict[tuple[int, int], tuple[float, float, float]] = {}
    rss: dict[int, dict[str, int | None]] = {}
    try:
        for workers in WORKER_COUNTS:
            print(f"starting gunicorn with {workers} worker(s)", file=sys.stderr)
            server = Server(workers)
            servers.append(server)
            server.start()
            warm_up_server(server, texts)
            if workers == 1:  # (a)-(c') taking turns; (d) from the fastest HTTP pass
                for r in range(args.repeat):
                    print(f"timed pass {r + 1}/{args.repeat}: bare, in process, HTTP", file=sys.stderr)
                    for key, run in paths.items():
                        passes[key].append(run())
                    run_c = post_sequential(server.url, texts)
                    passes["http"].append(run_c[0])
                    errors += run_c[2]
                    if seq is None or run_c[0] < seq[0]:
                        seq = run_c
                    secs, errs = post_batches(server.url, batches(texts, args.batch))
                    passes["http_batch"].append(secs)
                    errors += errs
            pids = [server.proc.pid, *server.worker_pids()]
            for clients in CONCURRENCY:  # (e)
                print(f"timing HTTP, {workers} worker(s), {clients} client(s)", file=sys.stderr)
                (rate, errs), client_cpu, server_cpu = with_cpu_shares(
                    lambda: post_concurrent(server.url, texts * args.passes, clients), pids)
                conc[(workers, clients)] = (rate, client_cpu, server_cpu)
                errors += errs
            rss[workers] = server.rss_kib()  # (f)
            server.stop()
    finally:
        for server in servers:
            server.stop()

    print("profiling Attributor.attribute stage by stage", file=sys.stderr)
    stage_times, check = profile(attributor, articles, repeat=args.repeat)

    assert seq is not None
    latencies = seq[1]
    print(f"\n{len(texts)} texts, {n_chars} characters, {n_tokens} tokens; pipeline "
          f"{attributor.pipeline_name} {attributor.pipeline_version} (stock for (a), as loaded by the service "
          f"for the rest: {', '.join(attributor.nlp.pipe_names)}); {os.cpu_count()} CPUs; "
          f"load average before the report {os.getloadavg()[0]:.2f}\n")
    bare_s = min(passes["bare"])
    rows = []
    for name, key in (("(a) bare nlp(text), stock pipeline", "bare"),
                      (f"(a') bare nlp.pipe, batches of {args.batch}", "bare_pipe"),
                      ("(b) Attributor.attribute", "attributor"),
                      (f"(b') Attributor.attribute_many, batches of {args.batch}", "attributor_many"),
                      ("(c) HTTP /v1/quotes, 1 worker, sequential", "http"),
                      (f"(c') HTTP /v1/quotes/batch, {args.batch} per request", "http_batch")):
        secs = min(passes[key])
        rows.append([name, f"{secs:.2f}", " ".join(f"{p:.2f}" for p in passes[key]), f"{n_tokens / secs:.0f}",
                     f"{len(texts) / secs:.2f}", f"{secs / bare_s:.3f}"])
    print(table(f"throughput, same texts, fastest of {args.repeat} passes",
                ["path", "seconds", "every pass", "tokens/s", "docs/s", "time / bare"], rows))

    rows = []
    for lo, hi, label in SIZE_BUCKETS:
        lat = [l for t, l in zip(texts, latencies) if len(t) >= lo and (hi is None or len(t) < hi)]
        rows.append([label, str(len(lat)), *(f"{1000 * percentile(lat, q):.0f}" if lat else "-" for q in (50, 95))])
    print("\n" + table("(d) HTTP latency by article size, 1 worker, sequential", ["size", "n", "p50 ms", "p95 ms"], rows))

    one, two = WORKER_COUNTS
    rows = [[str(c), f"{conc[(one, c)][0]:.2f}", f"{conc[(two, c)][0]:.2f}",
             f"{conc[(two, c)][0] / conc[(one, c)][0]:.2f}",
             *(f"{pct(conc[(w, c)][1])} / {pct(conc[(w, c)][2])}" for w in WORKER_COUNTS)] for c in CONCURRENCY]
    print("\n" + table(f"(e) docs/s by client threads (every text {args.passes} times); CPU as a share of all "
                       f"{os.cpu_count()} CPUs", ["clients", f"{one} worker", f"{two} workers", f"{two} / {one}",
                                                  f"client / server CPU, {one}", f"client / server CPU, {two}"], rows))

    procs = sorted({p for r in rss.values() for p in r}, key=lambda p: (p != "master", p))
    rows = [[p, *(mib(rss[w].get(p)) for w in WORKER_COUNTS)] for p in procs]
    print("\n" + table("(f) resident memory, VmRSS MiB, after the load", ["process", *(f"{w} worker(s)" for w in WORKER_COUNTS)], rows))

    print("\n" + profile_table(stage_times, check, bare_s, args.repeat))

    print(f"\nHTTP answers other than 200 (or batch items with an error): {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
