"""Defaults that are not an option's value (decided later: ``None`` stands for "all cores",
"$DETENTE_DB or ./detente.duckdb") show in ``--help``: written as "[default: ...]" into the help
text, Rich read them as markup and printed nothing; ``show_default="..."`` has Typer print them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from rich.text import Text
from typer.testing import CliRunner

from detente.cli import app

WIDE = 300  # no wrapping inside the option table


@pytest.mark.parametrize(("command", "shown"), [
    (["ingest"], ["[default: (all cores)]", "[default: (32)]", "[default: ($DETENTE_DB or ./detente.duckdb)]"]),
    (["events"], ["[default: (50 for table, else all)]", "[default: ($DETENTE_DB or ./detente.duckdb)]"]),
    (["export"], ["[default: (stdout)]", "[default: ($DETENTE_DB or ./detente.duckdb)]"]),
    (["serve"], ["[default: ($DETENTE_TOKEN)]", "[default: ($DETENTE_DB or ./detente.duckdb)]"]),
    (["stats"], ["[default: ($DETENTE_DB or ./detente.duckdb)]"]),
])
def test_help_shows_the_defaults(command: list[str], shown: list[str]) -> None:
    r = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": str(WIDE), "TERM": "dumb", "NO_COLOR": "1"},
                           terminal_width=WIDE)
    assert r.exit_code == 0, r.output
    for text in shown:
        assert text in r.output


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, cmd
    if hasattr(cmd, "list_commands"):
        ctx = typer.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _commands(cmd.get_command(ctx, name), (*path, name))


def test_no_help_text_is_eaten_by_rich_markup() -> None:
    """Every command's and option's help prints as written: none has square brackets Rich takes for markup."""
    eaten = [(" ".join(path), name) for path, cmd in _commands(typer.main.get_group(app))
             for name, text in [("", cmd.help or ""), *((p.name, getattr(p, "help", None) or "") for p in cmd.params)]
             if Text.from_markup(text).plain != text]
    assert eaten == []
