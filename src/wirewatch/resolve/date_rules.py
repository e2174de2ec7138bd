"""The date grammar as a table: what each kind of time expression looks like.

Each :class:`Rule` says, on its own, what it matches (a regex template over named fragments
of the lexicon), which reader of :mod:`date_readers` interprets a match, and which trigger
words it always contains, so the matcher only tries it near one. The table's order is part of
the grammar: on ties between overlapping matches the earlier rule's match wins.

In a template ``<NAME>`` stands for a fragment of :func:`fragments`; group ``t`` is the span of
the expression (a preposition before it may be matched but stays outside the span).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from wirewatch.resolve import date_readers as read
from wirewatch.resolve.date_expr import Parsed
from wirewatch.resolve.date_lexicon import Lexicon

#: A rule's reader: the match, the whole text (for context) and the lexicon.
Reader = Callable[[re.Match[str], str, Lexicon], Parsed]

# Kinds of trigger word (see :func:`trigger_kinds`); a digit anywhere triggers DIGIT.
DIGIT, MONTH, WEEKDAY, CLOCK = "digit", "month", "weekday", "clock"
UNIT, WEEKEND, ORDINAL, RELDAY = "unit", "weekend", "ordinal", "relday"

_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_DAY_SUFFIXED = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\d)"
_PLACEHOLDER = re.compile(r"<([A-Z]+)>")


@dataclass(frozen=True)
class Rule:
    """One pattern of the grammar.

    ``examples`` are texts it must read (tests check them); ``entity_only`` rules are tried
    only inside a spaCy DATE/TIME entity, where a bare year or month name is trusted.
    """

    name: str
    examples: tuple[str, ...]
    pattern: str
    read: Reader
    triggers: frozenset[str]
    entity_only: bool = False


def _rule(
    name: str,
    examples: tuple[str, ...],
    pattern: str,
    reader: Reader,
    *triggers: str,
    entity_only: bool = False,
) -> Rule:
    return Rule(name, examples, pattern, reader, frozenset(triggers), entity_only)


RULES: tuple[Rule, ...] = (
    _rule(
        "iso",
        ("2016-02-15", "2016-02-15T10:30Z"),
        r"(?<![\w/-])(?P<t>(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
        r"(?:T(?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?)"
        r"(?![\w/-])",
        read.read_iso,
        DIGIT,
    ),
    _rule(
        "day_month",
        ("15 February 2016", "the 15th of March", "15 MAR 90"),
        r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<wd><WEEKDAY>),?\s+(?:the\s+)?)?(?:the\s+)?"
        r"(?P<d><DAYORD>)(?!\d)\s+(?:of\s+)?(?P<mon><MONTHX>)(?!\w)"
        r"(?:,?\s+(?P<y><YEAR>)|\s+'?(?P<yy>\d\d)(?=\s*[(\[,;:\n]|\s*$))?)",
        read.read_day_month,
        MONTH,
    ),
    _rule(
        "month_day",
        ("February 15, 2016", "Monday, Feb. 15"),
        r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<wd><WEEKDAY>),?\s+)?(?P<mon><MONTHX>)(?!\w)\s*"
        r"(?P<d><DAY>)(?![\d:]|[.,]\d)(?!\w)<OPTYEAR>)",
        read.read_day_month,
        MONTH,
    ),
    _rule(
        "month_year",
        ("June 2015", "March of 2004"),
        r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<mod><MOD>)\s+)?(?P<mon><MONTHX>)(?!\w),?\s+"
        r"(?:of\s+)?(?P<y><YEAR>))",
        read.read_month_year,
        MONTH,
    ),
    _rule(
        "season_year",  # the year only
        ("summer 2015", "the late autumn of 2014"),
        r"(?<!\w)(?P<t>(?:the\s+)?(?:<EDGE>)?(?P<season><SEASON>)\s+(?:of\s+)?(?P<y><YEAR>))",
        read.read_year,
        DIGIT,
    ),
    _rule(
        "month_after_preposition",
        ("in December", "since early March", "until last May"),
        r"(?<!\w)(?P<pre><PREP>)\s+(?P<t>(?:<LEAD>)?(?:(?P<mod><MOD>)\s+)?(?P<mon><MONTH>))"
        r"(?!\w)",
        read.read_month,
        MONTH,
    ),
    _rule(
        "month_after_modifier",
        ("last May", "next December"),
        r"(?<!\w)(?P<t>(?:<LEAD>)?(?P<mod><MOD>)\s+(?P<mon><MONTH>))(?!\w)",
        read.read_month,
        MONTH,
    ),
    _rule(
        "month_after_lead",
        ("mid-March", "the end of December"),
        r"(?<!\w)(?P<t><LEAD>(?P<mon><MONTH>))(?!\w)",
        read.read_month,
        MONTH,
    ),
    _rule(
        "second_month_of_list",
        ("November and December", "January-February"),
        r"(?<!\w)<MONTH>(?=(?:\s*,\s*|\s+(?:<LISTCONN>)\s+|\s*[-–]\s*)"
        r"(?P<t>(?P<mon><MONTH>))(?!\w))",
        read.read_month,
        MONTH,
    ),
    _rule(
        "year_after_preposition",
        ("in 2015", "since the end of 2014"),
        r"(?<!\w)(?P<pre><PREP>)\s+(?P<t>(?:<LEAD>)?(?P<y><YEAR>))(?![\w%]|[.,]\d|\s*[-–]\s*\d)",
        read.read_year,
        DIGIT,
    ),
    _rule(
        "year_after_lead",
        ("late 2013", "the end of 2015"),
        r"(?<!\w)(?P<t><LEAD>(?P<y><YEAR>))(?![\w%]|[.,]\d)",
        read.read_year,
        DIGIT,
    ),
    _rule(
        "year_range",
        ("2014-16", "between 2014 and 2016", "from 2010 to 2012"),
        r"(?<!\w)(?P<t>(?:(?P<pre><RANGEOPEN>)\s+)?(?P<y><YEAR>)\s*<CONN>\s*"
        r"(?P<y2><YEAR>|\d\d(?!\d)))(?![\w%]|[.,]\d)",
        read.read_year_range,
        DIGIT,
    ),
    _rule(
        "decade",  # never given a value
        ("the 1990s", "the late '80s"),
        r"(?<![\w'])(?P<t>(?:the\s+)?(?:(?:<DECADEEDGE>)(?:-|\s+))?"
        r"(?:(?P<dec>1[89]\d0|20\d0)|'(?P<dec2>\d0))'?s)(?!\w)",
        read.read_decade,
        DIGIT,
    ),
    _rule(
        "weekday",
        ("Monday evening", "last Friday", "the early hours of Sunday"),
        r"(?<!\w)(?P<t>(?:<LEAD>)?(?:(?P<mod><MOD>)\s+)?(?P<wd><WEEKDAY>)"
        r"(?:\s+(?P<pod><POD>))?)(?!\w)(?!\s+<BLOCKAFTER>(?!\w))",
        read.read_weekday,
        WEEKDAY,
    ),
    _rule(
        "relative_day",
        ("yesterday morning", "last night", "earlier today"),
        r"(?<!\w)(?P<t>(?:<EDGE>)?(?P<rel><RELDAY>)(?:\s+(?P<pod><POD>))?)(?!\w)",
        read.read_relative_day,
        RELDAY,
    ),
    _rule(
        "calendar_unit",
        ("last week", "earlier this year", "next month"),
        r"(?<!\w)(?P<t>(?:<EDGE>)?(?P<mod><MOD>)\s+(?P<unit><UNIT>))(?!\w)",
        read.read_unit,
        UNIT,
    ),
    _rule(
        "weekend",
        ("over the weekend", "last weekend", "the past weekend"),
        r"(?<!\w)(?:(?P<pre><WEEKENDPREP>)\s+)?(?P<t>(?:the\s+)?"
        r"(?:(?P<mod><MOD>|<WEEKENDMOD>)\s+)?weekend)(?!\w)",
        read.read_weekend,
        WEEKEND,
    ),
    _rule(
        "counted_back",
        ("two days ago", "about three weeks ago", "a year ago"),
        r"(?<!\w)(?P<t>(?:<APPROX>\s+)?(?P<n><NUMBER>)\s+(?P<unit><UNIT>)s?\s+ago)(?!\w)",
        read.read_ago,
        UNIT,
    ),
    _rule(
        "day_of_month_alone",
        ("on the 15th", "on the second, ..."),
        r"(?<!\w)on\s+(?P<t>the\s+(?P<d><ORDINAL>))(?!\w)(?!\s+of\s+(?!<MONTHX>))"
        r"(?!\s+<ORDBLOCK>s?(?!\w))",
        read.read_ordinal_day,
        DIGIT,
        ORDINAL,
    ),
    _rule(
        "day_range",
        ("between 12 and 14 March", "12-14 March 2016", "from the 3rd to the 5th of May"),
        r"(?<!\w)(?P<t>(?:(?P<pre><RANGEOPEN>)\s+)?(?:the\s+)?(?P<d1><DAYORD>)(?!\d)\s*"
        r"<CONN>\s*(?:the\s+)?(?P<d><DAYORD>)(?!\d)\s+(?:of\s+)?"
        r"(?P<mon><MONTHX>)(?!\w)<OPTYEAR>)",
        read.read_day_range,
        MONTH,
    ),
    _rule(
        "month_day_range",
        ("March 12-14", "from Feb. 3 to 5, 2014"),
        r"(?<!\w)(?P<t>(?:(?P<pre><RANGEOPEN>)\s+)?(?P<mon><MONTHX>)(?!\w)\s*(?P<d1><DAY>)"
        r"(?![\d:])\s*<CONN>\s*(?P<d><DAY>)(?![\d:]|[.,]\d)(?!\w)<OPTYEAR>)",
        read.read_day_range,
        MONTH,
    ),
    _rule(
        "clock_am_pm",
        ("3 p.m.", "10.30am GMT"),
        r"(?<!\w)(?:(?P<pre><CLOCKPRE>)\s+)?(?P<t>(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?"
        r"\s*(?P<ap>[ap]\.\s?m\.?|[ap]m)(?!\w)(?:\s+(?P<tz><TZ>)(?!\w))?)",
        read.read_clock,
        DIGIT,
    ),
    _rule(
        "clock_colon",
        ("at 10:30", "10:30 GMT"),
        r"(?<!\w)(?:(?P<pre><CLOCKPRE>)\s+)?(?P<t>(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)"
        r"(?![\d:])(?:\s*(?P<tz><TZ>)(?!\w))?)",
        read.read_clock,
        DIGIT,
    ),
    _rule(
        "clock_four_digits",
        ("0800 GMT", "at 1500 hours"),
        r"(?<!\w)(?:(?P<pre><CLOCKPRE>)\s+)?(?P<t>(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s*"
        r"(?P<tz><TZ>))(?!\w)",
        read.read_clock,
        DIGIT,
    ),
    _rule(
        "clock_word",
        ("at noon", "shortly after midnight"),
        r"(?<!\w)(?P<pre><CLOCKPRE>)\s+(?P<t>(?P<cw><CLOCKWORD>))(?!\w)",
        read.read_clock,
        CLOCK,
    ),
    _rule(
        "entity_year",
        ("2015",),
        r"(?<![\w$£€.,])(?P<t>(?P<y><YEAR>))(?![\w%]|[.,]\d)",
        read.read_year,
        DIGIT,
        entity_only=True,
    ),
    _rule(
        "entity_month",
        ("December",),
        r"(?<!\w)(?P<t>(?P<mon><MONTH>))(?!\w)",
        read.read_month,
        MONTH,
        entity_only=True,
    ),
)


# ------------------------------------------------------------------ fragments


def _alt(words: Iterable[str], suffix: str = "") -> str:
    """A non-capturing alternation, longest first, with spaces matching any whitespace."""
    items = sorted(set(words), key=len, reverse=True)
    parts = [r"\s+".join(re.escape(w) for w in item.split()) + suffix for item in items]
    return "(?:" + "|".join(parts) + ")"


def _in_order(words: Iterable[str]) -> str:
    """Words as alternatives in the data file's order (its "in order" lists are prefix-free)."""
    return "|".join(r"\s+".join(re.escape(w) for w in word.split()) for word in words)


def _month_names(lex: Lexicon) -> str:
    """Full month names and abbreviations (with an optional full stop), longest first."""
    names = [re.escape(m) for m in lex.full_months]
    names += [re.escape(a) + r"\.?" for a in lex.month_abbreviations]
    names.sort(key=len, reverse=True)
    return "(?:" + "|".join(names) + ")"


def _edge(lex: Lexicon) -> str:
    """Edge modifiers before their word: "early ", "mid-" or "mid "."""
    parts = [re.escape(w) + (r"(?:-|\s+)" if w == "mid" else r"\s+") for w in lex.edge_modifiers]
    return "(?:" + "|".join(parts) + ")"


def fragments(lex: Lexicon) -> dict[str, str]:
    """The named regex pieces that rule templates are written in."""
    edge = _edge(lex)
    return {
        "MONTHX": _month_names(lex),  # abbreviations too: only next to a day or year
        "MONTH": _alt(lex.full_months),
        "WEEKDAY": _alt(lex.weekdays),
        "POD": _alt(lex.parts_of_day),
        "DAYORD": f"(?:{_alt(lex.ordinals)}|{_DAY})",
        "ORDINAL": f"(?:{_alt(lex.ordinals)}|{_DAY_SUFFIXED})",
        "DAY": _DAY,
        "YEAR": _YEAR,
        "OPTYEAR": r"(?:,?\s+(?P<y>" + _YEAR + "))?",
        "SEASON": _alt(lex.seasons),
        "MOD": _alt(lex.modifiers),
        "PREP": _alt(lex.prepositions),
        "EDGE": edge,
        "LEAD": f"(?:{_alt(lex.period_leads)}\\s+|{edge})",
        "DECADEEDGE": _in_order(lex.decade_edges),
        "RELDAY": _alt(lex.relative_days),
        "UNIT": _alt(lex.units),
        "NUMBER": f"(?:\\d{{1,3}}|{_alt(lex.numbers)})",
        "APPROX": _alt(lex.approximators),
        "RANGEOPEN": _in_order(lex.range_openers),
        "CONN": f"(?P<conn>-|–|—|{_in_order(lex.range_connectives)})",
        "LISTCONN": _in_order(lex.month_list_connectives),
        "WEEKENDPREP": _in_order(lex.weekend_prepositions),
        "WEEKENDMOD": _in_order(lex.weekend_modifiers),
        "CLOCKPRE": _alt(lex.clock_prepositions),
        "CLOCKWORD": _alt(lex.clock_words),
        "TZ": _alt(lex.time_zones),
        "BLOCKAFTER": _alt(lex.blockers_after),
        "ORDBLOCK": _alt(lex.ordinal_blockers),
    }


def compile_template(template: str, frags: Mapping[str, str]) -> re.Pattern[str]:
    """A case-insensitive pattern from a template; an unknown ``<NAME>`` is a KeyError."""
    return re.compile(_PLACEHOLDER.sub(lambda m: frags[m.group(1)], template), re.IGNORECASE)


def trigger_kinds(lex: Lexicon) -> dict[str, frozenset[str]]:
    """Trigger word (lower case) -> the kinds of rule it can anchor; digits are DIGIT."""
    kinds: dict[str, set[str]] = {}
    for kind, words in (
        (MONTH, lex.months),
        (WEEKDAY, lex.weekdays),
        (CLOCK, lex.clock_words),
        (UNIT, [*lex.units, *(u + "s" for u in lex.units)]),
        (WEEKEND, ["weekend"]),
        (ORDINAL, [part for word in lex.ordinals for part in word.split("-")]),
        (RELDAY, [phrase.split()[-1] for phrase in lex.relative_days]),
    ):
        for word in words:
            kinds.setdefault(word, set()).add(kind)
    return {word: frozenset(found) for word, found in kinds.items()}
