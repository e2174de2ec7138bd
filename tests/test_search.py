"""`wirewatch search` takes what a person types; bad options are clean errors, not SQL.

The same typed query must find the same documents on SQLite (FTS5) and PostgreSQL
(tsvector), so most tests run one small corpus in both and compare. PostgreSQL tests use
their own schema (and, for the CLI, their own database) and skip when no server answers.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_store import event, record
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.store import Store, dialect, open_store
from wirewatch.store.fts_query import (
    MAX_TERMS,
    SearchQueryError,
    Term,
    fold,
    fold_char,
    fold_table,
    parse,
    to_fts5,
    to_tsquery,
)
from wirewatch.store.summary import IncidentFilter

PG_URL = os.environ.get(
    "WIREWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_SCHEMA = "wirewatch_test_search"
PG_CLI_DB = "wirewatch_test_search_cli"
runner = CliRunner()

#: A small corpus with the words people type awkwardly: hyphens, dots, apostrophes,
#: accents, operator words, prefixes, numbers.
CORPUS = {
    "shabaab1": ("Attack claimed", "The al-Shabaab militants attacked a base near Baidoa."),
    "shabaab2": (None, "Al Shabaab said it carried out the attack on Monday."),
    "us": ("U.S. response", "U.S. forces responded; the government said 3.5 tonnes arrived."),
    "dont": (None, "The governor said: don't panic, it's over."),
    "cafe": ("Café bombing", "A bomb hit a CAFÉ in Kabul; crème de la crème of the city."),
    "ops": (None, "Straße closed after the NEAR miss AND an OR gate failed; NOT again."),
    "mail": (None, "Write to press@example.org or see www.example.org/news-2024."),
    "greek": (None, "ΣΟΦΊΑ and σοφία met in Αθήνα; Ελλάς."),
    "numbers": (None, "Casualties: 12 killed, 1,200 displaced, 2024-03-10 report."),
    "protest": ("Protest", "A protest in Herat by 100% of the drivers_union members."),
}

#: Typed queries whose results the engines must agree on, with what SQLite must find.
EXPECTED = {
    "al-Shabaab": {"shabaab1", "shabaab2"},
    "AL SHABAAB": {"shabaab1", "shabaab2"},
    '"al shabaab" attack*': {"shabaab1", "shabaab2"},
    "al-shab*": {"shabaab1", "shabaab2"},
    "U.S.": {"us"},
    "u s": {"us"},  # two words, anywhere
    "don't": {"dont"},
    "it's": {"dont"},
    '""': set(),
    "gov*": {"us", "dont"},
    "governm*": {"us"},
    "government": {"us"},
    "governments": set(),  # no stemming on either engine
    "cafe": {"cafe"},
    "CAFÉ": {"cafe"},
    "creme": {"cafe"},
    "NEAR": {"ops", "shabaab1"},
    "near miss": {"ops"},
    '"miss near"': set(),
    "AND": {"ops", "greek"},
    "OR": {"ops", "mail"},
    "NOT again": {"ops"},
    "NEAR(base attacked)": set(),  # "NEAR(base" is one typed word: the phrase "near base"
    "NEAR (base attacked)": {"shabaab1"},
    "strasse": set(),  # ß is not s s
    "Straße": {"ops"},
    "press@example.org": {"mail"},
    "example.org/news-2024": {"mail"},
    "3.5": {"us"},
    "1,200": {"numbers"},
    "2024-03-10": {"numbers"},
    "ΣΟΦΊΑ": {"greek"},
    "σοφια": set(),  # Greek accents are not folded by unicode61: ί stays
    "ελλας": set(),
    "ελλάς": {"greek"},
    "title:attack": set(),  # no column filters in typed queries: words "title", "attack"
    "100%": {"protest"},
    "drivers_union": {"protest"},
    '"unbalanced quote': set(),
    '"al shabaab': {"shabaab1", "shabaab2"},
    "*": set(),
    "gov**": {"us", "dont"},
    "(": set(),
    "^": set(),
    "-": set(),
    "a:b OR c": set(),
    "'; DROP TABLE documents; --": set(),
}


def corpus_records() -> list[dict]:
    records = []
    for doc_id, (title, text) in CORPUS.items():
        item = record(doc_id, text, [])
        item["title"] = title
        records.append(item)
    return records


def _drop_pg_schema() -> None:
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory) -> Iterator[Store]:
    with open_store(str(tmp_path_factory.mktemp("search") / "s.db")) as store:
        store.add_records(corpus_records())
        yield store


@pytest.fixture(scope="module")
def pg_store() -> Iterator[Store | None]:
    """The corpus on PostgreSQL, or None when no server or driver is there."""
    try:
        import psycopg  # noqa: F401

        _drop_pg_schema()
    except (ImportError, sa.exc.OperationalError):
        yield None
        return
    store = open_store(PG_URL, schema_name=PG_SCHEMA)
    try:
        store.add_records(corpus_records())
        yield store
    finally:
        store.close()
        _drop_pg_schema()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, sqlite_store: Store, pg_store: Store | None) -> Store:
    if request.param == "sqlite":
        return sqlite_store
    if pg_store is None:
        pytest.skip(f"no PostgreSQL server or driver for {PG_URL}")
    return pg_store


def ids(store: Store, query: str, raw: bool = False) -> set[str]:
    return {hit["doc_id"] for hit in store.search(query, limit=1000, raw=raw)}


# -- the typed-query reader -------------------------------------------------------------


def test_typed_words_become_quoted_terms() -> None:
    assert parse('al-Shabaab "car bomb" gov* U.S.') == [
        Term(("al", "Shabaab")), Term(("car", "bomb")), Term(("gov",), prefix=True),
        Term(("U", "S"))]
    assert parse('NEAR AND OR NOT') == [Term((w,)) for w in ("NEAR", "AND", "OR", "NOT")]
    assert parse('"') == parse('""') == parse("*") == parse("--") == []
    assert parse('"a b') == [Term(("a", "b"))]  # an unbalanced quote runs to the end
    assert parse("x x X") == [Term(("x",)), Term(("X",))]  # repeats once
    assert parse("e\u0301tat") == [Term(("état",))]  # typed as e + combining accent


def test_engine_expressions_quote_every_token() -> None:
    terms = parse("al-Shab* NEAR café")
    assert to_fts5(terms) == '"al Shab" * AND "NEAR" AND "café"'
    assert to_tsquery(terms) == "( 'al' <-> 'shab':* ) & 'near' & 'cafe'"


def test_too_many_terms_is_a_clean_error() -> None:
    with pytest.raises(SearchQueryError, match="at most"):
        parse(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))


def test_fold_table_matches_sqlites_unicode61() -> None:
    """What PostgreSQL's column does to a letter is what SQLite's tokenizer does to it."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(t)")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, row)")
    letters = [chr(c) for c in range(0xC0, 0x250) if chr(c).isalpha()]
    letters += [chr(c) for c in range(0x391, 0x3CA) if chr(c).isalpha()]
    indexed = {}
    for letter in letters:
        conn.execute("DELETE FROM f")
        conn.execute("INSERT INTO f(t) VALUES (?)", (letter,))
        [(term,)] = conn.execute("SELECT term FROM v").fetchall()
        indexed[letter] = term
    differ = {c: (indexed[c], fold(c)) for c in letters if indexed[c] != fold(c)}
    assert differ == {}
    assert fold_table()["é"] == "e" and fold_char("ǘ") == "ǘ" and fold("İSTANBUL") == "istanbul"


# -- both engines, one meaning -----------------------------------------------------------


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_typed_queries_find_the_expected_documents(store: Store, query: str) -> None:
    assert ids(store, query) == EXPECTED[query]


def test_both_engines_return_the_same_documents(
        sqlite_store: Store, pg_store: Store | None) -> None:
    if pg_store is None:
        pytest.skip(f"no PostgreSQL server or driver for {PG_URL}")
    differ = {q: (ids(sqlite_store, q), ids(pg_store, q)) for q in EXPECTED
              if ids(sqlite_store, q) != ids(pg_store, q)}
    assert differ == {}


ODD_QUERIES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list('"\'*-+^():%_@.,;!?\\ \t\n“”«»')) | st.characters(),
            max_size=30),
    st.lists(st.sampled_from(["al-Shabaab", "U.S.", "don't", '"', "gov*", "NEAR", "AND", "OR",
                              "NOT", "(", ")", "*", "-", "^", ":", "title:", "café", "ΣΟΦΊΑ",
                              "%", "_", "\x00", "\ud800", "1,200", "NEAR(", '""', "'"]),
             max_size=8).map(" ".join),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=ODD_QUERIES)
def test_odd_typed_queries_never_raise_and_agree(
        sqlite_store: Store, pg_store: Store | None, query: str) -> None:
    found = ids(sqlite_store, query)
    if pg_store is not None:
        assert ids(pg_store, query) == found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=ODD_QUERIES)
def test_raw_queries_fail_only_as_clean_syntax_errors(
        sqlite_store: Store, pg_store: Store | None, query: str) -> None:
    for store in (sqlite_store, pg_store):
        if store is None:
            continue
        try:
            store.search(query, limit=5, raw=True)
        except SearchQueryError as err:
            assert "\n" not in str(err) and "SELECT" not in str(err)


def test_raw_passes_the_engines_syntax(store: Store) -> None:
    native = "shabaab OR governor" if store.engine.dialect.name == "sqlite" else (
        "shabaab | governor")
    assert ids(store, native, raw=True) == {"shabaab1", "shabaab2", "dont"}
    with pytest.raises(SearchQueryError, match="syntax error"):
        store.search("AND (", raw=True)


def test_limits_are_checked_before_sql(store: Store) -> None:
    for bad in (-1, 99999999999999999999):
        with pytest.raises(ValueError, match="limit"):
            store.search("attack", limit=bad)
        with pytest.raises(ValueError, match="limit"):
            store.incidents(limit=bad)
    assert store.search("attack", limit=0) == []


# -- incidents: LIKE wildcards, bounds ---------------------------------------------------


@pytest.fixture
def actor_store(tmp_path: Path) -> Iterator[Store]:
    reports = [record("t", "Taliban bombing.", [event(day="2024-03-10")]),
               record("p", "Drivers protest.", [event(type_="PROTEST", mode=None,
                                                       place="Herat", day="2024-04-01")])]
    reports[1]["entities"][0]["name"] = "Drivers_Union 100%"
    with open_store(str(tmp_path / "a.db")) as store:
        store.add_records(reports)
        yield store


def test_actor_wildcards_are_literal(actor_store: Store) -> None:
    def days(actor: str) -> list[str]:
        return [i["time"]["value"] for i in actor_store.incidents(where=IncidentFilter(actor=actor))]

    assert days("taliban") == ["2024-03-10"]
    assert days("%") == ["2024-04-01"] and days("_") == ["2024-04-01"]
    assert days("s_u") == ["2024-04-01"] and days("x%") == [] and days("t_liban") == []


def test_min_sources_beyond_any_count_finds_nothing(actor_store: Store) -> None:
    assert actor_store.incidents(where=IncidentFilter(min_sources=99999999999999999999)) == []


# -- the commands --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("search-cli") / "c.db"
    with open_store(str(path)) as store:
        store.add_records(corpus_records() + [record("i", "Kandahar bombing.", [event()])])
    return path


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert "Traceback" not in result.output and "SELECT" not in result.output
    return result


def test_search_command_reads_typed_queries(db: Path) -> None:
    result = run("search", "al-Shabaab", "--db", str(db))
    assert result.exit_code == 0
    assert sorted(line.split("\t")[0] for line in result.stdout.splitlines()) == [
        "shabaab1", "shabaab2"]
    for query in ("don't", "U.S.", "gov*", "NEAR", '"unbalanced'):
        assert run("search", query, "--db", str(db)).exit_code == 0


def test_search_command_errors_are_one_line(db: Path) -> None:
    empty = run("search", '""', "--db", str(db))
    assert empty.exit_code == 1 and "nothing to search for" in empty.output
    raw = run("search", "AND (", "--raw", "--db", str(db))
    assert raw.exit_code == 1 and "syntax error" in raw.output
    assert len(raw.output.strip().splitlines()) == 1


def test_search_output_escapes_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    item = record("x\x1b[31m", "A hostile title.", [])
    item["title"] = "evil\x1b]0;pwned\x07\ttab\nline\u202e"
    with open_store(str(path)) as store:
        store.add_records([item])
    result = run("search", "hostile", "--db", str(path))
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\u202e" not in result.stdout
    [line] = result.stdout.splitlines()
    assert line.count("\t") == 2 and "\\x1b" in line


@pytest.mark.parametrize("args", [
    ["search", "attack", "--limit", "-1"],
    ["search", "attack", "--limit", "99999999999999999999"],
    ["incidents", "--limit", "-1"],
    ["incidents", "--limit", "99999999999999999999"],
    ["incidents", "--min-sources", "99999999999999999999"],
    ["incidents", "--min-sources", "-3"],
    ["incidents", "--since", "2025-02-30"],
    ["incidents", "--until", "2024-13"],
    ["incidents", "--since", "0000"],
    ["incidents", "--since", "٢٠٢٤"],
    ["export", "--format", "jsonl", "-o", "x.jsonl", "--since", "2025-02-30"],
    ["export", "--format", "jsonl", "-o", "x.jsonl", "--min-sources", "99999999999999999999"],
])
def test_bad_options_are_usage_errors(db: Path, args: list[str]) -> None:
    result = run(*args, "--db", str(db))
    assert result.exit_code == 2, result.output


def test_good_dates_and_wildcard_actor(db: Path) -> None:
    for date in ("2024", "2024-02", "2024-02-29"):
        assert run("incidents", "--db", str(db), "--since", date).exit_code == 0
    everything = run("incidents", "--db", str(db), "--json").stdout
    assert everything and run("incidents", "--db", str(db), "--json", "--actor", "%").stdout == ""


def test_a_broken_database_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    result = run("incidents", "--db", str(junk))
    assert result.exit_code == 1 and result.output.startswith("error: database:")
    assert len(result.output.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def pg_cli_url() -> Iterator[str]:
    """A database of its own for the CLI on PostgreSQL (the CLI uses the default schema)."""
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {PG_CLI_DB}"))
            conn.execute(sa.text(f"CREATE DATABASE {PG_CLI_DB}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    url = sa.make_url(PG_URL).set(database=PG_CLI_DB).render_as_string(hide_password=False)
    with open_store(url) as store:
        store.add_records(corpus_records() + [record("i", "Kandahar bombing.", [event()])])
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {PG_CLI_DB} WITH (FORCE)"))
        admin.dispose()


def test_postgresql_commands_never_print_sql(pg_cli_url: str) -> None:
    for args in (["search", "attack", "--limit", "-1"], ["incidents", "--limit", "-1"]):
        assert run(*args, "--db", pg_cli_url).exit_code == 2
    raw = run("search", "AND (", "--raw", "--db", pg_cli_url)
    assert raw.exit_code == 1 and len(raw.output.strip().splitlines()) == 1
    found = run("search", "gov*", "--db", pg_cli_url, "--json")
    assert found.exit_code == 0 and len(found.stdout.splitlines()) == 2
    assert run("search", "don't", "--db", pg_cli_url).exit_code == 0


def test_cli_bound_is_the_stores() -> None:
    from wirewatch.cli.store import MAX_LIMIT

    assert MAX_LIMIT == dialect.MAX_LIMIT


def _make_version_2(store: Store) -> None:
    """Turn a new store back into a version-2 one (PostgreSQL: the English-stemmed column)."""
    from wirewatch.store import schema

    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            docs = dialect.prefix(store.schema_name) + "documents"
            conn.execute(sa.text(f"ALTER TABLE {docs} DROP COLUMN search_words"))
            conn.execute(sa.text(
                f"ALTER TABLE {docs} ADD COLUMN search tsvector GENERATED ALWAYS AS "
                "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, ''))) "
                "STORED"))
        conn.execute(sa.delete(schema.schema_version))
        conn.execute(sa.insert(schema.schema_version).values(
            version=2, applied_at=dt.datetime.now(dt.UTC)))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_version_2_databases_are_migrated(engine: str, tmp_path: Path) -> None:
    from wirewatch.store import schema

    def reopen() -> Store:
        if engine == "sqlite":
            return open_store(str(tmp_path / "v2.db"))
        return open_store(PG_URL, schema_name=PG_SCHEMA + "_v2")

    if engine == "postgresql":
        pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
        try:
            reopen().close()
        except sa.exc.OperationalError as exc:
            pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    store = reopen()
    try:
        with store.engine.begin() as conn:  # a leftover from an interrupted run
            conn.execute(sa.delete(schema.documents))
        store.add_records(corpus_records())
        _make_version_2(store)
        store.close()
        store = reopen()
        assert store.schema_version() == schema.SCHEMA_VERSION
        assert ids(store, "al-Shabaab") == {"shabaab1", "shabaab2"}
        assert ids(store, "gov*") == {"us", "dont"}
        if engine == "postgresql":
            with store.engine.connect() as conn:
                columns = set(conn.execute(sa.text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = :s AND table_name = 'documents'"),
                    {"s": store.schema_name}).scalars())
            assert "search" not in columns, columns
            assert "search_words" in columns, columns
    finally:
        store.close()
        if engine == "postgresql":
            admin = sa.create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}_v2" CASCADE'))
            admin.dispose()
