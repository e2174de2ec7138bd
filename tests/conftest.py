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


@pytest.fixture(scope="session")
def wirewatch_nlp():
    """The full wirewatch pipeline (built once per test session)."""
    from wirewatch.api import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def analyse_rules():
    """analyse(...) on the rules alone (no learned event filter): for tests of what the rules
    decide about a candidate (status, factuality) in one context-free sentence."""
    from wirewatch.api import Document, extract_docs
    from wirewatch.contract import validation_errors
    from wirewatch.pipeline.record import to_record

    def run(text: str, published: str | None = None) -> dict:
        document = Document(id="t", text=text, published=published)
        [(document, doc)] = list(extract_docs([document], event_filter=False))
        record = to_record(document, doc)
        assert validation_errors(record) == []
        return record

    return run


@pytest.fixture(scope="session")
def analyse(wirewatch_nlp):
    """analyse(text, published=None) -> the contract record of one constructed document."""
    from wirewatch.api import Document, extract_records
    from wirewatch.contract import span_errors, validation_errors

    def run(text: str, published: str | None = None, outlet: str | None = None) -> dict:
        document = Document(id="t", text=text, published=published, outlet=outlet)
        [record] = list(extract_records([document]))
        # every record a test produces must honour the published contract
        assert validation_errors(record) == []
        assert span_errors(record, text) == []
        return record

    return run
