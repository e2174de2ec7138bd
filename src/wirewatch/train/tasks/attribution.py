"""Encoder task ``attribution``: cue / source / content tagging on PolNeAR (token task).

Every primary PolNeAR article is cut into sentences (spaCy's rule sentencizer: fast, and
close to the parser's splits the pipeline encodes at run time); each sentence with the one
after it is a window, and every gold attribution part inside the window becomes a labelled
character span, clipped to the window:

- ``CUE``: a cue that reports speech or writing ("said", "according to", "told", a cue noun
  such as "statement") -- the words the cue lexicon knows as reporting verbs or nouns;
- ``STANCE``: any other cue PolNeAR marks (stance, perception, intention: "backed",
  "is raising questions about", "did not immediately respond"), kept apart because an
  analyst reads these differently from a statement and the run-time decision may treat
  them differently;
- ``SOURCE`` and ``CONTENT``: the source mention and the attributed content.

Nested parts (a source inside another attribution's content) keep the innermost label: a
cue over a source over a content. The trainer turns spans into BIO tags per word piece.
Parts: ``train`` = PolNeAR train; ``tune`` / ``check`` = the halves of PolNeAR dev
(``wirewatch.eval.common.dev_part``). Built examples are cached as JSON under ``cache``.
"""

from __future__ import annotations

import json
from functools import cache as memo
from pathlib import Path
from typing import Any

from wirewatch.eval.common import in_part

LABELS: tuple[str, ...] = ("CUE", "STANCE", "SOURCE", "CONTENT")
#: Which label wins where two parts overlap (lower wins).
_PRIORITY = {"CUE": 0, "STANCE": 1, "SOURCE": 2, "CONTENT": 3}
#: Longest window in characters (about 120 word pieces); a longer pair is one sentence.
MAX_CHARS = 600
#: Irregular past forms of reporting verbs (the naive suffix strips miss them).
_IRREGULAR = {"said": "say", "says": "say", "told": "tell", "wrote": "write",
              "written": "write", "spoke": "speak", "spoken": "speak", "thought": "think",
              "felt": "feel", "held": "hold", "swore": "swear", "sworn": "swear",
              "taught": "teach", "knew": "know", "known": "know", "saw": "see",
              "seen": "see", "heard": "hear", "made": "make", "gave": "give",
              "given": "give", "meant": "mean", "put": "put", "read": "read"}
#: Speech and writing the lexicon files under other headings (questions, posts, replies).
_SPEECH = frozenset({"according", "ask", "tweet", "reply", "respond", "cite", "recall",
                     "describe", "reportedly", "post", "testify", ":"})
_SUFFIXES = (("ed", "e"), ("ed", ""), ("es", ""), ("s", ""), ("ing", "e"), ("ing", ""),
             ("ies", "y"), ("ied", "y"))


def _split_file(data_dir: Path, part: str) -> Path:
    return data_dir / "polnear" / ("train.jsonl" if part == "train" else "dev.jsonl")


@memo
def _reporting_words() -> frozenset[str]:
    """Lemmas of the cue lexicon's reporting verbs and cue nouns (statement cues)."""
    from wirewatch.knowledge.cues import load_cues

    cues = load_cues()
    return frozenset(cues.verb_status) | frozenset(cues.noun_cues) | _SPEECH


def cue_kind(cue_text: str) -> str:
    """``CUE`` when some word of the cue is a reporting verb or noun the lexicon knows
    (any naive lemma of it), else ``STANCE``."""
    known = _reporting_words()
    for word in cue_text.lower().replace("’", "'").split():
        word = word.strip(".,;!?\"'“”") or word
        forms = [word, _IRREGULAR.get(word, word)] + [word[: -len(s)] + r for s, r in _SUFFIXES
                          if word.endswith(s) and len(word) > len(s) + 2]
        if any(f in known for f in forms):
            return "CUE"
    return "STANCE"


@memo
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character bounds of the sentences of ``text`` (paragraph breaks end a sentence)."""
    out: list[tuple[int, int]] = []
    offset = 0
    for para in text.split("\n"):
        if para.strip():
            doc = _sentencizer()(para)
            for sent in doc.sents:
                s, e = sent.start_char, sent.end_char
                while e > s and para[e - 1].isspace():
                    e -= 1
                if e > s:
                    out.append((offset + s, offset + e))
        offset += len(para) + 1
    return out


def gold_parts(record: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, label) of every cue, source and content span of the record."""
    parts: list[tuple[int, int, str]] = []
    for att in record.get("attributions") or []:
        cue = att.get("cue") or {}
        kind = cue_kind(cue.get("text") or "")
        for name, label in (("cue", kind), ("source", "SOURCE"), ("content", "CONTENT")):
            part = att.get(name)
            if not part or not part.get("offset_ok", True):
                continue
            for s, e in part.get("spans") or []:
                if e > s:
                    parts.append((int(s), int(e), label))
    return parts


def label_window(parts: list[tuple[int, int, str]], start: int, end: int
                 ) -> list[tuple[int, int, str]]:
    """Non-overlapping labelled spans inside [start, end), relative to ``start``: parts
    clipped to the window, the higher-priority label winning each character."""
    owner: list[int] = [99] * (end - start)
    for s, e, label in parts:
        s, e = max(s, start), min(e, end)
        rank = _PRIORITY[label]
        for i in range(s - start, e - start):
            owner[i] = min(owner[i], rank)
    names = {v: k for k, v in _PRIORITY.items()}
    spans: list[tuple[int, int, str]] = []
    i = 0
    n = len(owner)
    while i < n:
        if owner[i] == 99:
            i += 1
            continue
        j = i
        while j < n and owner[j] == owner[i]:
            j += 1
        spans.append((i, j, names[owner[i]]))
        i = j
    return spans


def windows(text: str) -> list[tuple[int, int]]:
    """Each sentence with the next one (one sentence when the pair is too long)."""
    bounds = sentence_bounds(text)
    out = []
    for n, (s, e) in enumerate(bounds):
        if n + 1 < len(bounds) and bounds[n + 1][1] - s <= MAX_CHARS:
            e = bounds[n + 1][1]
        out.append((s, min(e, s + MAX_CHARS * 2)))
    return out


def records(data_dir: Path, part: str) -> list[dict[str, Any]]:
    """Primary PolNeAR records of ``part`` (train, tune, check, dev)."""
    out = []
    with _split_file(data_dir, part).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if not rec.get("primary", True):
                continue
            if part in ("tune", "check") and not in_part(rec["doc_id"], part):
                continue
            out.append(rec)
    return out


def raw_examples(data_dir: Path, part: str) -> list[dict[str, Any]]:
    """One dict per window: ``id``, ``text``, ``spans`` [(start, end, label)]."""
    out = []
    for rec in records(data_dir, part):
        text = rec["text"]
        parts = gold_parts(rec)
        for n, (s, e) in enumerate(windows(text)):
            out.append({"id": f"{rec['doc_id']}#{n}", "text": text[s:e],
                        "spans": label_window(parts, s, e)})
    return out


def cached_examples(data_dir: Path, part: str, cache: Path | None) -> list[dict[str, Any]]:
    """``raw_examples``, read from ``cache/attribution-<part>.json`` when built before."""
    path = Path(cache) / f"attribution-{part}.json" if cache else None
    if path is not None and path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    rows = raw_examples(Path(data_dir), part)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows), encoding="utf-8")
    return rows


#: Share of windows with no attribution kept (deterministic by id): they teach "O" but a
#: capped task budget is better spent on windows with attributions.
EMPTY_SHARE = 0.25

CARD = (
    "attribution (token): PolNeAR train primary articles (political news 2016, research "
    "use), windows of a sentence and the next; spans CUE (reporting cue the cue lexicon "
    "knows), STANCE (other cue), SOURCE, CONTENT from the gold attributions, innermost label "
    "winning overlaps; a quarter of windows without attribution kept. Check: PolNeAR dev "
    "check half (dev_part)."
)


def _keep(example_id: str, spans: list[Any]) -> bool:
    import hashlib

    if spans:
        return True
    return hashlib.sha256(example_id.encode()).digest()[0] < 256 * EMPTY_SHARE


def build(data_dir: Path, part: str, cache: Path | None = None) -> Any:
    """The task's ``TaskData``: ``part`` "train" (PolNeAR train; the dev tune half stays out
    for the run-time decisions) or "check" (the dev check half, every window)."""
    from wirewatch.train.tasks import Example, TaskData

    split = "train" if part == "train" else "check"
    rows = cached_examples(Path(data_dir), split, Path(cache) if cache else None)
    examples = [Example(text=r["text"], items=[tuple(s) for s in r["spans"]],
                        doc=r["id"].split("#")[0])
                for r in rows if split == "check" or _keep(r["id"], r["spans"])]
    return TaskData(name="attribution", kind="token", labels=list(LABELS),
                    examples=examples, card=CARD)
