"""The name of a first-person narrator, from the lines of a document's conversations (conversation.py).

The narration says "I", so the text gives the narrator's name only in what the other people say to them: "Hastings,
look", "…, Jake?". Once, after the conversations have their speakers, and linear in the turns and names.
"""
from __future__ import annotations

from typing import Sequence

from ..speakers.index import Entity
from .context import Context
from .turns import Turn


def name_the_narrator(ctx: Context, turns: Sequence[Turn]) -> None:
    """Give the narrator the name the others' lines call them by: the person the others' lines address by name
    more often than anyone else who is never named in the narration (which says "I" instead); else the person a
    line right before or after the narrator's own addresses by name more often than anyone else. Never someone who
    speaks a tagged line of their own, nor a title alone ("Lady", "Mlle"). (Asking the name to be given twice in
    the text lost more right names than wrong ones on fiction_train; reading the never-narrated name first got
    161 more lines right there, in 22 passages of two first-person novels, and 3 fewer in one.)"""
    narrator = ctx.index.narrator_if_any()
    if narrator is None or narrator.name is not None:
        return
    tagged = {id(t.speaker) for t in turns if t.tagged is not None and t.speaker is not None}
    narrated = {id(o.entity) for o in ctx.index.names_in(0, len(ctx.text)) if not o.in_quote}
    person = _most_addressed(ctx, turns, narrator, tagged | narrated, beside=False) or \
        _most_addressed(ctx, turns, narrator, tagged, beside=True)
    if person is not None:
        narrator.name, narrator.gender = person.name, narrator.gender or person.gender
        narrator.aliases.extend(a for a in [person.name, *person.aliases] if a and a not in narrator.aliases)


def _most_addressed(ctx: Context, turns: Sequence[Turn], narrator: Entity, excluded: set[int],
                    beside: bool) -> Entity | None:
    """The one person the lines of others address by name more often than anyone else (only the lines right
    before or after one of the narrator's when `beside`), none of `excluded`; None when nobody is or two tie."""
    votes: dict[int, int] = {}
    people: dict[int, Entity] = {}
    for k, turn in enumerate(turns):
        if turn.speaker is None or turn.speaker is narrator:
            continue
        if beside:
            after = turns[k + 1] if k + 1 < len(turns) else None
            if not ((k > 0 and turn.gap == 0 and turns[k - 1].speaker is narrator) or
                    (after is not None and after.gap == 0 and after.speaker is narrator)):
                continue
        for person, _ in turn.addressed:
            if person is not turn.speaker and person.name is not None:
                votes[id(person)] = votes.get(id(person), 0) + 1
                people[id(person)] = person
    titles = ctx.rules.titles
    ranked = sorted(((n, i) for i, n in votes.items()
                     if i not in excluded and people[i].name.rstrip(".").lower() not in titles), reverse=True)
    if ranked and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        return people[ranked[0][1]]
    return None
