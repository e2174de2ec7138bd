"""The unit that ingest hands to the pipeline: one input document, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Document:
    """One input document with its metadata.

    ``error`` set means the document failed (the pipeline emits an error record and goes on);
    ``note`` carries non-fatal remarks (e.g. a non-English language, an unparseable date).
    """

    id: str
    text: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # 'YYYY-MM-DD'
    language: str | None = None
    error: str | None = None  # set => the document failed, with a clear message
    note: str | None = None  # non-fatal note
    source: str | None = None  # where it came from: path, 'path:line', '<stdin>:line'
    from_html: bool = False  # text was extracted from HTML: the record then carries "text"
    #: Where the outlet's earlier reports were placed ([{"country_code", "admin1", "count"}],
    #: from the store: ``wirewatch.store.outlet_places``); a prior for the places component.
    outlet_places: list[dict[str, Any]] | None = None

    @property
    def ok(self) -> bool:
        """True when the document can go through the NLP pipeline."""
        return self.error is None

    def add_note(self, message: str) -> None:
        """Append a non-fatal note; several notes are joined with '; '."""
        self.note = message if not self.note else f"{self.note}; {message}"
