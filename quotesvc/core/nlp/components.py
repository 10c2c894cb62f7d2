"""The pipeline component quotesvc adds to the spaCy pipeline."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("quotesvc_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no parse (and no attribution) runs across paragraphs.

    The parser keeps boundaries that are set before it runs; without this, a headline line and the
    paragraph under it are often parsed as one sentence. The intake leaves a line break in the text it
    hands on only between paragraphs: the breaks inside a hard-wrapped paragraph read as spaces there.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc
