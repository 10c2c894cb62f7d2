"""The sieves in the order they run. Read top to bottom, this is the whole of attribution.

1. Transcripts (speaker-label): a paragraph opening with a speaker's label is itself a quotation, and the
   quote marks and cues inside it are its own.
2. Every other quoted span, in text order, goes down QUOTE_SIEVES: the first sieve that finds a speaker (or
   finds that nobody can be found) attributes it, with that sieve's name as its `rule` and the confidence
   rules/sieves.jsonl gives that name; a filter that rejects it drops it as no quotation at all.
3. Reported speech: the content clauses of the cues become indirect and mixed quotes (reported.py).

A sieve stands before another when it is the more precise of the two on the quotes both could attribute:
after Muzny et al. (2017), most precise first. Its confidence is its precision over all the quotes it
attributes, so confidence need not fall down the list: turn-taking (0.6) stands before continuation
(0.75), because wherever turn-taking applies (a quote paragraph after two alternating short turns)
continuation would too, and there turn-taking names the right speaker more often. Measured on
fiction_train: of the 265 quotes whose speaker the order decides, turn-taking first gets 127 right,
continuation alone 36 (speech end-to-end F1 0.480 against 0.475); polnear_train has 2 such quotes, one right
either way. Continuation's other quotes (the next quote in a paragraph, news copy) are easy and lift its
overall precision.
"""
from __future__ import annotations

from typing import Sequence

from spacy.tokens import Doc

from ..cues.finder import CueMatch
from ..model import Options, QuotedSpan, QuoteKind, SourceText
from ..rules import Rules
from ..speakers.index import SpeakerIndex
from . import dialogue, direct, filters
from .context import Context, Draft, Layout, QuoteFilter, QuoteSieve
from .reported import add_reported
from .transcripts import speaker_label

QUOTE_SIEVES: tuple[QuoteFilter | QuoteSieve, ...] = (
    filters.title_or_name,  # the book “…”, Marcia “Cia” Price, “Face the Nation”: no quotation
    direct.cue_in_sentence,  # “…,” Carter told reporters / said Carter / Asseri said: “…”
    direct.dialogue_tag,  # “…,” asked Winterbourne / “…,” he went on: the tag beside the marks, the parse aside
    direct.dash_credit,  # “…” ― Jane Doe
    filters.phrase,  # a short phrase among other words with no cue of its own: a scare quote
    direct.colon_introducer,  # Asseri said:¶“…” / She turned to the crowd: “…”
    dialogue.turn_taking,  # A, B, then A again in a bare exchange of short quote paragraphs
    dialogue.continuation,  # the previous quote's speaker goes on
    direct.paragraph_cue,  # Tester spoke on Thursday. “…”
    direct.single_candidate,  # the only person named in the paragraph
    direct.unattributed,  # a quotation all the same
)


def attribute(doc: Doc, source: SourceText, quoted: Sequence[QuotedSpan], cues: Sequence[CueMatch],
              index: SpeakerIndex, rules: Rules, options: Options) -> list[Draft]:
    """Every quote of the document with the mention and cue it rests on, in text order."""
    layout = Layout(doc, source)
    turns = speaker_label(doc, source, index, rules)
    ctx = Context.build(doc, source, layout, quoted, cues, index, rules, [t.span for t in turns])
    drafts = turns + _sieve_quotes(ctx)
    if options.indirect:
        drafts = add_reported(ctx, drafts)
    drafts.sort(key=lambda d: d.span.start)
    return drafts


def _sieve_quotes(ctx: Context) -> list[Draft]:
    drafts = []
    for qi in range(len(ctx.quoted)):
        case = ctx.case(qi)
        for step in QUOTE_SIEVES:
            if isinstance(step, QuoteFilter):
                if step.rejects(ctx, case):
                    break
                continue
            found = step.find(ctx, case)
            if found is not None:
                draft = Draft(case.quote.content, QuoteKind.DIRECT, found.cue, found.mention,
                              ctx.rules.confidence(step.name), step.name)
                drafts.append(draft)
                ctx.last_in_paragraph[case.last_para] = draft
                break
    return drafts
