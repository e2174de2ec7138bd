"""Time expressions: find dates in a report and resolve them against its publication date.

News reports date events relative to the day they were published ("on Monday evening",
"in December", "two days ago"), so a mention is only useful once it is anchored. This module
finds time expressions with a regex grammar built once from ``data/time_expressions.yaml``
(case-insensitive, so lower-case and ALL-CAPS wire copy work), adds spaCy DATE/TIME entities
that the grammar can read, and resolves each against ``doc._.ww_published``.

Each contract Time dict carries two wirewatch extensions:

- ``end``: for ranges ("between 12 and 14 March", "from Monday to Wednesday", "over the
  weekend"), the resolved end; ``value`` is the start.
- ``acled_time_precision``: ACLED's time-precision code for the resolved value: 1 = the day
  is known, 2 = known to within a week or a range of a few days, 3 = only the month or a
  longer period is known; null when the value is null.

Week precision is written as the date of the week's Monday. A clock time ("Monday at 3
p.m.") gives precision ``hour``; the value stays the date and the time goes in ``clock``
("HH:MM"). Without a publication date a value is given only when the text fixes the year.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from spacy.tokens import Doc

from wirewatch.knowledge import load_yaml
from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.spans import char_span, source_text

register_extensions()

Time = dict[str, Any]

_PLURALS = frozenset({"NNS", "NNPS"})

#: Entity labels from spaCy's NER that the grammar is also run over.
DATE_LABELS = frozenset({"DATE", "TIME"})


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """The words of ``data/time_expressions.yaml`` as lookup tables."""

    months: dict[str, int]
    full_months: tuple[str, ...]
    month_abbreviations: tuple[str, ...]
    ambiguous_months: frozenset[str]
    weekdays: dict[str, int]
    blockers_before: frozenset[str]
    blockers_after: tuple[str, ...]
    parts_of_day: tuple[str, ...]
    clock_words: dict[str, str]
    clock_prepositions: tuple[str, ...]
    time_zones: tuple[str, ...]
    relative_days: dict[str, int]
    modifiers: dict[str, str]
    units: tuple[str, ...]
    edge_modifiers: tuple[str, ...]
    period_leads: tuple[str, ...]
    seasons: tuple[str, ...]
    prepositions: frozenset[str]
    approximators: tuple[str, ...]
    numbers: dict[str, int]
    ordinals: dict[str, int]
    ordinal_blockers: tuple[str, ...]
    name_labels: frozenset[str]


def _norm(phrase: str) -> str:
    """Lower-case with single spaces: the key form of every multi-word lexicon entry."""
    return " ".join(phrase.lower().split())


@cache
def load_lexicon() -> Lexicon:
    """Parse the time lexicon once per process."""
    raw = load_yaml("time_expressions.yaml")
    months: dict[str, int] = {}
    full: list[str] = []
    abbreviations: list[str] = []
    for number, names in raw["months"].items():
        full.append(names[0])
        abbreviations.extend(names[1:])
        for name in names:
            months[name] = int(number)
    weekdays = {name: int(n) for n, names in raw["weekdays"].items() for name in names}
    return Lexicon(
        months=months,
        full_months=tuple(full),
        month_abbreviations=tuple(abbreviations),
        ambiguous_months=frozenset(raw["ambiguous_months"]),
        weekdays=weekdays,
        blockers_before=frozenset(raw["weekday_blockers_before"]),
        blockers_after=tuple(raw["weekday_blockers_after"]),
        parts_of_day=tuple(raw["parts_of_day"]),
        clock_words={_norm(k): str(v) for k, v in raw["clock_words"].items()},
        clock_prepositions=tuple(raw["clock_prepositions"]),
        time_zones=tuple(raw["time_zones"]),
        relative_days={_norm(k): int(v) for k, v in raw["relative_days"].items()},
        modifiers={_norm(k): str(v) for k, v in raw["relative_modifiers"].items()},
        units=tuple(raw["units"]),
        edge_modifiers=tuple(raw["edge_modifiers"]),
        period_leads=tuple(raw["period_leads"]),
        seasons=tuple(raw["seasons"]),
        prepositions=frozenset(raw["date_prepositions"]),
        approximators=tuple(raw["approximators"]),
        numbers={_norm(k): int(v) for k, v in raw["numbers"].items()},
        ordinals={_norm(k): int(v) for k, v in raw["ordinals"].items()},
        ordinal_blockers=tuple(raw["ordinal_blockers_after"]),
        name_labels=frozenset(raw["name_entity_labels"]),
    )


# --------------------------------------------------------------------------- expressions


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


@dataclass(frozen=True, slots=True)
class Resolved:
    """An expression anchored to the calendar: value, precision and the period it covers."""

    value: str | None
    precision: str | None
    first: date | None = None
    last: date | None = None
    end: str | None = None


# --------------------------------------------------------------------------- grammar

Parsed = Expr | tuple[Expr, Expr] | None
Handler = Callable[[re.Match[str], str], Parsed]

_PREV_WORD = re.compile(r"([^\W\d_][\w'-]*)\W{0,3}$")
#: Longest stretch of a match before its first or after its last trigger word, and how far
#: past a match its lookahead assertions may read.
_MARGIN = 40
_LOOKAHEAD = 40
_DIGIT = frozenset({"digit"})
_WORD = re.compile(r"\d+|[^\W\d_]+")
_DATELINE_PREFIX = re.compile(r"\s*(?:[A-Z][A-Z .'-]*,\s*)?")
_LAST_CHAR = re.compile(r"(\S)\s*$")
_SENTENCE_OPENERS = frozenset(".!?:;\"'“”‘’([—–-")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_DAY_SUFFIXED = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\d)"
_RANGE_CONN = r"(?P<conn>-|–|—|to|and|until|till|through)"


def _alt(words: Iterable[str], suffix: str = "") -> str:
    """A non-capturing alternation, longest first, with spaces matching any whitespace."""
    items = sorted(set(words), key=len, reverse=True)
    parts = [r"\s+".join(re.escape(w) for w in item.split()) + suffix for item in items]
    return "(?:" + "|".join(parts) + ")"


def _prev_word(text: str, pos: int) -> str:
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
    return word[:1].isupper() and not word.isupper()


def _clock(hour: int, minute: int, ampm: str | None) -> str | None:
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


class TimeGrammar:
    """Compiled patterns for time expressions, built once per component instance."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        lx = lexicon
        month_names = [re.escape(m) for m in lx.full_months] + [
            re.escape(a) + r"\.?" for a in lx.month_abbreviations
        ]
        month_names.sort(key=len, reverse=True)
        edge = (
            "(?:"
            + "|".join(
                re.escape(w) + (r"(?:-|\s+)" if w == "mid" else r"\s+") for w in lx.edge_modifiers
            )
            + ")"
        )
        frag = {
            "MONTHX": "(?:" + "|".join(month_names) + ")",
            "MONTH": _alt(lx.full_months),
            "WEEKDAY": _alt(lx.weekdays),
            "POD": _alt(lx.parts_of_day),
            "DAYORD": f"(?:{_alt(lx.ordinals)}|{_DAY})",
            "ORDINAL": f"(?:{_alt(lx.ordinals)}|{_DAY_SUFFIXED})",
            "DAY": _DAY,
            "YEAR": _YEAR,
            "SEASON": _alt(lx.seasons),
            "MOD": _alt(lx.modifiers),
            "PREP": _alt(lx.prepositions),
            "EDGE": edge,
            "LEAD": f"(?:{_alt(lx.period_leads)}\\s+|{edge})",
            "RELDAY": _alt(lx.relative_days),
            "UNIT": _alt(lx.units),
            "NUMBER": f"(?:\\d{{1,3}}|{_alt(lx.numbers)})",
            "APPROX": _alt(lx.approximators),
            "CLOCKPRE": _alt(lx.clock_prepositions),
            "CLOCKWORD": _alt(lx.clock_words),
            "TZ": _alt(lx.time_zones),
            "BLOCKAFTER": _alt(lx.blockers_after),
            "ORDBLOCK": _alt(lx.ordinal_blockers),
        }

        def build(template: str) -> re.Pattern[str]:
            for key in sorted(frag, key=len, reverse=True):
                template = template.replace("<" + key + ">", frag[key])
            return re.compile(template, re.IGNORECASE)

        yr = r"(?:,?\s+(?P<y><YEAR>))?"
        rules: list[tuple[str, Handler, str, bool]] = [
            # ISO 8601: 2016-02-15, 2016-02-15T10:30Z
            (
                r"(?<![\w/-])(?P<t>(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
                r"(?:T(?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?)"
                r"(?![\w/-])",
                self._iso,
                "digit",
                False,
            ),
            # day month [year]: 15 February 2016, the 15th of March, 15 MAR 90
            (
                r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<wd><WEEKDAY>),?\s+(?:the\s+)?)?(?:the\s+)?"
                r"(?P<d><DAYORD>)(?!\d)\s+(?:of\s+)?(?P<mon><MONTHX>)(?!\w)"
                r"(?:,?\s+(?P<y><YEAR>)|\s+'?(?P<yy>\d\d)(?=\s*[(\[,;:\n]|\s*$))?)",
                self._day_month,
                "month",
                False,
            ),
            # month day [year]: February 15, 2016; Monday, Feb. 15
            (
                r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<wd><WEEKDAY>),?\s+)?(?P<mon><MONTHX>)(?!\w)\s*"
                r"(?P<d><DAY>)(?![\d:]|[.,]\d)(?!\w)" + yr + ")",
                self._day_month,
                "month",
                False,
            ),
            # month year: June 2015, March of 2004
            (
                r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<mod><MOD>)\s+)?(?P<mon><MONTHX>)(?!\w),?\s+"
                r"(?:of\s+)?(?P<y><YEAR>))",
                self._month_year,
                "month",
                False,
            ),
            # season year: summer 2015 (the year only)
            (
                r"(?<!\w)(?P<t>(?:the\s+)?(?:<EDGE>)?(?P<season><SEASON>)\s+(?:of\s+)?(?P<y><YEAR>))",
                self._year,
                "digit",
                False,
            ),
            # bare month after a preposition or modifier: in December, last May, early March
            (
                r"(?<!\w)(?P<pre><PREP>)\s+(?P<t>(?:<LEAD>)?(?:(?P<mod><MOD>)\s+)?(?P<mon><MONTH>))"
                r"(?!\w)",
                self._month,
                "month",
                False,
            ),
            (
                r"(?<!\w)(?P<t>(?:<LEAD>)?(?P<mod><MOD>)\s+(?P<mon><MONTH>))(?!\w)",
                self._month,
                "month",
                False,
            ),
            (r"(?<!\w)(?P<t><LEAD>(?P<mon><MONTH>))(?!\w)", self._month, "month", False),
            # second month of a list: November and December
            (
                r"(?<!\w)<MONTH>(?=(?:\s*,\s*|\s+(?:and|or|to|until|through)\s+|\s*[-–]\s*)"
                r"(?P<t>(?P<mon><MONTH>))(?!\w))",
                self._month,
                "month",
                False,
            ),
            # bare year after a preposition or lead: in 2015, the end of 2015
            (
                r"(?<!\w)(?P<pre><PREP>)\s+(?P<t>(?:<LEAD>)?(?P<y><YEAR>))(?![\w%]|[.,]\d|\s*[-–]\s*\d)",
                self._year,
                "digit",
                False,
            ),
            (r"(?<!\w)(?P<t><LEAD>(?P<y><YEAR>))(?![\w%]|[.,]\d)", self._year, "digit", False),
            # year ranges: 2014-16, between 2014 and 2016
            (
                r"(?<!\w)(?P<t>(?:(?P<pre>from|between)\s+)?(?P<y><YEAR>)\s*"
                + _RANGE_CONN
                + r"\s*(?P<y2><YEAR>|\d\d(?!\d)))(?![\w%]|[.,]\d)",
                self._year_range,
                "digit",
                False,
            ),
            # decades: the 1990s, the late '80s (never given a value)
            (
                r"(?<![\w'])(?P<t>(?:the\s+)?(?:(?:early|mid|late)(?:-|\s+))?"
                r"(?:(?P<dec>1[89]\d0|20\d0)|'(?P<dec2>\d0))'?s)(?!\w)",
                self._decade,
                "digit",
                False,
            ),
            # weekdays: Monday evening, last Friday, the early hours of Sunday
            (
                r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<mod><MOD>)\s+)?(?P<wd><WEEKDAY>)"
                r"(?:\s+(?P<pod><POD>))?)(?!\w)(?!\s+<BLOCKAFTER>(?!\w))",
                self._weekday,
                "weekday",
                False,
            ),
            # days named from today: yesterday morning, last night, earlier today
            (
                r"(?<!\w)(?P<t>(?:<EDGE>)?(?P<rel><RELDAY>)(?:\s+(?P<pod><POD>))?)(?!\w)",
                self._relday,
                "relday",
                False,
            ),
            # calendar units: last week, earlier this year, next month
            (
                r"(?<!\w)(?P<t>(?:<EDGE>)?(?P<mod><MOD>)\s+(?P<unit><UNIT>))(?!\w)",
                self._unit,
                "unit",
                False,
            ),
            # weekends: over the weekend, last weekend
            (
                r"(?<!\w)(?:(?P<pre>over|at|on|during)\s+)?(?P<t>(?:the\s+)?(?:(?P<mod><MOD>|past)\s+)?"
                r"weekend)(?!\w)",
                self._weekend,
                "weekend",
                False,
            ),
            # counted back: two days ago, about three weeks ago
            (
                r"(?<!\w)(?P<t>(?:<APPROX>\s+)?(?P<n><NUMBER>)\s+(?P<unit><UNIT>)s?\s+ago)(?!\w)",
                self._ago,
                "unit",
                False,
            ),
            # day of the month alone: on the 15th
            (
                r"(?<!\w)on\s+(?P<t>the\s+(?P<d><ORDINAL>))(?!\w)(?!\s+of\s+(?!<MONTHX>))"
                r"(?!\s+<ORDBLOCK>s?(?!\w))",
                self._ordinal_day,
                "digit ordinal",
                False,
            ),
            # day ranges: between 12 and 14 March, 12-14 March, March 12-14
            (
                r"(?<!\w)(?P<t>(?:(?P<pre>from|between)\s+)?(?:the\s+)?(?P<d1><DAYORD>)(?!\d)\s*"
                + _RANGE_CONN
                + r"\s*(?:the\s+)?(?P<d><DAYORD>)(?!\d)\s+(?:of\s+)?"
                r"(?P<mon><MONTHX>)(?!\w)" + yr + ")",
                self._day_range,
                "month",
                False,
            ),
            (
                r"(?<!\w)(?P<t>(?:(?P<pre>from|between)\s+)?(?P<mon><MONTHX>)(?!\w)\s*(?P<d1><DAY>)"
                r"(?![\d:])\s*" + _RANGE_CONN + r"\s*(?P<d><DAY>)(?![\d:]|[.,]\d)(?!\w)" + yr + ")",
                self._day_range,
                "month",
                False,
            ),
            # clock times: 3 p.m., 10:30 GMT, at 0800 hours, at noon
            (
                r"(?<!\w)(?:(?P<pre><CLOCKPRE>)\s+)?(?P<t>(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?"
                r"\s*(?P<ap>[ap]\.\s?m\.?|[ap]m)(?!\w)(?:\s+(?P<tz><TZ>)(?!\w))?)",
                self._clock,
                "digit",
                False,
            ),
            (
                r"(?<!\w)(?:(?P<pre><CLOCKPRE>)\s+)?(?P<t>(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)"
                r"(?![\d:])(?:\s*(?P<tz><TZ>)(?!\w))?)",
                self._clock,
                "digit",
                False,
            ),
            (
                r"(?<!\w)(?:(?P<pre><CLOCKPRE>)\s+)?(?P<t>(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s*"
                r"(?P<tz><TZ>))(?!\w)",
                self._clock,
                "digit",
                False,
            ),
            (
                r"(?<!\w)(?P<pre><CLOCKPRE>)\s+(?P<t>(?P<cw><CLOCKWORD>))(?!\w)",
                self._clock,
                "clock",
                False,
            ),
            # Inside a spaCy DATE entity a bare year or month name is trusted.
            (r"(?<![\w$£€.,])(?P<t>(?P<y><YEAR>))(?![\w%]|[.,]\d)", self._year, "digit", True),
            (r"(?<!\w)(?P<t>(?P<mon><MONTH>))(?!\w)", self._month, "month", True),
        ]
        self._rules = [
            (build(p), h, frozenset(needs.split()), lenient) for p, h, needs, lenient in rules
        ]
        # trigger word -> the kinds of pattern it can anchor (digits anchor "digit" ones)
        triggers: dict[str, set[str]] = {}
        for kind, words in (
            ("month", lx.months),
            ("weekday", lx.weekdays),
            ("clock", lx.clock_words),
            ("unit", [*lx.units, *(u + "s" for u in lx.units)]),
            ("weekend", ["weekend"]),
            ("ordinal", [part for word in lx.ordinals for part in word.split("-")]),
            ("relday", [phrase.split()[-1] for phrase in lx.relative_days]),
        ):
            for word in words:
                triggers.setdefault(word, set()).add(kind)
        self._triggers = {word: frozenset(kinds) for word, kinds in triggers.items()}
        self._all_kinds = frozenset().union(*(needs for _, _, needs, _ in self._rules))
        self._day_month_preps = lx.prepositions | {"on", "of"}
        self._ord_follow = re.compile(r"\s*(?:[,.;:)]|$|(?:at|when|in|and|of)\b)", re.IGNORECASE)
        self._date_clock_gap = build(r"\s*,?\s*(?:<CLOCKPRE>\s+)?")
        self._clock_date_gap = build(r"\s*,?\s*(?:on\s+)?")
        self._range_gap = build(r"\s*" + _RANGE_CONN + r"\s*")
        self._range_pre = re.compile(r"(?<!\w)(from|between)\s+$", re.IGNORECASE)

    # ------------------------------------------------------------ matching

    def windows(self, text: str, pos: int, end: int) -> list[tuple[int, int, frozenset[str]]]:
        """Stretches of ``text[pos:end]`` around trigger words, where any match must lie.

        Every pattern contains a trigger (a digit, month, weekday, unit, ...) and reaches at
        most ``_MARGIN`` characters beyond it, so scanning these windows, with only the
        patterns their triggers can anchor, finds the same matches as scanning everything.
        """
        spans: list[tuple[int, int, frozenset[str]]] = []
        triggers = self._triggers
        for m in _WORD.finditer(text, pos, end):
            word = m.group()
            kinds = _DIGIT if word[0].isdigit() else triggers.get(word.lower())
            if kinds is None:
                continue
            start, stop = max(pos, m.start() - _MARGIN), min(end, m.end() + _MARGIN)
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], stop, spans[-1][2] | kinds)
            else:
                spans.append((start, stop, kinds))
        return spans

    def candidates(
        self,
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        lenient: bool = False,
        windowed: bool = True,
    ) -> list[Atom]:
        """Every pattern match in ``text[pos:endpos]``, overlapping; see :meth:`mentions`.

        ``windowed=False`` scans the whole range with every pattern: the slow reference the
        trigger windows must agree with.
        """
        end = len(text) if endpos is None else endpos
        windows = self.windows(text, pos, end) if windowed else [(pos, end, self._all_kinds)]
        atoms: list[Atom] = []
        for start_w, end_w, kinds in windows:
            scan_end = min(end, end_w + _LOOKAHEAD)
            for pattern, handler, needs, lenient_only in self._rules:
                if (lenient_only and not lenient) or needs.isdisjoint(kinds):
                    continue
                for m in pattern.finditer(text, start_w, scan_end):
                    start, stop = m.span("t")
                    if stop > end_w:
                        continue
                    parsed = handler(m, text)
                    if parsed is None:
                        continue
                    count_at = None
                    for group in ("y2", "y", "d"):
                        if group in pattern.groupindex and m.group(group) and m.end(group) == stop:
                            count_at = m.start(group)
                            break
                    end_expr = parsed[1] if isinstance(parsed, tuple) else None
                    expr = parsed[0] if isinstance(parsed, tuple) else parsed
                    atoms.append(Atom(start, stop, expr, end_expr, count_at))
        return atoms

    def mentions(self, text: str, lenient: bool = False) -> list[Atom]:
        """Non-overlapping time expressions of ``text`` in order, ranges and clocks merged."""
        return self.combine(text, select(self.candidates(text, lenient=lenient)))

    def combine(self, text: str, atoms: list[Atom]) -> list[Atom]:
        """Attach clock times to their day and join "from A to B" into ranges."""
        merged: list[Atom] = []
        for atom in atoms:
            prev = merged[-1] if merged else None
            joined = self._join_clock(text, prev, atom) if prev else None
            if joined:
                merged[-1] = joined
            else:
                merged.append(atom)
        ranged: list[Atom] = []
        for atom in merged:
            prev = ranged[-1] if ranged else None
            joined = self._join_range(text, prev, atom) if prev else None
            if joined:
                ranged[-1] = joined
            else:
                ranged.append(atom)
        return ranged

    def _join_clock(self, text: str, a: Atom, b: Atom) -> Atom | None:
        if a.end_expr or b.end_expr:
            return None
        gap = text[a.end : b.start]
        if a.expr.single_day and b.expr.kind == "clock" and not a.expr.clock:
            if self._date_clock_gap.fullmatch(gap):
                return Atom(a.start, b.end, replace(a.expr, clock=b.expr.clock))
        if a.expr.kind == "clock" and b.expr.single_day and not b.expr.clock:
            if self._clock_date_gap.fullmatch(gap):
                return Atom(a.start, b.end, replace(b.expr, clock=a.expr.clock), None, b.count_at)
        return None

    def _join_range(self, text: str, a: Atom, b: Atom) -> Atom | None:
        if a.end_expr or b.end_expr or "clock" in (a.expr.kind, b.expr.kind):
            return None
        if a.expr.kind in ("decade", "weekend") or b.expr.kind in ("decade", "weekend"):
            return None
        gap = self._range_gap.fullmatch(text, a.end, b.start)
        if gap is None:
            return None
        pre = self._range_pre.search(text, max(0, a.start - 12), a.start)
        if gap.group("conn").lower() == "and" and not (pre and pre.group(1).lower() == "between"):
            return None
        start = pre.start() if pre else a.start
        return Atom(start, b.end, a.expr, b.expr, b.count_at)

    # ------------------------------------------------------------ handlers

    def _month_of(self, word: str) -> int:
        return self.lex.months[word.lower().rstrip(".")]

    def _day_of(self, word: str) -> int:
        key = _norm(word)
        if key in self.lex.ordinals:
            return self.lex.ordinals[key]
        return int(key.rstrip("stndrh"))

    def _mode(self, m: re.Match[str]) -> str:
        mod = m.groupdict().get("mod")
        return self.lex.modifiers.get(_norm(mod), "past") if mod else "past"

    def _ambiguous_month(self, m: re.Match[str], text: str, allowed: frozenset[str]) -> bool:
        """Whether a lower-case or ALL-CAPS "may"/"march" here is probably not a month."""
        word = m.group("mon")
        if word.lower() not in self.lex.ambiguous_months or _is_title(word):
            return False
        return _prev_word(text, m.start("t")) not in allowed

    def _iso(self, m: re.Match[str], text: str) -> Parsed:
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if not 1 <= mo <= 12 or not _valid(y, mo, d):
            return None
        clock = f"{m.group('h')}:{m.group('mi')}" if m.group("h") else None
        return Expr("cal", year=y, month=mo, day=d, clock=clock)

    def _year_from(self, m: re.Match[str]) -> int | None:
        if m.groupdict().get("y"):
            return int(m.group("y"))
        yy = m.groupdict().get("yy")
        if yy:
            return (1900 if int(yy) >= 50 else 2000) + int(yy)
        return None

    def _day_month(self, m: re.Match[str], text: str) -> Parsed:
        year = self._year_from(m)
        month, day = self._month_of(m.group("mon")), self._day_of(m.group("d"))
        if not _valid(year, month, day):
            return None
        if year is None and not m.group("wd") and not _is_dateline(text, m.start("t")):
            if self._ambiguous_month(m, text, self._day_month_preps):
                return None  # "all 15 may be charged"
        return Expr("cal", year=year, month=month, day=day)

    def _month_year(self, m: re.Match[str], text: str) -> Parsed:
        return Expr("cal", year=int(m.group("y")), month=self._month_of(m.group("mon")))

    def _month(self, m: re.Match[str], text: str) -> Parsed:
        pre = m.groupdict().get("pre")
        if not pre and self._ambiguous_month(m, text, self.lex.prepositions):
            return None
        return Expr("cal", month=self._month_of(m.group("mon")), mode=self._mode(m))

    def _year(self, m: re.Match[str], text: str) -> Parsed:
        if (m.groupdict().get("pre") or "").lower() == "between":
            return None  # "between 2000 and 3000 people"; real year ranges have their own rule
        return Expr("cal", year=int(m.group("y")))

    def _year_range(self, m: re.Match[str], text: str) -> Parsed:
        y1, raw2 = int(m.group("y")), m.group("y2")
        y2 = int(raw2) if len(raw2) == 4 else y1 // 100 * 100 + int(raw2)
        conn, pre = m.group("conn").lower(), (m.group("pre") or "").lower()
        if y2 <= y1 or y2 - y1 > 50:
            return None
        if (conn == "and" and pre != "between") or (conn not in "-–—" and not pre):
            return None
        return Expr("cal", year=y1), Expr("cal", year=y2)

    def _decade(self, m: re.Match[str], text: str) -> Parsed:
        return Expr("decade")

    def _weekday(self, m: re.Match[str], text: str) -> Parsed:
        if _prev_word(text, m.start("t")) in self.lex.blockers_before:
            return None
        return Expr("weekday", weekday=self.lex.weekdays[m.group("wd").lower()], mode=self._mode(m))

    def _relday(self, m: re.Match[str], text: str) -> Parsed:
        if _is_title(m.group("rel")) and m.start("rel") == m.start("t"):
            before = _LAST_CHAR.search(text, max(0, m.start("t") - 20), m.start("t"))
            if before and before.group(1) not in _SENTENCE_OPENERS:
                return None  # a capitalised "Today" mid-sentence is a name ("Russia Today")
        return Expr("days", offset=self.lex.relative_days[_norm(m.group("rel"))])

    def _unit(self, m: re.Match[str], text: str) -> Parsed:
        mode = self._mode(m)
        if mode != "this" and _prev_word(text, m.start("t")) == "the":
            return None  # "over the last week" is a duration, not last week
        offset = {"last": -1, "next": 1}.get(mode, 0)
        unit = m.group("unit").lower()
        if unit == "day":
            return None
        return Expr("unit", unit=unit, offset=offset)

    def _weekend(self, m: re.Match[str], text: str) -> Parsed:
        mod = (m.group("mod") or "").lower()
        if mod:
            mode = "last" if mod == "past" else self._mode(m)
        elif m.group("pre") and _norm(m.group("t")).startswith("the "):
            mode = "past"  # "over the weekend"
        else:
            return None  # "a weekend of violence"
        return Expr("weekend", mode=mode)

    def _ago(self, m: re.Match[str], text: str) -> Parsed:
        raw = _norm(m.group("n"))
        n = int(raw) if raw.isdigit() else self.lex.numbers[raw]
        unit = m.group("unit").lower()
        if unit == "day":
            return Expr("days", offset=-n)
        return Expr("unit", unit=unit, offset=-n)

    def _ordinal_day(self, m: re.Match[str], text: str) -> Parsed:
        word = m.group("d")
        if not word[0].isdigit() and not self._ord_follow.match(text, m.end("t")):
            return None  # "on the second attempt"
        day = self._day_of(word)
        return Expr("cal", day=day) if 1 <= day <= 31 else None

    def _day_range(self, m: re.Match[str], text: str) -> Parsed:
        conn, pre = m.group("conn").lower(), (m.group("pre") or "").lower()
        if conn == "and" and pre != "between":
            return None
        year = self._year_from(m)
        month = self._month_of(m.group("mon"))
        d1, d2 = self._day_of(m.group("d1")), self._day_of(m.group("d"))
        if d1 >= d2 or not _valid(year, month, d2):
            return None
        return Expr("cal", year=year, month=month, day=d1), Expr(
            "cal", year=year, month=month, day=d2
        )

    def _clock(self, m: re.Match[str], text: str) -> Parsed:
        groups = m.groupdict()
        if groups.get("cw"):
            return Expr("clock", clock=self.lex.clock_words[_norm(groups["cw"])])
        tz = (groups.get("tz") or "").lower()
        ampm = groups.get("ap")
        if not ampm and not groups.get("pre") and (not tz or tz in ("hours", "hrs")):
            return None  # a bare "10:30" or "1500 hours" is not clearly a clock time
        clock = _clock(int(groups["h"]), int(groups.get("mi") or 0), ampm)
        return Expr("clock", clock=clock) if clock else None


def select(atoms: list[Atom]) -> list[Atom]:
    """Longest non-overlapping atoms (earliest first on ties), returned in text order."""
    chosen_starts: list[int] = []
    chosen: list[Atom] = []
    for atom in sorted(atoms, key=lambda a: (a.start - a.end, a.start)):
        i = bisect_right(chosen_starts, atom.start)
        if i and chosen[i - 1].end > atom.start:
            continue
        if i < len(chosen) and chosen[i].start < atom.end:
            continue
        chosen_starts.insert(i, atom.start)
        chosen.insert(i, atom)
    return chosen


@cache
def default_grammar() -> TimeGrammar:
    """The grammar over the packaged lexicon, for the plain functions of this module."""
    return TimeGrammar(load_lexicon())


# --------------------------------------------------------------------------- resolution


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
    ny, nm = _shift_month(year, month, 1)
    return Resolved(
        f"{year:04d}-{month:02d}",
        "month",
        date(year, month, 1),
        date(ny, nm, 1) - timedelta(days=1),
    )


def _year_period(year: int) -> Resolved:
    return Resolved(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31))


def _fits(d: date, anchor: date, mode: str) -> bool:
    if mode == "last":
        return d < anchor
    if mode == "next":
        return d > anchor
    return mode == "this" or d <= anchor


def _resolve_cal(e: Expr, anchor: date) -> Resolved:
    if e.month is not None and e.day is not None:
        years = (
            range(anchor.year, anchor.year + 9)
            if e.mode == "next"
            else range(anchor.year, anchor.year - 9, -1)
        )
        for year in years:
            d = _safe_date(year, e.month, e.day)
            if d and _fits(d, anchor, e.mode):
                return _day(d)
        return Resolved(None, "day")
    if e.month is not None:
        year = anchor.year
        if e.mode == "past":
            year -= e.month > anchor.month
        elif e.mode == "last":
            year -= e.month >= anchor.month
        elif e.mode == "next":
            year += e.month <= anchor.month
        return _month_period(year, e.month)
    if e.day is not None:
        year, month = anchor.year, anchor.month
        for _ in range(13):
            d = _safe_date(year, month, e.day)
            if d and d <= anchor:
                return _day(d)
            year, month = _shift_month(year, month, -1)
    return Resolved(None, None)


def _resolve_weekday(e: Expr, anchor: date) -> Resolved:
    wd = e.weekday or 0
    if e.mode == "this":
        return _day(_monday(anchor) + timedelta(days=wd))
    if e.mode == "next":
        return _day(anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7))
    back = (anchor.weekday() - wd) % 7
    if e.mode == "last" and back == 0:
        back = 7
    return _day(anchor - timedelta(days=back))


def _resolve_unit(e: Expr, anchor: date) -> Resolved:
    if e.unit == "week":
        monday = _monday(anchor) + timedelta(weeks=e.offset)
        return Resolved(monday.isoformat(), "week", monday, monday + timedelta(days=6))
    if e.unit == "month":
        return _month_period(*_shift_month(anchor.year, anchor.month, e.offset))
    return _year_period(anchor.year + e.offset)


def _resolve_weekend(e: Expr, anchor: date) -> Resolved:
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
    "days": lambda e, anchor: _day(anchor + timedelta(days=e.offset)),
    "unit": _resolve_unit,
    "weekend": _resolve_weekend,
}

_UNANCHORED_PRECISION = {"weekday": "day", "days": "day", "weekend": "day"}


def resolve(expr: Expr, anchor: date | None) -> Resolved:
    """Anchor one expression; relative ones stay unresolved (value None) without an anchor."""
    if expr.kind == "decade":
        return Resolved(None, None)
    if expr.kind == "clock":
        return Resolved(None, "hour")
    if expr.kind == "cal" and expr.year is not None:
        if expr.month is None:
            result = _year_period(expr.year)
        elif expr.day is None:
            result = _month_period(expr.year, expr.month)
        else:
            result = _day(date(expr.year, expr.month, expr.day))
    elif anchor is None:
        if expr.kind == "cal":
            precision = "day" if expr.day is not None else "month" if expr.month else None
        else:
            precision = _UNANCHORED_PRECISION.get(expr.kind, expr.unit)
        result = Resolved(None, precision)
    else:
        result = _RESOLVERS[expr.kind](expr, anchor)
    if expr.clock and result.precision == "day":
        result = replace(result, precision="hour")
    return result


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


def resolve_expression(
    text: str, published: date | datetime | str | None
) -> tuple[str | None, str | None]:
    """(value, precision) of the longest time expression in ``text``; (None, None) if none.

    ``published`` anchors relative expressions; for a range the value is its start.
    """
    atoms = default_grammar().mentions(text, lenient=True)
    if not atoms:
        return None, None
    best = max(atoms, key=lambda a: a.end - a.start)
    result = resolve_atom(best, parse_published(published))
    return result.value, result.precision


# --------------------------------------------------------------------------- documents


def _plausible(doc: Doc, text: str, atom: Atom, name_labels: frozenset[str]) -> bool:
    """Drop matches inside a name ("Theresa May") and trailing numbers that count a noun."""
    if not (doc.has_annotation("ENT_IOB") or doc.has_annotation("DEP")):
        return True
    span = doc.char_span(atom.start, atom.end, alignment_mode="expand")
    if span is None:
        return True
    if atom.expr.kind != "clock" and any(tok.ent_type_ in name_labels for tok in span):
        return False
    if atom.count_at is not None and doc.has_annotation("DEP"):
        number = doc.char_span(atom.count_at, atom.end, alignment_mode="expand")
        if number is not None and len(number):
            tok = number[0]
            if tok.dep_ == "nummod" and tok.head.i > tok.i and tok.head.tag_ in _PLURALS:
                return False
            # "In March 15 people died": a day is "on March 15", a count follows "in".
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if (
                atom.expr.kind == "cal"
                and atom.expr.year is None
                and atom.expr.day is not None
                and nxt is not None
                and nxt.tag_ in _PLURALS
                and _prev_word(text, atom.start) == "in"
            ):
                return False
    return True


def _overlaps(starts: list[int], atoms: list[Atom], start: int, end: int) -> bool:
    i = bisect_right(starts, start)
    if i and atoms[i - 1].end > start:
        return True
    return i < len(atoms) and atoms[i].start < end


def find_atoms(doc: Doc, grammar: TimeGrammar, use_entities: bool = True) -> list[Atom]:
    """The document's time expressions as atoms, in text order, ranges and clocks merged."""
    text = source_text(doc)
    labels = grammar.lex.name_labels
    chosen = select([a for a in grammar.candidates(text) if _plausible(doc, text, a, labels)])
    if use_entities and doc.ents:
        starts = [a.start for a in chosen]
        extra: list[Atom] = []
        for ent in doc.ents:
            if ent.label_ not in DATE_LABELS or _overlaps(
                starts, chosen, ent.start_char, ent.end_char
            ):
                continue
            found = grammar.candidates(
                text, ent.start_char, min(len(text), ent.end_char + 40), True
            )
            inside = [a for a in found if a.start >= ent.start_char and a.end <= ent.end_char]
            extra.extend(select([a for a in inside if _plausible(doc, text, a, labels)]))
        if extra:
            chosen = sorted(chosen + extra, key=lambda a: a.start)
    return grammar.combine(text, chosen)


def time_record(doc: Doc, atom: Atom, anchor: date | None) -> Time:
    """The contract Time dict (plus ``acled_time_precision``, ``end``, ``clock``) of an atom."""
    result = resolve_atom(atom, anchor)
    record: Time = {
        "span": char_span(doc, atom.start, atom.end),
        "value": result.value,
        "precision": result.precision,
        "acled_time_precision": acled_precision(result),
    }
    if atom.end_expr is not None or result.end is not None:
        record["end"] = result.end
    if atom.expr.clock:
        record["clock"] = atom.expr.clock
    return record


def find_times(
    doc: Doc, grammar: TimeGrammar | None = None, use_entities: bool = True
) -> list[Time]:
    """Contract Time dicts for every time expression of ``doc``, resolved against its date."""
    grammar = grammar or default_grammar()
    anchor = parse_published(doc._.ww_published)
    return [time_record(doc, atom, anchor) for atom in find_atoms(doc, grammar, use_entities)]
