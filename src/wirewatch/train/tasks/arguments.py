"""Encoder task ``arguments``: which role a candidate phrase plays for an event (pair task).

Each example is a window of text (the candidate's sentence), the event's trigger span ``a`` and a candidate span ``b`` from the role candidate
generator (``extract/role_features.candidates``: noun chunks, names, noun cores, bare heads,
"x of y"), labelled ``none`` / ``agent`` / ``victim`` / ``target`` / ``instrument`` /
``place``. The pair head reads concat[pool a, pool b, a * b].

Sources, each labelled the way its annotation allows:

- MUC-4 train (GRIT role fillers; PerpInd/PerpOrg -> agent, Weapon -> instrument; the
  answer key's incident location names -> place): a candidate whose normalised text equals
  a gold mention takes its role, every other candidate is ``none``;
- WikiEvents dev *tune* half (KAIROS roles mapped as ``eval/wikievents.py`` does): a
  candidate overlapping a gold argument of a mapped event takes its role;
- GVC train (Gun Violence Archive participants): a candidate naming a victim's surname is a
  victim, a suspect's an agent; negatives only among named candidates (the archive lists
  named people only, so an unnamed "a 7-year-old boy" says nothing);
- GTD summaries (perpetrator group): a candidate equal to or inside the perpetrator name is
  the agent; negatives only among named candidates;
- ACLED notes, *tune* half (actor1 / actor2 names, categories stripped): a candidate whose
  words are the actor's core words is agent (actor1) or, for violence against civilians,
  victim (actor2); negatives only among named candidates.

Every example comes twice: in the text as written (for MUC-4 the recased copy the pipeline
parses) and lower-cased, so mixed-case and uncased copy are read alike by construction.
``prepare`` runs the rule pipeline (role model off) once per source and caches the
examples as JSON under ``cache``; ``build`` only reads those caches.

    python -m wirewatch.train.tasks.arguments --data ../shared/data --cache out/encoder-tasks
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from wirewatch.eval.common import in_part, normalise

LABELS: tuple[str, ...] = ("none", "agent", "victim", "target", "instrument", "place")
#: Longest window in characters (about 120 word pieces).
MAX_CHARS = 560
SOURCES: tuple[str, ...] = ("muc4", "wikievents", "gvc", "gtd", "acled")
DEFAULT_CACHE = Path("out/encoder-tasks")
_MUC_ROLE = {"PerpInd": "agent", "PerpOrg": "agent", "Target": "target", "Victim": "victim",
             "Weapon": "instrument"}
_NAMED = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC"})


# --------------------------------------------------------------------------- windows


def pair_window(doc: Any, trig: tuple[int, int] | None, cand: Any
                ) -> tuple[int, int, tuple[int, int], tuple[int, int]]:
    """(start, end, trigger span, candidate span) in document characters: the candidate's
    sentence (the window the shared encoder encodes once for every head); a trigger in
    another sentence is replaced by the candidate itself (no trigger in view)."""
    from wirewatch.extract.argument_head import pair_window as runtime_window

    return runtime_window(doc, trig, cand.span)


def _examples_of(doc_id: str, doc: Any, label_of: Any, keep_none: Any, cased: bool
                 ) -> Iterator[dict[str, Any]]:
    """Examples of one parsed document: ``label_of(cand)`` gives the label (None: skip),
    ``keep_none(cand)`` whether a ``none`` example is informative."""
    from wirewatch.extract.role_features import candidates
    from wirewatch.nlp.extensions import get_list
    from wirewatch.nlp.spans import source_text

    events = get_list(doc, "ww_events")
    source = source_text(doc)
    written = doc.text if (not cased and len(doc.text) == len(source)) else source
    for n, cand in enumerate(candidates(doc, events)):
        label = label_of(cand)
        if label is None or (label == "none" and not keep_none(cand)):
            continue
        trigger = events[cand.event_index]["trigger"]
        s, e, b, a = pair_window(doc, (trigger["start"], trigger["end"]), cand)
        rel_a, rel_b = (a[0] - s, a[1] - s), (b[0] - s, b[1] - s)
        base = {"a": rel_a, "b": rel_b, "label": label}
        yield {"id": f"{doc_id}#{n}", "text": written[s:e], **base}
        yield {"id": f"{doc_id}#{n}l", "text": source[s:e].lower(), **base}


def _named(cand: Any) -> bool:
    return cand.head.ent_type_ in _NAMED or cand.head.pos_ == "PROPN"


# --------------------------------------------------------------------------- sources


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _place_names(raw: str) -> list[str]:
    """Names in a MUC-4 location slot ("EL SALVADOR: SAN MIGUEL (DEPARTMENT): X (TOWN)")."""
    names = []
    for part in re.split(r"[:;-]", raw):
        name = re.sub(r"\([^)]*\)", " ", part).strip().strip('"')
        if name:
            names.append(normalise(name))
    return names


def muc4_docs(data_dir: Path, split: str = "train") -> Iterator[tuple[str, str, Any, Any]]:
    """(id, text, label_of, keep_none) per MUC-4 document of ``split`` (train, or the dev
    check half)."""
    places: dict[str, set[str]] = {}
    name = "train" if split == "train" else "dev"
    for row in _read(data_dir / "muc4" / f"full_{name}.jsonl"):
        for template in row.get("templates") or []:
            for slot in (template.get("slots") or {}).get("incident_location") or []:
                if isinstance(slot, dict):
                    places.setdefault(row["docid"], set()).update(
                        _place_names(slot.get("raw") or ""))
    for row in _read(data_dir / "muc4" / f"grit_{name}.jsonl"):
        if split != "train" and not in_part(row["docid"], split):
            continue
        gold: dict[str, str] = {}
        for role, entities in row["extracts"].items():
            for entity in entities:
                for mention in entity:
                    gold.setdefault(normalise(mention[0]), _MUC_ROLE[role])
        for name in places.get(row["docid"], ()):
            gold.setdefault(name, "place")

        def label_of(cand: Any, gold: dict[str, str] = gold) -> str:
            return gold.get(normalise(cand.span.text), "none")

        yield row["docid"], row["doctext"], label_of, lambda cand: True


#: KAIROS -> wirewatch roles (``eval/wikievents.py``'s mapping).
_KAIROS_ROLE = {"Attacker": "agent", "Killer": "agent", "Injurer": "agent", "Jailer": "agent",
                "Communicator": "agent", "Victim": "victim", "Detainee": "victim",
                "Instrument": "instrument", "ExplosiveDevice": "instrument", "Place": "place",
                "Recipient": "target", "Target": "target"}
_KAIROS_TYPES = ("Conflict.Attack", "Life.Die", "Life.Injure", "Justice.ArrestJailDetain",
                 "Contact.ThreatenCoerce", "Conflict.Demonstrate")


def wikievents_docs(data_dir: Path, part: str = "tune") -> Iterator[tuple[str, str, Any, Any]]:
    for row in _read(data_dir / "wikievents" / "dev.jsonl"):
        if not in_part(row["doc_id"], part):
            continue
        ent_type = {e["id"]: e.get("type") for e in row.get("entities") or []}
        spans: list[tuple[int, int, str]] = []
        for event in row["events"]:
            if not event["type"].startswith(_KAIROS_TYPES):
                continue
            for arg in event["arguments"]:
                role = _KAIROS_ROLE.get(arg["role"])
                if role == "target" and arg["role"] == "Target" and \
                        ent_type.get(arg["entity_id"]) == "PER":
                    role = "victim"
                if role:
                    spans.append((arg["start"], arg["end"], role))

        def label_of(cand: Any, spans: list[tuple[int, int, str]] = spans) -> str:
            s, e = cand.span.start_char, cand.span.end_char
            for gs, ge, role in spans:
                if min(e, ge) - max(s, gs) > 0 and gs <= cand.head.idx < ge:
                    return role
            return "none"

        yield row["doc_id"], row["text"], label_of, lambda cand: True


def _surname_label(people: list[tuple[str, str]]) -> Any:
    def label_of(cand: Any) -> str:
        words = set(normalise(cand.span.text).split())
        for surname, role in people:
            if surname in words:
                return role
        return "none"
    return label_of


def gvc_docs(data_dir: Path) -> Iterator[tuple[str, str, Any, Any]]:
    inc = {r["incident_id"]: r for r in _read(data_dir / "incidents" /
                                              "gvc_incidents_train_dev.jsonl")}
    for row in _read(data_dir / "incidents" / "gvc_train.jsonl"):
        record = inc.get(row["incident_id"])
        if record is None:
            continue
        people = []
        for p in record.get("participants") or []:
            name = (p.get("name") or "").split()
            role = {"Victim": "victim", "Subject-Suspect": "agent"}.get(p.get("type", ""))
            if len(name) >= 2 and role:
                people.append((normalise(name[-1]), role))
        if not people:
            continue
        text = f"{row.get('title') or ''}\n\n{row['text']}"
        yield str(row["id"]), text, _surname_label(people), _named


def _phrase_label(names: list[tuple[str, str]]) -> Any:
    """A candidate whose normalised words equal, or sit inside, a gold name takes its role
    (a part of a name must be two words or more: "Earth" is no perpetrator)."""
    def label_of(cand: Any) -> str:
        words = normalise(cand.span.text)
        if len(words) < 3:
            return "none"
        for name, role in names:
            if words == name or (f" {words} " in f" {name} " and len(words.split()) > 1):
                return role
        return "none"
    return label_of


def gtd_docs(data_dir: Path) -> Iterator[tuple[str, str, Any, Any]]:
    for row in _read(data_dir / "gtd" / "gtd_train.jsonl"):
        perp = (row["gold"].get("perpetrator") or "").strip()
        if not perp or perp.lower() in ("unknown", "individual"):
            continue
        names = [(normalise(re.sub(r"\([^)]*\)", " ", perp)), "agent")]
        yield str(row["id"]), row["text"], _phrase_label(names), _named


#: ACLED actor categories -> the head nouns a note names them by.
_ACLED_HEADS = {
    "police forces": {"police", "policeman", "policemen", "cop", "constable", "officer"},
    "military forces": {"army", "soldier", "troop", "military", "force", "jawan"},
    "unidentified armed group": {"gunman", "gunmen", "militant", "miscreant", "assailant",
                                 "attacker", "terrorist", "insurgent"},
    "rioters": {"rioter", "mob", "supporter", "activist", "villager", "worker", "student"},
    "protesters": {"protester", "protestor", "demonstrator", "supporter", "activist"},
    "civilians": {"civilian", "villager", "man", "woman", "boy", "girl", "child", "farmer",
                  "people", "person", "resident", "trader", "worker", "student"},
}


def _acled_label(actors: list[tuple[str, str]]) -> Any:
    """A candidate is the actor when its head noun is one the actor's category is named by,
    or its words are the named group (its acronym or its name)."""
    def label_of(cand: Any) -> str:
        head = cand.head.lemma_.lower()
        words = normalise(cand.span.text)
        for actor, role in actors:
            low = actor.lower()
            category = next((k for k in _ACLED_HEADS if low.startswith(k)), None)
            if category is not None:
                if category == "civilians" and role != "victim":
                    continue
                if head in _ACLED_HEADS[category] or cand.head.lower_ in _ACLED_HEADS[category]:
                    return role
                continue
            acronym, _, name = actor.partition(":")
            names = {normalise(acronym), normalise(name or acronym)}
            if words and len(words) > 2 and (words in names or any(
                    f" {words} " in f" {n} " and len(words.split()) > 1 for n in names)):
                return role
        return "none"
    return label_of


def acled_docs(data_dir: Path, part: str = "tune") -> Iterator[tuple[str, str, Any, Any]]:
    for row in _read(data_dir / "acled" / "acled_asia_2015_dev.jsonl"):
        if not in_part(row["id"], part):
            continue
        gold = row["gold"]
        if gold.get("event_type") in ("Protests", "Riots/Protests", "Strategic developments"):
            continue  # no violent event to read roles of (or no role to read)
        actors = []
        for key, role in (("actor1", "agent"), ("actor2", "victim")):
            if role == "victim" and gold.get("event_type") != "Violence against civilians":
                continue
            actor = re.sub(r"\s*\((?:[^()]*)\)\s*$", "", gold.get(key) or "").strip()
            if actor:
                actors.append((actor, role))
        if actors:
            yield str(row["id"]), row["text"], _acled_label(actors), _named


_READERS: dict[str, Callable[[Path], Iterator[tuple[str, str, Any, Any]]]] = {
    "muc4": muc4_docs, "wikievents": wikievents_docs, "gvc": gvc_docs, "gtd": gtd_docs,
    "acled": acled_docs,
    "muc4-check": lambda d: muc4_docs(d, "check"),
    "wikievents-check": lambda d: wikievents_docs(d, "check")}
#: What the head learns from, and what the trainer only measures.
TRAIN_SOURCES = SOURCES
CHECK_SOURCES: tuple[str, ...] = ("muc4-check", "wikievents-check")
#: Example weight per source: the weakly matched labels (surnames, actor categories,
#: perpetrator names) count less than annotated role fillers.
SOURCE_WEIGHT = {"muc4": 1.0, "wikievents": 1.0, "gvc": 0.7, "gtd": 0.5, "acled": 0.5}
#: Share of windows with no role filler kept (deterministic by window).
EMPTY_SHARE = 0.3

CARD = (
    "arguments (pair: trigger, candidate phrase -> none/agent/victim/target/instrument/"
    "place): candidates of the role candidate generator over the rule pipeline's events, one "
    "window per sentence; MUC-4 train (GRIT fillers, answer-key locations as place), "
    "WikiEvents dev tune half (KAIROS roles mapped), GVC train (GVA participants' surnames: "
    "victim / suspect as agent, weight 0.7), GTD summaries (perpetrator, 0.5), ACLED Asia "
    "2015 tune half (actor categories' head nouns and group names, 0.5); negatives of the "
    "weakly matched sources only among named phrases; 30% of windows without a filler kept. "
    "Check: MUC-4 dev and WikiEvents dev check halves."
)


# --------------------------------------------------------------------------- building


def prepare_source(data_dir: Path, source: str, cache: Path, limit: int | None = None
                   ) -> list[dict[str, Any]]:
    """Run the rule pipeline over one source and cache its examples (JSON)."""
    from wirewatch.api import Document, extract_docs

    path = cache / f"arguments-{source}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    items = list(_READERS[source](data_dir))[:limit]
    documents = [Document(id=i, text=t) for i, t, _, _ in items]
    out: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    cased = not source.startswith("muc4")
    for n, ((doc_id, _, label_of, keep_none), (_, doc)) in enumerate(
            zip(items, extract_docs(documents, roles=False), strict=True)):
        if doc is not None:
            out.extend(_examples_of(doc_id, doc, label_of, keep_none, cased))
        if n % 100 == 0:
            print(f"{source}: {n}/{len(items)} docs, {len(out)} examples "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out), encoding="utf-8")
    return out


def cached_examples(cache: Path, sources: tuple[str, ...] = SOURCES) -> list[dict[str, Any]]:
    """The examples of every source already prepared under ``cache`` (none missing ones)."""
    out: list[dict[str, Any]] = []
    for source in sources:
        path = Path(cache) / f"arguments-{source}.json"
        if path.exists():
            out.extend(json.loads(path.read_text(encoding="utf-8")))
    return out


def _keep(key: str, items: list[Any]) -> bool:
    import hashlib

    if any(item[-1] != "none" for item in items):
        return True
    return hashlib.sha256(key.encode()).digest()[0] < 256 * EMPTY_SHARE


def build(data_dir: Path, part: str, cache: Path | None = None) -> Any:
    """The task's ``TaskData``: the candidates of one window grouped into one example (its
    items), read from the caches ``prepare_source`` wrote (under ``cache``, else
    ``out/encoder-tasks``); a source not prepared yet is prepared now (the rule pipeline
    over it: minutes)."""
    from wirewatch.train.tasks import Example, TaskData

    sources = TRAIN_SOURCES if part == "train" else CHECK_SOURCES
    examples: list[Example] = []
    for source in sources:
        where = next((c for c in (Path(cache) if cache else None, DEFAULT_CACHE)
                      if c is not None and (c / f"arguments-{source}.json").exists()),
                     Path(cache) if cache else DEFAULT_CACHE)
        rows = prepare_source(Path(data_dir), source, where)
        windows: dict[tuple[str, str], list[Any]] = {}
        for r in rows:
            if r["id"].endswith("l"):  # the lower-cased copy: the trainer flips case itself
                continue
            key = (r["id"].split("#")[0], r["text"])
            windows.setdefault(key, []).append((tuple(r["a"]), tuple(r["b"]), r["label"]))
        for (doc, text), items in windows.items():
            if part != "train" or _keep(f"{source}:{doc}:{text[:80]}", items):
                examples.append(Example(text=text, items=items, doc=doc,
                                        weight=SOURCE_WEIGHT.get(source, 1.0)))
    return TaskData(name="arguments", kind="pair", labels=list(LABELS), examples=examples,
                    card=CARD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=Path("out/encoder-tasks"))
    parser.add_argument("--sources", default=",".join(SOURCES))
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    for source in args.sources.split(","):
        rows = prepare_source(args.data, source, args.cache, args.limit)
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["label"]] = counts.get(r["label"], 0) + 1
        print(source, len(rows), counts, flush=True)


if __name__ == "__main__":
    main()
