#!/usr/bin/env python3
"""Load test for a running quotesvc: N client threads post articles for M seconds.

    python benchmarks/load.py --url http://127.0.0.1:8000 --clients 4 --seconds 20 CORPUS.jsonl

CORPUS is JSON Lines with a "text" field per line; each client posts the articles in turn (client i
starts at article i), as {"text": ...} to URL/v1/quotes. Prints the request count, the errors (any
answer other than 200, or any exception), latency p50/p95/p99 and documents per second; exits 1 if
there was any error. Only loopback URLs are accepted: this is for testing one's own server.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit


def read_texts(path: str | Path, limit: int | None = None) -> list[str]:
    """The "text" field of each line of a JSON Lines file (blank lines skipped), at most `limit` of them."""
    texts: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record.get("text") if isinstance(record, dict) else None
            if not isinstance(text, str):
                raise ValueError(f"{path}:{lineno}: no string field 'text'")
            texts.append(text)
            if limit is not None and len(texts) >= limit:
                break
    if not texts:
        raise ValueError(f"{path}: no texts")
    return texts


def is_loopback_url(url: str) -> bool:
    """True for an http(s) URL whose host is localhost or a loopback address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def post_text(base_url: str, text: str, timeout: float = 120.0) -> tuple[int, float]:
    """POST one article; (HTTP status, or 0 for an exception; seconds taken)."""
    body = json.dumps({"text": text}).encode("utf-8")
    req = urllib.request.Request(base_url.rstrip("/") + "/v1/quotes", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except (OSError, urllib.error.URLError):
        status = 0
    return status, time.perf_counter() - t0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100]) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def run_load(base_url: str, texts: list[str], clients: int, seconds: float) -> dict:
    """Each client posts texts in turn until `seconds` have passed (a request in flight then finishes)."""
    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(i: int) -> None:
        k = i
        while time.perf_counter() < deadline:
            status, took = post_text(base_url, texts[k % len(texts)])
            k += 1
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors[status] = errors.get(status, 0) + 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return {"count": len(latencies) + sum(errors.values()), "ok": len(latencies), "errors": errors,
            "latencies": latencies, "elapsed": elapsed}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="JSON Lines file with a 'text' field per line")
    ap.add_argument("--url", default="http://127.0.0.1:8000", help="base URL of the service (loopback only)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent client threads (1-256)")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long to send requests (0-3600 s)")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    args = ap.parse_args(argv)
    if not is_loopback_url(args.url):
        ap.error(f"refusing {args.url!r}: only http(s) URLs on localhost or a loopback address are allowed")
    if not 1 <= args.clients <= 256:
        ap.error("--clients must be between 1 and 256")
    if not 0 < args.seconds <= 3600:
        ap.error("--seconds must be in (0, 3600]")
    texts = read_texts(args.corpus, args.limit)

    r = run_load(args.url, texts, args.clients, args.seconds)
    lat = r["latencies"]
    n_errors = sum(r["errors"].values())
    print(f"url       {args.url}  clients {args.clients}  seconds {args.seconds:g}  texts {len(texts)}")
    print(f"count     {r['count']}  (ok {r['ok']}, elapsed {r['elapsed']:.1f} s)")
    detail = ", ".join(f"{'exception' if s == 0 else s}: {n}" for s, n in sorted(r["errors"].items()))
    print(f"errors    {n_errors}" + (f"  ({detail})" if detail else ""))
    if lat:
        print("latency   p50 {:.0f} ms  p95 {:.0f} ms  p99 {:.0f} ms  max {:.0f} ms".format(
            *(1000 * percentile(lat, q) for q in (50, 95, 99, 100))))
    else:
        print("latency   (no successful request)")
    print(f"docs/s    {r['ok'] / r['elapsed']:.2f}")
    return 1 if n_errors or not lat else 0


if __name__ == "__main__":
    sys.exit(main())
