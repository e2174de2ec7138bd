"""`wirewatch eval muc4 PATH`: MUC-4 role fillers, scored with GRIT's CEAF-REE.

wirewatch's events become the five GRIT roles (``predicted_templates``); each predicted
entity (one string) matches a gold entity iff its normalised string equals one of the gold
entity's normalised mentions; predicted and gold entities are aligned one-to-one per
document and role; P = matched / predicted and R = matched / gold, micro-averaged over all
roles and documents (``score_muc4``). Event types are not scored. ``evaluate`` runs the
pipeline through ``wirewatch.api``; ``wirewatch eval muc4`` calls it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    normalise,
    score_table,
    sentence_at,
)

ROLES: tuple[str, ...] = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")

#: Event types that are MUC-4 incidents (attack, bombing, arson, kidnapping, robbery ...);
#: a mode set restricts the type to those modes, None admits every mode.
INCIDENT_TYPES: dict[str, frozenset[str] | None] = {
    "ASSAULT": None,
    "FIGHT": None,
    "CRIME": None,
    "COERCE": frozenset({"abduct", "arrest"}),
}
#: wirewatch argument role -> GRIT role (agent is split by entity type in ``_grit_role``).
ARGUMENT_ROLES: dict[str, str] = {"victim": "Victim", "target": "Target", "instrument": "Weapon"}


@dataclass(frozen=True)
class Filler:
    """One argument of one event, mapped to a GRIT role."""

    role: str
    text: str  # the string that represents it (span text, or its entity's name for pronouns)
    start: int
    end: int
    entity: str | None
    event: str
    trigger: str
    evidence: str


def is_incident(event: Mapping[str, Any]) -> bool:
    """An actual event of a MUC-4 incident type (and mode)."""
    if event.get("factuality") != "actual" or event.get("type") not in INCIDENT_TYPES:
        return False
    modes = INCIDENT_TYPES[event["type"]]
    return modes is None or event.get("mode") in modes


def _grit_role(role: str, entity: Mapping[str, Any] | None) -> str | None:
    if role == "agent":
        return "PerpOrg" if entity is not None and entity.get("type") == "ORG" else "PerpInd"
    return ARGUMENT_ROLES.get(role)


def _surface(span: Mapping[str, Any], entity: Mapping[str, Any] | None
             ) -> tuple[str, int, int] | None:
    """The string a filler is represented by: its argument span text, exactly as the
    data README's mapping says (the extractor itself names a pronoun argument by its
    antecedent's mention), so these numbers match an independent scorer's."""
    return span["text"], span["start"], span["end"]


def predicted_fillers(record: Mapping[str, Any]) -> dict[str, list[list[Filler]]]:
    """Per GRIT role, the predicted entities of a contract record, each as the list of its
    fillers (one entity per distinct entity id or distinct normalised text)."""
    entities = {e["id"]: e for e in record.get("entities", [])}
    fillers: dict[str, list[Filler]] = {role: [] for role in ROLES}
    for event in record.get("events", []):
        if not is_incident(event):
            continue
        evidence = (event.get("evidence") or {}).get("text", "")
        for arg in event.get("arguments", []):
            entity = entities.get(arg.get("entity") or "")
            role = _grit_role(arg["role"], entity)
            surface = _surface(arg["span"], entity) if role else None
            if role is None or surface is None or not normalise(surface[0]):
                continue
            text, start, end = surface
            fillers[role].append(Filler(role, text, start, end, arg.get("entity"),
                                        event.get("id", ""), event["trigger"]["text"], evidence))
    return {role: merge_fillers(items, lambda f: f.entity, lambda f: f.text)
            for role, items in fillers.items()}


def predicted_templates(record: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per GRIT role, one string per predicted entity (the text of its first filler)."""
    return {role: [group[0].text for group in groups]
            for role, groups in predicted_fillers(record).items()}


# --------------------------------------------------------------------------- scoring

GoldEntity = list[str]  # the coreferent mention strings of one gold entity


def gold_templates(extracts: Mapping[str, Any]) -> dict[str, list[GoldEntity]]:
    """GRIT ``extracts`` -> role -> entities as mention strings (offsets dropped)."""
    out: dict[str, list[GoldEntity]] = {}
    for role in ROLES:
        out[role] = [[m[0] if isinstance(m, list | tuple) else m for m in entity]
                     for entity in extracts.get(role, [])]
    return out


def _as_gold_map(gold_docs: Mapping[str, Any] | Iterable[Mapping[str, Any]]
                 ) -> dict[str, dict[str, list[GoldEntity]]]:
    """Accept {docid: extracts} or GRIT records ({"docid", "extracts", ...})."""
    if isinstance(gold_docs, Mapping):
        return {d: gold_templates(x) for d, x in gold_docs.items()}
    return {r["docid"]: gold_templates(r.get("extracts", {})) for r in gold_docs}


def _contains(a: str, b: str) -> bool:
    """Word-level containment of one normalised string in the other (a boundary error)."""
    return bool(a and b) and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def score_muc4(gold_docs: Mapping[str, Any] | Iterable[Mapping[str, Any]],
               predictions: Mapping[str, Mapping[str, list[str]]]) -> dict[str, Any]:
    """GRIT CEAF-REE of ``predictions`` ({docid: {role: [string]}}) against ``gold_docs``
    ({docid: extracts} or GRIT records). A document absent from ``predictions`` predicts
    nothing; a predicted document absent from the gold has no gold entities.

    Returns {"documents", "roles": {role: P/R/F1 + counts}, "micro", "errors"}; each error is
    a false positive (``kind`` "fp", its ``text``) or a miss ("miss", the gold ``mentions``)
    with a ``class``: irrelevant_doc, wrong_role, boundary, duplicate, spurious / not_predicted.
    """
    gold = _as_gold_map(gold_docs)
    docids = list(gold) + [d for d in predictions if d not in gold]
    counts = Counts(ROLES)
    errors: list[dict[str, Any]] = []
    for docid in docids:
        g_doc = gold.get(docid, {})
        p_doc = predictions.get(docid, {})
        g_norm = {r: [{normalise(m) for m in ent} for ent in g_doc.get(r, [])] for r in ROLES}
        p_norm = {r: [normalise(s) for s in p_doc.get(r, [])] for r in ROLES}
        relevant = any(g_norm[r] for r in ROLES)
        for role in ROLES:
            preds, golds = p_norm[role], g_norm[role]
            adjacency = [[j for j, ent in enumerate(golds) if p in ent] for p in preds]
            pairs = max_matching(adjacency, len(golds))
            counts.add(role, len(pairs), len(preds), len(golds))
            matched_p = {i for i, _ in pairs}
            matched_g = {j for _, j in pairs}
            others = [ent for r in ROLES if r != role for ent in g_norm[r]]
            other_preds = {p for r in ROLES if r != role for p in p_norm[r]}
            for i, p in enumerate(preds):
                if i in matched_p:
                    continue
                if not relevant:
                    cls = "irrelevant_doc"
                elif adjacency[i]:
                    cls = "duplicate"
                elif any(p in ent for ent in others):
                    cls = "wrong_role"
                elif any(_contains(p, m) for ent in golds for m in ent):
                    cls = "boundary"
                else:
                    cls = "spurious"
                errors.append({"docid": docid, "role": role, "kind": "fp", "class": cls,
                               "text": p_doc[role][i]})
            for j, ent in enumerate(golds):
                if j in matched_g:
                    continue
                if ent & other_preds:
                    cls = "wrong_role"
                elif any(_contains(p, m) for k, p in enumerate(preds) if k not in matched_p
                         for m in ent):
                    cls = "boundary"
                else:
                    cls = "not_predicted"
                errors.append({"docid": docid, "role": role, "kind": "miss", "class": cls,
                               "mentions": g_doc[role][j]})
    return {"documents": len(docids), "roles": counts.table(), "micro": counts.micro(),
            "errors": errors}


def error_classes(errors: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many errors of each kind and class ("fp/spurious": 12, ...), most frequent first."""
    found = Counter(f"{e['kind']}/{e['class']}" for e in errors)
    return dict(found.most_common())


# --------------------------------------------------------------------------- running


def explain_errors(errors: list[dict[str, Any]], docs: Mapping[str, Mapping[str, Any]],
                   fillers: Mapping[str, dict[str, list[list[Filler]]]]
                   ) -> list[dict[str, Any]]:
    """Errors with the sentence they come from (and the event behind a false positive)."""
    out = []
    for e in errors:
        row = dict(e)
        text = docs.get(e["docid"], {}).get("doctext", "")
        if e["kind"] == "fp":
            for group in fillers.get(e["docid"], {}).get(e["role"], []):
                if group[0].text == e["text"]:
                    f = group[0]
                    row.update(trigger=f.trigger, event=f.event,
                               sentence=f.evidence or sentence_at(text, f.start, f.end))
                    break
        else:
            offsets = [m[1] for m in _raw_entity(docs, e) if m[1] is not None and m[1] >= 0]
            row["sentence"] = sentence_at(text, offsets[0]) if offsets else ""
        out.append(row)
    return out


def _raw_entity(docs: Mapping[str, Mapping[str, Any]], error: Mapping[str, Any]
                ) -> list[tuple[str, int | None]]:
    for entity in docs.get(error["docid"], {}).get("extracts", {}).get(error["role"], []):
        mentions = [(m[0], m[1]) if isinstance(m, list | tuple) else (m, None) for m in entity]
        if [m for m, _ in mentions] == list(error["mentions"]):
            return mentions
    return []


#: How the documents are given to the pipeline: as distributed (lower case), or mixed case
#: as the recaser restores them (the path ordinary cased news takes through the reader).
SETTINGS: tuple[str, ...] = ("uncased", "recased")


def document_text(doc: Mapping[str, Any], setting: str = "uncased") -> str:
    """The text of a GRIT document in a setting; recasing keeps every offset."""
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {', '.join(SETTINGS)}, not {setting!r}")
    text = doc["doctext"]
    if setting == "recased":
        from wirewatch.nlp.recase import recase

        text = recase(text)
    return text


def evaluate(path: Path, limit: int | None = None, progress: TaskStarter | None = None,
             from_records: Path | None = None, part: str = "all", setting: str = "uncased"
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the pipeline on a GRIT file and score it; returns (result, side data for dumps:
    ``docs``, ``fillers``, ``predictions`` and ``records`` by document). ``part`` picks a
    half of a dev set (``dev_part``: tune, check or all); ``setting`` the casing of the text
    given to the pipeline (``SETTINGS``)."""
    docs = [d for d in load_jsonl(path) if in_part(d["docid"], part)][:limit]
    load_seconds = 0.0
    if from_records is None:  # load the models outside the timed run
        from wirewatch.api import load_pipeline

        start = time.perf_counter()
        load_pipeline()
        load_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if from_records is not None:
        by_id = {r["id"]: r for r in load_jsonl(from_records)}
        records = [by_id.get(d["docid"], {"id": d["docid"]}) for d in docs]
    else:
        records = list(extract_texts([(d["docid"], document_text(d, setting)) for d in docs],
                                     progress, "muc4"))
    seconds = time.perf_counter() - start
    fillers = {r["id"]: predicted_fillers(r) for r in records}
    predictions = {docid: {role: [g[0].text for g in groups] for role, groups in f.items()}
                   for docid, f in fillers.items()}
    result = score_muc4(docs, predictions)
    result["load_seconds"] = round(load_seconds, 1)
    result["seconds"] = round(seconds, 1)
    result["docs_per_second"] = round(len(docs) / seconds, 2) if seconds else None
    result["error_classes"] = error_classes(result["errors"])
    result["failed"] = sum("error" in r for r in records)
    result["part"], result["setting"] = part, setting
    side = {"docs": {d["docid"]: d for d in docs}, "fillers": fillers,
            "predictions": predictions, "records": records}
    return result, side


def print_result(result: Mapping[str, Any], title: str) -> None:
    from rich.console import Console

    console = Console()
    console.print(score_table(f"{title} — GRIT CEAF-REE ({result['documents']} documents)",
                              result["roles"], result["micro"]))
    console.print(f"models loaded in {result['load_seconds']} s; {result['documents']} "
                  f"documents in {result['seconds']} s ({result['docs_per_second']} docs/s)"
                  + (f", {result['failed']} failed" if result.get("failed") else ""))
    console.print("errors: " + ", ".join(f"{k} {v}" for k, v in result["error_classes"].items()))
