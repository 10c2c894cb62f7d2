"""Who the speakers of a dialogue are: the first-person narrator, given names used alone, and pronouns that
never point into someone's quoted words. Short invented texts through the whole pipeline."""
from __future__ import annotations

import pytest
from spacy.tokens import Doc

from quotesvc.core.model import SpeakerKind
from quotesvc.core.speakers.names import NameReader, names_ner_missed
from tests.helpers import attribute


def speakers_of(attributor, text: str) -> list[tuple[str, str | None, str, str]]:
    """(quote, speaker name, mention, entity id) for each quote."""
    return [(q.text, q.speaker.name, q.speaker.mention.text, q.speaker.entity)
            for q in attribute(attributor, text).quotes]


def test_the_first_person_narrator_is_one_speaker_with_no_name(attributor):
    text = "“Come in,” I said.\n“Thank you,” said Tom Kettle.\n“Sit down by the fire,” I said."
    result = attribute(attributor, text)
    first, second, third = result.quotes
    assert (first.speaker.name, first.speaker.mention.text, first.speaker.kind) == (None, "I", SpeakerKind.PERSON)
    assert third.speaker.entity == first.speaker.entity != second.speaker.entity
    [narrator] = [s for s in result.speakers if s.id == first.speaker.entity]
    assert (narrator.name, narrator.kind, narrator.quotes) == (None, SpeakerKind.PERSON, ["q1", "q3"])


@pytest.mark.parametrize("text, speaker", [
    # "I" inside someone's quote is that someone, not the narrator
    ("Tom Kettle came in from the rain.\n“I said no twice,” Tom Kettle said.", "Tom Kettle"),
    # a given name alone is the person of that first name…
    ("Margaret Lyle came in late.\n“Sorry, the roads are bad,” said Margaret.", "Margaret Lyle"),
    # …when only one person has it
    ("Margaret Lyle and Margaret Fenn came in late.\n“Sorry, the roads are bad,” said Margaret.", "Margaret"),
    # a pronoun outside quotation marks never refers to a name inside them
    ("Harry Wotton sat by the fire.\n“Basil is late again tonight,” he murmured.", "Harry Wotton"),
])
def test_who_the_speaker_is(attributor, text, speaker):
    [(_, name, _, _)] = speakers_of(attributor, text)
    assert name == speaker


def _tagged(nlp, rows: str) -> Doc:
    """A Doc from 'word/POS/dep/ENT' rows (ENT: B-PERSON, I-PERSON, B-FAC…, or O); every word's head is itself."""
    words, pos, deps, ents = zip(*(r.split("/") for r in rows.split()))
    return Doc(nlp.vocab, words=list(words), pos=list(pos), deps=list(deps), ents=list(ents),
               heads=list(range(len(words))), tags=["NNP" if p == "PROPN" else "XX" for p in pos])


@pytest.mark.parametrize("rows, found", [
    # a surname NER read as a person in one sentence is that person where it read it as a place or nothing
    ("Tom/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON left/VERB/ROOT/O ./PUNCT/punct/O "
     "Beaver/PROPN/nsubj/B-FAC sat/VERB/ROOT/O ./PUNCT/punct/O", ["Beaver"]),
    ("Tom/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON left/VERB/ROOT/O ./PUNCT/punct/O "
     "Mr/PROPN/compound/O Beaver/PROPN/nsubj/O sat/VERB/ROOT/O ./PUNCT/punct/O", ["Beaver"]),  # after a title
    ("Tom/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON left/VERB/ROOT/O ./PUNCT/punct/O "
     "Tom/PROPN/nsubj/O sat/VERB/ROOT/O ./PUNCT/punct/O", ["Tom"]),  # the given name too
    # not part of a longer name, nor a modifier, nor a common noun, nor a word no person NER found bears
    ("Tom/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON left/VERB/ROOT/O ./PUNCT/punct/O "
     "Beaver/PROPN/compound/B-FAC Street/PROPN/pobj/I-FAC ./PUNCT/punct/O", []),
    ("Tom/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON left/VERB/ROOT/O ./PUNCT/punct/O "
     "the/DET/det/O Beaver/PROPN/compound/O estate/NOUN/pobj/O ./PUNCT/punct/O", []),
    ("Tom/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON left/VERB/ROOT/O ./PUNCT/punct/O "
     "a/DET/det/O beaver/NOUN/nsubj/O swam/VERB/ROOT/O ./PUNCT/punct/O", []),
    ("Hale/PROPN/nsubj/B-GPE sat/VERB/ROOT/O ./PUNCT/punct/O Hale/PROPN/nsubj/O left/VERB/ROOT/O", []),
])
def test_names_ner_missed(nlp, rules, rows, found):
    doc = _tagged(nlp, rows)
    assert [doc[i].text for i in names_ner_missed(doc, NameReader(doc, doc.text, rules))] == found


@pytest.mark.parametrize("text, narrator", [
    # the name the lines beside the narrator's own call them by is the narrator's
    ("Anne Morrow knocked at the door.\n“Come in,” I said.\n“You look tired, Tom,” said Anne Morrow.\n"
     "“I walked from the mill,” I said.\n“Sit down by the fire, Tom.”", "Tom"),
    # not someone who speaks a line of their own
    ("Anne Morrow knocked at the door.\n“Come in,” I said.\n“You look tired, Tom,” said Anne Morrow.\n"
     "“I walked from the mill,” said Tom.\n“Sit down by the fire, Tom.”", None),
    # not someone addressed in a line away from the narrator's
    ("“Come in,” I said.\nAnne Morrow came in and sat down by the window for a while.\n"
     "“You look tired, Tom,” said Anne Morrow.\n“I walked from the mill,” said Lucy Prior.", None),
])
def test_the_narrator_is_named_by_the_lines_said_to_them(attributor, text, narrator):
    names = {name for (_, name, mention, _) in speakers_of(attributor, text) if mention == "I"}
    assert names == {narrator}
