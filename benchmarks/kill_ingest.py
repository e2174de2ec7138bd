"""kill -9 at random moments of `wirewatch ingest`, then a rerun: is anything lost or doubled?

Per engine (SQLite, and PostgreSQL when reachable): one uninterrupted ingest of the inputs
(the reference, timed), then ``--kills`` runs into a second new database, each killed with
SIGKILL while it still has work. A share of the kills (the share of the reference run that
startup takes) land at a random time of startup (schema setup, model loading); the others
once the run has stored a random number of further documents, plus a random moment, so
they land in extraction and inside batch transactions. Then one run to the end.

Reported: documents lost and duplicated (documents are compared by their text's hash),
whether the incidents (as sets of member events) and every table's row count equal the
reference's, SQLite's integrity check, the final rerun's time (it skips what is stored
without extracting it again), and whether a second uninterrupted run repeats the reference
(if it does not, differences are not the kills' doing). A measurement, not a test;
tests/test_concurrency.py has a short version.

    python benchmarks/kill_ingest.py [--kills 20] [--limit 300] [--engine sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_runs import (
    DEFAULT_PG_URL,
    contents,
    databases,
    documents_in,
    ingest,
    inputs,
    reachable,
)


def run_engine(engine: str, paths: list[str], args: argparse.Namespace, work: Path
               ) -> dict[str, Any]:
    rng = random.Random(args.seed)
    with databases(engine, work, args.pg_url) as dbs:
        ref_db = dbs.new("ref")
        start = time.perf_counter()
        child = ingest(ref_db, paths, args.batch_size)
        first_commit = None
        while child.poll() is None:
            if first_commit is None and documents_in(ref_db) > 0:
                first_commit = time.perf_counter() - start
            time.sleep(0.05)
        ref_time = time.perf_counter() - start
        if child.returncode != 0:
            raise SystemExit(f"reference ingest failed:\n{child.stdout.read()}")  # type: ignore[union-attr]
        reference = contents(ref_db)
        total = len(reference.texts)
        startup = first_commit if first_commit is not None else ref_time

        db = dbs.new("killed")
        kills: list[dict[str, Any]] = []
        for n in range(args.kills):
            before = documents_in(db)
            child = ingest(db, paths, args.batch_size)
            begun = time.perf_counter()
            if rng.random() < startup / ref_time:  # in schema setup or model loading
                phase = "startup"
                deadline = begun + rng.uniform(0.0, startup)
                while (child.poll() is None and time.perf_counter() < deadline
                       and documents_in(db) == before):  # startup ends at the first commit
                    time.sleep(0.02)
            else:  # once the run has stored a random share of what is left, plus a moment
                phase = "storing"
                # on average half an even share of what is left: work remains for later kills
                step = rng.randint(1, max(1, (total - before) // (args.kills - n)))
                target = min(total - 1, before + step)
                while child.poll() is None and documents_in(db) < target:
                    time.sleep(0.05)
                time.sleep(rng.uniform(0.0, 0.25))  # within a burst of commits
            finished = child.poll() is not None
            if not finished:
                child.send_signal(signal.SIGKILL)
            child.wait()
            kills.append({"phase": phase, "after_s": round(time.perf_counter() - begun, 2),
                          "stored_before": before, "stored_after": documents_in(db),
                          "finished_first": finished})
        start = time.perf_counter()
        child = ingest(db, paths, args.batch_size)
        output, _ = child.communicate()
        rerun_time = time.perf_counter() - start
        result = contents(db).compare(reference)
        # a second uninterrupted run: is the reference itself repeatable (extraction and
        # merging deterministic, code unchanged meanwhile)?
        again_db = dbs.new("again")
        ingest(again_db, paths, args.batch_size).communicate()
        repeatable = contents(again_db).compare(reference)["incidents_identical"]
    return {
        "engine": engine,
        "documents": total,
        "reference_s": round(ref_time, 1),
        "startup_s": round(startup, 1),
        "kills": sum(not k["finished_first"] for k in kills),
        "kills_in_startup": sum(k["phase"] == "startup" and not k["finished_first"]
                                for k in kills),
        "runs_that_finished_before_their_kill": sum(k["finished_first"] for k in kills),
        "kills_with_progress": sum(k["stored_after"] > k["stored_before"] for k in kills),
        "kills_with_work_left": sum(k["stored_before"] < total and not k["finished_first"]
                                    for k in kills),
        "final_run_exit": child.returncode,
        "final_run_s": round(rerun_time, 1),
        "reference_repeatable": repeatable,
        **result,
        "kill_log": kills,
        **({"final_run_output": output[-2000:]} if child.returncode else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--limit", type=int, default=300,
                        help="GVC train articles added to the examples (0: examples only)")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--log", action="store_true", help="print every kill")
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    results = []
    with tempfile.TemporaryDirectory(prefix="ww-kill-") as tmp:
        work = Path(tmp)
        paths = inputs(work, args.limit)
        for engine in engines:
            why_not = reachable(engine, args.pg_url)
            if why_not:
                results.append({"engine": engine, "skipped": why_not})
                continue
            results.append(run_engine(engine, paths, args, work))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        if "skipped" in r:
            print(f"{r['engine']}: skipped ({r['skipped']})")
            continue
        print(f"{r['engine']}: {r['documents']} documents; reference ingest {r['reference_s']} s "
              f"(first commit after {r['startup_s']} s)")
        print(f"  {r['kills']} kill -9 ({r['kills_with_work_left']} with documents left to "
              f"store, {r['kills_in_startup']} in startup, "
              f"{r['kills_with_progress']} after progress in that run; "
              f"{r['runs_that_finished_before_their_kill']} runs finished before their kill)")
        print(f"  final run: exit {r['final_run_exit']}, {r['final_run_s']} s")
        print(f"  lost {r['lost']}, duplicated {r['duplicated']}, unexpected {r['unexpected']}; "
              f"incidents {r['incidents']} identical={r['incidents_identical']}; "
              f"row counts identical={r['counts_identical']}; integrity {r['integrity']}; "
              f"a second uninterrupted run gives the same incidents: {r['reference_repeatable']}")
        if r["counts_differing"]:
            print(f"  differing (got, reference): {r['counts_differing']}; "
                  f"{r['incidents_differing']} incidents only on one side")
        if args.log:
            for k in r["kill_log"]:
                print(f"    {k['phase']:8} kill at {k['after_s']:6.2f} s: {k['stored_before']} -> "
                      f"{k['stored_after']} stored{' (finished first)' if k['finished_first'] else ''}")
        if "final_run_output" in r:
            print(r["final_run_output"])


if __name__ == "__main__":
    main()
