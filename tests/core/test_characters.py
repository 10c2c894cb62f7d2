"""Who the speakers of a dialogue are: the first-person narrator, given names used alone, and pronouns that
never point into someone's quoted words. Short invented texts through the whole pipeline."""
from __future__ import annotations

import pytest

from quotesvc.core.model import SpeakerKind
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
