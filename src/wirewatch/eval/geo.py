"""`wirewatch eval geo PATH`: geoparsing scores on LGL/GeoVirus-style JSONL.

Two settings, as in the literature: *given names* (the gold toponym spans are handed to
``geocode_names``, the setting of published resolution numbers) and *end to end* (the full
pipeline finds the toponyms itself; recognition is scored by span overlap and resolution on
the gold toponyms it found). Resolution reports acc@161km, median error and exact GeoNames id
match; a toponym left without coordinates counts as a miss with the largest possible error.
Both go through ``wirewatch.api`` (``geocode_spans`` and ``extract_records``); ``wirewatch eval
geo`` calls ``evaluate``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch.eval.common import TaskStarter, in_part, load_jsonl

#: Half the Earth's circumference: the error charged for a toponym left unlocated.
MAX_ERROR_KM = 20_038.0
THRESHOLD_KM = 161.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def gold_toponyms(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's usable gold toponyms (offsets verified, coordinates present)."""
    return [t for t in doc.get("toponyms", [])
            if t.get("offset_ok", True) and t.get("lat") is not None and t.get("lon") is not None]


def error_km(gold: dict[str, Any], loc: dict[str, Any] | None) -> float:
    """Distance between a gold toponym and a predicted Location (MAX_ERROR_KM if unlocated)."""
    if not loc or loc.get("lat") is None or loc.get("lon") is None:
        return MAX_ERROR_KM
    return haversine_km(float(gold["lat"]), float(gold["lon"]), loc["lat"], loc["lon"])


def same_id(gold: dict[str, Any], loc: dict[str, Any] | None) -> bool:
    gid = gold.get("geonameid")
    return bool(loc) and gid not in (None, "") and loc.get("geonameid") is not None \
        and str(loc["geonameid"]) == str(gid)


@dataclass
class Resolution:
    """Accumulates resolution outcomes of gold toponyms."""

    errors: list[float] = field(default_factory=list)
    #: (the Location's calibrated probability, right within 161 km) per located toponym.
    confidence: list[tuple[float, bool]] = field(default_factory=list)
    exact: int = 0
    with_id: int = 0  # gold toponyms carrying a GeoNames id (GeoVirus has none)

    def add(self, gold: dict[str, Any], loc: dict[str, Any] | None) -> float:
        err = error_km(gold, loc)
        self.errors.append(err)
        if loc and loc.get("lat") is not None and loc.get("probability") is not None:
            self.confidence.append((float(loc["probability"]), err <= THRESHOLD_KM))
        self.with_id += gold.get("geonameid") not in (None, "")
        self.exact += same_id(gold, loc)
        return err

    def summary(self) -> dict[str, Any]:
        n = len(self.errors)
        return {
            "n": n,
            "acc161": round(100 * sum(e <= THRESHOLD_KM for e in self.errors) / n, 2) if n else None,
            "median_km": round(statistics.median(self.errors), 1) if n else None,
            "mean_km": round(statistics.fmean(self.errors), 1) if n else None,
            "exact_id": round(100 * self.exact / self.with_id, 2) if self.with_id else None,
            "located": round(100 * sum(e < MAX_ERROR_KM for e in self.errors) / n, 2) if n else None,
            "reliability": reliability(self.confidence),
        }


#: Lower edges of the reliability bins of the Locations' calibrated probability.
RELIABILITY_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)


def reliability(pairs: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Per probability bin: places, their mean probability, the share right within 161 km;
    and the line the issue asks for, the places at 0.9 or more."""
    out: list[dict[str, Any]] = []
    edges = [*RELIABILITY_BINS, 1.0001]
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = [(p, ok) for p, ok in pairs if lo <= p < hi]
        if inside:
            out.append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "n": len(inside),
                        "mean_p": round(sum(p for p, _ in inside) / len(inside), 3),
                        "right": round(sum(ok for _, ok in inside) / len(inside), 3)})
    high = [ok for p, ok in pairs if p >= 0.9]
    if high:
        out.append({"bin": ">=0.90", "n": len(high), "right": round(sum(high) / len(high), 3)})
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]]
                ) -> list[tuple[int, int]]:
    """One-to-one overlap matching (greedy by largest overlap): (gold index, pred index)."""
    pairs = sorted(
        ((min(g[1], p[1]) - max(g[0], p[0]), gi, pi)
         for gi, g in enumerate(gold) for pi, p in enumerate(pred) if overlaps(g, p)),
        reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return sorted(out)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2)}


def _error_row(setting: str, doc: dict[str, Any], gold: dict[str, Any],
               loc: dict[str, Any] | None, err: float) -> dict[str, Any]:
    return {
        "setting": setting, "doc_id": doc.get("doc_id"), "text": gold["text"],
        "gold": {k: gold.get(k) for k in ("name", "geonameid", "fcode", "country", "admin1",
                                           "lat", "lon")},
        "pred": {k: (loc or {}).get(k) for k in ("name", "geonameid", "feature",
                                                   "country_code", "admin1", "lat", "lon",
                                                   "precision")},
        "error_km": round(err, 1),
        "context": doc["text"][max(0, gold["start"] - 60): gold["end"] + 60],
    }


def score_given(docs: Iterable[dict[str, Any]], country: str | None = None,
                errors: list[dict[str, Any]] | None = None,
                progress: Callable[[], None] | None = None) -> dict[str, Any]:
    """Resolution given the gold spans, through the public ``geocode_spans`` interface;
    ``progress`` is called once per document."""
    from wirewatch.api import geocode_spans

    res = Resolution()
    for doc in docs:
        golds = gold_toponyms(doc)
        if golds:
            locs = geocode_spans(doc["text"], [(g["start"], g["end"]) for g in golds], country,
                                 url=doc.get("url"))
            for g, loc in zip(golds, locs, strict=True):
                err = res.add(g, loc)
                if errors is not None and err > THRESHOLD_KM:
                    errors.append(_error_row("given", doc, g, loc, err))
        if progress is not None:
            progress()
    return res.summary()


def score_end_to_end(docs: list[dict[str, Any]], country: str | None = None,
                     errors: list[dict[str, Any]] | None = None,
                     progress: Callable[[], None] | None = None) -> dict[str, Any]:
    """Recognition P/R/F1 of the pipeline's locations, and resolution of the found ones;
    ``progress`` is called once per document."""
    from wirewatch.api import Document, extract_records

    documents = (Document(id=str(d.get("doc_id")), text=d["text"], url=d.get("url"),
                          published=_date(d.get("date"))) for d in docs)
    res = Resolution()
    tp = n_pred = n_gold = 0
    nd_tp = nd_pred = nd_gold = 0  # the same without demonym gold toponyms ("Canadian")
    for doc, record in zip(docs, extract_records(documents, country), strict=True):
        golds = gold_toponyms(doc)
        locs = [loc for loc in record.get("locations") or [] if loc.get("span")]
        pred = [(loc["span"]["start"], loc["span"]["end"]) for loc in locs]
        matches = match_spans([(g["start"], g["end"]) for g in golds], pred)
        tp += len(matches)
        n_pred += len(pred)
        n_gold += len(golds)
        demonym = [_is_demonym(g["text"]) for g in golds]
        kept_pred = [p for p in pred if not any(
            d and overlaps(p, (g["start"], g["end"])) for g, d in zip(golds, demonym, strict=True))]
        nd_tp += sum(1 for gi, _ in matches if not demonym[gi])
        nd_pred += len(kept_pred)
        nd_gold += demonym.count(False)
        for gi, pi in matches:
            err = res.add(golds[gi], locs[pi])
            if errors is not None and err > THRESHOLD_KM:
                errors.append(_error_row("end_to_end", doc, golds[gi], locs[pi], err))
        if progress is not None:
            progress()
    return {"recognition": prf(tp, n_pred, n_gold) | {"tp": tp, "pred": n_pred, "gold": n_gold},
            "recognition_without_demonyms": prf(nd_tp, nd_pred, nd_gold) | {
                "tp": nd_tp, "pred": nd_pred, "gold": nd_gold},
            "resolution": res.summary()}


def _is_demonym(text: str) -> bool:
    """A gold toponym that is a demonym or its plural ("Canadian", "Iraqis"): LGL and
    GeoVirus mark them, the pipeline reads them as nationalities, not places."""
    from wirewatch.knowledge.place_names import normalize
    from wirewatch.knowledge.place_words import non_place_adjectives

    key = normalize(text)
    words = non_place_adjectives()
    return key in words or (key.endswith("s") and key[:-1] in words)


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def evaluate(path: Path, settings: Iterable[str] = ("given", "end_to_end"),
             country: str | None = None, limit: int | None = None,
             errors: list[dict[str, Any]] | None = None, progress: TaskStarter | None = None,
             part: str = "all") -> dict[str, Any]:
    """Scores of one corpus file in the requested settings, on one half of it (``part``:
    "tune", "check" or "all", split by :func:`~wirewatch.eval.common.in_part`); toponyms
    resolved more than 161 km off are appended to ``errors``."""
    docs = [d for d in load_jsonl(path) if in_part(str(d.get("doc_id")), part)]
    if limit is not None:
        docs = docs[:limit]
    out: dict[str, Any] = {"path": str(path), "part": part, "documents": len(docs)}
    for setting in settings:
        tick = progress(f"geo {setting}", len(docs)) if progress is not None else None
        scorer = score_given if setting == "given" else score_end_to_end
        out[setting] = scorer(docs, country, errors, tick)
    return out


def result_lines(result: dict[str, Any]) -> Iterator[str]:
    """The scores of one ``evaluate`` result as lines of text."""
    part = result.get("part", "all")
    yield f"{result['path']}: {result['documents']} documents ({part})"
    given = result.get("given")
    if given:
        yield (f"  given names : acc@161 {given['acc161']}  median {given['median_km']} km  "
               f"exact id {given['exact_id']}  located {given['located']}  (n={given['n']})")
        yield "  reliability : " + "  ".join(
            f"[{b['bin']}] n={b['n']} right {b['right']}" for b in given.get("reliability", []))
    e2e = result.get("end_to_end")
    if e2e:
        r, s = e2e["recognition"], e2e["resolution"]
        yield (f"  recognition : P {r['precision']}  R {r['recall']}  F1 {r['f1']}  "
               f"(tp {r['tp']}, pred {r['pred']}, gold {r['gold']})")
        nd = e2e.get("recognition_without_demonyms")
        if nd:
            yield (f"  w/o demonyms: P {nd['precision']}  R {nd['recall']}  F1 {nd['f1']}  "
                   f"(tp {nd['tp']}, pred {nd['pred']}, gold {nd['gold']})")
        yield (f"  end to end  : acc@161 {s['acc161']}  median {s['median_km']} km  "
               f"exact id {s['exact_id']}  (n={s['n']} found)")
