"""`wirewatch users ...`: the desk's accounts (reader / reviewer / admin), their passwords
and API tokens (``wirewatch.store.accounts``)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from wirewatch.cli.options import Db, err_console, require_database

app = typer.Typer(help="Desk accounts: add users with a role, passwords, API tokens.",
                  no_args_is_help=True)

Name = Annotated[str, typer.Argument(help="User name (letters, digits, _ . @ -).")]


def _writing(db: str, work: Any) -> Any:
    from wirewatch.store import open_store
    from wirewatch.store.accounts import AccountError

    require_database(db)
    with open_store(db) as store:
        try:
            with store.writing() as conn:
                return work(conn)
        except AccountError as err:
            err_console.print(f"[red]error:[/] {escape(str(err))}")
            raise typer.Exit(1) from None


def _password(ask: bool, from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get("WIREWATCH_PASSWORD"):
        return os.environ["WIREWATCH_PASSWORD"]
    if ask:
        return typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return None


@app.command("add")
def add(
    name: Name,
    role: Annotated[str, typer.Option("--role", help="reader, reviewer or admin.")] = "reader",
    db: Db = "wirewatch.db",
    password: Annotated[bool, typer.Option(
        "--password", help="Ask for a password for desk login (or set WIREWATCH_PASSWORD).")
                        ] = False,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
    token: Annotated[bool, typer.Option("--token", help="Also make an API token.")] = False,
) -> None:
    """Add a user (or change an existing user's role and password)."""
    from wirewatch.store.accounts import add_user, new_token

    secret = _password(password, password_stdin)

    def work(conn: Any) -> str | None:
        add_user(conn, name, role, secret)
        return new_token(conn, name) if token else None

    made = _writing(db, work)
    err_console.print(f"user {escape(name)}: {role}" + (", password set" if secret else ""))
    if made:
        sys.stdout.write(made + "\n")


@app.command("token")
def token(name: Name, db: Db = "wirewatch.db") -> None:
    """Print a new API token for a user (Authorization: Bearer TOKEN); shown only once."""
    from wirewatch.store.accounts import new_token

    sys.stdout.write(_writing(db, lambda conn: new_token(conn, name)) + "\n")


@app.command("list")
def list_(db: Db = "wirewatch.db") -> None:
    """Users, their roles, whether they have a password, and how many tokens."""
    from wirewatch.store.accounts import list_users

    for row in _writing(db, list_users):
        sys.stdout.write(f"{row['name']}\t{row['role']}\t"
                         f"{'password' if row['password'] else '-'}\t{row['tokens']} tokens\n")


@app.command("remove")
def remove(name: Name, db: Db = "wirewatch.db") -> None:
    """Remove a user with their tokens and sessions (their reviews stay in the log)."""
    from wirewatch.store.accounts import remove_user

    if not _writing(db, lambda conn: remove_user(conn, name)):
        err_console.print(f"[red]error:[/] no user {escape(name)}")
        raise typer.Exit(1)
    err_console.print(f"user {escape(name)} removed")
