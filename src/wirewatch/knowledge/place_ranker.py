"""The learned place-candidate ranker's weights (``data/models/places.json``).

The ranker is a conditional logit over the named features of
:meth:`wirewatch.resolve.place_scoring.Resolver.features`: one weight per feature, trained by
``python -m wirewatch.train.places`` (see ``data/models/places.md``). Absent or unreadable
weights leave the resolver on its hand-set weights.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from wirewatch.knowledge import data_file

#: The model file, relative to ``wirewatch/data``.
MODEL_FILE = "models/places.json"


def model_path() -> Path:
    """Where the ranker's weights live in the source tree (the trainer writes them here)."""
    return Path(str(data_file(MODEL_FILE)))


@cache
def ranker_weights() -> dict[str, float] | None:
    """Feature name -> weight of the shipped ranker, or None when none is shipped."""
    path = data_file(MODEL_FILE)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        return {str(k): float(v) for k, v in data["weights"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@cache
def calibration_weights() -> dict[str, float] | None:
    """Feature name -> weight of the shipped confidence calibration (the model file's
    ``calibration`` table), or None when none is shipped."""
    path = data_file(MODEL_FILE)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        return {str(k): float(v) for k, v in data["calibration"]["weights"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@cache
def calibration_knots() -> list[tuple[float, float]] | None:
    """(score, probability) knots of the calibration's isotonic map, or None."""
    path = data_file(MODEL_FILE)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        knots = [(float(z), float(p)) for z, p in data["calibration"]["isotonic"]]
        return knots or None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
