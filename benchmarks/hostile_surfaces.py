"""The hostile corpus of issue 24 through every surface added since issue 10: `watch` against
misbehaving servers on 127.0.0.1, the desk's write API (POSTs, big bodies, concurrent reads),
`gazetteer add` with broken files, damaged WARC archives, and pathological texts.

    .venv/bin/python benchmarks/hostile_surfaces.py [--only watch,serve,gazetteer,warc,text]
                                                    [--text-scale 1.0]

Everything runs locally (servers on 127.0.0.1, files in a temporary folder); the commands
run as subprocesses, so a traceback is seen as a person would see it. Prints one line per
check and a summary: tracebacks, lost good items, hung polls, the p99 of GET /api/stats
while documents are processed, and the worst per-document time and peak memory of the
pathological texts next to ordinary prose (BBC articles from ../shared/data, joined to the
same length; skipped when absent).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the scripted servers and archives of the tests
PY = sys.executable
KANO = ("Gunmen killed two police officers at a checkpoint in Kano on Monday, police "
        "spokesman Abdullahi Haruna said.")
GAO = ("Militants attacked an army base near Gao on Tuesday, killing four soldiers, the "
       "Malian army said in a statement.")
SUMMARY: dict[str, Any] = {"tracebacks": 0, "lost_good_items": 0, "hung_polls": 0}


def run(args: list[str], env: dict[str, str] | None = None, timeout: float = 600
        ) -> tuple[int, str, float]:
    start = time.monotonic()
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **(env or {})})
        rc, out = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as err:
        rc, out = 124, f"{err.stdout or ''}{err.stderr or ''}"
    took = time.monotonic() - start
    if "Traceback" in out:
        SUMMARY["tracebacks"] += 1
        print("   TRACEBACK:\n" + out[-2000:])
    return rc, out, took


# -- watch ------------------------------------------------------------------------------------

def bench_watch(tmp: Path) -> None:
    from hostile_http import HostileSite, Listener, article, broken_responses, drip, ok, redirect

    site, ftp = HostileSite(), Listener()
    try:
        broken = broken_responses()
        site.scripts.update(broken)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 600\r\n\r\n"
        site.scripts["/drip"] = drip(head, b"x" * 600, every=0.2)
        site.scripts["/drip-head"] = drip(b"", head + b"x" * 600, every=0.2)
        site.scripts["/to-ftp"] = redirect(f"ftp://127.0.0.1:{ftp.port}/x")
        site.scripts["/loop"] = redirect("/loop")
        site.scripts["/huge"] = ok(b"<html>" + b"x" * (30 << 20) + b"</html>")
        good = {f"/good{n}": ok(article(f"Report {n}", (KANO if n % 2 else GAO)
                                        .replace("two", f"{n + 2}"))) for n in range(10)}
        long_link = "/long?" + "q=" * 3000
        good[long_link] = ok(article("Long link", KANO.replace("Kano", "Kaduna")))
        site.scripts.update(good)
        bad = [*broken, "/drip", "/drip-head", "/to-ftp", "/loop", "/huge"]
        links = [(p, p) for p in bad] + [(p, "good") for p in good]
        site.feed("/feed.xml", links[::2])
        site.feed("/feed2.xml", links[1::2])
        feeds = [site.base + p for p in (*broken, "/drip-head", "/feed.xml", "/feed2.xml")]
        db = str(tmp / "watch.db")
        for poll in (1, 2):
            rc, out, took = run([PY, "-m", "wirewatch.cli", "watch", *feeds, "--db", db,
                                 "--once", "--json", "--timeout", "2", "--max-chars", "200000"])
            hung = took > 120
            SUMMARY["hung_polls"] += int(hung or rc == 124)
            print(f"watch poll {poll}: exit {rc}, {took:.1f} s, "
                  f"{sum('feed ' in ln or 'article ' in ln for ln in out.splitlines())} "
                  "one-line errors")
        from wirewatch.store import open_store

        with open_store(db) as store:
            stored = {h["doc_id"] for h in store.search("Kano OR Gao OR Kaduna", raw=True)}
        want = {site.base + p for p in good}
        lost = len(want - stored)
        SUMMARY["lost_good_items"] += lost
        refetched = sum(site.hits.get(p, 0) > 1 for p in good)
        print(f"watch: {len(want) - lost}/{len(want)} good articles stored (one with a "
              f"{len(long_link)}-character link), {refetched} fetched twice, "
              f"{ftp.accepted} connections to the ftp:// redirect target")
        SUMMARY["watch_good_stored"] = f"{len(want) - lost}/{len(want)}"
        SUMMARY["watch_ftp_connections"] = ftp.accepted
    finally:
        site.close()
        ftp.close()


# -- serve ------------------------------------------------------------------------------------

def bench_serve(tmp: Path) -> None:
    import httpx
    import uvicorn

    from wirewatch.serve.app import create_app

    db = str(tmp / "desk.db")
    token = "bench-token"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db, write_token=token), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base, timeout=900) as client:
            start = time.monotonic()
            warm = client.post("/api/documents", json=[{"id": "warm", "text": KANO}],
                               headers=auth)
            print(f"serve: first POST (worker start) {warm.status_code} in "
                  f"{time.monotonic() - start:.1f} s")
            idle = []
            for _ in range(100):
                t = time.perf_counter()
                client.get("/api/stats")
                idle.append(time.perf_counter() - t)
            heavy = [{"id": "emoji", "text": "Attack in Gao. " + "\U0001F600" * 15_000},
                     {"id": "dense", "text": "A. " * 30_000},
                     {"id": "ok", "text": GAO},
                     {"id": 77, "text": KANO.replace("Kano", "Zaria") + " \ud800"}]
            answers: list[Any] = []
            body = json.dumps(heavy).encode()  # the lone surrogate as a JSON escape
            poster = threading.Thread(target=lambda: answers.append(client.post(
                "/api/documents", content=body,
                headers={**auth, "Content-Type": "application/json"})))
            poster.start()
            busy = []
            while poster.is_alive():
                t = time.perf_counter()
                client.get("/api/stats")
                busy.append(time.perf_counter() - t)
                time.sleep(0.02)
            poster.join()
        result = answers[0].json() if answers and answers[0].status_code == 200 else {}
        SUMMARY["lost_good_items"] += 4 - int(result.get("added", 0))
        p99 = statistics.quantiles(busy, n=100)[98] * 1000 if len(busy) > 2 else float("nan")
        p99_idle = statistics.quantiles(idle, n=100)[98] * 1000
        print(f"serve: POST of 4 documents (15,000 emoji; 'A. ' x 30,000; 2 ordinary, one with "
              f"an integer id and a lone surrogate): {answers[0].status_code}, "
              f"{result.get('added')} added; GET /api/stats during it: {len(busy)} reads, "
              f"p50 {statistics.median(busy) * 1000:.1f} ms, p99 {p99:.1f} ms "
              f"(idle p99 {p99_idle:.1f} ms)")
        SUMMARY["stats_p99_ms_while_posting"] = round(p99, 1)
        for label, headers in (("no token", {}), ("token", auth)):
            status, took, rss = _declared_big_body(port, headers, 300 << 20)
            print(f"serve: 300 MB declared, {label}: {status} after {took * 1000:.0f} ms, "
                  f"server memory +{rss} MB")
        status, took = _chunked_body(port, auth, 100 << 20)
        print(f"serve: 100 MB chunked with the token: {status} after {took * 1000:.0f} ms")
    finally:
        server.should_exit = True
        thread.join(60)


def _rss_mb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def _declared_big_body(port: int, headers: dict[str, str], size: int) -> tuple[str, float, int]:
    before = _rss_mb()
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     f"\r\nContent-Length: {size}\r\n{head}\r\n".encode())
        sent = 0
        sock.settimeout(0.5)
        reply = b""
        while sent < size and b"\r\n" not in reply:
            try:
                sock.sendall(b" " * 65536)
                sent += 65536
                reply += sock.recv(4096, socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:
                break
        sock.settimeout(10)
        try:
            reply += sock.recv(4096)
        except OSError:
            pass
    status = reply.split(b" ", 2)[1].decode() if reply.count(b" ") >= 2 else "no reply"
    return status, time.monotonic() - start, _rss_mb() - before


def _chunked_body(port: int, headers: dict[str, str], size: int) -> tuple[str, float]:
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     f"\r\nTransfer-Encoding: chunked\r\n{head}\r\n".encode())
        chunk = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
        reply = b""
        sock.settimeout(2)
        try:
            for _ in range(size // 65536):
                sock.sendall(chunk)  # a server that stopped reading makes this time out
        except OSError:
            pass
        sock.settimeout(10)
        try:
            reply += sock.recv(4096)
        except OSError:
            pass
    status = reply.split(b" ", 2)[1].decode() if reply.count(b" ") >= 2 else "no reply"
    return status, time.monotonic() - start


# -- gazetteer add ------------------------------------------------------------------------------

ROW = ["990000001", "Wendkouniga-Yarce", "Wendkouniga-Yarce", "", "14.1", "-0.2", "P", "PPL",
       "BF", "", "12", "", "", "", "0", "", "280", "Africa/Ouagadougou", "2024-01-01"]


def _row(**changes: str) -> str:
    cols = list(ROW)
    for index, value in changes.items():
        cols[int(index[1:])] = value
    return "\t".join(cols) + "\n"


def bench_gazetteer(tmp: Path) -> None:
    env = {"WIREWATCH_CACHE_DIR": str(tmp / "cache")}
    good = tmp / "BF.txt"
    good.write_text(_row(), encoding="utf-8")
    rc, out, took = run([PY, "-m", "wirewatch.cli", "gazetteer", "add", str(good)], env)
    print(f"gazetteer add (good file): exit {rc} in {took:.1f} s")
    cases = {
        "superscript id": _row(c0="99000000\u00b2"), "superscript population": _row(c14="1\u00b2"),
        "nan latitude": _row(c4="nan"), "inf longitude": _row(c5="inf"),
        "latitude 95": _row(c4="95"), "9 columns": "\t".join(ROW[:9]) + "\n",
        "empty name": _row(c1=""),
    }
    files: dict[str, Path] = {}
    for name, text in cases.items():
        files[name] = tmp / f"{name.replace(' ', '_')}" / "BF.txt"
        files[name].parent.mkdir()
        files[name].write_text(text, encoding="utf-8")
    files["fake zip"] = tmp / "fake" / "BF.zip"
    files["fake zip"].parent.mkdir()
    files["fake zip"].write_bytes(b"PK\x03\x04 not a zip")
    files["latin-1"] = tmp / "latin" / "BF.txt"
    files["latin-1"].parent.mkdir()
    files["latin-1"].write_bytes(_row(c1="Ouahigouya\u00e9").encode("latin-1"))
    files["zip of a bad row"] = tmp / "zipbad" / "BF.zip"
    files["zip of a bad row"].parent.mkdir()
    with zipfile.ZipFile(files["zip of a bad row"], "w") as archive:
        archive.writestr("BF.txt", _row(c0="\u00b3"))
    cache = tmp / "cache"
    before = sorted(p.name for p in cache.rglob("*"))
    refused = 0
    for name, path in files.items():
        rc, out, _ = run([PY, "-m", "wirewatch.cli", "gazetteer", "add", str(path)], env)
        lines = out.strip().splitlines()
        refused += int(rc == 1 and len(lines) == 1)
        print(f"gazetteer add ({name}): exit {rc}: {lines[-1][:110] if lines else ''}")
    stray = sorted(set(p.name for p in cache.rglob("*")) - set(before))
    rc, out, _ = run([PY, "-c", "from wirewatch.knowledge.gazetteer import Gazetteer; "
                      "print([p.id for p in Gazetteer.load().candidates('Wendkouniga-Yarce')])"],
                     env)
    works = "990000001" in out
    SUMMARY["lost_good_items"] += int(not works)
    print(f"gazetteer: {refused}/{len(files)} refused with one line, stray files {stray}, "
          f"the earlier gazetteer still resolves its village: {works}")


# -- WARC -------------------------------------------------------------------------------------

def bench_warc(tmp: Path) -> None:
    from test_sources import write_warc

    from wirewatch.api import read_documents

    pages = ["http://news.test/kano", "http://news.test/gao"]
    silent = 0
    for compress in (False, True):
        whole = tmp / ("a.warc.gz" if compress else "a.warc")
        write_warc(whole, compress)
        data = whole.read_bytes()
        for pct in range(5, 100, 5):
            cut = tmp / ("cut.warc.gz" if compress else "cut.warc")
            cut.write_bytes(data[:len(data) * pct // 100])
            docs = list(read_documents([str(cut)]))
            errors = [d for d in docs if d.error]
            got = [d.id for d in docs if d.ok]
            if not errors or "byte" not in (errors[-1].error or ""):
                silent += 1
            if got != pages[:len(got)]:
                SUMMARY["lost_good_items"] += 1
    not_warc = 0
    for content in (b"<html><body>An article</body></html>", b"", b"\x1f\x8b\x08junk"):
        path = tmp / "page.warc"
        path.write_bytes(content)
        [doc] = read_documents([str(path)])
        not_warc += int("not a WARC archive" in (doc.error or ""))
    SUMMARY["warc_silent_truncations"] = silent
    print(f"warc: 38 truncated archives (5%..95%, plain and gzip): {silent} without an error "
          f"record naming the byte; 3 non-WARC files: {not_warc} said so")


# -- pathological texts ---------------------------------------------------------------------------

_MEASURE = """
import json, resource, sys, time
from wirewatch.api import Document, extract_records, load_pipeline
load_pipeline()
text = open(sys.argv[1], encoding="utf-8").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
[record] = extract_records([Document(id="x", text=text)])
print(json.dumps({"s": time.perf_counter() - start, "error": record.get("error"),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "base_mb": base // 1024}))
"""


def _prose(chars: int) -> str | None:
    path = ROOT.parent / "shared" / "data" / "bbc_news" / "bbc_news.jsonl"
    if not path.is_file():
        return None
    parts: list[str] = []
    size = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            parts.append(text)
            size += len(text) + 2
            if size > chars:
                break
    return "\n\n".join(parts)[:chars]


def bench_text(tmp: Path, scale: float) -> None:
    n = int(30_000 * scale)
    cases = {
        "30,000 emoji, no space": "\U0001F600" * n,
        "'A. ' x 30,000": "A. " * n,
        "'!' x 60,000 in a sentence": "Attack in Kano! " + "!" * (2 * n) + " end.",
        "brackets x 60,000": "(" * (2 * n),
        "emoji and words mixed": ("Gunmen attacked Gao. " + "\U0001F4A5?" * 500 + "\n")
        * max(1, n // 1000),
    }
    worst = (0.0, "")
    worst_mb = (0, "")
    for name, text in cases.items():
        rows = []
        for body in (text, _prose(len(text))):
            if body is None:
                continue
            path = tmp / "doc.txt"
            path.write_text(body, encoding="utf-8")
            rc, out, _ = run([PY, "-c", _MEASURE, str(path)], timeout=1800)
            line = next((ln for ln in out.splitlines() if ln.startswith("{")), None)
            rows.append(json.loads(line) if line else {"s": float("nan"), "peak_mb": 0,
                                                       "error": f"exit {rc}"})
        ratio = rows[0]["s"] / rows[1]["s"] if len(rows) == 2 and rows[1]["s"] else float("nan")
        print(f"text {name} ({len(text):,} chars): {rows[0]['s']:.1f} s, peak "
              f"{rows[0]['peak_mb']} MB" + (f"; prose of that length {rows[1]['s']:.1f} s, "
                                              f"{rows[1]['peak_mb']} MB; ratio {ratio:.2f}"
                                              if len(rows) == 2 else "")
              + (f"; error: {rows[0]['error']}" if rows[0].get("error") else ""))
        if rows[0]["s"] > worst[0]:
            worst = (rows[0]["s"], name)
        if rows[0]["peak_mb"] > worst_mb[0]:
            worst_mb = (rows[0]["peak_mb"], name)
        SUMMARY.setdefault("text_time_ratio_to_prose", {})[name] = round(ratio, 2)
    SUMMARY["worst_document_s"] = f"{worst[0]:.1f} ({worst[1]})"
    SUMMARY["worst_document_peak_mb"] = f"{worst_mb[0]} ({worst_mb[1]})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="watch,serve,gazetteer,warc,text")
    parser.add_argument("--text-scale", type=float, default=1.0,
                        help="Size of the pathological texts (1.0: 30,000 units each).")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="hostile-surfaces-") as folder:
        tmp = Path(folder)
        for name, bench in (("watch", bench_watch), ("serve", bench_serve),
                            ("gazetteer", bench_gazetteer), ("warc", bench_warc)):
            if name in wanted:
                (tmp / name).mkdir()
                bench(tmp / name)
        if "text" in wanted:
            (tmp / "text").mkdir()
            bench_text(tmp / "text", args.text_scale)
    print(json.dumps(SUMMARY, indent=1, ensure_ascii=False))
    return 1 if SUMMARY["tracebacks"] or SUMMARY["lost_good_items"] or SUMMARY["hung_polls"] \
        else 0


if __name__ == "__main__":
    raise SystemExit(main())
