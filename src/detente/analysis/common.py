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

from ..errors import AnalysisError
from ..records import counted_sql
from ..store import Store, _store_error


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


_ALIAS = "detente_store"  # the attached store, in open_db(read_only=True)


def open_db(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store at ``path`` (a ``detente.store`` file; a missing one is ``E306``, never
    a new empty store).

    ``read_only=False``: the store itself, so :func:`cluster_happenings` saves its tables in it.
    ``read_only=True``: an in-memory database with the store attached read-only: ``events`` and
    ``articles`` are views on the store, the happening tables are copies (when the store has
    them) that the analysis brings up to date here, never in the file; ``dyad_counts`` and
    ``article_days`` are views (used while they match the events, dyadcounts.py). Several readers can
    share a store, and a reading command cannot change it.
    """
    Store(path, read_only=True).close()  # E306 no store, E305 not a store, E307 schema, E301 in use
    if not read_only:
        return Store(path).con
    return attach_read_only(path)


def attach_read_only(path: str) -> duckdb.DuckDBPyConnection:
    """:func:`open_db` ``read_only=True`` for a DuckDB file already known to hold the tables
    (not checked as a store: benchmarks' synthetic files)."""
    con = duckdb.connect(":memory:")
    try:
        attach_store(con, path, _ALIAS)
    except duckdb.Error as exc:
        con.close()
        raise _store_error(path, exc, "open the store") from None
    return con


def attach_store(con: duckdb.DuckDBPyConnection, path: str, alias: str) -> None:
    """Attach the store file at ``path`` read-only to the in-memory ``con`` as ``alias``: ``events``,
    ``articles`` and the dyad tables become views on it (the dyad table is read where it is fresh), the
    happening tables copies that an analysis may bring up to date in memory, never in the file."""
    quoted = path.replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {alias} (READ_ONLY)")
    tables = dict(con.execute("SELECT table_name, sql FROM duckdb_tables() WHERE database_name = ?",
                              [alias]).fetchall())
    for name in ("events", "articles", "dyad_counts", "article_days"):
        if name in tables:
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {alias}.main."{name}"')
    for name in ("happenings", "happening_events", "happenings_meta"):
        if tables.get(name):
            con.execute(tables[name])  # the store's DDL, with its keys
            con.execute(f'INSERT INTO "{name}" SELECT * FROM {alias}.main."{name}"')


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
    """SQL condition: asserted and actual/intended/future (``Event.counts``): :func:`detente.records.counted_sql`."""
    return counted_sql(alias)


def norm_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code.isalnum() or not 2 <= len(code) <= 6:
        raise AnalysisError("E604", code or "''", "is not a country code (3 letters, e.g. CHN)")
    return code
