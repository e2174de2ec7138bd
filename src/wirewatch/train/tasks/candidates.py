"""The rule pipeline's event candidates over every labelled source, cached for the encoder
tasks (events, casualties, coreference).

    python -m wirewatch.train.tasks.candidates --data ../shared/data
        --cache out/train-encoder/cache/candidates [--sources gvc_train,bbc_tune,...]

The rules stay the candidate generators: the heads learn to judge what the rules propose
(``event_filter=False``, so nothing is dropped before it is labelled). Per document the cache
keeps the text, its sentences, its number words and every candidate (type, factuality,
trigger, sentence, casualty figures with their spans, merged mentions), one JSON line per
document, written as it goes (a re-run resumes after the last document written).

Which documents: ``SOURCES`` lists each source with the part it may serve. Training parts
read train splits and the tune halves of dev sets (``eval.common.in_part``); check parts read
the check halves only. Caps keep the extraction within minutes on 2 cores (documents chosen
by id hash, not by content).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from wirewatch.eval.common import in_part, load_jsonl

QUIET = ("business", "sport", "entertainment", "tech")
#: name -> (loader over the data folder, cap on documents)
Rows = Callable[[Path], Iterator[dict[str, Any]]]


def _bbc(part: str, categories: tuple[str, ...]) -> Rows:
    def rows(data: Path) -> Iterator[dict[str, Any]]:
        for r in load_jsonl(data / "bbc_news" / "bbc_news.jsonl"):
            if r["category"] in categories and in_part(r["doc_id"], part):
                yield {"id": r["doc_id"], "text": f"{r['title']}\n\n{r['text']}",
                       "published": None, "meta": {"category": r["category"]}}
    return rows


def _gvc(split: str, part: str | None) -> Rows:
    def rows(data: Path) -> Iterator[dict[str, Any]]:
        for r in load_jsonl(data / "incidents" / f"gvc_{split}.jsonl"):
            if part and not in_part(r["id"], part):
                continue
            text = f"{r['title']}\n\n{r['text']}" if r.get("title") else r["text"]
            yield {"id": r["id"], "text": text, "published": r.get("published"),
                   "meta": {"incident_id": r["incident_id"], "title": r.get("title") or ""}}
    return rows


def _ecb(split: str, part: str | None) -> Rows:
    def rows(data: Path) -> Iterator[dict[str, Any]]:
        for r in load_jsonl(data / "incidents" / f"ecbplus_{split}.jsonl"):
            if part and not in_part(r["id"], part):
                continue
            yield {"id": r["id"], "text": r["text"], "published": None,
                   "meta": {"violent": bool(r.get("violent_incident")),
                            "incident_id": r["incident_id"]}}
    return rows


def _acled(part: str) -> Rows:
    def rows(data: Path) -> Iterator[dict[str, Any]]:
        from wirewatch.eval.acled import gold_day
        for r in load_jsonl(data / "acled" / "acled_asia_2015_dev.jsonl"):
            if in_part(r["id"], part):
                yield {"id": r["id"], "text": r["text"],
                       "published": gold_day(r["gold"]["date"] or ""), "meta": {"gold": r["gold"]}}
    return rows


def _muc(split: str) -> Rows:
    def rows(data: Path) -> Iterator[dict[str, Any]]:
        for r in load_jsonl(data / "muc4" / f"full_{split}.jsonl"):
            yield {"id": r["docid"], "text": r["doctext_gtt_lower"], "published": None,
                   "meta": {"templates": r["templates"]}}
    return rows


def _gtd(data: Path) -> Iterator[dict[str, Any]]:
    for r in load_jsonl(data / "gtd" / "gtd_train.jsonl"):
        yield {"id": r["id"], "text": r["text"], "published": r["gold"].get("date"),
               "meta": {"gold": r["gold"]}}


def _polnear(data: Path) -> Iterator[dict[str, Any]]:
    for r in load_jsonl(data / "polnear" / "train.jsonl"):
        if r.get("primary", True):
            yield {"id": r["doc_id"], "text": r["text"], "published": r.get("date"), "meta": {}}


def _wikievents(part: str) -> Rows:
    def rows(data: Path) -> Iterator[dict[str, Any]]:
        for r in load_jsonl(data / "wikievents" / "dev.jsonl"):
            if in_part(r["doc_id"], part):
                yield {"id": r["doc_id"], "text": r["text"], "published": None,
                       "meta": {"events": r["events"]}}
    return rows


SOURCES: dict[str, tuple[Rows, int]] = {
    "gvc_train": (_gvc("train", None), 0),
    "gvc_dev_tune": (_gvc("dev", "tune"), 0),
    "ecb_train": (_ecb("train", None), 0),
    "bbc_tune": (_bbc("tune", QUIET), 1000),
    "acled_tune": (_acled("tune"), 900),
    "muc4_train": (_muc("train"), 500),
    "gtd": (_gtd, 0),
    "polnear": (_polnear, 250),
    "wikievents_tune": (_wikievents("tune"), 0),
    # check halves: measured, never trained on
    "gvc_dev_check": (_gvc("dev", "check"), 0),
    "ecb_dev": (_ecb("dev", None), 0),
    "bbc_check": (_bbc("check", QUIET), 250),
    "acled_check": (_acled("check"), 300),
    "muc4_dev": (_muc("dev"), 200),
    "wikievents_check": (_wikievents("check"), 0),
}


def _hash_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: hashlib.sha256(f"cand:{r['id']}".encode()).hexdigest())


def _event_row(e: dict[str, Any]) -> dict[str, Any]:
    cas = e.get("casualties") or {}
    return {"type": e["type"], "mode": e.get("mode"), "factuality": e["factuality"],
            "generic": bool(e.get("generic")), "status": e.get("status"),
            "trigger": e["trigger"], "evidence": {k: e["evidence"][k] for k in ("start", "end")},
            "casualties": {k: cas.get(k) for k in ("killed", "injured", "kidnapped", "arrested")},
            "casualty_spans": cas.get("spans") or [],
            "mentions": e.get("mentions") or [], "time": (e.get("time") or {}).get("value"),
            "time_basis": (e.get("time") or {}).get("basis")}


def _doc_row(row: dict[str, Any], doc: Any, linear: Any) -> dict[str, Any]:
    from wirewatch.nlp.extensions import get_list
    events = get_list(doc, "ww_events")
    # the hashed linear filter's verdict on each candidate: the bake-off's other side
    # (None: a candidate it does not judge; True/False: kept/dropped by the shipped filter)
    kept: list[bool | None] = [None] * len(events)
    if linear is not None:
        from wirewatch.extract.event_filter import judged
        survivors = {(e["trigger"]["start"], e["type"]) for e in linear.keep(doc, events)}
        kept = [((e["trigger"]["start"], e["type"]) in survivors) if judged(e) else None
                for e in events]
    sents = [(s.start_char, s.end_char) for s in doc.sents]
    numbers = [(t.idx, t.idx + len(t.text), t.text) for t in doc
               if t.like_num or t.ent_type_ == "CARDINAL"]
    return {"id": str(row["id"]), "text": doc.text, "published": row.get("published"),
            "meta": row.get("meta", {}), "sents": sents, "numbers": numbers,
            "events": [dict(_event_row(e), linear_kept=k) for e, k in zip(events, kept,
                                                                          strict=True)]}


def extract(name: str, data: Path, cache: Path, log: Callable[[str], None] = print) -> Path:
    """Run the rules over one source into ``cache/<name>.jsonl`` (resuming); its path."""
    from wirewatch.api import Document, extract_docs
    from wirewatch.extract.event_filter import EventFilter, model_path

    linear = EventFilter() if model_path().exists() else None

    loader, cap = SOURCES[name]
    rows = _hash_order(list(loader(data)))
    if cap:
        rows = rows[:cap]
    path = cache / f"{name}.jsonl"
    cache.mkdir(parents=True, exist_ok=True)
    done: set[str] = set()
    if path.exists():
        done = {r["id"] for r in load_jsonl(path)}
    todo = [r for r in rows if str(r["id"]) not in done]
    marker = cache / f"{name}.done"
    if not todo:
        marker.touch()
        return path
    t0 = time.perf_counter()
    documents = (Document(id=str(r["id"]), text=r["text"], published=r.get("published"))
                 for r in todo)
    with path.open("a", encoding="utf-8") as out:
        for n, (row, (_, doc)) in enumerate(zip(todo, extract_docs(documents,
                                                                    event_filter=False),
                                                strict=True), start=1):
            if doc is not None:
                out.write(json.dumps(_doc_row(row, doc, linear)) + "\n")
                out.flush()
            if n % 50 == 0:
                log(f"{name}: {n}/{len(todo)} [{time.perf_counter() - t0:.0f} s]")
    marker.touch()
    log(f"{name}: {len(todo)} documents in {time.perf_counter() - t0:.0f} s")
    return path


def load(name: str, data: Path, cache: Path) -> list[dict[str, Any]]:
    """The cached documents of one source, extracting what is missing first."""
    path = cache / f"{name}.jsonl"
    if not (cache / f"{name}.done").exists():
        extract(name, data, cache)
    return load_jsonl(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=Path("out/train-encoder/cache/candidates"))
    parser.add_argument("--sources", default=",".join(SOURCES))
    args = parser.parse_args()
    for name in args.sources.split(","):
        extract(name, args.data, args.cache, log=lambda s: print(s, flush=True))


if __name__ == "__main__":
    main()
