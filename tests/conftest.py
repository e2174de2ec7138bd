"""Shared test fixtures: the base model is loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.nlp.model import load_base_model

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def base_nlp():
    """The plain base spaCy model (no wirewatch components). Do not add pipes to it."""
    return load_base_model()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests needing it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
