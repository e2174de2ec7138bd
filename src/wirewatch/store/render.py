"""Terminal rendering of incidents (``wirewatch incidents``, ``make demo``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table


def cell(text: str, lines: bool = False) -> str:
    """Stored text made safe for a table cell: control and format characters (an escape
    sequence in an article would drive the terminal; rich passes ESC through) shown as
    ``\\x..`` escapes, and ``[`` not read as rich markup. Article text is hostile."""
    out = []
    for char in str(text):
        if char == "\n" and lines:
            out.append(char)  # our own separator between names
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(char.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(char)
    return escape("".join(out))


def format_range(figure: Mapping[str, Any] | None) -> str:
    """``"3"`` when sources agree, ``"2–3"`` when they conflict, ``"–"`` when none gave one."""
    if not figure or figure.get("min") is None:
        return "–"
    low, high = figure["min"], figure["max"]
    return str(low) if low == high else f"{low}–{high}"


def format_place(location: Mapping[str, Any] | None) -> str:
    """Most specific name first, then the admin1 and country that disambiguate it."""
    if not location:
        return ""
    parts: list[str] = []
    for key in ("name", "admin1", "country_code"):
        value = location.get(key)
        if value and value not in parts:
            parts.append(str(value))
    return ", ".join(parts)


def format_figures(incident: Mapping[str, Any]) -> str:
    """One line per figure a source gave ("killed 2–3"), in rich markup; conflicting ones
    in yellow. Figures no source gave are left out, so the cell stays short."""
    casualties = incident.get("casualties") or {}
    lines = []
    for kind in ("killed", "injured", "arrested", "kidnapped"):
        figure = casualties.get(kind)
        if not figure or figure.get("min") is None:
            continue
        text = format_range(figure)
        if figure.get("min") != figure.get("max"):
            text = f"[yellow]{text}[/yellow]"
        lines.append(f"{kind} {text}")
    return "\n".join(lines) or "–"


def with_precision(value: str, precision: Any) -> str:
    """``value`` with how precise it is on a second, dim line ("day", "city")."""
    return f"{cell(value)}\n[dim]{cell(str(precision))}[/dim]" if precision else cell(value)


def format_names(names: Sequence[str] | None) -> str:
    """Names one per line (a cell wraps between names, not inside one)."""
    return "\n".join(" ".join(str(name).split()) for name in names or [])


#: Terminal width from which the table also shows each incident's one-line summary.
WIDE = 140


def render_incidents_table(
    incidents: Sequence[Mapping[str, Any]], console: Console, title: str | None = "Incidents"
) -> Table:
    """Print one row per incident: when and where, each with its precision; what and its
    status; the figures (conflicting counts show as a range); who did it to whom; the number
    of independent sources and their outlets; and the sentence it rests on."""
    # no vertical rules and names that wrap early: the summary, the longest and most
    # telling text, keeps its room on an ordinary terminal
    table = Table(title=title, show_lines=True, box=box.HORIZONTALS, pad_edge=False,
                  collapse_padding=True)
    table.add_column("date", no_wrap=True)
    table.add_column("type/mode", no_wrap=True)
    table.add_column("place", max_width=18)
    table.add_column("figures", no_wrap=True)
    table.add_column("agents", max_width=16)
    table.add_column("victims", max_width=16)
    table.add_column("sources", max_width=32)
    # on a narrow screen (or a pipe, which rich takes as 80 columns) the summary would wrap a
    # word a line and bury the rest: it is left to --json/--csv and the web desk there
    with_summary = console.width >= WIDE
    if with_summary:
        table.add_column("summary")
    for incident in incidents:
        time = incident.get("time") or {}
        place = incident.get("location") or {}
        mode = incident.get("mode")
        what = cell(f"{incident['type']}/{mode}" if mode else str(incident["type"]))
        if incident.get("status"):
            what += f"\n[dim]{cell(str(incident['status']))}[/dim]"
        if incident.get("reviewed"):  # a reviewer corrected a value (wirewatch review)
            what += "\n[green]reviewed[/green]"
        outlets = ", ".join(incident.get("sources") or [])
        table.add_row(  # stored text is hostile: "[/]" or ESC in an outlet is only text
            with_precision(time.get("value") or "?", time.get("precision")),
            what,
            with_precision(format_place(place), place.get("precision")),
            format_figures(incident),
            cell(format_names(incident.get("agents")), lines=True),
            cell(format_names(incident.get("victims")), lines=True),
            cell(f"{incident.get('independent_sources', 0)}: {outlets}" if outlets
                 else str(incident.get("independent_sources", 0))),
            *([cell(" ".join((incident.get("summary") or "").split()))] if with_summary else []),
        )
    console.print(table)
    return table
