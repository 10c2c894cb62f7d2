"""Who the speakers of a dialogue are: the first-person narrator, given names used alone, and pronouns that
never point into someone's quoted words. Short invented texts through the whole pipeline."""
from __future__ import annotations

import pytest
from spacy.tokens import Doc

from quotesvc.core.intake import extract
from quotesvc.core.model import Gender, SpeakerKind
from quotesvc.core.quotemarks import find_quoted_spans
from quotesvc.core.speakers.index import SpeakerIndex
from quotesvc.core.speakers.names import NameReader, names_ner_missed
from tests.helpers import attribute, quotes_of


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
    # not someone addressed in a line away from the narrator's, whom the narration names
    ("“Come in,” I said.\nAnne Morrow came in and sat down by the window for a while.\n"
     "“You look tired, Tom,” said Anne Morrow.\n“I walked from the mill,” said Lucy Prior.\n"
     "Tom Kettle was asleep by the fire.", None),
    # else the person the others' lines call by name whom the narration never names (it says "I")
    ("“Come in,” I said.\nAnne Morrow and Lucy Prior came in out of the rain and stood by the fire for a while.\n"
     "“We walked from the mill, Tom,” said Anne Morrow.\n“The road was flooded,” said Lucy Prior.", "Tom"),
    # …who speaks no tagged line of their own
    ("“Come in,” I said.\nAnne Morrow and Lucy Prior came in out of the rain and stood by the fire for a while.\n"
     "“We walked from the mill, Tom,” said Anne Morrow.\n“The road was flooded,” said Tom.", None),
])
def test_the_narrator_is_named_by_the_lines_said_to_them(attributor, text, narrator):
    names = {name for (_, name, mention, _) in speakers_of(attributor, text) if mention == "I"}
    assert names == {narrator}


@pytest.mark.parametrize("text, sex", [
    # after someone's line a "she" in the narration is as often the one who answers: no vote across a quotation
    ("Marlo Ashby opened the door and said, “You are early.” She laughed at that.", None),
    ("Marlo Ashby looked up from the desk: “You are early.” She laughed at that.", None),
    # in the narration alone the pronoun after the name votes for it
    ("Marlo Ashby opened the door. She looked tired.", Gender.FEMALE),
    ("Marlo Ashby opened the door and she sat down.", Gender.FEMALE),
    ("Marlo Ashby opened the door. “You are early.” She laughed at that.", None),  # the line is a sentence between
])
def test_a_persons_sex_from_the_pronouns_after_their_name(nlp, rules, text, sex):
    quoted = find_quoted_spans(text, extract(text, "text").paragraphs, rules.elisions)
    index = SpeakerIndex(nlp(text), rules, text=text, quoted=quoted)
    [marlo] = [e for e in index.entities if e.name == "Marlo Ashby"]
    assert marlo.gender is sex


TWO_SPEAK = "“Are you coming?” said Anne Morrow.\n“In a minute,” said Tom Kettle.\n"


@pytest.mark.parametrize("text, quote, speaker", [
    # "she" tagging a line is the person the narration of its paragraph brings in before it…
    (TWO_SPEAK + "Lucy Prior came in from the yard. “The cart is ready,” she said.", "The cart is ready,",
     "Lucy Prior"),
    # …not someone named inside the line (the turn order's Anne answers Tom)…
    (TWO_SPEAK + "“Lucy Prior has the cart ready,” she said.", "Lucy Prior has the cart ready,", "Anne Morrow"),
    # …nor someone named in an earlier paragraph
    ("Lucy Prior came in from the yard.\n" + TWO_SPEAK + "“The cart is ready,” she said.", "The cart is ready,",
     "Anne Morrow"),
])
def test_a_pronoun_tag_in_a_conversation(attributor, text, quote, speaker):
    assert {q[0]: q[2] for q in quotes_of(attributor, text)}[quote] == speaker


FERRY = ("“Is the ferry running?” asked Anne Morrow.\n“Not today,” said Tom Kettle.\nThe wind rose over the water. "
         "{}\n“Then we walk to the bridge.”\n“It is six miles.”\n“Six miles is nothing.”")


@pytest.mark.parametrize("narration, opener", [
    # a name that only qualifies a noun brings nobody into the scene: the last person named opens the exchange
    ("Anne Morrow read the Hemingway story again.", "Anne Morrow"),
    ("Anne Morrow opened her Dickens novel.", "Anne Morrow"),
    # a person named as a person does
    ("Anne Morrow waved at Lucy Prior on the pier.", "Lucy Prior"),
    ("Anne Morrow waved at Lucy Prior and read the Hemingway story again.", "Lucy Prior"),
])
def test_who_opens_an_exchange_after_narration(attributor, narration, opener):
    quotes = quotes_of(attributor, FERRY.format(narration))
    assert quotes[2] == ("Then we walk to the bridge.", "direct", opener, "turn-taking")


@pytest.mark.parametrize("rows, name", [
    ("Tom/PROPN/nsubj/B-PERSON", "Tom"),
    ("Dara/PROPN/compound/B-PERSON Tony/PROPN/nsubj/I-PERSON", "Dara Tony"),
    # a word said before a name to someone is no part of it (rules' endearments)
    ("Darling/PROPN/compound/B-PERSON Tony/PROPN/nsubj/I-PERSON", "Tony"),
    ("Poor/PROPN/compound/B-PERSON Tony/PROPN/nsubj/I-PERSON", "Tony"),
    ("Mr/PROPN/compound/B-PERSON Beaver/PROPN/nsubj/I-PERSON", "Beaver"),
    ("de/PROPN/compound/B-PERSON Griers/PROPN/nsubj/I-PERSON", "de Griers"),
    # a lowercase word NER took for a person is a word said to someone, or a common noun
    ("mumsy/NOUN/npadvmod/B-PERSON", None),
    ("old/ADJ/amod/B-PERSON nanny/NOUN/nsubj/I-PERSON", None),
])
def test_what_of_a_persons_words_is_their_name(nlp, rules, rows, name):
    doc = _tagged(nlp, rows)
    read = NameReader(doc, doc.text, rules).read(0, len(doc), "PERSON")
    assert (read.full if read is not None else None) == name


@pytest.mark.parametrize("text, surname, sex", [
    # titles of address of other languages tell the sex as Mr and Mrs do (rules/titles.jsonl)
    ("Monsieur Astier came in late. Astier sat down.", "Astier", Gender.MALE),
    ("Madame Astier came in late. Astier sat down.", "Astier", Gender.FEMALE),
    ("Aunt Maud came in late. Maud sat down.", "Maud", Gender.FEMALE),
    ("Uncle Barnabas came in late. Barnabas sat down.", "Barnabas", Gender.MALE),
    # a title that tells no sex, or none
    ("Doctor Astier came in late. Astier sat down.", "Astier", None),
    ("Astier came in late. Astier sat down.", "Astier", None),
])
def test_a_title_tells_the_sex(nlp, rules, text, surname, sex):
    [person] = [e for e in SpeakerIndex(nlp(text), rules, text=text).entities if e.key == surname.lower()]
    assert person.gender is sex


_WALK = " ".join(["We walked the length of the valley and back again, and nobody we met on the road had seen the "
                  "dog."] * 8)


@pytest.mark.parametrize("text, speaker", [
    # a pronoun tag far from any name, which the index leaves to nobody, is the conversation's person who fits…
    ("Tom Kettle and Anne Morrow sat by the fire.\n“" + _WALK + "” he said.\n“Is that all?”\n“" + _WALK +
     "” he added.\n", "Tom Kettle"),
    ("Tom Kettle and Anne Morrow sat by the fire.\n“" + _WALK + "” she said.\n“Is that all?”\n“" + _WALK +
     "” she added.\n", "Anne Morrow"),
    # …not a person of the other sex…
    ("Anne Morrow sat by the fire.\n“" + _WALK + "” he said.\n“Is that all?”\n“" + _WALK + "” he added.\n", "he"),
    # …and, with nobody named at all, the pronoun stays nameless
    ("“" + _WALK + "” he said.\n“Is that all?”\n“" + _WALK + "” he added.\n", "he"),
])
def test_a_pronoun_the_index_leaves_to_nobody_is_the_conversations(attributor, text, speaker):
    assert quotes_of(attributor, text)[-1][2] == speaker
