"""Conversations: who talks with whom, and so who says the lines nobody tags.

A turn is a paragraph with quotes in it (a novelist gives each speaker's turn its own paragraph); a
conversation is a run of turns with little narration between them. Once the sieves above the model have seen
every quote, the model walks each conversation in text order, then back:

- a tagged turn's speaker is its tag's (a pronoun tag resolved among the people of the conversation, below);
- an untagged turn right after another is, in order: the person the turn before addressed by name ("Lizzy,"
  "…, Mr. Darcy?"), who answers; else the other of the last two speakers (A, B, then A again), where "other"
  is the latest speaker or addressee of the conversation who is not the last speaker. A turn with no one to
  alternate with (news: one speaker's quote paragraphs in a row) is left to the sieves below (continuation);
- nobody is the speaker of a line that addresses them by name, nor, by a pronoun, of a name in their own line;
- the opening lines of a conversation, before its first tag, are filled back from the turns after them.

"he said" / "she said" in a conversation: the person the turn order predicts when the pronoun fits them
(sex), else the index's antecedent if it fits and is not who spoke the line before (a new paragraph right
after a line is a reply), else the latest fitting person of the conversation. Nobody named inside the line.

Every turn and every name inside a quote is looked at a bounded number of times, so the model is linear.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from enum import Enum
from typing import Sequence

from ..model import QuotedSpan, SieveName, Span, SpeakerKind
from ..rules import PronounKind
from ..speakers.index import Entity, Occurrence
from ..speakers.mentions import LocalMention, MentionForm
from .context import Context, DocumentModel, Draft, Found, Outcome, QuoteCase, sieve

# Characters that may stand right before a name said to someone ("Yes, Lizzy", "Oh! Mr. Darcy") and right after
# it ("Lizzy, come", "…, Mr. Darcy?"); the quote's own edges count too.
_BEFORE_VOCATIVE = frozenset(",!?;:.—–-(")
_AFTER_VOCATIVE = frozenset(",!?;.—–-)")
_VOCATIVE_WORDS = frozenset({"dear", "dearest", "oh", "o", "ah", "my"})  # my dear Watson, oh Jane


class Reason(str, Enum):
    ADDRESSEE = "addressee"  # the person the line before addressed answers
    TURN = "turn"  # the other of the last two speakers


@dataclass(slots=True)
class Turn:
    para: int  # its first paragraph
    quotes: list[int]  # indices in Context.quoted
    gap: int  # words of narration between the turn before and this one; -1 for a document's first turn
    tagged: Draft | None = None  # the first draft the sieves above made for one of its quotes
    speaker: Entity | None = None
    mention: LocalMention | None = None  # the words the speaker rests on
    reason: Reason | None = None  # how an untagged turn's speaker was inferred
    addressed: list[tuple[Entity, Occurrence]] = field(default_factory=list)
    named: set[int] = field(default_factory=set)  # ids of the people named inside its quotes


@dataclass(frozen=True, slots=True)
class _Seen:
    """Someone a conversation has seen: a speaker with the words of their tag, or a person addressed by name."""

    entity: Entity
    mention: LocalMention | None
    vocative: Occurrence | None


def _mention_of(ctx: Context, seen: _Seen, vocative: Occurrence | None = None) -> LocalMention:
    """The words an inferred attribution rests on: the person's latest tag in the conversation, else the name by
    which they were addressed."""
    if seen.mention is not None:
        return seen.mention
    vocative = vocative or seen.vocative
    assert vocative is not None, "a person the conversation saw is a speaker or was addressed"
    return ctx.index.local_mention(vocative.head)


class _History:
    """The people of one conversation, each once, the latest seen last; only the latest few are looked at, so a
    long conversation costs no more per turn than a short one."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self._seen: dict[int, _Seen] = {}

    def saw(self, entity: Entity, mention: LocalMention | None, vocative: Occurrence | None) -> None:
        old = self._seen.pop(id(entity), None)
        if old is not None:
            mention, vocative = mention or old.mention, vocative or old.vocative
        self._seen[id(entity)] = _Seen(entity, mention, vocative)

    def get(self, entity: Entity) -> _Seen | None:
        return self._seen.get(id(entity))

    def latest(self) -> list[_Seen]:
        """The latest people seen, latest first."""
        out = []
        for seen in reversed(self._seen.values()):
            out.append(seen)
            if len(out) == self.depth:
                break
        return out


class Conversations:
    """The turns of a document, grouped into conversations, with each turn's speaker where one can be told."""

    def __init__(self, ctx: Context, outcomes: Sequence[Outcome]) -> None:
        self.ctx = ctx
        self.drafts = {qi: o for qi, o in enumerate(outcomes) if isinstance(o, Draft)}
        self.turns = _turns(ctx, outcomes)
        self.turn_of: dict[int, Turn] = {qi: t for t in self.turns for qi in t.quotes}
        for conversation in self._conversations():
            self._forward(conversation)
            self._backward(conversation)
            for run in _runs(conversation):
                _nearest_tag(run)

    def found(self, qi: int, reason: Reason) -> Found | None:
        """The inferred speaker of quote qi's turn, when that turn is untagged and was inferred for `reason`."""
        turn = self.turn_of.get(qi)
        if turn is None or turn.tagged is not None or turn.speaker is None or turn.reason is not reason:
            return None
        return Found(turn.mention, None, turn.speaker)

    def _conversations(self) -> list[list[Turn]]:
        gap = self.ctx.parameters.max_conversation_gap
        out: list[list[Turn]] = []
        for turn in self.turns:
            if not out or turn.gap < 0 or turn.gap > gap:
                out.append([])
            out[-1].append(turn)
        return out

    def _forward(self, turns: list[Turn]) -> None:
        index = self.ctx.index
        history = _History(self.ctx.parameters.conversation_depth)
        previous: Turn | None = None
        for turn in turns:
            guess = self._guess(turn, previous, history)
            if turn.tagged is not None and turn.tagged.mention is not None:
                mention = turn.tagged.mention
                entity = turn.tagged.entity or index.resolve(mention)
                if mention.form is MentionForm.PRONOUN:
                    entity = self._pronoun(turn, previous, guess, history, entity)
                    for qi in turn.quotes:
                        draft = self.drafts.get(qi)
                        if draft is not None and draft.mention == mention:
                            draft.entity = entity
                turn.speaker, turn.mention = entity, mention
            elif guess is not None:
                turn.speaker, turn.mention, turn.reason = guess
            if turn.speaker is not None:
                history.saw(turn.speaker, turn.mention, None)
            for person, occ in turn.addressed:
                if person is not turn.speaker:
                    history.saw(person, None, occ)
            previous = turn

    def _guess(self, turn: Turn, previous: Turn | None,
               history: _History) -> tuple[Entity, LocalMention, Reason] | None:
        """Who the turn order says speaks `turn`: the person the line before addressed, else the other of the last
        two speakers. Only right after another turn."""
        if previous is None or turn.gap != 0:
            return None
        for person, occ in previous.addressed:
            if person is not previous.speaker and id(person) not in turn.named:
                seen = history.get(person) or _Seen(person, None, occ)
                return person, _mention_of(self.ctx, seen, occ), Reason.ADDRESSEE
        if previous.speaker is None:
            return None
        for seen in history.latest():
            person = seen.entity
            if person is not previous.speaker and person.kind is SpeakerKind.PERSON:
                if id(person) in turn.named or any(p is person for p, _ in turn.addressed):
                    return None
                return person, _mention_of(self.ctx, seen), Reason.TURN
        return None

    def _pronoun(self, turn: Turn, previous: Turn | None, guess: tuple[Entity, LocalMention, Reason] | None,
                 history: _History, antecedent: Entity) -> Entity:
        """Who "he" or "she" tagging a line is, among the people of the conversation."""
        assert turn.tagged is not None and turn.tagged.mention is not None
        pron = self.ctx.rules.pronouns.get(turn.tagged.mention.text.lower())
        if pron is None or pron.kind is not PronounKind.PERSON or pron.gender is None:
            return antecedent
        reply_to = previous.speaker if previous is not None and turn.gap == 0 else None

        def fits(e: Entity) -> bool:
            return e.kind is SpeakerKind.PERSON and (e.gender is None or e.gender is pron.gender) and \
                id(e) not in turn.named and all(p is not e for p, _ in turn.addressed)

        if guess is not None and fits(guess[0]):
            return guess[0]
        if fits(antecedent) and antecedent is not reply_to:
            return antecedent
        for seen in history.latest():
            if fits(seen.entity) and seen.entity is not reply_to:
                return seen.entity
        return antecedent

    def _backward(self, turns: list[Turn]) -> None:
        """Fill the untagged turns that open a conversation from the turns after them."""
        for k in range(len(turns) - 2, -1, -1):
            turn, after = turns[k], turns[k + 1]
            if turn.speaker is not None or after.gap != 0 or after.speaker is None:
                continue
            for person, occ in after.addressed:
                if person is not after.speaker and id(person) not in turn.named:
                    turn.speaker, turn.mention, turn.reason = person, self.ctx.index.local_mention(occ.head), \
                        Reason.ADDRESSEE
                    break
            else:
                later = turns[k + 2] if k + 2 < len(turns) else None
                if later is not None and later.gap == 0 and later.speaker is not None and \
                        later.speaker is not after.speaker and later.speaker.kind is SpeakerKind.PERSON and \
                        id(later.speaker) not in turn.named and later.mention is not None:
                    turn.speaker, turn.mention, turn.reason = later.speaker, later.mention, Reason.TURN


def _runs(turns: list[Turn]) -> list[list[Turn]]:
    """The runs of turns with no narration between them."""
    runs: list[list[Turn]] = []
    for turn in turns:
        if not runs or turn.gap != 0:
            runs.append([])
        runs[-1].append(turn)
    return runs


def _nearest_tag(run: list[Turn]) -> None:
    """Count an untagged turn's place from the nearer tagged turn. Walking forward, one line the model cannot see
    (a speaker going on, a line it missed) puts every line after it out of step until the next tag; the tag
    after a line says as much as the tag before it: the same speaker an even number of turns away, the other
    of the pair an odd number."""
    # The turns whose speaker the text tells: tagged, or answering a line that addressed them by name.
    tagged = [k for k, t in enumerate(run) if t.speaker is not None and (t.tagged is not None or
                                                                          t.reason is Reason.ADDRESSEE)]
    if not tagged:
        return
    first_seen: dict[int, int] = {}  # id of a person -> the first turn of the run that has them, speaking or named
    for k, turn in enumerate(run):
        if turn.speaker is not None and (turn.tagged is not None or turn.reason is Reason.ADDRESSEE):
            first_seen.setdefault(id(turn.speaker), k)
        for person, _ in turn.addressed:
            first_seen.setdefault(id(person), k)
    # The other of the pair at each tag: the nearest tagged turn before it with another speaker, else after it.
    other: dict[int, Turn] = {}
    for order in (tagged, tagged[::-1]):
        last: int | None = None
        found: dict[int, Turn | None] = {}
        for k in order:
            if last is None:
                found[k] = None
            elif run[last].speaker is not run[k].speaker:
                found[k] = run[last]
            else:
                found[k] = found[last]
            last = k
        for k, turn in found.items():
            if turn is not None and k not in other:
                other[k] = turn
    before: int | None = None
    nxt = 0
    for k, turn in enumerate(run):
        if nxt < len(tagged) and tagged[nxt] == k:
            before, nxt = k, nxt + 1
            continue
        if turn.reason is not Reason.TURN and turn.speaker is not None:
            continue  # addressed by name, or tagged
        after = tagged[nxt] if nxt < len(tagged) else None
        if after is None or (before is not None and k - before <= after - k):
            continue  # the tag before is nearer: the forward walk stands
        who = run[after] if (after - k) % 2 == 0 else other.get(after)
        if who is None or who.speaker is None or id(who.speaker) in turn.named:
            continue
        if before is not None and first_seen.get(id(who.speaker), k) >= k:
            continue  # someone who joins the conversation later says nothing of the lines before they came
        turn.speaker, turn.mention, turn.reason = who.speaker, who.mention, Reason.TURN


def build(ctx: Context, outcomes: Sequence[Outcome]) -> None:
    ctx.conversations = Conversations(ctx, outcomes)


MODEL = DocumentModel("conversations", build)


@sieve(SieveName.ADDRESSEE)
def addressee(ctx: Context, case: QuoteCase) -> Found | None:
    """An untagged line right after a line that addressed someone by name is that person's answer."""
    return ctx.conversations.found(case.index, Reason.ADDRESSEE) if ctx.conversations is not None else None


@sieve(SieveName.TURN_TAKING)
def turn_taking(ctx: Context, case: QuoteCase) -> Found | None:
    """An untagged line right after another, in a conversation of two or more people, is the other's of the last
    two speakers (or the opening lines, filled back from the turns after them)."""
    return ctx.conversations.found(case.index, Reason.TURN) if ctx.conversations is not None else None


def _turns(ctx: Context, outcomes: Sequence[Outcome]) -> list[Turn]:
    """The document's turns in text order: each paragraph with a quote that is not rejected."""
    text, layout = ctx.text, ctx.layout
    turns: list[Turn] = []
    last_para = -1
    narrative = -1  # the last paragraph found to be narration that quotes, not a line of dialogue
    for qi, q in enumerate(ctx.quoted):
        outcome = outcomes[qi]
        if outcome is not None and not isinstance(outcome, Draft):
            continue  # rejected: no quotation
        para = layout.paragraph(q.open_mark.start)
        if para == narrative:
            continue
        if turns and para == turns[-1].para:
            turn = turns[-1]
        elif turns and para <= last_para:
            continue  # inside a quote that runs over paragraphs: the turn of its first
        else:
            if not _spoken(ctx, para, q):
                narrative = para
                continue
            gap = -1
            if turns:
                gap = sum(len(layout.paragraph_span(p).of(text).split()) for p in range(last_para + 1, para))
            turn = Turn(para, [], gap)
            turns.append(turn)
        turn.quotes.append(qi)
        last_para = max(last_para, para, layout.paragraph(max(q.content.start, q.content.end - 1)))
        if turn.tagged is None and isinstance(outcome, Draft) and outcome.mention is not None:
            turn.tagged = outcome
        _read_names(ctx, turn, q)
    return turns


def _spoken(ctx: Context, para: int, first: QuotedSpan) -> bool:
    """Whether a paragraph reads as a line of dialogue: it opens with its quote, or tells little besides it. A
    paragraph of narration that quotes someone ("Morrow said the council had been “asleep at the wheel”") is no
    turn of a conversation: it ends one."""
    span = ctx.layout.paragraph_span(para)
    if not ctx.text[span.start:first.open_mark.start].strip():
        return True
    if first.content.of(ctx.text).lstrip()[:1].islower():
        return False  # a fragment of a sentence, quoted in narration
    quoted = sum(len(q.content.of(ctx.text).split()) for q in _quotes_in(ctx, span))
    return len(span.of(ctx.text).split()) - quoted <= ctx.parameters.max_turn_narration


def _quotes_in(ctx: Context, span: Span) -> list[QuotedSpan]:
    lo = bisect_left(ctx.content_starts, span.start)
    hi = bisect_left(ctx.content_starts, span.end)
    return list(ctx.quoted[lo:hi])


def _read_names(ctx: Context, turn: Turn, q: QuotedSpan) -> None:
    """The people named inside a quote of the turn, and those it addresses."""
    text = ctx.text
    for occ in ctx.index.names_in(q.content.start, q.content.end):
        turn.named.add(id(occ.entity))
        head = ctx.doc[occ.head]
        end = head.idx + len(head)
        before = text[q.content.start:occ.start].rstrip()
        after = text[end:q.content.end].lstrip()
        opens = not before or before[-1] in _BEFORE_VOCATIVE or \
            before.rsplit(None, 1)[-1].lower().strip(",!") in _VOCATIVE_WORDS
        closes = not after or after[0] in _AFTER_VOCATIVE
        # One calls someone by one name, or a title and a name ("Lizzy", "Mr. Darcy"); a full name between
        # commas is a list or an apposition ("…, Barry Goldwater.").
        words = text[occ.start:end].split()
        short = len(words) == 1 or (len(words) == 2 and words[0].rstrip(".").lower() in ctx.rules.titles)
        if opens and closes and short:
            turn.addressed.append((occ.entity, occ))
