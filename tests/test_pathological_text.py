"""Texts that cost spaCy quadratic time or gigabytes (issue 24), and the one set of field
limits shared by the CLI, the API, the store and the exports."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.api import Document, extract_records, load_pipeline
from wirewatch.cli import app
from wirewatch.contract.limits import (
    MAX_CELL_CHARS,
    MAX_ID_CHARS,
    MAX_OUTLET_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    limit_field,
)
from wirewatch.nlp.long_runs import CUT_CHARS, RUN_CHARS, make_doc, stretches
from wirewatch.pipeline import isolate

PATHOLOGICAL = {
    "emoji": "\U0001F600" * 30_000,
    "bangs": "Attack in Kano! " + "!" * 40_000 + " end",
    "brackets": "((" * 15_000 + "x",
    "mixed": ("Gunmen attacked Gao. " + "\U0001F4A5?" * 3_000 + "\n") * 5,
}


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_long_runs_tokenize_in_bounded_time_with_the_text_unchanged(nlp, name):
    """30,000 emoji without a space took 95 s in spaCy's tokenizer (quadratic)."""
    text = PATHOLOGICAL[name]
    start = time.perf_counter()
    doc = make_doc(nlp, text)
    took = time.perf_counter() - start
    assert doc.text == text  # character offsets hold
    assert took < 5, took
    assert "".join(stretches(text)) == text


def test_the_cost_grows_linearly_with_the_run(nlp):
    def timed(n: int) -> float:
        start = time.perf_counter()
        make_doc(nlp, "\U0001F600" * n)
        return time.perf_counter() - start

    timed(1000)
    small, large = min(timed(10_000) for _ in range(2)), min(timed(40_000) for _ in range(2))
    assert large < 10 * small + 0.5, (small, large)  # quadratic would be 16x


def test_ordinary_text_is_tokenized_as_before(nlp):
    text = ("Gunmen killed two police officers at a checkpoint in Kano on Monday, police "
            "said. See https://example.org/" + "a" * 150 + " for more.\n\nThe army said.")
    ours, spacys = make_doc(nlp, text), nlp.make_doc(text)
    assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in spacys]
    long = "x" * (RUN_CHARS + 1)
    assert [len(s) for s in stretches(f"a {long} b")] == [2, CUT_CHARS, CUT_CHARS, 2, 1]


def test_a_dense_text_is_parsed_in_pieces_with_offsets_across_them(nlp, monkeypatch):
    """'A. ' x 100,000 (300 KB, 200,000 tokens) held 1.9 GB in one pass of the base model;
    a text of more than LONG_TOKENS tokens now goes through it in pieces."""
    import wirewatch.pipeline as pipeline

    monkeypatch.setattr(pipeline, "LONG_TOKENS", 300)
    monkeypatch.setattr(isolate, "PIECE_TOKENS", 120)
    text = ("A. " * 150 + "Gunmen killed two police officers in Kano on Monday, police said. "
            + "B. " * 150)
    pieces: list[int] = []
    original = isolate.run_steps

    def counting(nlp_, doc, names=None):
        if names is not None and "tok2vec" in names:
            pieces.append(len(doc))
        return original(nlp_, doc, names)

    monkeypatch.setattr(isolate, "run_steps", counting)
    [record] = extract_records([Document(id="dense", text=text)])
    assert "error" not in record, record.get("error")
    assert len(pieces) >= 3 and max(pieces) <= 120 and sum(pieces) > 300
    for event in record["events"]:
        span = event["trigger"]
        assert text[span["start"]:span["end"]] == span["text"]
    assert any(e["location"] and "Kano" in json.dumps(e["location"]) for e in record["events"])


def test_token_pieces_cut_after_line_breaks_or_full_stops(nlp):
    doc = nlp.make_doc("One two three.\nFour five six. Seven eight nine. " * 40)
    parts = isolate.token_pieces(doc, 50)
    assert "".join(p.text for p in parts) == doc.text
    assert all(len(p) <= 50 for p in parts)
    assert all(p[-1].text in (".", "\n") or "\n" in p[-1].text_with_ws for p in parts[:-1])


def test_limit_field_shortens_ids_uniquely_and_cuts_or_drops_the_rest():
    a, note = limit_field("id", "x" * 300_000)
    b, _ = limit_field("id", "x" * 299_999 + "y")
    assert len(a) == len(b) == MAX_ID_CHARS and a != b and "shortened" in note
    assert limit_field("id", "short") == ("short", None)
    title, note = limit_field("title", "t" * 10_000)
    assert len(title) == MAX_TITLE_CHARS and title.endswith("\u2026") and note
    assert limit_field("url", "https://x.test/" + "a" * MAX_URL_CHARS)[0] is None
    assert len(limit_field("outlet", "o" * 1_000_000)[0]) == MAX_OUTLET_CHARS


def test_the_cli_store_and_exports_apply_the_same_limits(tmp_path: Path):
    """1,000,000-character outlets and 300,000-character ids were written whole into single
    CSV cells (a spreadsheet holds 32,767; Python's csv reader refuses them)."""
    rows = [{"id": "i" * 300_000, "outlet": "=" + "o" * 1_000_000, "title": "T" * 50_000,
             "url": "https://x.test/" + "u" * 20_000,
             "text": "Gunmen killed two police officers at a checkpoint in Kano on Monday, "
                     "police spokesman Abdullahi Haruna said."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "w.db"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(src), "--db", str(db), "--quiet",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    from wirewatch.store import open_store

    with open_store(str(db)) as store:
        [hit] = store.search("Kano", raw=True)
        assert len(hit["doc_id"]) == MAX_ID_CHARS
        assert len(hit["outlet"]) == MAX_OUTLET_CHARS and len(hit["title"]) == MAX_TITLE_CHARS
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "acled-csv",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert cells and max(len(c) for c in cells) <= MAX_CELL_CHARS
    assert not any(c.startswith("=") for c in cells)
