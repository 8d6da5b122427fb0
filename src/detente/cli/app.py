"""The Typer application object. Command modules register on it; ``detente.cli`` imports them all."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="detente",
    help="Political event data: who did what to whom, when, where, and who says so.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
