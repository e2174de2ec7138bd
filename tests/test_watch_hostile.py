"""`wirewatch watch` against hostile servers on 127.0.0.1 (issue 24): every fetch isolated and
bounded, redirects only to http(s), links of any length remembered, on SQLite and
PostgreSQL (skipped when no server answers)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hostile_http import HostileSite, Listener, article, broken_responses, drip, ok, redirect
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.cli.fetch import MAX_REDIRECTS, fetch

KANO = ("Gunmen killed two police officers at a checkpoint in Kano on Monday, police "
        "spokesman Abdullahi Haruna said.")
GAO = ("Militants attacked an army base near Gao on Tuesday, killing four soldiers, the "
       "Malian army said in a statement.")
PG_URL = os.environ.get(
    "WIREWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_DB = "wirewatch_test_watch"


@pytest.fixture
def site() -> Iterator[HostileSite]:
    pytest.importorskip("feedparser")
    served = HostileSite()
    yield served
    served.close()


def watch(db: str, *feeds: str, timeout: float = 5.0) -> tuple[object, float]:
    start = time.monotonic()
    result = CliRunner().invoke(app, ["watch", *feeds, "--db", db, "--once", "--json",
                                      "--timeout", str(timeout)])
    return result, time.monotonic() - start


def stored_ids(db: str) -> set[str]:
    from wirewatch.store import open_store

    with open_store(db) as store:
        return {h["doc_id"] for h in store.search("Kano OR Gao", raw=True)}


def test_every_broken_server_is_one_line_and_the_good_items_are_stored(tmp_path: Path,
                                                                      site: HostileSite):
    broken = broken_responses()
    site.scripts.update(broken)
    site.scripts["/kano"] = ok(article("Police killed in Kano", KANO))
    site.scripts["/gao"] = ok(article("Base attacked near Gao", GAO))
    links = [(path, path) for path in broken]
    site.feed("/feed.xml", [("/kano", "Kano"), *links, ("/gao", "Gao")])
    db = str(tmp_path / "w.db")
    # Bad feeds first: a feed URL failing in each way must not stop the good feed after it.
    feeds = [site.base + path for path in broken] + [site.base + "/feed.xml"]
    result, took = watch(db, *feeds)
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert stored_ids(db) == {f"{site.base}/kano", f"{site.base}/gao"}
    for path in broken:  # one line for the feed URL, one for the article URL
        assert sum(f"{site.base}{path}:" in line for line in result.output.splitlines()) == 2, \
            (path, result.output)
    # The good items are remembered: the next poll does not fetch them again; the broken
    # articles are tried again (a later poll may succeed) and fail the same quiet way.
    before = dict(site.hits)
    again, _ = watch(db, site.base + "/feed.xml")
    assert again.exit_code == 0, again.output
    assert site.hits["/kano"] == before["/kano"] == 1 and site.hits["/gao"] == 1
    assert site.hits["/feed.xml"] == 2 and site.hits["/bad-status"] == 3


def test_redirects_are_followed_to_http_only_and_not_forever(site: HostileSite):
    ftp = Listener()
    try:
        site.scripts["/to-ftp"] = redirect(f"ftp://127.0.0.1:{ftp.port}/secret")
        site.scripts["/to-file"] = redirect("file:///etc/passwd")
        site.scripts["/to-nothing"] = redirect("//")
        got = fetch(site.base + "/to-ftp", 5, 1000)
        assert got.body is None and "not http(s)" in (got.error or "")
        assert fetch(site.base + "/to-file", 5, 1000).body is None
        assert fetch(site.base + "/to-nothing", 5, 1000).body is None
        time.sleep(0.3)
        assert ftp.accepted == 0  # no session was opened to the FTP target
    finally:
        ftp.close()

    site.scripts["/end"] = ok(b"<html>arrived</html>")
    for n in range(20):
        site.scripts[f"/hop{n}"] = redirect(f"/hop{n + 1}" if n < 19 else "/end")
    site.scripts["/short"] = redirect(f"//127.0.0.1:{site.port}/end")  # scheme-relative
    assert fetch(site.base + "/short", 5, 1000).body == b"<html>arrived</html>"
    site.scripts["/chain"] = redirect(f"/hop{21 - MAX_REDIRECTS}")  # 5 redirects in all
    got = fetch(site.base + "/chain", 5, 1000)
    assert got.body == b"<html>arrived</html>" and got.url == site.base + "/end"
    got = fetch(site.base + "/hop0", 5, 1000)
    assert got.body is None and "redirects" in (got.error or "")
    site.scripts["/loop"] = redirect("/loop")
    assert fetch(site.base + "/loop", 5, 1000).body is None


def test_the_timeout_bounds_the_whole_fetch(site: HostileSite):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 60\r\n\r\n"
    site.scripts["/drip-body"] = drip(head, b"x" * 60, every=0.5)
    site.scripts["/drip-head"] = drip(b"", head + b"x" * 60, every=0.5)
    for path in ("/drip-body", "/drip-head"):
        start = time.monotonic()
        got = fetch(site.base + path, 1.5, 10_000)
        took = time.monotonic() - start
        assert got.body is None and "longer than 1.5 s" in (got.error or ""), got
        assert took < 3.0, (path, took)
    site.scripts["/big"] = (b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n"
                            + b"x" * 5_000_000)
    got = fetch(site.base + "/big", 5, 100_000)
    assert got.body is None and "larger than 100000 bytes" in (got.error or "")


def test_a_slow_server_does_not_hold_the_poll(tmp_path: Path, site: HostileSite):

    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 600\r\n\r\n"
    site.scripts["/slow"] = drip(head, b"x" * 600, every=0.1)
    site.scripts["/kano"] = ok(article("Police killed in Kano", KANO))
    site.feed("/feed.xml", [("/slow", "Slow"), ("/kano", "Kano")])
    db = str(tmp_path / "w.db")
    result, took = watch(db, site.base + "/feed.xml", timeout=1.0)
    assert result.exit_code == 0, result.output
    assert took < 20, took  # the drip alone would take 60 s
    assert "longer than 1 s" in result.output
    assert stored_ids(db) == {f"{site.base}/kano"}


def _long_link_poll(db: str, site: HostileSite) -> None:

    long_path = "/kano?" + "q=" + "a" * 5000
    site.scripts[long_path] = ok(article("Police killed in Kano", KANO))
    site.scripts["/gao"] = ok(article("Base attacked near Gao", GAO))
    site.feed("/feed.xml", [(long_path, "Kano"), ("/gao", "Gao")])
    first, _ = watch(db, site.base + "/feed.xml")
    assert first.exit_code == 0, first.output
    assert "poll failed" not in first.output
    incidents = [json.loads(line) for line in first.stdout.splitlines() if line.strip()]
    assert incidents
    second, _ = watch(db, site.base + "/feed.xml")
    assert second.exit_code == 0, second.output
    assert site.hits[long_path] == 1 and site.hits["/gao"] == 1  # remembered, not refetched


def test_a_link_of_any_length_is_remembered_on_sqlite(tmp_path: Path, site: HostileSite):
    _long_link_poll(str(tmp_path / "w.db"), site)


def test_a_link_of_any_length_is_remembered_on_postgresql(site: HostileSite):
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {PG_DB}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    url = sa.make_url(PG_URL).set(database=PG_DB).render_as_string(hide_password=False)
    try:
        _long_link_poll(url, site)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
        admin.dispose()


def test_the_seen_table_of_an_earlier_version_is_carried_over(tmp_path: Path):
    from wirewatch.store import open_store
    from wirewatch.store.feeds import ensure_tables, seen_urls

    db = str(tmp_path / "w.db")
    with open_store(db) as store:
        with store.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE watch_items (url VARCHAR(2048) PRIMARY KEY, "
                                 "feed VARCHAR(2048) NOT NULL, text_sha256 VARCHAR(64), "
                                 "status VARCHAR(16) NOT NULL, seen_at VARCHAR(32) NOT NULL)"))
            conn.execute(sa.text("INSERT INTO watch_items VALUES ('http://a.test/1', "
                                 "'http://a.test/feed', NULL, 'failed', '2024-01-01')"))
        ensure_tables(store)
        assert seen_urls(store, ["http://a.test/1", "http://a.test/2"]) == {"http://a.test/1"}
        assert not sa.inspect(store.engine).has_table("watch_items")
