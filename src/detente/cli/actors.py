"""``detente actors lookup|stats``: query the actor knowledge base."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from ..actors import load_kb
from ..errors import DetenteError
from .app import app, console

actors_app = typer.Typer(help="Query the actor knowledge base: names, codes, roles on a date.",
                         no_args_is_help=True)
app.add_typer(actors_app, name="actors")

ActorsOpt = typer.Option(None, "--actors", help="extra actor file (YAML or PETRARCH .txt/.json); repeatable")
FormatOpt = typer.Option("table", "--format", help="table or json")


def _kb(actors: list[str] | None) -> Any:
    try:
        return load_kb(actors or ())
    except DetenteError as exc:
        typer.echo(exc.one_line(), err=True)
        raise typer.Exit(2) from None


def _console() -> Console:
    return console(width=160)  # wide enough for the roles table in a file or pipe


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "json"):
        typer.echo(f"error: --format must be table or json, not {fmt!r}", err=True)
        raise typer.Exit(2)


@actors_app.command("lookup")
def lookup(text: str = typer.Argument(..., help="a name or phrase: 'Yang Jiechi', 'Russian troops'"),
           date: str | None = typer.Option(None, "--date", help="ISO date the roles must be valid on"),
           actors: list[str] | None = ActorsOpt, fmt: str = FormatOpt) -> None:
    """Resolve TEXT to actors (best first), with the role valid on --date."""
    _check_format(fmt)
    kb = _kb(actors)
    found = kb.lookup(text, date)
    rows = []
    for a in found:
        period = _period(kb, a, date)
        rows.append({**a.to_dict(), "valid_from": period[0], "valid_to": period[1]})
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(f"no actor for {text!r}")
        raise typer.Exit(1)
    table = Table(title=f"{text}" + (f" on {date}" if date else ""))
    for col in ("text", "code", "country", "sector", "name", "kind", "role", "valid from", "valid to"):
        table.add_column(col)
    for r in rows:
        table.add_row(*[str(r.get(k) or "") for k in ("text", "code", "country", "sector", "name", "kind", "role",
                                                        "valid_from", "valid_to")])
    _console().print(table)


def _period(kb: Any, actor: Any, date: str | None) -> tuple[str | None, str | None]:
    if actor.kind not in ("person", "group") or not actor.name:
        return None, None
    for e in kb.entries:
        if e.name == actor.name and e.roles:
            _code, _sector, _role, p = e.resolve(date)
            if p is not None:
                return p.start, p.end or "present"
    return None, None


@actors_app.command("stats")
def stats(actors: list[str] | None = ActorsOpt, fmt: str = FormatOpt) -> None:
    """Counts of the knowledge base: states, organisations, people, phrases, sector nouns."""
    _check_format(fmt)
    kb = _kb(actors)
    s = kb.stats()
    if fmt == "json":
        typer.echo(json.dumps(s, indent=2))
        return
    table = Table(title="actor knowledge base")
    table.add_column("what")
    table.add_column("count", justify="right")
    for k, v in s.items():
        if k != "files":
            table.add_row(k, str(v))
    _console().print(table)
    typer.echo("files: " + ", ".join(s["files"]))
