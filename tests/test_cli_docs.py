"""docs/cli.md and docs/schema.md cannot drift from the code: every option of the core commands is
named in docs/cli.md, and docs/schema.md lists the GDELT columns in order and every store column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import typer

from conftest import ROOT
from detente.cli import app
from detente.export import GDELT_COLUMNS
from detente.store import RUN_COLUMNS, TABLES

CORE = ("ingest", "code", "events", "stats", "export", "demo")


def test_every_core_option_is_documented() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_group(app)
    for name in CORE:
        assert f"## `detente {name}" in doc, name
        for param in group.commands[name].params:
            for opt in param.opts:
                if opt.startswith("-") and opt != "--help":
                    assert re.search(rf"`{re.escape(opt)}[` ]", doc), f"{name} {opt}"


def test_schema_md_lists_gdelt_columns_in_order_and_the_store_columns() -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \|", doc, flags=re.MULTILINE)
    assert [(int(i), n) for i, n in rows] == [(i, n) for i, (n, _) in enumerate(GDELT_COLUMNS, 1)]
    tables: list[tuple[str, Sequence[tuple[Any, ...]]]] = [*TABLES.items(), ("runs", RUN_COLUMNS)]
    for table, cols in tables:
        section = doc.split(f"### `{table}`", 1)[1].split("###", 1)[0]
        for col in cols:
            assert f"| `{col[0]}` |" in section, f"{table}.{col[0]}"


def test_the_cli_reference_is_every_commands_current_help() -> None:
    """docs/cli-reference.md is the --help of every command and subcommand (scripts/cli_reference.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    group = typer.main.get_group(app)
    paths = [" ".join(p) for p in module.commands(group)]
    assert {"ingest", "dyad", "serve", "actors lookup"} <= set(paths) and len(paths) >= 15
    current = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    assert current == module.reference(), "docs/cli-reference.md is out of date: run .venv/bin/python " \
                                          "scripts/cli_reference.py"
