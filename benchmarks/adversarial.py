#!/usr/bin/env python3
"""Hostile inputs: is every stage after the parse linear in the text's size, whatever its shape?

    python benchmarks/adversarial.py [--sizes 50000,100000,200000] [--only NAME,...] [--cap 120] [--repeat 1] [--json FILE]

Each generator below writes one shape of input an attacker or an unlucky client could send (thousands
of reports, one paragraph of thousands of names, transcript labels, nested marks, HTML...), at a size
in characters. For every generator and size the script runs the Attributor's public API once
(`Attributor.attribute`, the path every view takes) and splits its time with two clocks placed in the
pipeline: the tokenizer (wrapped) and a last pipeline component mark where the parse starts and ends.

  intake    extracting the text (HTML parsing, mojibake repair)
  parse     spaCy: the tokenizer and every pipeline component (what bare nlp(text) costs)
  post      everything after the parse: quote marks, cues, sieves, speakers, the Attribution
  dump      the Attribution dumped through the answer's schema (serialisation, reported apart)
  post/parse  the figure the target is set in (<= 0.3 at 200,000 characters; real news is ~0.05)
  growth    post at this size over post at the previous size, divided by the size ratio: ~1 when
            linear, ~2 when quadratic (from 100k to 200k characters)

The Attributor runs without a token limit, so the sizes are the sizes asked for (the service refuses
documents over QUOTESVC_MAX_TOKENS, 60,000 by default; the "tokens" column says which ones). A post-parse
stage that runs longer than --cap seconds is stopped (SIGALRM) and reported as "> cap".

Last, the token limit: a run of 200,000 em-dashes is refused by an Attributor with max_tokens=60,000;
the script prints how many characters were tokenized before the refusal, against the whole text.

Runs in one process on whatever CPU it gets: compare the ratios, which one run measures against itself,
rather than the seconds. On a shared machine `--repeat 3` keeps each clock's fastest of three runs. `--corpus FILE.jsonl` adds real articles (a "text" per line, read where they
are), concatenated to each size, as the comparison.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from spacy.language import Language

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from quotesvc.core.attributor import Attributor, TooManyTokens  # noqa: E402
from quotesvc.core.model import Article, InputFormat  # noqa: E402
from quotesvc.core.nlp import load_pipeline  # noqa: E402
from quotesvc.core.rules import load_rules  # noqa: E402
from quotesvc.service.schemas import QuoteResponseSchema  # noqa: E402

DEFAULT_SIZES = (50_000, 100_000, 200_000)


# ------------------------------------------------------------------------------------------- words

_FIRST = ["Ines", "Omar", "Priya", "Tomas", "Aiko", "Kwame", "Lena", "Mateo", "Sofia", "Ravi", "Hana", "Jonas",
          "Amara", "Diego", "Yusuf", "Freya", "Malik", "Nadia", "Pavel", "Zara", "Emil", "Leila", "Bruno", "Ada"]
_SYLLABLES = ["ka", "lo", "ren", "mu", "sa", "tor", "vi", "den", "ba", "ri", "nel", "go", "fa", "stu", "win",
              "ha", "mer", "zo", "quin", "pel", "dor", "ash", "el", "bek"]


def surnames() -> Iterator[str]:
    """Made-up surnames, all different: Kalo, Karen, ..., Kalomu, ... (three syllables once two run out)."""
    for n in itertools.count(2):
        for parts in itertools.product(_SYLLABLES, repeat=n):
            yield "".join(parts).capitalize()


def people() -> Iterator[str]:
    for first, last in zip(itertools.cycle(_FIRST), surnames()):
        yield f"{first} {last}"


def fill(size: int, units: Iterator[str], head: str = "", tail: str = "") -> str:
    """head, then as many whole units as fit in `size` characters, then tail."""
    parts, used = [head], len(head) + len(tail)
    for unit in units:
        if used + len(unit) > size:
            break
        parts.append(unit)
        used += len(unit)
    parts.append(tail)
    return "".join(parts)


def repeat(unit: str) -> Iterator[str]:
    return itertools.repeat(unit)


# -------------------------------------------------------------------------------------- generators


@dataclass(frozen=True)
class Generator:
    name: str
    fmt: InputFormat
    make: Callable[[int], str]
    what: str  # the shape, and the stage it stressed when found


GENERATORS: dict[str, Generator] = {}


def generator(name: str, what: str, fmt: InputFormat = "text"):
    def register(make: Callable[[int], str]) -> Callable[[int], str]:
        GENERATORS[name] = Generator(name, fmt, make, what)
        return make
    return register


@generator("reports", "'He said they lied. ' repeated: every report against every earlier one (_drop_nested)")
def reports(size: int) -> str:
    return fill(size, repeat("He said they lied. "))


@generator("names-paragraph", "one paragraph of '<First> <Surname> “we will go home” ': quotes x names "
                              "(people_in, _uncued)")
def names_paragraph(size: int) -> str:
    return fill(size, (f"{p} “we will go home” " for p in people()))


@generator("label-quotes", "'AB: “x”' lines: quotes x transcript turns; mention lists (_finish)")
def label_quotes(size: int) -> str:
    return fill(size, repeat("AB: “x”\n"))


@generator("answer-lines", "400 name sentences then 'A: Yes.' lines: most_mentioned_person per A: line")
def answer_lines(size: int) -> str:
    names = list(itertools.islice(people(), 400))
    head = "".join(f"{n} spoke to reporters on Monday. " for n in names) + "\n"
    return fill(size, repeat("A: Yes.\n"), head=head)


@generator("label-cues", "'AB: He said so.' lines: cues x turns (in_turn)")
def label_cues(size: int) -> str:
    return fill(size, repeat("AB: He said so.\n"))


@generator("nested-reports", "one sentence of 'X said that Y said that ...': every report nested in the one "
                             "before")
def nested_reports(size: int) -> str:
    names = people()
    return fill(size, (f"{next(names)} said that " for _ in itertools.count()), tail="it rained.")


@generator("nested-marks", "marks nested thousands deep: “ ‘ “ ‘ ... ’ ” ’ ”, with a cue at each level")
def nested_marks(size: int) -> str:
    depth = max(1, (size - 2) // 12)  # 10 characters to open a level, 2 to close it
    opens = "".join(("“Ann said " if i % 2 == 0 else "‘Ben said ") for i in range(depth))
    closes = "".join(("” " if i % 2 == 0 else "’ ") for i in reversed(range(depth)))
    return (opens + "go" + closes)[:size]


@generator("cue-flood", "thousands of cues in one paragraph: 'said, told, added, ...' around short quotes")
def cue_flood(size: int) -> str:
    verbs = itertools.cycle(["said", "told reporters", "added", "claimed", "insisted", "warned", "argued"])
    return fill(size, (f"“Yes,” she {next(verbs)}, " for _ in itertools.count()), tail=".")


@generator("name-wall", "one paragraph of thousands of different names, then pronouns that look back over them")
def name_wall(size: int) -> str:
    names = people()
    return fill(size, (f"{next(names)}, {next(names)} and she said it was over. " for _ in itertools.count()))


@generator("namesakes", "thousands of people sharing one surname: '<First> Okafor said “...”' (_namesake)")
def namesakes(size: int) -> str:
    firsts = (f"{f}{s}" for s in itertools.chain([""], (x.lower() for x in surnames())) for f in _FIRST)
    return fill(size, (f"{f} Okafor said “we will stay here.” " for f in firsts))


@generator("pronoun-chain", "one name, then thousands of 'She said ...' sentences resolving back to it")
def pronoun_chain(size: int) -> str:
    return fill(size, repeat("She said the ferry would run again. "), head="Ines Okafor, the mayor, spoke. ")


@generator("role-nouns", "thousands of 'the spokeswoman said ...' sentences: role lookups (_by_role)")
def role_nouns(size: int) -> str:
    names = people()
    return fill(size, (f"{next(names)}, a spokeswoman, spoke. The spokeswoman said it was fine.\n"
                       for _ in itertools.count()))


@generator("dialogue", "short quote paragraphs alternating between two speakers: turn-taking and continuation")
def dialogue(size: int) -> str:
    lines = itertools.cycle(["“Is it late?” asked Ines Okafor.\n", "“Not yet,” said Omar Kalo.\n",
                             "“Are you sure?”\n", "“Quite sure.”\n"])
    return fill(size, lines)


@generator("long-quote", "one quote running over thousands of paragraphs, each reopening the mark")
def long_quote(size: int) -> str:
    return fill(size, repeat("“We will go home and we will rebuild the pier.\n"),
                tail="“That is all,” Ines Okafor said.\n")


@generator("colon-lines", "thousands of colon introducers: 'Okafor said: “...”' on one line each")
def colon_lines(size: int) -> str:
    names = people()
    return fill(size, (f"{next(names)} said:\n“We will go home.”\n" for _ in itertools.count()))


@generator("html-paragraphs", "HTML: thousands of <p> each holding a cued quote", fmt="html")
def html_paragraphs(size: int) -> str:
    names = people()
    return fill(size, (f"<p>&ldquo;We will go home,&rdquo; <b>{next(names)}</b> said.</p>\n"
                       for _ in itertools.count()), head="<html><body>", tail="</body></html>")


@generator("html-nested", "HTML: quotes inside inline tags nested deep, one paragraph", fmt="html")
def html_nested(size: int) -> str:
    names = people()
    unit = lambda: f"<span><em><b>“Yes,” <a href='#'>{next(names)}</a> said.</b></em></span> "  # noqa: E731
    return fill(size, (unit() for _ in itertools.count()), head="<p>", tail="</p>")


@generator("html-entities", "HTML: a paragraph of escaped markup '&lt;img ... &gt;' inside quotes", fmt="html")
def html_entities(size: int) -> str:
    return fill(size, repeat("<p>“&lt;img src=x onerror=alert(1)&gt; is fine,” he said.</p>"))


@generator("news-like", "ordinary news copy of our own, repeated (the comparison)")
def news_like(size: int) -> str:
    rnd = random.Random(7)
    names = people()
    paragraphs = []
    for _ in range(40):
        who = next(names)
        paragraphs += [
            f"{who}, a spokeswoman for the harbour board, said on Tuesday that the new pier would open in May.",
            f"“We have waited ten years for this,” {who.split()[1]} said. “It changes everything for the ferries.”",
            f"She added that the city would borrow {rnd.randint(2, 90)} million to pay for it.",
            "Critics disagree. According to the council's own figures, the cost has doubled since 2019.",
        ]
    return fill(size, itertools.cycle(p + "\n" for p in paragraphs))


# ------------------------------------------------------------------------------------------ clocks


class Capped(Exception):
    """The post-parse stages ran past --cap seconds."""


class _Clock:
    """Times within one attribute() call: when tokenizing started, when the last component finished (and
    the document's token count); from then on, the cap's alarm is armed."""

    def __init__(self) -> None:
        self.tokenize_start = self.parse_end = 0.0
        self.tokens = 0
        self.cap: float | None = None


CLOCK = _Clock()


@Language.component("quotesvc_bench_parse_end")
def _parse_end(doc):
    CLOCK.parse_end = time.perf_counter()
    CLOCK.tokens = len(doc)
    if CLOCK.cap is not None:
        signal.setitimer(signal.ITIMER_REAL, CLOCK.cap)
    return doc


class _TimedTokenizer:
    """The pipeline's tokenizer, noting when it is called."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text, *args, **kwargs):
        CLOCK.tokenize_start = time.perf_counter()
        return self.tokenizer(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


@dataclass
class Result:
    generator: str
    chars: int
    tokens: int
    quotes: int  # -1 when capped
    intake_s: float
    parse_s: float
    post_s: float | None  # None: stopped at the cap
    dump_s: float | None

    @property
    def ratio(self) -> float | None:
        return None if self.post_s is None else self.post_s / self.parse_s


def measure(attributor: Attributor, gen: Generator, size: int, cap: float) -> Result:
    """One attribute() call on the generator's text at this size, its time split by the clocks."""
    text = gen.make(size)
    schema = QuoteResponseSchema()

    def on_alarm(signum, frame):
        raise Capped()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    CLOCK.tokenize_start = CLOCK.parse_end = 0.0
    CLOCK.cap = cap
    attribution, post, dump = None, None, None
    t0 = time.perf_counter()
    try:
        attribution = attributor.attribute(Article(text, gen.fmt))
        post = time.perf_counter() - CLOCK.parse_end
        signal.setitimer(signal.ITIMER_REAL, 0)
        dump_start = time.perf_counter()
        schema.dump(attribution)
        dump = time.perf_counter() - dump_start
    except Capped:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        CLOCK.cap = None
    return Result(gen.name, len(text), CLOCK.tokens, len(attribution.quotes) if attribution else -1,
                  CLOCK.tokenize_start - t0, CLOCK.parse_end - CLOCK.tokenize_start, post, dump)


def fastest(runs: list[Result]) -> Result:
    """One input's runs as one: each clock's fastest (a post stopped at the cap counts as the slowest)."""
    best = min(runs, key=lambda r: r.parse_s)
    posts = [r for r in runs if r.post_s is not None]
    quickest = min(posts, key=lambda r: r.post_s) if posts else runs[0]
    return Result(best.generator, best.chars, best.tokens, quickest.quotes, min(r.intake_s for r in runs),
                  best.parse_s, quickest.post_s, quickest.dump_s)


# --------------------------------------------------------------------------------------- reporting


def fmt_s(value: float | None, cap: float) -> str:
    return f"> {cap:.0f}" if value is None else f"{value:.3f}"


def print_table(results: list[Result], cap: float) -> None:
    header = f"{'generator':<16} {'chars':>8} {'tokens':>8} {'quotes':>7} {'intake s':>9} {'parse s':>8} " \
             f"{'post s':>8} {'dump s':>7} {'post/parse':>10} {'growth':>7}"
    print(header)
    print("-" * len(header))
    previous: dict[str, Result] = {}
    for r in results:
        growth = ""
        p = previous.get(r.generator)
        if p is not None and p.post_s and r.post_s is not None:
            growth = f"{(r.post_s / p.post_s) / (r.chars / p.chars):.2f}"
        ratio = "capped" if r.ratio is None else f"{r.ratio:.3f}"
        print(f"{r.generator:<16} {r.chars:>8} {r.tokens:>8} {r.quotes:>7} {r.intake_s:>9.3f} {r.parse_s:>8.3f} "
              f"{fmt_s(r.post_s, cap):>8} {fmt_s(r.dump_s, cap):>7} {ratio:>10} {growth:>7}")
        previous[r.generator] = r
    sys.stdout.flush()


def token_limit_check(nlp: Language, rules, size: int = 200_000, limit: int = 60_000) -> dict:
    """A run of em-dashes against max_tokens: characters tokenized before the refusal, and the seconds."""
    text = "—" * size
    inner = nlp.tokenizer.tokenizer if hasattr(nlp.tokenizer, "tokenizer") else nlp.tokenizer
    counted = {"chars": 0}

    def counting(piece: str):
        counted["chars"] += len(piece)
        return inner(piece)

    outer = nlp.tokenizer
    outer.tokenizer = counting
    try:
        t0 = time.perf_counter()
        try:
            Attributor(nlp, rules, max_tokens=limit).attribute(Article(text, "text"))
            refused = None
        except TooManyTokens as exc:
            refused = str(exc)
        refuse_s = time.perf_counter() - t0
        refused_chars = counted["chars"]
        counted["chars"] = 0
        t0 = time.perf_counter()
        full_tokens = len(nlp.tokenizer(text))
        full_s = time.perf_counter() - t0
    finally:
        outer.tokenizer = inner
    return {"chars": size, "limit": limit, "refused": refused, "chars_tokenized_before_refusal": refused_chars,
            "refusal_s": refuse_s, "full_tokens": full_tokens, "full_tokenize_s": full_s}


def corpus_generator(path: Path) -> Generator:
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Generator("corpus", "text", lambda size: fill(size, itertools.cycle(t + "\n" for t in texts)),
                     f"real articles from {path.name}, concatenated")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="sizes in characters, comma-separated (default %(default)s)")
    parser.add_argument("--only", default="", help="generator names, comma-separated (default: all)")
    parser.add_argument("--cap", type=float, default=120.0, help="stop a post-parse stage after this many s")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each input this many times and keep the fastest parse and the fastest post "
                             "(on a shared machine a burst of other work lands on one of the two)")
    parser.add_argument("--corpus", type=Path, help="JSON Lines of real articles to add as the comparison")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--list", action="store_true", help="list the generators and exit")
    args = parser.parse_args(argv)

    gens = dict(GENERATORS)
    if args.corpus:
        gens["corpus"] = corpus_generator(args.corpus)
    if args.list:
        for g in gens.values():
            print(f"{g.name:<16} {g.fmt:<5} {g.what}")
        return 0
    chosen = [gens[n] for n in args.only.split(",") if n] if args.only else list(gens.values())
    sizes = [int(s) for s in args.sizes.split(",")]

    nlp = load_pipeline()
    nlp.tokenizer = _TimedTokenizer(nlp.tokenizer)
    nlp.add_pipe("quotesvc_bench_parse_end", last=True)
    rules = load_rules()
    attributor = Attributor(nlp, rules)  # no token limit: the sizes asked for are the sizes measured
    attributor.attribute(Article(news_like(20_000), "text"))  # warm up
    runs = "one run each" if args.repeat <= 1 else f"fastest parse and fastest post of {args.repeat} runs each"
    print(f"# sizes {sizes}, cap {args.cap:.0f} s per post-parse stage; one process, {runs}", flush=True)
    results = []
    for gen in chosen:
        for size in sizes:
            results.append(fastest([measure(attributor, gen, size, args.cap) for _ in range(max(1, args.repeat))]))
            print_table_row_progress(results[-1], args.cap)
    print()
    print_table(results, args.cap)
    nlp.tokenizer = nlp.tokenizer.tokenizer
    nlp.remove_pipe("quotesvc_bench_parse_end")
    limit = token_limit_check(nlp, rules)
    print()
    print(f"token limit: {limit['chars']:,} em-dashes against max_tokens {limit['limit']:,}: refused after "
          f"tokenizing {limit['chars_tokenized_before_refusal']:,} characters in {limit['refusal_s']:.3f} s "
          f"({limit['refused']}); tokenizing all of it: {limit['full_tokens']:,} tokens in "
          f"{limit['full_tokenize_s']:.3f} s")
    # Each generator's text at the largest size (a generator fills up to the size, rarely to the character).
    largest = {r.generator: r for r in sorted(results, key=lambda r: r.chars)}
    worst = max(largest.values(), key=lambda r: float("inf") if r.ratio is None else r.ratio, default=None)
    if worst is not None:
        print(f"worst post/parse at the largest size ({max(sizes):,} characters): {worst.generator} "
              f"{'capped' if worst.ratio is None else f'{worst.ratio:.3f}'}")
    if args.json:
        args.json.write_text(json.dumps({"results": [dict(r.__dict__, ratio=r.ratio) for r in results],
                                         "token_limit": limit}, indent=1))
    return 0


def print_table_row_progress(r: Result, cap: float) -> None:
    ratio = "capped" if r.ratio is None else f"{r.ratio:.3f}"
    print(f"  {r.generator} {r.chars}: parse {r.parse_s:.2f} s, post {fmt_s(r.post_s, cap)} s, ratio {ratio}",
          file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
