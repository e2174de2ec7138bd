"""Ingest: every INPUT kind -> Documents, bad inputs -> error documents, language flags."""

from __future__ import annotations

import io
import json
import os
import socket
from pathlib import Path

import pytest

from wirewatch.ingest.checks import (
    check_text,
    guess_language,
    is_english,
    normalise_published,
    parse_published,
)
from wirewatch.ingest.document import Document
from wirewatch.ingest.html import html_to_document
from wirewatch.ingest.readers import iter_documents

EN_TEXT = (
    "Suspected insurgents attacked a village in northeastern Nigeria on Monday, killing at "
    "least twelve people, local officials said. The attackers arrived on motorcycles shortly "
    "after dawn and set fire to several homes, according to residents who fled to the town."
)
DE_TEXT = (
    "Bei einem Anschlag auf einen Markt in der Hauptstadt sind am Montag mindestens zwölf "
    "Menschen getötet worden. Die Polizei teilte mit, dass die Täter noch nicht gefasst wurden "
    "und die Ermittlungen andauern."
)
ES_TEXT = (
    "Al menos doce personas murieron el lunes en un ataque contra un mercado de la capital, "
    "según informaron las autoridades. La policía dijo que los atacantes todavía no han sido "
    "detenidos y que la investigación continúa."
)
ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<title>Gunmen attack village in Borno | Daily Wire Monitor</title>
<meta property="og:title" content="Gunmen attack village in Borno">
<meta property="og:site_name" content="Daily Wire Monitor">
<meta property="article:published_time" content="2023-03-14T08:30:00+01:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav>
<article><h1>Gunmen attack village in Borno</h1>
<p>Suspected insurgents attacked a village in northeastern Nigeria on Monday, killing at least
twelve people, local officials said.</p>
<p>The attackers arrived on motorcycles shortly after dawn and set fire to several homes,
according to residents who fled to the nearby town.</p>
<p>No group has claimed responsibility for the attack.</p>
</article>
<footer><p>Copyright 2023 Daily Wire Monitor. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></footer>
</body></html>"""


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _docs(inputs: list[str | Path], **kwargs) -> list[Document]:
    return list(iter_documents([str(i) for i in inputs], **kwargs))


# --- plain text files -------------------------------------------------------------------------


def test_txt_file_id_is_path_as_given_and_text_exact(tmp_path: Path) -> None:
    path = _write(tmp_path / "report.txt", EN_TEXT + "\n")
    (doc,) = _docs([path])
    assert doc.id == str(path) and doc.source == str(path)
    assert doc.text == EN_TEXT + "\n"  # no normalisation: offsets index the file as given
    assert doc.error is None and doc.language == "en" and doc.note is None


def test_cli_defaults_apply_only_where_missing(tmp_path: Path) -> None:
    plain = _write(tmp_path / "a.txt", EN_TEXT)
    dated = _write(tmp_path / "b.txt", EN_TEXT)
    _write(tmp_path / "b.meta.json", json.dumps({"published": "2020-01-02", "outlet": "Own"}))
    a, b = _docs([plain, dated], published="2023-03-14T10:00:00Z", outlet="Wire")
    assert (a.published, a.outlet) == ("2023-03-14", "Wire")
    assert (b.published, b.outlet) == ("2020-01-02", "Own")


def test_meta_json_sidecar(tmp_path: Path) -> None:
    path = _write(tmp_path / "story.txt", EN_TEXT)
    meta = {
        "id": "story-42",
        "title": "Village attacked",
        "url": "https://example.org/story",
        "outlet": None,
        "published": "2016-02-23T09:15:00",
        "note": "free-form remark, ignored",
    }
    _write(tmp_path / "story.meta.json", json.dumps(meta))
    (doc,) = _docs([path], outlet="Fallback")
    assert doc.id == "story-42"
    assert (doc.title, doc.url, doc.published) == (
        "Village attacked",
        "https://example.org/story",
        "2016-02-23",
    )
    assert doc.outlet == "Fallback"  # null in the sidecar -> the CLI default applies


def test_broken_sidecar_is_a_note_not_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "story.txt", EN_TEXT)
    _write(tmp_path / "story.meta.json", "{not json")
    (doc,) = _docs([path])
    assert doc.error is None and doc.id == str(path)
    assert "story.meta.json" in doc.note


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    (doc,) = _docs([missing])
    assert doc.id == str(missing) and "not found" in doc.error


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "locked.txt", EN_TEXT)
    path.chmod(0)
    try:
        (doc,) = _docs([path])
    finally:
        path.chmod(0o644)
    assert doc.error.startswith("cannot read file") and "Permission denied" in doc.error


def test_unsupported_extension(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.md", EN_TEXT)
    (doc,) = _docs([path])
    assert "unsupported input type '.md'" in doc.error


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.txt", "")
    blank = _write(tmp_path / "blank.txt", " \n\t\n")
    assert [d.error for d in _docs([empty, blank])] == ["empty text", "empty text"]


def test_binary_file(tmp_path: Path) -> None:
    png_like = bytes(range(256)) * 40
    path = _write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n" + png_like)
    noisy = _write(
        tmp_path / "noise.txt", bytes((i * 7919) % 256 for i in range(1, 5000) if i % 256)
    )
    docs = _docs([path, noisy])
    assert [d.error for d in docs] == ["binary or non-UTF-8 file"] * 2
    assert all(d.text is None for d in docs)


def test_legacy_encoded_text_falls_back_with_note(tmp_path: Path) -> None:
    path = _write(tmp_path / "cp1252.txt", ("Officials in Bogotá said " + EN_TEXT).encode("cp1252"))
    bom = _write(tmp_path / "bom.txt", "\ufeff".encode() + EN_TEXT.encode())
    legacy, with_bom = _docs([path, bom])
    assert legacy.error is None and legacy.text.startswith("Officials in Bogotá said")
    assert "Windows-1252" in legacy.note
    assert with_bom.text == EN_TEXT  # BOM dropped, nothing else changed


def test_huge_text_is_rejected_with_size_and_limit(tmp_path: Path) -> None:
    huge = "The attack was reported. " * 120_000  # ~3 MB
    path = _write(tmp_path / "huge.txt", huge)
    (doc,) = _docs([path], max_chars=10_000)
    assert doc.error == (
        f"document too large: {len(huge)} characters (limit 10000; raise with --max-chars)"
    )
    assert doc.text is None
    lines = io.StringIO(json.dumps({"id": "big", "text": huge}) + "\n")
    (from_stdin,) = _docs(["-"], stdin=lines, max_chars=10_000)
    assert from_stdin.id == "big" and from_stdin.error.startswith(
        f"document too large: {len(huge)}"
    )
    (ok,) = _docs([path], max_chars=len(huge))
    assert ok.error is None


# --- HTML ------------------------------------------------------------------------------------


def test_html_article_text_and_metadata_without_boilerplate(tmp_path: Path) -> None:
    path = _write(tmp_path / "page.html", ARTICLE_HTML)
    (doc,) = _docs([path], outlet="CLI outlet", published="2000-01-01")
    assert doc.error is None and doc.id == str(path)
    assert "killing at least twelve people, local officials said." in " ".join(doc.text.split())
    assert "No group has claimed responsibility" in doc.text
    for boilerplate in ("Privacy policy", "Cookie settings", "Subscribe today", "All rights"):
        assert boilerplate not in doc.text
    assert doc.title == "Gunmen attack village in Borno"
    assert doc.published == "2023-03-14"
    assert doc.outlet == "Daily Wire Monitor"  # the page's own site name beats the CLI default
    assert doc.language == "en"


def test_htm_suffix_and_sidecar_override_extracted_metadata(tmp_path: Path) -> None:
    path = _write(tmp_path / "page.htm", ARTICLE_HTML)
    _write(tmp_path / "page.meta.json", json.dumps({"title": "Curated title"}))
    (doc,) = _docs([path])
    assert doc.title == "Curated title" and doc.outlet == "Daily Wire Monitor"


def test_html_extraction_makes_no_network_access(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    doc = html_to_document(ARTICLE_HTML, "page", url="https://example.org/story")
    assert doc.error is None and doc.url == "https://example.org/story"


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><div><p>Unclosed <b>bold <i>" + EN_TEXT + "<p>More text <table><tr><td>",
        "</div></html><<<>>> <p <<p>> " + EN_TEXT + " &bogus; <script>var x = '</p>",
    ],
)
def test_malformed_html_still_gives_text(markup: str) -> None:
    doc = html_to_document(markup, "bad")
    assert doc.error is None
    assert "killing at least twelve people" in doc.text


@pytest.mark.parametrize(
    "markup", ["", "   ", "\x00\x01\x02 ][ <<>> \x7f", "<html><head></head><body></body></html>"]
)
def test_html_without_text_is_a_clean_error(markup: str) -> None:
    doc = html_to_document(markup, "junk")
    assert doc.text is None and doc.error and doc.id == "junk"


# --- JSONL and stdin --------------------------------------------------------------------------


def test_jsonl_records_and_invalid_line_among_good_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "t1", "text": EN_TEXT, "title": "T", "published": "2021-05-06"}),
        "{this is not json",
        "",  # blank lines are skipped, not documents
        json.dumps({"id": "h1", "html": ARTICLE_HTML, "url": "https://example.org/a"}),
        json.dumps({"id": "x1", "title": "no body"}),
        json.dumps({"text": EN_TEXT, "published": "last Tuesday"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 7, "text": EN_TEXT, "outlet": "Record outlet"}),
    ]
    path = _write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    docs = _docs([path], outlet="CLI")
    p = str(path)
    assert [d.id for d in docs] == ["t1", f"{p}:2", "h1", "x1", f"{p}:6", f"{p}:7", "7"]
    assert [d.source for d in docs] == [f"{p}:{n}" for n in (1, 2, 4, 5, 6, 7, 8)]
    t1, bad, h1, no_body, undated, not_obj, numeric = docs
    assert (t1.text, t1.title, t1.published, t1.outlet) == (EN_TEXT, "T", "2021-05-06", "CLI")
    assert bad.error.startswith("line 2: invalid JSON")
    assert h1.error is None and "No group has claimed" in h1.text
    assert (h1.url, h1.title, h1.published) == (
        "https://example.org/a",
        "Gunmen attack village in Borno",
        "2023-03-14",
    )
    assert "line 5" in no_body.error and "'text' or 'html'" in no_body.error
    assert undated.error is None and undated.published is None
    assert "'last Tuesday'" in undated.note
    assert "line 7" in not_obj.error
    assert numeric.outlet == "Record outlet"


def test_jsonl_invalid_utf8_line_fails_alone(tmp_path: Path) -> None:
    good = json.dumps({"id": "ok", "text": EN_TEXT}).encode()
    path = _write(tmp_path / "mixed.jsonl", good + b"\n" + b'{"id": "bad\xff"}\n' + good + b"\n")
    docs = _docs([path])
    assert [d.error is None for d in docs] == [True, False, True]
    assert "line 2" in docs[1].error


def test_stdin_jsonl() -> None:
    stream = io.StringIO(
        json.dumps({"id": "s1", "text": EN_TEXT, "language": "en-GB"})
        + "\n"
        + json.dumps({"text": DE_TEXT})
        + "\n{broken\n"
    )
    docs = _docs(["-"], stdin=stream)
    assert [d.id for d in docs] == ["s1", "<stdin>:2", "<stdin>:3"]
    assert docs[0].language == "en-GB" and docs[0].note is None
    assert docs[1].language == "de" and "not English" in docs[1].note
    assert docs[2].error.startswith("line 3: invalid JSON")


def test_declared_language_wins_over_guess() -> None:
    stream = io.StringIO(json.dumps({"id": "x", "text": EN_TEXT, "language": "fr"}))
    (doc,) = _docs(["-"], stdin=stream)
    assert doc.language == "fr" and "declared as 'fr'" in doc.note


# --- directories ------------------------------------------------------------------------------


def test_directory_recursion_order_and_filters(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "b.txt", EN_TEXT)
    _write(root / "a" / "z.txt", EN_TEXT)
    _write(root / "a" / "deep" / "k.htm", ARTICLE_HTML)
    _write(root / "a.txt", EN_TEXT)
    _write(root / "c.jsonl", json.dumps({"id": "c-1", "text": EN_TEXT}) + "\n")
    _write(root / "d.html", ARTICLE_HTML)
    _write(root / "d.meta.json", json.dumps({"id": "d-page"}))
    _write(root / "notes.md", EN_TEXT)  # unsupported: skipped inside directories
    _write(root / ".hidden.txt", EN_TEXT)
    _write(root / ".git" / "x.txt", EN_TEXT)
    given = str(root) + os.sep  # the path as given, trailing separator included
    ids = [d.id for d in iter_documents([given])]
    assert ids == [
        os.path.join(given, "a", "deep", "k.htm"),
        os.path.join(given, "a", "z.txt"),
        os.path.join(given, "a.txt"),
        os.path.join(given, "b.txt"),
        "c-1",
        "d-page",
    ]


def test_inputs_keep_their_order_and_the_batch_goes_on(tmp_path: Path) -> None:
    second = _write(tmp_path / "2.txt", EN_TEXT)
    first = _write(tmp_path / "1.txt", EN_TEXT)
    docs = _docs([second, tmp_path / "missing.txt", first])
    assert [d.id for d in docs] == [str(second), str(tmp_path / "missing.txt"), str(first)]
    assert [d.error is None for d in docs] == [True, False, True]


def test_iterator_is_lazy(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", EN_TEXT)
    docs = iter_documents([str(path), str(tmp_path / "later.txt")])
    assert next(docs).id == str(path)
    _write(tmp_path / "later.txt", EN_TEXT)  # created after the first document came out
    assert next(docs).error is None


def test_seed_article_with_sidecar(shared_dir: Path) -> None:
    (doc,) = _docs([shared_dir / "examples" / "seed-article.txt"])
    meta = json.loads((shared_dir / "examples" / "seed-article.meta.json").read_text("utf-8"))
    assert doc.error is None and doc.language == "en"
    assert (doc.id, doc.published, doc.title) == (meta["id"], meta["published"], meta["title"])


# --- checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (EN_TEXT, "en"),
        (EN_TEXT.upper(), "en"),
        ("Bomb kills five in Kabul", "en"),
        (DE_TEXT, "de"),
        (ES_TEXT, "es"),
        ("По меньшей мере двенадцать человек погибли в понедельник при нападении на рынок.", "ru"),
        ("قتل ما لا يقل عن اثني عشر شخصا يوم الاثنين في هجوم على سوق في العاصمة", "ar"),
        ("月曜日、首都の市場で襲撃があり、少なくとも12人が死亡したと当局が発表した。", "ja"),
        ("12 14 15 2023 -- 45.2", None),
    ],
)
def test_guess_language(text: str, expected: str | None) -> None:
    assert guess_language(text) == expected


def test_non_english_document_is_flagged_not_failed() -> None:
    for text, code in ((DE_TEXT, "de"), (ES_TEXT, "es")):
        doc = check_text(Document(id="x", text=text), max_chars=10_000)
        assert doc.error is None and doc.language == code
        assert doc.note == f"language looks like {code!r}, not English: extraction skipped"


def test_unknown_latin_language_is_und() -> None:
    # Long, function-word-free text: not English, language unknown.
    text = " ".join(["Lorem ipsum dolor sit amet consectetur adipiscing elit"] * 10)
    assert guess_language(text) == "und"


def test_is_english() -> None:
    assert is_english("en") and is_english("EN_us") and is_english(None)
    assert not is_english("de") and not is_english("und")


def test_published_normalisation() -> None:
    assert parse_published("2023-03-14") == "2023-03-14"
    assert parse_published("2023-03-14T23:30:00-05:00") == "2023-03-14"  # outlet's own date
    assert parse_published(" 2023-03-14 08:00 ") == "2023-03-14"
    with pytest.raises(ValueError):
        parse_published("14/03/2023")
    assert normalise_published("2023-13-01") == (
        None,
        "published value '2023-13-01' ignored: not an ISO 8601 date or datetime",
    )
    assert normalise_published(None) == (None, None)


def test_invalid_cli_published_is_noted(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", EN_TEXT)
    (doc,) = _docs([path], published="yesterday")
    assert doc.published is None and "'yesterday'" in doc.note


# --- hostile input (issue 10) -----------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_wide_encodings_with_a_byte_order_mark(tmp_path: Path, codec: str) -> None:
    path = _write(tmp_path / "wide.txt", ("\ufeff" + EN_TEXT).encode(codec))
    (doc,) = _docs([path])
    assert doc.error is None and doc.text == EN_TEXT and doc.language == "en"


def test_html_size_is_checked_in_bytes_before_parsing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("an oversized page was parsed")

    path = _write(tmp_path / "big.html", ARTICLE_HTML)
    monkeypatch.setattr(trafilatura, "bare_extraction", never)
    (doc,) = _docs([path], max_chars=100)
    assert doc.error == (f"document too large: {len(ARTICLE_HTML.encode())} bytes of HTML "
                         "(limit 1000, ten times --max-chars; raise with --max-chars)")


def test_max_chars_applies_to_the_text_of_html(tmp_path: Path) -> None:
    path = _write(tmp_path / "page.html", ARTICLE_HTML)
    (doc,) = _docs([path], max_chars=len(ARTICLE_HTML) // 5)
    assert doc.error and doc.error.startswith("document too large") and "characters" in doc.error


def test_jsonl_fields_of_the_wrong_type_are_noted_not_repr(tmp_path: Path) -> None:
    lines = [json.dumps({"id": ["a", 1], "text": EN_TEXT, "title": 5, "url": ["x"],
                         "outlet": {"a": 1}, "published": [2024]}),
             json.dumps({"id": True, "text": EN_TEXT}),
             json.dumps({"id": 12, "text": EN_TEXT})]
    path = _write(tmp_path / "typed.jsonl", "\n".join(lines) + "\n")
    listed, boolean, number = _docs([path])
    assert listed.id == f"{path}:1" and boolean.id == f"{path}:2" and number.id == "12"
    assert listed.note == (
        "id ignored: expected a string or a whole number, got a list; title ignored: expected "
        "a string, got a number; url ignored: expected a string, got a list; outlet ignored: "
        "expected a string, got an object; published value ignored: expected a string, got a "
        "list")
    assert boolean.note == "id ignored: expected a string or a whole number, got true"
    assert (listed.title, listed.url, listed.outlet) == (None, None, None)


def test_jsonl_lines_that_json_cannot_read_fail_alone(tmp_path: Path) -> None:
    good = json.dumps({"id": "ok", "text": EN_TEXT})
    lines = [good, '{"id": "d", "x": ' + "[" * 5000 + "]" * 5000 + "}",
             '{"id": "n", "x": ' + "9" * 5000 + "}", good]
    path = _write(tmp_path / "bad.jsonl", "\n".join(lines) + "\n")
    docs = _docs([path])
    assert [d.error for d in docs] == [
        None, "line 2: JSON nested too deeply to read",
        "line 3: a number in the JSON is too long to read (over 4,300 digits)", None]


def test_jsonl_in_utf16_is_one_clear_error(tmp_path: Path) -> None:
    data = (json.dumps({"id": "w", "text": EN_TEXT}) + "\n").encode("utf-16")
    path = _write(tmp_path / "wide.jsonl", data)
    (doc,) = _docs([path])
    assert doc.error == (f"{path} is encoded as UTF-16 (it starts with that byte-order mark); "
                         "JSONL must be UTF-8")


@pytest.mark.parametrize("text", ["\x01\x02\x03 \x04", "\u200b\u200c\u200d\u2060" * 10,
                                  "12 14 -- 45.2"])
def test_text_without_words_is_an_error_not_english(text: str) -> None:
    doc = check_text(Document(id="x", text=text), max_chars=10_000)
    assert doc.error and doc.error.startswith("no words to read")


def test_noise_with_a_few_words_is_not_english() -> None:
    doc = check_text(Document(id="x", text="\x01\x02\u200b\ue000" * 30 + " police said"),
                     max_chars=10_000)
    assert doc.error is None and doc.language == "und" and "garbled" in doc.note
    clean = check_text(Document(id="y", text="\u202e" + EN_TEXT + "\u202c"), max_chars=10_000)
    assert clean.language == "en" and clean.note is None


def test_unstorable_characters_are_replaced_one_for_one() -> None:
    doc = check_text(Document(id="a\ud800", text=EN_TEXT + "\x00\udc00", title="\ud800"),
                     max_chars=10_000)
    assert (doc.id, doc.title) == ("a\ufffd", "\ufffd")
    assert doc.text == EN_TEXT + "\ufffd\ufffd"
    assert doc.note == "4 character(s) that cannot be stored (lone surrogates or NUL) replaced " \
                       "with U+FFFD"
