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

"he said" / "she said" / "returned the girl" in a conversation: the person the narration of the line's own
paragraph names before the tag, when the index resolved the tag to them and they fit; else the person the turn
order predicts when the tag fits them (sex; a noun's sex from rules' female_nouns and male_nouns), else the
index's antecedent if it fits and is not who spoke the line before (a new paragraph right after a line is a
reply), else the latest fitting person of the conversation. Nobody named inside the line. In a document written as dialogue (enough
bare quote paragraphs), the people named in the narration before a conversation are among its people.

Every turn and every name inside a quote is looked at a bounded number of times, so the model is linear.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..model import Gender, SieveName, SpeakerKind
from ..rules import PronounKind
from ..speakers.index import Entity, Occurrence
from ..speakers.mentions import LocalMention, MentionForm
from .context import Context, DocumentModel, Draft, Found, Outcome, QuoteCase, sieve
from .narrator import name_the_narrator
from .turns import Reason, Turn, read_turns

_NEW_SOMEONE = frozenset({"a", "an", "another", "some", "one", "someone"})  # "a stranger said": someone new


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
        self.last_speaker: _Seen | None = None  # who spoke the latest line the walk has a speaker for

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
        self.turns = read_turns(ctx, outcomes)
        self.turn_of: dict[int, Turn] = {qi: t for t in self.turns for qi in t.quotes}
        # Written as dialogue: enough bare lines (quote paragraphs with no narration) that the people its narration
        # names take part in its conversations. In news a source's quote paragraphs follow a paragraph that names
        # other people too, and the source goes on.
        self.dialogue = sum(1 for t in self.turns if t.bare) >= ctx.parameters.min_bare_turns
        before: _History | None = None  # the conversation before: its people, latest last
        for conversation in self._conversations():
            history = self._forward(conversation, before)
            self._backward(conversation)
            if self.dialogue and self._open(conversation, before):
                history = self._forward(conversation, before)
            for run in _runs(conversation):
                _nearest_tag(run)
            before = history
        name_the_narrator(ctx, self.turns)

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

    def _forward(self, turns: list[Turn], before: _History | None) -> _History:
        index = self.ctx.index
        history = _History(self.ctx.parameters.conversation_depth)
        previous: Turn | None = None
        if self.dialogue:
            # In a novel a conversation broken by a paragraph of narration often goes on between the same people,
            # and the people the narration names take part in the one it opens (named last: nearest).
            for seen in reversed(before.latest()) if before is not None else ():
                history.saw(seen.entity, seen.mention, seen.vocative)
            for occ in turns[0].present[-history.depth:] if turns else ():
                history.saw(occ.entity, None, occ)
        for turn in turns:
            guess = self._guess(turn, previous, history)
            if turn.tagged is not None and turn.tagged.mention is not None:
                mention = turn.tagged.mention
                entity = turn.tagged.entity or index.resolve(mention)
                among = self._who_fits(mention)
                if among is not None:
                    entity = self._among_people(turn, previous, guess, history, entity, *among)
                    for qi in turn.quotes:
                        draft = self.drafts.get(qi)
                        if draft is not None and draft.mention == mention:
                            draft.entity = entity
                turn.speaker, turn.mention = entity, mention
            elif guess is not None:
                turn.speaker, turn.mention, turn.reason = guess
            if turn.speaker is not None:
                history.saw(turn.speaker, turn.mention, None)
                history.last_speaker = history.get(turn.speaker)
            for person, occ in turn.addressed:
                if person is not turn.speaker:
                    history.saw(person, None, occ)
            previous = turn
        return history

    def _open(self, turns: list[Turn], before: _History | None) -> bool:
        """Give an untagged line opening a conversation after narration, which no tag after it fills, a speaker:
        the last person the narration before it names, else whoever spoke last in the conversation before (on
        fiction_train each is right for about three such lines in five). Whether one was given."""
        first = turns[0]
        if first.speaker is not None or first.tagged is not None:
            return False
        for occ in reversed(first.present):
            if occ.entity.kind is SpeakerKind.PERSON and id(occ.entity) not in first.named and \
                    all(p is not occ.entity for p, _ in first.addressed):
                first.speaker, first.mention, first.reason = occ.entity, self.ctx.index.local_mention(occ.head), \
                    Reason.TURN
                return True
        last = before.last_speaker if before is not None else None
        if last is not None and last.entity.kind is SpeakerKind.PERSON and last.mention is not None and \
                id(last.entity) not in first.named and all(p is not last.entity for p, _ in first.addressed):
            first.speaker, first.mention, first.reason = last.entity, last.mention, Reason.TURN
            return True
        return False

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

    def _who_fits(self, mention: LocalMention) -> tuple[Gender | None, bool] | None:
        """For a tag the conversation resolves: the sex it tells (or None) and whether it must be someone the
        conversation already has (a nominal: "the girl"); None for a tag it leaves to the index (a name, "I",
        "they", "a stranger")."""
        rules, doc = self.ctx.rules, self.ctx.doc
        if mention.form is MentionForm.PRONOUN:
            pron = rules.pronouns.get(mention.text.lower())
            if pron is None or pron.kind is not PronounKind.PERSON or pron.gender is None:
                return None
            return pron.gender, False
        if mention.form is not MentionForm.NOMINAL:
            return None
        head = doc[mention.head]
        first = mention.text.split(None, 1)[0].lower()
        if head.tag_ not in ("NN", "NNP") or first in _NEW_SOMEONE:
            return None  # several people, or someone the text brings in ("a stranger said")
        noun, words = head.lower_, rules.words
        if noun in words.female_nouns:
            return Gender.FEMALE, True
        if noun in words.male_nouns:
            return Gender.MALE, True
        return (None, True) if noun in words.person_nouns else None

    def _among_people(self, turn: Turn, previous: Turn | None, guess: tuple[Entity, LocalMention, Reason] | None,
                      history: _History, antecedent: Entity, gender: Gender | None, known: bool) -> Entity:
        """Who "he", "she" or "the girl" tagging a line is, among the people of the conversation: the index's
        antecedent if it fits and the narration of the line's own paragraph names it before the tag, else the one
        the turn order predicts if they fit, else the index's antecedent if it fits, did not speak the line before
        (a new paragraph right after a line is a reply) and has a name, else the latest fitting person of the
        conversation. An antecedent with no name is a pronoun the index tied to nobody (far from any name, after
        a long speech): the conversation's people are better (fiction_train +11 names, 6 of 7 passages up). A
        nominal that fits nobody stays the index's (a person of its own)."""
        reply_to = previous.speaker if previous is not None and turn.gap == 0 else None

        def fits(e: Entity) -> bool:
            # a nominal's sex must be known to fit ("the girl" is no one of unknown sex); a pronoun's may not be
            sex_fits = gender is None or e.gender is gender or (e.gender is None and not known)
            return e.kind is SpeakerKind.PERSON and sex_fits and \
                id(e) not in turn.named and all(p is not e for p, _ in turn.addressed)

        if fits(antecedent) and self._named_before(turn, antecedent):
            return antecedent
        if guess is not None and fits(guess[0]):
            return guess[0]
        if not known and fits(antecedent) and antecedent is not reply_to and antecedent.name is not None:
            return antecedent
        for seen in history.latest():
            if fits(seen.entity) and seen.entity is not reply_to:
                return seen.entity
        return antecedent

    def _named_before(self, turn: Turn, entity: Entity) -> bool:
        """Whether the narration of the turn's paragraph names `entity` before the turn's tag ("Lucy came in from
        the yard. '…,' she said"): a person brought into the scene right before the tag is who the tag means, more
        often than the turn order's guess (fiction_train). Looks at the names of one paragraph only."""
        assert turn.tagged is not None and turn.tagged.mention is not None
        span = self.ctx.layout.paragraph_span(turn.para)
        for occ in self.ctx.index.names_in(span.start, turn.tagged.mention.span.start):
            if occ.entity is entity and not occ.in_quote:
                return True
        return False

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
