"""The contract's limits: what a record may hold, whatever the article said.

Article text is hostile. A record leaves the pipeline only when every value in it can be
serialised as UTF-8 JSON, stored in SQLite and PostgreSQL, and used in date arithmetic:

- strings: a lone surrogate ("\\ud800", legal in a Python str and in JSON escapes, but not
  encodable as UTF-8) and NUL (which PostgreSQL text refuses) become U+FFFD, one character
  for one, so character offsets stay valid;
- counts (casualties): a figure above :data:`MAX_COUNT` is not a count any report can mean
  (the deadliest events on record are well below it); it becomes null and a note keeps the
  text the figure came from;
- other integers outside a signed 64-bit column and floats that JSON cannot write (NaN,
  infinity) become null with a note;
- dates: a value that is not a real calendar date in the years 0001..9999 is refused
  (null) with a note;
- a document's identifying fields have one set of lengths (:data:`FIELD_LIMITS`), applied
  alike by the CLI, the API, the store and the exports (:func:`limit_field`): a longer id is
  shortened with a hash that keeps it unique, a longer title or outlet is cut, a longer URL
  or language tag is dropped, each with a note; no CSV cell exceeds a spreadsheet's
  32,767 characters (:func:`limit_cell`).

Pure functions over plain dicts; nothing here imports the rest of wirewatch.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import date
from typing import Any

#: The largest casualty figure kept as a number (ten million): beyond any plausible count.
MAX_COUNT = 10_000_000
#: A digit string longer than this is read as :data:`IMPLAUSIBLE_COUNT` rather than converted
#: (Python refuses to convert integers of more than 4,300 digits).
MAX_COUNT_DIGITS = 18
#: The value a reader gives a figure too long to convert; over :data:`MAX_COUNT`, so refused.
IMPLAUSIBLE_COUNT = 10**MAX_COUNT_DIGITS
#: The count fields of an event's ``casualties``.
COUNT_FIELDS = ("killed", "injured", "kidnapped", "arrested")
#: Integers a store column can hold (signed 64 bits).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: How much of an offending value a note quotes.
_QUOTE_CHARS = 80

#: The longest id kept as it is (long enough for any URL used as an id).
MAX_ID_CHARS = 8_192
#: The longest URL kept (longer ones are dropped: a cut URL would lead elsewhere).
MAX_URL_CHARS = 8_192
#: The longest title kept whole.
MAX_TITLE_CHARS = 2_000
#: The longest outlet name kept whole.
MAX_OUTLET_CHARS = 300
#: The longest language tag kept (the store's column; tags in use are far shorter).
MAX_LANGUAGE_CHARS = 16
#: One set of limits for a document's identifying fields, whoever reads them.
FIELD_LIMITS = {"id": MAX_ID_CHARS, "url": MAX_URL_CHARS, "title": MAX_TITLE_CHARS,
                "outlet": MAX_OUTLET_CHARS, "language": MAX_LANGUAGE_CHARS}
#: The most characters a spreadsheet cell holds (Excel's limit; Python's csv refuses more
#: by default too).
MAX_CELL_CHARS = 32_767

#: Characters no UTF-8 JSON line or PostgreSQL text can carry.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: A run of 19 or more digits: possibly an integer beyond 64 bits.
_LONG_DIGITS = re.compile(r"\d{19,}")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
REPLACEMENT = "\ufffd"


def clean_string(value: str) -> tuple[str, int]:
    """``value`` with lone surrogates and NUL replaced by U+FFFD, and how many were replaced.

    The length is unchanged, so offsets into a cleaned text still point at the same words.
    """
    if value.isascii() and "\x00" not in value:
        return value, 0
    cleaned, count = _UNSTORABLE.subn(REPLACEMENT, value)
    return cleaned, count


def limit_field(field: str, value: str) -> tuple[str | None, str | None]:
    """(value, note): ``value`` within :data:`FIELD_LIMITS` for ``field``, and what was done
    to it (None when nothing). An id is cut and given 16 hex digits of its SHA-256, so two
    long ids stay two; a URL or language tag is dropped; a title or outlet is cut."""
    limit = FIELD_LIMITS.get(field)
    if limit is None or len(value) <= limit:
        return value, None
    if field == "id":
        digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:16]
        return (value[:limit - 17] + "~" + digest,
                f"id of {len(value):,} characters shortened to {limit:,} (a hash of the "
                "whole id keeps it unique)")
    if field in ("url", "language"):
        return None, f"{field} of {len(value):,} characters dropped (limit {limit:,})"
    return (value[:limit - 1] + "\u2026",
            f"{field} of {len(value):,} characters cut to {limit:,}")


def limit_cell(value: str) -> str:
    """``value`` cut to :data:`MAX_CELL_CHARS` (ending in an ellipsis) when longer."""
    if len(value) <= MAX_CELL_CHARS:
        return value
    return value[:MAX_CELL_CHARS - 1] + "\u2026"


def is_calendar_date(value: object) -> bool:
    """True for 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' naming a real date in years 0001..9999."""
    if not isinstance(value, str):
        return False
    m = _DATE.match(value)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_plausible_count(value: int) -> bool:
    """Whether a casualty figure can be a real count: 0..:data:`MAX_COUNT`."""
    return 0 <= value <= MAX_COUNT


def quote(value: str) -> str:
    """A short, repr-quoted excerpt of ``value`` for a note."""
    if len(value) > _QUOTE_CHARS:
        value = value[:_QUOTE_CHARS] + "…"
    return repr(value)


def count_value(digits: str) -> int:
    """The value of a digit string read as a count; one too long to convert (Python refuses
    integers of more than 4,300 digits) is :data:`IMPLAUSIBLE_COUNT`, which the boundary
    then refuses like any other figure beyond :data:`MAX_COUNT`."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_COUNT_DIGITS else IMPLAUSIBLE_COUNT


def _describe_int(value: int) -> str:
    """An integer for a note: its digits, shortened when long (and never converted when
    beyond Python's 4,300-digit limit for int-to-text)."""
    if value.bit_length() > 14_000:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    digits = str(value)
    return digits if len(digits) <= 24 else f"{digits[:12]}… ({len(digits)} digits)"


class _Cleaner:
    """One walk over a record: cleans every string and number, collects notes."""

    def __init__(self) -> None:
        self.replaced = 0
        self.notes: list[str] = []

    def value(self, node: Any, path: str) -> Any:
        """``node`` unchanged if it is fine, else a cleaned copy (never mutates)."""
        if isinstance(node, str):
            cleaned, count = clean_string(node)
            self.replaced += count
            return cleaned
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, int):
            if INT_MIN <= node <= INT_MAX:
                return node
            self.notes.append(f"{path}: {_describe_int(node)} is too large to store: set to null")
            return None
        if isinstance(node, float):
            if math.isfinite(node):
                return node
            self.notes.append(f"{path}: {node} is not a number JSON can carry: set to null")
            return None
        if isinstance(node, dict):
            out = {self.value(k, path) if isinstance(k, str) else str(k): self.value(v, f"{path}/{k}")
                   for k, v in node.items()}
            return node if _same(out, node) else out
        if isinstance(node, list | tuple):
            items = [self.value(v, f"{path}/{i}") for i, v in enumerate(node)]
            return node if isinstance(node, list) and _same_items(items, node) else items
        self.notes.append(f"{path}: a {type(node).__name__} value is not JSON: set to null")
        return None


def _same(new: dict[str, Any], old: dict[Any, Any]) -> bool:
    if len(new) != len(old):
        return False
    return all(k in old and old[k] is v for k, v in new.items())


def _same_items(new: list[Any], old: list[Any]) -> bool:
    return all(a is b for a, b in zip(new, old, strict=True))


def _check_counts(record: dict[str, Any], notes: list[str]) -> None:
    """Casualty figures beyond :data:`MAX_COUNT` (or negative) -> null, with the text in a note."""
    events = record.get("events")
    if not isinstance(events, list):
        return
    for n, event in enumerate(events):
        casualties = event.get("casualties") if isinstance(event, dict) else None
        if not isinstance(casualties, dict):
            continue
        bad = [f for f in COUNT_FIELDS if isinstance(casualties.get(f), int)
               and not isinstance(casualties.get(f), bool)
               and not is_plausible_count(casualties[f])]
        if not bad:
            continue
        spans = casualties.get("spans") or []
        said = "; ".join(quote(s["text"]) for s in spans
                         if isinstance(s, dict) and isinstance(s.get("text"), str))
        for field in bad:
            figure = _describe_int(casualties[field])
            notes.append(
                f"event {event.get('id', n)}: {field} figure {figure} is beyond any plausible "
                f"count (0 to {MAX_COUNT:,}): set to null"
                + (f"; the report says {said}" if said else ""))
        events[n] = {**event, "casualties": {**casualties, **dict.fromkeys(bad)}}


def _check_dates(record: dict[str, Any], notes: list[str]) -> None:
    """Dates that are not real calendar dates in 0001..9999 -> null, with a note."""

    def refuse(holder: dict[str, Any], key: str, what: str) -> dict[str, Any]:
        value = holder.get(key)
        if value is None or is_calendar_date(value):
            return holder
        shown = quote(value) if isinstance(value, str) else repr(type(value).__name__)
        notes.append(f"{what} {shown} refused: not a calendar date in the years 0001 to 9999")
        return {**holder, key: None}

    refused = refuse(record, "published", "published date")
    if refused is not record:
        record["published"] = None
    times = record.get("times")
    if isinstance(times, list):
        for n, item in enumerate(times):
            if isinstance(item, dict):
                for key in ("value", "end"):
                    item = refuse(item, key, f"time {n + 1} {key}")
                times[n] = item
    events = record.get("events")
    if isinstance(events, list):
        for n, event in enumerate(events):
            if isinstance(event, dict) and isinstance(event.get("time"), dict):
                time = event["time"]
                for key in ("value", "end"):
                    time = refuse(time, key, f"event {event.get('id', n)} time {key}")
                if time is not event["time"]:
                    events[n] = {**event, "time": time}


def enforce_limits(record: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``record`` within the contract's limits, and a note per value that was changed.

    The input is not mutated: changed parts are copied. Strings are cleaned everywhere
    (including ids and evidence text); counts, 64-bit integers, floats and dates as above.
    """
    notes: list[str] = []
    out = dict(record)
    for key in ("events", "times"):
        if isinstance(out.get(key), list):
            out[key] = list(out[key])
    _check_counts(out, notes)
    _check_dates(out, notes)
    if not _needs_walk(out):
        return out, [clean_string(note)[0] for note in notes]
    cleaner = _Cleaner()
    out = cleaner.value(out, "")
    notes.extend(cleaner.notes)
    if cleaner.replaced:
        notes.insert(0, f"{cleaner.replaced} character(s) that cannot be stored (lone "
                        "surrogates or NUL) replaced with U+FFFD")
    return out, [clean_string(note)[0] for note in notes]


def _needs_walk(record: dict[str, Any]) -> bool:
    """Whether any value may break the limits: one C-speed serialisation answers for almost
    every record (a long digit run inside a string only costs the full walk)."""
    try:
        dumped = json.dumps(record, ensure_ascii=False, allow_nan=False)
        dumped.encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return True
    return "\\u0000" in dumped or _LONG_DIGITS.search(dumped) is not None
