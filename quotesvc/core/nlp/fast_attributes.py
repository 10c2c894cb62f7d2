"""Exact, faster stand-ins for spaCy's attribute_ruler and lemmatizer, put in the originals' place.

fast_ruler.py compiles the loaded attribute_ruler's patterns into numpy look-ups and masks; fast_lemmas.py
keeps the loaded lemmatizer's results by (ORTH, POS, MORPH). Both set exactly the token attributes the
originals set (tests/core/test_fast_attributes.py compares them on every token), for a fraction of the
time: the stock attribute_ruler costs more than the parser. install() adds them after the originals and
disables those, which stay in the pipeline; a component that cannot be converted exactly is kept, and
the log says why. Built from the loaded pipeline, so any en_core_web_* selected by QUOTESVC_SPACY_MODEL
gets them too.
"""
import logging
from typing import Any, Callable, Sequence

from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer

from .fast_lemmas import FastLemmatizer
from .fast_ruler import FastAttributeRuler, NotConvertible

__all__ = ["FAST_ATTRIBUTE_RULER", "FAST_LEMMATIZER", "FastAttributeRuler", "FastLemmatizer", "NotConvertible",
           "install", "uninstall"]

log = logging.getLogger(__name__)

FAST_ATTRIBUTE_RULER = "quotesvc_fast_attribute_ruler"
FAST_LEMMATIZER = "quotesvc_fast_lemmatizer"

# --------------------------------------------------------------------------------------- pipeline


@Language.factory(FAST_ATTRIBUTE_RULER, default_config={"source": "attribute_ruler"})
def make_fast_attribute_ruler(nlp: Language, name: str, source: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.get_pipe(source))


@Language.factory(FAST_LEMMATIZER, default_config={"source": "lemmatizer"})
def make_fast_lemmatizer(nlp: Language, name: str, source: str) -> FastLemmatizer:
    return FastLemmatizer(nlp.get_pipe(source), nlp.make_doc(""))


_STAND_INS: Sequence[tuple[str, str, Callable[[Any], bool]]] = (
    ("attribute_ruler", FAST_ATTRIBUTE_RULER, lambda c: isinstance(c, AttributeRuler)),
    ("lemmatizer", FAST_LEMMATIZER, lambda c: isinstance(c, Lemmatizer)),
)


def install(nlp: Language) -> list[str]:
    """Put the stand-ins in place of the originals (which stay in the pipeline, disabled); return the
    names replaced. A component that cannot be converted exactly is kept, with a log line saying why."""
    replaced = []
    for name, factory, applies in _STAND_INS:
        if name not in nlp.pipe_names or not applies(nlp.get_pipe(name)):
            continue
        try:
            stand_in = nlp.add_pipe(factory, name=factory, after=name, config={"source": name})
        except NotConvertible as exc:
            log.warning("spaCy component %r kept as it is (slower): %s", name, exc)
            continue
        nlp.disable_pipe(name)
        replaced.append(name)
        detail = getattr(stand_in, "summary", "lemmas cached by ORTH, POS and MORPH")
        log.info("spaCy component %r replaced by its exact equivalent %r: %s", name, factory, detail)
    return replaced


def uninstall(nlp: Language) -> None:
    """Back to the original components (for comparisons)."""
    for name, factory, _ in _STAND_INS:
        if factory in nlp.component_names:
            nlp.remove_pipe(factory)
            nlp.enable_pipe(name)
