"""Load a head of the shared encoder together with the encoder it reads.

Both come from the shipped model folder (``nlp/shared_encoder.model_dir()``), or from the
folder named by ``WIREWATCH_ENCODER_DIR`` (a trained candidate under ``out/`` measured
before it ships). None when onnxruntime, the tokenizer package, the trunk or the head is
missing: callers keep their rule and linear paths.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def encoder_and_head(name: str) -> tuple[Any, Any] | None:
    """(SharedEncoder, Head) for the head ``name``, or None."""
    try:
        from wirewatch.nlp.shared_encoder import load_head_file, load_shared_encoder, model_dir
    except ImportError:
        return None
    override = os.environ.get("WIREWATCH_ENCODER_DIR")
    folder = Path(override) if override else model_dir()
    path = folder / "heads" / f"{name}.npz"
    if not path.exists():
        return None
    try:
        encoder = load_shared_encoder(folder) if override else load_shared_encoder()
    except ImportError:
        return None
    if encoder is None:
        return None
    return encoder, load_head_file(path)
