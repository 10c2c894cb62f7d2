"""The speakers stage: each attribution's mention resolved to its entity, and the answer's quotes and speakers."""
from __future__ import annotations

from typing import Sequence

from ..model import Cue, Mention, Quote, Speaker, SpeakerRef
from ..sieves.context import Draft
from .index import SpeakerIndex


def quotes_and_speakers(text: str, drafts: Sequence[Draft], index: SpeakerIndex) -> tuple[list[Quote], list[Speaker]]:
    """The answer's quotes (ids q1, q2, … in the drafts' order) and the speakers they name."""
    quotes: list[Quote] = []
    by_entity: dict[str, list[str]] = {}
    for n, d in enumerate(drafts, 1):
        qid = f"q{n}"
        speaker = None
        if d.mention is not None:
            entity = d.entity if d.entity is not None else index.resolve(d.mention)
            by_entity.setdefault(entity.id, []).append(qid)
            speaker = SpeakerRef(entity.name, Mention(d.mention.span, d.mention.text), entity.id, entity.kind)
        cue = Cue(d.cue.span, d.cue.span.of(text), d.cue.lemma) if d.cue is not None else None
        quotes.append(Quote(qid, d.span, d.span.of(text), d.kind, speaker, cue, d.confidence, d.rule_name))
    return quotes, index.speakers(by_entity)
