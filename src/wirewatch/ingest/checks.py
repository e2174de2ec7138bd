"""Per-document sanity checks: empty or oversized text, and a cheap language guess.

The language guess needs no downloads or models: it looks at the script of the letters and at
the share of common English function words among the first word tokens, which separates
English news prose from other languages reliably at negligible cost.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from wirewatch.ingest.document import Document
from wirewatch.knowledge.language import language_hints

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


def check_text(doc: Document, max_chars: int) -> Document:
    """Fail empty or oversized documents; set ``language`` and note a non-English one.

    A declared language (e.g. from a JSONL record) wins over the guess. Documents that already
    failed are returned unchanged.
    """
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
    if doc.language:
        if not is_english(doc.language):
            doc.add_note(f"language declared as {doc.language!r}, not English: extraction skipped")
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
        return None, f"published value {value!r} ignored: not a string"
    try:
        return parse_published(value), None
    except ValueError:
        return None, f"published value {value!r} ignored: not an ISO 8601 date or datetime"
