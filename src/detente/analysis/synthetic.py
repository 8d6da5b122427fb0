"""Synthetic stores for tests and benchmarks: the events/articles tables, filled from code.

``create_tables(con)`` makes ``events`` and ``articles`` tables with the columns the store
writes (a stand-in for tests and benchmarks only: ``detente.store`` owns the real schema).
``insert_events(con, events, articles)`` flattens :class:`detente.records.Event` objects
into it, each ``record`` the text the store writes (:func:`detente.store.to_json`, byte for byte);
``fill_random(con, n, seed)`` writes ``n`` random events with numpy (fast: 10 million rows in
seconds), for benchmarks: only the columns the analysis reads, with no ``record`` (NULL).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pyarrow as pa

from ..records import Article, Event
from ..store import to_json

EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "VARCHAR PRIMARY KEY"), ("article_id", "VARCHAR"), ("sentence_index", "INTEGER"),
    ("sentence", "VARCHAR"), ("date", "DATE"), ("date_precision", "VARCHAR"), ("date_basis", "VARCHAR"),
    ("source_text", "VARCHAR"), ("source_code", "VARCHAR"), ("source_country", "VARCHAR"),
    ("source_sector", "VARCHAR"), ("source_name", "VARCHAR"), ("target_text", "VARCHAR"),
    ("target_code", "VARCHAR"), ("target_country", "VARCHAR"), ("target_sector", "VARCHAR"),
    ("target_name", "VARCHAR"), ("cameo", "VARCHAR"), ("cameo_root", "VARCHAR"), ("quad_class", "INTEGER"),
    ("goldstein", "DOUBLE"), ("plover", "VARCHAR"), ("plover_mode", "VARCHAR"), ("plover_context", "VARCHAR"),
    ("polarity", "VARCHAR"), ("modality", "VARCHAR"), ("claimant_code", "VARCHAR"),
    ("claimant_country", "VARCHAR"), ("quote", "BOOLEAN"), ("location_name", "VARCHAR"),
    ("location_country", "VARCHAR"), ("location_lat", "DOUBLE"), ("location_lon", "DOUBLE"),
    ("location_geonames_id", "BIGINT"), ("confidence", "DOUBLE"), ("coder", "VARCHAR"),
    ("historical", "BOOLEAN"), ("symmetric", "BOOLEAN"), ("trigger", "VARCHAR"), ("pattern", "VARCHAR"),
    ("record", "JSON"),
)
ARTICLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_id", "VARCHAR PRIMARY KEY"), ("url", "VARCHAR"), ("title", "VARCHAR"), ("source", "VARCHAR"),
    ("published", "DATE"), ("coded_at", "TIMESTAMP"),
)


def create_tables(con: duckdb.DuckDBPyConnection, primary_keys: bool = True) -> None:
    def cols(spec: tuple[tuple[str, str], ...]) -> str:
        out = []
        for n, t in spec:
            out.append(f'"{n}" ' + (t if primary_keys else t.replace(" PRIMARY KEY", "")))
        return ", ".join(out)
    con.execute(f"CREATE TABLE IF NOT EXISTS events ({cols(EVENT_COLUMNS)})")
    con.execute(f"CREATE TABLE IF NOT EXISTS articles ({cols(ARTICLE_COLUMNS)})")


def event_row(ev: Event) -> dict:
    """One ``events`` row from an Event (the flattening the store does)."""
    row: dict = {n: None for n, _ in EVENT_COLUMNS}
    for name in ("event_id", "article_id", "sentence_index", "sentence", "date", "date_precision",
                 "date_basis", "cameo", "cameo_root", "quad_class", "goldstein", "plover", "plover_mode",
                 "plover_context", "polarity", "modality", "quote", "confidence", "coder", "historical",
                 "symmetric", "trigger", "pattern"):
        row[name] = getattr(ev, name)
    for side in ("source", "target"):
        actor = getattr(ev, side)
        if actor is not None:
            for f in ("text", "code", "country", "sector", "name"):
                row[f"{side}_{f}"] = getattr(actor, f)
    if ev.claimant is not None:
        row["claimant_code"], row["claimant_country"] = ev.claimant.code, ev.claimant.country
    if ev.location is not None:
        loc = ev.location
        row.update(location_name=loc.name, location_country=loc.country, location_lat=loc.lat,
                   location_lon=loc.lon, location_geonames_id=loc.geonames_id)
    row["record"] = to_json(ev)  # as the store writes it (detente.store.EVENT_COLUMNS)
    return row


def insert_events(con: duckdb.DuckDBPyConnection, events: Iterable[Event],
                  articles: Iterable[Article] = ()) -> None:
    """Insert (or replace) events and articles, through Arrow (DuckDB's executemany is slow)."""
    rows = [event_row(e) for e in events]
    if rows:
        names = [n for n, _ in EVENT_COLUMNS]
        t = pa.table({n: [r[n] for r in rows] for n in names})
        t = t.set_column(names.index("date"), "date", pa.array(
            [r["date"] for r in rows], pa.string()).cast(pa.date32()))
        con.register("_ins_events", t)
        quoted = ", ".join(f'"{n}"' for n in names)
        con.execute(f"INSERT OR REPLACE INTO events ({quoted}) SELECT {quoted} FROM _ins_events")
        con.unregister("_ins_events")
    arts = list(articles)
    if arts:
        t = pa.table({"article_id": [a.article_id for a in arts], "url": [a.url for a in arts],
                      "title": [a.title for a in arts], "source": [a.source for a in arts],
                      "published": pa.array([a.published for a in arts], pa.string()).cast(pa.date32())})
        con.register("_ins_articles", t)
        con.execute("INSERT OR REPLACE INTO articles (article_id, url, title, source, published) "
                    "SELECT * FROM _ins_articles")
        con.unregister("_ins_articles")


COUNTRIES = ("USA", "CHN", "RUS", "IND", "PAK", "BRA", "ARG", "JPN", "KOR", "FRA", "DEU", "GBR", "IRN",
             "ISR", "TUR", "UKR", "EGY", "ZAF", "NGA", "KEN", "MEX", "CAN", "AUS", "IDN", "SAU", "PRK",
             "VNM", "PHL", "ETH", "POL")
_ROOTS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
          "17", "18", "19", "20")
_QUAD = (1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4)
_GOLD = (0.0, 3.0, 4.0, 1.0, 3.5, 6.0, 7.0, 5.0, 0.0, -2.0, -2.0, -4.0, -6.0, -6.5, -7.2, -4.0, -7.0,
         -9.0, -10.0, -10.0)


def fill_random(con: duckdb.DuckDBPyConnection, n: int, seed: int = 0, days: int = 3 * 365,
                articles: int | None = None, chunk: int = 2_000_000) -> None:
    """Append ``n`` random events (and their articles) to ``events``/``articles``.

    Pairs are drawn with a skewed distribution (a few busy dyads, many quiet ones), dates
    over ``days`` days from 2022-01-01, several reports per happening (events of one article
    share its date), 80% asserted. Only the columns the analysis reads are filled: these rows
    stand for no whole Event, so ``record`` stays NULL (writing one would add about 3.7 s and
    1 GB of memory per million rows to the benchmarks; exports count such rows and go on).
    """
    rng = np.random.default_rng(seed)
    n_articles = articles or max(1, n // 8)
    countries = np.array(COUNTRIES, dtype=object)
    base = np.datetime64("2022-01-01")
    art_day = rng.integers(0, days, n_articles)
    outlets = np.array([f"Outlet {i}" for i in range(50)], dtype=object)
    art_ids = np.char.add("a", np.arange(n_articles).astype(str)).astype(object)
    con.register("_arts", pa.table({
        "article_id": pa.array(art_ids, pa.string()),
        "source": pa.array(outlets[rng.integers(0, 50, n_articles)], pa.string()),
        "published": pa.array((base + art_day).astype("datetime64[D]"), pa.date32()),
    }))
    con.execute("INSERT INTO articles (article_id, source, published) SELECT * FROM _arts")
    con.unregister("_arts")
    k = len(COUNTRIES)
    weights = 1.0 / np.arange(1, k + 1) ** 1.1
    weights /= weights.sum()
    done = 0
    while done < n:
        m = min(chunk, n - done)
        art = rng.integers(0, n_articles, m)
        a = rng.choice(k, m, p=weights)
        b = (a + 1 + rng.choice(k - 1, m, p=weights[: k - 1] / weights[: k - 1].sum())) % k
        root = rng.integers(0, 20, m)
        prec = rng.choice(np.array(["day", "month", "year"], dtype=object), m, p=[0.85, 0.12, 0.03])
        basis = rng.choice(np.array(["explicit", "relative", "publication"], dtype=object), m,
                           p=[0.3, 0.2, 0.5])
        day = art_day[art] - rng.integers(0, 4, m) * (basis != "publication")
        asserted = rng.random(m) < 0.8
        loc = np.where(rng.random(m) < 0.5, countries[a], np.array(None, dtype=object))
        ids = np.char.add("e", np.arange(done, done + m).astype(str)).astype(object)
        t = pa.table({
            "event_id": pa.array(ids, pa.string()),
            "article_id": pa.array(art_ids[art], pa.string()),
            "sentence_index": pa.array(rng.integers(0, 30, m), pa.int32()),
            "sentence": pa.array(np.char.add("Synthetic sentence ", ids.astype(str)).astype(object), pa.string()),
            "date": pa.array((base + day).astype("datetime64[D]"), pa.date32()),
            "date_precision": pa.array(prec, pa.string()),
            "date_basis": pa.array(basis, pa.string()),
            "source_country": pa.array(countries[a], pa.string()),
            "target_country": pa.array(countries[b], pa.string()),
            "cameo": pa.array(np.char.add(np.array(_ROOTS)[root], "0").astype(object), pa.string()),
            "cameo_root": pa.array(np.array(_ROOTS, dtype=object)[root], pa.string()),
            "quad_class": pa.array(np.array(_QUAD)[root], pa.int32()),
            "goldstein": pa.array(np.array(_GOLD)[root], pa.float64()),
            "polarity": pa.array(np.where(asserted, "asserted", "negated").astype(object), pa.string()),
            "modality": pa.array(np.full(m, "actual", dtype=object), pa.string()),
            "location_country": pa.array(loc, pa.string()),
            "confidence": pa.array(np.round(rng.random(m), 3), pa.float64()),
            "historical": pa.array(np.zeros(m, dtype=bool), pa.bool_()),
        })
        con.register("_evs", t)
        con.execute(f"INSERT INTO events ({', '.join(t.column_names)}) SELECT * FROM _evs")
        con.unregister("_evs")
        done += m
