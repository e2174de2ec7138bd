"""What the relevance gate would cost on the dev sets: events in documents it turns away.

    python benchmarks/gate_recall.py [--data ../shared/data] [--sets muc4_grit_dev,...] [--json]

One pass per dev set with the gate off (``wirewatch.api.extract_docs``): for every document
the gate's own two tests (``TextCues`` on the raw text, which keeps a document from the
parse, then ``has_cue`` over its parsed sentences) say whether it would be skipped, and
every event found in a document it would skip is an event the gate loses. Documents the gate lets through are untouched by it (the gate only adds a flag), so
this count is the gate's whole recall cost for every scorer of these sets. Reported for the
whole set and for its check half (``wirewatch.eval.common.dev_part``; the gate has no
setting tuned on any half).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dev_records import DEV_SETS, dev_documents  # benchmarks/ is the script's folder

from wirewatch.api import extract_docs, load_pipeline
from wirewatch.eval.common import dev_part
from wirewatch.pipeline.gate import has_cue

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_SETS = "muc4_grit_dev,wikievents_dev,gvc_dev"


def measure(path: Path) -> dict[str, dict[str, int]]:
    parts = {part: {"documents": 0, "unparsed": 0, "skipped": 0, "events": 0,
                    "events_lost": 0} for part in ("all", "check")}
    text_cues = load_pipeline(gate=True).get_pipe("wirewatch_gate").text_cues
    for document, doc in extract_docs(dev_documents(path)):
        events = len(doc._.ww_events) if doc is not None else 0
        unparsed = doc is not None and not text_cues(document.text or "")
        skipped = unparsed or (doc is not None and not any(has_cue(s) for s in doc.sents))
        for part in ("all", dev_part(document.id)):
            if part in parts:
                got = parts[part]
                got["documents"] += 1
                got["unparsed"] += unparsed
                got["skipped"] += skipped
                got["events"] += events
                got["events_lost"] += events if skipped else 0
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sets", default=DEFAULT_SETS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {name: measure(args.data / DEV_SETS[name]) for name in args.sets.split(",")}
    if args.json:
        print(json.dumps(result))
        return
    for name, parts in result.items():
        for part, got in parts.items():
            print(f"{name:>16} {part:>5}: {got['documents']} documents, {got['skipped']} "
                  f"skipped by the gate ({got['unparsed']} before the parse), "
                  f"{got['events_lost']} of {got['events']} events lost")


if __name__ == "__main__":
    main()
