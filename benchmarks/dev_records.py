"""Records of every dev set, to prove that a change of structure changed no output.

    python benchmarks/dev_records.py write OUT_DIR [--data ../shared/data] [--sets a,b]
    python benchmarks/dev_records.py compare BEFORE_DIR AFTER_DIR

``write`` runs each dev set of ../shared/data through ``wirewatch.api.extract_records`` and
writes one JSONL per set, one record per line with sorted keys (so a comparison is field by
field, independent of key order). ``compare`` reports, per set, how many records are
byte-identical and the ids of the first that are not; it exits 1 when any differ.
Run ``write`` on the old commit (a worktree) and on the new one, then ``compare``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from wirewatch.api import Document, extract_records

#: name -> path under the data directory (the dev splits; train and test are not read).
DEV_SETS: dict[str, str] = {
    "wikievents_dev": "wikievents/dev.jsonl",
    "muc4_grit_dev": "muc4/grit_dev.jsonl",
    "muc4_full_dev": "muc4/full_dev.jsonl",
    "lgl_dev": "geoparsing/lgl_dev.jsonl",
    "geovirus": "geoparsing/geovirus.jsonl",
    "gvc_dev": "incidents/gvc_dev.jsonl",
    "ecbplus_dev": "incidents/ecbplus_dev.jsonl",
    "polnear_dev": "polnear/dev.jsonl",
    "acled_dev": "acled/acled_asia_2015_dev.jsonl",
}


def dev_documents(path: Path) -> Iterator[Document]:
    """Documents of one dev file, whatever its field names (id/doc_id/docid; text/doctext/
    text_raw_upper; published/date). PolNeAR's secondary annotations are skipped."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("primary") is False:
                continue
            text = row.get("text") or row.get("doctext") or row.get("text_raw_upper") or ""
            day = row.get("published") or row.get("date")
            day = day[:10] if isinstance(day, str) and len(day) >= 10 else None
            doc_id = row.get("id") or row.get("doc_id") or row.get("docid")
            yield Document(id=str(doc_id), text=text, published=day)


def write(out: Path, data: Path, names: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        start = time.perf_counter()
        count = 0
        with (out / f"{name}.jsonl").open("w", encoding="utf-8") as sink:
            for record in extract_records(dev_documents(data / DEV_SETS[name])):
                sink.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
                count += 1
        print(f"{name}: {count} records in {time.perf_counter() - start:.1f} s", flush=True)


def compare(before: Path, after: Path) -> int:
    differing = 0
    for name in DEV_SETS:
        old, new = before / f"{name}.jsonl", after / f"{name}.jsonl"
        if not old.exists() or not new.exists():
            print(f"{name}: missing in {'before' if not old.exists() else 'after'}")
            continue
        a = old.read_text(encoding="utf-8").splitlines()
        b = new.read_text(encoding="utf-8").splitlines()
        diff = [json.loads(x)["id"] for x, y in zip(a, b, strict=False) if x != y]
        same = sum(x == y for x, y in zip(a, b, strict=False))
        status = "identical" if not diff and len(a) == len(b) else "DIFFERENT"
        print(f"{name}: {status} ({same}/{len(a)} records identical, {len(b)} after)"
              + (f"; first differing ids: {diff[:5]}" if diff else ""))
        differing += status != "identical"
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("--data", type=Path, default=Path("../shared/data"))
    w.add_argument("--sets", default=",".join(DEV_SETS))
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.out, args.data, [s for s in args.sets.split(",") if s])
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
