#!/usr/bin/env python3
"""Memory over time: does recycling (gunicorn's max_requests) cap a worker's growth on fresh vocabulary?

    python benchmarks/soak.py [--requests 5000] [--every 500] [--workers 1]

Starts gunicorn as the service is deployed (`gunicorn -c gunicorn.conf.py`, so with its max_requests and
max_requests_jitter) on a free loopback port, like bench.py, and posts --requests articles one after another.
Every article is made of words no earlier request used (made-up names and words, numbered so they never
repeat): spaCy's StringStore keeps every string a worker has seen, so fresh vocabulary grows a worker
without limit, and only recycling the worker gives the memory back. Every --every requests it prints the
workers' resident memory (VmRSS), the highest seen since the last line (sampled every 10 requests), the
workers recycled so far (new process ids) and the errors. Bounded: it stops after --requests, and stops
the gunicorn it started whatever happens. Exit status 1 if any request failed.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Server, _vm_rss  # noqa: E402

_SYLLABLES = ["ba", "ke", "li", "mo", "nu", "ra", "se", "ti", "vo", "zu", "dan", "fer", "gol", "hin", "jus", "kor"]


def word(n: int) -> str:
    """The n-th made-up word: n written in base 16 with a syllable per digit (never the same word twice)."""
    digits = []
    while True:
        n, d = divmod(n, len(_SYLLABLES))
        digits.append(_SYLLABLES[d])
        if n == 0:
            return "".join(reversed(digits)) + "x"


def article(request: int, words: int = 60) -> str:
    """An article of about 600 characters whose names and words no other request has."""
    fresh = (word(request * 1000 + i) for i in itertools.count())
    first, last = next(fresh).capitalize(), next(fresh).capitalize()
    said = " ".join(next(fresh) for _ in range(words // 3))
    told = " ".join(next(fresh) for _ in range(words // 3))
    rest = " ".join(next(fresh) for _ in range(words // 3))
    return (f"{first} {last}, a spokeswoman for the {next(fresh).capitalize()} board, spoke on Tuesday.\n"
            f"“The {said} will not close,” {last} said.\n"
            f"She said that the {told} would open in May. The {rest} was quiet.\n")


def post(url: str, text: str) -> int:
    req = urllib.request.Request(url + "/v1/quotes", data=json.dumps({"text": text}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0  # connection refused or reset


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--every", type=int, default=500, help="print a line every N requests")
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args(argv)
    from quotesvc.service import gunicorn_config

    print(f"# gunicorn -c gunicorn.conf.py -w {a.workers}: max_requests {gunicorn_config.max_requests}, "
          f"max_requests_jitter {gunicorn_config.max_requests_jitter}; {a.requests} requests of fresh vocabulary, "
          f"one at a time; load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'requests':>8} {'seconds':>8} {'worker RSS MB':>14} {'peak since last MB':>19} {'recycled':>9} "
          f"{'errors':>7}", flush=True)
    server = Server(a.workers)
    errors: dict[int, int] = {}
    try:
        server.start()
        seen = set(server.worker_pids())
        initial = set(seen)
        peak = 0
        t0 = time.monotonic()
        for i in range(1, a.requests + 1):
            status = post(server.url, article(i))
            if status != 200:
                errors[status] = errors.get(status, 0) + 1
            if i % 10 == 0 or i % a.every == 0:
                pids = server.worker_pids()
                seen.update(pids)
                peak = max([peak] + [(_vm_rss(p) or 0) for p in pids])
            if i % a.every == 0:
                rss = [(_vm_rss(p) or 0) / 1024 for p in server.worker_pids()]
                print(f"{i:>8} {time.monotonic() - t0:>8.0f} {' '.join(f'{r:.0f}' for r in rss):>14} "
                      f"{peak / 1024:>19.0f} {len(seen - initial):>9} {sum(errors.values()):>7}", flush=True)
                peak = 0
    finally:
        server.stop()
    print(f"# {a.requests} requests, {len(seen - initial)} workers started by recycling, errors "
          f"{errors or 'none'}; load average {os.getloadavg()[0]:.2f}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
