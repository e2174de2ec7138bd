"""How far to trust a resolved place: a calibrated ``probability`` and an ``ambiguous`` flag.

A wrong place looks exactly like a right one on a map ("Toledo" in Belize carries the same
"city" precision as Toledo, Ohio). The ranker of :mod:`wirewatch.resolve.place_scoring` is a
conditional logit, so the softmax over a mention's candidates already says how much the
winner beat its namesakes; it does not say how often a name with a single candidate, or an
unknown village put in its district, is right. A small logistic calibration over the
softmax and the way the place was reached (``calibration`` in ``data/models/places.json``,
fitted on the geoparsing tune halves by ``wirewatch.train.places``) turns that into the
probability that the place lies within 161 km of where the text means.

``ambiguous`` marks a place whose runner-up is close in score (at least
:data:`AMBIGUOUS_RATIO` of the winner's probability) and lies far away (over
:data:`FAR_KM`): the reader should look before trusting the point. A place guessed from
the document's main area, with no entry of its own, is ambiguous too.

Pure logic: no spaCy, no gazetteer.
"""

from __future__ import annotations

import math
from typing import Any

#: A runner-up with at least this share of the winner's probability is "close in score".
AMBIGUOUS_RATIO = 0.5
#: ... and one farther than this from the winner is another place, not a duplicate entry.
FAR_KM = 161.0
#: The calibration's input features (the model file's ``calibration.features`` order).
CALIBRATION_FEATURES: tuple[str, ...] = (
    "bias", "top_logit", "single", "fallback", "via_focus", "area_level", "log_pop",
    "stated_area", "outlet_area", "country_level", "support", "contained", "alternate_name",
    "doc_country", "text_country", "near_other_50km", "outside_focus", "log_candidates",
    "spelled")
#: The winner's ranker features passed through to the calibration (as 0/1 or a share).
_EVIDENCE = ("contained", "alternate_name", "doc_country", "text_country", "near_other_50km")
#: Used when no calibration is shipped: roughly the softmax, shrunk for fallbacks.
DEFAULT_CALIBRATION: dict[str, float] = {
    "bias": 0.5, "top_logit": 0.6, "single": 1.0, "fallback": -1.0, "via_focus": -1.0}
#: Softmax log-odds are clipped here (a winner by 20 points is no surer than by 6).
MAX_LOGIT = 6.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(
        math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def softmax(scores: list[float]) -> list[float]:
    """Probabilities of ranked candidates' scores (an infinite score takes all the mass)."""
    if not scores:
        return []
    top = max(scores)
    if math.isinf(top):
        return [1.0 if s == top else 0.0 for s in scores]
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def confidence_features(probs: list[float], loc: dict[str, Any], population: int,
                        via_focus: bool, stated_area: bool, outlet_area: bool,
                        evidence: dict[str, float] | None = None, spelled: bool = False
                        ) -> dict[str, float]:
    """The calibration's inputs for one located mention: the softmax share of the winner
    (as clipped log-odds), whether the name had one candidate, whether the point is an
    enclosing area's for a name the gazetteer lacks, its level, its population, whether
    the text stated an enclosing area, whether it lies in the outlet's home area, and the
    winner's own evidence from the ranker (``evidence``: support of the document's other
    names, containment, agreement with its countries); ``spelled``: found through a
    close spelling."""
    f = {"bias": 1.0}
    ev = evidence or {}
    for name in _EVIDENCE:
        if ev.get(name):
            f[name] = 1.0
    support = max(ev.get("admin1_support", 0.0), ev.get("country_support", 0.0))
    if support > 0:
        f["support"] = min(support, 2.0) / 2.0
    if ev.get("outside_focus_country") or ev.get("outside_focus_admin1"):
        f["outside_focus"] = 1.0
    if probs:
        f["log_candidates"] = math.log10(len(probs))
    if loc.get("precision") == "country":
        f["country_level"] = 1.0
    if spelled:
        f["spelled"] = 1.0
    if len(probs) == 1:
        f["single"] = 1.0
    elif probs:
        p = min(max(probs[0], 1e-9), 1 - 1e-9)
        f["top_logit"] = max(-MAX_LOGIT, min(MAX_LOGIT, math.log(p / (1 - p))))
    if loc.get("resolved_via"):
        f["fallback"] = 1.0
    if via_focus:
        f["via_focus"] = 1.0
    if loc.get("precision") in ("admin1", "country", "region"):
        f["area_level"] = 1.0
    f["log_pop"] = math.log10(max(population, 0) + 1) / 7.0
    if stated_area:
        f["stated_area"] = 1.0
    if outlet_area:
        f["outlet_area"] = 1.0
    return f


def calibration_score(features: dict[str, float], weights: dict[str, float] | None) -> float:
    """The calibration's linear score (log-odds before the isotonic step)."""
    w = weights if weights is not None else DEFAULT_CALIBRATION
    return max(-30.0, min(30.0, sum(w.get(k, 0.0) * v for k, v in features.items())))


def calibrated(features: dict[str, float], weights: dict[str, float] | None,
               knots: list[tuple[float, float]] | None = None) -> float:
    """The calibrated probability, rounded to 3 places: the logistic of the linear score,
    or, when ``knots`` (score, observed rate) are shipped, the isotonic map through them
    (a logistic over a few features is not flexible enough where it matters most, near 1)."""
    z = calibration_score(features, weights)
    if not knots:
        return round(1.0 / (1.0 + math.exp(-z)), 3)
    if z <= knots[0][0]:
        return round(knots[0][1], 3)
    for (z0, p0), (z1, p1) in zip(knots, knots[1:], strict=False):
        if z <= z1:
            t = (z - z0) / (z1 - z0) if z1 > z0 else 1.0
            return round(p0 + t * (p1 - p0), 3)
    return round(knots[-1][1], 3)


def is_ambiguous(ranked_points: list[tuple[float | None, float | None]], probs: list[float],
                 via_focus: bool) -> bool:
    """A runner-up close in score and far away, or a guess from the document's area."""
    if via_focus:
        return True
    if len(probs) < 2 or not ranked_points:
        return False
    lat, lon = ranked_points[0]
    if lat is None or lon is None:
        return False
    for (olat, olon), p in zip(ranked_points[1:], probs[1:], strict=False):
        if p < AMBIGUOUS_RATIO * probs[0]:
            break
        if olat is not None and olon is not None and km(lat, lon, olat, olon) > FAR_KM:
            return True
    return False
