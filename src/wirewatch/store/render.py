"""Terminal rendering of incidents (``wirewatch incidents``, ``make demo``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


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


def render_incidents_table(
    incidents: Sequence[Mapping[str, Any]], console: Console, title: str | None = "Incidents"
) -> Table:
    """Print one row per incident; conflicting casualty counts show as a range."""
    table = Table(title=title, show_lines=False)
    table.add_column("date", no_wrap=True)
    table.add_column("type/mode", no_wrap=True)
    table.add_column("place")
    table.add_column("killed", justify="right", no_wrap=True)
    table.add_column("sources", justify="right")
    table.add_column("outlets")
    for incident in incidents:
        time = incident.get("time") or {}
        mode = incident.get("mode")
        killed = (incident.get("casualties") or {}).get("killed")
        killed_text = format_range(killed)
        if incident.get("conflicting") and killed and killed.get("min") != killed.get("max"):
            killed_text = f"[yellow]{killed_text}[/yellow]"
        table.add_row(
            time.get("value") or "?",
            f"{incident['type']}/{mode}" if mode else str(incident["type"]),
            format_place(incident.get("location")),
            killed_text,
            str(incident.get("independent_sources", 0)),
            ", ".join(incident.get("sources") or []),
        )
    console.print(table)
    return table
