#!/usr/bin/env python3
"""Peak memory of one worker on the worst legal requests.

    python benchmarks/memory.py ../shared/eval/polnear_train.jsonl [--budget 600]

Real articles (a "text" per line, read where they are, never copied) are joined, with a blank line between
them, into documents of QUOTESVC_MAX_CHARS characters (200,000 by default), and each case runs in a fresh
process holding the app as a gunicorn worker holds it (`create_app()` with the settings' defaults, the
pipeline loaded; one small request first, as a worker that has served before):

  single   one document at MAX_CHARS posted to /v1/quotes
  batch    BATCH_MAX_CHARS / MAX_CHARS such documents (five by default: the largest batch accepted) posted
           to /v1/quotes/batch

For each it prints the process's resident memory (VmRSS) once ready, its peak (VmHWM, from
/proc/self/status) over the request, the difference, and what the request answered. The time budget is
raised to --budget seconds (default 600) so every document of the batch is attributed whatever the load of
the machine: with the service's 30 s budget a slow machine stops part-way, which uses less memory.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _status(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def _reset_peak() -> None:
    """Make VmHWM start again from the current RSS (Linux 4.0+: write 5 to clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def documents(corpus: Path, size: int, count: int) -> list[str]:
    """`count` documents of `size` characters made of whole articles (the last one cut)."""
    texts = (json.loads(line)["text"] for line in corpus.open(encoding="utf-8") if line.strip())
    docs: list[str] = []
    parts: list[str] = []
    used = 0
    for text in texts:
        parts.append(text)
        used += len(text) + 2
        if used >= size:
            docs.append("\n\n".join(parts)[:size])
            parts, used = [], 0
            if len(docs) == count:
                return docs
    raise SystemExit(f"{corpus} holds fewer than {count} documents of {size:,} characters")


def run_case(case: str, corpus: Path, budget: float) -> dict:
    """In this process: load the app, warm it, reset the peak, post the case's request."""
    os.environ["QUOTESVC_TIME_BUDGET_S"] = str(budget)
    os.environ.setdefault("QUOTESVC_LOG_LEVEL", "WARNING")
    from quotesvc import create_app
    from quotesvc.service.settings import load_settings

    settings = load_settings()
    app = create_app()
    client = app.test_client()
    warm = client.post("/v1/quotes", json={"text": "“We will open in May,” Ines Okafor said."})
    assert warm.status_code == 200, warm.get_data(as_text=True)[:300]
    count = 1 if case == "single" else settings.BATCH_MAX_CHARS // settings.MAX_CHARS
    docs = documents(corpus, settings.MAX_CHARS, count)
    if case == "single":
        path, body = "/v1/quotes", {"text": docs[0]}
    else:
        path, body = "/v1/quotes/batch", {"documents": [{"id": f"d{i}", "text": d} for i, d in enumerate(docs)]}
    rss_ready = _status("VmRSS")
    _reset_peak()
    resp = client.post(path, json=body)
    peak = _status("VmHWM")
    answer = resp.get_json()
    if case == "single":
        outcome = f"{resp.status_code}, {len(answer.get('quotes', []))} quotes"
    else:
        results = answer.get("results", [])
        errors = [r["error"]["code"] for r in results if "error" in r]
        outcome = f"{resp.status_code}, {len(results) - len(errors)} of {len(results)} documents answered" + (
            f", errors {errors}" if errors else "")
    return {"case": case, "documents": count, "chars": sum(map(len, docs)), "rss_ready": rss_ready,
            "peak": peak, "outcome": outcome}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="JSON Lines with a 'text' field per line")
    ap.add_argument("--budget", type=float, default=600.0, help="time budget in seconds (default 600)")
    ap.add_argument("--case", choices=["single", "batch"], help=argparse.SUPPRESS)  # the child process
    a = ap.parse_args(argv)
    if a.case:
        print(json.dumps(run_case(a.case, a.corpus, a.budget)))
        return 0
    print(f"# load average {os.getloadavg()[0]:.2f}; each case in a fresh process", flush=True)
    print(f"{'case':<8} {'docs':>4} {'chars':>10} {'RSS ready MB':>13} {'peak MB':>8} {'growth MB':>10}  answer")
    worst = 0
    for case in ("single", "batch"):
        out = subprocess.run([sys.executable, __file__, str(a.corpus), "--budget", str(a.budget), "--case", case],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        mb = 1024 * 1024
        print(f"{r['case']:<8} {r['documents']:>4} {r['chars']:>10,} {r['rss_ready'] / mb:>13.0f} "
              f"{r['peak'] / mb:>8.0f} {(r['peak'] - r['rss_ready']) / mb:>10.0f}  {r['outcome']}", flush=True)
        worst = max(worst, r["peak"])
    print(f"# peak of the worst legal request: {worst / 1024 / 1024 / 1024:.2f} GB; "
          f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
