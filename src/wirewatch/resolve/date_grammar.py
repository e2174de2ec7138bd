"""Finding time expressions in text: the rule table compiled, matched, and its matches joined.

The rules of :mod:`date_rules` are compiled once per lexicon into a :class:`TimeGrammar`.
Matching runs only near trigger words (long reports have few dates), every match is read by
its rule's reader, the longest non-overlapping ones are kept, and neighbours are joined:
a clock time to its day ("Monday at 3 p.m."), two dates into a range ("from A to B").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from wirewatch.resolve.date_expr import Atom, Expr
from wirewatch.resolve.date_lexicon import Lexicon, load_lexicon
from wirewatch.resolve.date_readers import AND, BETWEEN
from wirewatch.resolve.date_rules import (
    DIGIT,
    RULES,
    Rule,
    compile_template,
    fragments,
    trigger_kinds,
)

#: Longest stretch of a match before its first or after its last trigger word, and how far
#: past a match its lookahead assertions may read.
_MARGIN = 40
_LOOKAHEAD = 40
_DIGIT_KINDS = frozenset({DIGIT})
_WORD = re.compile(r"\d+|[^\W\d_]+")
#: Groups whose number, when it ends a match, could be a count instead ("March 15 people").
_COUNT_GROUPS = ("y2", "y", "d")

_Join = Callable[[Atom, Atom], Atom | None]


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its template compiled against one lexicon."""

    rule: Rule
    pattern: re.Pattern[str]


@dataclass(frozen=True, eq=False)
class TimeGrammar:
    """The rule table compiled against a lexicon, with the patterns that join matches."""

    lex: Lexicon
    rules: tuple[CompiledRule, ...]
    triggers: dict[str, frozenset[str]]
    all_kinds: frozenset[str]
    date_clock_gap: re.Pattern[str]
    clock_date_gap: re.Pattern[str]
    range_gap: re.Pattern[str]
    range_opener: re.Pattern[str]


def compile_grammar(lex: Lexicon) -> TimeGrammar:
    """Compile every rule and joining pattern once; matching then only reads the result."""
    frags = fragments(lex)
    rules = tuple(CompiledRule(rule, compile_template(rule.pattern, frags)) for rule in RULES)
    return TimeGrammar(
        lex=lex,
        rules=rules,
        triggers=trigger_kinds(lex),
        all_kinds=frozenset().union(*(rule.triggers for rule in RULES)),
        date_clock_gap=compile_template(r"\s*,?\s*(?:<CLOCKPRE>\s+)?", frags),
        clock_date_gap=compile_template(r"\s*,?\s*(?:on\s+)?", frags),
        range_gap=compile_template(r"\s*<CONN>\s*", frags),
        range_opener=compile_template(r"(?<!\w)(<RANGEOPEN>)\s+$", frags),
    )


@cache
def default_grammar() -> TimeGrammar:
    """The grammar over the packaged lexicon, compiled once per process."""
    return compile_grammar(load_lexicon())


# ------------------------------------------------------------------ matching


def windows(
    grammar: TimeGrammar, text: str, pos: int, end: int
) -> list[tuple[int, int, frozenset[str]]]:
    """Stretches of ``text[pos:end]`` around trigger words, where any match must lie.

    Every pattern contains a trigger (a digit, month, weekday, unit, ...) and reaches at
    most ``_MARGIN`` characters beyond it, so scanning these windows, with only the
    patterns their triggers can anchor, finds the same matches as scanning everything.
    """
    spans: list[tuple[int, int, frozenset[str]]] = []
    for m in _WORD.finditer(text, pos, end):
        word = m.group()
        kinds = _DIGIT_KINDS if word[0].isdigit() else grammar.triggers.get(word.lower())
        if kinds is None:
            continue
        start, stop = max(pos, m.start() - _MARGIN), min(end, m.end() + _MARGIN)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], stop, spans[-1][2] | kinds)
        else:
            spans.append((start, stop, kinds))
    return spans


def _count_at(m: re.Match[str], stop: int) -> int | None:
    """Where a bare trailing year or day starts, when the match ends with one."""
    for group in _COUNT_GROUPS:
        if group in m.re.groupindex and m.group(group) and m.end(group) == stop:
            return m.start(group)
    return None


def _atom(m: re.Match[str], parsed: Expr | tuple[Expr, Expr]) -> Atom:
    """The atom of a match its reader accepted (a pair is a range)."""
    start, stop = m.span("t")
    expr, end_expr = parsed if isinstance(parsed, tuple) else (parsed, None)
    return Atom(start, stop, expr, end_expr, _count_at(m, stop))


def _window_atoms(
    grammar: TimeGrammar,
    text: str,
    window: tuple[int, int, frozenset[str]],
    end: int,
    lenient: bool,
) -> list[Atom]:
    """Every accepted match of the rules a window's triggers can anchor, in table order."""
    start_w, end_w, kinds = window
    scan_end = min(end, end_w + _LOOKAHEAD)
    atoms: list[Atom] = []
    for compiled in grammar.rules:
        rule = compiled.rule
        if (rule.entity_only and not lenient) or rule.triggers.isdisjoint(kinds):
            continue
        for m in compiled.pattern.finditer(text, start_w, scan_end):
            if m.end("t") > end_w:
                continue
            parsed = rule.read(m, text, grammar.lex)
            if parsed is not None:
                atoms.append(_atom(m, parsed))
    return atoms


def candidates(
    grammar: TimeGrammar,
    text: str,
    pos: int = 0,
    endpos: int | None = None,
    lenient: bool = False,
    windowed: bool = True,
) -> list[Atom]:
    """Every accepted match in ``text[pos:endpos]``, overlapping; see :func:`mentions`.

    ``lenient`` adds the entity-only rules. ``windowed=False`` scans the whole range with
    every rule: the slow reference the trigger windows must agree with.
    """
    end = len(text) if endpos is None else endpos
    spans = windows(grammar, text, pos, end) if windowed else [(pos, end, grammar.all_kinds)]
    return [atom for span in spans for atom in _window_atoms(grammar, text, span, end, lenient)]


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


def mentions(grammar: TimeGrammar, text: str, lenient: bool = False) -> list[Atom]:
    """Non-overlapping time expressions of ``text`` in order, ranges and clocks merged."""
    return combine(grammar, text, select(candidates(grammar, text, lenient=lenient)))


# ------------------------------------------------------------------ joining neighbours


def combine(grammar: TimeGrammar, text: str, atoms: list[Atom]) -> list[Atom]:
    """Attach clock times to their day, then join "from A to B" into ranges."""
    with_clocks = _join_pairs(atoms, lambda a, b: _join_clock(grammar, text, a, b))
    return _join_pairs(with_clocks, lambda a, b: _join_range(grammar, text, a, b))


def _join_pairs(atoms: list[Atom], join: _Join) -> list[Atom]:
    """One left-to-right pass joining each atom to the (possibly joined) one before it."""
    merged: list[Atom] = []
    for atom in atoms:
        joined = join(merged[-1], atom) if merged else None
        if joined:
            merged[-1] = joined
        else:
            merged.append(atom)
    return merged


def _join_clock(grammar: TimeGrammar, text: str, a: Atom, b: Atom) -> Atom | None:
    """A day and a clock time next to it ("Monday at 3 p.m."): the day, with the clock."""
    if a.end_expr or b.end_expr:
        return None
    gap = text[a.end : b.start]
    if a.expr.single_day and b.expr.kind == "clock" and not a.expr.clock:
        if grammar.date_clock_gap.fullmatch(gap):
            return Atom(a.start, b.end, replace(a.expr, clock=b.expr.clock))
    if a.expr.kind == "clock" and b.expr.single_day and not b.expr.clock:
        if grammar.clock_date_gap.fullmatch(gap):
            return Atom(a.start, b.end, replace(b.expr, clock=a.expr.clock), None, b.count_at)
    return None


def _joins_as_range(expr: Expr) -> bool:
    return expr.kind not in ("clock", "decade", "weekend")


def _join_range(grammar: TimeGrammar, text: str, a: Atom, b: Atom) -> Atom | None:
    """Two dates joined ("from Monday to Wednesday"): one atom with a start and an end."""
    if a.end_expr or b.end_expr or not (_joins_as_range(a.expr) and _joins_as_range(b.expr)):
        return None
    gap = grammar.range_gap.fullmatch(text, a.end, b.start)
    if gap is None:
        return None
    pre = grammar.range_opener.search(text, max(0, a.start - 12), a.start)
    if gap.group("conn").lower() == AND and not (pre and pre.group(1).lower() == BETWEEN):
        return None
    start = pre.start() if pre else a.start
    return Atom(start, b.end, a.expr, b.expr, b.count_at)
