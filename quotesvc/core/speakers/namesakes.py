"""The people sharing each surname, in the order they were first named, and which of them a new mention is.

A mention is the first person of its surname whose first name and sex do not tell them apart from it
(SpeakerIndex._namesake gives the rule). Asking every earlier person of the surname made a text of thousands
of "<First> Okafor said" quadratic, so the people are also filed by first name: a mention with a first name
can only be someone of that first name or someone known without one. A person's first name and sex are only
ever set once, never changed (None -> a value), so what files them stays true, and a person whose sex differs
from a mention's stays different from every later mention of that sex.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

from ..model import Gender

if TYPE_CHECKING:
    from .index import Entity

Fits = Callable[["Entity"], bool]


def _long(first: str | None) -> bool:
    """A first name that tells people apart (not an initial)."""
    return bool(first) and len(first) > 1  # type: ignore[arg-type]


class Namesakes:
    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.people: dict[str, list["Entity"]] = {}  # surname -> the people of that name, first named first
        self._by_first: dict[str, dict[str, list[int]]] = {}  # surname -> first name -> positions in people
        self._open: dict[str, list[int]] = {}  # surname -> positions of those filed without a first name
        self._other_sex: dict[tuple[str, Gender], int] = {}  # how many people from the start are of the other sex

    def add(self, key: str, person: "Entity", first: str | None) -> None:
        """A new person of this surname, whose first name (None or an initial: not known) is `first`."""
        people = self.people.setdefault(key, [])
        if _long(first):
            self._by_first.setdefault(key, {}).setdefault(first, []).append(len(people))  # type: ignore[arg-type]
        else:
            self._open.setdefault(key, []).append(len(people))
        people.append(person)

    def find(self, key: str, first: str | None, gender: Gender | None) -> "Entity | None":
        """The first person of the surname that a mention with this first name and sex may be, or None."""
        people = self.people.get(key, [])
        sex_fits: Fits = lambda p: not (gender and p.gender and p.gender != gender)  # noqa: E731
        if _long(first):
            # Only someone of that first name or someone filed without one (who may have one now): in order.
            candidates = sorted(self._by_first.get(key, {}).get(first, []) + self._open.get(key, []))  # type: ignore[arg-type]
            return next((people[i] for i in candidates if sex_fits(people[i]) and
                         not (_long(people[i].first) and people[i].first != first)), None)
        if gender is None:
            return people[0] if people else None
        i = self._other_sex.get((key, gender), 0)
        while i < len(people) and not sex_fits(people[i]):
            i += 1  # of the other sex, for good
        self._other_sex[(key, gender)] = i
        return people[i] if i < len(people) else None

    def redirect(self, merged: Mapping[int, "Entity"]) -> None:
        """Merged people (id of the merged one -> the one it becomes) move over; filed again from scratch."""
        old = self.people
        self._clear()
        for key, people in old.items():
            kept: set[int] = set()
            for p in people:
                p = merged.get(id(p), p)
                if id(p) not in kept:
                    kept.add(id(p))
                    self.add(key, p, p.first)
