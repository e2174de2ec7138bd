"""Flatten one contract document record into table rows.

All validation happens here, in Python, before anything touches the database, so a
malformed record becomes an ``ingest_errors`` row instead of aborting its batch. Values are
made to fit the columns of both engines: counts and offsets outside PostgreSQL's 32-bit
``integer`` become null (the record's JSON keeps what the extractor said), codes longer
than their column are dropped, and unstorable characters are replaced (``storable``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from wirewatch.contract.limits import limit_field
from wirewatch.store.storable import TooDeep, needs_cleaning, storable

#: The range of an ``integer`` column on PostgreSQL (SQLite's is wider).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


class RecordError(ValueError):
    """The record cannot be stored as a document (failed extraction or malformed)."""


@dataclass
class DocumentRows:
    """Rows for one document; child rows lack ``document_id`` until the document is inserted."""

    document: dict[str, Any]
    entities: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)


def _str(value: Any, max_len: int | None = None) -> str | None:
    """A non-empty string; one longer than its column (``max_len``: codes) counts as absent."""
    if not isinstance(value, str) or value == "":
        return None
    return value if max_len is None or len(value) <= max_len else None


def _int(value: Any) -> int | None:
    """Counts and ids: accept ints (and integral floats) that fit an ``integer`` column,
    reject bools and junk."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int) and INT_MIN <= value <= INT_MAX:
        return value
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        return None
    return number if math.isfinite(number) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(record: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"field {key!r} must be a list")
    return [item for item in value if isinstance(item, dict)]


def _span_text(value: Any) -> str | None:
    return _str(_dict(value).get("text"))


def parse_date(value: Any) -> dt.date | None:
    """``YYYY-MM-DD`` (or an ISO datetime, whose date part is used) -> date; else None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _time_value(value: Any) -> str | None:
    """Keep only the contract's ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` forms."""
    value = _str(value, 10)
    if value is None or len(value) not in (4, 7, 10):
        return None
    return value


def text_sha256(text: str) -> str:
    """The document's identity: SHA-256 of its UTF-8 text (as ``pipeline.record`` computes
    it; a lone surrogate is hashed as its code point rather than failing)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def storable_record(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` itself when every value is storable, else a cleaned copy (``storable``)."""
    try:
        return storable(record) if needs_cleaning(record) else record
    except TooDeep as err:
        raise RecordError(f"record is {err}") from err


def _limited(field: str, value: str | None) -> str | None:
    """``value`` within the contract's field limits (records written by other tools reach
    the store without passing the readers)."""
    return None if value is None else limit_field(field, value)[0]


def document_rows(record: Any, now: dt.datetime) -> DocumentRows:
    """Build the rows for ``record``; raise ``RecordError`` for failed or malformed ones."""
    if not isinstance(record, dict):
        raise RecordError(f"record is a {type(record).__name__}, not an object")
    original_text = record.get("text")
    record = storable_record(record)
    if record.get("error"):
        raise RecordError(str(record["error"]))
    doc_id = record.get("id")
    if doc_id is None or doc_id == "":
        raise RecordError("record has no id")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise RecordError("field 'text' must be a string")
    sha = record.get("text_sha256")
    if sha is None or sha == "":
        if text is None:
            raise RecordError("record has neither text_sha256 nor text")
        sha = text_sha256(original_text)  # of the text as given, before any replacement
    elif not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise RecordError("field 'text_sha256' is not a SHA-256 hex digest")
    stored = {key: value for key, value in record.items() if key != "text"}
    rows = DocumentRows(
        document={
            "doc_id": _limited("id", str(doc_id)),
            "text_sha256": sha.lower(),
            "title": _limited("title", _str(record.get("title"))),
            "url": _limited("url", _str(record.get("url"))),
            "outlet": _limited("outlet", _str(record.get("outlet"))),
            "published": parse_date(record.get("published")),
            "language": _limited("language", _str(record.get("language"))),
            "text": text,
            "record_json": stored,
            "ingested_at": now,
        }
    )
    for ent in _dicts(record, "entities"):
        rows.entities.append(
            {
                "entity_id": str(ent.get("id", "")),
                "name": _str(ent.get("name")),
                "type": _str(ent.get("type")),
                "kind": _str(ent.get("kind")),
                "country": _str(ent.get("country"), 2),
                "parent": _str(ent.get("parent")),
                "entity_json": ent,
            }
        )
    for number, ev in enumerate(_dicts(record, "events"), start=1):
        rows.events.append(event_row(ev, number))
    for quote in _dicts(record, "quotes"):
        rows.quotes.append(
            {
                "quote_id": str(quote.get("id", "")),
                "text": _span_text(quote.get("span")),
                "direct": quote.get("direct") if isinstance(quote.get("direct"), bool) else None,
                "speaker": _str(quote.get("speaker")),
                "speaker_text": _span_text(quote.get("speaker_span")),
                "cue": _str(quote.get("cue")),
                "quote_json": quote,
            }
        )
    for claim in _dicts(record, "claims"):
        rows.claims.append(
            {
                "claim_id": str(claim.get("id", "")),
                "text": _span_text(claim.get("span")),
                "source": _str(claim.get("source")),
                "source_entity": _str(claim.get("source_entity")),
                "cue": _str(claim.get("cue")),
                "status": _str(claim.get("status")),
                "claim_json": claim,
            }
        )
    for loc in _dicts(record, "locations"):
        span = _dict(loc.get("span"))
        rows.locations.append(
            {
                "name": _str(loc.get("name")),
                "mention": _str(span.get("text")),
                "span_start": _int(span.get("start")),
                "span_end": _int(span.get("end")),
                "geonameid": _int(loc.get("geonameid")),
                "feature": _str(loc.get("feature")),
                "country_code": _str(loc.get("country_code"), 2),
                "admin1": _str(loc.get("admin1")),
                "lat": _float(loc.get("lat")),
                "lon": _float(loc.get("lon")),
                "precision": _str(loc.get("precision")),
                "location_json": loc,
            }
        )
    return rows


def event_row(ev: dict[str, Any], number: int) -> dict[str, Any]:
    """One contract Event -> an ``events`` row (``number`` names events that lack an id)."""
    event_type = _str(ev.get("type"))
    if event_type is None:
        raise RecordError(f"event {ev.get('id', number)!r} has no type")
    time = _dict(ev.get("time"))
    loc = _dict(ev.get("location"))
    cas = _dict(ev.get("casualties"))
    return {
        "event_id": str(ev.get("id") or f"v{number}"),
        "type": event_type,
        "mode": _str(ev.get("mode")),
        "factuality": _str(ev.get("factuality")),
        "status": _str(ev.get("status")),
        "time_value": _time_value(time.get("value")),
        # a time taken from the report's date (no words of its own) is stored as precision
        # "report": shown as the incident's date when nothing better, never merge evidence
        "time_precision": "report" if time.get("basis") == "report"
        else _str(time.get("precision"), 8),
        "location_name": _str(loc.get("name")),
        "location_precision": _str(loc.get("precision")),
        "lat": _float(loc.get("lat")),
        "lon": _float(loc.get("lon")),
        "country_code": _str(loc.get("country_code"), 2),
        "admin1": _str(loc.get("admin1")),
        "killed": _int(cas.get("killed")),
        "injured": _int(cas.get("injured")),
        "kidnapped": _int(cas.get("kidnapped")),
        "arrested": _int(cas.get("arrested")),
        "trigger_text": _span_text(ev.get("trigger")),
        "trigger_start": _int(_dict(ev.get("trigger")).get("start")),
        "trigger_end": _int(_dict(ev.get("trigger")).get("end")),
        "evidence_text": _span_text(ev.get("evidence")),
        "evidence_start": _int(_dict(ev.get("evidence")).get("start")),
        "evidence_end": _int(_dict(ev.get("evidence")).get("end")),
        "confidence": _float(ev.get("confidence")),
        "event_json": ev,
    }
