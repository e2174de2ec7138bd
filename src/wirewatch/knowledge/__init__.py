"""Curated knowledge: the only code that opens the files in ``wirewatch/data``.

Every word list, dictionary and table that is knowledge (not logic) lives in a data file and
is parsed once per process through :func:`load_yaml` (model weights are reached through
:func:`data_file`). Typed, read-only views of it live in the modules of this package:

- ``actors``: the curated actor dictionary, actor nouns, demonyms, titles;
- ``lexicons``: triggers, weapons, casualty, factuality and re-casing words;
- ``cues``: the attribution lexicon (reporting verbs and their claim statuses);
- ``language``: function words and scripts for the language guess and content words;
- ``place_names``, ``place_words``: place-name normalisation and the geocoder's word lists;
- ``gazetteer_build`` (compile) and ``gazetteer`` (cache and index) for the gazetteer.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

#: The resource package that holds the data files.
DATA_PACKAGE = "wirewatch.data"


def data_file(name: str) -> Traversable:
    """A data file of ``wirewatch/data`` (``models/roles.npz`` for nested ones)."""
    return resources.files(DATA_PACKAGE).joinpath(name)


@cache
def load_yaml(name: str) -> Any:
    """Parse ``wirewatch/data/<name>`` once per process."""
    return yaml.safe_load(data_file(name).read_text("utf-8"))
