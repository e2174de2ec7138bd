"""Gazetteer index load time: the compiled cache should reload in well under a second.

Measures, on this machine, loading the full packaged index from its cache (built first if
absent) and building plus loading a small index (cities over 15,000 people) in a temporary
directory. A measurement, not a test (timings depend on the machine): it prints what it
measures and ``--max-seconds`` turns the full-index load time into an exit status.

    python benchmarks/gazetteer_load.py [--repeat 3] [--max-seconds 1.0] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from wirewatch.knowledge.gazetteer import Gazetteer, build_index, cache_path


def timed_load(path: Path, repeat: int) -> tuple[float, int]:
    """(median seconds to load ``path``, entries in the index)."""
    seconds, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        gazetteer = Gazetteer.from_file(path)
        seconds.append(time.perf_counter() - started)
        size = len(gazetteer)
    return statistics.median(seconds), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="loads per index (median)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="exit 1 when the full index takes longer than this to load")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    full = cache_path()
    if not full.exists():
        build_index()
    full_s, full_n = timed_load(full, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        small = build_index(Path(tmp), min_population=15000)
        build_s = time.perf_counter() - started
        small_s, small_n = timed_load(small, args.repeat)
    result = {
        "full_entries": full_n, "full_load_s": round(full_s, 3),
        "small_entries": small_n, "small_build_s": round(build_s, 2),
        "small_load_s": round(small_s, 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"full index  : {full_n} entries, loaded in {full_s:.3f} s (median of {args.repeat})")
        print(f"small index : {small_n} entries, built in {build_s:.2f} s, "
              f"loaded in {small_s:.3f} s")
    if args.max_seconds is not None and full_s > args.max_seconds:
        raise SystemExit(f"full index load {full_s:.3f} s > {args.max_seconds} s")


if __name__ == "__main__":
    main()
