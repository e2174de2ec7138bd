"""Throughput of `wirewatch extract` against raw spaCy on the same documents and machine.

Runs both in one process, single-threaded, on the first N documents of the BBC News corpus
(`../shared/data/bbc_news/bbc_news.jsonl`) and prints docs/s, words/s and the ratio. This is
a measurement, not a test: it reports whatever it measures.

    python benchmarks/throughput.py [--limit 400] [--path ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from wirewatch.api import Document, extract_records, load_pipeline
from wirewatch.nlp.model import base_model_name, load_base_model

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc_news" / "bbc_news.jsonl"


def load(path: Path, limit: int) -> list[dict]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            docs.append(json.loads(line))
            if len(docs) >= limit:
                break
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.path.exists():
        raise SystemExit(f"corpus not found: {args.path}")
    rows = load(args.path, args.limit)
    texts = [r["text"] for r in rows]
    words = sum(len(t.split()) for t in texts)

    raw = load_base_model()  # the baseline: the base spaCy model alone
    load_pipeline()
    # warm up both (lazy tables, gazetteer index)
    list(raw.pipe(texts[:5]))
    list(extract_records(Document(id="w", text=t) for t in texts[:5]))

    t0 = time.perf_counter()
    for _ in raw.pipe(texts, batch_size=args.batch_size):
        pass
    raw_s = time.perf_counter() - t0

    documents = [Document(id=str(r.get("doc_id")), text=r["text"], title=r.get("title"))
                 for r in rows]
    t0 = time.perf_counter()
    events = 0
    for record in extract_records(documents, batch_size=args.batch_size):
        events += len(record.get("events", []))
    full_s = time.perf_counter() - t0

    result = {
        "model": base_model_name(), "documents": len(texts), "words": words,
        "raw_spacy_docs_per_s": round(len(texts) / raw_s, 2),
        "raw_spacy_words_per_s": round(words / raw_s),
        "extract_docs_per_s": round(len(texts) / full_s, 2),
        "extract_words_per_s": round(words / full_s),
        "ratio": round(raw_s / full_s, 3), "events": events,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"model {result['model']}, {len(texts)} documents, {words} words")
    print(f"raw spaCy nlp.pipe : {result['raw_spacy_docs_per_s']:8.2f} docs/s "
          f"{result['raw_spacy_words_per_s']:8d} words/s")
    print(f"wirewatch extract  : {result['extract_docs_per_s']:8.2f} docs/s "
          f"{result['extract_words_per_s']:8d} words/s ({events} events)")
    print(f"ratio extract/raw  : {result['ratio']:.3f}")


if __name__ == "__main__":
    main()
