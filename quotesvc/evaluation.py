"""Scoring the service against annotated articles (JSON Lines), and grouping its errors by cause.

Gold format, one article per line: {"id", "text", "quotes": [{"start", "end", "kind", "speaker",
"speaker_mentions": [[s, e], ...], "cue"}]}. Matching: spans are trimmed of white space, marks and
edge punctuation; a predicted quote matches a gold one when their overlap covers at least half of
the shorter span, one to one, largest overlap first. A speaker is right when the predicted mention
overlaps a gold speaker mention, or the last name word of one occurs among the other's name words.
End-to-end recall divides the quotes with the right speaker by all gold quotes, including those whose
gold has no speaker (which no prediction can get right); a scorer that divides by the gold quotes that
have a speaker reports a higher recall on the same predictions. There is one track: every gold quote.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .core.model import Article, Attribution, Quote

_EDGE = set(" \t\r\n\u00a0\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a,.;:!?\u2026-\u2013\u2014()[]")
_NAME_STOP = {"the", "a", "an", "of", "s", "mr", "mrs", "ms", "dr", "and", "who", "which", "that", "he", "she",
              "it", "they", "we", "i", "you", "him", "her", "them", "his", "its", "their", "said", "says", "told"}


@dataclass(frozen=True, slots=True)
class GoldQuote:
    start: int
    end: int
    kind: str
    speaker: str | None
    mentions: tuple[tuple[int, int], ...]
    cue: str | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    text: str
    quotes: tuple[GoldQuote, ...]


@dataclass(slots=True)
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_right: int = 0
    gold_direct: int = 0
    direct_right: int = 0
    missed: Counter = field(default_factory=Counter)  # (gold kind, cue) -> count
    spurious: Counter = field(default_factory=Counter)  # rule -> count
    wrong_speaker: Counter = field(default_factory=Counter)  # rule -> count
    examples: list[dict] = field(default_factory=list)

    @staticmethod
    def _prf(tp: int, pred: int, gold: int) -> dict[str, float]:
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}

    def summary(self) -> dict:
        return {"gold": self.gold, "predicted": self.predicted,
                "quotes": self._prf(self.matched, self.predicted, self.gold),
                "end_to_end": self._prf(self.speaker_right, self.predicted, self.gold),
                "speaker_accuracy": round(self.speaker_right / self.matched, 4) if self.matched else 0.0,
                "direct_right_speaker": round(self.direct_right / self.gold_direct, 4) if self.gold_direct else None}

    def errors(self, top: int = 15) -> dict:
        return {"missed_by_cue": [[f"{k}:{c}", n] for (k, c), n in self.missed.most_common(top)],
                "spurious_by_rule": self.spurious.most_common(top),
                "wrong_speaker_by_rule": self.wrong_speaker.most_common(top)}


class GoldFormatError(ValueError):
    pass


def read_gold(path: Path) -> Iterator[GoldArticle]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                quotes = tuple(GoldQuote(int(q["start"]), int(q["end"]), q.get("kind", "indirect"), q.get("speaker"),
                                         tuple(tuple(m) for m in q.get("speaker_mentions") or ()), q.get("cue"))
                               for q in raw.get("quotes", []))
                yield GoldArticle(str(raw.get("id", n)), raw["text"], quotes)
            except (KeyError, TypeError, ValueError) as exc:
                raise GoldFormatError(f"{path}:{n}: {exc}") from exc


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _name_words(name: str | None) -> list[str]:
    words = re.findall(r"[^\W\d_]+", (name or "").lower().replace("\u2019s", " ").replace("'s", " "))
    return [w for w in words if w not in _NAME_STOP]


def speaker_right(gold: GoldQuote, quote: Quote) -> bool:
    if quote.speaker is None:
        return False
    m = quote.speaker.mention.span
    if any(min(ge, m.end) > max(gs, m.start) for gs, ge in gold.mentions):
        return True
    g, p = _name_words(gold.speaker), _name_words(quote.speaker.name or quote.speaker.mention.text)
    return bool(g and p and (p[-1] in g or g[-1] in p))


def match(text: str, golds: Iterable[GoldQuote], quotes: Iterable[Quote]) -> list[tuple[GoldQuote, Quote]]:
    """One-to-one lenient matching, largest overlap first."""
    golds, quotes = list(golds), list(quotes)
    pairs = []
    for gi, g in enumerate(golds):
        gs, ge = _trim(text, g.start, g.end)
        for qi, q in enumerate(quotes):
            ps, pe = _trim(text, q.span.start, q.span.end)
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0 and ge > gs and pe > ps and overlap >= 0.5 * min(ge - gs, pe - ps):
                pairs.append((overlap, gi, qi))
    pairs.sort(reverse=True)
    used_g, used_q, out = set(), set(), []
    for _, gi, qi in pairs:
        if gi not in used_g and qi not in used_q:
            used_g.add(gi)
            used_q.add(qi)
            out.append((golds[gi], quotes[qi]))
    return out


def score_article(score: Score, gold: GoldArticle, answer: Attribution, n_examples: int = 0) -> None:
    text = gold.text
    golds = [g for g in gold.quotes if _trim(text, g.start, g.end)[1] > _trim(text, g.start, g.end)[0]]
    pairs = match(text, golds, answer.quotes)
    matched_g = {id(g) for g, _ in pairs}
    matched_q = {id(q) for _, q in pairs}
    score.gold += len(golds)
    score.predicted += len(answer.quotes)
    score.gold_direct += sum(g.kind == "direct" for g in golds)
    for g in golds:
        if id(g) not in matched_g:
            score.missed[(g.kind, (g.cue or "").lower())] += 1
    for q in answer.quotes:
        if id(q) not in matched_q:
            score.spurious[q.rule] += 1
    for g, q in pairs:
        score.matched += 1
        if speaker_right(g, q):
            score.speaker_right += 1
            score.direct_right += g.kind == "direct"
        else:
            score.wrong_speaker[q.rule] += 1
            if len(score.examples) < n_examples:
                score.examples.append({"doc": gold.id, "quote": text[g.start:g.end][:100], "gold": g.speaker,
                                       "predicted": (q.speaker.name or q.speaker.mention.text) if q.speaker else None,
                                       "rule": q.rule})


def evaluate(attributor, gold: Iterable[GoldArticle], n_examples: int = 0, batch_size: int = 16) -> Score:
    """Attribute every gold article's text with the service's own pipeline and score the answers."""
    score = Score()
    batch: list[GoldArticle] = []

    def flush() -> None:
        answers = attributor.attribute_many([Article(g.text, "text", g.id) for g in batch])
        for g, a in zip(batch, answers):
            score_article(score, g, a, n_examples)
        batch.clear()

    for article in gold:
        batch.append(article)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return score
