"""Anchoring: an expression read from a report, resolved against its publication date.

News reports date events relative to the day they were published ("on Monday evening",
"in December", "two days ago"), so a mention is only useful once it is anchored. This is pure
calendar arithmetic: no text, no patterns. Without an anchor a value is given only when the
expression fixes the year; the precision is still known.

Week precision is written as the date of the week's Monday; a clock time attached to a day
gives precision ``hour`` while the value stays the date.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from wirewatch.resolve.date_expr import Atom, Expr

#: How far back (or forward, for "next") a day of a month without a year is looked for.
_YEARS_SEARCHED = 9
#: How many months back a day of the month alone ("on the 15th") is looked for.
_MONTHS_SEARCHED = 13


@dataclass(frozen=True, slots=True)
class Resolved:
    """An expression anchored to the calendar: value, precision and the period it covers."""

    value: str | None
    precision: str | None
    first: date | None = None
    last: date | None = None
    end: str | None = None


def parse_published(published: date | datetime | str | None) -> date | None:
    """The anchor date from a publication date, datetime or ISO string; None if unusable."""
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    try:
        return date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


# ------------------------------------------------------------------ calendar periods


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(d: date) -> Resolved:
    return Resolved(d.isoformat(), "day", d, d)


def _month_period(year: int, month: int) -> Resolved:
    return Resolved(
        f"{year:04d}-{month:02d}",
        "month",
        date(year, month, 1),
        date(year, month, calendar.monthrange(year, month)[1]),
    )


def _year_period(year: int) -> Resolved:
    return Resolved(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31))


def _fits(d: date, anchor: date, mode: str) -> bool:
    """Whether ``d`` lies where the mode puts it relative to the anchor."""
    if mode == "last":
        return d < anchor
    if mode == "next":
        return d > anchor
    return mode == "this" or d <= anchor


# ------------------------------------------------------------------ one resolver per kind


def _resolve_month_day(e: Expr, anchor: date) -> Resolved:
    """A day of a month ("15 February"): the nearest one in the mode's direction."""
    assert e.month is not None and e.day is not None
    if e.mode == "next":
        years = range(anchor.year, anchor.year + _YEARS_SEARCHED)
    else:
        years = range(anchor.year, anchor.year - _YEARS_SEARCHED, -1)
    for year in years:
        d = _safe_date(year, e.month, e.day)
        if d and _fits(d, anchor, e.mode):
            return _day(d)
    return Resolved(None, "day")


def _resolve_month(e: Expr, anchor: date) -> Resolved:
    """A month ("in December"): this year's, or last year's when the mode means that one."""
    assert e.month is not None
    year = anchor.year
    if e.mode == "past":
        year -= e.month > anchor.month
    elif e.mode == "last":
        year -= e.month >= anchor.month
    elif e.mode == "next":
        year += e.month <= anchor.month
    return _month_period(year, e.month)


def _resolve_day_of_month(e: Expr, anchor: date) -> Resolved:
    """A day of the month alone ("on the 15th"): the latest one on or before the anchor."""
    assert e.day is not None
    year, month = anchor.year, anchor.month
    for _ in range(_MONTHS_SEARCHED):
        d = _safe_date(year, month, e.day)
        if d and d <= anchor:
            return _day(d)
        year, month = _shift_month(year, month, -1)
    return Resolved(None, None)


def _resolve_cal(e: Expr, anchor: date) -> Resolved:
    """Calendar fields without a year, completed from the anchor."""
    if e.month is not None and e.day is not None:
        return _resolve_month_day(e, anchor)
    if e.month is not None:
        return _resolve_month(e, anchor)
    if e.day is not None:
        return _resolve_day_of_month(e, anchor)
    return Resolved(None, None)


def _resolve_weekday(e: Expr, anchor: date) -> Resolved:
    """A weekday: the last one on or before the anchor unless the mode says otherwise."""
    wd = e.weekday or 0
    if e.mode == "this":
        return _day(_monday(anchor) + timedelta(days=wd))
    if e.mode == "next":
        return _day(anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7))
    back = (anchor.weekday() - wd) % 7
    if e.mode == "last" and back == 0:
        back = 7
    return _day(anchor - timedelta(days=back))


def _resolve_days(e: Expr, anchor: date) -> Resolved:
    return _day(anchor + timedelta(days=e.offset))


def _resolve_unit(e: Expr, anchor: date) -> Resolved:
    """A week (from its Monday), month or year counted from the anchor's."""
    if e.unit == "week":
        monday = _monday(anchor) + timedelta(weeks=e.offset)
        return Resolved(monday.isoformat(), "week", monday, monday + timedelta(days=6))
    if e.unit == "month":
        return _month_period(*_shift_month(anchor.year, anchor.month, e.offset))
    return _year_period(anchor.year + e.offset)


def _resolve_weekend(e: Expr, anchor: date) -> Resolved:
    """A weekend: Saturday to Sunday, the last one begun by the anchor unless told otherwise."""
    saturday = _monday(anchor) + timedelta(days=5)
    if e.mode == "next":
        saturday += timedelta(weeks=1)
    elif e.mode == "last" or (e.mode == "past" and saturday > anchor):
        saturday -= timedelta(weeks=1)
    sunday = saturday + timedelta(days=1)
    return Resolved(saturday.isoformat(), "day", saturday, sunday, sunday.isoformat())


_RESOLVERS: dict[str, Callable[[Expr, date], Resolved]] = {
    "cal": _resolve_cal,
    "weekday": _resolve_weekday,
    "days": _resolve_days,
    "unit": _resolve_unit,
    "weekend": _resolve_weekend,
}

_UNANCHORED_PRECISION = {"weekday": "day", "days": "day", "weekend": "day"}


def _resolve_with_year(e: Expr) -> Resolved:
    """Calendar fields that fix the year need no anchor."""
    assert e.year is not None
    if e.month is None:
        return _year_period(e.year)
    if e.day is None:
        return _month_period(e.year, e.month)
    return _day(date(e.year, e.month, e.day))


def _unanchored(e: Expr) -> Resolved:
    """No value without an anchor, but the precision the expression would have."""
    if e.kind == "cal":
        precision = "day" if e.day is not None else "month" if e.month else None
    else:
        precision = _UNANCHORED_PRECISION.get(e.kind, e.unit)
    return Resolved(None, precision)


def resolve(expr: Expr, anchor: date | None) -> Resolved:
    """Anchor one expression; relative ones stay unresolved (value None) without an anchor,
    and so do those that would fall outside the calendar (before 0001 or after 9999: a
    report "published" 0001-01-01 saying "yesterday")."""
    try:
        return _resolve(expr, anchor)
    except (OverflowError, ValueError):
        return _unanchored(expr)


def _resolve(expr: Expr, anchor: date | None) -> Resolved:
    if expr.kind == "decade":
        return Resolved(None, None)
    if expr.kind == "clock":
        return Resolved(None, "hour")
    if expr.kind == "cal" and expr.year is not None:
        result = _resolve_with_year(expr)
    elif anchor is None:
        result = _unanchored(expr)
    else:
        result = _RESOLVERS[expr.kind](expr, anchor)
    if expr.clock and result.precision == "day":
        result = replace(result, precision="hour")
    return result


# ------------------------------------------------------------------ atoms and ranges


def _anchors_to_range_end(expr: Expr) -> bool:
    """A range start like "12 March" or "Monday" is read back from the end, not from today."""
    return expr.mode == "past" and (
        expr.kind == "weekday" or (expr.kind == "cal" and expr.year is None)
    )


def resolve_atom(atom: Atom, anchor: date | None) -> Resolved:
    """Resolve an atom; for a range the result's ``last``/``end`` come from its end."""
    if atom.end_expr is None:
        return resolve(atom.expr, anchor)
    end = resolve(atom.end_expr, anchor)
    start_anchor = end.last if end.last and _anchors_to_range_end(atom.expr) else anchor
    start = resolve(atom.expr, start_anchor)
    return replace(start, last=end.last, end=end.value)


def acled_precision(resolved: Resolved) -> int | None:
    """ACLED time_precision: 1 day known, 2 within about a week, 3 a month or longer."""
    if resolved.value is None or resolved.first is None:
        return None
    last = resolved.last or resolved.first
    days = abs((last - resolved.first).days)
    return 1 if days == 0 else 2 if days <= 6 else 3
