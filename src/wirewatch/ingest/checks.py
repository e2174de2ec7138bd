"""Per-document sanity checks: empty or oversized text, unstorable characters, and a cheap
language guess.

The language guess needs no downloads or models: it looks at the script of the letters and at
the share of common English function words among the first word tokens, which separates
English news prose from other languages reliably at negligible cost. Text that is mostly
control, invisible or unassigned characters is noise, not English, whatever its few words say.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from wirewatch.contract.limits import FIELD_LIMITS, clean_string, limit_field, quote
from wirewatch.ingest.document import Document
from wirewatch.knowledge.language import language_hints

#: Raw HTML may be this many times larger than the text limit (markup, scripts, styles).
HTML_SIZE_FACTOR = 10
#: Document fields that hold strings taken from the input.
STRING_FIELDS = ("id", "text", "title", "url", "outlet", "published", "language", "note",
                 "source")

#: Word tokens (letters only) for the function-word count.
_WORD_RE = re.compile(r"[^\W\d_]+")
#: How many word tokens / characters of a text the guess looks at.
_SAMPLE_TOKENS = 200
_SAMPLE_CHARS = 4000
#: Below this many word tokens a text is too short to call non-English from function words.
_MIN_TOKENS = 12
#: English prose has ~30-45% function words; well-formed non-English text has a few percent.
_EN_MIN_SHARE = 0.12
#: Share of non-Latin letters above which the text's script decides the language.
_SCRIPT_SHARE = 0.5
_KANA = frozenset({"HIRAGANA", "KATAKANA"})
#: Unicode categories of characters that are not text: controls (other than whitespace),
#: invisible format characters, private use, unassigned, surrogates.
_NOISE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})
#: Above this share of noise among the visible characters a text is not read as language.
_NOISE_SHARE = 0.2


def json_type(value: object) -> str:
    """The JSON name of a value's type, for messages ('a list', 'a number', 'true')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


def is_english(language: str | None) -> bool:
    """True for 'en' and its regional variants ('en-GB', 'EN_us'); None counts as English."""
    if not language:
        return True
    return language.replace("_", "-").split("-", 1)[0].strip().lower() == "en"


def _script_language(sample: str, scripts: Mapping[str, str]) -> str | None:
    """The language implied by the dominant non-Latin script, if most letters use one."""
    counts: Counter[str] = Counter()
    letters = 0
    for ch in sample:
        if ch < "\x80":
            letters += ch.isalpha()
            continue
        if not ch.isalpha():
            continue
        letters += 1
        name = unicodedata.name(ch, "")
        script = name.split(" ", 1)[0]
        if script != "LATIN":
            counts[script] += 1
    if not letters or not counts:
        return None
    non_latin = sum(counts.values())
    if non_latin / letters < _SCRIPT_SHARE:
        return None
    kana = sum(counts[s] for s in _KANA)
    if kana / non_latin > 0.05:
        return "ja"
    script = counts.most_common(1)[0][0]
    return scripts.get(script, "und")


def guess_language(text: str) -> str | None:
    """Best-effort ISO 639-1 code of ``text``: 'en', another code, 'und', or None if no words.

    Short texts without clear foreign evidence count as English, so a headline-only document is
    not skipped.
    """
    hints = language_hints()
    english, others, scripts = hints.english, hints.other_languages, hints.scripts
    sample = text[:_SAMPLE_CHARS]
    by_script = _script_language(sample, scripts)
    if by_script:
        return by_script
    tokens = [t.lower() for t in _WORD_RE.findall(sample)[:_SAMPLE_TOKENS]]
    if not tokens:
        return None
    en_hits = sum(t in english for t in tokens)
    best_code, best_hits = "en", en_hits
    for code, words in others.items():
        hits = sum(t in words for t in tokens)
        if hits > best_hits:
            best_code, best_hits = code, hits
    n = len(tokens)
    if best_code != "en" and best_hits >= 2 and best_hits / n >= 0.08 and best_hits > 1.5 * en_hits:
        return best_code
    if en_hits / n >= _EN_MIN_SHARE or n < _MIN_TOKENS:
        return "en"
    return "und"


def noise_share(sample: str) -> float:
    """Share of control, invisible, private-use, unassigned and replacement characters among
    the non-whitespace characters of ``sample`` (0.0 for ordinary text)."""
    visible = noise = 0
    for ch in sample:
        if ch.isspace():
            continue
        visible += 1
        if ch == "\ufffd" or (not ch.isprintable() and unicodedata.category(ch) in _NOISE_CATEGORIES):
            noise += 1
    return noise / visible if visible else 0.0


def clean_document(doc: Document) -> Document:
    """Replace what no output can carry (lone surrogates, NUL) in every string field with
    U+FFFD, one character for one so offsets hold, and say so in a note; hold the id, URL,
    title, outlet and language to the contract's field limits (``limit_field``)."""
    replaced = 0
    for field in STRING_FIELDS:
        value = getattr(doc, field)
        if isinstance(value, str):
            cleaned, count = clean_string(value)
            if count:
                setattr(doc, field, cleaned)
                replaced += count
    if replaced:
        doc.add_note(f"{replaced} character(s) that cannot be stored (lone surrogates or NUL) "
                     "replaced with U+FFFD")
    for field in FIELD_LIMITS:
        value = getattr(doc, field)
        if isinstance(value, str):
            limited, note = limit_field(field, value)
            if note:
                setattr(doc, field, limited)
                doc.add_note(note)
    return doc


def check_text(doc: Document, max_chars: int) -> Document:
    """Fail empty, wordless or oversized documents; clean unstorable characters; set
    ``language`` and note a non-English (or noise) one.

    A declared language (e.g. from a JSONL record) wins over the guess. Documents that already
    failed are returned unchanged (their strings cleaned).
    """
    clean_document(doc)
    if doc.error:
        return doc
    text = doc.text
    if text is None or not text.strip():
        doc.error = "empty text"
        return doc
    if len(text) > max_chars:
        doc.error = (
            f"document too large: {len(text)} characters "
            f"(limit {max_chars}; raise with --max-chars)"
        )
        doc.text = None  # free the memory; the document will not be processed
        return doc
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample) and not any(ch.isalpha() for ch in text):
        doc.error = ("no words to read: the text holds only digits, symbols, control or "
                     "invisible characters")
        doc.text = None
        return doc
    if doc.language:
        if not is_english(doc.language):
            doc.add_note(f"language declared as {quote(doc.language)}, not English: "
                         "extraction skipped")
        return doc
    share = noise_share(sample)
    if share > _NOISE_SHARE:
        doc.language = "und"
        doc.add_note(f"text looks like binary or garbled data ({share:.0%} control, invisible "
                     "or unassigned characters), not English: extraction skipped")
        return doc
    language = guess_language(text)
    doc.language = language
    if not is_english(language):
        doc.add_note(f"language looks like {language!r}, not English: extraction skipped")
    return doc


def parse_published(value: str) -> str:
    """Normalise an ISO 8601 date or datetime to 'YYYY-MM-DD'; raise ValueError otherwise.

    A datetime keeps its own calendar date (no conversion to UTC): that is the date the outlet
    printed.
    """
    try:
        return datetime.fromisoformat(value.strip()).date().isoformat()
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or datetime: {value!r}") from None


def normalise_published(value: object) -> tuple[str | None, str | None]:
    """Lenient :func:`parse_published`: returns (date or None, note or None), never raises."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        return None, f"published value ignored: expected a string, got {json_type(value)}"
    try:
        return parse_published(value), None
    except ValueError:
        return None, f"published value {quote(value)} ignored: not an ISO 8601 date or datetime"
