"""How far the spans starting at or before a point reach: the questions "does a span hold this one?" and
"does a span run over this offset?" answered by one bisection each, not by a pass over every span.

A running maximum of the ends over the spans sorted by start. Hostile texts carry thousands of spans of one
kind (reports, transcript turns), and asking each of them about every other made those stages quadratic.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable

from .model import Span


class Reach:
    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted(spans, key=lambda s: s.start)
        self._starts = [s.start for s in ordered]
        # Per prefix of the sorted spans: the one reaching furthest, and how far those unequal to it reach.
        self._best: list[Span] = []
        self._runner_up: list[int] = []
        best: Span | None = None
        runner_up = -1
        for s in ordered:
            if best is None or s.end > best.end:
                if best is not None:
                    runner_up = max(runner_up, best.end)  # s ends past every earlier span, so none equals it
                best = s
            elif s != best:
                runner_up = max(runner_up, s.end)
            self._best.append(best)
            self._runner_up.append(runner_up)

    def furthest(self, offset: int, inclusive: bool = True, other_than: Span | None = None) -> int:
        """The furthest end of the spans starting at or before `offset` (strictly before it unless `inclusive`),
        leaving out spans equal to `other_than`; -1 when there are none."""
        i = (bisect_right if inclusive else bisect_left)(self._starts, offset) - 1
        if i < 0:
            return -1
        best = self._best[i]
        return self._runner_up[i] if best == other_than else best.end

    def holds(self, span: Span) -> bool:
        """Whether some span contains `span` (equal spans included)."""
        return self.furthest(span.start) >= span.end

    def covers(self, offset: int) -> bool:
        """Whether some span [start, end) has start <= offset < end."""
        return self.furthest(offset) > offset
