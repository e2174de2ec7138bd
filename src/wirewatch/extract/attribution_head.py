"""The attribution head on the shared encoder: cue, source and content tags per word piece.

PolNeAR marks attribution far beyond a list of reporting verbs, and the content and source
boundaries it marks follow the sentence more than the parse. A token tagger over the shared
encoder (``data/models/encoder/heads/attribution.npz``, trained by
``wirewatch.train.encoder`` with the task ``wirewatch.train.tasks.attribution`` on PolNeAR
train) reads each window -- a sentence with the next one -- and tags cue (statement),
stance cue, source and content spans (BIO). It runs only on sentences where the rule cue
grammar or a quote mark finds a cue candidate, so text with no reported speech costs
nothing; the claims component turns the tags into claims (``extract/claims.py``).

``decode`` and ``group`` are pure functions over tags and character offsets: the tags of
each piece become labelled character spans, and each cue of the window's first sentence
takes the nearest content and source spans as its attribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from spacy.tokens import Doc, Span

from wirewatch.extract.head_loader import encoder_and_head

HEAD_NAME = "attribution"
CUE_LABELS = ("CUE", "STANCE")
#: Longest window in characters (about 120 word pieces), as in training.
MAX_CHARS = 600


@dataclass(frozen=True)
class Tagged:
    """A labelled character span of the Doc's text with its mean tag probability."""

    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class HeadAttribution:
    """One cue with the content and source spans the head reads for it."""

    cue: Tagged
    content: Tagged | None
    source: Tagged | None


def decode(tags: list[str], scores: list[float], offsets: list[tuple[int, int]]
           ) -> list[Tagged]:
    """Labelled spans from BIO tags per piece (``O``, ``B-X``, ``I-X``) and each piece's
    character offsets; special pieces have empty offsets and end a span. An ``I-X`` after
    another label starts a new span (a lenient reading of the tagger's output)."""
    out: list[Tagged] = []
    cur: list[Any] | None = None  # [start, end, label, score sum, pieces]

    def close() -> None:
        nonlocal cur
        if cur is not None:
            out.append(Tagged(cur[0], cur[1], cur[2], cur[3] / cur[4]))
        cur = None

    for tag, score, (s, e) in zip(tags, scores, offsets, strict=True):
        if e <= s or tag == "O":
            close()
            continue
        prefix, _, label = tag.partition("-")
        if cur is not None and prefix == "I" and label == cur[2]:
            cur[1] = max(cur[1], e)
            cur[3] += score
            cur[4] += 1
            continue
        close()
        cur = [s, e, label, score, 1]
    close()
    return out


def group(spans: list[Tagged], first_start: int, first_end: int) -> list[HeadAttribution]:
    """Each cue inside [first_start, first_end) (the window's first sentence) with the
    nearest content span (after the cue preferred: "said that ...", else before: "...,
    he said") and the nearest source span (before the cue preferred)."""
    out = []
    contents = merge_contents(spans)
    sources = [s for s in spans if s.label == "SOURCE"]
    for cue in spans:
        if cue.label not in CUE_LABELS or not first_start <= cue.start < first_end:
            continue
        content = min(contents, key=lambda c: _gap(cue, c, after=True), default=None)
        source = min(sources, key=lambda c: _gap(cue, c, after=False), default=None)
        if source is not None and _gap(cue, source, after=False) > 400:
            source = None
        out.append(HeadAttribution(cue, content, source))
    return out


#: Content pieces this close, with no cue or source between them, are one content (the
#: tagger drops a word here and there inside a long clause).
CONTENT_GAP = 20


def merge_contents(spans: list[Tagged]) -> list[Tagged]:
    """The CONTENT spans, neighbours closer than ``CONTENT_GAP`` characters joined when no
    cue or source lies between them (scores averaged by length)."""
    others = [s for s in spans if s.label != "CONTENT"]
    merged: list[Tagged] = []
    for span in sorted((s for s in spans if s.label == "CONTENT"), key=lambda s: s.start):
        last = merged[-1] if merged else None
        if last is not None and span.start - last.end <= CONTENT_GAP and not any(
                last.end <= o.start < span.start for o in others):
            a, b = last.end - last.start, span.end - span.start
            merged[-1] = Tagged(last.start, span.end, "CONTENT",
                                (last.score * a + span.score * b) / max(a + b, 1))
        else:
            merged.append(span)
    return merged


def _gap(cue: Tagged, other: Tagged, after: bool) -> float:
    """Characters between a cue and a span, a little more on the less usual side."""
    if other.start >= cue.end:
        gap, usual = other.start - cue.end, after
    else:
        gap, usual = max(cue.start - other.end, 0), not after
    return gap + (0 if usual else 40)


class AttributionHead:
    """The trained tagger and the shared encoder it reads."""

    def __init__(self, encoder: Any, head: Any, tags: tuple[str, ...]) -> None:
        self.encoder, self.head, self.tags = encoder, head, tags

    def read(self, doc: Doc, sents: list[Span]) -> list[HeadAttribution]:
        """Attributions whose cue lies in one of ``sents`` (each sentence is encoded with
        the next one, as in training)."""
        if not sents:
            return []
        all_sents = list(doc.sents)
        index = {s.start: n for n, s in enumerate(all_sents)}
        windows, firsts = [], []
        for sent in sents:
            start, end = sent.start_char, sent.end_char
            n = index.get(sent.start)
            if n is not None and n + 1 < len(all_sents) and \
                    all_sents[n + 1].end_char - start <= MAX_CHARS:
                end = all_sents[n + 1].end_char
            windows.append((start, min(end, start + 2 * MAX_CHARS)))
            firsts.append((sent.start_char, sent.end_char))
        out: list[HeadAttribution] = []
        for window, (fs, fe) in zip(self.encoder.encode(doc, windows), firsts, strict=True):
            probs = np.asarray(self.head.probs(window.hidden))
            best = probs.argmax(axis=1)
            tags = [self.tags[int(i)] for i in best]
            scores = [float(probs[k, i]) for k, i in enumerate(best)]
            offsets = [(int(s), int(e)) for s, e in window.offsets]
            out.extend(group(decode(tags, scores, offsets), fs, fe))
        return out


@cache
def load_attribution_head() -> AttributionHead | None:
    """The tagger with its encoder, or None when the encoder or the head is missing."""
    loaded = encoder_and_head(HEAD_NAME)
    if loaded is None:
        return None
    encoder, head = loaded
    return AttributionHead(encoder, head, tuple(head.labels))
