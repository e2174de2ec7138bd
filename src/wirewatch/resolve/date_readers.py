"""Readers: what one rule's match means, as an :class:`Expr`, or None to reject it.

A pattern can only say what an expression looks like; whether "may" is a month, "Today" a
newspaper or "between 2000 and 3000" a year range depends on the words around it. Each rule of
:mod:`date_rules` names the reader that makes that call and turns the match into calendar
fields. Every reader has the same signature, ``(match, text, lexicon) -> Parsed``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from wirewatch.resolve.date_expr import Expr, Parsed
from wirewatch.resolve.date_lexicon import Lexicon, norm

_PREV_WORD = re.compile(r"([^\W\d_][\w'-]*)\W{0,3}$")
_DATELINE_PREFIX = re.compile(r"\s*(?:[A-Z][A-Z .'-]*,\s*)?")
_LAST_CHAR = re.compile(r"(\S)\s*$")
_SENTENCE_OPENERS = frozenset(".!?:;\"'“”‘’([—–-")
_DASHES = "-–—"
#: The range opener that pairs with "and" ("between 12 and 14 March"); "and" alone lists.
BETWEEN, AND = "between", "and"


# ------------------------------------------------------------------ context of a match


def prev_word(text: str, pos: int) -> str:
    """The word just before ``pos`` (lower case), or ''."""
    m = _PREV_WORD.search(text, max(0, pos - 40), pos)
    return m.group(1).lower() if m else ""


def _is_dateline(text: str, pos: int) -> bool:
    """Whether ``pos`` opens a line or follows a dateline place ("BAGHDAD, MAY 15 (AP)")."""
    line_start = text.rfind("\n", max(0, pos - 60), pos) + 1
    if line_start == 0 and pos > 60:
        return False
    return _DATELINE_PREFIX.fullmatch(text, line_start, pos) is not None


def _is_title(word: str) -> bool:
    """Title case ("May"), as opposed to lower case or ALL CAPS, where names look like words."""
    return word[:1].isupper() and not word.isupper()


@cache
def _ordinal_follow(words: tuple[str, ...]) -> re.Pattern[str]:
    """What may follow "on the second" when it names a day: punctuation, the end, a cue word."""
    return re.compile(
        r"\s*(?:[,.;:)]|$|(?:" + "|".join(map(re.escape, words)) + r")\b)", re.IGNORECASE
    )


# ------------------------------------------------------------------ fields of a match


def _clock_text(hour: int, minute: int, ampm: str | None) -> str | None:
    """The time as HH:MM on the 24-hour clock; None for an hour a.m./p.m. cannot have."""
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    return f"{hour:02d}:{minute:02d}"


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    """Whether the fields can name a real day (a leap year stands in for an unknown year)."""
    if month is None or day is None:
        return True
    try:
        date(year if year is not None else 2000, month, day)
    except ValueError:
        return False
    return True


def _month_of(lex: Lexicon, word: str) -> int:
    return lex.months[word.lower().rstrip(".")]


def _day_of(lex: Lexicon, word: str) -> int:
    """The day number of "15", "15th" or "fifteenth"."""
    key = norm(word)
    if key in lex.ordinals:
        return lex.ordinals[key]
    return int(key.rstrip("stndrh"))


def _mode(lex: Lexicon, m: re.Match[str]) -> str:
    """How the match's modifier ("last", "this coming") anchors it; ``past`` without one."""
    mod = m.groupdict().get("mod")
    return lex.modifiers.get(norm(mod), "past") if mod else "past"


def _year_from(m: re.Match[str]) -> int | None:
    """The year of group ``y``, or of a two-digit ``yy`` ("15 MAR 90")."""
    if m.groupdict().get("y"):
        return int(m.group("y"))
    yy = m.groupdict().get("yy")
    if yy:
        return (1900 if int(yy) >= 50 else 2000) + int(yy)
    return None


def _ambiguous_month(lex: Lexicon, m: re.Match[str], text: str, allowed: frozenset[str]) -> bool:
    """Whether a lower-case or ALL-CAPS "may"/"march" here is probably not a month."""
    word = m.group("mon")
    if word.lower() not in lex.ambiguous_months or _is_title(word):
        return False
    return prev_word(text, m.start("t")) not in allowed


def _pre(m: re.Match[str]) -> str:
    """The match's preposition or range opener, lower case ('' without one)."""
    return (m.groupdict().get("pre") or "").lower()


# ------------------------------------------------------------------ calendar dates


def read_iso(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """2016-02-15, with its clock time when it has one."""
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not 1 <= mo <= 12 or not _valid(y, mo, d):
        return None
    clock = f"{m.group('h')}:{m.group('mi')}" if m.group("h") else None
    return Expr("cal", year=y, month=mo, day=d, clock=clock)


def read_day_month(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """A day of a month; "all 15 may be charged" is not one."""
    year = _year_from(m)
    month, day = _month_of(lex, m.group("mon")), _day_of(lex, m.group("d"))
    if not _valid(year, month, day):
        return None
    if year is None and not m.group("wd") and not _is_dateline(text, m.start("t")):
        if _ambiguous_month(lex, m, text, lex.day_month_prepositions):
            return None
    return Expr("cal", year=year, month=month, day=day)


def read_month_year(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    return Expr("cal", year=int(m.group("y")), month=_month_of(lex, m.group("mon")))


def read_month(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """A month without a year; an ambiguous one needs a date preposition."""
    if not m.groupdict().get("pre") and _ambiguous_month(lex, m, text, lex.prepositions):
        return None
    return Expr("cal", month=_month_of(lex, m.group("mon")), mode=_mode(lex, m))


def read_year(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """A year; "between 2000 and 3000 people" is a count (real year ranges have their rule)."""
    if _pre(m) == BETWEEN:
        return None
    return Expr("cal", year=int(m.group("y")))


def read_ordinal_day(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """A day of the month alone; an ordinal word needs a cue after it ("on the second attempt")."""
    word = m.group("d")
    if not word[0].isdigit() and not _ordinal_follow(lex.ordinal_day_followers).match(
        text, m.end("t")
    ):
        return None
    day = _day_of(lex, word)
    return Expr("cal", day=day) if 1 <= day <= 31 else None


def read_decade(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    return Expr("decade")


# ------------------------------------------------------------------ ranges


def read_year_range(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """2014-16, from 2014 to 2016; a short or backward span is not a year range."""
    y1, raw2 = int(m.group("y")), m.group("y2")
    y2 = int(raw2) if len(raw2) == 4 else y1 // 100 * 100 + int(raw2)
    conn, pre = m.group("conn").lower(), _pre(m)
    if y2 <= y1 or y2 - y1 > 50:
        return None
    if (conn == AND and pre != BETWEEN) or (conn not in _DASHES and not pre):
        return None
    return Expr("cal", year=y1), Expr("cal", year=y2)


def read_day_range(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """12-14 March, between 12 and 14 March: two days of one month."""
    if m.group("conn").lower() == AND and _pre(m) != BETWEEN:
        return None
    year = _year_from(m)
    month = _month_of(lex, m.group("mon"))
    d1, d2 = _day_of(lex, m.group("d1")), _day_of(lex, m.group("d"))
    if d1 >= d2 or not _valid(year, month, d2):
        return None
    return Expr("cal", year=year, month=month, day=d1), Expr("cal", year=year, month=month, day=d2)


# ------------------------------------------------------------------ relative to the anchor


def read_weekday(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """A weekday; "Good Friday" and "Bloody Sunday" are names."""
    if prev_word(text, m.start("t")) in lex.blockers_before:
        return None
    return Expr("weekday", weekday=lex.weekdays[m.group("wd").lower()], mode=_mode(lex, m))


def read_relative_day(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """Yesterday, tonight; a capitalised "Today" mid-sentence is a name ("Russia Today")."""
    if _is_title(m.group("rel")) and m.start("rel") == m.start("t"):
        before = _LAST_CHAR.search(text, max(0, m.start("t") - 20), m.start("t"))
        if before and before.group(1) not in _SENTENCE_OPENERS:
            return None
    return Expr("days", offset=lex.relative_days[norm(m.group("rel"))])


def read_unit(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """Last week, this year; "over the last week" is a duration, and "next day" no date."""
    mode = _mode(lex, m)
    if mode != "this" and prev_word(text, m.start("t")) == "the":
        return None
    offset = {"last": -1, "next": 1}.get(mode, 0)
    unit = m.group("unit").lower()
    if unit == "day":
        return None
    return Expr("unit", unit=unit, offset=offset)


def read_weekend(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """Last weekend, over the weekend; "a weekend of violence" is no date."""
    mod = (m.group("mod") or "").lower()
    if mod:
        mode = lex.weekend_modifiers.get(mod) or _mode(lex, m)
    elif m.group("pre") and norm(m.group("t")).startswith("the "):
        mode = "past"
    else:
        return None
    return Expr("weekend", mode=mode)


def read_ago(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """Two days ago, a year ago: counted back from the anchor."""
    raw = norm(m.group("n"))
    n = int(raw) if raw.isdigit() else lex.numbers[raw]
    unit = m.group("unit").lower()
    if unit == "day":
        return Expr("days", offset=-n)
    return Expr("unit", unit=unit, offset=-n)


# ------------------------------------------------------------------ times of day


def read_clock(m: re.Match[str], text: str, lex: Lexicon) -> Parsed:
    """3 p.m., at 10:30, 0800 GMT, at noon; a bare "10:30" or "1500 hours" is no clock time."""
    groups = m.groupdict()
    if groups.get("cw"):
        return Expr("clock", clock=lex.clock_words[norm(groups["cw"])])
    tz = (groups.get("tz") or "").lower()
    ampm = groups.get("ap")
    if not ampm and not groups.get("pre") and (not tz or tz in lex.weak_time_zones):
        return None
    clock = _clock_text(int(groups["h"]), int(groups.get("mi") or 0), ampm)
    return Expr("clock", clock=clock) if clock else None
