"""`wirewatch eval ...`: score wirewatch on public benchmarks (dev splits).

Each sub-command parses its options, calls the benchmark module's ``evaluate`` in
``wirewatch.eval`` (which runs the pipeline through ``wirewatch.api``), writes the requested
files and prints the scores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from wirewatch.cli.options import AsJson, Limit, Quiet, progress_bar

app = typer.Typer(help="Score wirewatch on public benchmarks (dev splits).",
                  no_args_is_help=True)

ErrorsFile = Annotated[Path | None, typer.Option(
    "--errors", help="Write false positives and misses with sentences (JSONL).")]
RecordsFile = Annotated[Path | None, typer.Option(
    "--records", help="Write the pipeline's contract records (JSONL).")]
FromRecords = Annotated[Path | None, typer.Option(
    "--from-records", help="Score records saved with --records instead of running the "
    "pipeline.")]


def _scores_json(result: dict[str, Any]) -> str:
    """The scores without the per-case errors (those go to --errors)."""
    return json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=2)


def _errors_written(errors_file: Path | None, count: int, quiet: bool) -> None:
    if errors_file is not None and not quiet:
        typer.echo(f"{count} error cases -> {errors_file}", err=True)


@app.command("muc4")
def muc4(
    path: Annotated[Path, typer.Argument(help="GRIT JSONL (e.g. muc4/grit_dev.jsonl).")],
    limit: Limit = None,
    as_json: AsJson = False,
    errors_file: ErrorsFile = None,
    predictions_file: Annotated[Path | None, typer.Option(
        "--predictions", help="Write the predicted role fillers per document (JSONL).")] = None,
    records_file: RecordsFile = None,
    from_records: FromRecords = None,
    part: Annotated[str, typer.Option(
        "--part", help="Which half of the set, split by a hash of the id: check (the half "
        "nobody tunes on), tune, or all.")] = "all",
    setting: Annotated[str, typer.Option(
        "--setting", help="uncased (the text as distributed) or recased (mixed case, as "
        "the recaser restores it).")] = "uncased",
    quiet: Quiet = False,
) -> None:
    """Event role fillers on MUC-4 (lower-case text), GRIT CEAF-REE per role and micro."""
    from wirewatch.eval.common import write_jsonl
    from wirewatch.eval.muc4 import SETTINGS, evaluate, explain_errors, print_result

    if setting not in SETTINGS:
        raise typer.BadParameter(f"use one of {', '.join(SETTINGS)}", param_hint="--setting")
    with progress_bar(quiet or as_json) as progress:
        result, side = evaluate(path, limit, progress, from_records, _check_part(part),
                                setting)
    if errors_file is not None:
        write_jsonl(errors_file, explain_errors(result["errors"], side["docs"], side["fillers"]))
    if predictions_file is not None:
        write_jsonl(predictions_file, ({"docid": d, "predicted": p}
                                       for d, p in side["predictions"].items()))
    if records_file is not None:
        write_jsonl(records_file, side["records"])
    if as_json:
        typer.echo(_scores_json(result))
    else:
        print_result(result, "MUC-4")
    _errors_written(errors_file, len(result["errors"]), quiet)


#: The path mixed-case benchmark text takes: as written, or lower-cased (uncased copy).
Casing = Annotated[str, typer.Option(
    "--setting", help="cased (the text as written) or uncased (lower-cased, as wire copy "
    "comes; offsets kept).")]


@app.command("wikievents")
def wikievents(
    path: Annotated[Path, typer.Argument(help="WikiEvents JSONL (e.g. wikievents/dev.jsonl).")],
    limit: Limit = None,
    as_json: AsJson = False,
    errors_file: ErrorsFile = None,
    actual_only: Annotated[bool, typer.Option(
        "--actual-only", help="Score only predicted events with factuality actual.")] = False,
    records_file: RecordsFile = None,
    from_records: FromRecords = None,
    part: Annotated[str, typer.Option(
        "--part", help="Which half of the set, split by a hash of the id: check (the half "
        "nobody tunes on), tune, or all.")] = "all",
    quiet: Quiet = False,
    setting: Casing = "cased",
) -> None:
    """Document-level role fillers and event detection on WikiEvents (KAIROS mapped)."""
    from wirewatch.eval.common import write_jsonl
    from wirewatch.eval.wikievents import evaluate, print_result

    with progress_bar(quiet or as_json) as progress:
        result, records = evaluate(path, limit, progress, from_records, actual_only,
                                   _check_part(part), _check_casing(setting))
    if errors_file is not None:
        write_jsonl(errors_file, result["errors"])
    if records_file is not None:
        write_jsonl(records_file, records)
    if as_json:
        typer.echo(_scores_json(result))
    else:
        print_result(result)
    _errors_written(errors_file, len(result["errors"]), quiet)


@app.command("geo")
def geo(
    paths: Annotated[list[Path], typer.Argument(help="Geoparsing JSONL files (LGL, GeoVirus).")],
    setting: Annotated[str, typer.Option(
        "--setting", help="given, end_to_end or both.")] = "both",
    country: Annotated[str | None, typer.Option(
        "--country", help="Country bias (ISO code) for ambiguous names.")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N documents.")] = None,
    errors_file: Annotated[Path | None, typer.Option(
        "--errors", help="Write every toponym resolved more than 161 km off as JSONL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    part: Annotated[str, typer.Option(
        "--part", help="Which half of each set, split by a hash of the id: check (the half "
        "nobody tunes on), tune, or all.")] = "check",
) -> None:
    """Geoparsing: resolution given gold names, and end-to-end recognition + resolution."""
    from wirewatch.eval.common import write_jsonl
    from wirewatch.eval.geo import evaluate, result_lines

    if setting not in ("given", "end_to_end", "both"):
        raise typer.BadParameter("use given, end_to_end or both", param_hint="--setting")
    settings = ("given", "end_to_end") if setting == "both" else (setting,)
    errors: list[dict[str, Any]] | None = [] if errors_file else None
    with progress_bar(quiet or as_json) as progress:
        results = [evaluate(p, settings, country, limit, errors, progress, _check_part(part))
                   for p in paths]
    if errors_file is not None and errors is not None:
        write_jsonl(errors_file, errors)
    if as_json:
        typer.echo(json.dumps(results if len(results) > 1 else results[0], indent=2))
    else:
        for result in results:
            for line in result_lines(result):
                typer.echo(line)


@app.command("polnear")
def polnear(
    path: Annotated[Path, typer.Argument(help="PolNeAR JSONL (e.g. polnear/dev.jsonl).")],
    as_json: AsJson = False,
    errors_file: Annotated[Path | None, typer.Option(
        "--errors", help="Write missed, spurious and wrong-source cases here (JSONL).")] = None,
    limit: Limit = None,
    all_annotations: Annotated[bool, typer.Option(
        "--all-annotations", help="Also score non-primary annotations.")] = False,
    quiet: Quiet = False,
    part: Annotated[str, typer.Option(
        "--part", help="Which half of the set, split by a hash of the id: check (the half "
        "nobody tunes on), tune, or all.")] = "all",
    setting: Casing = "cased",
) -> None:
    """Content and source of quotes and claims against PolNeAR (primary annotations)."""
    from wirewatch.eval.common import write_jsonl
    from wirewatch.eval.polnear import evaluate, print_result

    errors: list[dict[str, Any]] | None = [] if errors_file else None
    with progress_bar(quiet or as_json) as progress:
        result = evaluate(path, limit, all_annotations, errors, progress,
                          _check_part(part), _check_casing(setting))
    if errors_file is not None and errors is not None:
        write_jsonl(errors_file, errors)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        print_result(result)
    _errors_written(errors_file, len(errors or []), quiet)


@app.command("merge")
def merge(
    path: Annotated[Path, typer.Argument(help="Articles with gold incident_id (JSONL).")],
    db: Annotated[str | None, typer.Option(
        "--db", help="Keep the database here (default: a temporary file).")] = None,
    records: Annotated[Path | None, typer.Option(
        "--records", help="Use these extracted records (JSONL) instead of extracting.")] = None,
    violent_only: Annotated[bool, typer.Option(
        "--violent-only", help="Only articles flagged violent_incident (ECB+).")] = False,
    errors: Annotated[Path | None, typer.Option(
        "--errors", help="Write wrong and missed merges here (JSONL).")] = None,
    as_json: AsJson = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Score article-level incident merging: B-cubed and pairwise P/R/F1."""
    from wirewatch.eval.common import write_jsonl
    from wirewatch.eval.merge import evaluate, summary_lines

    with progress_bar(quiet) as progress:
        scores, wrong = evaluate(path, db, records, violent_only, progress)
    if errors is not None:
        write_jsonl(errors, wrong)
    if as_json:
        typer.echo(json.dumps(scores))
        return
    for line in summary_lines(path.name, scores, wrong):
        typer.echo(line)


Part = Annotated[str, typer.Option(
    "--part", help="Which half of the set, split by a hash of the id: check (the half "
    "nobody tunes on), tune, or all.")]


def _report(result: dict[str, Any], rows: list[dict[str, Any]], rows_file: Path | None,
            as_json: bool, lines: Any) -> None:
    """What the record-level protocols print: the rows to a file, the scores as JSON or as
    the protocol's own lines."""
    from wirewatch.eval.common import write_jsonl

    if rows_file is not None:
        write_jsonl(rows_file, rows)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        for line in lines(result):
            typer.echo(line)


def _check_casing(casing: str) -> str:
    from wirewatch.eval.common import CASINGS

    if casing not in CASINGS:
        raise typer.BadParameter(f"use one of {', '.join(CASINGS)}", param_hint="--setting")
    return casing


def _check_part(part: str) -> str:
    from wirewatch.eval.common import PARTS

    if part not in PARTS:
        raise typer.BadParameter(f"use one of {', '.join(PARTS)}", param_hint="--part")
    return part


@app.command("coding")
def coding(
    paths: Annotated[list[Path], typer.Argument(
        help="GVC articles (incidents/gvc_train.jsonl, incidents/gvc_dev.jsonl).")],
    gold: Annotated[Path | None, typer.Option(
        "--gold", help="GVA incident records (default: gvc_incidents_train_dev.jsonl beside "
        "the first file).")] = None,
    part: Part = "check",
    limit: Limit = None,
    rows_file: Annotated[Path | None, typer.Option(
        "--rows", help="Write what each check found per article (JSONL).")] = None,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """Incident coding against the Gun Violence Archive: date, place, killed, injured,
    named victims, and over-coding."""
    from wirewatch.eval.coding import evaluate, result_lines

    with progress_bar(quiet or as_json) as progress:
        result, rows = evaluate(paths, gold, _check_part(part), limit, progress)
    _report(result, rows, rows_file, as_json, result_lines)


@app.command("acled")
def acled(
    path: Annotated[Path, typer.Argument(help="ACLED notes (acled/acled_asia_2015_dev.jsonl).")],
    part: Part = "check",
    limit: Limit = None,
    rows_file: Annotated[Path | None, typer.Option(
        "--rows", help="Write what each check found per note (JSONL).")] = None,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """ACLED coder notes: event type, fatalities, date, place (50 km), country, and the ACLED
    categories of the agent and victim."""
    from wirewatch.eval.acled import evaluate, result_lines

    with progress_bar(quiet or as_json) as progress:
        result, rows = evaluate(path, _check_part(part), limit, progress)
    _report(result, rows, rows_file, as_json, result_lines)


@app.command("alarms")
def alarms(
    path: Annotated[Path, typer.Argument(help="BBC news (bbc_news/bbc_news.jsonl).")],
    part: Part = "check",
    limit: Limit = None,
    rows_file: Annotated[Path | None, typer.Option(
        "--rows", help="Write every false alarm with its trigger and evidence (JSONL).")] = None,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """False alarms: violent or coercive events on business, sport, entertainment and tech
    news, per 100 articles."""
    from wirewatch.eval.alarms import evaluate, result_lines

    with progress_bar(quiet or as_json) as progress:
        result, rows = evaluate(path, _check_part(part), limit=limit, progress=progress)
    _report(result, rows, rows_file, as_json, result_lines)


@app.command("actors")
def actors(
    data: Annotated[Path, typer.Option(
        "--data", help="The shared data folder the fixture's sources lie in.")
    ] = Path("../shared/data"),
    fixture: Annotated[Path, typer.Option(
        "--fixture", help="The hand check (ids, anchors, expected agents and victims).")
    ] = Path("tests/fixtures/actor_reading.json"),
    rows_file: Annotated[Path | None, typer.Option(
        "--rows", help="Write each incident's agents, victims and what was wrong (JSONL).")
    ] = None,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """A hand check of 51 incidents' agents and victims: right agents, right victims, and
    agents or victims that are no actor (a place, weapon, outlet or unresolved pronoun)."""
    from wirewatch.eval.actor_reading import evaluate, result_lines

    with progress_bar(quiet or as_json) as progress:
        try:
            result, rows = evaluate(fixture, data, progress)
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--data/--fixture") from exc
    _report(result, rows, rows_file, as_json, result_lines)


@app.command("reading")
def reading(
    data: Annotated[Path, typer.Option(
        "--data", help="The shared data folder the fixture's sources lie in.")
    ] = Path("../shared/data"),
    fixture: Annotated[Path, typer.Option(
        "--fixture", help="The analyst's reading (ids and coded events).")
    ] = Path("tests/fixtures/analyst_reading.json"),
    rows_file: Annotated[Path | None, typer.Option(
        "--rows", help="Write matched pairs, misses and spurious events per article (JSONL).")
    ] = None,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """An analyst's reading by hand of 30 dev articles: violent-event precision and recall,
    and day, place, killed and injured over matched events."""
    from wirewatch.eval.reading import evaluate, result_lines

    with progress_bar(quiet or as_json) as progress:
        try:
            result, rows = evaluate(fixture, data, progress)
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--data/--fixture") from exc
    _report(result, rows, rows_file, as_json, result_lines)
