"""What the event tasks share: the rule candidates of a source as sentence windows, and the
cue words the derived labels read.

The cue lists are a teacher's rules of thumb, used only to derive training labels from the
sources (the shipped heads read the encoder, never these lists): a candidate noun in a
sentence about a court, a statement or a condemnation is a statement or legal step, not a
new event; a sentence saying a gun went off by accident is an accident; a sentence dated
years before the incident is background.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from wirewatch.train.tasks import candidates

#: The candidate types the event-kind head judges at run time (actual, not generic).
JUDGED = frozenset({"ASSAULT", "FIGHT", "PROTEST", "COERCE", "THREATEN", "MOBILIZE"})
VIOLENT = frozenset({"ASSAULT", "FIGHT"})

STATEMENT = re.compile(
    r"\b(statements?|condemn\w*|indict\w*|charged|charges?|arraign\w*|court|trial|"
    r"sentenc\w*|pleaded|pleads?|verdict|convict\w*|lawsuit|prosecut\w*|hearing|judge|"
    r"jury|accused of|denounc\w*|deplor\w*)\b", re.I)
#: Nominal triggers: the words a statement or a court speaks *about* ("condemned the attack",
#: "charged with murder"); a verb trigger in such a sentence is usually the event itself.
NOMINAL = re.compile(
    r"^(attacks?|assaults?|shootings?|murders?|killings?|homicides?|violence|bombings?|"
    r"massacres?|stabbings?|robbery|robberies|abductions?|kidnappings?|arrests?|riots?|"
    r"protests?|clash(es)?|fight(s|ing)?|manslaughter|deaths?|crimes?)$", re.I)
ACCIDENT = re.compile(
    r"\b(accidental\w*|unintentional\w*|went off|gun range|shooting range|firing range|"
    r"hunting accident|cleaning (his|her|a|the) (gun|rifle|pistol|weapon)|mistook|"
    r"misfire\w*|negligent discharge)\b", re.I)
BACKGROUND = re.compile(
    r"\b(so far|to date|since (19|20)\d\d|anniversary|years ago|history of|"
    r"previous(ly)? (convicted|arrested|charged)|\d+ (previous|prior) )\b", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")


def sentence_of(doc: dict[str, Any], start: int) -> tuple[int, int]:
    """The cached sentence holding character ``start`` (the whole text if none does)."""
    for s, e in doc["sents"]:
        if s <= start < e:
            return s, e
    return 0, len(doc["text"])


def judged_candidates(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidates the event-kind head will see at run time."""
    return [e for e in doc["events"] if e["type"] in JUDGED and e["factuality"] == "actual"
            and not e["generic"] and e.get("status") not in ("claimed", "unconfirmed",
                                                              "denied")]


def cue_label(sentence: str, trigger: str, doc_year: int | None) -> str | None:
    """A label the sentence's own words decide, before the source's default: accidental,
    statement (a nominal trigger in a statement or court sentence), background (a year other
    than the report's, "so far", "anniversary", ...); None when no cue fires."""
    if ACCIDENT.search(sentence):
        return "accidental"
    if NOMINAL.match(trigger.strip()) and STATEMENT.search(sentence):
        return "statement"
    years = {int(y) for y in YEAR.findall(sentence)}
    if doc_year and years and all(y < doc_year for y in years):
        return "background"
    if BACKGROUND.search(sentence):
        return "background"
    return None


def source_docs(name: str, data: Path, cache: Path) -> list[dict[str, Any]]:
    """The cached rule output of one source (``candidates.SOURCES``), extracting if needed."""
    return candidates.load(name, data, cache)


def year_of(value: Any) -> int | None:
    if isinstance(value, str) and re.match(r"^\d{4}", value):
        return int(value[:4])
    return None


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
