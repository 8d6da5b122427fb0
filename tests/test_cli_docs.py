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
