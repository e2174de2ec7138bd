"""Task ``coref``: do two violent-event mentions of one article speak of the same incident
(a pair head over the two triggers, each read in its own sentence window)?

Labels: ``same``, ``different``.

Derived by this script: every trigger the rules found for an ASSAULT or FIGHT candidate (its
own and the mentions it merged) is aligned to the gold event mentions it overlaps; two
aligned triggers of one document are ``same`` when their gold mentions share a chain, else
``different``. Gold chains: ECB+ train (CC BY 3.0; within-document use of its chains) and the
GVC dev mentions, tune half only (CC BY 4.0; mentions of the article's incident and of other
incidents recalled). Check: ECB+ dev and the GVC dev check half.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

from wirewatch.eval.common import in_part, load_jsonl
from wirewatch.train.tasks import Example, TaskData
from wirewatch.train.tasks.events_common import VIOLENT, overlaps, sentence_of, source_docs

LABELS = ["same", "different"]
#: At most this many pairs per document (long articles would swamp the rest).
MAX_PAIRS = 30

CARD = """- sources: pairs of rule triggers of ASSAULT/FIGHT candidates aligned to gold event
  mentions (`train/tasks/coref.py`): ECB+ train within-document chains (CC BY 3.0) and GVC dev
  mention chains, tune half (CC BY 4.0). Check: ECB+ dev and GVC dev check half."""


def _ecb_chains(data: Path) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = {}
    for m in load_jsonl(data / "incidents" / "ecbplus_mentions_train_dev.jsonl"):
        if m["kind"] == "event" and m.get("contiguous", True):
            out.setdefault(m["doc_id"], []).append((m["start"], m["end"], m["chain_id"]))
    return out


def _gvc_chains(data: Path, part: str, docs: list[dict[str, Any]]
                ) -> dict[str, list[tuple[int, int, str]]]:
    titles = {d["id"]: d.get("meta", {}).get("title") or "" for d in docs}
    out: dict[str, list[tuple[int, int, str]]] = {}
    for m in load_jsonl(data / "incidents" / "gvc_mentions_dev.jsonl"):
        if not in_part(m["doc_id"], part) or m["doc_id"] not in titles:
            continue
        title = titles[m["doc_id"]]
        shift = len(title) + 2 if title and m.get("field") == "text" else 0
        out.setdefault(m["doc_id"], []).append((m["start"] + shift, m["end"] + shift,
                                                m["chain_id"]))
    return out


def pairs_of(doc: dict[str, Any], chains: list[tuple[int, int, str]], rng: random.Random
             ) -> list[Example]:
    """The labelled trigger pairs of one document."""
    aligned: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for event in doc["events"]:
        if event["type"] not in VIOLENT:
            continue
        for t in [event["trigger"], *event.get("mentions", [])]:
            key = (t["start"], t["end"])
            if key in seen:
                continue
            seen.add(key)
            for s, e, chain in chains:
                if overlaps(key, (s, e)):
                    aligned.append((t["start"], t["end"], chain))
                    break
    pairs = list(itertools.combinations(aligned, 2))
    rng.shuffle(pairs)
    out = []
    for a, b in pairs[:MAX_PAIRS]:
        sa, sb = sentence_of(doc, a[0]), sentence_of(doc, b[0])
        label = "same" if a[2] == b[2] else "different"
        ta = doc["text"][sa[0]:sa[1]]
        item = ((a[0] - sa[0], a[1] - sa[0]), (b[0] - sb[0], b[1] - sb[0]), label)
        out.append(Example(ta, [item], doc=doc["id"],
                           text_b=None if sa == sb else doc["text"][sb[0]:sb[1]]))
    return out


def build(data_dir: Path, part: str, cache: Path) -> TaskData:
    """Trigger pairs of ECB+ train and GVC dev tune (``train``) or ECB+ dev and GVC dev
    check (``check``)."""
    store = cache.parent / "candidates"
    rng = random.Random(f"coref:{part}")
    ecb = _ecb_chains(data_dir)
    examples: list[Example] = []
    for source in (("ecb_train", "gvc_dev_tune") if part == "train"
                   else ("ecb_dev", "gvc_dev_check")):
        docs = source_docs(source, data_dir, store)
        chains = ecb if source.startswith("ecb") else _gvc_chains(
            data_dir, "tune" if part == "train" else "check", docs)
        for doc in docs:
            if doc["id"] in chains:
                examples += pairs_of(doc, chains[doc["id"]], rng)
    return TaskData("coref", "pair", LABELS, examples, CARD)
