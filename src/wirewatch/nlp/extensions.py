"""Doc extension attributes shared by wirewatch's spaCy components.

Every component reads and writes plain contract-shaped dicts on these attributes, so a
user's own pipeline can consume them without importing wirewatch classes. Defaults are
``None`` (never a shared mutable list); use :func:`get_list` to read them.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

#: name -> meaning; all default to None.
DOC_ATTRS: dict[str, str] = {
    "ww_text": "the caller's original text when the pipeline ran on a case-normalised copy",
    "ww_published": "publication date 'YYYY-MM-DD' or None",
    "ww_outlet": "publishing outlet name or None",
    "ww_title": "document title or None",
    "ww_entities": "list of contract Entity dicts",
    "ww_token_entity": "dict token index -> entity id, for every token of every mention",
    "ww_locations": "list of contract Location dicts (each with its span)",
    "ww_times": "list of contract Time dicts",
    "ww_quotes": "list of contract Quote dicts",
    "ww_claims": "list of contract Claim dicts",
    "ww_quote_via": "dict quote id -> the quote's attribution chain (sources reporting it)",
    "ww_events": "list of contract Event dicts",
    "ww_encodings": "dict (start_char, end_char) -> shared encoder Window: one trunk pass per "
                    "sentence window, read by every head (nlp/shared_encoder.py)",
}


def register_extensions() -> None:
    """Register the ``doc._.ww_*`` attributes once per process (idempotent)."""
    for name in DOC_ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def get_list(doc: Doc, name: str) -> list[Any]:
    """Return ``doc._.<name>`` as a list (empty when the component has not run)."""
    value = getattr(doc._, name)
    return value if value is not None else []


register_extensions()
