"""displaCy-like highlighting of a document's extracted spans, as data for an escaping template.

Spans overlap (an evidence sentence holds triggers, entities and figures), so the text is cut
at every span boundary into flat segments, each listing the spans that cover it; the template
writes each segment's text through Jinja's autoescaping inside one ``<span>`` whose classes
say what covers it. Nothing here produces markup, so article text can never become HTML.

Spans come from stored records, which may be malformed or hostile: a span whose offsets are
not integers inside the text, or whose ``text`` does not match the article at its offsets,
is dropped rather than drawn in the wrong place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Mark:
    """One highlighted span: ``key`` (``s1``, ``s2``...) is its anchor id in the page."""

    key: str
    kind: str  # ent, trigger, evidence, figure, quote, claim, time, place, arg, source
    start: int
    end: int
    label: str = ""  # e.g. the entity type or the event type, shown as a tooltip


@dataclass
class Segment:
    """A run of text covered by the same set of marks."""

    text: str
    kinds: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # marks covering this run
    anchors: list[str] = field(default_factory=list)  # marks that start here
    labels: list[str] = field(default_factory=list)


class Marker:
    """Collects marks for one text, checking every span against it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks: list[Mark] = []

    def add(self, span: Any, kind: str, label: str = "") -> str | None:
        """Mark a contract span ``{"start", "end", "text"}``; its key, or None if invalid."""
        if not isinstance(span, dict):
            return None
        start, end = span.get("start"), span.get("end")
        if (isinstance(start, bool) or isinstance(end, bool)
                or not isinstance(start, int) or not isinstance(end, int)
                or not 0 <= start < end <= len(self.text)):
            return None
        quoted = span.get("text")
        if isinstance(quoted, str) and quoted != self.text[start:end]:
            return None
        key = f"s{len(self.marks) + 1}"
        self.marks.append(Mark(key, kind, start, end, label))
        return key

    def segments(self) -> list[Segment]:
        """The text cut at every mark boundary, in order; unmarked runs have no kinds."""
        cuts = {0, len(self.text)}
        for mark in self.marks:
            cuts.update((mark.start, mark.end))
        bounds = sorted(cuts)
        starting: dict[int, list[Mark]] = {}
        for mark in self.marks:
            starting.setdefault(mark.start, []).append(mark)
        open_marks: list[Mark] = []
        segments = []
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            open_marks = [m for m in open_marks if m.end > lo] + starting.get(lo, [])
            segments.append(Segment(
                text=self.text[lo:hi],
                kinds=sorted({m.kind for m in open_marks}),
                keys=[m.key for m in open_marks],
                anchors=[m.key for m in starting.get(lo, [])],
                labels=[m.label for m in open_marks if m.label],
            ))
        return segments
