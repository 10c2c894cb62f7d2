#!/usr/bin/env python
"""Check a backfill's tables against the running HTTP service, article by article.

    python scripts/check_backfill.py OUTPUT INPUT.jsonl [--url http://127.0.0.1:8000] [--sample 50] [--seed 1]

Reads OUTPUT's articles, quotes and speakers tables with pandas, draws --sample attributed articles (all
with --sample 0), posts each one's text or html from INPUT (a JSON Lines input of the backfill) to
URL/v1/quotes, and compares the answer's quotes and speakers with the tables' rows, field by field. Prints
the counts and every difference; exits 1 if there is one. Talks only to a loopback address.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import math
import random
import sys
import urllib.parse
import urllib.request

import pandas as pd

QUOTE_FIELDS = ["quote_id", "text", "start", "end", "kind", "speaker_name", "speaker_mention",
                "speaker_mention_start", "speaker_mention_end", "speaker_entity", "speaker_kind", "cue", "cue_lemma",
                "cue_start", "cue_end", "confidence", "rule"]
SPEAKER_FIELDS = ["speaker_id", "name", "kind", "titles", "aliases", "quote_ids", "role", "affiliation"]


def loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def answer_rows(answer: dict) -> tuple[list[dict], list[dict]]:
    quotes = []
    for q in answer["quotes"]:
        sp, cue = q["speaker"] or {}, q["cue"] or {}
        mention = sp.get("mention") or {}
        quotes.append({"quote_id": q["id"], "text": q["text"], "start": q["start"], "end": q["end"],
                       "kind": q["kind"], "speaker_name": sp.get("name"), "speaker_mention": mention.get("text"),
                       "speaker_mention_start": mention.get("start"), "speaker_mention_end": mention.get("end"),
                       "speaker_entity": sp.get("entity"), "speaker_kind": sp.get("kind"),
                       "cue": cue.get("text"), "cue_lemma": cue.get("lemma"), "cue_start": cue.get("start"),
                       "cue_end": cue.get("end"), "confidence": q["confidence"], "rule": q["rule"]})
    speakers = [{"speaker_id": s["id"], "name": s["name"], "kind": s["kind"], "titles": s["titles"],
                 "aliases": s["aliases"], "quote_ids": s["quotes"], "role": s["role"],
                 "affiliation": s["affiliation"]} for s in answer["speakers"]]
    return quotes, speakers


def table_rows(frame: pd.DataFrame, fields: list[str]) -> list[dict]:
    rows = []
    for record in frame[fields].to_dict("records"):
        row = {}
        for key, value in record.items():
            if hasattr(value, "tolist"):  # numpy arrays (list columns) and numpy scalars
                value = value.tolist()
            if isinstance(value, float) and math.isnan(value):
                value = None
            if isinstance(value, float) and value.is_integer() and key != "confidence":
                value = int(value)  # pandas makes nullable integer columns float
            row[key] = value
        rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output")
    ap.add_argument("input")
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--sample", type=int, default=50, help="articles to compare (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not loopback(args.url):
        sys.exit(f"{args.url}: only loopback addresses")

    articles = pd.read_parquet(f"{args.output}/articles")
    quotes = pd.read_parquet(f"{args.output}/quotes")
    speakers = pd.read_parquet(f"{args.output}/speakers")
    ok = sorted(articles.loc[articles.status == "ok", "id"])
    chosen = set(ok if args.sample <= 0 else random.Random(args.seed).sample(ok, min(args.sample, len(ok))))
    bodies: dict[str, dict] = {}
    with open(args.input, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            doc_id = str(doc.get("id"))
            if doc_id in chosen and doc_id not in bodies:
                fmt = "text" if doc.get("text") is not None else "html"
                bodies[doc_id] = {"id": doc_id, fmt: doc[fmt]}

    differences = compared_quotes = 0
    for doc_id in sorted(chosen):
        request = urllib.request.Request(args.url.rstrip("/") + "/v1/quotes", data=json.dumps(bodies[doc_id]).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.load(response)
        want_quotes, want_speakers = answer_rows(answer)
        got_quotes = table_rows(quotes[quotes.article_id == doc_id], QUOTE_FIELDS)
        got_speakers = table_rows(speakers[speakers.article_id == doc_id], SPEAKER_FIELDS)
        compared_quotes += len(want_quotes)
        for name, want, got in (("quotes", want_quotes, got_quotes), ("speakers", want_speakers, got_speakers)):
            if want != got:
                differences += 1
                print(f"{doc_id}: {name} differ\n  service: {want}\n  tables:  {got}")
    print(f"{len(chosen)} of {len(ok)} attributed articles compared with {args.url}: {compared_quotes} quotes, "
          f"{len(speakers[speakers.article_id.isin(chosen)])} speakers, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
