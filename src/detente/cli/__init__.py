"""The ``detente`` command line: thin Typer commands over the library.

Each module here registers its commands on :data:`detente.cli.app.app`; importing this
package wires them all. Exit codes: 0 ok, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import importlib

from .app import app

for _name in ("core", "actors", "coding", "analysis", "serve"):
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a command group not written yet
        if exc.name != f"{__name__}.{_name}":
            raise

__all__ = ["app"]


def main() -> None:
    app()
