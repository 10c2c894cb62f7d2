"""Attribution end to end: direct, mixed and indirect quotes, their speakers, offsets, and non-quotes.

Every case goes through `Attributor.attribute(Article(text, "text"))`, the path the service takes.
Sentences and names are invented. A quote is summarised as
(quote text, kind, speaker name or else the mention's words, rule).
"""
from __future__ import annotations

import pytest

from quotesvc.core.model import SpeakerKind
from tests.helpers import assert_offsets, attribute, quotes_of, who
from tests.texts import WRAPPED_EXAMPLE

PERSON, ORG = SpeakerKind.PERSON, SpeakerKind.ORGANIZATION


# -- direct quotes -------------------------------------------------------------------------------

DIRECT = [
    # a cue in the quote's own sentence
    ('"We will rebuild the school," Dana Whitfield said.',
     [("We will rebuild the school,", "direct", "Dana Whitfield", "cue-in-sentence")]),
    ('"We will rebuild the school by spring," said Dana Whitfield.',
     [("We will rebuild the school by spring,", "direct", "Dana Whitfield", "cue-in-sentence")]),
    ('Dana Whitfield said: "We will rebuild the school by spring."',
     [("We will rebuild the school by spring.", "direct", "Dana Whitfield", "cue-in-sentence")]),
    ('"The bridge will reopen next week," Marcus Oyelaran told reporters.',
     [("The bridge will reopen next week,", "direct", "Marcus Oyelaran", "cue-in-sentence")]),
    ('"The bridge will reopen next week," Marcus Oyelaran told reporters on Friday.',
     [("The bridge will reopen next week,", "direct", "Marcus Oyelaran", "cue-in-sentence")]),
    ('"The fund is empty," Ian Colby wrote in a memo to staff.',
     [("The fund is empty,", "direct", "Ian Colby", "cue-in-sentence")]),
    ('"Winter is coming early this year," Ada Nwosu tweeted on Sunday.',
     [("Winter is coming early this year,", "direct", "Ada Nwosu", "cue-in-sentence")]),
    ("‘We will appeal the ruling,’ Dana Whitfield said.",
     [("We will appeal the ruling,", "direct", "Dana Whitfield", "cue-in-sentence")]),
    ('Dana Whitfield said "no" to the offer.',
     [("no", "direct", "Dana Whitfield", "cue-in-sentence")]),
    ('"When the mayor said the bridge was safe, we believed him," Dana Whitfield said.',
     [("When the mayor said the bridge was safe, we believed him,", "direct", "Dana Whitfield", "cue-in-sentence")]),
    # marks of two styles pair the outer ones: the "he said" between them is the quote's own cue
    ('“We will rebuild the pier," Carl Hendry said. "It will take a year and it will cost a lot.”',
     [('We will rebuild the pier," Carl Hendry said. "It will take a year and it will cost a lot.', "direct",
       "Carl Hendry", "cue-in-sentence")]),
    # …but a quoted exchange inside a quote is not: its words belong to the outer speaker
    ('Dana Whitfield said: “My neighbour told me, \'They expect the river to rise.\' We left that night.”',
     [("My neighbour told me, 'They expect the river to rise.' We left that night.", "direct", "Dana Whitfield",
       "cue-in-sentence")]),
    # a trigger word for titles ("campaign") in the sentence before does not make this quote a name
    ('She ran the mayor\'s campaign.\n\n"These people know how to win," said Ines Okafor.',
     [("These people know how to win,", "direct", "Ines Okafor", "cue-in-sentence")]),
    # nominal speakers keep their own words
    ('"We are ready," the coach added.',
     [("We are ready,", "direct", "the coach", "cue-in-sentence")]),
    ('"The vote is on Thursday," a spokeswoman for the council said.',
     [("The vote is on Thursday,", "direct", "a spokeswoman", "cue-in-sentence")]),
    ('"We have no comment at this time," the ministry said in a statement.',
     [("We have no comment at this time,", "direct", "the ministry", "cue-in-sentence")]),
    # a quote interrupted by its cue is two quotes with one speaker
    ('"I don\'t know," she said, "but we will find out."',
     [("I don't know,", "direct", "she", "cue-in-sentence"),
      ("but we will find out.", "direct", "she", "cue-in-sentence")]),
    # pronoun speakers resolve to the person named before
    ('Tomas Brennick runs the bakery on Elm Street.\n"Business has never been this slow," he said.',
     [("Business has never been this slow,", "direct", "Tomas Brennick", "cue-in-sentence")]),
    ('"We need a new roof," Dana Whitfield said.\n"The old one leaks," she added.',
     [("We need a new roof,", "direct", "Dana Whitfield", "cue-in-sentence"),
      ("The old one leaks,", "direct", "Dana Whitfield", "cue-in-sentence")]),
    # relative pronoun
    ('The plan was criticised by Owen Preece, who said "it will cost the town far too much money."',
     [("it will cost the town far too much money.", "direct", "Owen Preece", "cue-in-sentence")]),
    ('Ferry owner Owen Preece, who said "the crossing is perfectly safe," was not at the meeting.',
     [("the crossing is perfectly safe,", "direct", "Owen Preece", "cue-in-sentence")]),
    # continuation: a later quote with no cue of its own, in the same or the next paragraph
    ('"We will win," Dana Whitfield said. "Everyone in this town knows it."',
     [("We will win,", "direct", "Dana Whitfield", "cue-in-sentence"),
      ("Everyone in this town knows it.", "direct", "Dana Whitfield", "continuation")]),
    ('"We will rebuild the school by spring," Dana Whitfield said.\n"The money is already there for it."',
     [("We will rebuild the school by spring,", "direct", "Dana Whitfield", "cue-in-sentence"),
      ("The money is already there for it.", "direct", "Dana Whitfield", "continuation")]),
    # a quote running over two paragraphs (reopened, never closed in the first) is one quote
    ('"We will rebuild the school.\n"It will take a year," Dana Whitfield said.',
     [('We will rebuild the school.\n"It will take a year,', "direct", "Dana Whitfield", "cue-in-sentence")]),
    # colon introducer ending the previous paragraph
    ('Dana Whitfield spoke to the board on Tuesday. She said:\n"We cannot keep every building open."',
     [("We cannot keep every building open.", "direct", "Dana Whitfield", "colon-introducer")]),
    ('Dana Whitfield said on Tuesday:\n"We cannot keep every building open. The numbers do not work."',
     [("We cannot keep every building open. The numbers do not work.", "direct", "Dana Whitfield",
       "colon-introducer")]),
    # a cue earlier in the same paragraph
    ('Dana Whitfield said the vote was close. "We will appeal the decision in the high court."',
     [("the vote was close", "indirect", "Dana Whitfield", "ccomp/subject"),
      ("We will appeal the decision in the high court.", "direct", "Dana Whitfield", "paragraph-cue")]),
    # dash credit, vox-pop style
    ("“Nobody asked us what we wanted here.” ― Carl Hendry",
     [("Nobody asked us what we wanted here.", "direct", "Carl Hendry", "dash-credit")]),
    ("“Nobody asked us what we wanted here.” ― Dana Whitfield",
     [("Nobody asked us what we wanted here.", "direct", "Dana Whitfield", "dash-credit")]),
    # a long quote with no cue anywhere is still reported, without a speaker
    ('The hall was silent.\n"We will appeal the decision in the high court."',
     [("We will appeal the decision in the high court.", "direct", None, "unattributed")]),
]


@pytest.mark.parametrize("text, expected", DIRECT)
def test_direct_quotes(attributor, text, expected):
    assert quotes_of(attributor, text) == expected


# -- who the speaker is: (name, the mention's words, kind) ---------------------------------------

SPEAKER_REFS = [
    # pronoun: the name is the person's full name, the mention is the pronoun
    ('Tomas Brennick runs the bakery on Elm Street.\n"Business has never been this slow," he said.',
     [("Tomas Brennick", "he", PERSON)]),
    ('Dana Whitfield spoke to the board on Tuesday. She said:\n"We cannot keep every building open."',
     [("Dana Whitfield", "She", PERSON)]),
    # Mr. / Mrs. and pronoun gender choose between a man and a woman named before
    ('Carl Hendry and Maria Solano met at the town hall.\n"We need more time to decide," Mrs. Solano said.',
     [("Maria Solano", "Mrs. Solano", PERSON)]),
    ('Carl Hendry and Maria Solano met at the town hall.\n"We need more time to decide," Mr. Hendry said.',
     [("Carl Hendry", "Mr. Hendry", PERSON)]),
    ('Mrs. Solano met Mr. Hendry on Friday.\n"We need more time," she said.',
     [("Solano", "she", PERSON)]),
    ('Mrs. Solano met Mr. Hendry on Friday.\n"We need more time," he said.',
     [("Hendry", "he", PERSON)]),
    ('Mr. Hendry met Mrs. Solano on Friday.\n"We need more time," she said.',
     [("Solano", "she", PERSON)]),
    ('Mrs. Maria Solano and Mr. Carl Hendry met on Friday.\n"We need more time to decide," she said.\n'
     '"We do not," he said.',
     [("Maria Solano", "she", PERSON), ("Carl Hendry", "he", PERSON)]),
    # relative pronoun
    ('The plan was criticised by Owen Preece, who said "it will cost the town far too much money."',
     [("Owen Preece", "who", PERSON)]),
    ('The plan was attacked by Owen Preece, who said it would ruin the harbour.',
     [("Owen Preece", "who", PERSON)]),
    # a title before the name is kept in the mention, not in the name
    ('Governor Alan Pruitt said the budget was "dead on arrival" in the Senate.',
     [("Alan Pruitt", "Governor Alan Pruitt", PERSON)]),
    ('"Prices will keep rising," said economist Lena Fairbanks of the Rowe Institute.',
     [("Lena Fairbanks", "economist Lena Fairbanks", PERSON)]),
    # organisations: named ("it") and nominal
    ('Northfield Council approved the budget on Monday. "It was a hard year," it said.',
     [("Northfield Council", "it", ORG)]),
    ('"We have no comment at this time," the ministry said in a statement.',
     [(None, "the ministry", ORG)]),
    ("According to the ministry, the bridge will stay closed until May.",
     [(None, "the ministry", ORG)]),
    # roles
    ('"The vote is on Thursday," a spokeswoman for the council said.',
     [(None, "a spokeswoman", PERSON)]),
    ("The mayor told reporters the bridge would reopen in June.",
     [(None, "The mayor", PERSON)]),
    # a role noun later on is the person who was given that role
    ('"The review is over," said Dana Whitfield, a spokeswoman for the agency. '
     '"We found nothing," the spokeswoman added.',
     [("Dana Whitfield", "Dana Whitfield", PERSON), ("Dana Whitfield", "the spokeswoman", PERSON)]),
    # dash credit
    ("“Nobody asked us what we wanted here.” ― Carl Hendry",
     [("Carl Hendry", "Carl Hendry", PERSON)]),
    # a role in apposition with a name is that person; the mention stays the words the report rests on
    ("The harbour master, Ines Okafor, said the new pier would open in May.",
     [("Ines Okafor", "The harbour master", PERSON)]),
]


@pytest.mark.parametrize("text, expected", SPEAKER_REFS)
def test_speaker_refs(attributor, text, expected):
    refs = [q.speaker for q in attribute(attributor, text).quotes]
    assert [(r.name, r.mention.text, r.kind) if r else None for r in refs] == expected


def test_pronoun_without_antecedent_keeps_its_mention(attributor):
    [q] = attribute(attributor, '"We are not going anywhere," she said.').quotes
    assert q.speaker is not None
    assert (q.speaker.name, q.speaker.mention.text, q.speaker.kind) == (None, "she", PERSON)


@pytest.mark.parametrize("text", [
    'Jane Doe, a spokeswoman for the agency, said: "The review will be finished in June."',
    '"The review will be finished in June," said Jane Doe, a spokeswoman for the agency.',
    "Jane Doe, a spokeswoman for the agency, said the review would end in June.",
])
def test_apposition_gives_role(attributor, text):
    result = attribute(attributor, text)
    [speaker] = result.speakers
    assert (speaker.name, speaker.kind, speaker.role) == ("Jane Doe", PERSON, "spokeswoman for the agency")
    assert speaker.quotes == ["q1"]


def test_title_recorded_on_speaker(attributor):
    result = attribute(attributor, 'Governor Alan Pruitt said the budget was "dead on arrival" in the Senate.')
    [speaker] = result.speakers
    assert speaker.name == "Alan Pruitt"
    assert speaker.titles == ["Governor"]


# -- indirect and mixed --------------------------------------------------------------------------

INDIRECT = [
    ("Dana Whitfield said the plan would fail.",
     [("the plan would fail", "indirect", "Dana Whitfield", "ccomp/subject")]),
    # the complementiser stays with the clause
    ("Dana Whitfield warned that the roof could collapse.",
     [("that the roof could collapse", "indirect", "Dana Whitfield", "ccomp/subject")]),
    ("Senator Ruth Calloway told reporters that the bill would pass.",
     [("that the bill would pass", "indirect", "Ruth Calloway", "ccomp/subject")]),
    ("The mayor told reporters the bridge would reopen in June.",
     [("the bridge would reopen in June", "indirect", "The mayor", "ccomp/subject")]),
    ("Hospital officials said the wing would close in May.",
     [("the wing would close in May", "indirect", "Hospital officials", "ccomp/subject")]),
    ("Dana Whitfield, who chairs the board, said the vote would be delayed.",
     [("the vote would be delayed", "indirect", "Dana Whitfield", "ccomp/subject")]),
    ("The plan was attacked by Owen Preece, who said it would ruin the harbour.",
     [("it would ruin the harbour", "indirect", "Owen Preece", "ccomp/subject")]),
    # a headline question above is not part of the content
    ("Is the river safe to swim in again?\nTests at Millbrook beach came back clean on Monday, officials said.",
     [("Tests at Millbrook beach came back clean on Monday", "indirect", "officials", "ccomp/subject")]),
    # "said in a statement that …": the parser hangs the clause on the noun
    ("The ministry said in a statement that the bridge would stay closed.",
     [("that the bridge would stay closed", "indirect", "The ministry", "statement-clause/subject")]),
    ("Dana Whitfield told reporters in an interview that the plan would fail.",
     [("that the plan would fail", "indirect", "Dana Whitfield", "statement-clause/subject")]),
    # content first, cue after
    ("The plan will fail, she said.",
     [("The plan will fail", "indirect", "she", "ccomp/subject")]),
    ("The plan will fail, Dana Whitfield said.",
     [("The plan will fail", "indirect", "Dana Whitfield", "ccomp/subject")]),
    # according to
    ("According to the ministry, the bridge will stay closed until May.",
     [("the bridge will stay closed until May", "indirect", "the ministry", "according-to-clause/according-to")]),
    ("The bridge will stay closed until May, according to the ministry.",
     [("The bridge will stay closed until May", "indirect", "the ministry", "according-to-clause/according-to")]),
    ("According to Dana Whitfield, the bridge will stay closed until May.",
     [("the bridge will stay closed until May", "indirect", "Dana Whitfield", "according-to-clause/according-to")]),
    # participle
    ("The union walked out on Monday, saying the raise was too small.",
     [("the raise was too small", "indirect", "The union", "ccomp/participle-subject")]),
    ("The union walked out on Monday, saying that the raise was too small.",
     [("that the raise was too small", "indirect", "The union", "ccomp/participle-subject")]),
    ("Teachers walked out of the meeting, saying the offer was an insult.",
     [("the offer was an insult", "indirect", "Teachers", "ccomp/participle-subject")]),
    # infinitive, object, "call for"
    ("Dana Whitfield promised to rebuild the school by spring.",
     [("to rebuild the school by spring", "indirect", "Dana Whitfield", "infinitive/subject")]),
    ("Carl Hendry announced his resignation on Monday.",
     [("his resignation", "indirect", "Carl Hendry", "object/subject")]),
    ("The minister denied the allegations.",
     [("the allegations", "indirect", "The minister", "object/subject")]),
    # after "called", "described", "accused" what is said of the object belongs to the content
    ("Dana Whitfield called the budget a disgrace.",
     [("the budget a disgrace", "indirect", "Dana Whitfield", "object-said-of/subject")]),
    ("Carl Hendry accused the council of wasting money.",
     [("the council of wasting money", "indirect", "Carl Hendry", "object/subject")]),
    ("The union called for a new vote on the contract.",
     [("a new vote on the contract", "indirect", "The union", "call-for/subject")]),
    # mixed: reported speech holding a short verbatim fragment is one quote that contains it
    ('Dana Whitfield said the plan was "a total waste of public money" and should be dropped.',
     [('the plan was "a total waste of public money" and should be dropped', "mixed", "Dana Whitfield",
       "ccomp/subject")]),
    ('Governor Alan Pruitt said the budget was "dead on arrival" in the Senate.',
     [('the budget was "dead on arrival" in the Senate', "mixed", "Alan Pruitt", "ccomp/subject")]),
    ('Carl Hendry said the closure would be "a disaster" for business.',
     [('the closure would be "a disaster" for business', "mixed", "Carl Hendry", "ccomp/subject")]),
    # a second fragment of the same report, outside the parsed clause, joins it
    ('Dana Whitfield called the plan "a betrayal" and its authors "people who never ride a bus."',
     [('the plan "a betrayal" and its authors "people who never ride a bus.', "mixed", "Dana Whitfield",
       "object-said-of/subject")]),
]


# Reports that are not attributions of their own.
NOT_INDIRECT = [
    # a bare object after a verb of emphasis or expression names the topic, not what was said
    "The report highlighted the decline in river fish.",
    "Dana Whitfield expressed her admiration for the volunteers.",
    "Carl Hendry wrote a letter to the council.",
    # a relative clause giving background: "who has called for …", "who has promised to …"
    "Carl Hendry, who has long praised the volunteers, opened the hall.",
    "The hall was opened by Dana Whitfield, who has promised to rebuild the school.",
]


@pytest.mark.parametrize("text", NOT_INDIRECT)
def test_not_reported_speech(attributor, text):
    assert quotes_of(attributor, text) == []


NESTED = [
    # the inner report is part of what the outer source said: one attribution, to the outer source
    ("Dana Whitfield said the contractor had told workers to leave the site.",
     [("the contractor had told workers to leave the site", "indirect", "Dana Whitfield", "ccomp/subject")]),
    ("The mayor said residents had complained that the water tasted of metal.",
     [("residents had complained that the water tasted of metal", "indirect", "The mayor", "ccomp/subject")]),
    ("Officials said Carl Hendry had promised to repay the loan.",
     [("Carl Hendry had promised to repay the loan", "indirect", "Officials", "ccomp/subject")]),
]


@pytest.mark.parametrize("text, expected", NESTED)
def test_nested_report_is_one_attribution_to_the_outer_source(attributor, text, expected):
    assert quotes_of(attributor, text) == expected


@pytest.mark.parametrize("text, expected", INDIRECT)
def test_indirect_and_mixed_quotes(attributor, text, expected):
    assert quotes_of(attributor, text) == expected


def test_belief_cue_is_less_certain_than_speech(attributor):
    [said] = attribute(attributor, "Dana Whitfield said the plan will fail.").quotes
    [believes] = attribute(attributor, "Dana Whitfield believes the plan will fail.").quotes
    assert (believes.text, believes.kind.value, who(believes)) == ("the plan will fail", "indirect", "Dana Whitfield")
    assert believes.confidence < said.confidence


@pytest.mark.parametrize("text", [text for text, _ in INDIRECT] + [
    '"We need more time," Dana Whitfield said. She said the vote would be delayed.'])
def test_indirect_off_leaves_only_direct_quotes(attributor, text):
    quotes = attribute(attributor, text, indirect=False).quotes
    assert all(q.kind.value == "direct" and "/" not in q.rule for q in quotes)


@pytest.mark.parametrize("text, fragment", [
    ('Dana Whitfield said the plan was "a total waste of public money" and should be dropped.',
     "a total waste of public money"),
    ('Governor Alan Pruitt said the budget was "dead on arrival" in the Senate.', "dead on arrival"),
])
def test_indirect_off_turns_mixed_into_its_fragment(attributor, text, fragment):
    assert [(q.text, q.kind.value, q.rule) for q in attribute(attributor, text, indirect=False).quotes] == [
        (fragment, "direct", "cue-in-sentence")]


def test_indirect_off_keeps_direct_quotes_unchanged(attributor):
    text = '"We need more time," Dana Whitfield said. She said the vote would be delayed.'
    assert quotes_of(attributor, text) == [
        ("We need more time,", "direct", "Dana Whitfield", "cue-in-sentence"),
        ("the vote would be delayed", "indirect", "Dana Whitfield", "ccomp/subject")]
    assert quotes_of(attributor, text, indirect=False) == [
        ("We need more time,", "direct", "Dana Whitfield", "cue-in-sentence")]


# -- not quotations ------------------------------------------------------------------------------

NOT_QUOTES = [
    # scare quotes
    'Critics attacked the so-called "reform" on Monday.',
    'The council called it a "temporary" measure.',
    'Who will pay for the "new" bridge?',
    'The word "resilience" appeared nine times in the speech.',
    # titles of works
    'Her book "Winter Roads" sold well last year.',
    'She reviewed the film "Blue Harbor" for the paper.',
    'He starred in the play "A Long Night Home" in 2019.',
    'Her memoir "What the Tide Left" is out in May.',
    'The album "Quiet Streets" topped the chart.',
    # nicknames
    'Robert "Bobby" Vance won the race on Sunday.',
    'Thomas "Tommy" Greer opened a garage in town.',
    'The senator, dubbed "the iron lady" by colleagues, retired.',
    # a headline question with no cue
    "Will the bridge ever reopen?",
    "Will the bridge ever reopen?\n\nThe council meets on Monday to decide.",
    # no marks and no cue
    "The bakery on Elm Street closed in March.",
]


@pytest.mark.parametrize("text", NOT_QUOTES)
def test_not_quotations(attributor, text):
    result = attribute(attributor, text)
    assert result.quotes == []
    assert result.speakers == []


@pytest.mark.parametrize("text, expected", [
    ('"I will not resign, he said, because the job is not done," Karl Ostrow told the board.',
     [("I will not resign, he said, because the job is not done,", "direct", "Karl Ostrow", "cue-in-sentence")]),
    ('"When the mayor said the bridge was safe, we believed him," Dana Whitfield said.',
     [("When the mayor said the bridge was safe, we believed him,", "direct", "Dana Whitfield", "cue-in-sentence")]),
])
def test_cue_inside_a_quote_is_not_a_quote(attributor, text, expected):
    assert quotes_of(attributor, text) == expected


def test_min_confidence_drops_weak_quotes(attributor):
    text = 'The hall was silent.\n"We will appeal the decision in the high court."'
    assert len(attribute(attributor, text).quotes) == 1
    assert attribute(attributor, text, min_confidence=0.5).quotes == []


# -- offsets, order, ids and the speakers list ---------------------------------------------------

ARTICLE = (
    "Town votes to close Elm Street bridge.\n"
    "\n"
    "Dana Whitfield, the town engineer, said on Monday that the bridge was no longer safe.\n"
    "\n"
    "“We found cracks in two of the main beams,” Whitfield said. “Nobody should drive over it.”\n"
    "\n"
    "“We will not wait for an accident.”\n"
    "\n"
    "The repairs could take a year, she said.\n"
    "\n"
    "Carl Hendry, who owns the café next to the bridge, said he would stay open. "
    "“People still need their coffee,” he said.\n"
)


def test_mini_article(attributor):
    assert quotes_of(attributor, ARTICLE) == [
        ("that the bridge was no longer safe", "indirect", "Dana Whitfield", "ccomp/subject"),
        ("We found cracks in two of the main beams,", "direct", "Dana Whitfield", "cue-in-sentence"),
        ("Nobody should drive over it.", "direct", "Dana Whitfield", "continuation"),
        ("We will not wait for an accident.", "direct", "Dana Whitfield", "continuation"),
        ("The repairs could take a year", "indirect", "Dana Whitfield", "ccomp/subject"),
        ("he would stay open", "indirect", "Carl Hendry", "ccomp/subject"),
        ("People still need their coffee,", "direct", "Carl Hendry", "cue-in-sentence"),
    ]


def test_mini_article_speakers(attributor):
    result = attribute(attributor, ARTICLE)
    assert [(s.name, s.kind, s.quotes, s.role) for s in result.speakers] == [
        ("Dana Whitfield", PERSON, ["q1", "q2", "q3", "q4", "q5"], "town engineer"),
        ("Carl Hendry", PERSON, ["q6", "q7"], None),
    ]
    dana, carl = result.speakers
    mentions = {s.id: [q.speaker.mention.text for q in result.quotes if q.speaker.entity == s.id]
                for s in result.speakers}
    assert mentions[dana.id] == ["Dana Whitfield", "Whitfield", "Whitfield", "Whitfield", "she"]
    assert mentions[carl.id] == ["Carl Hendry", "he"]


def test_mentions_of_one_person_merge_into_one_speaker(attributor):
    text = ('"We will rebuild the school by spring," Dana Whitfield said.\n'
            '"Classes will resume in the old gym," Whitfield said.\n'
            '"Nobody will lose a single day," she said.')
    result = attribute(attributor, text)
    [speaker] = result.speakers
    assert speaker.name == "Dana Whitfield"
    assert speaker.aliases == ["Whitfield"]
    assert speaker.quotes == ["q1", "q2", "q3"]
    assert {q.speaker.entity for q in result.quotes if q.speaker} == {speaker.id}
    assert [q.speaker.mention.text for q in result.quotes if q.speaker] == ["Dana Whitfield", "Whitfield", "she"]


def test_two_people_are_two_speakers(attributor):
    text = ('"We will appeal," Dana Whitfield said.\n'
            '"The ruling was fair," Carl Hendry said.\n'
            '"We have the money for a long fight," Whitfield added.')
    result = attribute(attributor, text)
    assert [(s.name, s.quotes) for s in result.speakers] == [
        ("Dana Whitfield", ["q1", "q3"]), ("Carl Hendry", ["q2"])]


ALL_TEXTS = sorted({text for text, _ in DIRECT + SPEAKER_REFS + INDIRECT} | {ARTICLE} | {
    "Renée Côté said: “Le café est fermé.” Ça va? “Nous reviendrons bientôt,” she said.",
    "Line one.\r\n\r\n“Résumé first,” said Dana Whitfield.\r\n“Then the rest.”",
})


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_offsets_order_and_ids(attributor, text):
    result = attribute(attributor, text)
    assert result.quotes
    assert [q.id for q in result.quotes] == [f"q{i}" for i in range(1, len(result.quotes) + 1)]
    assert_offsets(result, text)


# --- hard-wrapped plain text ------------------------------------------------------------------------

WRAPPED_BOARD = (
    '"The old pier has carried the ferries for ninety years and it can\n'
    'carry them for one more winter," Tomas Berg, who chairs the harbour\n'
    'board, said after the vote on Thursday.\n'
    '\n'
    'He said the repairs would start in the spring, once the divers had\n'
    'checked every pile under the deck.\n')

WRAPPED_NAME_OVER_LINES = (
    'The ferry company has asked for a longer lease. Its director, Maria\n'
    'Lind, told the board that the winter timetable "cannot survive\n'
    'another season of losses" without a new slipway.\n')


def test_wrapped_quote_is_one_quote_and_its_cue_on_the_next_line_binds(attributor):
    result = attribute(attributor, WRAPPED_EXAMPLE)
    assert_offsets(result, WRAPPED_EXAMPLE)
    assert [(q.text, q.kind.value, q.cue and q.cue.text) for q in result.quotes] == [
        ("We will not stop until the last\nbridge is rebuilt and the ferries\nrun again,", "direct", "said"),
        ("that the city\nwould borrow the money", "indirect", "added"),
    ]
    assert result.quotes[0].rule == "cue-in-sentence"


def test_wrapped_quotes_are_attributed_like_unwrapped_ones(attributor):
    result = attribute(attributor, WRAPPED_BOARD)
    assert_offsets(result, WRAPPED_BOARD)
    unwrapped = WRAPPED_BOARD.replace("\n\n", "\0").replace("\n", " ").replace("\0", "\n\n")
    flat = attribute(attributor, unwrapped)
    assert [(q.text.replace("\n", " "), q.kind, q.rule, who(q)) for q in result.quotes] == \
        [(q.text, q.kind, q.rule, who(q)) for q in flat.quotes]
    assert [who(q) for q in result.quotes] == ["Tomas Berg", "Tomas Berg"]


# A role in apposition with a name is that person ("the mayor, Ana Ruiz," is one person named Ana Ruiz).
@pytest.mark.parametrize("text, names", [
    (WRAPPED_EXAMPLE, ["Ana Ruiz", "Ana Ruiz"]),
    (WRAPPED_NAME_OVER_LINES, ["Maria Lind"]),
])
def test_wrapped_speakers_are_named(attributor, text, names):
    result = attribute(attributor, text)
    assert_offsets(result, text)
    assert [q.speaker.name if q.speaker else None for q in result.quotes] == names
