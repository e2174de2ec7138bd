"""Fuzz the input side end to end: ≥ 10,000 generated hostile inputs through the readers,
`wirewatch extract` and `wirewatch ingest`, counting tracebacks (there must be none).

    python benchmarks/fuzz_inputs.py [--inputs 10000] [--seed 10] [--no-ingest] [--keep DIR]

Inputs are generated deterministically from the seed: JSONL lines (most of them: rows with
hostile ids, texts, metadata and numbers, and raw byte mutations such as truncation, invalid
UTF-8, 5,000-deep nesting, 5,000-digit numbers), .txt files in every encoding and none, .html
pages (deep nesting, bad entities, no article, binary), sidecars of the wrong shape, plus the
committed hostile corpus. Each input is one document except a blank JSONL line.

Then:
1. the readers (``wirewatch.api.read_documents``) in this process: documents read, exceptions;
2. ``wirewatch extract DIR`` as a subprocess: exit status, "Traceback" on stderr, one output
   line per document, every line UTF-8 JSON that validates against the contract schema;
3. ``wirewatch ingest DIR --db fuzz.db`` as a subprocess: exit status, tracebacks, and every
   good record of step 2 (by text_sha256) present in the database.
Prints the counts and wall times; exits 1 if any traceback, count or storage check fails.
Error records that only say "internal error" are counted separately: they are isolated
crashes (the batch went on) that still deserve a fix.
"""

from __future__ import annotations

import argparse
import codecs
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_hostile_corpus  # noqa: E402

SENTENCES = (
    "Gunmen attacked a police station in Mogadishu on Monday, killing three officers, police "
    "said.",
    "A roadside bomb killed two soldiers near Kandahar on Friday, the army said.",
    "Rebels kidnapped 12 aid workers last week, officials said on Tuesday.",
    "Protesters clashed with police in the capital in December; 40 people were arrested.",
    "Al-Shabaab claimed responsibility for the attack, which killed 99999999999999999999 "
    "people, according to a statement.",
    "The ministry said 1,200 families had fled the fighting since 15 February.",
    "Witnesses said the militants fired on the crowd yesterday and again this weekend.",
    "Security forces arrested the suspected bomber in Peshawar next month, the report said.",
    "\"We will not stop,\" the group's spokesman told Reuters by telephone.",
    "Boko Haram fighters burned the village of Kautikari in Borno state last year.",
)
HOSTILE = (
    "\ud800", "\udfff", "\udc80abc", "\x00", "\u200b", "\u200b\u200c\u200d\u2060\ufeff" * 20,
    "\u202e", "\u202d\u2066", "[/]", "[bold red]x[/bold red]", "[link=file:///etc]y[/link]",
    "\x1b[31mred\x1b[0m", "\r\n", "\u2028\u2029", "\x0b\x0c\x1c", "9" * 5000, "1e400",
    "-0", "\ufffd", "e\u0301" * 40, "\U0001f4a3", "قتل خمسة", "日本語のテキスト",
    "=1+1", "@SUM(1+1)", "+cmd|' /C calc'!A0", "<script>alert(1)</script>", "' OR 1=1 --",
    "%s%n%x", "{{7*7}}", "\\u0000", "\t" * 50, " " * 500, "\n" * 200,
)
DATES = ("0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "2024-03-05T23:30:00-12:00",
         "2024-03-05T00:00:00+14:00", "1969-12-31", "yesterday", "", "2024-13-01", "-0001-01-01",
         "10000-01-01", "2024-03-05")


class Generator:
    """Hostile inputs from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, items: Any) -> Any:
        return self.rng.choice(items)

    def news(self) -> str:
        parts = [self.pick(SENTENCES) for _ in range(self.rng.randint(1, 4))]
        for _ in range(self.rng.choice((0, 0, 1, 2, 3))):
            i = self.rng.randrange(len(parts) + 1)
            parts.insert(i, self.pick(HOSTILE))
        return self.pick((" ", "\n", "\n\n", " \n")).join(parts)

    def garbage(self) -> str:
        kind = self.rng.randrange(5)
        n = self.rng.randint(0, 200)
        if kind == 0:
            return "".join(chr(self.rng.randrange(0, 0x110000)) for _ in range(n))
        if kind == 1:
            return "".join(chr(self.rng.randrange(0, 0x20)) for _ in range(n))
        if kind == 2:
            return "".join(self.pick(HOSTILE) for _ in range(self.rng.randint(1, 6)))
        if kind == 3:
            return "ab\n" * self.rng.randint(1, 2000)
        return "".join(self.pick("\u200b\u200c\u200d\ufeff\u2060 ") for _ in range(n))

    def text(self) -> str:
        return self.news() if self.rng.random() < 0.7 else self.garbage()

    def value(self, depth: int = 0) -> Any:
        kind = self.rng.randrange(12 if depth < 3 else 8)
        if kind == 0:
            return None
        if kind == 1:
            return self.rng.random() < 0.5
        if kind == 2:
            return self.pick((0, -1, 7, 2**63, -(2**63) - 1, 10**30, 99999999999999999999))
        if kind == 3:
            return self.pick((1.5, float("nan"), float("inf"), -float("inf"), 1e308, -0.0))
        if kind in (4, 5, 6, 7):
            return self.pick((self.pick(HOSTILE), self.garbage()[:50], "ok"))
        if kind in (8, 9):
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        return {self.pick(("a", "id", "\ud800", "")): self.value(depth + 1)
                for _ in range(self.rng.randint(0, 3))}

    def field(self, good: Any) -> Any:
        """Mostly a good value, sometimes a hostile one."""
        return good if self.rng.random() < 0.7 else self.value()

    def row(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        if self.rng.random() < 0.9:
            row["id"] = self.field(f"doc-{self.rng.randrange(10**9)}")
        if self.rng.random() < 0.85:
            row["text"] = self.field(self.text())
        else:
            row["html"] = self.field(self.html().decode("utf-8", "surrogateescape"))
        for name in ("title", "url", "outlet", "language"):
            if self.rng.random() < 0.4:
                row[name] = self.field({"language": "en"}.get(name, self.pick(HOSTILE)))
        if self.rng.random() < 0.7:
            row["published"] = self.field(self.pick(DATES))
        return row

    def jsonl_line(self) -> bytes:
        """One JSONL line (never containing a newline byte)."""
        roll = self.rng.random()
        if roll < 0.75:
            line = json.dumps(self.row(), ensure_ascii=self.rng.random() < 0.5)
            return line.encode("utf-8", "surrogatepass")
        if roll < 0.8:
            return b'{"id": "deep", "text": "x", "v": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        if roll < 0.83:
            return b'{"text": "' + self.news().encode("utf-8", "replace").replace(
                b"\n", b" ").replace(b'"', b"'").replace(b"\\", b"/") + b'", "n": ' \
                + b"9" * self.rng.choice((4301, 5000, 20000)) + b"}"
        if roll < 0.9:
            data = bytearray(json.dumps(self.row()).encode())
            for _ in range(self.rng.randint(1, 5)):
                if data:
                    data[self.rng.randrange(len(data))] = self.rng.randrange(256)
            data = data[: self.rng.randint(0, len(data))] if self.rng.random() < 0.5 else data
            return bytes(data).replace(b"\n", b" ")
        return self.pick((b"null", b"[]", b'"s"', b"{}", b"NaN", b"{\"text\": NaN}",
                          b"\xef\xbb\xbf{}", b"\xff\xfe{", b"{" * 100, b"  ", b"\x00"))

    def txt(self) -> bytes:
        text = self.text()
        encoding = self.pick(("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252",
                              "latin-1", "raw"))
        if encoding == "raw":
            return self.rng.randbytes(self.rng.randint(0, 400))
        return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else
                           "replace")

    def html(self) -> bytes:
        kind = self.rng.randrange(6)
        body = "".join(f"<p>{self.news()}</p>" for _ in range(self.rng.randint(1, 4)))
        if kind == 0:
            page = f"<html><head><title>{self.pick(HOSTILE)}</title></head><body><article>" \
                   f"{body}</article></body></html>"
        elif kind == 1:
            depth = self.rng.choice((100, 1000, 5000))
            page = "<div>" * depth + body + "</div>" * depth
        elif kind == 2:
            page = f"<html><body>{body}&#xD800;&#0;&#x110000;&bogus;<p>{self.garbage()}</body>"
        elif kind == 3:
            page = "<html><head><script>var x = 1;</script></head><body></body></html>"
        elif kind == 4:
            return self.rng.randbytes(self.rng.randint(0, 600))
        else:
            page = f"<html><body><article>{body}" + "<b>" * 500 + "</article>"
        encoding = self.pick(("utf-8", "utf-8", "utf-16", "utf-32"))
        if encoding != "utf-8":
            return codecs.BOM_UTF16_LE + page.encode("utf-16-le", "surrogatepass") \
                if encoding == "utf-16" else codecs.BOM_UTF32_LE + page.encode(
                    "utf-32-le", "surrogatepass")
        return page.encode("utf-8", "surrogatepass")

    def sidecar(self) -> bytes:
        roll = self.rng.random()
        if roll < 0.5:
            meta = {name: self.field(good) for name, good in (
                ("id", f"side-{self.rng.randrange(10**6)}"), ("published", self.pick(DATES)),
                ("title", "t"), ("outlet", "o"))}
            return json.dumps(meta).encode("utf-8", "surrogatepass")
        return self.pick((b"[" * 5000, b"{", b"[1]", b'{"n": ' + b"9" * 5000 + b"}",
                          self.rng.randbytes(40)))


def expected_jsonl_documents(data: bytes) -> int:
    """Non-blank lines, as the reader counts them."""
    count = 0
    for raw in data.split(b"\n")[:-1]:
        try:
            line = raw.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            count += 1
            continue
        count += bool(line.strip())
    return count


def generate(root: Path, inputs: int, seed: int) -> tuple[int, int]:
    """Write ``inputs`` generated inputs (and the hostile corpus) under ``root``; returns
    (inputs written, documents expected)."""
    gen = Generator(seed)
    written = documents = 0
    corpus = root / "corpus"
    make_hostile_corpus.write(corpus)
    for entry in make_hostile_corpus.expected(make_hostile_corpus.cases()).values():
        written += 1
        documents += int(entry["documents"] or 0)
    lines: list[bytes] = []
    n_files = 0
    while written < inputs:
        roll = gen.rng.random()
        if roll < 0.85:
            lines.append(gen.jsonl_line())
            written += 1
            if len(lines) == 500:
                n_files += 1
                data = b"\n".join(lines) + b"\n"
                (root / f"lines{n_files:04d}.jsonl").write_bytes(data)
                documents += expected_jsonl_documents(data)
                lines = []
            continue
        n_files += 1
        suffix = ".txt" if roll < 0.93 else gen.pick((".html", ".htm"))
        path = root / f"f{n_files:05d}{suffix}"
        path.write_bytes(gen.txt() if suffix == ".txt" else gen.html())
        if gen.rng.random() < 0.1:
            path.with_suffix(".meta.json").write_bytes(gen.sidecar())
        written += 1
        documents += 1
    if lines:
        data = b"\n".join(lines) + b"\n"
        (root / f"lines{n_files + 1:04d}.jsonl").write_bytes(data)
        documents += expected_jsonl_documents(data)
    return written, documents


def wirewatch(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from wirewatch.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", check=False)


def check_records(path: Path) -> tuple[list[dict[str, Any]], Counter[str]]:
    from wirewatch.contract import validation_errors

    records: list[dict[str, Any]] = []
    problems: Counter[str] = Counter()
    with path.open("rb") as handle:
        for raw in handle:
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                problems["lines that are not UTF-8 JSON"] += 1
                continue
            if validation_errors(record):
                problems["records that fail the schema"] += 1
            if "internal error" in record.get("error", ""):
                problems["isolated internal errors"] += 1
            records.append(record)
    return records, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--no-ingest", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="wirewatch-fuzz-"))
    root.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        started = time.perf_counter()
        inputs, expected = generate(root / "in", args.inputs, args.seed)
        print(f"generated {inputs} inputs ({expected} documents) in "
              f"{time.perf_counter() - started:.1f} s")

        from wirewatch.api import read_documents

        started = time.perf_counter()
        read = tracebacks = 0
        try:
            for _ in read_documents([str(root / "in")]):
                read += 1
        except Exception as err:  # noqa: BLE001 - that is what is being counted
            tracebacks += 1
            print(f"readers raised: {type(err).__name__}: {err}")
        print(f"readers: {read} documents, {tracebacks} tracebacks, "
              f"{time.perf_counter() - started:.1f} s")
        failed |= bool(tracebacks) or read != expected

        started = time.perf_counter()
        out = root / "records.jsonl"
        result = wirewatch("extract", "--quiet", "-o", str(out), str(root / "in"))
        extract_tracebacks = result.stderr.count("Traceback")
        records, problems = check_records(out) if out.exists() else ([], Counter())
        good = [r for r in records if "error" not in r]
        print(f"extract: exit {result.returncode}, {extract_tracebacks} tracebacks, "
              f"{len(records)} records ({len(good)} good, {len(records) - len(good)} error "
              f"records), {time.perf_counter() - started:.1f} s")
        for problem, count in sorted(problems.items()):
            print(f"  {problem}: {count}")
        if extract_tracebacks:
            print(result.stderr[-3000:])
        failed |= (result.returncode != 0 or bool(extract_tracebacks) or len(records) != expected
                   or bool(problems["lines that are not UTF-8 JSON"])
                   or bool(problems["records that fail the schema"]))

        if not args.no_ingest:
            started = time.perf_counter()
            db = root / "fuzz.db"
            result = wirewatch("ingest", "--quiet", "--db", str(db), str(root / "in"))
            ingest_tracebacks = result.stderr.count("Traceback")
            stored: set[str] = set()
            if db.exists():
                with sqlite3.connect(db) as conn:
                    stored = {row[0] for row in conn.execute("select text_sha256 from documents")}
            wanted = {r["text_sha256"] for r in good}
            missing = len(wanted - stored)
            print(f"ingest: exit {result.returncode}, {ingest_tracebacks} tracebacks, "
                  f"{len(stored)} documents stored of {len(wanted)} distinct good texts, "
                  f"{missing} missing, {time.perf_counter() - started:.1f} s")
            if ingest_tracebacks:
                print(result.stderr[-3000:])
            failed |= result.returncode != 0 or bool(ingest_tracebacks) or bool(missing)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print("FAILED" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
