"""Hostile input end to end (issue 10): readers, `extract` and `ingest` never raise, give one
record per input document, and store every good one.

Two sources of input: the committed corpus ``tests/fixtures/hostile`` (made by
``benchmarks/make_hostile_corpus.py``, with a manifest of how many documents each file holds
and how many must be good), and hypothesis-generated rows, JSONL lines and raw bytes. The
large run (10,000+ inputs) is ``benchmarks/fuzz_inputs.py``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sqlite3
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wirewatch.api import Document, documents_from_rows, extract_records, read_documents
from wirewatch.cli import app
from wirewatch.contract import span_errors, validation_errors
from wirewatch.contract.limits import MAX_COUNT, enforce_limits
from wirewatch.ingest.readers import iter_documents

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "hostile"
MANIFEST: dict[str, dict[str, int | None]] = json.loads((CORPUS / "MANIFEST.json").read_text())
runner = CliRunner()
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _serialisable(record: dict[str, Any]) -> None:
    json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    assert validation_errors(record) == [], record.get("id")


def _jsonl_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


# --- the committed corpus --------------------------------------------------------------------


def test_corpus_is_what_the_script_makes(tmp_path: Path) -> None:
    made = _script("make_hostile_corpus").write(tmp_path)
    for path in made:
        committed = CORPUS / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), committed


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file_reads_and_extracts(name: str) -> None:
    expected = MANIFEST[name]
    documents = list(read_documents([str(CORPUS / name)]))
    assert len(documents) == expected["documents"]
    records = list(extract_records(documents))
    assert len(records) == expected["documents"]
    for document, record in zip(documents, records, strict=True):
        _serialisable(record)
        if "error" not in record:
            assert span_errors(record, record.get("text", document.text or "")) == []
        else:
            assert "Traceback" not in record["error"] and record["error"].strip()
    if expected["ok"] is not None:
        assert sum("error" not in r for r in records) == expected["ok"], [
            (r["id"], r.get("error")) for r in records]


@pytest.fixture(scope="module")
def corpus_extract() -> list[dict[str, Any]]:
    result = runner.invoke(app, ["extract", "--quiet", str(CORPUS)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0
    return _jsonl_lines(result.stdout)


def test_extract_cli_gives_one_line_per_document(corpus_extract: list[dict[str, Any]]) -> None:
    assert len(corpus_extract) == sum(e["documents"] for e in MANIFEST.values())
    for record in corpus_extract:
        _serialisable(record)


def test_ingest_cli_stores_every_good_document(tmp_path: Path,
                                              corpus_extract: list[dict[str, Any]]) -> None:
    db = tmp_path / "hostile.db"
    result = runner.invoke(app, ["ingest", "--quiet", "--db", str(db), str(CORPUS)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0
    good = {r["text_sha256"] for r in corpus_extract if "error" not in r}
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("select text_sha256 from documents")}
    assert good and good <= stored


# --- the contract boundary -------------------------------------------------------------------


def _record(**changes: Any) -> dict[str, Any]:
    event = {"id": "v1", "time": {"value": "2024-03-04", "precision": "day", "span": None},
             "casualties": {"killed": 3, "injured": None, "kidnapped": None, "arrested": None,
                            "victim_kind": None,
                            "spans": [{"start": 0, "end": 6, "text": "killed"}]}}
    record = {"id": "d", "title": "t", "published": "2024-03-05", "events": [event],
              "times": [{"value": "2024-03-04", "end": None}]}
    record.update(changes)
    return record


def test_limits_leave_a_good_record_alone() -> None:
    record = _record()
    assert enforce_limits(record) == (record, [])


def test_limits_refuse_implausible_counts_with_the_text_in_a_note() -> None:
    record = _record()
    record["events"][0]["casualties"]["killed"] = 99999999999999999999
    limited, notes = enforce_limits(record)
    assert limited["events"][0]["casualties"]["killed"] is None
    assert record["events"][0]["casualties"]["killed"] == 99999999999999999999  # not mutated
    assert len(notes) == 1 and "99999999999999999999" in notes[0] and "'killed'" in notes[0]
    record["events"][0]["casualties"]["killed"] = MAX_COUNT
    assert enforce_limits(record)[1] == []


def test_limits_refuse_dates_outside_the_calendar_and_clean_strings() -> None:
    record = _record(published="0000-01-01", title="a\ud800b\x00",
                     times=[{"value": "10000-01-01", "end": "2024-02-30"}])
    record["events"][0]["time"]["value"] = "2024-13"
    limited, notes = enforce_limits(record)
    assert limited["published"] is None and limited["title"] == "a\ufffdb\ufffd"
    assert limited["times"][0] == {"value": None, "end": None}
    assert limited["events"][0]["time"]["value"] is None
    assert len(notes) == 5  # 2 characters, published, two time values, one event time
    json.dumps(limited, ensure_ascii=False).encode("utf-8")


def test_limits_null_unstorable_numbers() -> None:
    limited, notes = enforce_limits(_record(score=float("nan"), big=2**70, fine=2**62))
    assert (limited["score"], limited["big"], limited["fine"]) == (None, None, 2**62)
    assert len(notes) == 2


@pytest.mark.parametrize(("published", "phrases"), [
    ("0001-01-01", "yesterday, last week, in December, last month and on Sunday"),
    ("9999-12-31", "tomorrow, next week, next month, next year and this weekend"),
])
def test_dates_at_the_ends_of_the_calendar_do_not_crash(published: str, phrases: str) -> None:
    text = f"A bomb killed five people in Kabul {phrases}, police said."
    (record,) = extract_records([Document(id="d", text=text, published=published)])
    assert "error" not in record
    _serialisable(record)
    assert record["times"]  # read, with or without a value


def test_api_documents_of_the_wrong_shape_get_records() -> None:
    documents = [Document(id=["x"], text="Police said five people died."),  # type: ignore[arg-type]
                 Document(id="t", text=42),  # type: ignore[arg-type]
                 Document(id="p", text="Police said five died.", published="99999-01-01",
                          title=7)]  # type: ignore[arg-type]
    records = list(extract_records(documents))
    assert [r["id"] for r in records] == ["<document 1>", "t", "p"]
    assert "non-empty string" in records[0]["error"] and "text must be" in records[1]["error"]
    assert records[2]["published"] is None and "title ignored" in records[2]["note"]
    for record in records:
        _serialisable(record)


def test_a_crashing_step_is_named_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from wirewatch.api import load_pipeline

    nlp = load_pipeline()
    times = nlp.get_pipe("wirewatch_times")

    def boom(doc: Any) -> Any:
        if "boom" in doc.text:
            raise OverflowError("date value out of range")
        return original(doc)

    original = times.__call__
    monkeypatch.setattr(type(times), "__call__", lambda self, doc: boom(doc))
    docs = [Document(id=str(n), text=t) for n, t in
            enumerate(["Police said five people died.", "A boom was heard, police said.",
                       "Gunmen attacked a village, residents said."])]
    records = list(extract_records(docs))
    assert ["error" in r for r in records] == [False, True, False]
    assert records[1]["error"] == ("could not be processed: an internal error while reading "
                                   "dates and times (OverflowError: date value out of range)")


def test_long_texts_are_parsed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewatch.pipeline as pipeline
    import wirewatch.pipeline.isolate as isolate

    paragraph = ("Gunmen attacked a police station in Mogadishu on Monday, killing three "
                 "officers, police said.\nThe attackers fled, a witness said.\n")
    text = paragraph * 12
    (whole,) = extract_records([Document(id="d", text=text, published="2024-03-05")])
    monkeypatch.setattr(pipeline, "LONG_TEXT", 500)
    monkeypatch.setattr(isolate, "PIECE_CHARS", 300)
    (pieces,) = extract_records([Document(id="d", text=text, published="2024-03-05")])
    assert "error" not in pieces and span_errors(pieces, text) == []
    assert len(pieces["events"]) == len(whole["events"]) > 0
    assert {e["name"] for e in pieces["entities"]} == {e["name"] for e in whole["entities"]}


def test_split_pieces_cuts_at_line_breaks_and_loses_nothing() -> None:
    from wirewatch.pipeline.isolate import split_pieces

    text = "aaa bbb\nccc ddd eee\n" * 50 + "x" * 700
    pieces = split_pieces(text, 100)
    assert "".join(pieces) == text and all(len(p) <= 100 for p in pieces)
    assert all(p.endswith("\n") for p in pieces[:-8])


# --- hypothesis: rows, JSONL, raw bytes ------------------------------------------------------

SENTENCES = (
    "Gunmen killed 99999999999999999999 people in Mogadishu on Monday, police said.",
    "A roadside bomb killed two soldiers near Kandahar yesterday, the army said.",
    "Rebels kidnapped 12 aid workers last week and released them next year, officials said.",
    "Protesters clashed with police in the capital in December.",
)
ODD = ("\ud800", "\udfff", "\x00", "\u200b", "\ufeff", "\u202e", "[/]", "[bold]", "\x1b[31m",
       "\r\n", "\n\n\n", "\u2028", "9" * 30, "\ufffd", "é", "日本")
odd_text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(ODD)), max_size=6).map("".join)
news_text = st.builds(lambda a, b, c: f"{a}{b}{c}", st.sampled_from(SENTENCES), odd_text,
                      st.sampled_from(SENTENCES))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=6)
published_values = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29",
                     "2024-03-05T23:30:00-12:00", "yesterday", ""]),
    st.dates().map(lambda d: d.isoformat()), json_values)
rows = st.fixed_dictionaries({}, optional={
    "id": json_values, "text": st.one_of(news_text, odd_text, json_values),
    "html": st.one_of(news_text.map(lambda t: f"<html><body><article><p>{t}</p></article>"
                                              "</body></html>"), odd_text),
    "title": json_values, "url": json_values, "outlet": json_values,
    "published": published_values, "language": st.one_of(st.sampled_from(["en", "de"]),
                                                          json_values)})


@FUZZ
@given(st.lists(st.one_of(rows, json_values), min_size=1, max_size=4))
def test_rows_give_one_valid_record_each(batch: list[Any]) -> None:
    documents = list(documents_from_rows(batch))
    assert len(documents) == len(batch)
    records = list(extract_records(documents))
    assert len(records) == len(batch)
    for document, record in zip(documents, records, strict=True):
        _serialisable(record)
        if "error" not in record:
            assert span_errors(record, record.get("text", document.text or "")) == []


def _jsonl_bytes(lines: list[Any]) -> bytes:
    out = []
    for line in lines:
        if isinstance(line, bytes):
            out.append(line)
        else:
            out.append(json.dumps(line, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return b"\n".join(out) + b"\n"


def _expected_jsonl_documents(data: bytes) -> int:
    """Non-blank lines, as the reader counts them (a blank line is whitespace only)."""
    count = 0
    for raw in data.split(b"\n")[:-1]:
        try:
            line = raw.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            count += 1
            continue
        count += bool(line.strip())
    return count


raw_lines = st.one_of(rows, json_values, st.binary(max_size=40).filter(lambda b: b"\n" not in b),
                      st.sampled_from([b"[" * 3000 + b"]" * 3000, b'{"n": ' + b"9" * 5000 + b"}",
                                       b'{"id": "a", "text": NaN}', b"\xef\xbb\xbf{}", b"  "]))


@FUZZ
@given(st.lists(raw_lines, min_size=1, max_size=5))
def test_extract_cli_on_hostile_jsonl_stdin(lines: list[Any]) -> None:
    data = _jsonl_bytes(lines)
    result = runner.invoke(app, ["extract", "--quiet", "-"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    records = _jsonl_lines(result.stdout)
    assert len(records) == _expected_jsonl_documents(data)
    for record in records:
        _serialisable(record)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.sampled_from([".txt", ".html", ".htm", ".jsonl"]),
       st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
                        b"\x00\x00\xfe\xff"]),
       st.one_of(st.binary(max_size=300), st.text(max_size=200).map(
           lambda t: t.encode("utf-8", "surrogatepass"))))
def test_readers_never_raise_on_bytes(suffix: str, bom: bytes, body: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(bom + body)
        documents = list(iter_documents([str(path)], max_chars=1000))
    if suffix != ".jsonl":
        assert len(documents) == 1
    for document in documents:
        assert isinstance(document.id, str)
        assert document.error is not None or (isinstance(document.text, str) and document.text)
        for value in (document.id, document.text, document.title, document.note,
                      document.error):
            if value is not None:
                value.encode("utf-8")


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(rows, min_size=1, max_size=4))
def test_ingest_stores_every_good_document(batch: list[dict[str, Any]]) -> None:
    from wirewatch.store.ingest import ingest

    seen: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.db"
        ingest(documents_from_rows(batch), str(db), progress=seen.append)
        with sqlite3.connect(db) as conn:
            stored = {row[0] for row in conn.execute("select text_sha256 from documents")}
    good = {r["text_sha256"] for r in seen if "error" not in r}
    assert good <= stored


def test_jsonl_lines_over_the_limit_are_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewatch.ingest.jsonl as jsonl

    lines = list(jsonl.bounded_lines(io.BytesIO(b"a" * 50 + b"\nbbbbb\n" + b"c" * 30), 10))
    assert [getattr(x, "size", x) for x in lines] == [51, b"bbbbb\n", 30]
    monkeypatch.setattr(jsonl, "line_limit", lambda max_chars: 200)
    stream = io.BytesIO(b'{"id": "a", "text": "' + b"x" * 500 + b'"}\n'
                        + json.dumps({"id": "b", "text": SENTENCES[1]}).encode() + b"\n")
    first, second = iter_documents(["-"], stdin=io.TextIOWrapper(stream))
    assert first.error == ("line 1: line too large: 524 bytes (limit 200 for this --max-chars; "
                           "raise with --max-chars)")
    assert second.id == "b" and second.error is None


@cache
def _blank() -> Any:
    import spacy

    return spacy.blank("en")


def _paragraph_starts_token_by_token(doc: Any) -> None:
    """The reference: one ``is_sent_start`` assignment per line (quadratic in spaCy)."""
    for token in doc[:-1]:
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            if not doc[token.i + 1].is_space:
                doc[token.i + 1].is_sent_start = True


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["a", "Bb", " ", "\n", "\n\n", " \n ", "\t", "\r\n", ".", "\u2028",
                                 "\u00a0"]), max_size=40).map("".join))
def test_paragraph_starts_match_the_token_by_token_reference(text: str) -> None:
    from wirewatch.nlp.paragraphs import mark_paragraph_starts

    nlp = _blank()
    expected, actual = nlp(text), nlp(text)
    _paragraph_starts_token_by_token(expected)
    mark_paragraph_starts(actual)
    assert [t.is_sent_start for t in actual] == [t.is_sent_start for t in expected]


def test_fifty_thousand_lines_are_marked() -> None:
    from wirewatch.nlp.paragraphs import mark_paragraph_starts

    doc = _blank()("ab\n" * 50_000)
    mark_paragraph_starts(doc)
    assert sum(bool(t.is_sent_start) for t in doc) == 50_000
