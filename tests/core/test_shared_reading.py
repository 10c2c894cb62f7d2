"""One document's names read once: collect_mentions and the SpeakerIndex share a NameReader (each name NER found
is read once, not by each of them), and the index answers local_mention for a collected mention's head from
what was collected. Both must answer exactly what reading anew answers.
"""
from __future__ import annotations

import pytest

from quotesvc.core.model import Article
from quotesvc.core.quotemarks import find_quoted_spans
from quotesvc.core.speakers.index import SpeakerIndex
from quotesvc.core.speakers.mentions import MentionForm, collect_mentions, local_mention
from quotesvc.core.speakers.names import NameReader
from quotesvc.core import intake

TEXTS = [
    "Harbour master Edda Voss said the pier would close. Voss, who spoke on Monday, said it was safe. "
    "“We will reopen,” she told reporters.",
    "Q: Will it rain?\nVOSS: It will not.\nA spokesman for the Tide Board said nothing. He left.",
    "According to Mr. Tamm, the ferry was late. Tamm said so again, and his deputy, Ilse Brand, agreed.",
    "Nobody said anything at all.",
]


def _reading(nlp, rules, text: str, shared: bool):
    source = intake.extract(text, "text", Article(text, "text").options.layout)
    doc = nlp(source.text)
    quoted = find_quoted_spans(source.text, source.paragraphs, rules.elisions)
    from quotesvc.core.cues.finder import find_cues
    cues = find_cues(doc, rules, rules.compile(nlp.vocab))
    names = NameReader(doc, source.text, rules) if shared else None
    mentions = collect_mentions(doc, source.text, source.paragraphs, quoted, cues, rules, names)
    index = SpeakerIndex(doc, rules, text=source.text, quoted=quoted, names=names, mentions=mentions)
    return doc, source.text, mentions, index


@pytest.mark.parametrize("text", TEXTS)
def test_a_shared_reader_answers_as_two_readers(nlp, rules, text: str) -> None:
    _, _, alone_mentions, alone = _reading(nlp, rules, text, shared=False)
    _, _, shared_mentions, shared = _reading(nlp, rules, text, shared=True)
    assert shared_mentions == alone_mentions
    assert [(e.id, e.name, e.kind, e.titles, e.aliases, e.gender, e.role) for e in shared.entities] == \
        [(e.id, e.name, e.kind, e.titles, e.aliases, e.gender, e.role) for e in alone.entities]
    assert [shared.resolve(m).id for m in shared_mentions] == [alone.resolve(m).id for m in alone_mentions]


@pytest.mark.parametrize("text", TEXTS)
def test_the_index_local_mention_is_local_mention_for_every_token(nlp, rules, text: str) -> None:
    """Including a transcript label's token, whose collected mention (a LABEL) is not its local mention."""
    doc, clean, mentions, index = _reading(nlp, rules, text, shared=True)
    for tok in doc:
        assert index.local_mention(tok.i) == local_mention(doc, clean, rules, tok.i)


def test_the_texts_hold_a_label_mention(nlp, rules) -> None:
    """The case the previous test guards is there: VOSS: is collected as a LABEL, with the head token of a word
    whose local mention is a NAME."""
    _, _, mentions, _ = _reading(nlp, rules, TEXTS[1], shared=True)
    assert any(m.form is MentionForm.LABEL for m in mentions)


def test_each_name_is_read_once(nlp, rules, monkeypatch) -> None:
    """Counted reads, not seconds: a document of n names reads n names, not one per reader and mention."""
    text = " ".join(f"Edda Voss{k} met Tomas Brand{k} on Friday, and Voss{k} said “no.”" for k in range(30))
    reads: list[tuple[int, int, str]] = []
    original = NameReader._read

    def counting(self, start: int, end: int, label: str):
        reads.append((start, end, label))
        return original(self, start, end, label)

    monkeypatch.setattr(NameReader, "_read", counting)
    _reading(nlp, rules, text, shared=True)
    assert reads and len(reads) == len(set(reads))


# --------------------------------------------------------------------------------- read_sexes' tokens

def _read_sexes_every_token(index) -> dict[str, object]:
    """read_sexes as it was, over every token of every sentence: the votes it would give (entity id -> gender)."""
    from collections import Counter

    from quotesvc.core.model import SpeakerKind
    from quotesvc.core.rules import PronounKind
    votes: dict[int, Counter] = {}
    people: dict[int, object] = {}
    previous: set[int] = set()
    for sent in index.doc.sents:
        current: set[int] = set()
        for tok in sent:
            if tok.is_quote and index.in_quote(tok.idx + 1):  # an opening mark: no vote reaches back across it
                current, previous = set(), set()
            occ = index.occurrence_at_head(tok.i)
            if occ is not None:
                if occ.is_subject and not occ.in_quote and occ.entity.kind is SpeakerKind.PERSON:
                    current.add(id(occ.entity))
                    people[id(occ.entity)] = occ.entity
                continue
            pron = index.rules.pronouns.get(tok.lower_)
            if pron is None or pron.kind is not PronounKind.PERSON or pron.gender is None or \
                    tok.dep_ not in ("nsubj", "nsubjpass") or index.in_quote(tok.idx):
                continue
            candidates = current or previous
            if len(candidates) == 1:
                (who,) = candidates
                votes.setdefault(who, Counter())[pron.gender] += 1
        previous = current
    return {people[w].id: dict(c) for w, c in votes.items()}


SEX_TEXTS = [  # (text, whether a pronoun votes)
    ("Maria Lindqvist came in. She sat down. The tide was high. She left.", True),  # a sentence with nobody between
    ("Ines Kalo spoke first. He was brief. “She is late,” he said. Omar Dell and Maria Lindqvist arrived. He sat.",
     True),
    ("Ines Kalo waited. Omar Dell waited too. He coughed. It rained. It rained again. She sighed.", True),
    ("Nobody spoke. It was late.", False),
]


@pytest.mark.parametrize("text, votes", SEX_TEXTS)
def test_read_sexes_reads_the_votes_the_pass_over_every_token_reads(nlp, rules, monkeypatch, text: str,
                                                                   votes: bool) -> None:
    from quotesvc.core.speakers import characters
    seen: dict[str, dict] = {}
    original = characters.read_sexes

    def both(index) -> None:
        seen["every token"] = _read_sexes_every_token(index)
        counted: dict[int, object] = {}
        counter = characters.Counter

        class Recording(counter):
            def __init__(self, *args) -> None:
                super().__init__(*args)
                counted[len(counted)] = self

        monkeypatch.setattr(characters, "Counter", Recording)
        original(index)
        monkeypatch.setattr(characters, "Counter", counter)
        seen["numbered"] = sorted(sorted(c.items()) for c in counted.values())

    monkeypatch.setattr(characters, "read_sexes", both)
    _reading(nlp, rules, text, shared=True)
    assert seen["numbered"] == sorted(sorted(c.items()) for c in seen["every token"].values())
    assert bool(seen["numbered"]) is votes


def test_read_sexes_steps_do_not_grow_with_words_that_are_neither_names_nor_pronouns(nlp, rules) -> None:
    """Counted lines, not seconds: eight times the filler adds no step (the pass over every token took eight
    times the steps)."""
    from quotesvc.core.speakers import characters
    from tests.helpers import count_steps

    def steps(k: int) -> int:
        text = "Maria Lindqvist came in. She sat down. " + "The tide was high and the wind was cold all day. " * k
        index = _reading(nlp, rules, text, shared=True)[3]
        return count_steps(characters.read_sexes, index)

    assert steps(80) <= steps(10) + 10
