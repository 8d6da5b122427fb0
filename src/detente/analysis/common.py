"""Small helpers shared by the analysis modules: opening a connection, checking tables.

The analysis functions take a ``duckdb.DuckDBPyConnection`` (or anything with a ``.con``
attribute holding one, such as ``detente.store.Store``) and read the store's ``events`` and
``articles`` tables by column name. Columns used (all written by ``detente.store``):

``events``: event_id, article_id, sentence_index, sentence, date (DATE), date_precision
(day|month|year), date_basis (explicit|relative|publication), source_country,
target_country, cameo, cameo_root, quad_class, goldstein, polarity, modality, confidence,
historical, location_country.

``articles`` (optional): article_id, source (the outlet), published (DATE), title, url.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ..errors import DetenteError

COUNTING_MODALITIES = ("actual", "intended", "future")


class AnalysisError(DetenteError):
    """The analysis cannot run: no events table, an unknown country code, bad options."""


def connection(store_or_con: Any) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection from a connection, a ``Store`` (``.con``) or a path."""
    if isinstance(store_or_con, duckdb.DuckDBPyConnection):
        return store_or_con
    con = getattr(store_or_con, "con", None)
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con
    if isinstance(store_or_con, str):
        return open_db(store_or_con)
    raise AnalysisError("E601", type(store_or_con).__name__, "is not a DuckDB connection or a Store")


def open_db(path: str) -> duckdb.DuckDBPyConnection:
    """Open the store at ``path``: through ``detente.store.Store`` when it exists, else DuckDB."""
    try:
        from .. import store as store_mod  # the store owns the schema
    except ImportError:
        store_mod = None  # type: ignore[assignment]
    if store_mod is not None and hasattr(store_mod, "Store"):
        st = store_mod.Store(path)
        con = getattr(st, "con", None)
        if isinstance(con, duckdb.DuckDBPyConnection):
            return con
    try:
        return duckdb.connect(path)
    except duckdb.Error as exc:
        raise AnalysisError("E602", path, f"cannot open the store ({exc})") from None


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row (fetching them all: DuckDB refuses new work while a result is unfinished)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = fetch_one(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                    "AND table_schema = current_schema()", [name])
    return bool(row and row[0])


def require_events(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "events"):
        raise AnalysisError("E603", "events", "the store has no events table: code some articles first")


def counting_sql(alias: str = "") -> str:
    """SQL condition: asserted and actual/intended/future (``Event.counts``)."""
    p = f"{alias}." if alias else ""
    mods = ", ".join(f"'{m}'" for m in COUNTING_MODALITIES)
    return f"(coalesce({p}polarity, 'asserted') = 'asserted' AND coalesce({p}modality, 'actual') IN ({mods}))"


def norm_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code.isalnum() or not 2 <= len(code) <= 6:
        raise AnalysisError("E604", code or "''", "is not a country code (3 letters, e.g. CHN)")
    return code
