"""SpeakerIndex on parsed documents: names merged into entities, titles, pronouns, relatives and roles.

An index is built once per document from the names NER found and the mentions collected before it; each
test collects the mentions it asks about (`index_of(..., "He", ("Hendry", 1))`).
"""
from __future__ import annotations

import random

import pytest

from quotesvc.core.model import Gender, SpeakerKind
from quotesvc.core.speakers.index import Entity, SpeakerIndex
from quotesvc.core.speakers.mentions import LocalMention, MentionForm, local_mention

PERSON, ORG, GROUP = SpeakerKind.PERSON, SpeakerKind.ORGANIZATION, SpeakerKind.GROUP
MALE, FEMALE = Gender.MALE, Gender.FEMALE


def token_at(doc, word: str, nth: int = 0) -> int:
    """The index of the nth token whose text is `word`."""
    hits = [t.i for t in doc if t.text == word]
    return hits[nth]


def mention_of(doc, rules, word: str | tuple[str, int]) -> LocalMention:
    word, nth = (word, 0) if isinstance(word, str) else word
    return local_mention(doc, doc.text, rules, token_at(doc, word, nth))


def index_of(nlp, rules, text: str, *words: str | tuple[str, int]) -> SpeakerIndex:
    """The index of `text`, with the mentions of these words (the nth occurrence for (word, nth)) collected."""
    doc = nlp(text)
    return SpeakerIndex(doc, rules, mentions=[mention_of(doc, rules, w) for w in words])


def resolve_word(index: SpeakerIndex, word: str, nth: int = 0) -> Entity:
    return index.resolve(mention_of(index.doc, index.rules, (word, nth)))


# -- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name, titles, aliases, gender", [
    ("Carl Hendry runs the ferry. Hendry took over in 2019. Mr. Hendry said the boat was old.",
     "Carl Hendry", ["Mr."], ["Hendry"], "male"),
    ("Governor Alan Pruitt signed the bill on Friday. Pruitt said it was overdue.",
     "Alan Pruitt", ["Governor"], ["Pruitt"], "male"),  # from the first name
    ("Governor Sasha Pruitt signed the bill on Friday. Pruitt said it was overdue.",
     "Sasha Pruitt", ["Governor"], ["Pruitt"], None),  # a title and first name that tell no sex
    ("Mrs. Solano greeted the guests. Maria Solano said the hall was ready.",
     "Maria Solano", ["Mrs."], ["Solano"], "female"),
])
def test_name_mentions_merge_into_one_entity(nlp, rules, text, name, titles, aliases, gender):
    surname = name.split()[-1]
    words = [(surname, n) for n in range(text.count(surname))]
    index = index_of(nlp, rules, text, *words)
    [entity] = index.entities
    assert (entity.kind, entity.name, entity.titles, entity.aliases, entity.gender) == (
        PERSON, name, titles, aliases, gender)
    assert len(words) >= 2
    assert {resolve_word(index, surname, n).id for n in range(len(words))} == {entity.id}


def test_mention_of_title_and_surname_keeps_the_title_in_its_words(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry runs the ferry. Mr. Hendry said the boat was old.", ("Hendry", 1))
    mention = mention_of(index.doc, rules, ("Hendry", 1))
    assert (mention.text, mention.form) == ("Mr. Hendry", MentionForm.NAME)
    assert resolve_word(index, "Hendry", 1).name == "Carl Hendry"


def test_different_surnames_are_different_people(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry met Dana Whitfield. Carl Hendry said the deal was done.", ("Hendry", 1))
    assert [(e.name, e.kind) for e in index.entities] == [("Carl Hendry", PERSON), ("Dana Whitfield", PERSON)]
    assert resolve_word(index, "Hendry", 1).name == "Carl Hendry"


def test_several_title_words_are_one_title(nlp, rules):
    index = index_of(nlp, rules, "Norway's Foreign Minister Ingrid Holm spoke first. Holm said the talks were useful.",
                     ("Holm", 1))
    holm = resolve_word(index, "Holm", 1)
    assert (holm.name, holm.kind, holm.titles) == ("Ingrid Holm", PERSON, ["Foreign Minister"])


def test_named_organisation(nlp, rules):
    index = index_of(nlp, rules, "Brightwater Energy raised its prices on Monday.")
    [entity] = index.entities
    assert (entity.name, entity.kind) == ("Brightwater Energy", ORG)


# -- pronouns ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pronoun, expected", [
    # the most recent compatible subject, not a more recent object
    ("Owen Preece thanked Carl Hendry on Monday. He said the talks went well.", "He", "Owen Preece"),
    ("Owen Preece arrived first. Carl Hendry arrived an hour later. He said the roads were icy.", "He", "Carl Hendry"),
    # gender from a title rules out the more recent subject
    ("Mrs. Solano greeted Mr. Hendry at the door. She said the hall was ready.", "She", "Solano"),
    ("Mrs. Solano spoke first. Mr. Hendry spoke next. She said the hall was ready.", "She", "Solano"),
    ("Mr. Hendry spoke first. Mrs. Solano spoke next. He said the hall was ready.", "He", "Hendry"),
    # "it" and "they" look for an organisation, "he" for a person
    ("Brightwater Energy raised its prices on Monday. It said costs had doubled.", "It", "Brightwater Energy"),
    ("Carl Hendry left Brightwater Energy in May. It said the move was planned.", "It", "Brightwater Energy"),
    ("Carl Hendry left Brightwater Energy in May. He said the move was planned.", "He", "Carl Hendry"),
    ("Brightwater Energy hired Carl Hendry in May. It said he would start at once.", "It", "Brightwater Energy"),
    ("Brightwater Energy hired Carl Hendry in May. It said he would start at once.", "he", "Carl Hendry"),
    ("The Harbor Workers Union met on Monday. They said the strike would go on.", "They", "Harbor Workers Union"),
    # gender from a first name in rules/first_names.jsonl, when no title gives it
    ("Kevin Ortiz met Maria Lopez. She said the deal was done.", "She", "Maria Lopez"),
    ("Maria Lopez met Kevin Ortiz. He said the deal was done.", "He", "Kevin Ortiz"),
    # a first name the lexicon does not know decides nothing: the most recent subject stays
    ("Sasha Ortiz met Maria Lopez. She said the deal was done.", "She", "Sasha Ortiz"),
])
def test_pronoun_antecedent(nlp, rules, text, pronoun, expected):
    index = index_of(nlp, rules, text, pronoun)
    mention = mention_of(index.doc, rules, pronoun)
    assert (mention.text, mention.form) == (pronoun, MentionForm.PRONOUN)
    assert index.resolve(mention).name == expected


@pytest.mark.parametrize("text, people, later", [
    # one surname, two people: the title's or the first name's sex tells them apart
    ("Mr. Danner sold the farm. Mrs. Danner kept the house.", ["Danner", "Danner"], None),
    ("Hillary Okoro spoke first. Bill Okoro spoke next.", ["Hillary Okoro", "Bill Okoro"], None),
    # two first names of one sex are still two people
    ("Owen Preece spoke first. Carl Preece spoke next.", ["Owen Preece", "Carl Preece"], None),
    # a bare surname later is the first person of that name; a title with a sex picks that person
    ("Hillary Okoro spoke first. Bill Okoro spoke next. Okoro said the vote was close.",
     ["Hillary Okoro", "Bill Okoro"], ("Okoro", "Hillary Okoro", FEMALE)),
    ("Mr. Danner sold the farm. Mrs. Danner kept the house. Mrs. Danner said it was hers.",
     ["Danner", "Danner"], ("Danner", "Danner", FEMALE)),
    # the same person under a title and a full name is one person
    ("Carl Hendry spoke first. Mr. Hendry said the vote was close.", ["Carl Hendry"], ("Hendry", "Carl Hendry", MALE)),
])
def test_people_sharing_a_surname(nlp, rules, text, people, later):
    index = index_of(nlp, rules, text, *([(later[0], -1)] if later else []))
    if later is not None:
        word, name, gender = later
        entity = resolve_word(index, word, nth=-1)
        assert (entity.name, entity.gender) == (name, gender)
    assert [(e.name, e.kind) for e in index.entities] == [(p, PERSON) for p in people]


def test_pronoun_tells_its_antecedents_sex_to_the_pronouns_after_it(nlp, rules):
    text = "Dana Whitfield met Sasha Okoro. She said the plan was ready. Later he said it was not."
    # the text's own pronouns tell, collected or not: "Dana Whitfield met … She" (speakers/characters.py)
    dana, sasha = index_of(nlp, rules, text).entities
    assert dana.gender is FEMALE and sasha.gender is None
    index = index_of(nlp, rules, text, "She", "he")
    dana, sasha = index.entities
    assert resolve_word(index, "She") is dana and dana.gender is FEMALE
    # "he" cannot be Dana any more: the other person named
    assert resolve_word(index, "he") is sasha and sasha.gender is MALE


@pytest.mark.parametrize("text, pronoun, kind", [
    ("She said the plan was ready.", "She", PERSON),
    ("It said the plan was ready.", "It", ORG),
    ("They said the plan was ready.", "They", GROUP),
])
def test_pronoun_without_antecedent_is_a_new_nameless_entity(nlp, rules, text, pronoun, kind):
    index = index_of(nlp, rules, text, pronoun)
    entity = resolve_word(index, pronoun)
    assert (entity.name, entity.kind, entity.aliases) == (None, kind, [pronoun])


def test_pronoun_does_not_reach_back_past_its_window(nlp, rules):
    text = "Carl Hendry arrived late. " + "The rain kept falling on the town. " * 50 + "He said the roads were closed."
    index = index_of(nlp, rules, text, "He")
    entity = resolve_word(index, "He")
    assert entity.name is None
    assert entity.aliases == ["He"]


# -- relatives and roles ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Owen Preece, who runs the ferry, said the crossing was safe.",
    "It was Owen Preece who said the ferry was safe.",
])
def test_relative_pronoun_resolves_to_the_noun_it_describes(nlp, rules, text):
    index = index_of(nlp, rules, text, "who")
    mention = mention_of(index.doc, rules, "who")
    assert mention.form is MentionForm.RELATIVE
    assert index.resolve(mention).name == "Owen Preece"


@pytest.mark.parametrize("text, name, role", [
    # a name and its role in apposition are one person, whichever comes first; the article goes
    ("Dana Whitfield, a spokeswoman for the agency, said the review was over.", "Dana Whitfield",
     "spokeswoman for the agency"),
    ("The harbour master, Ines Okafor, said the new pier would open in May.", "Ines Okafor", "harbour master"),
    ("The chief of the ferry line, Owen Preece, said the crossing was safe.", "Owen Preece",
     "chief of the ferry line"),
    ("Her lawyer, Carl Hendry, said the appeal would go ahead.", "Carl Hendry", "Her lawyer"),
])
def test_an_apposition_of_a_role_and_a_name_is_one_person_with_that_role(nlp, rules, text, name, role):
    subject = next(t.text for t in nlp(text) if t.dep_ == "nsubj")
    index = index_of(nlp, rules, text, subject)
    person = resolve_word(index, subject)
    assert (person.name, person.kind, person.role) == (name, PERSON, role)
    assert [e.name for e in index.entities] == [name]


def test_role_is_recorded_where_the_apposition_is_read_not_when_asked(nlp, rules):
    index = index_of(nlp, rules, "Dana Whitfield, a spokeswoman for the agency, spoke first.")
    [dana] = index.entities
    assert dana.role == "spokeswoman for the agency"


def test_the_first_role_given_is_the_role(nlp, rules):
    index = index_of(nlp, rules, "Dana Whitfield, a spokeswoman for the agency, spoke first. Later Whitfield, "
                                 "a former reporter, spoke again.", ("Whitfield", 1))
    assert resolve_word(index, "Whitfield", 1).role == "spokeswoman for the agency"


@pytest.mark.parametrize("text, nth, linked", [
    ("Dana Whitfield, a spokeswoman for the agency, spoke first. The spokeswoman said the review was over.", 1, True),
    # the role is given only after the role noun: nobody to link back to
    ("The spokeswoman said the review was over. Dana Whitfield, a spokeswoman for the agency, spoke later.", 0, False),
    # another role
    ("Dana Whitfield, a lawyer for the agency, spoke first. The spokeswoman said the review was over.", 0, False),
])
def test_role_noun_links_back_to_the_person_given_that_role_before(nlp, rules, text, nth, linked):
    word = ("spokeswoman", nth)
    index = index_of(nlp, rules, text, word)
    mention = mention_of(index.doc, rules, word)
    assert (mention.text, mention.form) == ("The spokeswoman", MentionForm.NOMINAL)
    entity = index.resolve(mention)
    assert (entity.name == "Dana Whitfield") is linked


@pytest.mark.parametrize("text, word, mention_text, kind", [
    ("The mayor told reporters the bridge would reopen.", "mayor", "The mayor", PERSON),
    ("The ministry said the bridge would stay closed.", "ministry", "The ministry", ORG),
    ("Local residents said the bridge was unsafe.", "residents", "Local residents", GROUP),
    ("The coach said the team was ready.", "coach", "The coach", SpeakerKind.UNKNOWN),
])
def test_nominal_mentions(nlp, rules, text, word, mention_text, kind):
    index = index_of(nlp, rules, text, word)
    mention = mention_of(index.doc, rules, word)
    assert (mention.text, mention.form) == (mention_text, MentionForm.NOMINAL)
    entity = index.resolve(mention)
    assert (entity.name, entity.kind, entity.aliases) == (None, kind, [mention_text])


# -- built once: the same answers in any order ----------------------------------------------------------

ORDER_TEXT = ("Mrs. Solano met Carl Hendry and Brightwater Energy on Monday. She said the deal was close. "
              "Hendry, a spokesman for the ferry line, said it was not. It said nothing. "
              "Owen Hendry, who chairs the board, said he would decide. The spokesman said they would wait. "
              "He left early.")
ORDER_WORDS = ["She", "Hendry", ("Hendry", 1), ("Hendry", 2), "It", "who", "he", "spokesman", ("spokesman", 1),
               "they", "He", "Solano"]


def test_resolution_is_the_same_in_any_order(nlp, rules):
    doc = nlp(ORDER_TEXT)
    mentions = [mention_of(doc, rules, w) for w in ORDER_WORDS]

    def answers(seed: int) -> list[tuple]:
        rng = random.Random(seed)
        collected = mentions[:]
        rng.shuffle(collected)
        index = SpeakerIndex(doc, rules, mentions=collected)
        asked = mentions[:]
        rng.shuffle(asked)
        by_key = {m.key: index.resolve(m) for m in asked}
        by_key = {m.key: index.resolve(m) for m in reversed(asked)}  # asking again changes nothing
        return [(m.text, by_key[m.key].id, by_key[m.key].name, by_key[m.key].kind, by_key[m.key].gender,
                 by_key[m.key].role) for m in mentions]

    first = answers(0)
    assert all(answers(seed) == first for seed in range(1, 8))
    names = {text: name for text, _, name, *_ in first}
    assert names["She"] == "Solano" and names["It"] == "Brightwater Energy" and names["who"] == "Owen Hendry"


def test_a_mention_not_collected_fails_loudly(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry met the press. He said the plan was ready.")
    with pytest.raises(LookupError, match="not collected"):
        resolve_word(index, "He")


# -- the speakers list -------------------------------------------------------------------------------

def test_speakers_lists_only_the_entities_with_quotes(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry met Dana Whitfield. Whitfield said the deal was done.", ("Whitfield", 1))
    dana = resolve_word(index, "Whitfield", 1)
    speakers = index.speakers({dana.id: ["q1"]})
    assert [(s.id, s.name, s.kind, s.aliases, s.quotes) for s in speakers] == [
        (dana.id, "Dana Whitfield", PERSON, ["Whitfield"], ["q1"])]
