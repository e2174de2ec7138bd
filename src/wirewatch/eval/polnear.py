"""`wirewatch eval polnear PATH`: attribution (quotes and claims) against PolNeAR.

Metric (``../shared/data/README.md``): a predicted quote or claim content matches a gold
content when they overlap by at least half of the shorter one (one-to-one, greedy by overlap
ratio); exact match compares the texts with quote marks, punctuation and spaces trimmed. A
matched content has the right source when any mention of the predicted source overlaps the
gold source span: the source span itself, the local mention the claim was read from
(``source_mention``, e.g. the pronoun before the cue), or any mention of the source entity.
A gold attribution without a source is right when the prediction names no source span.
Attribution F1 counts contents that match with the right source. ``evaluate`` runs the
pipeline through ``wirewatch.api``; ``wirewatch eval polnear`` calls it.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch.eval.common import TaskStarter, in_part

#: Characters trimmed from both ends before an exact comparison.
_TRIM = string.punctuation + string.whitespace + "“”‘’„«»―—–\u00a0"


@dataclass
class GoldAttribution:
    """One gold attribution: content character spans and source character spans."""

    content: list[tuple[int, int]]
    content_text: str
    source: list[tuple[int, int]]
    source_text: str
    cue: str
    quoted: bool

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.content)


@dataclass
class PredictedAttribution:
    """One predicted quote or claim with every character span that names its source.

    ``parts`` holds the content spans: one, or several for a quote that continues over a cue
    or paragraphs (quotes linked by ``continues``)."""

    parts: list[tuple[int, int]]
    text: str
    kind: str  # "quote" | "claim"
    source_name: str | None
    sources: list[tuple[int, int]] = field(default_factory=list)
    cue: str | None = None
    status: str | None = None
    entity: str | None = None

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.parts)


@dataclass
class Counts:
    """Counts behind P/R/F1 for one slice of the data."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    exact: int = 0
    source_right: int = 0

    def add(self, other: Counts) -> None:
        for name in ("gold", "predicted", "matched", "exact", "source_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "content": prf(self.matched, self.predicted, self.gold),
            "exact": prf(self.exact, self.predicted, self.gold),
            "source_accuracy": round(self.source_right / self.matched, 4) if self.matched else 0.0,
            "attribution": prf(self.source_right, self.predicted, self.gold),
        }


def prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 (fractions, 4 decimals)."""
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


# --------------------------------------------------------------------------- reading


def load_gold(path: Path, primary_only: bool = True) -> list[dict[str, Any]]:
    """PolNeAR records (primary annotations only by default)."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                if rec.get("primary", True) or not primary_only:
                    out.append(rec)
    return out


def _spans(part: dict[str, Any] | None) -> list[tuple[int, int]]:
    if not part or not part.get("offset_ok", True):
        return []
    return [(int(s), int(e)) for s, e in part.get("spans") or () if e > s]


def gold_attributions(rec: dict[str, Any]) -> list[GoldAttribution]:
    """The scoreable gold attributions of one record (those with a content span)."""
    out = []
    for a in rec.get("attributions") or ():
        content = _spans(a.get("content"))
        if not content:
            continue
        source = _spans(a.get("source"))
        out.append(
            GoldAttribution(
                content=sorted(content),
                content_text=" ".join((a.get("content") or {}).get("text", "").split()),
                source=source,
                source_text=(a.get("source") or {}).get("text") or "",
                cue=(a.get("cue") or {}).get("text") or "",
                quoted=bool(a.get("content_quoted")),
            )
        )
    return out


def predicted_attributions(record: dict[str, Any]) -> list[PredictedAttribution]:
    """Quotes and claims of a wirewatch record as attributions, each with all spans naming
    its source. Quote parts linked by ``continues`` form one attribution; a quote embedded in
    a claim of the same cue or source ("said the plan was “a disaster” for farmers") is part
    of that claim, not an attribution of its own."""
    mentions: dict[str, list[tuple[int, int]]] = {
        e["id"]: [(m["start"], m["end"]) for m in e.get("mentions") or ()]
        for e in record.get("entities") or ()
    }

    def sources_of(item: dict[str, Any], keys: tuple[str, ...], entity: str | None
                   ) -> list[tuple[int, int]]:
        out = [(item[k]["start"], item[k]["end"]) for k in keys if item.get(k)]
        if entity:
            out.extend(mentions.get(entity, ()))
        return out

    claims = []
    for c in record.get("claims") or ():
        span = c["span"]
        claims.append(PredictedAttribution(
            parts=[(span["start"], span["end"])], text=span["text"], kind="claim",
            source_name=c.get("source"), entity=c.get("source_entity"),
            sources=sources_of(c, ("source_span", "source_mention"), c.get("source_entity")),
            cue=c.get("cue"), status=c.get("status")))
    groups: dict[str, PredictedAttribution] = {}
    quotes = []
    for q in record.get("quotes") or ():
        span = q["span"]
        parent = groups.get(q.get("continues") or "")
        if parent is not None:
            parent.parts.append((span["start"], span["end"]))
            parent.text += " " + span["text"]
            groups[q["id"]] = parent
            continue
        pred = PredictedAttribution(
            parts=[(span["start"], span["end"])], text=span["text"], kind="quote",
            source_name=(q.get("speaker_span") or {}).get("text"), entity=q.get("speaker"),
            sources=sources_of(q, ("speaker_span", "speaker_mention"), q.get("speaker")),
            cue=q.get("cue"))
        groups[q["id"]] = pred
        quotes.append(pred)

    def embedded(q: PredictedAttribution) -> bool:
        for c in claims:
            (cs, ce), = c.parts
            if all(cs - 2 <= s and e <= ce + 2 for s, e in q.parts) and (
                (q.cue is not None and q.cue == c.cue)
                or (q.entity is not None and q.entity == c.entity)
            ):
                return True
        return False

    return claims + [q for q in quotes if not embedded(q)]


# --------------------------------------------------------------------------- matching


def _overlap(pred: PredictedAttribution, gold: GoldAttribution) -> int:
    return sum(max(0, min(pe, e) - max(ps, s)) for ps, pe in pred.parts for s, e in gold.content)


def _normalise(text: str) -> str:
    return " ".join(text.strip(_TRIM).split()).lower()


def _source_right(pred: PredictedAttribution, gold: GoldAttribution) -> bool:
    if not gold.source:
        return not pred.sources
    return any(ps < ge and gs < pe for ps, pe in pred.sources for gs, ge in gold.source)


def match(
    golds: list[GoldAttribution], preds: list[PredictedAttribution]
) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs overlapping by half the shorter span,
    chosen greedily by overlap ratio."""
    candidates = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            ov = _overlap(p, g)
            shorter = min(p.length, g.length)
            if shorter > 0 and ov * 2 >= shorter:
                candidates.append((ov / max(p.length, g.length), gi, pi))
    candidates.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def _gold_slice(g: GoldAttribution, text: str) -> str:
    """Breakdown key of a gold attribution: quoted or not, and what names its source."""
    if not g.source:
        src = "no-source"
    else:
        s, e = g.source[0]
        words = text[s:e].lower().split()
        pronouns = {"he", "she", "they", "it", "i", "we", "you", "who", "which", "that"}
        src = "pronoun-source" if len(words) == 1 and words[0] in pronouns else "named-source"
    return f"{'quoted' if g.quoted else 'unquoted'}/{src}"


def score_document(
    rec: dict[str, Any], record: dict[str, Any], errors: list[dict[str, Any]] | None = None
) -> dict[str, Counts]:
    """Counts for one document, overall and per slice; appends error cases to ``errors``."""
    text = rec["text"]
    golds = gold_attributions(rec)
    preds = predicted_attributions(record)
    pairs = match(golds, preds)
    slices: dict[str, Counts] = {"all": Counts(gold=len(golds), predicted=len(preds))}
    for kind in ("quote", "claim"):
        slices[f"predicted-{kind}"] = Counts(predicted=sum(p.kind == kind for p in preds))
    for g in golds:
        slices.setdefault(_gold_slice(g, text), Counts()).gold += 1
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    for gi, pi in pairs:
        g, p = golds[gi], preds[pi]
        exact = _normalise(p.text) == _normalise(g.content_text)
        right = _source_right(p, g)
        for key in ("all", _gold_slice(g, text), f"predicted-{p.kind}"):
            c = slices.setdefault(key, Counts())
            c.matched += 1
            c.exact += exact
            c.source_right += right
        if errors is not None and not right:
            errors.append(_error(rec, "wrong-source", g, p))
    if errors is not None:
        errors.extend(_error(rec, "missed", g, None) for i, g in enumerate(golds)
                      if i not in matched_g)
        errors.extend(_error(rec, "spurious", None, p) for i, p in enumerate(preds)
                      if i not in matched_p)
    return slices


def _error(rec: dict[str, Any], kind: str, g: GoldAttribution | None,
           p: PredictedAttribution | None) -> dict[str, Any]:
    out: dict[str, Any] = {"doc_id": rec["doc_id"], "error": kind}
    text = rec["text"]
    if g is not None:
        out["gold"] = {"content": g.content_text, "source": g.source_text, "cue": g.cue,
                       "quoted": g.quoted, "start": g.content[0][0]}
    if p is not None:
        out["predicted"] = {"kind": p.kind, "content": p.text, "source": p.source_name,
                            "source_spans": [text[s:e] for s, e in p.sources[:3]],
                            "cue": p.cue, "status": p.status, "start": p.start}
    return out


def score(
    pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]],
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Micro-averaged scores over (gold record, wirewatch record) pairs."""
    totals: dict[str, Counts] = {}
    docs = 0
    for rec, record in pairs:
        docs += 1
        for key, counts in score_document(rec, record, errors).items():
            totals.setdefault(key, Counts()).add(counts)
    overall = totals.pop("all", Counts())
    return {"documents": docs, **overall.summary(),
            "breakdown": {k: totals[k].summary() for k in sorted(totals)}}


# --------------------------------------------------------------------------- running


def extract_gold(recs: list[dict[str, Any]], progress: TaskStarter | None = None,
                 casing: str = "cased") -> Iterator[dict[str, Any]]:
    """The wirewatch record of each PolNeAR document, in order (through the public API);
    ``casing`` "uncased" gives the pipeline lower-cased text (offsets kept)."""
    from wirewatch.api import Document, extract_records
    from wirewatch.eval.common import in_casing

    tick = progress("polnear", len(recs)) if progress is not None else None
    documents = (
        Document(id=r["doc_id"], text=in_casing(r["text"], casing), title=r.get("title"),
                 outlet=r.get("publisher"), published=r.get("date"))
        for r in recs
    )
    return extract_records(documents, progress=None if tick is None else lambda _record: tick())


def evaluate(path: Path, limit: int | None = None, all_annotations: bool = False,
             errors: list[dict[str, Any]] | None = None, progress: TaskStarter | None = None,
             part: str = "all", casing: str = "cased") -> dict[str, Any]:
    """Run the pipeline on a PolNeAR file (primary annotations unless ``all_annotations``)
    and score it; missed, spurious and wrong-source cases are appended to ``errors``.
    ``part`` keeps one half of the documents (``eval.common.in_part``: report "check");
    ``casing`` is the path the text takes: as written, or lower-cased ("uncased")."""
    recs = [r for r in load_gold(path, primary_only=not all_annotations)
            if in_part(str(r["doc_id"]), part)][:limit]
    result = score(zip(recs, extract_gold(recs, progress, casing), strict=True), errors)
    result["casing"] = casing
    return result


def print_result(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    casing = f", {result['casing']} text" if result.get("casing") else ""
    table = Table(title=f"PolNeAR attribution ({result['documents']} documents{casing})")
    for col in ("slice", "gold", "pred", "content P", "R", "F1", "exact F1", "src acc",
                "attr P", "R", "F1"):
        table.add_column(col, justify="right" if col != "slice" else "left")

    def row(name: str, s: dict[str, Any]) -> None:
        c, a = s["content"], s["attribution"]
        table.add_row(name, str(s["gold"]), str(s["predicted"]),
                      *(f"{100 * c[k]:.1f}" for k in ("p", "r", "f1")),
                      f"{100 * s['exact']['f1']:.1f}", f"{100 * s['source_accuracy']:.1f}",
                      *(f"{100 * a[k]:.1f}" for k in ("p", "r", "f1")))

    row("all", result)
    for name, s in result["breakdown"].items():
        row(name, s)
    Console(width=max(Console().width, 130)).print(table)
