"""Shared by ``kill_ingest.py`` and ``concurrent_ingest.py``: inputs, databases and the
`wirewatch ingest` subprocesses they run, and how two databases' contents are compared.

Inputs: the bundled examples plus, when ``../shared/data`` is present, the first ``limit``
GVC train articles (written to a JSONL file in the work directory). Databases: a SQLite file
in the work directory, or a new PostgreSQL database on ``--pg-url``'s server (created here,
dropped at the end).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from wirewatch.store import open_store

ROOT = Path(__file__).resolve().parents[1]
GVC = ROOT.parent / "shared" / "data" / "incidents" / "gvc_train.jsonl"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

Partition = frozenset[frozenset[tuple[str, str]]]


def inputs(work: Path, limit: int) -> list[str]:
    """Input paths (relative to the checkout where they are in it, so ids are stable)."""
    paths = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").rglob("*")
                   if p.suffix in (".txt", ".html", ".jsonl"))
    if GVC.exists() and limit > 0:
        target = work / "gvc.jsonl"
        with GVC.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
            for n, line in enumerate(src):
                if n >= limit:
                    break
                row = json.loads(line)
                out.write(json.dumps({k: row.get(k) for k in ("id", "title", "published", "text")})
                          + "\n")
        paths.append(str(target))
    return paths


def split_jsonl(path: str, count: int, work: Path) -> list[str]:
    """A JSONL file dealt line by line into ``count`` files."""
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for n in range(count):
        part = work / f"{Path(path).stem}.part{n}.jsonl"
        part.write_text("".join(lines[n::count]), encoding="utf-8")
        out.append(str(part))
    return out


def ingest(db: str, paths: list[str], batch_size: int) -> subprocess.Popen[str]:
    """`wirewatch ingest` as a subprocess (the same entry point a user runs)."""
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", "ingest", *paths, "--db", db, "--quiet",
         "--batch-size", str(batch_size)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@dataclass
class Contents:
    """What a database holds, in comparable form. Documents are named by their text's hash:
    of two inputs with one text (the GVC train split has such a pair), which id is stored
    depends on which arrived first."""

    texts: list[str]  # sorted text_sha256, repeats kept
    doc_ids: list[str]  # sorted, repeats kept
    partition: Partition  # incidents as sets of (text_sha256, event_id)
    counts: dict[str, int]
    integrity: str

    def compare(self, reference: Contents) -> dict[str, object]:
        ref_texts, texts = set(reference.texts), set(self.texts)
        return {
            "documents": len(self.texts),
            "lost": len(ref_texts - texts),
            "unexpected": len(texts - ref_texts),
            "duplicated": max(len(self.texts) - len(texts),
                              len(self.doc_ids) - len(set(self.doc_ids))),
            "incidents": len(self.partition),
            "incidents_identical": self.partition == reference.partition,
            "incidents_differing": len(self.partition ^ reference.partition),
            "counts_identical": self.counts == reference.counts,
            "counts_differing": {table: (n, reference.counts.get(table))
                                 for table, n in self.counts.items()
                                 if reference.counts.get(table) != n},
            "integrity": self.integrity,
        }


def contents(db: str) -> Contents:
    with open_store(db) as store, store.engine.connect() as conn:
        texts = sorted(conn.execute(sa.text("SELECT text_sha256 FROM documents")).scalars())
        doc_ids = sorted(conn.execute(sa.text("SELECT doc_id FROM documents")).scalars())
        integrity = "ok"
        if conn.dialect.name == "sqlite":
            integrity = str(conn.execute(sa.text("PRAGMA integrity_check")).scalar())
        return Contents(texts, doc_ids, store.incident_partition(by="text_sha256"),
                        store.counts(), integrity)


def documents_in(db: str) -> int:
    """Documents committed so far (0 while the schema does not exist yet)."""
    engine = sa.create_engine(_url(db))
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM documents")).scalar() or 0)
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


def _url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


class Databases:
    """New empty databases of one engine; PostgreSQL ones are dropped on ``close``."""

    def __init__(self, engine: str, work: Path, pg_url: str) -> None:
        self.engine, self.work, self.pg_url = engine, work, pg_url
        self._made: list[str] = []
        self._admin: sa.Engine | None = None
        if engine == "postgresql":
            self._admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT",
                                           connect_args={"connect_timeout": 3})

    def new(self, label: str) -> str:
        if self._admin is None:
            path = self.work / f"{label}-{uuid.uuid4().hex[:6]}.db"
            return str(path)
        name = f"wirewatch_bench_{label}_{uuid.uuid4().hex[:8]}"
        with self._admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self._made.append(name)
        return sa.make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in self._made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


def reachable(engine: str, pg_url: str) -> str | None:
    """None when the engine can be used here, else why not."""
    if engine != "postgresql":
        return None
    try:
        probe = sa.create_engine(pg_url, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        probe.dispose()
    except Exception as exc:  # no driver, no server
        return f"PostgreSQL not reachable at {pg_url}: {type(exc).__name__}"
    return None


@contextmanager
def databases(engine: str, work: Path, pg_url: str) -> Iterator[Databases]:
    made = Databases(engine, work, pg_url)
    try:
        yield made
    finally:
        made.close()
