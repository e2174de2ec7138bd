"""Shared by the desk's tests (tests/test_serve*.py): stores built once per test session from
the bundled examples and from a corpus of hostile articles, a live server in a thread, and
the headless Chromium to drive it (skipping cleanly where there is none).
"""

from __future__ import annotations

import atexit
import copy
import functools
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: Screenshots of the browser tests (gitignored with the rest of out/).
ARTIFACTS = ROOT / "out" / "test-artifacts" / "serve"

_TMP = Path(tempfile.mkdtemp(prefix="wirewatch-serve-tests-"))
atexit.register(shutil.rmtree, _TMP, True)

#: Each payload, if it ever ran, would set ``window.__xss`` (or open a dialog).
XSS_PAYLOADS: tuple[str, ...] = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    "<svg onload=window.__xss=3><script>window.__xss=3</script></svg>",
    '"><script>window.__xss=4</script>',
    "'><img src=x onerror=window.__xss=5>",
    "</title><script>window.__xss=6</script>",
    '<iframe src="javascript:window.__xss=7"></iframe>',
    '<a href="javascript:window.__xss=8">read more</a>',
    '<svg><animate onbegin="window.__xss=9" attributeName="x" dur="1s"/></svg>',
    "<div <script>window.__xss=10</script>",
    "<scr<script>ipt>window.__xss=11</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=12>",
    "</textarea></style><script>alert(13)</script>",
    "<body onload=window.__xss=14>",
    "{{ 7*7 }} {% raw %} ${alert(15)}",
    "<!-- <script>window.__xss=16</script> -->",
    "<object data=\"javascript:window.__xss=17\"></object>",
    "<details open ontoggle=window.__xss=18>",
)

#: URLs that must never become links.
HOSTILE_URLS: tuple[str, ...] = (
    "javascript:window.__xss=20",
    " JaVaScRiPt:window.__xss=21",
    "data:text/html,<script>window.__xss=22</script>",
    'https://example.org/" onmouseover="window.__xss=23',
    "vbscript:msgbox(24)",
)


def _hostile_documents() -> list[dict[str, Any]]:
    """Articles whose titles, outlets, URLs and sentences carry the payloads, written so the
    pipeline extracts events, entities, quotes and claims around them."""
    docs = []
    for n, payload in enumerate(XSS_PAYLOADS):
        text = (
            f"Gunmen {payload} killed three soldiers at a checkpoint in Kandahar on Monday, "
            f"police said. The attack was claimed by the Taliban {payload}.\n\n"
            f"\"We will strike again {payload},\" a spokesman for the group told reporters. "
            f"According to officials, {n + 2} people {payload} were wounded in Kandahar."
        )
        docs.append({
            "id": f"xss-{n}",
            "title": f"Attack {payload} in Kandahar",
            "outlet": f"Outlet {n} {payload}",
            "url": HOSTILE_URLS[n % len(HOSTILE_URLS)],
            "published": "2025-03-1" + str(n % 10),
            "text": text,
        })
    return docs


@functools.cache
def demo_records() -> tuple[dict[str, Any], ...]:
    """The contract records of ``examples/`` (extracted once per session)."""
    from wirewatch.api import extract_records, read_documents

    return tuple(extract_records(read_documents([str(EXAMPLES)]), include_text=True))


@functools.cache
def hostile_records() -> tuple[dict[str, Any], ...]:
    """Records of the hostile articles, plus one demo record whose every extracted value
    (entity names, types, modes, sources, statuses) was replaced by a payload: a store can
    hold records from any producer, not only from our pipeline."""
    from wirewatch.api import documents_from_rows, extract_records

    records = list(extract_records(documents_from_rows(_hostile_documents()), include_text=True))
    poisoned = copy.deepcopy(next(r for r in demo_records() if r.get("events")))
    poisoned["id"] = "xss-record"
    poisoned["title"] = XSS_PAYLOADS[0]
    poisoned["url"] = HOSTILE_URLS[0]
    poisoned["text"] = poisoned["text"] + " "  # a new text hash: stored as a new document
    poisoned.pop("text_sha256", None)
    for n, entity in enumerate(poisoned.get("entities") or []):
        entity["name"] = XSS_PAYLOADS[n % len(XSS_PAYLOADS)]
        entity["type"] = XSS_PAYLOADS[(n + 1) % len(XSS_PAYLOADS)]
        entity["aliases"] = [XSS_PAYLOADS[(n + 2) % len(XSS_PAYLOADS)]]
    for event in poisoned.get("events") or []:
        event["mode"] = XSS_PAYLOADS[8]
        for source in event.get("sources") or []:
            source["name"], source["cue"] = XSS_PAYLOADS[2], XSS_PAYLOADS[3]
        for arg in event.get("arguments") or []:
            arg["role"] = XSS_PAYLOADS[4]
    for claim in poisoned.get("claims") or []:
        claim["source"], claim["status"] = XSS_PAYLOADS[5], XSS_PAYLOADS[6]
    records.append(poisoned)
    return tuple(records)


@functools.cache
def demo_db() -> str:
    """A SQLite store of the examples (built once per session; do not write to it)."""
    from wirewatch.store import open_store

    path = _TMP / "demo.db"
    with open_store(str(path)) as store:
        store.add_records(demo_records())
    return str(path)


@functools.cache
def hostile_db() -> str:
    """A SQLite store of the examples plus the hostile articles and the poisoned record."""
    from wirewatch.store import open_store

    path = _TMP / "hostile.db"
    with open_store(str(path)) as store:
        store.add_records(demo_records())
        stats = store.add_records(hostile_records())
    assert stats.added == len(hostile_records()), stats
    return str(path)


def chromium_path() -> str | None:
    """A Chromium to drive: ``$WIREWATCH_CHROMIUM``, else Debian's ``chromium`` on PATH."""
    explicit = os.environ.get("WIREWATCH_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium through playwright; skips the test where either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set WIREWATCH_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=executable, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
        except Exception as exc:  # a browser that cannot start is an environment problem
            pytest.skip(f"Chromium at {executable} does not start: {exc}")
        try:
            yield launched
        finally:
            launched.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(db: str) -> Iterator[str]:
    """The desk on ``db`` served by uvicorn in a thread; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    from wirewatch.serve.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the desk did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# -- what rendered HTML may contain -----------------------------------------------------------

#: Every element the desk's templates write; anything else in a page came from data.
OUR_TAGS = frozenset({
    "html", "head", "meta", "title", "link", "script", "body", "header", "nav", "a", "main",
    "footer", "h1", "h2", "h3", "form", "label", "input", "select", "option", "button", "aside",
    "section", "ul", "li", "span", "p", "table", "thead", "tbody", "tr", "th", "td", "b", "dl",
    "dt", "dd", "ol", "article", "blockquote", "div", "svg", "image", "circle", "rect", "line",
    "text", "code", "mark",
})
#: The only scripts a page may load: the desk's own and the map library's (from npm).
OUR_SCRIPTS = frozenset({"/static/desk.js", "/static/map.js", "/vendor/leaflet/leaflet.js",
                         "/vendor/markercluster/leaflet.markercluster.js"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def unsafe_markup(html: str) -> list[str]:
    """Problems in a page: an element or an event-handler attribute the templates never
    write, a script other than the desk's own, or a link with a scheme other than http(s)
    or a local path."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.elements:
        if tag not in OUR_TAGS:
            problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name == "srcdoc":
                problems.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                target = value.strip()
                if not (target.startswith(("/", "#", "?")) or target.startswith(("http://",
                                                                                  "https://"))):
                    problems.append(f"{name}={value!r} on <{tag}>")
                if tag == "a" and target.startswith("http") and '"' in target:
                    problems.append(f"quote inside an external link {value!r}")
        if tag == "script" and dict(attrs).get("src") not in OUR_SCRIPTS:
            problems.append(f"script {attrs}")
    return problems
