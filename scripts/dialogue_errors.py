#!/usr/bin/env python3
"""Fiction (PDNC) speaker errors by cause, and each sieve's precision, from whole answers.

    python scripts/predict.py ../shared/eval/fiction_train.jsonl /tmp/ft.full.jsonl --full
    python scripts/dialogue_errors.py ../shared/eval/fiction_train.jsonl /tmp/ft.full.jsonl [--examples 5]

Matches answers to gold quotes the way ../shared/eval/score.py does (its functions, imported from the
folder given by --eval) and puts every gold quote with a named speaker in one bucket:

  right                 the resolved name (or, with none, the mention text) is one of the character's names
  missed                no quote matches it: "merged" when a predicted quote overlaps it and another gold quote
                        of another speaker, else "not found"
  narrator              the speaker is a first-person narrator (the gold mention reads "I"), whose name the
                        service does not give
  resolution            the mention stands where the gold mention is, but resolves to the wrong name (or none)
  wrong cue             a cue or introducer sieve linked a mention elsewhere than the gold mention
  cue not linked        the gold has an explicit or anaphoric cue, but no cue sieve attributed the quote
  action beat           implicit in the gold, a name of the speaker stands in the narration of the quote's
                        paragraph, and the answer is wrong
  implicit turn         any other implicit quote with a wrong speaker
Then, per rule (sieve), how many quotes it attributed, how many of them match a gold quote, and how many have
the right speaker (score.py's speaker rule) and the right name (its name rule, fiction only); precision is over
all the quotes the rule attributed, as the README's table gives it. On PolNeAR only that table is printed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

CUE_RULES = {"cue-in-sentence", "colon-introducer", "paragraph-cue", "dash-credit", "inverted-cue",
             "introducer", "speaker-label"}
_WORD = re.compile(r"[^\W\d_]+")


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("full", type=Path, help="answers written by scripts/predict.py --full")
    ap.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "eval",
                    help="the folder of score.py (default: ../shared/eval beside the repository)")
    ap.add_argument("--examples", type=int, default=0, help="examples to print per bucket")
    a = ap.parse_args()
    sys.path.insert(0, str(a.eval))
    import score  # noqa: E402  (the scorer we are judged by)

    buckets: Counter[str] = Counter()
    examples: dict[str, list[dict]] = defaultdict(list)
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for gold, answer in zip(load(a.gold), load(a.full)):
        text = gold["text"]
        golds = [q for q in gold["quotes"] if score.trim(text, q["start"], q["end"])[1] > score.trim(text, q["start"], q["end"])[0]]
        quotes = answer["quotes"]
        preds = []
        for q in quotes:
            spk = q.get("speaker") or {}
            mention = spk.get("mention") or {}
            preds.append({"start": q["start"], "end": q["end"], "speaker": spk.get("name") or mention.get("text"),
                          "speaker_start": mention.get("start"), "speaker_end": mention.get("end"),
                          "rule": q["rule"], "name": spk.get("name"), "mention": mention.get("text")})
        pairs = dict(score.match(text, golds, preds, lenient=True))
        for pq in preds:
            per_rule[pq["rule"]]["quotes"] += 1
        for gi, pi in pairs.items():
            pq, gq = preds[pi], golds[gi]
            r = per_rule[pq["rule"]]
            r["matched"] += 1
            r["speaker"] += score.speaker_ok(text, gq, pq)
            r["name"] += score.name_ok(gq, pq)
        for gi, gq in enumerate(golds):
            if not gq.get("speaker_aliases"):
                continue
            bucket = _bucket(text, gq, golds, preds, pairs.get(gi), answer, score)
            buckets[bucket] += 1
            if len(examples[bucket]) < a.examples:
                pq = preds[pairs[gi]] if gi in pairs else {}
                examples[bucket].append({"doc": gold["id"], "quote": text[gq["start"]:gq["end"]][:80],
                                         "type": gq.get("quote_type"), "gold": gq["speaker"],
                                         "ref": gq.get("referring_expression"), "rule": pq.get("rule"),
                                         "mention": pq.get("mention"), "name": pq.get("name")})
    total = sum(buckets.values())
    if total:
        print(f"{total} gold quotes with a named speaker")
        for bucket, n in buckets.most_common():
            print(f"  {bucket:16s} {n:6d}  {n / total:6.1%}")
        wrong = total - buckets["right"]
        print(f"wrong or missed: {wrong}; share of each cause among them:")
        for bucket, n in buckets.most_common():
            if bucket != "right":
                print(f"  {bucket:16s} {n / wrong:6.1%}")
    # Precision as the README gives it: right over every quote the rule attributed, matched or not.
    print("\nrule                   quotes  matched  speaker-right  precision  name-right  precision")
    for rule, r in sorted(per_rule.items(), key=lambda kv: -kv[1]["quotes"]):
        print(f"  {rule:20s} {r['quotes']:7d} {r['matched']:8d} {r['speaker']:14d} {r['speaker'] / r['quotes']:10.3f} "
              f"{r['name']:11d} {r['name'] / r['quotes']:10.3f}")
    for bucket, rows in examples.items():
        print(f"\n{bucket}:")
        for row in rows:
            print("  " + json.dumps(row, ensure_ascii=False))


def _bucket(text: str, gq: dict, golds: list[dict], preds: list[dict], pi: int | None, answer: dict, score) -> str:
    if pi is None:
        gs, ge = gq["start"], gq["end"]
        for pq in preds:
            if pq["start"] < ge and gs < pq["end"]:
                others = [g for g in golds if g is not gq and g["start"] < pq["end"] and pq["start"] < g["end"]
                          and g.get("speaker") != gq.get("speaker")]
                if others:
                    return "merged"
        return "not found"
    pq = preds[pi]
    if score.name_ok(gq, pq):
        return "right"
    mentions = gq.get("speaker_mentions") or []
    if any(text[s:e].strip().lower() in ("i", "me", "myself") for s, e in mentions):
        return "narrator"
    ps, pe = pq.get("speaker_start"), pq.get("speaker_end")
    at_gold = isinstance(ps, int) and any(min(e, pe) > max(s, ps) for s, e in mentions)
    if at_gold:
        return "resolution"
    if pq["rule"] in CUE_RULES:
        return "wrong cue"
    if gq.get("quote_type") in ("Explicit", "Anaphoric"):
        return "cue not linked"
    if _named_in_narration(text, gq):
        return "action beat"
    return "implicit turn"


def _named_in_narration(text: str, gq: dict) -> bool:
    """Whether a name of the speaker stands in the quote's paragraph, outside quotation marks."""
    start = text.rfind("\n\n", 0, gq["start"]) + 2
    end = text.find("\n\n", gq["end"])
    end = len(text) if end < 0 else end
    para = text[start:end]
    narration = re.sub(r"[\"“][^\"”]*[\"”]?", " ", para)
    words = set(_WORD.findall(narration))
    for alias in gq.get("speaker_aliases") or []:
        last = [w for w in _WORD.findall(alias) if w[:1].isupper()]
        if last and last[-1] in words:
            return True
    return False


if __name__ == "__main__":
    main()
