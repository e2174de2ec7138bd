"""An end-to-end ingest at scale: N documents into SQLite and into PostgreSQL, with docs/s.

    python benchmarks/scale.py [--size 20000] [--workers N] [--pg URL | --no-pg | --no-sqlite] [--json]

The corpus is the BBC News articles and the GVC (Gun Violence Corpus) articles of
``../shared/data``, repeated until there are ``--size`` documents. A repeat gets an id of
its own (``<id>~<n>``) and one line of its own at the end of its text, so every document is a
new text to the store (which stores a text once) while its extraction and its incidents
stay those of the original: the merger sees wire copies of the same reports, as an archive
of syndicated news has. Each engine gets a fresh database: a SQLite file in a temporary
folder, and a new PostgreSQL database created through ``--pg`` (the server's ``test``
database on 127.0.0.1 by default) and dropped afterwards. The run is ``wirewatch ingest``'s
own function with ``--workers``, timed end to end (model loads, extraction, merging,
commits). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wirewatch.api import Document
from wirewatch.run import RunStats, default_workers
from wirewatch.store import open_store
from wirewatch.store.ingest import ingest

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = ("bbc_news/bbc_news.jsonl", "incidents/gvc_dev.jsonl", "incidents/gvc_train.jsonl")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def originals(data: Path) -> list[dict[str, Any]]:
    """The BBC and GVC articles, in file order (BBC interleaved with GVC so that every
    slice of the corpus mixes both)."""
    parts = []
    for name in SOURCES:
        with (data / name).open(encoding="utf-8") as lines:
            parts.append([json.loads(line) for line in lines])
    bbc, gvc = parts[0], parts[1] + parts[2]
    mixed: list[dict[str, Any]] = []
    step = max(len(bbc) // max(len(gvc), 1), 1)
    for n, row in enumerate(bbc):
        mixed.append(row)
        if n % step == 0 and n // step < len(gvc):
            mixed.append(gvc[n // step])
    return mixed


def corpus(rows: list[dict[str, Any]], size: int) -> Iterator[Document]:
    """``size`` documents: the originals, then numbered repeats."""
    for n in range(size):
        row = rows[n % len(rows)]
        repeat = n // len(rows)
        ident = str(row.get("id") or row.get("doc_id"))
        text = row["text"] if repeat == 0 else f"{row['text']}\n\n(Copy {repeat}.)"
        day = row.get("published")
        yield Document(id=ident if repeat == 0 else f"{ident}~{repeat}", text=text,
                       title=row.get("title"), published=day[:10] if day else None)


def run(db: str, rows: list[dict[str, Any]], size: int, workers: int) -> dict[str, Any]:
    stats = RunStats()
    start = time.perf_counter()
    result = ingest(corpus(rows, size), db, workers=workers, run_stats=stats)
    seconds = time.perf_counter() - start
    with open_store(db) as store:
        incidents = len(store.incidents())
    return {"documents": size, "seconds": round(seconds, 1),
            "docs_per_s": round(size / seconds, 2), "stored": result.added,
            "failed": result.errors, "events": result.events, "incidents": incidents,
            "peak_rss_mb_per_worker": sorted(round(kb / 1024)
                                             for kb in stats.peak_rss_kb.values())}


def postgres(admin_url: str, rows: list[dict[str, Any]], size: int, workers: int
             ) -> dict[str, Any]:
    import sqlalchemy as sa

    admin = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    name = f"wirewatch_scale_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        return run(url, rows, size, workers)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--pg", default=PG_ADMIN, help="a PostgreSQL URL allowed to CREATE "
                                                      "DATABASE")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    rows = originals(args.data)
    result: dict[str, Any] = {"cores": os.cpu_count(), "machine": platform.machine(),
                              "workers": args.workers, "originals": len(rows)}
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            result["sqlite"] = run(str(Path(folder) / "scale.db"), rows, args.size,
                                   args.workers)
    if not args.no_pg:
        result["postgresql"] = postgres(args.pg, rows, args.size, args.workers)
    if args.json:
        print(json.dumps(result))
        return
    for engine in ("sqlite", "postgresql"):
        if engine in result:
            got = result[engine]
            print(f"{engine:>10}: {got['documents']} documents, {args.workers} workers: "
                  f"{got['docs_per_s']} docs/s in {got['seconds']} s; {got['stored']} stored, "
                  f"{got['failed']} failed, {got['events']} events, {got['incidents']} "
                  f"incidents; peak RSS per worker {got['peak_rss_mb_per_worker']} MB")


if __name__ == "__main__":
    main()
