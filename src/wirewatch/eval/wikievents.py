"""`wirewatch eval wikievents PATH`: document-level role fillers and event detection on
WikiEvents (KAIROS ontology), with the protocol of ../shared/data/README.md.

KAIROS event types map to wirewatch groups (``KAIROS_GROUPS``) and KAIROS roles to wirewatch
argument roles (``KAIROS_ROLES``; the mapping is the metric's definition, so it lives here).
Per document, group and role the gold entities are coreference clusters; a predicted entity
(one per distinct entity id or normalised text) matches a cluster when one of its argument
spans overlaps any mention of the cluster; the alignment is one-to-one; P/R/F1 are
micro-averaged. Event detection: a gold event of a mapped type is found when a predicted
event of the same group has its trigger or its evidence overlapping the gold trigger.
``evaluate`` runs the pipeline through ``wirewatch.api``; ``wirewatch eval wikievents``
calls it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch.eval.common import (
    Counts,
    TaskStarter,
    extract_texts,
    in_part,
    load_jsonl,
    max_matching,
    merge_fillers,
    prf,
    score_table,
    sentence_at,
)

GROUPS: tuple[str, ...] = ("violence", "COERCE", "THREATEN", "PROTEST")
ROLES: tuple[str, ...] = ("agent", "victim", "target", "instrument", "place")

#: KAIROS "Type.Subtype" -> wirewatch group.
KAIROS_GROUPS: dict[str, str] = {
    "Conflict.Attack": "violence",
    "Life.Die": "violence",
    "Life.Injure": "violence",
    "Justice.ArrestJailDetain": "COERCE",
    "Contact.ThreatenCoerce": "THREATEN",
    "Conflict.Demonstrate": "PROTEST",
}
#: wirewatch event type -> group.
TYPE_GROUPS: dict[str, str] = {
    "ASSAULT": "violence", "FIGHT": "violence", "COERCE": "COERCE",
    "THREATEN": "THREATEN", "PROTEST": "PROTEST",
}
#: KAIROS role -> wirewatch role ("Target" depends on the entity type: see ``gold_role``).
KAIROS_ROLES: dict[str, str] = {
    "Attacker": "agent", "Killer": "agent", "Injurer": "agent", "Jailer": "agent",
    "Communicator": "agent", "Victim": "victim", "Detainee": "victim", "Target": "target",
    "Instrument": "instrument", "ExplosiveDevice": "instrument", "Place": "place",
    "Recipient": "target",
}


def kairos_group(event_type: str) -> str | None:
    """The wirewatch group of a KAIROS type ("Life.Die.Unspecified" -> "violence")."""
    return KAIROS_GROUPS.get(".".join(event_type.split(".")[:2]))


def gold_role(role: str, entity_type: str | None) -> str | None:
    """A KAIROS role as a wirewatch role; a person Target is a victim."""
    if role == "Target" and entity_type == "PER":
        return "victim"
    return KAIROS_ROLES.get(role)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class GoldCluster:
    """One gold role filler: a coreference cluster with all its mentions in the document."""

    cluster: str
    mentions: list[tuple[int, int]]
    text: str  # the argument's own text (first time it fills this role)
    argument: tuple[int, int]  # that argument's span
    events: set[str] = field(default_factory=set)


@dataclass
class GoldDoc:
    fillers: dict[tuple[str, str], list[GoldCluster]]  # (group, role) -> clusters
    events: list[tuple[str, str, tuple[int, int], str]]  # (id, group, trigger span, text)


def gold_document(doc: Mapping[str, Any]) -> GoldDoc:
    """The mapped gold role fillers and events of one WikiEvents record."""
    entities = {e["id"]: e for e in doc.get("entities", [])}
    mentions: dict[str, list[tuple[int, int]]] = {}
    for e in doc.get("entities", []):
        mentions.setdefault(e.get("cluster") or e["id"], []).append((e["start"], e["end"]))
    fillers: dict[tuple[str, str], dict[str, GoldCluster]] = {}
    events = []
    for event in doc.get("events", []):
        group = kairos_group(event["type"])
        if group is None:
            continue
        trigger = event["trigger"]
        events.append((event["id"], group, (trigger["start"], trigger["end"]), trigger["text"]))
        for arg in event.get("arguments", []):
            entity = entities.get(arg.get("entity_id", ""), {})
            role = gold_role(arg["role"], entity.get("type"))
            if role is None:
                continue
            cluster = arg.get("cluster") or entity.get("cluster") or arg.get("entity_id")
            slot = fillers.setdefault((group, role), {})
            if cluster not in slot:
                slot[cluster] = GoldCluster(
                    cluster, mentions.get(cluster) or [(arg["start"], arg["end"])],
                    arg["text"], (arg["start"], arg["end"]))
            slot[cluster].events.add(event["id"])
    return GoldDoc({k: list(v.values()) for k, v in fillers.items()}, events)


@dataclass(frozen=True)
class PredFiller:
    """One argument of one predicted event."""

    text: str
    span: tuple[int, int]
    entity: str | None
    event: str
    trigger: str
    evidence: str


def predicted_fillers(record: Mapping[str, Any], actual_only: bool = False
                      ) -> dict[tuple[str, str], list[list[PredFiller]]]:
    """(group, role) -> predicted entities, each the list of its argument fillers."""
    items: dict[tuple[str, str], list[PredFiller]] = {}
    for event in record.get("events", []):
        group = TYPE_GROUPS.get(event.get("type", ""))
        if group is None or (actual_only and event.get("factuality") != "actual"):
            continue
        evidence = (event.get("evidence") or {}).get("text", "")
        for arg in event.get("arguments", []):
            if arg["role"] not in ROLES:
                continue
            span = arg["span"]
            items.setdefault((group, arg["role"]), []).append(PredFiller(
                span["text"], (span["start"], span["end"]), arg.get("entity"),
                event.get("id", ""), event["trigger"]["text"], evidence))
    return {k: merge_fillers(v, lambda f: f.entity, lambda f: f.text) for k, v in items.items()}


def _event_spans(event: Mapping[str, Any]) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in (event.get("trigger"), event.get("evidence")) if s]


def score_wikievents(gold_docs: Iterable[Mapping[str, Any]],
                     predictions: Mapping[str, Mapping[str, Any]],
                     actual_only: bool = False) -> dict[str, Any]:
    """Score contract records (``predictions``: doc_id -> record) against WikiEvents records.

    Returns {"documents", "roles", "groups", "micro", "events", "errors"}: P/R/F1 per role
    (over groups) and per group (over roles), their micro average, event detection
    (recall with trigger-or-evidence overlap and with trigger overlap only, and the trigger
    precision of predicted events), and false positives / misses with an error class.
    ``actual_only`` scores only predicted events with factuality ``actual``.
    """
    roles, groups = Counts(ROLES), Counts(GROUPS)
    detect = {g: Counter() for g in GROUPS}
    errors: list[dict[str, Any]] = []
    n_docs = 0
    for doc in gold_docs:
        n_docs += 1
        doc_id = doc["doc_id"]
        text = doc.get("text", "")
        gold = gold_document(doc)
        record = predictions.get(doc_id, {})
        pred_events = [e for e in record.get("events", [])
                       if e.get("type") in TYPE_GROUPS
                       and (not actual_only or e.get("factuality") == "actual")]
        found: set[str] = set()
        for event_id, group, trig, _ in gold.events:
            same = [e for e in pred_events if TYPE_GROUPS[e["type"]] == group]
            hit = any(overlaps(s, trig) for e in same for s in _event_spans(e))
            by_trigger = any(overlaps((e["trigger"]["start"], e["trigger"]["end"]), trig)
                             for e in same)
            detect[group].update(gold=1, found=hit, found_by_trigger=by_trigger)
            if hit:
                found.add(event_id)
        gold_triggers = [(g, t) for _, g, t, _ in gold.events]
        for e in pred_events:
            group = TYPE_GROUPS[e["type"]]
            trig = (e["trigger"]["start"], e["trigger"]["end"])
            detect[group].update(predicted=1, predicted_correct=any(
                g == group and overlaps(trig, t) for g, t in gold_triggers))
        pred = predicted_fillers(record, actual_only)
        for group in GROUPS:
            for role in ROLES:
                golds = gold.fillers.get((group, role), [])
                preds = pred.get((group, role), [])
                adjacency = [[j for j, c in enumerate(golds) if _hits(p, c)] for p in preds]
                pairs = max_matching(adjacency, len(golds))
                roles.add(role, len(pairs), len(preds), len(golds))
                groups.add(group, len(pairs), len(preds), len(golds))
                errors.extend(_errors(doc_id, text, group, role, preds, golds, pairs,
                                      adjacency, gold, pred, found))
    events: dict[str, Any] = {}
    for group, c in detect.items():
        events[group] = _detection(c)
    events["all"] = _detection(sum(detect.values(), Counter()))
    return {"documents": n_docs, "roles": roles.table(), "groups": groups.table(),
            "micro": roles.micro(), "events": events, "errors": errors}


def _detection(c: Counter) -> dict[str, Any]:
    return {"gold": c["gold"], "found": c["found"],
            "recall": prf(c["found"], c["gold"], c["gold"])["r"],
            "found_by_trigger": c["found_by_trigger"],
            "trigger_recall": prf(c["found_by_trigger"], c["gold"], c["gold"])["r"],
            "predicted": c["predicted"], "predicted_correct": c["predicted_correct"],
            "trigger_precision": prf(c["predicted_correct"], c["predicted"], 0)["p"]}


def _hits(pred: list[PredFiller], cluster: GoldCluster) -> bool:
    return any(overlaps(f.span, m) for f in pred for m in cluster.mentions)


def _errors(doc_id: str, text: str, group: str, role: str, preds: list[list[PredFiller]],
            golds: list[GoldCluster], pairs: list[tuple[int, int]], adjacency: list[list[int]],
            gold: GoldDoc, pred: Mapping[tuple[str, str], list[list[PredFiller]]],
            found: set[str]) -> list[dict[str, Any]]:
    """False positives and misses of one (document, group, role), each with a class."""
    out: list[dict[str, Any]] = []
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    gold_triggers = [t for _, g, t, _ in gold.events if g == group]
    for i, p in enumerate(preds):
        if i in matched_p:
            continue
        first = p[0]
        if adjacency[i]:
            cls = "duplicate"
        elif any(_hits(p, c) for r in ROLES if r != role for c in gold.fillers.get((group, r), [])):
            cls = "wrong_role"
        elif any(_hits(p, c) for g in GROUPS if g != group
                 for c in gold.fillers.get((g, role), [])):
            cls = "wrong_group"
        elif not gold_triggers:
            cls = "no_gold_event"
        else:
            cls = "spurious"
        out.append({"doc_id": doc_id, "group": group, "role": role, "kind": "fp", "class": cls,
                    "text": first.text, "start": first.span[0], "end": first.span[1],
                    "trigger": first.trigger,
                    "sentence": first.evidence or sentence_at(text, *first.span)})
    for j, c in enumerate(golds):
        if j in matched_g:
            continue
        if not c.events & found:
            cls = "event_missed"
        elif any(_hits(p, c) for r in ROLES if r != role for p in pred.get((group, r), [])):
            cls = "wrong_role"
        elif any(_hits(p, c) for g in GROUPS if g != group for p in pred.get((g, role), [])):
            cls = "wrong_group"
        else:
            cls = "not_predicted"
        out.append({"doc_id": doc_id, "group": group, "role": role, "kind": "miss",
                    "class": cls, "text": c.text, "start": c.argument[0], "end": c.argument[1],
                    "mentions": sorted({text[a:b] for a, b in c.mentions}),
                    "sentence": sentence_at(text, *c.argument)})
    return out


def error_classes(errors: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many errors of each kind and class, most frequent first."""
    return dict(Counter(f"{e['kind']}/{e['class']}" for e in errors).most_common())


# --------------------------------------------------------------------------- running


def evaluate(path: Path, limit: int | None = None, progress: TaskStarter | None = None,
             from_records: Path | None = None, actual_only: bool = False,
             part: str = "all", casing: str = "cased"
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the pipeline on a WikiEvents file and score it; returns (result, records).
    ``part`` picks a half of the dev set (``dev_part``: tune, check or all); ``casing`` the
    path the text takes: as written, or lower-cased ("uncased", offsets kept)."""
    from wirewatch.eval.common import in_casing

    docs = [d for d in load_jsonl(path) if in_part(d["doc_id"], part)][:limit]
    load_seconds = 0.0
    if from_records is None:  # load the models outside the timed run
        from wirewatch.api import load_pipeline

        start = time.perf_counter()
        load_pipeline()
        load_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if from_records is not None:
        by_id = {r["id"]: r for r in load_jsonl(from_records)}
        records = [by_id.get(d["doc_id"], {"id": d["doc_id"]}) for d in docs]
    else:
        records = list(extract_texts([(d["doc_id"], in_casing(d["text"], casing))
                                      for d in docs], progress, "wikievents"))
    seconds = time.perf_counter() - start
    result = score_wikievents(docs, {r["id"]: r for r in records}, actual_only)
    result["load_seconds"] = round(load_seconds, 1)
    result["seconds"] = round(seconds, 1)
    result["docs_per_second"] = round(len(docs) / seconds, 2) if seconds else None
    result["error_classes"] = error_classes(result["errors"])
    result["failed"] = sum("error" in r for r in records)
    result["part"], result["casing"] = part, casing
    return result, records


def print_result(result: Mapping[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    n = result["documents"]
    console.print(score_table(f"WikiEvents role fillers by role ({n} documents)",
                              result["roles"], result["micro"]))
    console.print(score_table("WikiEvents role fillers by group", result["groups"],
                              result["micro"], first_column="group"))
    table = Table(title="WikiEvents event detection (gold events of mapped types)")
    for col in ("group", "gold", "found", "recall", "trigger-only R", "pred", "trigger P"):
        table.add_column(col, justify="left" if col == "group" else "right")
    for group, d in result["events"].items():
        table.add_row(group, str(d["gold"]), str(d["found"]), f"{100 * d['recall']:.2f}",
                      f"{100 * d['trigger_recall']:.2f}", str(d["predicted"]),
                      f"{100 * d['trigger_precision']:.2f}",
                      style="bold" if group == "all" else None)
    console.print(table)
    console.print(f"models loaded in {result['load_seconds']} s; {n} documents in "
                  f"{result['seconds']} s ({result['docs_per_second']} docs/s)"
                  + (f", {result['failed']} failed" if result.get("failed") else ""))
    console.print("errors: " + ", ".join(f"{k} {v}" for k, v in result["error_classes"].items()))
