"""`wirewatch serve`: the analyst's desk (web UI and REST API) over a store, read-only unless
started with a write token."""

from __future__ import annotations

from typing import Annotated

import typer

from wirewatch.cli.options import Db, err_console, require_database


def serve(
    db: Db = "wirewatch.db",
    host: Annotated[str, typer.Option(help="Address to listen on (keep 127.0.0.1 unless the "
                                           "desk sits behind an authenticating proxy).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    write_token: Annotated[str | None, typer.Option(
        "--write-token", envvar="WIREWATCH_WRITE_TOKEN",
        help="Accept POST /api/documents from requests bearing this token (default: "
             "read-only).")] = None,
    max_body_mb: Annotated[float, typer.Option(
        "--max-body-mb", min=0.001, max=4096,
        help="Refuse request bodies larger than this many megabytes (MiB).")] = 32.0,
) -> None:
    """Open the analyst's desk: incidents, map, timeline, documents and actors in a browser,
    and a REST API (OpenAPI spec at /api/openapi.json)."""
    from wirewatch.extras import require

    uvicorn = require("uvicorn", "serve", "wirewatch serve")
    require("fastapi", "serve", "wirewatch serve")
    require("jinja2", "serve", "wirewatch serve")
    from wirewatch.serve.app import create_app

    require_database(db)
    app = create_app(db, write_token=write_token, max_body_bytes=int(max_body_mb * (1 << 20)))
    mode = "read-write (token required)" if write_token else "read-only"
    err_console.print(f"wirewatch desk on http://{host}:{port}/ ({mode}) - {db}")
    uvicorn.run(app, host=host, port=port, log_level="warning")
