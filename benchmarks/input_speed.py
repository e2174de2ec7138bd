"""Speed and memory of the input shapes that used to be pathological (issue 10).

    python benchmarks/input_speed.py [--compare] [--cases lines,long,html]

- ``lines``: a 150 KB text of 50,000 short lines. Paragraph starts used to be set token by
  token (spaCy's ``is_sent_start`` setter scans the whole Doc each time: quadratic, 70 s);
  they are now written in one array operation. ``--compare`` also times the old way.
- ``long``: a 1,100,000-character text, just over spaCy's default ``max_length``; it used to
  fail, and is now parsed in pieces of 100,000 characters. ``--compare`` also runs it whole
  (``nlp.max_length`` raised) to compare time and peak memory.
- ``html``: a page one byte over the HTML limit for ``--max-chars 2000000`` (20 MB): refused
  from its size alone, before it is read or parsed (it took 127 s and 4 GB when parsed).

Each case runs in a fresh subprocess so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEWS = ("Gunmen attacked a police station in Mogadishu on Monday, killing three officers, "
        "police said. The attackers fled in a car, a witness told reporters.\n\n")


def _old_paragraph_starts(doc: object) -> None:
    """The former splitter: one ``is_sent_start`` assignment per line (quadratic)."""
    for token in doc[:-1]:  # type: ignore[index]
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            nxt = doc[token.i + 1]  # type: ignore[index]
            if not nxt.is_space:
                nxt.is_sent_start = True


def run_case(case: str, mode: str) -> dict[str, object]:
    """One measurement in this process."""
    from wirewatch.api import Document, extract_records, load_pipeline, read_documents

    nlp = load_pipeline()
    if case == "lines":
        text = "ab\n" * 50_000
        if mode == "old":
            import wirewatch.pipeline.paragraphs as component

            component.mark_paragraph_starts = _old_paragraph_starts
        document = Document(id="lines", text=text)
    elif case == "long":
        text = (NEWS * (1_100_000 // len(NEWS) + 1))[:1_100_000]
        if mode == "old":
            import wirewatch.pipeline as pipeline

            pipeline.LONG_TEXT = 10**9
            nlp.max_length = len(text) + 1
        document = Document(id="long", text=text, published="2024-03-05")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.html"
            with path.open("wb") as handle:
                handle.truncate(20_000_001)  # sparse: no need to write 20 MB
            started = time.perf_counter()
            (document,) = read_documents([str(path)], max_chars=2_000_000)
            seconds = time.perf_counter() - started
        return {"case": case, "mode": mode, "seconds": round(seconds, 3),
                "result": document.error, "max_rss_mb": _rss_mb()}
    started = time.perf_counter()
    (record,) = extract_records([document])
    seconds = time.perf_counter() - started
    return {"case": case, "mode": mode, "chars": len(text), "seconds": round(seconds, 1),
            "result": record.get("error") or f"{len(record['events'])} events",
            "max_rss_mb": _rss_mb()}


def _rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compare", action="store_true", help="also time the old behaviour")
    parser.add_argument("--cases", default="lines,long,html")
    parser.add_argument("--one", nargs=2, metavar=("CASE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(*args.one)))
        return
    for case in args.cases.split(","):
        modes = ["new", "old"] if args.compare and case != "html" else ["new"]
        for mode in modes:
            out = subprocess.run([sys.executable, __file__, "--one", case, mode],
                                 capture_output=True, text=True, check=False)
            lines = out.stdout.strip().splitlines()
            print(lines[-1] if out.returncode == 0 and lines else
                  json.dumps({"case": case, "mode": mode, "failed": out.stderr[-500:]}),
                  flush=True)


if __name__ == "__main__":
    main()
