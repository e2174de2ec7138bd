"""Raw file bytes -> text, or the reason they are not text.

UTF-8 (with or without BOM) is the norm; a file that starts with a UTF-32 or UTF-16 byte-order
mark is read in that encoding (UTF-32 is tested first: its little-endian mark begins with
UTF-16's); a non-UTF-8 file that still looks like text (no NULs, few control bytes) is read as
Windows-1252 with a note; anything else is binary.
"""

from __future__ import annotations

import codecs

BINARY_ERROR = "binary or non-UTF-8 file"
#: Byte-order marks of the wide encodings, longest first, with the codec that reads them.
WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Deletion tables for counting control bytes (other than text whitespace) and high bytes.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F) or b in b"\t\n\r\f\v\x1b")
_NOT_HIGH = bytes(range(0x80))


def wide_encoding(data: bytes) -> str | None:
    """'utf-32' or 'utf-16' when ``data`` starts with that encoding's byte-order mark."""
    for bom, codec in WIDE_BOMS:
        if data.startswith(bom):
            return codec
    return None


def decode(data: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, error, note) for raw file bytes."""
    codec = wide_encoding(data)
    if codec:
        try:
            return data.decode(codec), None, None
        except UnicodeDecodeError:
            error = (f"{BINARY_ERROR} (starts with a {codec.upper()} byte-order mark but is "
                     f"not valid {codec.upper()})")
            return None, error, None
    if b"\x00" in data:
        return None, BINARY_ERROR, None
    try:
        return data.decode("utf-8-sig"), None, None
    except UnicodeDecodeError:
        pass
    if not looks_like_text(data):
        return None, BINARY_ERROR, None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, BINARY_ERROR, None
    return text, None, "file is not valid UTF-8; decoded as Windows-1252"


def looks_like_text(data: bytes) -> bool:
    """Few control bytes and a minority of high bytes: legacy-encoded text, not binary."""
    if not data:
        return True
    controls = len(data.translate(None, _NOT_CONTROL))
    high = len(data.translate(None, _NOT_HIGH))
    return controls / len(data) < 0.01 and high / len(data) < 0.3
