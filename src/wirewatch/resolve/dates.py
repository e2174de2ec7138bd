"""Time expressions of a document: found, checked against its parse, and anchored.

The grammar (:mod:`date_rules`, :mod:`date_grammar`) reads text and the anchor
(:mod:`date_anchor`) does calendar arithmetic; this module is where a parsed spaCy Doc meets
them. The parse vetoes matches the grammar cannot judge ("Theresa May", "In March 15 people
died") and spaCy's DATE/TIME entities add recall: inside one, a bare year or month is trusted.

Each contract Time dict carries wirewatch extensions:

- ``end``: for ranges ("between 12 and 14 March", "from Monday to Wednesday", "over the
  weekend"), the resolved end; ``value`` is the start.
- ``acled_time_precision``: ACLED's time-precision code for the resolved value: 1 = the day
  is known, 2 = known to within a week or a range of a few days, 3 = only the month or a
  longer period is known; null when the value is null.
- ``clock``: a time of day attached to the date ("Monday at 3 p.m."), as "HH:MM"; the
  precision is then ``hour`` and the value stays the date.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime
from typing import Any

from spacy.tokens import Doc, Span

from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.spans import char_span, source_text
from wirewatch.resolve.date_anchor import (
    Resolved,
    acled_precision,
    parse_published,
    resolve,
    resolve_atom,
)
from wirewatch.resolve.date_expr import Atom, Expr
from wirewatch.resolve.date_grammar import (
    TimeGrammar,
    candidates,
    combine,
    compile_grammar,
    default_grammar,
    mentions,
    select,
)
from wirewatch.resolve.date_lexicon import Lexicon, load_lexicon
from wirewatch.resolve.date_readers import prev_word

__all__ = [
    "DATE_LABELS",
    "Atom",
    "Expr",
    "Lexicon",
    "Resolved",
    "Time",
    "TimeGrammar",
    "acled_precision",
    "compile_grammar",
    "default_grammar",
    "find_atoms",
    "find_times",
    "load_lexicon",
    "parse_published",
    "resolve",
    "resolve_atom",
    "resolve_expression",
    "select",
    "time_record",
]

register_extensions()

Time = dict[str, Any]

_PLURALS = frozenset({"NNS", "NNPS"})

#: Entity labels from spaCy's NER that the grammar is also run over.
DATE_LABELS = frozenset({"DATE", "TIME"})
#: How far past an entity's end the grammar may look (its lookaheads read beyond a match).
_ENTITY_LOOKAHEAD = 40


def resolve_expression(
    text: str, published: date | datetime | str | None
) -> tuple[str | None, str | None]:
    """(value, precision) of the longest time expression in ``text``; (None, None) if none.

    For a text without a Doc (a field of a dataset, a query): ``published`` anchors relative
    expressions, and for a range the value is its start.
    """
    atoms = mentions(default_grammar(), text, lenient=True)
    if not atoms:
        return None, None
    best = max(atoms, key=lambda a: a.end - a.start)
    result = resolve_atom(best, parse_published(published))
    return result.value, result.precision


# ------------------------------------------------------------------ plausibility


def _inside_name(span: Span, atom: Atom, name_labels: frozenset[str]) -> bool:
    """A date word inside a name ("Theresa May", "Sunday Times") is no date; a clock may be."""
    return atom.expr.kind != "clock" and any(tok.ent_type_ in name_labels for tok in span)


def _counts_a_noun(doc: Doc, text: str, atom: Atom) -> bool:
    """Whether the atom's trailing number counts a plural noun ("In March 15 people died")."""
    assert atom.count_at is not None
    number = doc.char_span(atom.count_at, atom.end, alignment_mode="expand")
    if number is None or not len(number):
        return False
    tok = number[0]
    if tok.dep_ == "nummod" and tok.head.i > tok.i and tok.head.tag_ in _PLURALS:
        return True
    # A day is "on March 15"; a count follows "in".
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return (
        atom.expr.kind == "cal"
        and atom.expr.year is None
        and atom.expr.day is not None
        and nxt is not None
        and nxt.tag_ in _PLURALS
        and prev_word(text, atom.start) == "in"
    )


def _plausible(doc: Doc, text: str, atom: Atom, name_labels: frozenset[str]) -> bool:
    """Drop matches inside a name and trailing numbers that count a noun (given a parse)."""
    if not (doc.has_annotation("ENT_IOB") or doc.has_annotation("DEP")):
        return True
    span = doc.char_span(atom.start, atom.end, alignment_mode="expand")
    if span is None:
        return True
    if _inside_name(span, atom, name_labels):
        return False
    if atom.count_at is not None and doc.has_annotation("DEP"):
        return not _counts_a_noun(doc, text, atom)
    return True


# ------------------------------------------------------------------ atoms of a document


def _overlaps(starts: list[int], atoms: list[Atom], start: int, end: int) -> bool:
    i = bisect_right(starts, start)
    if i and atoms[i - 1].end > start:
        return True
    return i < len(atoms) and atoms[i].start < end


def _entity_atoms(doc: Doc, text: str, grammar: TimeGrammar, chosen: list[Atom]) -> list[Atom]:
    """Atoms inside DATE/TIME entities the grammar alone missed, read leniently."""
    labels = grammar.lex.name_labels
    starts = [a.start for a in chosen]
    extra: list[Atom] = []
    for ent in doc.ents:
        if ent.label_ not in DATE_LABELS or _overlaps(starts, chosen, ent.start_char, ent.end_char):
            continue
        stop = min(len(text), ent.end_char + _ENTITY_LOOKAHEAD)
        found = candidates(grammar, text, ent.start_char, stop, True)
        inside = [a for a in found if a.start >= ent.start_char and a.end <= ent.end_char]
        extra.extend(select([a for a in inside if _plausible(doc, text, a, labels)]))
    return extra


def find_atoms(doc: Doc, grammar: TimeGrammar, use_entities: bool = True) -> list[Atom]:
    """The document's time expressions as atoms, in text order, ranges and clocks merged."""
    text = source_text(doc)
    labels = grammar.lex.name_labels
    found = candidates(grammar, text)
    chosen = select([a for a in found if _plausible(doc, text, a, labels)])
    if use_entities and doc.ents:
        extra = _entity_atoms(doc, text, grammar, chosen)
        if extra:
            chosen = sorted(chosen + extra, key=lambda a: a.start)
    return combine(grammar, text, chosen)


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
