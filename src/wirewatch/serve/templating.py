"""The Jinja2 environment of the desk's pages: autoescaping on for every template.

Templates never mark data as safe: no ``|safe`` filter and no ``Markup`` built from data
(``tests/test_serve_xss.py`` checks the rendered pages). Helpers for links build query
strings with ``urlencode`` so values cannot break out of an ``href``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader

from wirewatch.serve.filters import acled_types
from wirewatch.serve.glossary import explain
from wirewatch.serve.security import safe_url
from wirewatch.store.render import format_place, format_range

TEMPLATES = Path(__file__).with_name("templates")


def with_params(path: str, params: dict[str, Any] | None = None, **changes: Any) -> str:
    """``path`` with the query ``params`` updated by ``changes`` (None or "" drops a key)."""
    merged = {**(params or {}), **changes}
    kept = {k: v for k, v in merged.items() if v is not None and v != ""}
    return f"{path}?{urlencode(kept)}" if kept else path


_LINE_BREAKS = re.compile(r"[ \t]*(?:\r?\n)+[ \t]*")


def paragraphs(text: str | None) -> str:
    """Article text with every line break shown as a paragraph break (a blank line under the
    page's pre-wrap): extracted HTML articles keep one newline per paragraph, which would
    otherwise read as a wrapped line. Display only: offsets of highlights are unchanged."""
    return _LINE_BREAKS.sub("\n\n", text or "")


def build_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["figure"] = format_range
    env.filters["place"] = format_place
    env.filters["paragraphs"] = paragraphs
    env.globals["with_params"] = with_params
    env.globals["explain"] = explain()  # tooltips: the help page's words
    env.globals["acled_type_names"] = acled_types()
    return env
