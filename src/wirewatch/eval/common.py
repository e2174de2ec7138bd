"""Helpers shared by the event-argument scorers (MUC-4, WikiEvents): string normalisation,
exact one-to-one alignment, P/R/F1, grouping of predicted fillers, sentences for error dumps,
extracting benchmark texts (through ``wirewatch.api``) and printing role tables."""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Starts a progress task: (label, total or None) -> a function called once per item done.
#: The CLI passes one that drives a progress bar; library callers pass nothing.
TaskStarter = Callable[[str, int | None], Callable[[], None]]

_PUNCT = str.maketrans("", "", string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")

#: Pronouns: an argument span made of one of these says nothing a string scorer can match.
PRONOUNS = frozenset(
    "i me my we us our you your he him his she her it its they them their this that these "
    "those who whom whose which one ones himself herself itself themselves".split())


def normalise(text: str) -> str:
    """GRIT/SQuAD normalisation: lower-case, drop ASCII punctuation, drop a/an/the, collapse
    whitespace. Punctuation is deleted (not spaced), so "u.s." -> "us"."""
    text = text.lower().translate(_PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def is_pronoun(text: str) -> bool:
    """True for a span that is only a pronoun ("they", "He")."""
    return normalise(text) in PRONOUNS


def max_matching(adjacency: Sequence[Sequence[int]], n_right: int) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of left items to right items (0/1 similarities, so this
    is exactly what the Hungarian algorithm finds). ``adjacency[i]`` lists the right indices
    left item ``i`` may match. Returns (left, right) pairs; augmenting paths (Kuhn), which is
    exact, unlike a greedy first-come assignment."""
    owner: list[int | None] = [None] * n_right

    def augment(i: int, seen: list[bool]) -> bool:
        for j in adjacency[i]:
            if seen[j]:
                continue
            seen[j] = True
            if owner[j] is None or augment(owner[j], seen):  # type: ignore[arg-type]
                owner[j] = i
                return True
        return False

    for i in range(len(adjacency)):
        if adjacency[i]:
            augment(i, [False] * n_right)
    return sorted((i, j) for j, i in enumerate(owner) if i is not None)


def prf(matched: int, predicted: int, gold: int) -> dict[str, Any]:
    """Counts and P/R/F1 as fractions (0 when a denominator is 0)."""
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4),
            "matched": matched, "predicted": predicted, "gold": gold}


class Counts:
    """matched / predicted / gold accumulated per key (a role, a group) and in total."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.by_key: dict[str, list[int]] = {k: [0, 0, 0] for k in keys}

    def add(self, key: str, matched: int, predicted: int, gold: int) -> None:
        row = self.by_key.setdefault(key, [0, 0, 0])
        row[0] += matched
        row[1] += predicted
        row[2] += gold

    def table(self) -> dict[str, dict[str, Any]]:
        return {k: prf(*v) for k, v in self.by_key.items()}

    def micro(self) -> dict[str, Any]:
        return prf(*(sum(v[i] for v in self.by_key.values()) for i in range(3)))


def merge_fillers(items: Sequence[T], entity: Callable[[T], Hashable | None],
                  text: Callable[[T], str]) -> list[list[T]]:
    """Group argument fillers that are one predicted entity: same entity id, or the same
    normalised text (not for bare pronouns: two "they" may be different referents). Groups
    keep first-mention order; items keep their order inside."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, Hashable], int] = {}
    for i, item in enumerate(items):
        norm = normalise(text(item))
        keys: list[tuple[str, Hashable]] = [] if norm in PRONOUNS else [("text", norm)]
        ent = entity(item)
        if ent is not None:
            keys.append(("entity", ent))
        for key in keys:
            if key in first:
                a, b = find(first[key]), find(i)
                parent[max(a, b)] = min(a, b)
            else:
                first[key] = i
    groups: dict[int, list[T]] = {}
    for i, item in enumerate(items):
        groups.setdefault(find(i), []).append(item)
    return [groups[k] for k in sorted(groups)]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")


#: How mixed-case benchmark text is given to the pipeline: as written, or lower-cased (the
#: path uncased wire copy takes: the recaser, then the same readers).
CASINGS: tuple[str, ...] = ("cased", "uncased")


def in_casing(text: str, casing: str) -> str:
    """``text`` as written ("cased") or lower-cased character by character ("uncased"),
    every character offset kept (a character whose lower case is longer stays as it is)."""
    if casing not in CASINGS:
        raise ValueError(f"casing must be one of {', '.join(CASINGS)}, not {casing!r}")
    if casing == "cased":
        return text
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def sentence_at(text: str, start: int, end: int | None = None, max_chars: int = 400) -> str:
    """The sentence around [start, end) (a cheap regex split, good enough for error dumps)."""
    end = start if end is None else end
    if start < 0 or start > len(text):
        return ""
    left = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        left = m.end()
    m = _SENTENCE_END.search(text, max(end, start))
    right = m.start() + len(m.group(0).rstrip()) if m else len(text)
    sentence = " ".join(text[left:right].split())
    return sentence if len(sentence) <= max_chars else sentence[: max_chars - 3] + "..."


#: The parts a dev set is split into: tune on one, report the other.
PARTS = ("tune", "check", "all")


def dev_part(doc_id: str) -> str:
    """"tune" or "check": a stable half of a dev set chosen by a hash of the document id, so
    rules and thresholds tuned on one half are reported on the other (dev numbers tuned on
    the whole set did not carry to the held-out tests)."""
    digest = hashlib.sha256(str(doc_id).encode("utf-8")).digest()
    return "tune" if digest[0] % 2 == 0 else "check"


def in_part(doc_id: str, part: str) -> bool:
    """True when ``doc_id`` belongs to ``part`` ("tune", "check", or "all")."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    return part == "all" or dev_part(doc_id) == part


def load_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The first ``limit`` JSON objects of a JSONL file (blank lines skipped)."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
                if limit is not None and len(rows) >= limit:
                    break
    return rows


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows as JSONL; returns how many."""
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def extract_texts(texts: Sequence[tuple[str, str]], progress: TaskStarter | None = None,
                  label: str = "extract") -> Iterator[dict[str, Any]]:
    """Contract records for (id, text) pairs, in order, through the public API: no
    publication date, no metadata (what a benchmark gives)."""
    from wirewatch.api import Document, extract_records

    tick = progress(label, len(texts)) if progress is not None else None
    documents = (Document(id=doc_id, text=text) for doc_id, text in texts)
    return extract_records(documents, progress=None if tick is None else lambda _record: tick())


def score_table(title: str, rows: dict[str, dict[str, Any]], micro: dict[str, Any],
                first_column: str = "role") -> Any:
    """A rich table of P/R/F1 (in %) with counts, one row per key plus the micro average."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column(first_column)
    for col in ("P", "R", "F1", "matched", "pred", "gold"):
        table.add_column(col, justify="right")

    def add(name: str, s: dict[str, Any], style: str | None = None) -> None:
        table.add_row(name, *(f"{100 * s[k]:.2f}" for k in ("p", "r", "f1")),
                      str(s["matched"]), str(s["predicted"]), str(s["gold"]), style=style)

    for name, s in rows.items():
        add(name, s)
    add("micro", micro, style="bold")
    return table
