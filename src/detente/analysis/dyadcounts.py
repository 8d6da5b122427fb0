"""The materialised dyad table: events counted per country pair, direction, day and kind.

Contract: ``update_dyad_counts(con, force=False) -> bool`` (True when the table was rebuilt),
``ensure_dyad_counts(con) -> None`` (the same, named for readers), ``series_sql(...)`` (a dyad's
per-period sums from it). Table ``dyad_counts``, one row per pair, direction, day and factuality:

``pair`` ("ARG-BRA", the two countries in alphabetical order), ``ab`` (the source is the
pair's first country: ARG -> BRA; both sides of a domestic pair are the first), ``date``,
``counted`` (asserted and actual/intended/future: ``Event.counts``), and the day's sums:
``n`` (events), ``q1``..``q4`` (events by QuadClass), ``gsum`` (Goldstein), ``gn`` (events with
a Goldstein value), ``coop`` / ``conflict`` (Goldstein of the cooperative / conflictual events,
as positive numbers). Every column of a dyad series is a sum of these over its period's days.
Only events with a date and a country on both sides. Beside it, ``article_days``: coded articles
(``status = 'ok'``) per publication day (``day``, ``n``), the volume the series are normalised by.

The rows are stored sorted by ``pair`` and ``date``, so a query for one pair reads only the
row groups that hold it (DuckDB keeps each row group's min/max and skips the others): a dyad
series over 10 million events reads the pair's few thousand rows instead of every event
(``dyad_series(unit="events")``; benchmarks/dyad_bench.py).

Built by ``detente happenings`` (saved in the store beside the happening tables) and by the
first ``unit="events"`` series; kept up to date where the happening tables are
(:func:`detente.analysis.cluster_happenings` calls :func:`update_dyad_counts` when the table
exists) and before every ``unit="events"`` series: rebuilt, in one statement, when the events
changed since it was built (benchmarks/dyad_bench.py times it).
Whether they changed is a fingerprint kept in ``happenings_meta`` (key ``dyad_counts``): the
number of events and articles and the latest ``articles.coded_at`` (the store rewrites an
article's events together with its ``coded_at``), or, for tables without ``coded_at`` (tests,
synthetic stores) and for an ``events`` view that is more than the stored table (the analysts'
reviews applied, :func:`detente.reviews.apply_reviews`), a hash over the events' counted columns.
"""

from __future__ import annotations

import re

import duckdb

from .common import counting_sql, fetch_one, table_exists

TABLE = "dyad_counts"
META_KEY = "dyad_counts"

_BUILD = f"""
  CREATE OR REPLACE TABLE {TABLE} AS
  SELECT least(source_country, target_country) || '-' || greatest(source_country, target_country) AS pair,
         source_country <= target_country AS ab, date, {counting_sql()} AS counted,
         count(*) AS n,
         count(*) FILTER (quad_class = 1) AS q1, count(*) FILTER (quad_class = 2) AS q2,
         count(*) FILTER (quad_class = 3) AS q3, count(*) FILTER (quad_class = 4) AS q4,
         coalesce(sum(goldstein), 0) AS gsum, count(goldstein) AS gn,
         coalesce(sum(goldstein) FILTER (goldstein > 0), 0) AS coop,
         coalesce(-sum(goldstein) FILTER (goldstein < 0), 0) AS conflict
  FROM events
  WHERE date IS NOT NULL AND source_country IS NOT NULL AND target_country IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ORDER BY pair, date, ab, counted
"""


def _build_article_days(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "articles"):
        con.execute("DROP TABLE IF EXISTS article_days")
        return
    ok = "AND coalesce(status, 'ok') = 'ok'" if _has_column(con, "articles", "status") else ""
    con.execute(f"""CREATE OR REPLACE TABLE article_days AS SELECT published AS day, count(*) AS n FROM articles
                    WHERE published IS NOT NULL {ok} GROUP BY 1 ORDER BY 1""")


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = fetch_one(con, "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ? "
                         "AND table_schema = current_schema()", [table, column])
    return bool(row and row[0])


# the view open_db(read_only=True) makes: the stored events as they are
_PLAIN_VIEW = re.compile(r'\s*CREATE VIEW "?events"? AS SELECT \* FROM [\w."]*\.?"?events"?\s*;?\s*', re.IGNORECASE)


def _plain_events(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``events`` is the stored table (or a plain view on it), not events rewritten by a view."""
    row = fetch_one(con, "SELECT sql FROM duckdb_views() WHERE view_name = 'events' AND NOT internal "
                         "AND database_name = current_database() AND schema_name = current_schema()")
    return row is None or bool(_PLAIN_VIEW.fullmatch(row[0] or ""))


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What the events are now, cheaply (see the module docstring)."""
    n_events = fetch_one(con, "SELECT count(*) FROM events")[0]  # type: ignore[index]
    if _plain_events(con) and table_exists(con, "articles") and _has_column(con, "articles", "coded_at"):
        row = fetch_one(con, "SELECT count(*), max(coded_at) FROM articles")
        if row and row[1] is not None:
            return f"{n_events}|{row[0]}|{row[1].isoformat()}"
    row = fetch_one(con, """SELECT sum(hash(event_id, date, source_country, target_country, quad_class, goldstein,
                                        polarity, modality)::HUGEINT) FROM events""")
    return f"{n_events}|hash|{row[0] if row else 0}"


def _meta(con: duckdb.DuckDBPyConnection) -> str | None:
    if not table_exists(con, "happenings_meta"):
        return None
    row = fetch_one(con, "SELECT value FROM happenings_meta WHERE key = ?", [META_KEY])
    return row[0] if row else None


def is_fresh(con: duckdb.DuckDBPyConnection, fp: str | None = None) -> bool:
    """Whether ``dyad_counts`` exists and was built from the events as they are now."""
    return table_exists(con, TABLE) and _meta(con) == (fp or fingerprint(con))


def update_dyad_counts(con: duckdb.DuckDBPyConnection, force: bool = False) -> bool:
    """Rebuild ``dyad_counts`` when missing, when the events changed since, or with ``force``."""
    fp = fingerprint(con)
    if not force and is_fresh(con, fp):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(_BUILD)
        _build_article_days(con)
        con.execute("CREATE TABLE IF NOT EXISTS happenings_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT OR REPLACE INTO happenings_meta VALUES (?, ?)", [META_KEY, fp])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def persistent(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con`` is a store file open for writing: a table built there outlives the call.
    (In memory, or read-only, building the table would cost more than the one scan it saves.)"""
    row = fetch_one(con, "SELECT path, readonly FROM duckdb_databases() WHERE database_name = current_database()")
    return bool(row and row[0] and not row[1])


def usable_dyad_counts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a series can read ``dyad_counts``: on a writable store file it is built or brought
    up to date first; elsewhere (a read-only store, the in-memory analysis database of
    :func:`detente.analysis.common.open_db` with the saved table as a view) it is used when
    the store holds it up to date, and otherwise the caller counts ``events`` itself."""
    if persistent(con):
        update_dyad_counts(con)
        return True
    return is_fresh(con)


def article_volume(con: duckdb.DuckDBPyConnection, trunc: str) -> dict | None:
    """Coded articles per period (``trunc``: month or week) from ``article_days``; ``None`` unless
    it is there and up to date (then count ``articles`` itself)."""
    if not (table_exists(con, "article_days") and is_fresh(con)):
        return None
    rows = con.execute(f"SELECT CAST(date_trunc('{trunc}', day) AS DATE), sum(n) FROM article_days "
                       "GROUP BY 1").fetchall()
    return {r[0]: int(r[1]) for r in rows}


def series_sql(a: str, b: str, directed: bool, include_all: bool, trunc: str, where: list[str]) -> tuple[str, list]:
    """The per-period sums of the dyad a–b (columns as :func:`detente.analysis.dyads.dyad_series`
    reads them: period, n, mentions, q1..q4, gsum, wsum, coop, conflict); ``where`` holds extra
    conditions on ``date`` (their parameters follow the returned ones)."""
    lo, hi = min(a, b), max(a, b)
    cond, params = ["pair = ?"], [f"{lo}-{hi}"]
    if directed:
        cond.append("ab" if a == lo else "NOT ab")
    if not include_all:
        cond.append("counted")
    sql = f"""
      SELECT CAST(date_trunc('{trunc}', date) AS DATE) AS period, sum(n) AS n, sum(n) AS mentions,
             sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4, sum(gsum) AS gsum, sum(gn) AS wsum,
             sum(coop) AS coop, sum(conflict) AS conflict
      FROM {TABLE} WHERE {" AND ".join(cond + where)}
      GROUP BY 1 ORDER BY 1"""
    return sql, params
