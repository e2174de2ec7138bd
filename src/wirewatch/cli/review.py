"""`wirewatch review ...`: correct incidents and events from the terminal, read the review
log, and export what reviewers decided as training data.

Every command appends to the store's review log (who, when, what, old and new value, note)
and replays it, so the desk, the API, `incidents` and every export show the reviewed values
at once, and keep showing them after later ingests (``wirewatch.store.reviews``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from wirewatch.cli.options import Db, err_console, require_database
from wirewatch.cli.store import printable

app = typer.Typer(help="Correct incidents and events; read and export the review log.",
                  no_args_is_help=True)

By = Annotated[str, typer.Option("--by", help="Who makes the correction (the reviewer).")]
Note = Annotated[str | None, typer.Option("--note", help="Why: a source, a reason.")]
OnEvent = Annotated[bool, typer.Option(
    "--event", help="ID is an event's (as /api/events and `review log` show it), not an "
                    "incident's.")]


def _run(work: Any) -> Any:
    """Run a store call; a refused correction is one line on stderr and status 1."""
    from wirewatch.store.reviews import ReviewError

    try:
        return work()
    except ReviewError as err:
        err_console.print(f"[red]error:[/] {escape(printable(str(err)))}")
        raise typer.Exit(1) from None


def _open(db: str) -> Any:
    from wirewatch.store import open_store

    require_database(db)
    return open_store(db)


def _done(made: list[int], what: str) -> None:
    if made:
        err_console.print(f"{what}: review record{'s' if len(made) > 1 else ''} "
                          f"{', '.join(map(str, made))}")
    else:
        err_console.print(f"{what}: nothing changed (the values were already so)")


@app.command("set")
def set_fields(
    target_id: Annotated[int, typer.Argument(metavar="ID", min=1, help="Incident id.")],
    assignments: Annotated[list[str], typer.Argument(
        metavar="FIELD=VALUE...",
        help="Fields: type, mode, date (YYYY[-MM[-DD]]), precision, place, admin1, country, "
             "lat, lon, location_precision, killed, injured, kidnapped, arrested, agents, "
             "victims (names separated by ;), status. An empty value clears a field.")],
    by: By,
    db: Db = "wirewatch.db",
    note: Note = None,
    event: OnEvent = False,
    geocode: Annotated[bool, typer.Option(
        "--geocode/--no-geocode", help="Give a corrected place without lat/lon the "
                                       "gazetteer's coordinates.")] = True,
) -> None:
    """Correct fields of an incident (or, with --event, of one event)."""
    changes = []
    for item in assignments:
        field, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="FIELD=VALUE")
        changes.append((field.strip().lower(), value))
    target = "event" if event else "incident"
    with _open(db) as store:
        made = _run(lambda: store.review_set(target, target_id, changes, by, note,
                                             geocode=geocode))
    _done(made, f"{target} {target_id}")


@app.command("reject")
def reject(
    target_id: Annotated[int, typer.Argument(metavar="ID", min=1, help="Incident id.")],
    by: By,
    db: Db = "wirewatch.db",
    note: Note = None,
    event: OnEvent = False,
) -> None:
    """Mark an incident (every event of it) or one event (--event) as not an event: it
    leaves the incidents, and stays out after later ingests."""
    target = "event" if event else "incident"
    with _open(db) as store:
        made = _run(lambda: store.review_reject(target, target_id, by, note))
    _done(made, f"{target} {target_id} is not an event")


@app.command("merge")
def merge(
    keep: Annotated[int, typer.Argument(min=1, help="An incident id.")],
    other: Annotated[int, typer.Argument(min=1, help="The incident that is the same.")],
    by: By,
    db: Db = "wirewatch.db",
    note: Note = None,
) -> None:
    """Two incidents are one (the lower id is kept)."""
    with _open(db) as store:
        made = _run(lambda: store.review_merge(keep, other, by, note))
    _done(made, f"incidents {keep} and {other} merged")


@app.command("split")
def split(
    incident_id: Annotated[int, typer.Argument(metavar="INCIDENT", min=1)],
    event_ids: Annotated[list[int], typer.Argument(
        metavar="EVENT...", help="Event ids (as /api/incidents/ID shows them) that are "
                                 "another incident.")],
    by: By,
    db: Db = "wirewatch.db",
    note: Note = None,
) -> None:
    """Move some events of an incident out into an incident of their own."""
    with _open(db) as store:
        made = _run(lambda: store.review_split(incident_id, event_ids, by, note))
    _done(made, f"incident {incident_id} split")


@app.command("log")
def log(
    db: Db = "wirewatch.db",
    incident: Annotated[int | None, typer.Option(
        "--incident", min=1, help="Only records bearing on this incident.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One record per line as JSON "
                                                          "(what `review import` reads).")] = False,
) -> None:
    """The review log, oldest first: who, when, what, old and new value, note."""
    with _open(db) as store:
        records = store.review_log(incident)
    for r in records:
        if as_json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            continue
        target = f"event {r['event_pk']}" if r["target"] == "event" else \
            f"incident {r['incident_id']}"
        change = f"{r['field']}: {_show(r['old'])} -> {_show(r['new'])}"
        line = "\t".join([str(r["id"]), str(r["created_at"])[:19], r["reviewer"], r["action"],
                          target, change, r["note"] or ""])
        sys.stdout.write(printable(line.replace("\t", " | ")) + "\n")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "[]"
    return "-" if value is None else str(value)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write.")],
    db: Db = "wirewatch.db",
) -> None:
    """Reviewers' decisions as training data (JSONL): each reviewed event with its text,
    spans, machine and reviewed values and whether it is an event; pairs of events a
    merge or split says are (not) one incident."""
    from wirewatch.store.reviews import training_examples

    with _open(db) as store, store.engine.connect() as conn:
        examples = training_examples(conn)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as out:
        for example in examples:
            out.write(json.dumps(example, ensure_ascii=False, default=str) + "\n")
    err_console.print(f"{len(examples)} examples -> {escape(str(output))}")


@app.command("import")
def import_(
    log_file: Annotated[Path, typer.Argument(metavar="FILE", help="`review log --json` output.")],
    db: Db = "wirewatch.db",
) -> None:
    """Add another store's review log (e.g. before or after re-extracting into a new
    database) and apply it; records already here are skipped."""
    import datetime as dt

    from wirewatch.store.reviews import import_log

    records = []
    for n, line in enumerate(log_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            err_console.print(f"[yellow]line {n}: not JSON, skipped[/]")
    with _open(db) as store, store.writing() as conn:
        added = _run(lambda: import_log(conn, records, dt.datetime.now(dt.UTC)))
    err_console.print(f"{added} review records added")


@app.command("apply")
def apply(db: Db = "wirewatch.db") -> None:
    """Replay the review log onto the store (ingest does this after every batch)."""
    with _open(db) as store:
        store.apply_reviews()
    err_console.print("reviews applied")
