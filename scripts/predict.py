#!/usr/bin/env python3
"""Attribute every article of a gold JSON Lines file in process and write predictions for score.py.

    python scripts/predict.py GOLD.jsonl PRED.jsonl [--full] [--jobs 2]
    python ../shared/eval/score.py GOLD.jsonl PRED.jsonl

The same predictions as ../shared/eval/run_service.py against a running service (each article sent as
{"id", "text"} with default options), without HTTP. --full writes each whole answer instead (less
meta.elapsed_ms), to compare two versions of the code answer by answer.
"""
import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

_attributor = None


def _load():
    global _attributor
    from quotesvc.core.attributor import Attributor
    from quotesvc.core.nlp import load_pipeline
    from quotesvc.core.rules import load_rules

    _attributor = Attributor(load_pipeline(), load_rules())


def answer(doc: dict) -> dict:
    from quotesvc.core.model import Article
    from quotesvc.service.schemas import QuoteResponseSchema

    if _attributor is None:
        _load()
    out = QuoteResponseSchema().dump(_attributor.attribute(Article(doc["text"], "text", doc["id"])))
    out["meta"].pop("elapsed_ms", None)
    return out


def to_prediction(doc_id: str, answer: dict) -> dict:
    """As run_service.py writes it."""
    quotes = []
    for q in answer.get("quotes", []):
        spk = q.get("speaker") or {}
        mention = spk.get("mention") or {}
        quotes.append({"start": q["start"], "end": q["end"],
                       "speaker": spk.get("name") or mention.get("text"),
                       "speaker_start": mention.get("start"), "speaker_end": mention.get("end")})
    return {"id": doc_id, "quotes": quotes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--full", action="store_true", help="write whole answers, not score.py predictions")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    a = ap.parse_args()
    docs = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    with ProcessPoolExecutor(a.jobs) as pool, a.pred.open("w", encoding="utf-8") as out:
        for doc, ans in zip(docs, pool.map(answer, docs, chunksize=4)):
            row = ans if a.full else to_prediction(doc["id"], ans)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
