"""CSV that a spreadsheet opens as data: text cells that would start a formula are defused.

Outlet names, place names, actor names and evidence sentences come from articles, which are
hostile: a cell ``=HYPERLINK(...)`` or ``@SUM(1+1)*cmd|...`` in ``wirewatch export --format
acled-csv`` or ``wirewatch incidents --csv`` would run when an analyst opens the file.
OWASP's CSV-injection advice is followed: a text cell whose first character is ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading single quote, so the spreadsheet shows
the text instead of evaluating it. Two extensions of that list, both because spreadsheets
skip or convert them before deciding that a cell is a formula: leading whitespace (`` =1+1``)
and the full-width forms ``＝ ＋ － ＠``.

Only text is touched. Numbers (latitude -33.9, a count) are ints and floats when they reach
the writer and are written as they are, so numeric columns stay numeric.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from wirewatch.contract.limits import MAX_CELL_CHARS, limit_cell

#: OWASP's formula-starting characters, plus their full-width forms.
FORMULA_STARTS = frozenset("=+-@\t\r" + "＝＋－＠")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (after leading whitespace)."""
    if not text:
        return False
    if text[0] in FORMULA_STARTS:
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text that would start a formula, and never
    over a spreadsheet's 32,767 characters (``contract.limits.limit_cell``); anything that
    is not text (numbers, booleans, None) unchanged."""
    if isinstance(value, str):
        value = limit_cell(value)
        if is_formula(value):
            return "'" + value[:MAX_CELL_CHARS - 1]
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every cell of ``row`` through ``safe_cell``."""
    return {key: safe_cell(value) for key, value in row.items()}


def write_rows(
    out: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
    lineterminator: str = "\r\n",
) -> None:
    """A header and ``rows`` as CSV on ``out``, every text cell defused (``safe_cell``).

    The one CSV writer of the package: ACLED export and ``incidents --csv`` both use it.
    Text cells are always quoted (OWASP's other half; and Python's csv leaves a lone
    carriage return unquoted when the line ends in "\n", which would split the row), numbers
    never, so numeric columns stay numeric; an absent value is an empty quoted cell.
    """
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator=lineterminator,
                            quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    for row in rows:
        writer.writerow(safe_row(row))
