"""Ingest speed against extract alone, on the same documents and machine.

Documents: the BBC News corpus (2,225 articles) plus the GVC train articles, from
``../shared/data``. Two passes in one process, single-threaded:

1. extract: the pipeline turns every document into a contract record (timed);
2. ingest: the same pipeline again, and every record is stored in a fresh SQLite database
   (documents, entities, events, FTS index, incident merging), as ``wirewatch ingest`` does.

The ratio is extract time / ingest time (the issue asks for at least 0.5). ``--store-only``
skips the second pipeline pass and times storing the records of pass 1 instead, estimating
ingest time as extract + store (ingest runs the two one after the other). A measurement, not
a test: it prints whatever it measures.

    python benchmarks/ingest_speed.py [--limit N] [--store-only] [--db PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wirewatch.api import Document, extract_records, load_pipeline
from wirewatch.store import open_store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = (DATA / "bbc_news" / "bbc_news.jsonl", DATA / "incidents" / "gvc_train.jsonl")


def load(paths: tuple[Path, ...], limit: int | None) -> list[Document]:
    documents = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                documents.append(Document(
                    id=str(row.get("id") or row.get("doc_id")), text=row["text"],
                    title=row.get("title"), published=row.get("published"),
                ))
    return documents[:limit] if limit else documents


def records(documents: list[Document]) -> Iterator[dict[str, Any]]:
    """What ``wirewatch ingest`` stores: records with their texts."""
    return extract_records(documents, include_text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    parser.add_argument("--store-only", action="store_true",
                        help="time storing pass-1 records instead of a second full pass")
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    missing = [str(p) for p in SOURCES if not p.exists()]
    if missing:
        raise SystemExit(f"corpus not found: {', '.join(missing)}")
    documents = load(SOURCES, args.limit)
    load_pipeline()
    list(extract_records(Document(id="w", text=d.text) for d in documents[:5]))  # warm up

    t0 = time.perf_counter()
    extracted = list(records(documents))
    extract_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        db = str(args.db or Path(tmp) / "ingest.db")
        if args.db and args.db.exists():
            args.db.unlink()
        with open_store(db) as store:
            t0 = time.perf_counter()
            source = extracted if args.store_only else records(documents)
            stats = store.add_records(source, batch_size=args.batch_size)
            second_s = time.perf_counter() - t0
            counts = store.counts()
    ingest_s = extract_s + second_s if args.store_only else second_s
    result = {
        "documents": len(documents),
        "mode": "store-only" if args.store_only else "two-pass",
        "extract_s": round(extract_s, 2),
        "ingest_s": round(ingest_s, 2),
        "store_s": round(second_s if args.store_only else ingest_s - extract_s, 2),
        "extract_docs_per_s": round(len(documents) / extract_s, 2),
        "ingest_docs_per_s": round(len(documents) / ingest_s, 2),
        "ratio": round(extract_s / ingest_s, 3),
        "stored": stats.added,
        "incident_events": stats.incident_events,
        "incidents": counts["incidents"],
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['documents']} documents ({result['mode']})")
    print(f"extract : {result['extract_docs_per_s']:8.2f} docs/s ({result['extract_s']} s)")
    print(f"ingest  : {result['ingest_docs_per_s']:8.2f} docs/s ({result['ingest_s']} s; "
          f"storing and merging {result['store_s']} s)")
    print(f"ratio ingest/extract speed: {result['ratio']:.3f}  "
          f"({result['stored']} stored, {result['incident_events']} incident events, "
          f"{result['incidents']} incidents)")


if __name__ == "__main__":
    main()
