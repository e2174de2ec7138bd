"""Sources at scale: WARC archives as input, and `wirewatch watch` polling feeds served on
127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import gzip
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.api import read_documents
from wirewatch.cli import app

ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{text}</p><p>The regional governor said security forces had sealed off the area and that
an investigation was under way. Residents described hearing gunfire for about an hour.</p>
</article></body></html>"""

KANO = ("Gunmen killed two police officers at a checkpoint in Kano on Monday, police "
        "spokesman Abdullahi Haruna said.")
GAO = ("Militants attacked an army base near Gao on Tuesday, killing four soldiers, the "
       "Malian army said in a statement.")


def page(title: str, text: str) -> bytes:
    return ARTICLE.format(title=title, text=text).encode("utf-8")


def write_warc(path: Path, compress: bool) -> None:
    warcio = pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress)

        def response(uri: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers))

        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        writer.write_record(writer.create_warc_record(
            "http://news.test/kano", "request", payload=io.BytesIO(b"GET /kano HTTP/1.1\r\n\r\n")))
        response("http://news.test/kano", page("Police killed in Kano", KANO),
                 "text/html; charset=utf-8")
        response("http://news.test/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
        response("http://news.test/feed.json", b'{"a": 1}', "application/json")
        response("http://news.test/gone", page("Gone", GAO), "text/html", "404 Not Found")
        response("http://news.test/gao", page("Base attacked near Gao", GAO), "text/html")
    assert warcio


@pytest.mark.parametrize("name", ["news.warc", "news.warc.gz"])
def test_warc_gives_its_html_responses_only(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path, compress=name.endswith(".gz"))
    if name.endswith(".gz"):
        assert gzip.open(path).read(4) == b"WARC"
    docs = list(read_documents([str(path)]))
    assert [d.id for d in docs] == ["http://news.test/kano", "http://news.test/gao"]
    assert all(d.ok and d.from_html and d.url == d.id for d in docs)
    assert "Kano" in docs[0].text and "Gao" in docs[1].text


def test_warc_ingest_stores_the_html_pages(tmp_path: Path) -> None:
    path = tmp_path / "news.warc.gz"
    write_warc(path, compress=True)
    db = tmp_path / "w.db"
    result = CliRunner().invoke(app, ["ingest", "--quiet", "--workers", "1", str(path),
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    from wirewatch.store import open_store

    with open_store(str(db)) as store:
        assert {hit["doc_id"] for hit in store.search("killed OR attacked", raw=True)} == {
            "http://news.test/kano", "http://news.test/gao"}


def test_damaged_warc_keeps_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc"
    write_warc(path, compress=False)
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"http://news.test/gao") + 40] + b"\r\n\r\nGARBAGE")
    docs = list(read_documents([str(path)]))
    assert docs[0].id == "http://news.test/kano" and docs[0].ok
    assert len(docs) <= 2


class _Site:
    """A feed and its articles on 127.0.0.1, counting each path's GETs."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                body, ctype = site.pages.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def feed(self, items: list[tuple[str, str]]) -> None:
        entries = "".join(
            f"<item><title>{title}</title><link>{self.base}{path}</link>"
            f"<pubDate>Mon, 06 May 2024 08:00:00 GMT</pubDate></item>" for path, title in items)
        rss = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
               f"<link>{self.base}/</link>{entries}</channel></rss>")
        self.pages["/feed.xml"] = (rss.encode(), "application/rss+xml")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    pytest.importorskip("feedparser")
    served = _Site()
    yield served
    served.close()


def test_watch_ingests_a_new_item_exactly_once_across_polls(tmp_path: Path, site) -> None:
    db = str(tmp_path / "watch.db")
    site.pages["/kano"] = (page("Police killed in Kano", KANO), "text/html")
    site.pages["/gao"] = (page("Base attacked near Gao", GAO), "text/html")
    site.pages["/gao-copy"] = (page("Base attacked near Gao", GAO), "text/html")
    site.feed([("/kano", "Police killed in Kano"), ("/missing", "Gone")])
    runner = CliRunner()

    def poll() -> list[dict]:
        result = runner.invoke(app, ["watch", f"{site.base}/feed.xml", "--db", db, "--once",
                                     "--json", "--quiet", "--filter", "nigeria"])
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    saved = runner.invoke(app, ["watch", f"{site.base}/feed.xml", "--db", db, "--once",
                                "--json", "--quiet", "--filter", "nigeria", "--country", "NG"])
    assert saved.exit_code == 0, saved.output
    first = [json.loads(line) for line in saved.stdout.splitlines() if line.strip()]
    assert first and all(i["location"]["country_code"] == "NG" for i in first)
    assert site.hits["/kano"] == 1 and site.hits["/missing"] == 1

    site.feed([("/gao", "Base attacked near Gao"), ("/gao-copy", "Same story"),
               ("/kano", "Police killed in Kano"), ("/missing", "Gone")])
    second = poll()  # the saved filter (NG) hides the new Malian incident
    assert second == []
    assert site.hits["/kano"] == 1 and site.hits["/missing"] == 1  # not fetched again
    assert site.hits["/gao"] == 1 and site.hits["/gao-copy"] == 1

    from wirewatch.store import open_store

    with open_store(db) as store:
        hits = {h["doc_id"] for h in store.search("Kano OR Gao", raw=True)}
    assert hits == {f"{site.base}/kano", f"{site.base}/gao"}  # the copy stored once
    assert poll() == [] and site.hits["/gao"] == 1


def test_they_speaks_for_the_group_subject_before_it():
    """"they" stands for a speaking group subject of the sentences before (a coordination
    of people, a plural person noun); not for things."""
    from wirewatch.api import Document, extract_records

    text = ("Tony Blair and Gordon Brown are trying to stuff the genie back into the bottle.\n\n"
            "Along with senior colleagues, they are insisting their only job is to win the "
            "next election.")
    [record] = extract_records([Document(id="a", text=text)])
    [claim] = [c for c in record["claims"] if c["span"]["text"].startswith("their only job")]
    assert claim["source"] == "Tony Blair"
    assert claim["source_mention"]["text"] == "they"
    text = "The files are believed to contain security details. They said the files were lost."
    [record] = extract_records([Document(id="b", text=text)])
    [claim] = [c for c in record["claims"] if c["span"]["text"].startswith("the files were")]
    assert claim["source_span"] is None
