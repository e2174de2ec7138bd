"""Task ``casualties``: does this number count the killed, injured, arrested or kidnapped of
this event (a pair head over the number and the candidate's trigger in one sentence)?

Labels: ``killed``, ``injured``, ``arrested``, ``kidnapped``, ``none`` (ages, counts of past
records, dates, addresses, tolls of other incidents, any other number).

Derived by this script from the rule candidates' sentences (``candidates.py``): every number
word in a sentence with a violent or arrest candidate, paired with the nearest such trigger.
A number read as an age, a count of times or previous records, a year, a clock time, money
or an address is ``none``. Otherwise the words next to it name a slot (died, wounded,
arrested, abducted, ...); where the source records the incident's figures (Gun Violence
Archive killed/injured for GVC articles, ACLED fatalities, GTD killed/wounded) a death or
injury number counts only when it equals the record (else it is another incident's toll:
``none``); arrests and abductions, which no source counts, take the slot the words name.
A number with no slot word nearby is ``none`` unless it equals a recorded figure (then it
is left out: "shot two people" may be either).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from wirewatch.eval.common import load_jsonl
from wirewatch.train.tasks import Example, TaskData
from wirewatch.train.tasks.events_common import sentence_of, source_docs

LABELS = ["killed", "injured", "arrested", "kidnapped", "none"]
TRAIN_SOURCES = ("gvc_train", "gvc_dev_tune", "acled_tune", "gtd", "muc4_train", "ecb_train")
CHECK_SOURCES = ("gvc_dev_check", "acled_check")
PAIRED = frozenset({"ASSAULT", "FIGHT", "COERCE"})

CARD = """- sources: number words in sentences with a violent or arrest rule candidate, paired
  with its trigger (`train/tasks/casualties.py`): Gun Violence Corpus train + dev tune half
  with the Gun Violence Archive's killed/injured figures (CC BY 4.0), ACLED-Asia 2015 notes
  tune half with fatalities (ACLED terms: derived weights only), GTD summaries with
  killed/wounded (START, non-commercial research), MUC-4 train and ECB+ train (slot words
  only). Check: GVC dev check half, ACLED check half, labelled the same way."""

WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24})
SLOTS = [
    ("killed", re.compile(r"\b(kill\w*|dead|die[sd]?|dying|death\w*|fatal\w*|lives|bodies|"
                          r"murder\w*|slain|lifeless)\b", re.I)),
    ("injured", re.compile(r"\b(injur\w*|wound\w*|hurt|hospitali[sz]\w*|critical condition|"
                           r"casualties)\b", re.I)),
    ("arrested", re.compile(r"\b(arrest\w*|detain\w*|custody|nabbed|apprehended|rounded up|"
                            r"held)\b", re.I)),
    ("kidnapped", re.compile(r"\b(kidnap\w*|abduct\w*|hostages?|captive)\b", re.I)),
    # "four people shot": dead or wounded, as the record says
    ("shot", re.compile(r"\b(shot|gunned down|struck by (gunfire|bullets))\b", re.I)),
]
NOT_A_COUNT = re.compile(
    r"^(\s*-?\s*(years?|months?|weeks?|days?)[- ]old|\s*(times|previous|prior|counts?|"
    r"p\.?m\.?|a\.?m\.?|o'clock|percent|per cent|%|block|years? (ago|earlier|later|in prison)|"
    r"(years?|months?) (sentence|term)|jan\w*|feb\w*|mar\w*|apr\w*|may|june?|july?|aug\w*|"
    r"sep\w*|oct\w*|nov\w*|dec\w*|st|nd|rd|th)\b|:\d\d|\))", re.I)
BEFORE_NOT_A_COUNT = re.compile(
    r"(aged|age|\$|£|€|no\.|number|block of|since|in|route|highway|interstate|"
    r"sentenced to)\s*$", re.I)


def number_value(text: str) -> int | None:
    """The value of a number word: digits (commas allowed) or an English number word."""
    t = text.lower().replace(",", "")
    if t.isdigit():
        return int(t)
    return WORDS.get(t)


def slot_near(sentence: str, start: int, end: int) -> str | None:
    """The slot the words right after (else right before) the number name."""
    after, before = sentence[end:end + 40], sentence[max(0, start - 30):start]
    found = [(m.start(), slot) for slot, rx in SLOTS if (m := rx.search(after))]
    if found:
        return min(found)[1]
    found = []
    for slot, rx in SLOTS:
        hits = list(rx.finditer(before))
        if hits:
            found.append((len(before) - hits[-1].end(), slot))
    return min(found)[1] if found else None


def number_label(sentence: str, start: int, end: int, value: int | None,
                 figures: dict[str, int | None]) -> str | None:
    """The derived label of one number (offsets within the sentence), or None (left out)."""
    if value is None:
        return None
    after, before = sentence[end:], sentence[:start]
    if NOT_A_COUNT.match(after) or BEFORE_NOT_A_COUNT.search(before) or 1900 <= value <= 2035:
        return "none"
    if re.match(r"^\s*,", after) and re.search(r"[A-Z][a-z]+\s*,\s*$", before):
        return "none"  # "John Smith, 25, ..." an age after a name
    slot = slot_near(sentence, start, end)
    recorded = {v for k, v in figures.items() if v is not None and k != "single"}
    if slot == "shot":
        # shot, dead or alive: the record decides; without one it is no example
        for name in ("killed", "injured"):
            if figures.get(name) == value:
                return name
        return "none" if recorded and value not in recorded else None
    if slot in ("killed", "injured") and figures.get(slot) is not None:
        # equal to the record; part of it ("1 soldier and 5 militants were killed") only in
        # one-event sources (an ACLED note, a GTD summary: no other incident's toll)
        part = figures.get("single") and 0 < value < figures[slot]  # type: ignore[operator]
        return slot if value == figures[slot] or part else "none"
    if slot is not None:
        return slot
    return None if value in recorded else "none"


def _figures(source: str, doc: dict[str, Any], gvc: dict[str, dict[str, Any]]
             ) -> dict[str, int | None]:
    meta = doc.get("meta", {})
    if source.startswith("gvc"):
        inc = gvc.get(meta.get("incident_id"), {})
        return {"killed": inc.get("num_killed"), "injured": inc.get("num_injured")}
    if source.startswith("acled"):
        return {"killed": meta["gold"].get("fatalities"), "single": 1}
    if source == "gtd":
        return {"killed": meta["gold"].get("killed"), "injured": meta["gold"].get("wounded"),
                "single": 1}
    return {}


def build(data_dir: Path, part: str, cache: Path) -> TaskData:
    """(number, trigger) pairs of the training sources or of the check halves."""
    store = cache.parent / "candidates"
    gvc = {r["incident_id"]: r for r in
           load_jsonl(data_dir / "incidents" / "gvc_incidents_train_dev.jsonl")}
    examples: list[Example] = []
    for source in (TRAIN_SOURCES if part == "train" else CHECK_SOURCES):
        for doc in source_docs(source, data_dir, store):
            figures = _figures(source, doc, gvc)
            triggers: dict[tuple[int, int], list[tuple[int, int]]] = {}
            for event in doc["events"]:
                if event["type"] in PAIRED:
                    t = event["trigger"]
                    triggers.setdefault(sentence_of(doc, t["start"]), []).append(
                        (t["start"], t["end"]))
            items: dict[tuple[int, int], list[Any]] = {}
            for start, end, text in doc["numbers"]:
                sent = sentence_of(doc, start)
                if sent not in triggers:
                    continue
                s0 = sent[0]
                sentence = doc["text"][sent[0]:sent[1]]
                label = number_label(sentence, start - s0, end - s0, number_value(text),
                                     figures)
                if label is None:
                    continue
                ts, te = min(triggers[sent], key=lambda t: abs(t[0] - start))
                items.setdefault(sent, []).append(
                    ((start - s0, end - s0), (ts - s0, te - s0), label))
            for (s, e), found in items.items():
                examples.append(Example(doc["text"][s:e], found, doc=f"{source}:{doc['id']}"))
    return TaskData("casualties", "pair", LABELS, examples, CARD)
