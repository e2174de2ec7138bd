"""Extraction spread over worker processes gives what one process gives, in the same order;
the store's single writer then builds the same incidents whatever the worker count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirewatch.api import Document, extract_records
from wirewatch.run import RunStats, extract_records_parallel

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

TEXTS = [
    "Gunmen killed two police officers in Kano on Monday, officials said.",
    "The central bank left interest rates unchanged on Thursday.",
    "A car bomb exploded near a market in Mogadishu, killing five people.",
    "Protesters clashed with police in Nairobi; 12 people were arrested.",
    "The football club signed a new striker for the season.",
    "Militants attacked a military base in Borno state, the army said.",
    "Rebels kidnapped three aid workers near Goma on Saturday.",
    "Shares rose after the company reported strong profits.",
]


def documents() -> list[Document]:
    """Fresh documents (the pipeline admits them in place), including one without an id,
    which is named by its position in the whole input, and one that failed at reading."""
    docs = [Document(id=f"d{n}", text=text, published="2024-05-06")
            for n, text in enumerate(TEXTS, start=1)]
    docs.insert(3, Document(id="", text="Soldiers shot dead a man in Gao."))
    docs.insert(6, Document(id="broken", error="could not be read: test"))
    return docs


@pytest.fixture(scope="module")
def one_process() -> list[dict]:
    return list(extract_records(documents(), batch_size=2))


def test_two_workers_give_the_same_records_in_the_same_order(one_process) -> None:
    stats = RunStats()
    records = list(extract_records_parallel(documents(), batch_size=2, workers=2,
                                            chunk_size=2, stats=stats))
    assert stats.chunks == 5 and stats.peak_rss_kb  # the work really went to workers
    assert records == one_process
    assert records[3]["id"] == "<document 4>"  # named by its place in the whole input
    assert "error" in records[6]
    assert sum(len(r.get("events", [])) for r in records) >= 4


def test_small_input_stays_in_this_process(one_process) -> None:
    stats = RunStats()
    records = list(extract_records_parallel(documents(), batch_size=2, workers=2,
                                            chunk_size=8, stats=stats))
    assert stats.chunks == 0 and records == one_process


def test_incidents_do_not_depend_on_worker_count(tmp_path: Path) -> None:
    from wirewatch.api import read_documents
    from wirewatch.store import open_store
    from wirewatch.store.ingest import ingest

    def incidents(db: Path, workers: int) -> list[dict]:
        run = RunStats()
        errors: list = []
        stats = ingest(read_documents([str(EXAMPLES)]), str(db), workers=workers,
                       progress=lambda r: errors.append(r.get("error")),
                       chunk_size=1, batch_size=1, run_stats=run)
        assert stats.added > 0 and (run.chunks > 1) == (workers > 1), errors
        with open_store(str(db)) as store:
            return store.incidents()

    one = incidents(tmp_path / "one.db", 1)
    two = incidents(tmp_path / "two.db", 2)
    assert one and one == two


def test_ray_engine_gives_the_same_records_and_a_rerun_skips_finished_shards(
        tmp_path: Path, one_process) -> None:
    ray = pytest.importorskip("ray")
    pytest.importorskip("pyarrow")
    from wirewatch.run.ray_engine import extract_records_ray

    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        first, again = RunStats(), RunStats()
        records = list(extract_records_ray(documents(), tmp_path, batch_size=2, chunk_size=2,
                                           workers=2, stats=first))
        shards = sorted(tmp_path.glob("*.parquet"))
        shards[-1].unlink()  # as if the run had stopped before its last chunk
        rerun = list(extract_records_ray(documents(), tmp_path, batch_size=2, chunk_size=2,
                                         workers=2, stats=again))
    finally:
        ray.shutdown()
    assert records == one_process and rerun == one_process
    assert first.chunks == len(shards) == 5 and again.chunks == 1


def test_incidents_do_not_depend_on_ingest_order(tmp_path: Path) -> None:
    from wirewatch.api import read_documents
    from wirewatch.store import open_store

    docs = list(read_documents([str(EXAMPLES)]))
    # extracted once; stored in two orders by the writer that ingest uses
    records = list(extract_records(docs, include_text=True))
    partitions = []
    for name, order in (("forward", records), ("backward", records[::-1])):
        with open_store(str(tmp_path / f"{name}.db")) as store:
            store.add_records(order, batch_size=3)
            partitions.append(store.incident_partition(by="text_sha256"))
    assert len(partitions[0]) > 1 and partitions[0] == partitions[1]


def test_ray_ingest_builds_the_incidents_of_one_process(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    pytest.importorskip("pyarrow")
    from wirewatch.api import read_documents
    from wirewatch.store import open_store
    from wirewatch.store.ingest import ingest

    def partition(db: Path, **options) -> frozenset:
        ingest(read_documents([str(EXAMPLES)]), str(db), chunk_size=8, **options)
        with open_store(str(db)) as store:
            return store.incident_partition()

    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        by_ray = partition(tmp_path / "ray.db", engine="ray", workers=2)
    finally:
        ray.shutdown()
    assert len(list((tmp_path / "ray.db.shards").glob("*.parquet"))) == 4
    assert by_ray and by_ray == partition(tmp_path / "one.db", workers=1)


def test_extract_command_output_is_the_same_for_any_worker_count(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wirewatch.cli import app

    source = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"n{n}", "text": TEXTS[n % len(TEXTS)] + f" Report {n}."})
             for n in range(130)]  # over two chunks of 64: the work goes to workers
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        result = CliRunner().invoke(app, ["extract", "--quiet", "--workers", workers,
                                          str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 130


def test_documents_are_counted_for_the_eta(tmp_path: Path) -> None:
    from wirewatch.api import count_documents

    (tmp_path / "a.jsonl").write_text('{"id": 1}\n\n{"id": 2}\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("text", encoding="utf-8")
    (tmp_path / "sub" / "c.pdf").write_bytes(b"%PDF")
    assert count_documents([str(tmp_path)]) == 3
    assert count_documents([str(tmp_path / "a.jsonl"), "missing.txt"]) == 3
    assert count_documents(["-"]) is None and count_documents(["x.warc.gz"]) is None
