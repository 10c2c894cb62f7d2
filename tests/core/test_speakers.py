"""SpeakerIndex on parsed documents: names merged into entities, titles, pronouns, relatives and roles."""
from __future__ import annotations

import pytest

from quotesvc.core.model import SpeakerKind
from quotesvc.core.speakers.index import Entity, SpeakerIndex

PERSON, ORG, GROUP = SpeakerKind.PERSON, SpeakerKind.ORGANIZATION, SpeakerKind.GROUP


def index_of(nlp, rules, text: str) -> SpeakerIndex:
    return SpeakerIndex(nlp(text), rules)


def token_at(index: SpeakerIndex, word: str, nth: int = 0) -> int:
    """The index of the nth token whose text is `word`."""
    hits = [t.i for t in index.doc if t.text == word]
    return hits[nth]


def resolve_word(index: SpeakerIndex, word: str, nth: int = 0) -> Entity:
    return index.resolve(index.local_mention(token_at(index, word, nth)))


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
    index = index_of(nlp, rules, text)
    [entity] = index.entities
    assert (entity.kind, entity.name, entity.titles, entity.aliases, entity.gender) == (
        PERSON, name, titles, aliases, gender)
    surname = name.split()[-1]
    mentions = [i for i, t in enumerate(index.doc) if t.text == surname]
    assert len(mentions) >= 2
    assert {index.resolve(index.local_mention(i)).id for i in mentions} == {entity.id}


def test_mention_of_title_and_surname_keeps_the_title_in_its_words(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry runs the ferry. Mr. Hendry said the boat was old.")
    mention = index.local_mention(token_at(index, "Hendry", 1))
    assert (mention.text, mention.form) == ("Mr. Hendry", "name")
    assert resolve_word(index, "Hendry", 1).name == "Carl Hendry"


def test_different_surnames_are_different_people(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry met Dana Whitfield. Carl Hendry said the deal was done.")
    assert [(e.name, e.kind) for e in index.entities] == [("Carl Hendry", PERSON), ("Dana Whitfield", PERSON)]
    assert resolve_word(index, "Hendry", 1).name == "Carl Hendry"


def test_several_title_words_are_one_title(nlp, rules):
    index = index_of(nlp, rules, "Norway's Foreign Minister Ingrid Holm spoke first. Holm said the talks were useful.")
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
    index = index_of(nlp, rules, text)
    mention = index.local_mention(token_at(index, pronoun))
    assert (mention.text, mention.form) == (pronoun, "pronoun")
    assert index.resolve(mention).name == expected


@pytest.mark.parametrize("text, people, later", [
    # one surname, two people: the title's or the first name's sex tells them apart
    ("Mr. Danner sold the farm. Mrs. Danner kept the house.", ["Danner", "Danner"], None),
    ("Hillary Okoro spoke first. Bill Okoro spoke next.", ["Hillary Okoro", "Bill Okoro"], None),
    # two first names of one sex are still two people
    ("Owen Preece spoke first. Carl Preece spoke next.", ["Owen Preece", "Carl Preece"], None),
    # a bare surname later is the first person of that name; a title with a sex picks that person
    ("Hillary Okoro spoke first. Bill Okoro spoke next. Okoro said the vote was close.",
     ["Hillary Okoro", "Bill Okoro"], ("Okoro", "Hillary Okoro", "female")),
    ("Mr. Danner sold the farm. Mrs. Danner kept the house. Mrs. Danner said it was hers.",
     ["Danner", "Danner"], ("Danner", "Danner", "female")),
    # the same person under a title and a full name is one person
    ("Carl Hendry spoke first. Mr. Hendry said the vote was close.", ["Carl Hendry"], ("Hendry", "Carl Hendry", "male")),
])
def test_people_sharing_a_surname(nlp, rules, text, people, later):
    index = index_of(nlp, rules, text)
    if later is not None:
        word, name, gender = later
        entity = resolve_word(index, word, nth=-1)
        assert (entity.name, entity.gender) == (name, gender)
    assert [(e.name, e.kind) for e in index.entities] == [(p, PERSON) for p in people]


def test_pronoun_takes_gender_of_its_antecedent(nlp, rules):
    index = index_of(nlp, rules, "Dana Whitfield met the press. She said the plan was ready.")
    [dana] = index.entities
    assert dana.gender is None
    assert resolve_word(index, "She") is dana
    assert dana.gender == "female"


@pytest.mark.parametrize("text, pronoun, kind", [
    ("She said the plan was ready.", "She", PERSON),
    ("It said the plan was ready.", "It", ORG),
    ("They said the plan was ready.", "They", GROUP),
])
def test_pronoun_without_antecedent_is_a_new_nameless_entity(nlp, rules, text, pronoun, kind):
    index = index_of(nlp, rules, text)
    entity = resolve_word(index, pronoun)
    assert (entity.name, entity.kind, entity.aliases) == (None, kind, [pronoun])


def test_pronoun_does_not_reach_back_past_its_window(nlp, rules):
    text = "Carl Hendry arrived late. " + "The rain kept falling on the town. " * 50 + "He said the roads were closed."
    index = index_of(nlp, rules, text)
    entity = resolve_word(index, "He")
    assert entity.name is None
    assert entity.aliases == ["He"]


# -- relatives and roles ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Owen Preece, who runs the ferry, said the crossing was safe.",
    "It was Owen Preece who said the ferry was safe.",
])
def test_relative_pronoun_resolves_to_the_noun_it_describes(nlp, rules, text):
    index = index_of(nlp, rules, text)
    mention = index.local_mention(token_at(index, "who"))
    assert mention.form == "relative"
    assert index.resolve(mention).name == "Owen Preece"


def test_apposition_is_recorded_as_role(nlp, rules):
    index = index_of(nlp, rules, "Dana Whitfield, a spokeswoman for the agency, said the review was over.")
    mention = index.local_mention(token_at(index, "Whitfield"))
    assert mention.text == "Dana Whitfield"
    entity = index.resolve(mention)
    index.note_role(entity, mention.head)
    assert (entity.name, entity.role) == ("Dana Whitfield", "a spokeswoman for the agency")


def test_role_noun_links_back_to_the_person_with_that_role(nlp, rules):
    index = index_of(nlp, rules, "Dana Whitfield, a spokeswoman for the agency, spoke first. "
                                 "The spokeswoman said the review was over.")
    mention = index.local_mention(token_at(index, "Whitfield"))
    dana = index.resolve(mention)
    index.note_role(dana, mention.head)
    role_mention = index.local_mention(token_at(index, "spokeswoman", 1))
    assert (role_mention.text, role_mention.form) == ("The spokeswoman", "nominal")
    assert index.resolve(role_mention) is dana


@pytest.mark.parametrize("text, word, mention_text, kind", [
    ("The mayor told reporters the bridge would reopen.", "mayor", "The mayor", PERSON),
    ("The ministry said the bridge would stay closed.", "ministry", "The ministry", ORG),
    ("Local residents said the bridge was unsafe.", "residents", "Local residents", GROUP),
    ("The coach said the team was ready.", "coach", "The coach", SpeakerKind.UNKNOWN),
])
def test_nominal_mentions(nlp, rules, text, word, mention_text, kind):
    index = index_of(nlp, rules, text)
    mention = index.local_mention(token_at(index, word))
    assert (mention.text, mention.form) == (mention_text, "nominal")
    entity = index.resolve(mention)
    assert (entity.name, entity.kind, entity.aliases) == (None, kind, [mention_text])


# -- the speakers list -------------------------------------------------------------------------------

def test_speakers_lists_only_the_entities_used(nlp, rules):
    index = index_of(nlp, rules, "Carl Hendry met Dana Whitfield. Whitfield said the deal was done.")
    dana = resolve_word(index, "Whitfield", 1)
    speakers = index.speakers({dana.id})
    assert [(s.id, s.name, s.kind, s.aliases) for s in speakers] == [(dana.id, "Dana Whitfield", PERSON, ["Whitfield"])]
