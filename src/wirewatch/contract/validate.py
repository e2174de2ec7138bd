"""The published output contract: its JSON Schema and a validator for records."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

CONTRACT_VERSION = "1"


@cache
def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one `wirewatch extract` output line."""
    text = resources.files("wirewatch.contract").joinpath("record.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    # Imported here: every stage imports the contract for its vocabulary, only a validating
    # caller needs jsonschema (a tenth of a second to import).
    from jsonschema import Draft202012Validator

    return Draft202012Validator(record_schema())


def validation_errors(record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of ``record`` (empty when valid)."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}"
        for err in _validator().iter_errors(record)
    ]


def span_errors(record: dict[str, Any], text: str) -> list[str]:
    """Spans whose ``text`` is not ``text[start:end]`` (the evidence-first guarantee)."""
    problems: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if set(node) >= {"start", "end", "text"} and isinstance(node.get("start"), int):
                if text[node["start"] : node["end"]] != node["text"]:
                    problems.append(f"{path}: {node['text']!r} != text[{node['start']}:{node['end']}]")
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    walk(record, "")
    return problems
