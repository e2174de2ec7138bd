"""Tasks of the shared encoder's multi-task fine-tuning (``wirewatch.train.encoder``).

Each task module ``wirewatch.train.tasks.<name>`` exposes
``build(data_dir: Path, part: str, cache: Path) -> TaskData``: ``part`` is ``"train"`` (what
the head may learn from: train splits and the tune halves of dev sets) or ``"check"`` (the
check halves, only measured). Its examples are windows of text (normally a sentence) with
labelled items of one of three kinds:

- ``token``: items ``(start, end, label)`` are labelled character spans; the head tags every
  word piece B-label / I-label / O;
- ``span``: items ``(start, end, label)``; the head classifies the span's pooled pieces;
- ``pair``: items ``((a_start, a_end), (b_start, b_end), label)``; the head classifies
  ``[pool a, pool b, pool a * pool b]``. With ``text_b`` set, span b lies in that second
  window (two sentences read apart, e.g. two mentions of one incident; at run time
  ``pair_features(window_a, a, b, window_b)``).

A module may also define ``CARD``: the lines of the model card about its data (sources,
provenance, terms of use, how labels are derived). Nothing here imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("token", "span", "pair")


@dataclass
class Example:
    """One window of text and its labelled items (see the module docstring)."""

    text: str
    items: list[Any]
    doc: str = ""
    weight: float = 1.0
    text_b: str | None = None


@dataclass
class TaskData:
    """A task's examples: ``labels`` are the class names (for ``token`` the span labels;
    the head's tags are ``O``, ``B-x``, ``I-x``)."""

    name: str
    kind: str
    labels: list[str]
    examples: list[Example] = field(default_factory=list)
    card: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"task {self.name}: kind {self.kind!r} not in {KINDS}")

    def tags(self) -> list[str]:
        """The head's output names: the labels, or BIO tags for a token task."""
        if self.kind != "token":
            return list(self.labels)
        return ["O"] + [f"{p}-{x}" for x in self.labels for p in ("B", "I")]

    def counts(self) -> dict[str, int]:
        """Items per label (for the card and a sanity check)."""
        out: dict[str, int] = {}
        for ex in self.examples:
            for item in ex.items:
                out[item[-1]] = out.get(item[-1], 0) + 1
        return out
