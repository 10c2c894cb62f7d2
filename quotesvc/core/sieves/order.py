"""The sieves in the order they run. Read top to bottom, this is the whole of attribution.

1. Transcripts (speaker-label): a paragraph opening with a speaker's label is itself a quotation, and the
   quote marks and cues inside it are its own.
2. Every other quoted span, in text order, goes down QUOTE_SIEVES: the first sieve that finds a speaker (or
   finds that nobody can be found) attributes it, with that sieve's name as its `rule` and the confidence
   rules/sieves.jsonl gives that name; a filter that rejects it drops it as no quotation at all. At a
   DocumentModel step (the conversations) every quote has been down the sieves above it: the model reads what
   they found for the whole document, then the quotes left over go on down the list.
3. Reported speech: the content clauses of the cues become indirect and mixed quotes (reported.py).

A sieve stands before another when it is the more precise of the two on the quotes both could attribute:
after Muzny et al. (2017), most precise first. Its confidence is its precision over all the quotes it
attributes, so confidence need not fall down the list: the conversation sieves (addressee 0.7, turn-taking
0.6) stand before continuation (0.75), because wherever they apply (an untagged quote paragraph right after
another's line) continuation would too, and there they name the right speaker far more often. Measured on
fiction_train: of the quotes whose speaker the order decides, the conversation first gets 1,111 names right,
continuation first 171 (speech end-to-end F1 0.593 against 0.543); on polnear_train the order decides 16
quotes, 5 more right with continuation first (end-to-end F1 0.817 either way). Continuation's other quotes
(the next quote in a paragraph, news copy) are easy and lift its overall precision.
"""
from __future__ import annotations

from typing import Sequence

from spacy.tokens import Doc

from ..cues.finder import CueMatch
from ..model import Options, QuotedSpan, QuoteKind, SourceText
from ..rules import Rules
from ..speakers.index import SpeakerIndex
from . import conversation, dialogue, direct, filters
from .context import REJECTED, Context, DocumentModel, Draft, Layout, Outcome, QuoteCase, QuoteFilter, QuoteSieve
from .reported import add_reported
from .transcripts import speaker_label

QUOTE_SIEVES: tuple[QuoteFilter | QuoteSieve | DocumentModel, ...] = (
    filters.title_or_name,  # the book “…”, Marcia “Cia” Price, “Face the Nation”: no quotation
    direct.cue_in_sentence,  # “…,” Carter told reporters / said Carter / Asseri said: “…”
    direct.dialogue_tag,  # “…,” asked Winterbourne / “…,” he went on: the tag beside the marks, the parse aside
    direct.dash_credit,  # “…” ― Jane Doe
    filters.phrase,  # a short phrase among other words with no cue of its own: a scare quote
    direct.colon_introducer,  # Asseri said:¶“…” / She turned to the crowd: “…”
    direct.action_beat,  # He began to stammer. “…” / “…” Tom looked at the floor.
    conversation.MODEL,  # every quote has been down the sieves above: who talks with whom (conversation.py)
    conversation.addressee,  # “Lizzy, …”¶“…” : the person the line before addressed answers
    conversation.turn_taking,  # A, B, then A again in an exchange of quote paragraphs
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
    """Each quote down the sieves, in text order; at a DocumentModel step every quote has gone down the sieves
    above it, so the model sees them all before the quotes left over go on down the list."""
    outcomes: list[Outcome] = [None] * len(ctx.quoted)
    for steps, model in _stages(QUOTE_SIEVES):
        ctx.last_in_paragraph.clear()  # refilled in text order, with what earlier stages decided too
        for qi in range(len(ctx.quoted)):
            case = ctx.case(qi)
            if outcomes[qi] is None:
                outcomes[qi] = _down(ctx, case, steps)
            outcome = outcomes[qi]
            if isinstance(outcome, Draft):
                ctx.last_in_paragraph[case.last_para] = outcome
        if model is not None:
            model.build(ctx, outcomes)
    return [o for o in outcomes if isinstance(o, Draft)]


def _down(ctx: Context, case: QuoteCase, steps: Sequence[QuoteFilter | QuoteSieve]) -> Outcome:
    for step in steps:
        if isinstance(step, QuoteFilter):
            if step.rejects(ctx, case):
                return REJECTED
            continue
        found = step.find(ctx, case)
        if found is not None:
            return Draft(case.quote.content, QuoteKind.DIRECT, found.cue, found.mention,
                         ctx.rules.confidence(step.name), step.name, entity=found.entity)
    return None


def _stages(steps: Sequence[QuoteFilter | QuoteSieve | DocumentModel]) \
        -> list[tuple[list[QuoteFilter | QuoteSieve], DocumentModel | None]]:
    """The list cut at its document models: (the steps before a model, the model), and the steps after the last."""
    stages: list[tuple[list[QuoteFilter | QuoteSieve], DocumentModel | None]] = []
    current: list[QuoteFilter | QuoteSieve] = []
    for step in steps:
        if isinstance(step, DocumentModel):
            stages.append((current, step))
            current = []
        else:
            current.append(step)
    stages.append((current, None))
    return stages
