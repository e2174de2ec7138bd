"""wirewatch: news reports in, sourced and geocoded political-violence events out.

The public API lives in ``wirewatch.api``; its main names are available here too, imported on
first use so that ``import wirewatch`` stays cheap::

    import wirewatch

    records = wirewatch.extract_records(wirewatch.read_documents(["report.txt"]))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

#: Names re-exported from ``wirewatch.api`` (loaded lazily by ``__getattr__``).
_API = ("read_documents", "documents_from_rows", "extract_records", "extract_docs",
        "load_pipeline", "geocode_spans", "Document")

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        from wirewatch import api

        return getattr(api, name)
    raise AttributeError(f"module 'wirewatch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
