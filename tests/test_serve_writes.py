"""The desk's write path under hostile requests (issue 24): bodies bounded and refused before
they are read, the token checked before the body, extraction off the request path so reads
stay fast, and what the CLI repairs accepted."""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx is not installed")

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from serve_support import demo_db  # noqa: E402

from wirewatch.serve.app import create_app  # noqa: E402
from wirewatch.serve.security import safe_url  # noqa: E402

TOKEN = "s3cret"
GOOD = {"Authorization": f"Bearer {TOKEN}"}
KIDAL = "Gunmen killed four villagers in Kidal on Tuesday, officials said."


@pytest.fixture
def writable_db(tmp_path) -> str:
    path = tmp_path / "writable.db"
    shutil.copy(demo_db(), path)
    return str(path)


def call(app, method: str, path: str, headers: dict[str, str], chunks: list[bytes]
         ) -> tuple[int, int, bytes]:
    """Call the ASGI app directly: (status, body chunks the app asked for, response body)."""
    pulled = 0
    pending = list(chunks)

    async def receive():
        nonlocal pulled
        if pending:
            pulled += 1
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        await asyncio.sleep(0.01)
        return {"type": "http.disconnect"}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, pulled, body


def test_a_big_body_is_refused_by_its_length_before_a_byte_is_read(writable_db):
    app = create_app(writable_db, write_token=TOKEN, max_body_bytes=1000)
    # 300 MB declared: refused at once, nothing pulled, with the desk's security headers.
    status, pulled, body = call(app, "POST", "/api/documents",
                                {**GOOD, "content-length": str(300 << 20)}, [b"x" * 100] * 5)
    assert (status, pulled) == (413, 0)
    assert "limit" in json.loads(body)["detail"]
    status, pulled, _ = call(app, "POST", "/api/documents",
                             {**GOOD, "content-length": "12abc"}, [b"[]"])
    assert (status, pulled) == (400, 0)


def test_a_streamed_body_is_cut_off_at_the_limit(writable_db):
    app = create_app(writable_db, write_token=TOKEN, max_body_bytes=1000)
    # Sent without a length (chunked): refused once the limit is passed, not read to the end.
    status, pulled, _ = call(app, "POST", "/api/documents", GOOD, [b"x" * 300] * 50)
    assert status == 413 and pulled <= 5


def test_the_token_is_checked_before_the_body_is_read(writable_db):
    app = create_app(writable_db, write_token=TOKEN)
    for headers in ({}, {"Authorization": "Bearer nope"}):
        status, pulled, _ = call(app, "POST", "/api/documents", headers, [b"[" + b" " * 900]
                                 * 10)
        assert (status, pulled) == (401, 0)
    status, pulled, _ = call(create_app(writable_db), "POST", "/api/documents", GOOD, [b"[]"])
    assert (status, pulled) == (403, 0)


def test_what_the_cli_repairs_the_api_accepts(writable_db):
    """Lone surrogates are replaced and integer ids kept as their digits (the CLI's readers
    do both); ids, outlets and titles beyond the contract's limits are shortened with a
    note, as the CLI does, rather than refused with 422."""
    from wirewatch.contract.limits import MAX_ID_CHARS, MAX_OUTLET_CHARS

    docs = ('[{"id": 12345, "text": "Gunmen killed four villagers in Kidal on Tuesday, '
            'officials said. \\ud800"}, {"id": "' + "i" * 300_000 + '", "outlet": "'
            + "o" * 1_000_000 + '", "text": "' + KIDAL.replace("Kidal", "Gao") + '"}]')
    with TestClient(create_app(writable_db, write_token=TOKEN)) as desk:
        result = desk.post("/api/documents", content=docs.encode(),
                           headers={**GOOD, "content-type": "application/json"})
        assert result.status_code == 200, result.text
        assert result.json()["added"] == 2 and result.json()["failed"] == []
        found = desk.get("/api/documents", params={"q": "Kidal"}).json()["items"]
        assert [d["doc_id"] for d in found] == ["12345"]
        [long] = desk.get("/api/documents", params={"q": "Gao villagers"}).json()["items"]
        assert len(long["doc_id"]) == MAX_ID_CHARS
        assert len(long["outlet"]) == MAX_OUTLET_CHARS
        assert desk.post("/api/documents", json=[{"id": True, "text": KIDAL}],
                         headers=GOOD).status_code == 422
        assert desk.post("/api/documents", content=b"[{", headers=GOOD).status_code == 422


def test_links_with_direction_or_invisible_characters_are_not_links():
    for bad in ("https://example.org/\u202egnp.exe", "https://exa\u200bmple.org/",
                "https://example.org/\u2066x\u2069", "https://example.org/\u00a0x",
                "https://example.org/\u061c"):
        assert safe_url(bad) is None, repr(bad)
    assert safe_url("https://example.org/caf\u00e9") == "https://example.org/caf\u00e9"


@pytest.fixture
def live_desk(writable_db) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(writable_db, write_token=TOKEN),
                                           host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the desk did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def test_reads_stay_fast_while_documents_are_processed(live_desk):
    """Issue 24: 15,000 emoji in one document froze GET /api/stats for 18 s, extraction
    holding the server's GIL. Extraction now runs in a worker process."""
    with httpx.Client(base_url=live_desk, timeout=600) as client:
        warm = client.post("/api/documents", json=[{"id": "warm", "text": KIDAL}], headers=GOOD)
        assert warm.status_code == 200, warm.text
        idle = []
        for _ in range(60):
            start = time.perf_counter()
            client.get("/api/stats")
            idle.append(time.perf_counter() - start)
            time.sleep(0.02)
        heavy = [{"id": f"heavy-{n}", "text": f"Gunmen attacked market {n} in Gao. "
                  + "\U0001F600" * 15_000} for n in range(2)]
        answers: list = []
        poster = threading.Thread(target=lambda: answers.append(
            client.post("/api/documents", json=heavy, headers=GOOD)))
        poster.start()
        timings = []
        while poster.is_alive():
            start = time.perf_counter()
            assert client.get("/api/stats").status_code == 200
            timings.append(time.perf_counter() - start)
            time.sleep(0.02)
        poster.join()
    assert answers[0].status_code == 200 and answers[0].json()["added"] == 2
    assert len(timings) >= 20
    p99 = statistics.quantiles(timings, n=100)[98]
    # Under 100 ms on a quiet machine (the benchmark reports it); on a loaded one the reads
    # may be slow anyway, so the bound allows for what the same reads took with no POST.
    bound = max(0.1, 3 * statistics.quantiles(idle, n=100)[98])
    assert p99 < bound, f"p99 {p99 * 1000:.0f} ms over {len(timings)} reads (bound {bound})"


def test_search_for_a_word_longer_than_the_index_keeps(writable_db, tmp_path: Path):
    from typer.testing import CliRunner

    from wirewatch.cli import app

    result = CliRunner().invoke(app, ["search", "a" * 5000, "--db", writable_db])
    assert result.exit_code == 1
    assert "longer than any word the index keeps" in result.output
    assert "no letters" not in result.output
    with TestClient(create_app(writable_db)) as desk:
        for path in ("/api/documents", "/documents"):  # the desk takes 200 characters
            assert desk.get(path, params={"q": "a" * 5000}).status_code == 422
            assert desk.get(path, params={"q": "a" * 199}).status_code == 200
    from wirewatch.serve.text_search import search_documents
    from wirewatch.store import open_store

    with open_store(writable_db) as store:
        assert search_documents(store, "a" * 5000) == []
