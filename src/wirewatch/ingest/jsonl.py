"""JSONL lines -> Documents: one per non-blank line, whatever the line holds.

A line is a document's whole input, so every way it can be bad fails that line alone, with a
message in words: not UTF-8, not JSON, nested deeper than Python's parser can follow, a number
too long to convert, or a line too long for ``--max-chars`` (measured in bytes and refused
before it is decoded or parsed; the rest of such a line is skipped without being held in
memory). A file in UTF-16 or UTF-32 is refused on its first line: JSONL is UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from wirewatch.ingest.checks import HTML_SIZE_FACTOR
from wirewatch.ingest.decode import wide_encoding
from wirewatch.ingest.document import Document
from wirewatch.ingest.fields import record_document

#: Reading unit when skipping the rest of an oversized line.
_CHUNK = 1 << 20
#: Bytes a line may have beyond its HTML allowance (field names, metadata, JSON escapes).
_LINE_SLACK = 1 << 20
#: Lines up to this size are always read, so that a text over a small --max-chars still
#: gets its own id and character count in the error.
_LINE_FLOOR = 64 << 20


class _LongLine:
    """Stands for a line over the byte limit, of which only the size was kept."""

    def __init__(self, size: int) -> None:
        self.size = size


def line_limit(max_chars: int) -> int:
    """Bytes one JSONL line may have: its HTML allowance (x6, the longest JSON escape of one
    character; at least 64 MiB) plus slack for the other fields."""
    return max(max_chars * HTML_SIZE_FACTOR * 6, _LINE_FLOOR) + _LINE_SLACK


def bounded_lines(stream: IO[Any] | Iterable[bytes | str], limit: int
                  ) -> Iterator[bytes | str | _LongLine]:
    """Lines of ``stream``; a line longer than ``limit`` comes back as its size only, read in
    chunks so it is never held whole. Plain iterables (no ``readline``) are passed through."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        for line in stream:
            yield _LongLine(len(line)) if len(line) > limit else line
        return
    while True:
        line = readline(limit + 1)
        if not line:
            return
        newline = b"\n" if isinstance(line, bytes) else "\n"
        if len(line) <= limit or line.endswith(newline):
            yield line
            continue
        size = len(line)
        while True:
            rest = readline(_CHUNK)
            size += len(rest)
            if not rest or rest.endswith(newline):
                break
        yield _LongLine(size)


def iter_jsonl_lines(lines: IO[Any] | Iterable[bytes | str], source: str,
                     max_chars: int) -> Iterator[Document]:
    """One Document per non-blank JSONL line; ids default to 'SOURCE:LINE'."""
    number = 0
    limit = line_limit(max_chars)
    try:
        for number, raw in enumerate(bounded_lines(lines, limit), start=1):
            if number == 1 and isinstance(raw, bytes) and (codec := wide_encoding(raw)):
                yield Document(id=source, source=source,
                               error=f"{source} is encoded as {codec.upper()} (it starts with "
                               "that byte-order mark); JSONL must be UTF-8")
                return
            doc = parse_jsonl_line(raw, source, number, max_chars)
            if doc is not None:
                yield doc
    except (OSError, UnicodeDecodeError) as err:
        where = f"{source}:{number + 1}"
        yield Document(id=where, source=where,
                       error=f"cannot read {source} at line {number + 1}: {err}")


def parse_jsonl_line(raw: bytes | str | _LongLine, source: str, number: int,
                     max_chars: int) -> Document | None:
    """Document for one JSONL line, None for a blank line."""
    where = f"{source}:{number}"

    def failed(message: str) -> Document:
        return Document(id=where, source=where, error=f"line {number}: {message}")

    if isinstance(raw, _LongLine):
        return failed(f"line too large: {raw.size} bytes (limit {line_limit(max_chars)} "
                      "for this --max-chars; raise with --max-chars)")
    if isinstance(raw, bytes):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            return failed("not valid UTF-8")
    else:
        line = raw
    line = line.lstrip("\ufeff")  # a BOM on any line: files concatenated from BOM files
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return failed(f"invalid JSON ({err.msg.removesuffix(' at')} at column {err.colno})")
    except RecursionError:
        return failed("JSON nested too deeply to read")
    except ValueError:  # Python refuses to convert integers of more than 4,300 digits
        return failed("a number in the JSON is too long to read (over 4,300 digits)")
    return record_document(record, where, f"line {number}", max_chars)
