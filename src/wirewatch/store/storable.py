"""Make a record's values storable in every supported database without losing the document.

Article text is hostile, and a record carries pieces of it everywhere (title, spans, names).
Some values no database driver accepts: a lone surrogate (U+D800..U+DFFF) has no UTF-8
encoding, PostgreSQL text cannot hold a NUL, and NaN or an infinity is not JSON (PostgreSQL's
``json`` type refuses it). Rather than lose the document, such characters become U+FFFD (one
character for one, so character offsets into the text still hold) and such floats null.

Checking costs one ``json.dumps`` of the record; only a record that fails it is rebuilt.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: What a lone surrogate or a NUL becomes: the Unicode replacement character.
REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class TooDeep(ValueError):
    """The value is nested too deeply to serialise."""


def needs_cleaning(value: Any) -> bool:
    """True when ``value`` holds something a database would refuse (see the module doc)."""
    try:
        dumped = json.dumps(value, ensure_ascii=False, allow_nan=False)
        dumped.encode("utf-8")
    except RecursionError as err:
        raise TooDeep("nested too deeply to store") from err
    except (ValueError, TypeError):  # UnicodeEncodeError is a ValueError
        return True
    return "\\u0000" in dumped


def storable(value: Any) -> Any:
    """A copy of ``value`` (JSON-like) with unstorable characters and numbers replaced."""
    try:
        return _clean(value)
    except RecursionError as err:
        raise TooDeep("nested too deeply to store") from err


def storable_text(value: str) -> str:
    """``value`` with lone surrogates and NULs replaced (same length)."""
    return _UNSTORABLE.sub(REPLACEMENT, value)


def _clean(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, int):
        try:
            str(value)  # a number of more than 4,300 digits cannot even be written out
        except ValueError:
            return None
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {storable_text(str(key)): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return storable_text(str(value))
