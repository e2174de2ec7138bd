"""What the date grammar reads: a time expression before it is anchored, and where it lies.

Reading ("last Friday") and anchoring (to the day a report was published) are separate steps,
so these values are all the two share: the grammar makes them, the anchor resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Expr:
    """A time expression as read from the text, before it is anchored to a date.

    kind: ``cal`` (calendar fields, any of year/month/day), ``weekday``, ``days`` (offset in
    days from the anchor), ``unit`` (week/month/year offset), ``weekend``, ``decade``,
    ``clock`` (a time of day alone). mode: ``past`` (on or before the anchor), ``last``
    (strictly before), ``next`` (strictly after), ``this`` (in the anchor's week or year).
    """

    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    unit: str | None = None
    offset: int = 0
    mode: str = "past"
    clock: str | None = None

    @property
    def single_day(self) -> bool:
        """Whether the expression names one day, so a clock time can attach to it."""
        return self.kind in ("weekday", "days") or (self.kind == "cal" and self.day is not None)


#: What a rule's reader makes of a match: one expression, a range (start, end), or nothing.
Parsed = Expr | tuple[Expr, Expr] | None


@dataclass(frozen=True, slots=True)
class Atom:
    """One matched expression: character offsets, its reading, and an optional range end.

    ``count_at`` is the offset of a trailing bare number (a year or day) that could instead
    be a count ("In March 15 people ..."); a parsed Doc can veto it.
    """

    start: int
    end: int
    expr: Expr
    end_expr: Expr | None = None
    count_at: int | None = None
