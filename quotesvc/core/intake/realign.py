"""Anchors between a line as sent and as ftfy repaired it, so offsets in the repair map back."""
from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

import ftfy

from .common import PLAIN_FIX

_SYNC = 3  # characters that must agree again after a difference nothing explains
_WINDOW = 64  # how far ahead (in repaired characters) to look for them
_DIFF_LIMIT = 2000  # a longer unexplained run is mapped as a whole instead of diffed


def align(sent: str, fixed: str, d: int, s: int) -> list[tuple[int, int]]:
    """Anchors (repaired offset, sent offset) at both ends of every changed run of one line.

    difflib is quadratic on a long line, so walk both texts, explaining each difference as
    mojibake of the repaired character or as a one-character fix (deletion, ligature, C1 quote).
    What cannot be explained is skipped up to where the texts agree again.
    """
    anchors = []
    i = j = 0
    n, m = len(sent), len(fixed)
    while i < n or j < m:
        if i < n and j < m and sent[i] == fixed[j]:
            i += 1
            j += 1
            continue
        step = _explain(sent, fixed, i, j)
        if step is None:
            step = _resync(sent, fixed, i, j) or (n - i, m - j)
            anchors += _shared(sent[i:i + step[0]], fixed[j:j + step[1]], d + j, s + i)
        else:
            anchors.append((d + j, s + i))
        i += step[0]
        j += step[1]
        anchors.append((d + j, s + i))
    return anchors


def _explain(sent: str, fixed: str, i: int, j: int) -> tuple[int, int] | None:
    if i < len(sent):
        alone = _fix_alone(sent[i])
        if alone != sent[i] and fixed.startswith(alone, j):
            return 1, len(alone)
    if j < len(fixed):
        for form in _garbled_forms(fixed[j]):
            if sent.startswith(form, i):
                return len(form), 1
    return None


@lru_cache(maxsize=4096)
def _fix_alone(c: str) -> str:
    return ftfy.fix_text(c, PLAIN_FIX)


@lru_cache(maxsize=4096)
def _garbled_forms(c: str) -> tuple[str, ...]:
    """What c looks like as UTF-8 read as Windows-1252 (twice, once, with its NBSP lost) or Latin-1."""
    once = c.encode("utf-8").decode("sloppy-windows-1252")
    forms = {once.encode("utf-8").decode("sloppy-windows-1252"), once, once.replace("\xa0", " "),
             c.encode("utf-8").decode("latin-1")}
    forms.discard(c)
    return tuple(sorted(forms, key=len, reverse=True))


def _resync(sent: str, fixed: str, i: int, j: int) -> tuple[int, int] | None:
    """The smallest (di, dj) after which _SYNC characters (or both whole tails) agree again."""
    best: tuple[int, int] | None = None
    for dj in range(min(_WINDOW, len(fixed) - j) + 1):
        if best is not None and dj >= sum(best):
            break
        key = fixed[j + dj:j + dj + _SYNC]
        if len(key) < _SYNC:
            di = len(sent) - len(key) - i
            found = di >= 0 and sent.endswith(key)
        else:
            di = sent.find(key, i, i + 4 * _WINDOW + _SYNC) - i
            found = di >= 0
        if found and (best is None or di + dj < sum(best)):
            best = (di, dj)
    return best


def _shared(sent: str, fixed: str, d: int, s: int) -> list[tuple[int, int]]:
    """Anchors for a run nothing explained: at its start and around what diff finds it shares.

    A single shared character is no evidence: it may be a piece of some repair.
    """
    anchors = [(d, s)]
    if len(sent) + len(fixed) <= _DIFF_LIMIT:
        for op, i1, i2, j1, j2 in SequenceMatcher(None, sent, fixed, autojunk=False).get_opcodes():
            if op == "equal" and i2 - i1 > 1:
                anchors += [(d + j1, s + i1), (d + j2, s + i2)]
    return anchors
