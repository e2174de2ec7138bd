"""Throughput of extraction over worker processes, and Ray local mode, on the same input.

    python benchmarks/workers.py [--limit 400] [--workers 1,2] [--ray] [--gate] [--json]

Every configuration extracts the same N BBC News documents, spread evenly over the
categories (``../shared/data/bbc_news/bbc_news.jsonl``), through ``wirewatch.run``, counting the whole
run: worker start-up and model loads included, since that is what a user waits for. For
``--workers`` the work always goes to a pool of spawned processes (even for one worker), so
1 and N are measured the same way; the peak resident memory of each worker process is
reported. ``--ray`` adds Ray in local mode with as many actors as the largest worker count
(``ray.init`` timed apart). The records of every configuration are compared with the first:
a benchmark that changed the output would say so. ``--gate`` measures the relevance gate's
speed-up (in this process, warm, the best of two alternating runs off and on) and how many
documents it turned away. A measurement,
not a test: it reports whatever it measures, on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from wirewatch.api import Document
from wirewatch.run import RunStats
from wirewatch.run.workers import Settings, _Pool, admitted, chunked

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc_news" / "bbc_news.jsonl"


def load(path: Path, limit: int) -> list[dict[str, Any]]:
    """``limit`` documents spread evenly over the corpus (BBC is sorted by category: the
    first N would all be business news)."""
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    step = max(len(rows) / max(limit, 1), 1.0)
    return [rows[int(n * step)] for n in range(min(limit, len(rows)))]


def documents(rows: list[dict[str, Any]]) -> list[Document]:
    return [Document(id=str(row.get("doc_id") or row.get("id")), text=row["text"],
                     title=row.get("title"), published=row.get("published") or None)
            for row in rows]


def timed(records: Any) -> tuple[list[dict], float, float]:
    """(records, seconds to the end, seconds to the first record): the second figure is
    mostly start-up (processes, model loads), the difference the steady state."""
    start = time.perf_counter()
    first = None
    out = []
    for record in records:
        if first is None:
            first = time.perf_counter() - start
        out.append(record)
    return out, time.perf_counter() - start, first or 0.0


def run_pool(rows: list[dict[str, Any]], workers: int, gate: bool = False,
             chunk_size: int = 16) -> tuple[list[dict], float, float, RunStats]:
    stats = RunStats()
    pool = _Pool(Settings(gate=gate), workers, stats)
    records, seconds, first = timed(pool.run(chunked(admitted(documents(rows)), chunk_size)))
    return records, seconds, first, stats


def run_ray(rows: list[dict[str, Any]], workers: int, chunk_size: int = 16
            ) -> tuple[list[dict], float, float, float]:
    import ray

    from wirewatch.run.ray_engine import extract_records_ray

    start = time.perf_counter()
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    started = time.perf_counter() - start
    try:
        with tempfile.TemporaryDirectory() as shards:
            records, seconds, first = timed(extract_records_ray(
                documents(rows), shards, workers=workers, chunk_size=chunk_size))
            return records, seconds, first, started
    finally:
        ray.shutdown()


def steady(documents: int, seconds: float, first: float, chunk_size: int) -> float:
    """docs/s after the first chunk came back (start-up excluded)."""
    return round((documents - chunk_size) / max(seconds - first, 1e-9), 2)


def gate_timings(rows: list[dict[str, Any]], rounds: int = 2
                 ) -> tuple[list[dict], float, list[dict], float]:
    """In this process, both pipelines loaded and warmed first: the best of ``rounds``
    alternating runs with the gate off and on (model loads would drown the difference), in
    CPU seconds of this process (what other jobs on the machine do not change)."""
    from wirewatch.api import extract_records, load_pipeline

    for gate in (False, True):
        load_pipeline(gate=gate)
        list(extract_records(documents(rows[:4]), gate=gate))
    best = {False: float("inf"), True: float("inf")}
    out: dict[bool, list[dict]] = {}
    for _ in range(rounds):
        for gate in (False, True):
            start = time.process_time()
            out[gate] = list(extract_records(documents(rows), gate=gate))
            best[gate] = min(best[gate], time.process_time() - start)
    return out[False], best[False], out[True], best[True]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--chunk-size", type=int, default=16)
    parser.add_argument("--ray", action="store_true", help="also Ray local mode")
    parser.add_argument("--gate", action="store_true", help="also the relevance gate")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.path.exists():
        raise SystemExit(f"corpus not found: {args.path}")
    rows = load(args.path, args.limit)
    counts = [int(n) for n in args.workers.split(",")]
    result: dict[str, Any] = {
        "documents": len(rows), "cores": os.cpu_count(), "machine": platform.machine(),
        "python": platform.python_version(), "runs": []}
    reference: list[dict] | None = None
    for workers in counts:
        records, seconds, first, stats = run_pool(rows, workers, chunk_size=args.chunk_size)
        reference = reference if reference is not None else records
        peak_mb = sorted(round(kb / 1024) for kb in stats.peak_rss_kb.values())
        result["runs"].append({
            "engine": "workers", "workers": workers, "seconds": round(seconds, 1),
            "docs_per_s": round(len(rows) / seconds, 2), "first_record_s": round(first, 1),
            "steady_docs_per_s": steady(len(rows), seconds, first, args.chunk_size),
            "peak_rss_mb_per_worker": peak_mb, "same_records": records == reference})
    if args.ray:
        workers = max(counts)
        records, seconds, first, started = run_ray(rows, workers, args.chunk_size)
        result["runs"].append({
            "engine": "ray-local", "workers": workers, "seconds": round(seconds, 1),
            "ray_init_s": round(started, 1), "docs_per_s": round(len(rows) / seconds, 2),
            "first_record_s": round(first, 1),
            "steady_docs_per_s": steady(len(rows), seconds, first, args.chunk_size),
            "same_records": records == reference})
    if args.gate:
        plain, off_s, gated, on_s = gate_timings(rows)
        skipped = sum("relevance gate" in (r.get("note") or "") for r in gated)
        unparsed = sum("not analysed" in (r.get("note") or "") for r in gated)
        same_events = all(a.get("events") == b.get("events") for a, b in zip(plain, gated,
                                                                              strict=True))
        result["gate"] = {"off_docs_per_cpu_s": round(len(rows) / off_s, 2),
                          "on_docs_per_cpu_s": round(len(rows) / on_s, 2),
                          "speedup": round(off_s / on_s, 3), "skipped_documents": skipped,
                          "not_parsed": unparsed,
                          "same_events": same_events}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['documents']} BBC documents, {result['cores']} cores")
    base = result["runs"][0]["docs_per_s"]
    for run in result["runs"]:
        print(f"{run['engine']:>10} x{run['workers']}: {run['docs_per_s']:7.2f} docs/s "
              f"({run['docs_per_s'] / base:.2f}x) in {run['seconds']} s, after start-up "
              f"{run['steady_docs_per_s']} docs/s"
              + (f", peak RSS per worker {run['peak_rss_mb_per_worker']} MB"
                 if "peak_rss_mb_per_worker" in run else "")
              + (f", ray.init {run['ray_init_s']} s" if "ray_init_s" in run else "")
              + ("" if run["same_records"] else "  RECORDS DIFFER"))
    if "gate" in result:
        gate = result["gate"]
        print(f"gate: {gate['off_docs_per_cpu_s']} -> {gate['on_docs_per_cpu_s']} docs/CPU-s "
              f"({gate['speedup']}x), {gate['skipped_documents']} documents skipped "
              f"({gate['not_parsed']} not parsed), "
              f"events {'identical' if gate['same_events'] else 'DIFFER'}")


if __name__ == "__main__":
    main()
