"""Sieve logic on hand-built parses: the sentences are annotated here, so what is tested is the sieves, not
what the model happens to parse.

`parse(nlp, text, *lines)` tokenizes `text` with spaCy's tokenizer and builds the Doc by hand: line k of
the text is annotated by lines[k] as space-separated `word:POS:dep[>head][:lemma][:ENT]` for the words that
matter (`word#2`: its second occurrence in the sentence; head: another word of the sentence; ENT: an NER
label, consecutive words sharing one form one entity). " | " separates the sentences of a line, which the
text splits after a stop. Other words hang on their sentence's ROOT, as `punct` if punctuation, else as
`dep` with POS X.
"""
from __future__ import annotations

import pytest
from spacy.tokens import Doc

from quotesvc.core.model import Article, SpeakerKind
from tests.helpers import assert_offsets, who

_TAGS = {"PROPN": "NNP", "NOUN": "NN", "VERB": "VBD", "PRON": "PRP", "PUNCT": ".", "DET": "DT", "SPACE": "_SP"}


def _spec(word: str) -> dict:
    fields = word.split(":")
    out = {"word": fields[0], "pos": fields[1], "dep": fields[2], "head": None, "lemma": None, "ent": None}
    if ">" in out["dep"]:
        out["dep"], out["head"] = out["dep"].split(">")
    for extra in fields[3:]:
        out["ent" if extra.isupper() else "lemma"] = extra
    return out


def _sentences(tokens, lines: tuple[str, ...]) -> list[list[int]]:
    """Token indices of each sentence: a line ends at a line break (which joins the sentence before it), and
    splits after a stop into as many sentences as its annotation has."""
    out: list[list[int]] = []
    line: list[int] = []
    for t in list(tokens) + [None]:
        if t is None or (t.is_space and "\n" in t.text):
            if t is not None:
                line.append(t.i)
            wanted = lines[_line_no(out, lines)].count(" | ") + 1
            cuts = [i for i in line[:-1] if tokens[i].text in (".", "!", "?") and tokens[i].whitespace_]
            bounds = [line[0]] + [i + 1 for i in cuts[:wanted - 1]] + [line[-1] + 1]
            out += [[i for i in line if a <= i < b] for a, b in zip(bounds, bounds[1:])]
            line = []
        else:
            line.append(t.i)
    return out


def _line_no(done: list[list[int]], lines: tuple[str, ...]) -> int:
    """Which annotated line the sentences done so far have reached."""
    n, k = 0, 0
    while n < len(done):
        n += lines[k].count(" | ") + 1
        k += 1
    return k


def parse(nlp, text: str, *lines: str) -> Doc:
    tokens = nlp.tokenizer(text)
    words, spaces = [t.text for t in tokens], [bool(t.whitespace_) for t in tokens]
    sentences = _sentences(tokens, lines)
    annotations = [sentence for line in lines for sentence in line.split(" | ")]
    assert len(sentences) == len(annotations), f"{len(sentences)} sentences in the text, {len(annotations)} annotated"
    heads, deps, pos, lemmas, ents = list(range(len(words))), ["dep"] * len(words), ["X"] * len(words), \
        [w.lower() for w in words], ["O"] * len(words)
    for sent, line in zip(sentences, annotations):
        specs = [_spec(w) for w in line.split()]
        where = {}
        for spec in specs:
            word, _, nth = spec["word"].partition("#")
            where[spec["word"]] = [i for i in sent if words[i] == word][int(nth or 1) - 1]
        root = next(where[s["word"]] for s in specs if s["dep"] == "ROOT")
        for i in sent:
            heads[i], deps[i] = root, "punct" if not words[i].strip().isalnum() else "dep"
            pos[i] = "SPACE" if tokens[i].is_space else "PUNCT" if deps[i] == "punct" else "X"
            deps[i] = "dep" if tokens[i].is_space else deps[i]
        heads[root], deps[root] = root, "ROOT"
        previous = None
        for spec in specs:
            i = where[spec["word"]]
            pos[i], deps[i] = spec["pos"], spec["dep"]
            heads[i] = where[spec["head"]] if spec["head"] else heads[i]
            lemmas[i] = spec["lemma"] or lemmas[i]
            if spec["ent"]:
                ents[i] = ("I-" if previous == (i - 1, spec["ent"]) else "B-") + spec["ent"]
                previous = (i, spec["ent"])
    return Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas, ents=ents,
               tags=[_TAGS.get(p, "XX") for p in pos])


def attribute(attributor, nlp, text: str, *lines: str):
    result = attributor.attribute_parsed(Article(text, "text"), parse(nlp, text, *lines))
    assert_offsets(result, text)
    return result


SAID_ANNE = "said:VERB:ROOT:say Anne:PROPN:nsubj>said:PERSON"
SAID_TOM = "said:VERB:ROOT:say Tom:PROPN:nsubj>said:PERSON"
SAID_LUCY = "said:VERB:ROOT:say Lucy:PROPN:nsubj>said:PERSON"
BARE = "“:PUNCT:punct>x x:X:ROOT"  # a line of dialogue with no cue; its first word stands for its root


def bare(line: str) -> str:
    return BARE.replace("x", line.split()[0].strip("“”,.?!"))


@pytest.mark.parametrize("text, lines, expected", [
    # two speakers alternate: turn-taking is tried before continuation and takes the bare lines
    ("“Hello,” said Anne.\n“Hi,” said Tom.\n“Where were you?”\n“At the mill.”",
     [SAID_ANNE, SAID_TOM, bare("Where"), bare("At")],
     [("Anne", "cue-in-sentence"), ("Tom", "cue-in-sentence"), ("Anne", "turn-taking"), ("Tom", "turn-taking")]),
    # the same speaker twice: nobody alternates, the speaker goes on
    ("“Hello,” said Anne.\n“Hi,” said Anne.\n“Where were you?”",
     [SAID_ANNE, SAID_ANNE, bare("Where")],
     [("Anne", "cue-in-sentence"), ("Anne", "cue-in-sentence"), ("Anne", "continuation")]),
    # a third speaker: the last two speakers make the pair that alternates
    ("“Hello,” said Lucy.\n“Hi,” said Anne.\n“Hi,” said Tom.\n“Where were you?”",
     [SAID_LUCY, SAID_ANNE, SAID_TOM, bare("Where")],
     [("Lucy", "cue-in-sentence"), ("Anne", "cue-in-sentence"), ("Tom", "cue-in-sentence"),
      ("Anne", "turn-taking")]),
    # a bare line inside a paragraph that goes on after a cued quote is the same speaker's
    ("“Hello,” said Anne. “Where were you?”",
     [SAID_ANNE + " | " + bare("Where")],
     [("Anne", "cue-in-sentence"), ("Anne", "continuation")]),
])
def test_dialogue_sieves(attributor, nlp, text, lines, expected):
    quotes = attribute(attributor, nlp, text, *lines).quotes
    assert [(who(q), q.rule) for q in quotes] == expected


@pytest.mark.parametrize("text, lines, expected", [
    # a cue earlier in the quote's paragraph
    ("Anne said nothing. “We will stay open all winter.”",
     [SAID_ANNE + " | " + bare("We")], [("Anne", "paragraph-cue")]),
    # no cue: the subject of the sentence right before the line, an action beat
    ("Anne waited. “We will stay open all winter.”",
     ["waited:VERB:ROOT:wait Anne:PROPN:nsubj>waited:PERSON | " + bare("We")], [("Anne", "action-beat")]),
    ("Anne met Tom. “We will stay open all winter.”",
     ["met:VERB:ROOT:meet Anne:PROPN:nsubj>met:PERSON Tom:PROPN:dobj>met:PERSON | " + bare("We")],
     [("Anne", "action-beat")]),
    # no beat (the name is no subject): the only person named in the paragraph
    ("It was Anne. “We will stay open all winter.”",
     ["was:AUX:ROOT:be It:PRON:nsubj>was Anne:PROPN:attr>was:PERSON | " + bare("We")], [("Anne", "single-candidate")]),
    # two people named, neither the subject beside the line: nobody to choose
    ("It was Anne and Tom. “We will stay open all winter.”",
     ["was:AUX:ROOT:be It:PRON:nsubj>was Anne:PROPN:attr>was:PERSON Tom:PROPN:conj>Anne:PERSON | " + bare("We")],
     [(None, "unattributed")]),
    # the sentence a colon ends introduces the quote in the next paragraph
    ("Anne said:\n“We will stay open all winter.”", [SAID_ANNE, bare("We")],
     [("Anne", "colon-introducer")]),
    # a dash credit after the closing mark
    ("“We will stay open all winter.” ― Anne",
     ["We:X:ROOT ―:PUNCT:punct>We Anne:PROPN:appos>We:PERSON"], [("Anne", "dash-credit")]),
])
def test_sieves_around_the_quote(attributor, nlp, text, lines, expected):
    quotes = attribute(attributor, nlp, text, *lines).quotes
    assert [(who(q), q.rule) for q in quotes] == expected


@pytest.mark.parametrize("text, lines, expected", [
    # the name after an inverted verb parsed as its object: no pattern takes it, the tag's word order does
    ("“Where is the key?” asked Anne.",
     ["Where:ADV:advmod>asked asked:VERB:ROOT:ask Anne:PROPN:dobj>asked:PERSON"], [("Anne", "dialogue-tag")]),
    # the name parsed as part of the adverb after it
    ("“Stay a while,” said Anne happily.",
     ["Stay:VERB:ccomp>said said:VERB:ROOT:say Anne:PROPN:compound>happily:PERSON happily:ADV:nsubj>said"],
     [("Anne", "dialogue-tag")]),
    # the name parsed as the subject of the participle after it
    ("“Stay a while,” cried Anne, rising.",
     ["Stay:VERB:ccomp>cried cried:VERB:ROOT:cry Anne:PROPN:nsubj>rising:PERSON rising:VERB:advcl>cried:rise"],
     [("Anne", "dialogue-tag")]),
    # a verb that tags dialogue only, alone after the quote
    ("“Stay a while,” Anne returned.",
     ["Stay:VERB:ccomp>returned Anne:PROPN:nsubj>returned:PERSON returned:VERB:ROOT:return"],
     [("Anne", "dialogue-tag")]),
    # the same verb with more words after it is narration: the only person named decides, more weakly
    ("“Stay a while longer,” Anne returned home.",
     ["Stay:VERB:ccomp>returned Anne:PROPN:nsubj>returned:PERSON returned:VERB:ROOT:return "
      "home:NOUN:npadvmod>returned"],
     [("Anne", "single-candidate")]),
    # a gesture is no tag
    ("“Stay a while longer,” Anne nodded.",
     ["Stay:VERB:ccomp>nodded Anne:PROPN:nsubj>nodded:PERSON nodded:VERB:ROOT:nod"],
     [("Anne", "single-candidate")]),
])
def test_dialogue_tags_read_from_the_words(attributor, nlp, text, lines, expected):
    quotes = attribute(attributor, nlp, text, *lines).quotes
    assert [(who(q), q.rule) for q in quotes] == expected


HARBOUR = "The harbour master, Ines Okafor, said the pier would open."
HARBOUR_PARSE = ("The:DET:det>master harbour:NOUN:compound>master master:NOUN:nsubj>said "
                 "Ines:PROPN:compound>Okafor:PERSON Okafor:PROPN:appos>master:PERSON said:VERB:ROOT:say "
                 "the:DET:det>pier pier:NOUN:nsubj>open open:VERB:ccomp>said")


def test_a_role_in_apposition_with_a_name_is_that_person(attributor, nlp):
    result = attribute(attributor, nlp, HARBOUR, HARBOUR_PARSE)
    [quote] = result.quotes
    assert (quote.text, quote.speaker.name, quote.speaker.mention.text, quote.speaker.kind) == (
        "the pier would open", "Ines Okafor", "The harbour master", SpeakerKind.PERSON)
    [speaker] = result.speakers
    assert (speaker.name, speaker.role, speaker.quotes) == ("Ines Okafor", "harbour master", ["q1"])


def test_a_name_with_a_role_in_apposition_keeps_its_role(attributor, nlp):
    text = "Ines Okafor, the harbour master, said the pier would open."
    result = attribute(attributor, nlp, text,
                       "Ines:PROPN:compound>Okafor:PERSON Okafor:PROPN:nsubj>said:PERSON the:DET:det>master "
                       "harbour:NOUN:compound>master master:NOUN:appos>Okafor said:VERB:ROOT:say "
                       "the#2:DET:det>pier pier:NOUN:nsubj>open open:VERB:ccomp>said")
    [speaker] = result.speakers
    assert (speaker.name, speaker.role) == ("Ines Okafor", "harbour master")


ORIEL = "Oriel:PROPN:nsubj>walked:PERSON walked:VERB:ROOT:walk | She:PRON:nsubj>sat sat:VERB:ROOT:sit"
CORIN = "Corin:PROPN:nsubj>stood:PERSON stood:VERB:ROOT:stand | He:PRON:nsubj>waited waited:VERB:ROOT:wait"


@pytest.mark.parametrize("pronoun, expected", [("she", "Oriel"), ("he", "Corin")])
def test_a_persons_sex_is_read_from_the_pronouns_after_their_name(attributor, nlp, pronoun, expected):
    # Neither name is in the first-name list: "she" would go to Corin, the latest subject, without the votes
    # of "Oriel walked in. She sat down." and "Corin stood up. He waited."
    text = f"Oriel walked in. She sat down.\nCorin stood up. He waited.\n“We should go home now,” {pronoun} said."
    quote = attribute(attributor, nlp, text, ORIEL, CORIN,
                      f"We:X:ccomp>said {pronoun}:PRON:nsubj>said said:VERB:ROOT:say").quotes[0]
    assert (quote.speaker.name, quote.speaker.mention.text) == (expected, pronoun)


def test_a_pronoun_with_no_votes_goes_to_the_latest_subject(attributor, nlp):
    text = "Oriel walked in.\nCorin stood up.\n“We should go home now,” she said."
    quote = attribute(attributor, nlp, text, "Oriel:PROPN:nsubj>walked:PERSON walked:VERB:ROOT:walk",
                      "Corin:PROPN:nsubj>stood:PERSON stood:VERB:ROOT:stand",
                      "We:X:ccomp>said she:PRON:nsubj>said said:VERB:ROOT:say").quotes[0]
    assert quote.speaker.name == "Corin"
