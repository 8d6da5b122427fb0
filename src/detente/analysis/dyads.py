"""Dyad series: how two countries treat each other, period by period.

Contract: ``dyad_series(con, a, b, freq="month", ...) -> list[dict]``, one dict per period
from ``start`` to ``end`` (empty periods included, with zero counts and a missing index; both
inclusive, as dates
or ``YYYY``/``YYYY-MM``/``YYYY-MM-DD``, an end month or year meaning its last day:
:func:`detente.dates.parse_bound`), keys:

``period`` (ISO date of the period start: the 1st of the month, or the Monday of the ISO
week), ``n`` (happenings, or events with ``unit="events"``), ``mentions``, ``q1``..``q4``
(counts by CAMEO QuadClass: verbal cooperation, material cooperation, verbal conflict,
material conflict), ``goldstein_sum``, ``goldstein_mean``, ``coop`` and ``conflict``
(Goldstein mass, below) and ``index`` (the index and the mean rounded to 2 decimals, the
Goldstein sums to the 1 decimal Goldstein values have). A period without happenings has ``n = 0`` and
``index = goldstein_mean = None``: missing, not neutral (an index of 0 is a period whose
cooperation and conflict balance).

The cooperation–conflict index (docs/analysis.md)::

    coop     = sum of w * goldstein over items with goldstein > 0
    conflict = sum of w * |goldstein| over items with goldstein < 0
    index    = 100 * (coop - conflict) / (coop + conflict + k)

with ``w = 1`` (or the number of mentions when ``weighted=True``) and ``k = SMOOTHING``
(5 Goldstein points): the index lies in (-100, 100), is 0 for a neutral period
and a single mild event does not swing it to an extreme.

By default the items are happenings (``unit="happenings"``, see happenings.py), asserted
only; ``include_all=True`` also counts negated, hypothetical and denied ones;
``unit="events"`` counts event records directly (both halves of a symmetric event count), read
from the materialised ``dyad_counts`` table (:mod:`detente.analysis.dyadcounts`: the pair's rows
only; built or brought up to date first on a store open for writing; where it cannot be kept, a
read-only or in-memory connection without an up-to-date saved table, ``events`` is scanned).
``directed=True`` keeps only a -> b (for happenings: those with at least one a -> b report).

Normalisation (as GDELT's and ICEWS's aggregates offer): ``articles`` is the number of coded
articles (``status = 'ok'``) published in the period, whatever they are about: the volume of
news the store holds then; ``n_per_1000`` and ``q1_per_1000``..``q4_per_1000`` are the counts
per 1,000 of them, beside the raw counts (``None`` when the period has no coded article, e.g.
for events dated long before the articles that report them, or when the store has no
``articles`` table). Articles without a publication date are not in any period.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import duckdb

from ..dates import parse_bound
from .common import (
    AnalysisError,
    connection,
    counting_sql,
    fetch_one,
    norm_code,
    require_events,
    table_exists,
)
from .dyadcounts import article_volume, usable_dyad_counts
from .dyadcounts import series_sql as dyad_counts_sql
from .happenings import ensure_happenings

SMOOTHING = 5.0
FREQS = ("month", "week")
SERIES_COLUMNS = ("period", "n", "mentions", "q1", "q2", "q3", "q4", "goldstein_sum", "goldstein_mean",
                  "coop", "conflict", "index", "articles", "n_per_1000", "q1_per_1000", "q2_per_1000",
                  "q3_per_1000", "q4_per_1000")
PER = 1000  # normalised counts: per this many coded articles of the period
DECIMALS = 2  # of the index and the mean Goldstein (sums keep Goldstein's 1 decimal; per-1,000 counts 3)


def cooperation_index(coop: float, conflict: float, k: float = SMOOTHING) -> float:
    """100 * (coop - conflict) / (coop + conflict + k); see the module docstring."""
    denom = coop + conflict + k
    return 0.0 if denom <= 0 else 100.0 * (coop - conflict) / denom


def _period_start(d: _dt.date, freq: str) -> _dt.date:
    if freq == "week":
        return d - _dt.timedelta(days=d.weekday())
    return d.replace(day=1)


def _next_period(d: _dt.date, freq: str) -> _dt.date:
    if freq == "week":
        return d + _dt.timedelta(days=7)
    return _dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def periods(start: _dt.date, end: _dt.date, freq: str) -> list[_dt.date]:
    out, p = [], _period_start(start, freq)
    while p <= end:
        out.append(p)
        p = _next_period(p, freq)
    return out


def _items_sql(a: str, b: str, unit: str, directed: bool, include_all: bool, weighted: bool) -> tuple[str, list]:
    """FROM/WHERE selecting the dyad's items with columns date, quad_class, goldstein, w."""
    if unit == "happenings":
        lo, hi = min(a, b), max(a, b)
        cond = "pair = ?"
        params: list = [f"{lo}-{hi}"]
        if directed:
            cond += " AND has_ab" if a == lo else " AND has_ba"
        if not include_all:
            cond += " AND asserted"
        w = "num_mentions" if weighted else "1"
        sql = f"SELECT date, quad_class, goldstein, {w} AS w, num_mentions AS mentions FROM happenings WHERE {cond}"
        return sql, params
    if unit != "events":
        raise AnalysisError("E606", unit, "unit must be happenings or events")
    if directed:
        cond, params = "source_country = ? AND target_country = ?", [a, b]
    else:
        cond, params = ("((source_country = ? AND target_country = ?) OR "
                        "(source_country = ? AND target_country = ?))"), [a, b, b, a]
    if not include_all:
        cond += f" AND {counting_sql()}"
    sql = f"SELECT date, quad_class, goldstein, 1 AS w, 1 AS mentions FROM events WHERE date IS NOT NULL AND {cond}"
    return sql, params


def _counted_rows(con: duckdb.DuckDBPyConnection, a: str, b: str, directed: bool, include_all: bool, trunc: str,
                  where: list[str], wparams: list) -> list[tuple] | None:
    """``unit="events"``: the per-period sums from the materialised ``dyad_counts`` (the pair's rows
    only); ``None`` when it cannot be used here (:func:`detente.analysis.dyadcounts.usable_dyad_counts`)."""
    if not usable_dyad_counts(con):
        return None
    sql, params = dyad_counts_sql(a, b, directed, include_all, trunc, where)
    return con.execute(sql, params + wparams).fetchall()


def dyad_series(store_or_con: object, a: str, b: str, freq: str = "month", start: Any = None,  # noqa: PLR0913 - options
                end: Any = None, directed: bool = False, weighted: bool = False,
                include_all: bool = False, unit: str = "happenings",
                smoothing: float = SMOOTHING) -> list[dict]:
    """The per-period series for the dyad a–b (see the module docstring for the columns)."""
    con = connection(store_or_con)
    require_events(con)
    a, b = norm_code(a), norm_code(b)
    if freq not in FREQS:
        raise AnalysisError("E607", freq, "freq must be month or week")
    start_d, end_d = parse_bound(start, what="from"), parse_bound(end, end=True, what="to")
    if unit == "happenings":
        ensure_happenings(con, include_all=include_all)
    where, wparams = [], []
    if start_d:
        where.append("date >= ?")
        wparams.append(_period_start(start_d, freq))
    if end_d:
        where.append("date <= ?")
        wparams.append(end_d)
    trunc = "week" if freq == "week" else "month"
    rows = _counted_rows(con, a, b, directed, include_all, trunc, where, wparams) if unit == "events" else None
    if rows is None:
        items, params = _items_sql(a, b, unit, directed, include_all, weighted)
        filt = ("WHERE " + " AND ".join(where)) if where else ""
        rows = con.execute(f"""
          SELECT CAST(date_trunc('{trunc}', date) AS DATE) AS period, count(*) AS n,
                 sum(mentions) AS mentions,
                 count(*) FILTER (quad_class = 1) AS q1, count(*) FILTER (quad_class = 2) AS q2,
                 count(*) FILTER (quad_class = 3) AS q3, count(*) FILTER (quad_class = 4) AS q4,
                 sum(w * goldstein) AS gsum, sum(w) FILTER (goldstein IS NOT NULL) AS wsum,
                 coalesce(sum(w * goldstein) FILTER (goldstein > 0), 0) AS coop,
                 coalesce(-sum(w * goldstein) FILTER (goldstein < 0), 0) AS conflict
          FROM ({items}) {filt}
          GROUP BY 1 ORDER BY 1""", params + wparams).fetchall()
    by_period = {r[0]: r for r in rows}
    if not rows and not (start_d and end_d):
        return []
    volume = _coded_articles(con, trunc)
    first = start_d or rows[0][0]
    last = end_d or rows[-1][0]
    out = []
    for p in periods(first, last, freq):
        r = by_period.get(p)
        row: dict[str, Any]
        if r is None:
            row = {"period": p.isoformat(), "n": 0, "mentions": 0, "q1": 0, "q2": 0, "q3": 0, "q4": 0,
                   "goldstein_sum": 0.0, "goldstein_mean": None, "coop": 0.0, "conflict": 0.0,
                   "index": None}  # no happening: missing, not neutral
        else:
            _, n, mentions, q1, q2, q3, q4, gsum, wsum, coop, conflict = r
            # Goldstein values have 1 decimal, and so have their (integer-weighted) sums: rounding
            # them first makes the results independent of the order the sums were added in
            gsum, coop, conflict = (round(float(x or 0.0), 1) for x in (gsum, coop, conflict))
            row = {"period": p.isoformat(), "n": int(n), "mentions": int(mentions or 0), "q1": int(q1),
                   "q2": int(q2), "q3": int(q3), "q4": int(q4), "goldstein_sum": gsum,
                   "goldstein_mean": round(gsum / float(wsum), DECIMALS) if wsum else None,
                   "coop": coop, "conflict": conflict,
                   "index": round(cooperation_index(coop, conflict, smoothing), DECIMALS)}
        arts = volume.get(p, 0) if volume is not None else None
        row["articles"] = arts
        for col in ("n", "q1", "q2", "q3", "q4"):
            row[f"{col}_per_1000"] = round(PER * row[col] / arts, 3) if arts else None
        out.append(row)
    return out


def _coded_articles(con: Any, trunc: str) -> dict[_dt.date, int] | None:
    """Coded articles published per period (``None`` without an ``articles`` table): from the
    materialised ``article_days`` when it is up to date (dyadcounts.py), else counted here."""
    volume = article_volume(con, trunc)
    if volume is not None:
        return volume
    if not table_exists(con, "articles"):
        return None
    has_status = fetch_one(con, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'articles' "
                                "AND column_name = 'status' AND table_schema = current_schema()")
    ok = "AND coalesce(status, 'ok') = 'ok'" if has_status and has_status[0] else ""
    rows = con.execute(f"""SELECT CAST(date_trunc('{trunc}', published) AS DATE), count(*) FROM articles
                           WHERE published IS NOT NULL {ok} GROUP BY 1""").fetchall()
    return {r[0]: int(r[1]) for r in rows}


def series_to_arrow(series: list[dict]) -> Any:
    """The series as a pyarrow Table (for Parquet / CSV export); a missing index is null."""
    import pyarrow as pa

    cols: dict[str, list] = {c: [r[c] for r in series] for c in SERIES_COLUMNS}
    cols["period"] = [_dt.date.fromisoformat(p) for p in cols["period"]]
    types = {"period": pa.date32()}
    types.update({c: pa.int64() for c in ("n", "mentions", "q1", "q2", "q3", "q4", "articles")})
    schema = pa.schema([(c, types.get(c, pa.float64())) for c in SERIES_COLUMNS])
    return pa.table(cols, schema=schema)


def write_series(series: list[dict], path: str) -> None:
    """Write the series as CSV (``.csv``) or Parquet (``.parquet``)."""
    table = series_to_arrow(series)
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, path)


def dyad_sources(store_or_con: object, a: str, b: str, start: Any = None, end: Any = None,
                 directed: bool = False, include_all: bool = False) -> dict[str, int]:
    """How many articles and outlets the dyad's happenings between ``start`` and ``end`` rest on:
    ``{"happenings", "articles", "sources"}`` (an article without an outlet counts as its own)."""
    con = connection(store_or_con)
    a, b = norm_code(a), norm_code(b)
    ensure_happenings(con, include_all=include_all)
    s, e = parse_bound(start, what="from"), parse_bound(end, end=True, what="to")
    cond = "h.pair = ?" + ("" if include_all else " AND h.asserted")
    if directed:
        cond += " AND h.has_ab" if a == min(a, b) else " AND h.has_ba"
    params: list[Any] = [f"{min(a, b)}-{max(a, b)}"]
    if s:
        cond += " AND h.date >= ?"
        params.append(s)
    if e:
        cond += " AND h.date <= ?"
        params.append(e)
    outlet = "a.source" if table_exists(con, "articles") else "NULL"
    join = "LEFT JOIN articles a ON a.article_id = ev.article_id" if outlet != "NULL" else ""
    row = fetch_one(con, f"""
      SELECT count(DISTINCT h.happening_id), count(DISTINCT ev.article_id),
             count(DISTINCT coalesce({outlet}, 'article:' || ev.article_id))
      FROM happenings h JOIN happening_events he USING (happening_id)
      JOIN events ev ON ev.event_id = he.event_id {join} WHERE {cond}""", params)
    return {"happenings": int(row[0]), "articles": int(row[1]), "sources": int(row[2])} if row else \
        {"happenings": 0, "articles": 0, "sources": 0}


def series_caption(a: str, b: str, freq: str, series: list[dict], sources: dict[str, int] | None = None,  # noqa: PLR0913 - options
                   directed: bool = False, weighted: bool = False, include_all: bool = False,
                   smoothing: float = SMOOTHING) -> str:
    """The chart's caption: what each point is (the formula), the filters, what it rests on."""
    w = "mentions" if weighted else "1"
    items = "happenings" + (", all factualities" if include_all else ", asserted only")
    pair = f"{a.upper()} → {b.upper()} only" if directed else f"{a.upper()}–{b.upper()} both ways"
    empty = sum(1 for r in series if not r["n"])
    span = f"{series[0]['period']} to {series[-1]['period']}" if series else "no periods"
    text = (f"Index per {freq} = 100·(coop − conflict)/(coop + conflict + {smoothing:g}); coop/conflict = "
            f"Σ w·|Goldstein| of cooperative/conflictual {items}, w = {w}. {pair}, {span}; "
            f"{empty} empty {freq}(s) left as gaps. Point size and label: happenings per {freq}.")
    if sources is not None:
        text += (f" Rests on {sources['happenings']} happenings from {sources['articles']} articles, "
                 f"{sources['sources']} outlet(s).")
    return text


def busiest_pairs(store_or_con: object, limit: int = 10, include_domestic: bool = False) -> list[tuple[str, str, int]]:
    """Country pairs with the most (asserted) happenings: [(a, b, n)], most first."""
    con = connection(store_or_con)
    ensure_happenings(con)
    dom = "" if include_domestic else "AND country_a <> country_b"
    rows = con.execute(f"""SELECT country_a, country_b, count(*) AS n FROM happenings
                           WHERE asserted {dom} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?""",
                       [limit]).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]

