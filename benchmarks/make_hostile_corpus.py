"""Write the committed corpus of hostile input files that tests/test_hostile.py reads.

    python benchmarks/make_hostile_corpus.py [OUT_DIR]     (default tests/fixtures/hostile)

Each case is an input a hostile-but-fair tester would try (issue 10): wide byte-order marks,
control bytes, invisible text, lone surrogates, NULs, JSON nested 5,000 deep, 5,000-digit
numbers, ids and metadata of the wrong type, absurd casualty figures, publication dates at the
ends of the calendar, rich-markup ids, pathological HTML. ``MANIFEST.json`` says for each file
how many documents it holds and how many of them must come out as good records (not errors);
the test checks readers, ``extract`` and ``ingest`` against it. The files are written
byte-exactly and deterministically, so rerunning the script changes nothing unless a case
changes.
"""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hostile"

GOOD = ("Gunmen attacked a police station in Mogadishu on Monday, killing three officers, "
        "police said. The attackers fled in a car, a witness told reporters.")
GOOD2 = ("A roadside bomb killed two soldiers near Kandahar on Friday, the army said. "
         "No group has claimed responsibility for the blast.")


@dataclass(frozen=True)
class Case:
    """One file: its path under the corpus, its bytes, how many documents it holds and how
    many must be good records (None: either is acceptable, only no traceback is required)."""

    path: str
    data: bytes
    documents: int
    ok: int | None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=True)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _jsonl_lines() -> list[tuple[str, bool | None]]:
    """(line, must be good) pairs of the mixed JSONL file; blank lines are no document."""
    big = "9" * 5000
    return [
        (_json({"id": "good-1", "text": GOOD, "published": "2024-03-05"}), True),
        ('{"id": "deep", "text": "x", "extra": ' + _deep(5000) + "}", False),
        ('{"id": "bignum", "text": "' + GOOD + '", "n": ' + big + "}", False),
        (_json({"id": "huge-count", "published": "2024-03-05",
                "text": "Gunmen killed 99999999999999999999 people in Mogadishu on Monday, "
                        "police said."}), True),
        (_json({"id": "digits-5000", "published": "2024-03-05",
                "text": f"Gunmen killed {big} people in Mogadishu on Monday, police said."}), True),
        (_json({"id": "year-one", "published": "0001-01-01",
                "text": "A bomb killed five people in Kabul on Monday and two more yesterday, "
                        "police said. In December there were more."}), True),
        (_json({"id": "year-9999", "published": "9999-12-31",
                "text": "A bomb killed five people in Kabul on Friday, police said. More "
                        "attacks are feared next year and tomorrow, next month."}), True),
        (_json({"id": "surrogate-title", "title": "\ud800 bad", "text": GOOD}), True),
        (_json({"id": "surrogate-id-\udc00", "text": GOOD2 + " \ud800"}), True),
        (_json({"id": "nul-text", "text": GOOD + "\u0000 end"}), True),
        (_json({"id": ["a", 1], "text": GOOD}), True),
        (_json({"id": {"x": 1}, "text": GOOD}), True),
        (_json({"id": True, "text": GOOD}), True),
        (_json({"id": 1.5, "text": GOOD}), True),
        (_json({"id": 12345678901234567890123, "text": GOOD2}), True),
        (_json({"id": "types", "title": 5, "url": ["x"], "outlet": {"a": 1}, "language": 7,
                "published": [2024], "text": GOOD}), True),
        (_json({"id": "[/bold]markup[red]", "title": "[link=x]t[/link]", "text": GOOD2}), True),
        (_json({"id": "text-number", "text": 42}), False),
        (_json({"id": "html-list", "html": ["<p>x</p>"]}), False),
        (_json({"id": "control-text", "text": "\u0001\u0002\u0003\u0004 \u0005\u0006"}), False),
        (_json({"id": "zero-width", "text": "\u200b\u200c\u200d\ufeff\u2060" * 20}), False),
        (_json({"id": "noise-words", "text": ("\u0001\u0002\u200b\ue000" * 30)
                + " police said the attack killed five"}), True),
        (_json({"id": "nan", "text": GOOD, "published": float("nan")}), True),
        ('{"id": "infinity", "text": "' + GOOD + '", "score": Infinity}', True),
        (_json({"id": "html-surrogate", "html": "<html><body><article><p>" + GOOD
                + " \ud800</p><p>" + GOOD2 + "</p></article></body></html>"}), True),
        ("{truncated", False),
        ('"just a string"', False),
        ("null", False),
        ("[1, 2, 3]", False),
        ("", None),  # blank: no document
        (_json({"id": "empty-text", "text": "   "}), False),
        (_json({"id": "dates-junk", "published": "x" * 10_000, "text": GOOD2}), True),
        (_json({"id": "bidi", "text": "\u202e" + GOOD + "\u202c"}), True),
        (_json({"id": "good-2", "text": GOOD2, "published": "2023-11-10"}), True),
    ]


def cases() -> list[Case]:
    """Every file of the corpus."""
    out: list[Case] = []
    lines = _jsonl_lines()
    data = "\n".join(line for line, _ in lines).encode("utf-8", "surrogatepass") + b"\n"
    # the two lines with a raw invalid UTF-8 byte and a raw UTF-8-encoded surrogate
    data += b'{"id": "bad-utf8\xff", "text": "x"}\n'
    data += b'{"id": "raw-surrogate", "text": "' + GOOD.encode() + b' \xed\xa0\x80"}\n'
    must = [ok for line, ok in lines if line]
    out.append(Case("mixed.jsonl", data, len(must) + 2,
                    None if None in must else sum(bool(ok) for ok in must)))
    nested = _json({"id": "html-nested", "html": "<div>" * 3000 + "<p>" + GOOD + "</p>"
                    + "</div>" * 3000})
    out.append(Case("nested_html.jsonl", (nested + "\n").encode(), 1, None))
    out.append(Case("utf16.jsonl", codecs.BOM_UTF16_LE
                    + (_json({"id": "w", "text": GOOD}) + "\n").encode("utf-16-le"), 1, 0))
    out.append(Case("bom_first_line.jsonl",
                    codecs.BOM_UTF8 + (_json({"id": "bom", "text": GOOD}) + "\n").encode(), 1, 1))

    text = GOOD + "\n"
    out += [
        Case("txt/utf32_le_bom.txt", codecs.BOM_UTF32_LE + text.encode("utf-32-le"), 1, 1),
        Case("txt/utf32_be_bom.txt", codecs.BOM_UTF32_BE + text.encode("utf-32-be"), 1, 1),
        Case("txt/utf16_bom.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"), 1, 1),
        Case("txt/utf32_bom_broken.txt", codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff", 1, 0),
        Case("txt/control_bytes.txt", bytes(range(1, 9)) * 50, 1, 0),
        Case("txt/zero_width.txt", ("\u200b\u200c\u200d\u2060" * 50).encode(), 1, 0),
        Case("txt/nul.txt", GOOD.encode() + b"\x00" + GOOD2.encode(), 1, 0),
        Case("txt/cp1252.txt", ("Caf\u00e9 owner said: " + GOOD).encode("cp1252"), 1, 1),
        Case("txt/raw_surrogate.txt", GOOD.encode() + b" \xed\xa0\x80 " + GOOD2.encode(), 1, 1),
        Case("txt/many_lines.txt", ("ab\n" * 3000).encode(), 1, 1),
        Case("txt/short_lines_news.txt", ("Police said.\nGunmen fled.\n" * 500).encode(), 1, 1),
        Case("txt/empty.txt", b"", 1, 0),
        Case("txt/whitespace.txt", b" \n\t\r\n ", 1, 0),
        Case("txt/digits_only.txt", b"12 14 15 2023 -- 45.2\n", 1, 0),
        Case("txt/year_one.txt", b"A bomb killed five people in Kabul yesterday and on "
             b"Sunday, police said. Last month was quiet.\n", 1, 1),
        Case("txt/year_one.meta.json", _json({"published": "0001-01-01"}).encode(), 0, 0),
        Case("txt/end_of_time.txt", b"A bomb killed five people in Kabul on Friday, police "
             b"said. Talks are due next week, next month and next year.\n", 1, 1),
        Case("txt/end_of_time.meta.json", _json({"published": "9999-12-31"}).encode(), 0, 0),
        Case("txt/bad_sidecar.txt", GOOD.encode(), 1, 1),
        Case("txt/bad_sidecar.meta.json", _deep(5000).encode(), 0, 0),
        Case("txt/typed_sidecar.txt", GOOD2.encode(), 1, 1),
        Case("txt/typed_sidecar.meta.json", _json({"id": ["x"], "title": 5, "url": {},
                                                   "outlet": True}).encode(), 0, 0),
        Case("txt/markup_id.txt", GOOD2.encode(), 1, 1),
        Case("txt/markup_id.meta.json", _json({"id": "[/]x[bold]", "title": "[/red]"}).encode(),
             0, 0),
        Case("html/nested.html", ("<html><body>" + "<div>" * 5000 + "<p>" + GOOD + "</p>"
                                  + "</div>" * 5000 + "</body></html>").encode(), 1, None),
        Case("html/script_only.html", b"<html><head><script>var a = 1;</script></head>"
             b"<body><script>alert(1)</script></body></html>", 1, 0),
        Case("html/utf32.html", codecs.BOM_UTF32_LE + ("<html><body><article><p>" + GOOD
             + "</p><p>" + GOOD2 + "</p></article></body></html>").encode("utf-32-le"), 1, 1),
        Case("html/entities.html", ("<html><head><title>&#xD800; &#0; t</title></head><body>"
             "<article><p>" + GOOD + " &#xD800; &#0;</p><p>" + GOOD2
             + "</p></article></body></html>").encode(), 1, 1),
        Case("html/huge_attribute.html", ("<html><body><article data-x=\"" + "a" * 50_000
             + "\"><p>" + GOOD + "</p><p>" + GOOD2 + "</p></article></body></html>").encode(),
             1, 1),
        Case("html/nul.html", b"<html><body>\x00\x00</body></html>", 1, 0),
        Case("html/binary.htm", bytes(range(256)) * 20, 1, 0),
    ]
    return out


def expected(corpus: list[Case]) -> dict[str, dict[str, int | None]]:
    """The manifest: documents and good records per input file (sidecars are not inputs)."""
    return {c.path: {"documents": c.documents, "ok": c.ok}
            for c in corpus if not c.path.endswith(".meta.json")}


def write(root: Path) -> list[Path]:
    """Write the corpus and MANIFEST.json under ``root``; returns the paths written."""
    corpus = cases()
    written = []
    for case in corpus:
        path = root / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)
        written.append(path)
    manifest = root / "MANIFEST.json"
    manifest.write_text(json.dumps(expected(corpus), indent=1, sort_keys=True) + "\n", "utf-8")
    return [*written, manifest]


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    paths = write(root)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {size} bytes -> {root}")


if __name__ == "__main__":
    main()
