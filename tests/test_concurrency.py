"""Several writers, and writers killed: nothing lost, nothing stored twice, same incidents.

`wirewatch ingest` runs as real subprocesses on the bundled examples (25 documents), into a
new SQLite file and, when a server is reachable, a new PostgreSQL database (created for the
test and dropped after it). Incidents are compared in a canonical form
(``Store.incident_partition``: sets of member ``(doc_id, event_id)``) with one sequential run.
The full-size versions (20 kills, bigger corpus) are ``benchmarks/kill_ingest.py`` and
``benchmarks/concurrent_ingest.py``.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_store import bridging_reports

from wirewatch.api import Document
from wirewatch.store import ingest as ingest_module
from wirewatch.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get(
    "WIREWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: The Mogadishu and Borno reports merge across documents: they go to different writers.
RELATED = (
    "examples/reports/mogadishu_car_bomb_coastline.txt",
    "examples/reports/mogadishu_car_bomb_horn_dispatch.txt",
    "examples/reports/borno_kidnapping_sahel_observer.txt",
    "examples/reports/mogadishu_car_bomb_northern_ledger.txt",
    "examples/html/borno_kidnapping_lake_chad_courier.html",
)
#: Every writer also reads this file: the same texts arrive at once from all of them.
SHARED_INPUT = "examples/wire.jsonl"

NewDb = Callable[[], str]


def example_files() -> list[str]:
    """The examples' input files, relative to the checkout (document ids depend on it)."""
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").rglob("*")
                   if p.suffix in (".txt", ".html"))
    return [f for f in files if f not in RELATED] + list(RELATED)


def parts(count: int) -> list[list[str]]:
    """``count`` inputs for ``count`` writers: the shared file, then files dealt round-robin
    (fillers first, the related reports last, so they meet other writers' commits)."""
    dealt: list[list[str]] = [[SHARED_INPUT] for _ in range(count)]
    for n, path in enumerate(example_files()):
        dealt[n % count].append(path)
    return dealt


def wirewatch_ingest(db: str, inputs: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", "ingest", *inputs, "--db", db, "--quiet",
         "--batch-size", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(child: subprocess.Popen[str]) -> tuple[int, str]:
    output, _ = child.communicate(timeout=600)
    return child.returncode, output


def stored(db: str) -> tuple[list[str], frozenset[frozenset[tuple[str, str]]]]:
    """Stored doc ids (sorted, repeats kept) and the canonical incidents."""
    with open_store(db) as store, store.engine.connect() as conn:
        doc_ids = sorted(conn.execute(sa.text("SELECT doc_id FROM documents")).scalars())
        return doc_ids, store.incident_partition()


def assert_same(got: tuple[list[str], Any], expected: tuple[list[str], Any]) -> None:
    """Same documents (each once) and the same incidents; a difference is shown as the
    incidents only one side has."""
    assert got[0] == expected[0]
    only_here = sorted(sorted(group) for group in got[1] - expected[1])
    only_there = sorted(sorted(group) for group in expected[1] - got[1])
    assert (only_here, only_there) == ([], [])


@pytest.fixture(scope="module")
def sequential(tmp_path_factory) -> tuple[list[str], frozenset[frozenset[tuple[str, str]]]]:
    """One uninterrupted `wirewatch ingest` of all the inputs, into SQLite."""
    db = str(tmp_path_factory.mktemp("sequential") / "seq.db")
    code, output = finish(wirewatch_ingest(db, [SHARED_INPUT, *example_files()]))
    assert code == 0, output
    doc_ids, partition = stored(db)
    assert len(doc_ids) == 25 and len(set(doc_ids)) == 25
    merged = [group for group in partition if len({doc for doc, _ in group}) >= 3]
    assert any(all("mogadishu" in doc for doc, _ in group) for group in merged)
    return doc_ids, partition


def _pg_admin() -> sa.Engine:
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDb]:
    """Makes a new, empty database per call: a SQLite path or a PostgreSQL URL."""
    if request.param == "sqlite":
        counter = iter(range(1000))
        yield lambda: str(tmp_path / f"new{next(counter)}.db")
        return
    admin = _pg_admin()
    made: list[str] = []

    def make() -> str:
        name = f"wirewatch_conc_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_ingests_match_a_sequential_run(new_db: NewDb, sequential, writers: int
                                                   ) -> None:
    """A new database, ``writers`` ingests at once (all racing to create the schema, all
    storing the same shared file): all succeed, each document is stored once, and the
    incidents are those of one sequential run."""
    db = new_db()
    children = [wirewatch_ingest(db, inputs) for inputs in parts(writers)]
    results = [finish(child) for child in children]
    assert [code for code, _ in results] == [0] * writers, results
    assert_same(stored(db), sequential)


def test_interleaved_writers_see_each_others_incidents(new_db: NewDb) -> None:
    """Two stores open on one database take turns: ``y`` bridges ``x`` (stored by A) and
    ``z`` (stored by B after A loaded its merge index), which A must see to merge all three,
    as one sequential run does."""
    x, z, y, other = bridging_reports()
    db = new_db()
    with open_store(db) as a, open_store(db) as b:
        a.add_records([x])
        b.add_records([z])
        a.add_records([y])
        assert b.add_records([other, x]).duplicates == 1  # x again, stored by A
        got = a.incident_partition()
        assert b.incident_partition() == got
        assert a.counts()["documents"] == 4
    with open_store(new_db()) as one:
        one.add_records([x, z, y, other])
        assert got == one.incident_partition()
    assert got == {frozenset({("x", "v1"), ("y", "v1"), ("z", "v1")}),
                   frozenset({("other", "v1")})}


def _documents_in(db: str) -> int:
    url = db if "://" in db else f"sqlite:///{db}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM documents")).scalar() or 0)
    except sa.exc.DBAPIError:  # not created yet
        return 0
    finally:
        engine.dispose()


def test_kill_9_during_ingest_then_rerun(new_db: NewDb, sequential) -> None:
    """`wirewatch ingest` killed twice (SIGKILL, just after a commit, at a random moment
    of the next ones), then run to the end: every document once, the sequential incidents."""
    db = new_db()
    inputs = [SHARED_INPUT, *example_files()]
    rng = random.Random(10)
    after_kill = []
    for _ in range(2):
        before = _documents_in(db)
        child = wirewatch_ingest(db, inputs)
        while child.poll() is None and _documents_in(db) <= before:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.1))
        child.kill()
        child.communicate(timeout=60)
        after_kill.append((child.returncode, _documents_in(db)))
    # the first run was killed while it still had documents to extract
    assert after_kill[0][0] == -signal.SIGKILL and after_kill[0][1] < 25
    code, output = finish(wirewatch_ingest(db, inputs))
    assert code == 0, output
    assert_same(stored(db), sequential)


def _fake_record(document: Document) -> dict[str, Any]:
    if document.error:
        return {"id": document.id, "error": document.error}
    text = document.text or ""
    return {"id": document.id, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "text": text, "published": None, "events": []}


def test_rerun_extracts_only_documents_not_yet_stored(tmp_path, monkeypatch) -> None:
    """Ingest hashes each text first: what is stored is not extracted again."""
    extracted: list[str] = []
    calls: list[int] = []

    def fake_extract(documents, country=None, include_text=False, progress=None):
        calls.append(1)  # (the real one loads the pipeline here)
        for document in documents:
            extracted.append(document.id)
            yield _fake_record(document)

    monkeypatch.setattr(ingest_module, "extract_records", fake_extract)
    docs = [Document(id=f"d{n}", text=f"Report number {n}.") for n in range(10)]
    docs.append(Document(id="broken", error="unreadable file"))
    db = str(tmp_path / "resume.db")

    first = ingest_module.ingest(docs[:4], db)
    assert (first.records, first.added, extracted) == (4, 4, ["d0", "d1", "d2", "d3"])
    extracted.clear()
    again = ingest_module.ingest(docs, db, batch_size=3)
    assert extracted == [f"d{n}" for n in range(4, 10)] + ["broken"]
    assert (again.records, again.added, again.duplicates, again.errors) == (11, 6, 4, 1)
    calls.clear()
    done = ingest_module.ingest(docs[:10], db)
    assert (done.records, done.duplicates, calls) == (10, 10, [])  # nothing left to extract


def test_the_store_hashes_texts_as_records_do() -> None:
    from wirewatch.pipeline.record import text_sha256 as record_hash
    from wirewatch.store.records import text_sha256 as store_hash

    for text in ("", "Mogadishu, 3 March", "naïve — 東京 \U0001f600"):
        assert store_hash(text) == record_hash(text)
