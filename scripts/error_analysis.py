#!/usr/bin/env python3
"""Group the service's errors on an annotated corpus by cause.

    python scripts/error_analysis.py GOLD.jsonl [--examples 20]

Prints the scores, then: gold quotes missed, by kind and cue word (a missing cue type or content
rule); predicted quotes that match nothing, by the rule that produced them (over-eager rules,
boundaries that miss by more than half); and wrong speakers, by rule (wrong antecedent, continuation
or mention), with examples.
"""
import argparse
import json
from pathlib import Path

from quotesvc.evaluation import evaluate, read_gold
from quotesvc.core.nlp import load_pipeline
from quotesvc.core.attributor import Attributor
from quotesvc.core.rules import load_rules


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()
    score = evaluate(Attributor(load_pipeline(), load_rules()), read_gold(a.gold), a.examples)
    print(json.dumps(score.summary(), ensure_ascii=False))
    for group, rows in score.errors(a.top).items():
        print(f"\n{group}:")
        for key, n in rows:
            print(f"  {n:5d}  {key}")
    print("\nwrong-speaker examples:")
    for ex in score.examples:
        print(json.dumps(ex, ensure_ascii=False))


if __name__ == "__main__":
    main()
