"""Two and four `wirewatch ingest` processes at once into one new database: same result as one?

Per engine (SQLite, and PostgreSQL when reachable) and writer count: the inputs are dealt
into as many parts (every examples file round-robin, the GVC JSONL line by line) and every
writer also gets one shared file, so the same texts arrive from all writers at once; all
start together on a new database (so they also race to create the schema). Reported: exit
codes, documents lost or duplicated, whether the incidents (sets of member events) and
every table's row count equal one sequential run's, and the wall time against it. A
measurement, not a test; tests/test_concurrency.py has the small version.

    python benchmarks/concurrent_ingest.py [--writers 2 4] [--limit 150] [--engine both]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_runs import DEFAULT_PG_URL, contents, databases, ingest, inputs, reachable, split_jsonl

SHARED = "examples/wire.jsonl"


def parts(paths: list[str], count: int, work: Path) -> list[list[str]]:
    dealt: list[list[str]] = [[SHARED] for _ in range(count)]
    files = [p for p in paths if p != SHARED and not p.endswith(".jsonl")]
    for n, path in enumerate(files):
        dealt[n % count].append(path)
    for path in paths:
        if path.endswith(".jsonl") and path != SHARED:
            for n, part in enumerate(split_jsonl(path, count, work)):
                dealt[n].append(part)
    return dealt


def run(engine: str, paths: list[str], args: argparse.Namespace, work: Path
        ) -> list[dict[str, Any]]:
    results = []
    with databases(engine, work, args.pg_url) as dbs:
        ref_db = dbs.new("seq")
        start = time.perf_counter()
        output, _ = ingest(ref_db, paths, args.batch_size).communicate()
        sequential_s = time.perf_counter() - start
        reference = contents(ref_db)
        for writers in args.writers:
            db = dbs.new(f"w{writers}")
            start = time.perf_counter()
            children = [ingest(db, part, args.batch_size) for part in parts(paths, writers, work)]
            outputs = [child.communicate()[0] for child in children]
            wall = time.perf_counter() - start
            codes = [child.returncode for child in children]
            results.append({
                "engine": engine,
                "writers": writers,
                "exit_codes": codes,
                "sequential_s": round(sequential_s, 1),
                "concurrent_s": round(wall, 1),
                **contents(db).compare(reference),
                **({"failures": [o[-1500:] for o, c in zip(outputs, codes, strict=True) if c]}
                   if any(codes) else {}),
            })
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--limit", type=int, default=150,
                        help="GVC train articles added to the examples (0: examples only)")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ww-conc-") as tmp:
        work = Path(tmp)
        paths = inputs(work, args.limit)
        for engine in engines:
            why_not = reachable(engine, args.pg_url)
            if why_not:
                results.append({"engine": engine, "skipped": why_not})
                continue
            results.extend(run(engine, paths, args, work))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        if "skipped" in r:
            print(f"{r['engine']}: skipped ({r['skipped']})")
            continue
        print(f"{r['engine']}, {r['writers']} writers: exit {r['exit_codes']}; "
              f"{r['documents']} documents, lost {r['lost']}, duplicated {r['duplicated']}; "
              f"incidents {r['incidents']} identical={r['incidents_identical']}; "
              f"row counts identical={r['counts_identical']}; integrity {r['integrity']}; "
              f"{r['concurrent_s']} s (sequential {r['sequential_s']} s)")
        if r["counts_differing"]:
            print(f"  differing (got, sequential): {r['counts_differing']}; "
                  f"{r['incidents_differing']} incidents only on one side")
        for failure in r.get("failures", []):
            print(failure)


if __name__ == "__main__":
    main()
