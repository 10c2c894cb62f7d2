#!/usr/bin/env python3
"""Where the time of Attributor.attribute goes, stage by stage (bench.py prints it as its table (g)).

    python benchmarks/stages.py CORPUS.jsonl [--limit N] [--repeat 3]

Two kinds of figures, both over every text of the corpus, each the fastest of --repeat passes:

- the spaCy pipeline component by component: the service's pipeline (load_pipeline()) run by hand,
  tokenizer then each component's __call__ on the Doc, as nlp(text) does;
- everything else, inside real Attributor.attribute calls: the functions named in HOOKS are wrapped
  with timers that count each stage's own time (a stage's time excludes the stages it calls), and
  nlp.pipe's time is the pipeline's total. Serialisation is the service's: the response schema's dump
  and the JSON encoding Flask's jsonify does.

"other" is the part of attribute() in none of the stages (the Attributor's own glue). A stage's
percentage is of the bare nlp(text) time with the stock pipeline when bench.py passes it, else of
the stages' sum.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import read_texts  # noqa: E402  (benchmarks/load.py)

# (stage, module, attribute path): the functions timed inside attribute(). A name is patched where it
# is looked up, so a function imported by name is listed under the importing module; a method or
# class method on its class. Missing names are skipped: the list covers the core before and after the
# sieves became named stages. Besides these, each entry of sieves.order.QUOTE_SIEVES is timed as
# "sieve: NAME" or "filter: NAME" (see _patch_sieves).
HOOKS: list[tuple[str, str, str]] = [
    ("intake", "quotesvc.core.intake", "extract"),
    ("tokenize", "quotesvc.core.attributor", "Attributor._tokenize"),
    ("quote pairing", "quotesvc.core.attributor", "find_quoted_spans"),
    ("quote pairing", "quotesvc.core.quotemarks", "find_quoted_spans"),
    ("cues", "quotesvc.core.attributor", "find_cues"),
    ("cues", "quotesvc.core.sieves", "find_cues"),
    ("speakers: mentions", "quotesvc.core.attributor", "collect_mentions"),
    ("speakers: index", "quotesvc.core.speakers.index", "SpeakerIndex.__init__"),
    ("sieves: context", "quotesvc.core.sieves.context", "Context.build"),
    ("sieve: speaker-label", "quotesvc.core.sieves.order", "speaker_label"),
    ("sieve: speaker-label", "quotesvc.core.sieves", "_transcript_turns"),
    ("sieves: direct quotes", "quotesvc.core.sieves", "_direct"),
    ("sieves: reported speech", "quotesvc.core.sieves.order", "add_reported"),
    ("sieves: reported speech", "quotesvc.core.sieves", "_indirect"),
    ("sieves", "quotesvc.core.sieves", "attribute"),
    ("sieves", "quotesvc.core.sieves", "attribute_doc"),
    ("speakers: answer", "quotesvc.core.attributor", "quotes_and_speakers"),
    ("speakers: answer", "quotesvc.core.sieves", "_finish"),
    ("answer", "quotesvc.core.attributor", "Attributor._answer"),
]
PIPELINE = "spaCy pipeline (nlp.pipe)"


class _Clock:
    """Own (exclusive) time per stage: a stage running inside another is taken out of the outer one."""

    def __init__(self) -> None:
        self.own: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []  # time spent in inner stages, per open stage

    def run(self, stage: str, fn: Callable, *args, **kwargs):
        self._inner.append(0.0)
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            took = time.perf_counter() - t0
            inner = self._inner.pop()
            self.own[stage] += took - inner
            if self._inner:
                self._inner[-1] += took

    def wrap(self, stage: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            return self.run(stage, fn, *args, **kwargs)
        timed.stage = stage  # type: ignore[attr-defined]
        return timed

    def wrap_iter(self, stage: str, items: Iterable) -> Iterable:
        """Each next() of a lazy iterator counted as `stage`."""
        it = iter(items)
        while True:
            try:
                yield self.run(stage, next, it)
            except StopIteration:
                return


def _patch(clock: _Clock) -> list[tuple[Any, str, Any]]:
    """Wrap every hook that exists; return (owner, name, original) to undo it."""
    undo = []
    for stage, module, path in HOOKS:
        try:
            owner = importlib.import_module(module)
        except ImportError:
            continue
        *parents, name = path.split(".")
        for part in parents:
            owner = getattr(owner, part, None)
        original = getattr(owner, name, None) if owner is not None else None
        if original is None or getattr(original, "__wrapped__", None) is not None:
            continue
        raw = vars(owner).get(name, original)  # a class's own attribute, as defined
        if isinstance(raw, (classmethod, staticmethod)):
            setattr(owner, name, staticmethod(clock.wrap(stage, original)))  # `original` is bound already
        else:
            setattr(owner, name, clock.wrap(stage, raw))
        undo.append((owner, name, raw))
    return undo + _patch_sieves(clock)


def _patch_sieves(clock: _Clock) -> list[tuple[Any, str, Any]]:
    """Each quote sieve and filter of sieves.order.QUOTE_SIEVES, timed by its name."""
    try:
        from quotesvc.core.sieves import order
        from quotesvc.core.sieves.context import QuoteFilter, QuoteSieve
    except ImportError:
        return []
    original = order.QUOTE_SIEVES
    timed = []
    for step in original:
        if isinstance(step, QuoteSieve):
            timed.append(QuoteSieve(step.name, clock.wrap(f"sieve: {getattr(step.name, 'value', step.name)}", step.find)))
        elif isinstance(step, QuoteFilter):
            name = getattr(step.rejects, "__name__", "filter").strip("_").replace("_", "-")
            timed.append(QuoteFilter(clock.wrap(f"filter: {name}", step.rejects)))
        else:
            timed.append(step)
    order.QUOTE_SIEVES = tuple(timed)
    _SIEVE_STAGES[:] = [_stage_of(step) for step in timed]
    return [(order, "QUOTE_SIEVES", original)]


_SIEVE_STAGES: list[str] = []  # the quote sieves' stage names, in the order they run


def _stage_of(step: Any) -> str:
    return getattr(getattr(step, "find", None) or getattr(step, "rejects", None), "stage", "")


def _pipeline_by_component(attributor, texts: list[str]) -> dict[str, float]:
    nlp = attributor.nlp
    own: dict[str, float] = defaultdict(float)
    for text in texts:
        t0 = time.perf_counter()
        doc = nlp.tokenizer(text)
        own["tokenize"] += time.perf_counter() - t0
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            doc = proc(doc)
            own[f"spaCy: {name}"] += time.perf_counter() - t0
    return own


def _attribute_by_stage(attributor, articles) -> tuple[dict[str, float], float]:
    from quotesvc.service.schemas import QuoteResponseSchema

    schema = QuoteResponseSchema()
    clock = _Clock()
    undo = _patch(clock)
    nlp = attributor.nlp
    nlp.pipe = lambda docs, **kw: clock.wrap_iter(PIPELINE, type(nlp).pipe(nlp, docs, **kw))
    total = 0.0
    try:
        for article in articles:
            t0 = time.perf_counter()
            result = clock.run("other", attributor.attribute, article)
            total += time.perf_counter() - t0
            dumped = clock.run("serialise: schema dump", schema.dump, result)
            clock.run("serialise: JSON", json.dumps, dumped, ensure_ascii=False)
    finally:
        del nlp.pipe
        for owner, name, original in undo:
            setattr(owner, name, original)
    return dict(clock.own), total


def profile(attributor, articles, repeat: int = 3) -> tuple[dict[str, float], dict[str, float]]:
    """(stage -> seconds over all articles, fastest of `repeat` passes; checks: the attribute() total and
    the pipeline's two measurements)."""
    texts = [a.content for a in articles]
    best: dict[str, float] = {}
    best_total = best_pipe = float("inf")
    for _ in range(repeat):
        stages, total = _attribute_by_stage(attributor, articles)
        components = _pipeline_by_component(attributor, texts)
        best_total = min(best_total, total)
        best_pipe = min(best_pipe, stages.pop(PIPELINE, 0.0))
        for stage, secs in {**stages, **{k: v for k, v in components.items() if k != "tokenize"}}.items():
            best[stage] = min(best.get(stage, secs), secs)
    checks = {"attribute() total": best_total, "nlp.pipe inside attribute()": best_pipe,
              "components by hand": sum(v for k, v in best.items() if k.startswith("spaCy: "))}
    return best, checks


def profile_table(stages: dict[str, float], checks: dict[str, float], bare_s: float | None, repeat: int) -> str:
    hooked = [h[0] for h in HOOKS]
    at = hooked.index("sieve: speaker-label") + 2
    canonical = ["intake", "tokenize", *[k for k in stages if k.startswith("spaCy: ")],
                 *hooked[2:at], *_SIEVE_STAGES, *hooked[at:]]
    order = [*dict.fromkeys(k for k in canonical if k in stages),
             *[k for k in stages if k not in canonical and k != "other" and not k.startswith("serialise")],
             "other", *[k for k in stages if k.startswith("serialise")]]
    base = bare_s or sum(stages.values())
    rows = [(k, stages[k]) for k in order if k in stages]
    width = max(len(k) for k, _ in rows)
    of = "bare nlp(text), stock" if bare_s else "the sum"
    lines = [f"== (g) profile of Attributor.attribute, fastest of {repeat} passes per stage ==",
             f"{'stage'.ljust(width)}  seconds  % of {of}", f"{'-' * width}  -------  ------"]
    lines += [f"{k.ljust(width)}  {v:7.3f}  {100 * v / base:6.2f}" for k, v in rows]
    lines.append(f"{'sum'.ljust(width)}  {sum(stages.values()):7.3f}  {100 * sum(stages.values()) / base:6.2f}")
    lines.append("checks: " + "; ".join(f"{k} {v:.3f} s" for k, v in checks.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="JSON Lines file with a 'text' field per line")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    ap.add_argument("--repeat", type=int, default=3, help="passes; the fastest of each stage counts")
    args = ap.parse_args(argv)

    from quotesvc.core.attributor import Attributor
    from quotesvc.core.model import Article
    from quotesvc.core.nlp import load_pipeline
    from quotesvc.core.rules import load_rules

    attributor = Attributor(load_pipeline(), load_rules())
    articles = [Article(content=t, fmt="text") for t in read_texts(args.corpus, args.limit)]
    for a in articles:  # warm-up
        attributor.attribute(a)
    stages, checks = profile(attributor, articles, args.repeat)
    print(profile_table(stages, checks, None, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
