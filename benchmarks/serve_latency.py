"""Latency of the desk's incidents list on a large store, and the weight of the UI's first load.

Builds (or reuses) a SQLite store of about ``--events`` events by replicating the records of
``examples/`` through ``Store.add_records``: each replica gets unique document ids, its own
dates (every event dated to a day, replicas spread over the years) and places jittered by a
few degrees, so replicas make new incidents rather than one giant merge. Then it times the
list (API and HTML page) under a set of filters, in process through FastAPI's TestClient
(no network), and prints p50/p99 per query and the bytes of the first page load.

    .venv/bin/python benchmarks/serve_latency.py --events 50000
    .venv/bin/python benchmarks/serve_latency.py --events 5000 --db out/bench-5k.db
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: (label, path) of the timed requests.
QUERIES: tuple[tuple[str, str], ...] = (
    ("list, no filter", "/api/incidents"),
    ("list, country", "/api/incidents?country=NG"),
    ("list, type + since", "/api/incidents?type=ASSAULT&since=2020"),
    ("list, status", "/api/incidents?status=claimed"),
    ("list, min sources 2", "/api/incidents?min_sources=2"),
    ("list, bbox", "/api/incidents?bbox=30,-5,50,15"),
    ("list, text query", "/api/incidents?q=bomb"),
    ("list, actor + role", "/api/incidents?actor=islamic&role=agent"),
    ("list + facets", "/api/incidents?facets=true"),
    ("page /, facets", "/"),
    ("page /, country + type", "/?country=NG&type=ASSAULT"),
    ("page /, sort killed", "/?sort=killed"),
    ("page /, killed 5-50 + sources", "/?min_killed=5&max_killed=50&sort=sources"),
    ("page /, ACLED type", "/?acled_type=Battles"),
    ("page /map", "/map"),
    ("map points, no filter", "/map/points.json"),
    ("map points, country", "/map/points.json?country=NG"),
    ("page /timeline", "/timeline"),
    ("page /timeline, background", "/timeline?background=true"),
    ("page /documents?q=", "/documents?q=bomb"),
    ("page /help", "/help"),
)


def demo_records() -> list[dict[str, Any]]:
    from wirewatch.api import extract_records, read_documents

    return list(extract_records(read_documents([str(ROOT / "examples")]), include_text=True))


def replica(record: dict[str, Any], n: int, rng: random.Random) -> dict[str, Any]:
    """Copy ``n`` of a record: unique id and text, events dated and placed apart."""
    item = copy.deepcopy(record)
    item["id"] = f"{record['id']}-r{n}"
    item["text"] = f"{record.get('text') or ''}\n\nReplica {n}."
    item.pop("text_sha256", None)
    base = dt.date(2010, 1, 1) + dt.timedelta(days=(n * 397) % 5800)
    item["published"] = base.isoformat()
    for k, event in enumerate(item.get("events") or []):
        day = base + dt.timedelta(days=k % 3)
        span = (event.get("time") or {}).get("span")
        event["time"] = {"value": day.isoformat(), "precision": "day", "span": span}
        place = event.get("location")
        if isinstance(place, dict) and place.get("lat") is not None:
            place["lat"] = max(-85.0, min(85.0, place["lat"] + rng.uniform(-4, 4)))
            place["lon"] = max(-179.0, min(179.0, place["lon"] + rng.uniform(-4, 4)))
    return item


def build(db: str, events: int, batch: int = 200) -> None:
    from wirewatch.store import open_store

    started = time.perf_counter()
    records = demo_records()
    per_round = sum(len(r.get("events") or []) for r in records)
    print(f"extracted {len(records)} example records ({per_round} events) in "
          f"{time.perf_counter() - started:.1f}s", flush=True)
    rng = random.Random(7)
    rounds = -(-events // per_round)
    started = time.perf_counter()
    with open_store(db) as store:
        pending: list[dict[str, Any]] = []
        stored = 0
        for n in range(rounds):
            pending.extend(replica(r, n, rng) for r in records)
            if len(pending) >= batch or n == rounds - 1:
                store.add_records(pending, batch_size=batch)
                stored += len(pending)
                pending = []
                if (n + 1) % 50 == 0:
                    rate = stored / (time.perf_counter() - started)
                    print(f"  {stored} documents, {rate:.0f} docs/s", flush=True)
        counts = store.counts()
    took = time.perf_counter() - started
    print(f"built {db}: {counts['documents']} documents, {counts['events']} events, "
          f"{counts['incidents']} incidents in {took:.0f}s", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(db: str, repeats: int) -> None:
    from fastapi.testclient import TestClient

    from wirewatch.serve.app import create_app
    from wirewatch.store import open_store

    with open_store(db) as store:
        counts = store.counts()
    print(f"\nstore: {counts['events']} events, {counts['incidents']} incidents, "
          f"{counts['documents']} documents")
    with TestClient(create_app(db)) as client:
        for _label, path in QUERIES:  # warm caches (SQLite pages, templates, imports)
            assert client.get(path).status_code == 200, path
        times: dict[str, list[float]] = {label: [] for label, _p in QUERIES}
        totals: dict[str, int] = {}
        for _ in range(repeats):
            for label, path in QUERIES:
                started = time.perf_counter()
                response = client.get(path)
                times[label].append((time.perf_counter() - started) * 1000)
                if path.startswith("/api"):
                    totals[label] = response.json()["total"]
        print(f"\n{'query':30} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
              f"   ({repeats} runs each)")
        every: list[float] = []
        for label, _path in QUERIES:
            every += times[label]
            print(f"{label:30} {totals.get(label, ''):>8} {statistics.median(times[label]):8.1f} "
                  f"{percentile(times[label], 0.95):8.1f} {percentile(times[label], 0.99):8.1f}")
        print(f"{'all requests':30} {'':>8} {statistics.median(every):8.1f} "
              f"{percentile(every, 0.95):8.1f} {percentile(every, 0.99):8.1f}")

        print("\nfirst load of the UI (bytes as served, uncompressed):")
        first = {path: len(client.get(path).content)
                 for path in ("/", "/static/desk.css", "/static/desk.js")}
        for path, size in first.items():
            print(f"  {path:22} {size / 1024:8.1f} KiB")
        print(f"  {'total':22} {sum(first.values()) / 1024:8.1f} KiB")
        map_load = {path: len(client.get(path).content)
                    for path in ("/map", "/map/points.json", "/map/countries.geojson",
                                 "/static/map.js", "/vendor/leaflet/leaflet.js",
                                 "/vendor/markercluster/leaflet.markercluster.js")}
        for path, size in map_load.items():
            print(f"  {path:40} {size / 1024:8.1f} KiB  (map; borders and library cached a day)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--db", default=str(ROOT / "out" / "bench-serve.db"))
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="Rebuild an existing --db.")
    args = parser.parse_args()
    path = Path(args.db)
    if args.rebuild and path.exists():
        path.unlink()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(str(path), args.events)
    measure(str(path), args.repeats)


if __name__ == "__main__":
    main()
