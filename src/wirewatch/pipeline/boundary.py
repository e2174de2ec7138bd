"""The contract boundary: what enters the pipeline and what leaves it as a record.

Documents can reach the pipeline without passing the readers (``wirewatch.api`` callers build
them by hand), so ``admit`` repeats the cheap checks that make a document safe to process:
string fields hold strings, characters no output can carry are replaced, ``published`` is a
real date. ``finish`` puts every record, from ``extract`` and ``ingest`` alike, within the
contract's limits (``wirewatch.contract.limits``) and says in its note what was changed, so a
record always serialises as UTF-8 JSON and stores in any database.
"""

from __future__ import annotations

from typing import Any

from wirewatch.contract.limits import enforce_limits, is_calendar_date, quote
from wirewatch.ingest.checks import clean_document, json_type
from wirewatch.ingest.document import Document

#: Optional metadata fields that must be strings (or None).
_METADATA = ("title", "url", "outlet", "language", "note", "source")


def admit(document: Document, position: int) -> Document:
    """``document`` made safe to process (in place): wrong types noted or failed, strings
    cleaned, an impossible ``published`` refused. ``position`` (1-based) names a document
    that has no usable id."""
    if not isinstance(document.id, str) or not document.id:
        got = json_type(document.id)
        document.id = f"<document {position}>"
        if document.error is None:
            document.error = f"document id must be a non-empty string, got {got}"
    for field in _METADATA:
        value = getattr(document, field)
        if value is not None and not isinstance(value, str):
            setattr(document, field, None)
            if field != "note":
                document.add_note(f"{field} ignored: expected a string, got {json_type(value)}")
    if document.error is not None and not isinstance(document.error, str):
        document.error = "the document failed (its error was not a message)"
    if document.text is not None and not isinstance(document.text, str):
        got = json_type(document.text)
        document.text = None
        if document.error is None:
            document.error = f"text must be a string, got {got}"
    published = document.published
    if published is not None and not (isinstance(published, str) and len(published) == 10
                                      and is_calendar_date(published)):
        document.published = None
        shown = quote(published) if isinstance(published, str) else json_type(published)
        document.add_note(f"published value {shown} ignored: not a YYYY-MM-DD date in the "
                          "years 0001 to 9999")
    return clean_document(document)


def finish(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` within the contract's limits; what was changed is appended to its note
    (error records only have their strings cleaned)."""
    limited, notes = enforce_limits(record)
    if notes and "error" not in limited:
        existing = limited.get("note")
        limited["note"] = "; ".join(([existing] if existing else []) + notes)
    return limited

