"""Task ``events``: what kind of mention is this rule candidate (a span head over the trigger
in its sentence)?

Labels: ``news`` (an incident the report is about), ``background`` (history, campaign tolls,
other incidents recalled), ``statement`` (a statement, condemnation or legal step speaking
about violence), ``accidental`` (an accidental shooting: kept as an incident, flagged, out of
violent counts), ``not_event`` (a word used otherwise: sport, business, politics' "attacks").

Derived by this script from the rule candidates of each source (``candidates.py``), the
source's own labels first, the sentence's cue words (``events_common.cue_label``) overriding a
"news" default:

- GVC train: every article reports its incident: violent candidates are news, unless the
  candidate's own resolved date lies over a month from the incident's (background) or a cue
  fires; GVC dev mentions (tune half): a candidate on a mention of the article's incident is
  news, on a mention of another incident background (gold);
- ECB+ train: violent subtopics as GVC; candidates in subtopics that are no violent incident
  (earthquakes, launches, awards) of a violent or protest type are not_event;
- ACLED notes (tune half): candidates of a type the coder's type allows are news;
- MUC-4 train (full templates): documents with an accomplished relevant incident: violent
  and arrest candidates news (irrelevant documents are left out: their military clashes are
  events to an ACLED coder);
- GTD summaries: violent candidates news; WikiEvents dev (tune half): candidates on a gold
  attack / arrest trigger news;
- BBC business, sport, entertainment, tech (tune half): every judged candidate not_event;
  PolNeAR political news: violent candidates with no casualty figure not_event.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from wirewatch.eval.acled import compatible_types
from wirewatch.eval.common import in_part, load_jsonl
from wirewatch.train.tasks import Example, TaskData
from wirewatch.train.tasks.events_common import (
    VIOLENT,
    cue_label,
    judged_candidates,
    overlaps,
    sentence_of,
    source_docs,
    year_of,
)

LABELS = ["news", "background", "statement", "accidental", "not_event"]
TRAIN_SOURCES = ("gvc_train", "gvc_dev_tune", "ecb_train", "acled_tune", "muc4_train", "gtd",
                 "wikievents_tune", "bbc_tune", "polnear")
CHECK_SOURCES = ("gvc_dev_check", "ecb_dev", "acled_check", "wikievents_check", "bbc_check")

CARD = """- sources (rule candidates of types ASSAULT, FIGHT, PROTEST, COERCE, THREATEN,
  MOBILIZE that the rules call actual and not generic; labels derived by
  `train/tasks/events.py`): Gun Violence Corpus train and dev tune half (CC BY 4.0; article
  texts owned by their publishers), ECB+ train (CC BY 3.0), ACLED-Asia 2015 notes tune half
  (ACLED terms: no redistribution, only derived weights here), MUC-4 train (LDC/NIST research
  release), GTD summaries (START, non-commercial research with attribution), WikiEvents dev
  tune half (research), BBC News non-violent categories tune half (Greene & Cunningham 2006,
  research), PolNeAR train (research). No text is shipped.
- check half: GVC dev check half (gold mentions: own incident news, other incidents
  background), ECB+ dev, ACLED check half, WikiEvents dev check half, BBC non-violent
  check half — labels derived the same way."""


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def _gvc_dates(data: Path) -> dict[str, str]:
    return {r["incident_id"]: r["date"] for r in
            load_jsonl(data / "incidents" / "gvc_incidents_train_dev.jsonl")}


def _gvc_mentions(data: Path, part: str) -> dict[str, list[tuple[int, int, bool, bool]]]:
    """doc id -> (start, end, in the body, of the article's own incident) of every gold
    mention, for dev documents of the given half."""
    out: dict[str, list[tuple[int, int, bool, bool]]] = {}
    for m in load_jsonl(data / "incidents" / "gvc_mentions_dev.jsonl"):
        if not in_part(m["doc_id"], part):
            continue
        out.setdefault(m["doc_id"], []).append(
            (m["start"], m["end"], m.get("field") == "text",
             m["chain_incident_id"] == m["doc_incident_id"]))
    return out


def label_candidate(source: str, doc: dict[str, Any], event: dict[str, Any],
                    sentence: str, context: dict[str, Any]) -> str | None:
    """The derived label of one candidate, or None (not an example)."""
    kind = event["type"]
    trigger = event["trigger"]
    meta = doc.get("meta", {})
    year = year_of(doc.get("published"))
    if source.startswith("bbc"):
        return "not_event"
    if source == "polnear":
        figures = any(v for v in event["casualties"].values())
        return "not_event" if kind in VIOLENT and not figures else None
    if source.startswith("gvc_dev"):
        # gold offsets count from the title or from the body (the text is title, blank line,
        # body)
        offset = len(meta.get("title") or "") + 2 if meta.get("title") else 0
        for s, e, body, own in context["mentions"].get(doc["id"], []):
            shift = offset if body else 0
            if overlaps((trigger["start"], trigger["end"]), (s + shift, e + shift)):
                cue = cue_label(sentence, trigger["text"], year)
                if not own:
                    return "background"
                return cue if cue in ("accidental", "statement") else "news"
        return None
    default: str | None = None
    if source == "gvc_train" and kind in VIOLENT:
        default = "news"
        days = _days(event.get("time"), context["dates"].get(meta.get("incident_id")))
        if days is not None and days > 31 and event.get("time_basis") != "report":
            return "background"
    elif source.startswith("ecb"):
        if not meta.get("violent"):
            return "not_event" if kind in VIOLENT | {"PROTEST"} else None
        default = "news" if kind in VIOLENT else None
    elif source.startswith("acled"):
        allowed = compatible_types(meta["gold"].get("event_type") or "") or ()
        default = "news" if kind in allowed else None
        year = year_of(doc.get("published"))
    elif source.startswith("muc4"):
        relevant = any(t.get("relevant") and "ACCOMPLISHED" in str(
            t["slots"].get("incident_stage_of_execution")) for t in meta["templates"])
        default = "news" if relevant and kind in VIOLENT | {"COERCE"} else None
    elif source == "gtd":
        default = "news" if kind in VIOLENT else None
    elif source.startswith("wikievents"):
        for ev in meta["events"]:
            t = ev["trigger"]
            if overlaps((trigger["start"], trigger["end"]), (t["start"], t["end"])) and \
                    ev["type"].split(".")[0] in ("Conflict", "Life", "Justice"):
                default = "news"
    if default is None:
        return None
    cue = cue_label(sentence, trigger["text"], year)
    if cue is None and default == "news" and event.get("time_basis") != "report":
        # dated over a month before the report: history recalled, not the news
        days = _days(event.get("time"), doc.get("published"))
        if days is not None and days > 31 and str(event.get("time")) < str(doc["published"]):
            return "background"
    return cue or default


def build(data_dir: Path, part: str, cache: Path) -> TaskData:
    """The event-kind examples of the training sources (``part="train"``) or of the check
    halves (``"check"``): one window per candidate's sentence."""
    store = cache.parent / "candidates"
    context = {"dates": _gvc_dates(data_dir), "mentions": _gvc_mentions(
        data_dir, "tune" if part == "train" else "check")}
    examples: list[Example] = []
    for source in (TRAIN_SOURCES if part == "train" else CHECK_SOURCES):
        for doc in source_docs(source, data_dir, store):
            by_sentence: dict[tuple[int, int], list[Any]] = {}
            for event in judged_candidates(doc):
                s, e = sentence_of(doc, event["trigger"]["start"])
                label = label_candidate(source, doc, event, doc["text"][s:e], context)
                if label is None:
                    continue
                t = event["trigger"]
                by_sentence.setdefault((s, e), []).append((t["start"] - s, t["end"] - s, label))
            for (s, e), items in by_sentence.items():
                examples.append(Example(doc["text"][s:e], items, doc=f"{source}:{doc['id']}"))
    return TaskData("events", "span", LABELS, examples, CARD)


def bakeoff(data_dir: Path, cache: Path, model: Path) -> dict[str, Any]:
    """The keep/drop decision on the check halves' candidates (keep = news or accidental),
    the hashed linear filter (its verdict cached with the candidates) against the encoder
    head, per source: accuracy, and precision/recall of keeping."""
    from wirewatch.nlp.shared_encoder import (
        TRUNK_FILE,
        SharedEncoder,
        Window,
        load_head_file,
        span_features,
        tokenizer_path,
    )

    tok = tokenizer_path()
    assert tok is not None
    encoder = SharedEncoder(model / TRUNK_FILE, tok)
    head = load_head_file(model / "heads" / "events.npz")
    keep_cols = [head.labels.index(x) for x in ("news", "accidental")]
    threshold = float(head.meta.get("threshold", 0.5))
    context = {"dates": _gvc_dates(data_dir), "mentions": _gvc_mentions(data_dir, "check")}
    out: dict[str, Any] = {}
    for source in CHECK_SOURCES:
        rows = []
        for doc in source_docs(source, data_dir, cache / "candidates"):
            for event in judged_candidates(doc):
                s, e = sentence_of(doc, event["trigger"]["start"])
                label = label_candidate(source, doc, event, doc["text"][s:e], context)
                if label is None or event.get("linear_kept") is None and \
                        event["type"] in ("ASSAULT", "FIGHT", "PROTEST"):
                    continue
                rows.append((doc["text"][s:e], event, label, s))
        if not rows:
            continue
        found = encoder.run_texts([r[0] for r in rows])
        tally: dict[str, list[int]] = {"linear": [0, 0, 0, 0], "encoder": [0, 0, 0, 0]}
        for (text, event, label, s), (hidden, offsets) in zip(rows, found, strict=True):
            win = Window(0, len(text), hidden, offsets)
            t = event["trigger"]
            p = head.probs(span_features(win, t["start"] - s, t["end"] - s))
            gold = label in ("news", "accidental")
            linear = event.get("linear_kept")
            for name, kept in (("linear", True if linear is None else bool(linear)),
                               ("encoder", float(p[keep_cols].sum()) >= threshold)):
                tally[name][0] += int(kept == gold)
                tally[name][1] += int(kept and gold)
                tally[name][2] += int(kept)
                tally[name][3] += int(gold)
        out[source] = {"candidates": len(rows), "gold_keep": tally["linear"][3]} | {
            name: {"accuracy": round(a / len(rows), 3), "keep_precision": round(tp / max(k, 1), 3),
                   "keep_recall": round(tp / max(g, 1), 3)}
            for name, (a, tp, k, g) in tally.items()}
    return out
