"""The public API: reading documents, extracting records; callers above it go through it
(the import layering as a whole is checked in test_layout.py)."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest

import wirewatch
from wirewatch import api
from wirewatch.ingest.readers import iter_documents

PACKAGE = Path(wirewatch.__file__).resolve().parent


def test_read_documents_rejects_a_bad_published_date_at_once():
    with pytest.raises(ValueError, match="ISO 8601"):
        api.read_documents(["-"], published="last Tuesday")


def test_read_documents_fills_defaults_in_input_order():
    stdin = io.StringIO('{"id": "a", "text": "Police arrested two men."}\n'
                        '{"id": "b", "text": "Gunmen shot a guard.", "published": "2024-05-02"}\n')
    docs = list(api.read_documents(["-"], published="2024-05-01T09:00:00", outlet="Wire",
                                   stdin=stdin))
    assert [(d.id, d.published, d.outlet) for d in docs] == [
        ("a", "2024-05-01", "Wire"), ("b", "2024-05-02", "Wire")]


def test_rows_in_memory_read_as_jsonl_lines_do(tmp_path: Path):
    rows = [{"id": "a", "text": "Police arrested two men in Kano.", "published": "2024-05-01",
             "title": " Arrests ", "url": None},
            {"id": "b", "text": "   "},
            {"id": "c", "html": "<p>Gunmen shot a guard in Lagos on Monday, police said.</p>"},
            {"id": "d"},
            ["not", "an", "object"]]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")

    def fields(docs):
        return [(d.id, d.text, d.title, d.published, d.language, d.error is None) for d in docs]

    assert fields(api.documents_from_rows(rows, source=str(path))) == fields(
        iter_documents([str(path)]))
    errors = [d.error for d in api.documents_from_rows(rows)]
    assert errors[1] == "empty text" and "record 4" in errors[3] and "record 5" in errors[4]


def test_extract_records_reports_every_record_in_order(wirewatch_nlp):
    docs = [api.Document(id="x", text="Gunmen killed two police officers in Kano on Monday."),
            api.Document(id="y", error="file not found: y"),
            api.Document(id="z", text="Police arrested four protesters in Dhaka.")]
    seen: list[str] = []
    records = list(api.extract_records(docs, include_text=True,
                                       progress=lambda r: seen.append(r["id"])))
    assert [r["id"] for r in records] == seen == ["x", "y", "z"]
    assert records[0]["events"] and records[0]["text"].startswith("Gunmen")
    assert records[1] == {"id": "y", "error": "file not found: y"}


def test_extract_docs_gives_the_spacy_docs(wirewatch_nlp):
    [(document, doc)] = list(api.extract_docs([api.Document(id="x", text="Shots in Kano.")]))
    assert document.id == "x" and doc is not None and doc.text.startswith("Shots")


def test_top_level_names_come_from_the_api():
    assert wirewatch.extract_records is api.extract_records
    assert wirewatch.read_documents is api.read_documents
    with pytest.raises(AttributeError):
        wirewatch.no_such_name  # noqa: B018


def _imports(path: Path) -> set[str]:
    """Modules a source file imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_api_and_pipeline_run_the_pipeline():
    """Callers above the API (store, export, eval, train, cli) reach the pipeline through it."""
    offenders = []
    for layer in ("store", "export", "eval", "train", "cli"):
        for path in (PACKAGE / layer).rglob("*.py"):
            used = {n for n in _imports(path)
                    if n.startswith(("wirewatch.pipeline", "wirewatch.ingest.readers"))}
            if used:
                offenders.append((path.name, sorted(used)))
    assert offenders == []
