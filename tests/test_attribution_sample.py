"""The hand-read attribution sample: 100 quotes and 100 claims from BBC politics and WikiEvents
dev, each read in its sentence by an analyst who wrote down who really said it.

The fixture (``fixtures/attribution_sample.json``) holds only ids, character offsets and the
expected speaker (a name, or null where no one is named or the item is no attribution) --
never the texts. The sample was drawn deterministically (documents in the order of the
SHA-256 of their id, at most two quotes and two claims each) after the issue-14 changes,
so it measures the final system. The test re-extracts those documents from ../shared and
checks that the share of right speakers stays at the level read by hand, and that no item
names a source that cannot speak. A second sample (``fixtures/attribution_sample_fresh.json``,
50 quotes and 50 claims from other documents, another hash order) was drawn and read after
the first had been used to find error classes: it is the honest measure of the fixes made
from the first alone; some later fixes were read off its errors, so a third sample
(``fixtures/attribution_sample_third.json``, 25 quotes and 25 claims, read after every fix)
measures the final system.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
#: Per fixture, the floor on the share of right speakers: below the share measured after the
#: issue-14 fixes (first sample 181 of 200; the second, drawn fresh after the first had been
#: read for error classes and before the fixes it led to, 86 of 100 when read, 92 after),
#: with room for a couple of offsets that move when a span boundary changes.
#: The third (50 items, drawn and read after every fix) read 47 of 50.
FLOORS = {"attribution_sample.json": 0.87, "attribution_sample_fresh.json": 0.88,
          "attribution_sample_third.json": 0.88}


def _documents(shared: Path, items: list[dict[str, Any]], sources: dict[str, str]
               ) -> dict[tuple[str, str], dict[str, Any]]:
    wanted = {(i["set"], i["doc_id"]) for i in items}
    out = {}
    for name, rel in sources.items():
        path = shared / "data" / rel
        if not path.exists():
            pytest.skip(f"{rel} is not present")
        with path.open(encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                if (name, rec["doc_id"]) in wanted:
                    out[(name, rec["doc_id"])] = rec
    return out


def _speaker(item: dict[str, Any], record: dict[str, Any]
             ) -> tuple[bool, str | None, list[str]]:
    """(found, the predicted speaker's name, every name it goes by) of one sample item."""
    key = "quotes" if item["kind"] == "quote" else "claims"
    for x in record.get(key) or ():
        if x["span"]["start"] == item["start"] and x["span"]["end"] == item["end"]:
            if key == "quotes":
                span = x.get("speaker_span")
                name = span["text"] if span else None
                entity = x.get("speaker")
            else:
                name = x["source"] if x.get("source_span") else None  # the outlet: unnamed
                entity = x.get("source_entity")
            names = [name] if name else []
            for e in record.get("entities") or ():
                if entity is not None and e["id"] == entity:
                    names += [e["name"], *e.get("aliases", []),
                              *(m["text"] for m in e.get("mentions", []))]
            return True, name, names
    return False, None, []


def _right(expected: str | None, names: list[str]) -> bool:
    if expected is None:
        return not names
    want = expected.lower()
    return any(want in n.lower() or (len(n) > 3 and n.lower() in want) for n in names)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_hand_read_attribution_sample(shared_dir, name):
    from wirewatch.api import Document, extract_records

    fixture = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    items = fixture["items"]
    docs = _documents(shared_dir, items, fixture["sources"])
    keys = sorted(docs)
    records = dict(zip(keys, extract_records(
        Document(id=k[1], text=docs[k]["text"], title=docs[k].get("title")) for k in keys),
        strict=True))
    right = 0
    for item in items:
        found, _, names = _speaker(item, records[(item["set"], item["doc_id"])])
        # An item read as no attribution is also right when the system no longer makes it.
        if (found and _right(item["expected"], names)) or (not found and item["expected"] is None):
            right += 1
    assert right / len(items) >= FLOORS[name], f"{right}/{len(items)} speakers right"
    # No source that cannot speak: every named source is an actor or a place speaking for
    # its government.
    for key in ("quotes", "claims"):
        for record in records.values():
            for x in record.get(key) or ():
                kind = x.get("speaker_kind" if key == "quotes" else "source_kind")
                if (x.get("speaker_span") if key == "quotes" else x.get("source_span")):
                    assert kind in ("actor", "place"), x
