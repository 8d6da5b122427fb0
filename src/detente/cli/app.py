"""The Typer application object. Command modules register on it; ``detente.cli`` imports them all.

``detente --version`` prints ``detente <version>`` (the installed package's metadata) and exits 0.

Every command runs inside :class:`DetenteGroup`, which turns a :class:`~detente.errors.DetenteError`
into one line on stderr (``error E301: detente.duckdb: ...``) and exit code 1 (2 for a bad
setting or option value, :class:`~detente.errors.ConfigError`), with no traceback.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from ..errors import ConfigError, DetenteError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class DetenteGroup(TyperGroup):
    """A Typer group that prints DetenteErrors as one line and exits 1 (ConfigError: 2)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DetenteError as exc:
            typer.echo(exc.one_line(), err=True)
            raise typer.Exit(EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_FAILED) from None
        except BrokenPipeError:  # `detente events | head`: stop quietly
            try:  # Python would complain again when it flushes stdout at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            raise typer.Exit(EXIT_OK) from None


app = typer.Typer(
    name="detente",
    cls=DetenteGroup,
    help="Political event data: who did what to whom, when, where, and who says so.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def detente_version() -> str:
    """The installed package's version (``importlib.metadata``); ``detente.__version__`` when the
    package is imported from a source tree that was never installed."""
    try:
        return package_version("detente")
    except PackageNotFoundError:
        from .. import __version__
        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"detente {detente_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    # no docstring: the group's help is the one given to typer.Typer above
    pass


# --- shared by every command module -------------------------------------------------------------

DbOpt = Annotated[str | None, typer.Option("--db", help="DuckDB store file.",
                                           show_default="$DETENTE_DB or ./detente.duckdb")]  # as "[default: (...)]"
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (and the data asked for).")]


def console(stderr: bool = False, width: int = 120) -> Console:
    """A Rich console, made per call so that CliRunner's captured streams are used; ``width`` columns when
    the output is not a terminal (a file or a pipe) and $COLUMNS does not say."""
    tty = (sys.stderr if stderr else sys.stdout).isatty()
    return Console(stderr=stderr, highlight=False, soft_wrap=False,
                   width=None if tty or "COLUMNS" in os.environ else width)
