"""Export from the store: JSON Lines, CSV, Parquet, and GDELT 2.0 event-table rows.

Contract: ``export(store, fmt, out=None, table="events", header=False, counts_only=None, **filters)
-> int`` (rows written). ``out=None`` writes to stdout (not for Parquet). A stored ``record`` jsonl
cannot write (NULL; for articles also JSON that does not read as its record) is left out and
counted by reason in ``left_out`` (a ``Counter`` the caller passes): one bad row never stops an export.

- ``jsonl``: lossless. ``table="events"`` (the default): one Event JSON per line (the ``record``
  column); ``table="articles"``: one ``CodedArticle.to_dict()`` per line (article + events +
  quantities + accounts), ``json.dumps`` of it byte for byte, put together from the stored
  ``record`` text (:meth:`Store.coded_article_lines`: one sorted query, streamed; a record an
  earlier detente wrote, with other fields, is rebuilt through its dataclass);
  ``quantities`` / ``accounts``: their records.
- ``csv``: the table's flattened columns, with a header; ``record`` left out (it is JSON);
  lists as JSON. Events carry their article's ``article_source_id`` (the input's own id),
  ``article_url``, ``article_title``, ``article_source`` (outlet), ``article_published`` and
  ``article_origin`` (:data:`detente.store.EVENT_ARTICLE_COLUMNS`), and the countries' codes
  for merging, ISO 3166 alpha-3, Gleditsch–Ward and COW numbers (:data:`COUNTRY_CODE_COLUMNS`,
  from :mod:`detente.countries`). CAMEO codes are text ("042"): read them as strings. Floats
  have the precision they carry (:data:`ROUNDED`: Goldstein 1 decimal, confidence 3,
  coordinates 5), not binary noise.
- ``parquet``: the same columns as csv, typed (CAMEO codes as strings, GW/COW as integers);
  without ``record``, which would repeat every row as JSON: the lossless form is ``jsonl``
  (``table="articles"``: whole coded articles).
- ``gdelt``: the GDELT 2.0 event table's 61 columns in GDELT's order, tab-separated, no
  header (as GDELT publishes it) unless ``header=True``; only counted events (asserted,
  not hypothetical or denied: GDELT has no polarity column) unless ``counts_only=False``.
  ``NumMentions``/``NumSources``/``NumArticles`` are those of the event's happening (the
  clustering of :mod:`detente.analysis.happenings`, run in memory); ``*Geo_CountryCode`` in
  FIPS 10-4 as GDELT has them, or ``geo_codes="iso3"``/``"iso2"``/``"cameo"``.
  How each column is filled: :data:`GDELT_COLUMNS` and docs/schema.md.
- ``table="happenings"`` (jsonl, csv, parquet): the clustered happenings
  (:func:`write_happenings`, :data:`HAPPENING_COLUMNS` and their ``event_ids``), clustered in
  memory as ``detente happenings`` would; asserted ones unless ``counts_only=False``.

Filters (``actor``, ``pair``, ``start``, ``end``, ``root``, ``quad_class``, ``polarity``,
``modality``, ``counts_only``, ``article``) apply to events in every format, through the query
of :meth:`Store.events` (:meth:`Store.event_where`); ``article`` (an ``article_id``, a unique
prefix of it, or the input's own id) applies to every table.

Order and ``limit``: every table is written in one fixed order, the same in every format, so
``limit=N`` (a whole number, 1 or more: :func:`check_limit`, else ``E328``) writes the first N rows of
the unlimited export, the same ones on every run: events by date (undated last), ``article_id``,
``sentence_index``, ``event_id`` (gdelt: the publication date for an undated event); articles by
``coded_at``, ``article_id``; quantities by ``article_id``, ``sentence_index``, ``quantity_id``;
accounts by ``article_id``, ``account_id``; happenings by date, pair, ``happening_id``; reviews
oldest first (the gold set by article and sentence). The limit is the query's ``LIMIT``.

Nothing is half-written and no database is overwritten: ``out`` may not be the store (or its
``.wal``) or any DuckDB file (``E327``, checked before anything is written); the export is
written to a temporary file beside ``out`` and renamed over it only when complete, so a failed
or interrupted export leaves ``out`` as it was. An ``out`` that exists and is not a regular file
(``/dev/stdout``, a FIFO) is written directly.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import secrets
import shutil
import stat
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from . import countries
from .errors import ConfigError, StoreError
from .store import EVENT_ARTICLE_COLUMNS, TABLES, Store, null_record

FORMATS = ("jsonl", "csv", "parquet", "gdelt")
GEO_CODES = ("fips", "iso3", "iso2", "cameo")  # how gdelt writes *Geo_CountryCode

# Events in csv/parquet: the country codes analysts merge on (column, events column, crosswalk field)
COUNTRY_CODE_COLUMNS: list[tuple[str, str, str]] = [
    (f"{side}_{field}", f"{side}_country", field)
    for side in ("source", "target") for field in ("iso3", "gw", "cow")
] + [("location_iso3", "location_country", "iso3")]

# GDELT 2.0 event table (http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf),
# in file order, with what detente puts there ("" = left empty).
GDELT_COLUMNS: list[tuple[str, str]] = [
    ("GLOBALEVENTID", "integer from the first 15 hex digits of event_id (stable across runs)"),
    ("SQLDATE", "event date YYYYMMDD (the resolved date, else the publication date)"),
    ("MonthYear", "YYYYMM"),
    ("Year", "YYYY"),
    ("FractionDate", "YYYY + (month * 30 + day) / 365, 4 decimals (GDELT's formula)"),
    ("Actor1Code", "source actor code (CHNGOV)"),
    ("Actor1Name", "source actor canonical name, upper case"),
    ("Actor1CountryCode", "source actor country (CAMEO 3-letter)"),
    ("Actor1KnownGroupCode", "source actor code when it is an IGO or known group (no country)"),
    ("Actor1EthnicCode", ""),
    ("Actor1Religion1Code", ""),
    ("Actor1Religion2Code", ""),
    ("Actor1Type1Code", "source actor sector (GOV, MIL, BUS, ...)"),
    ("Actor1Type2Code", ""),
    ("Actor1Type3Code", ""),
    ("Actor2Code", "target actor, as Actor1*"),
    ("Actor2Name", ""),
    ("Actor2CountryCode", ""),
    ("Actor2KnownGroupCode", ""),
    ("Actor2EthnicCode", ""),
    ("Actor2Religion1Code", ""),
    ("Actor2Religion2Code", ""),
    ("Actor2Type1Code", ""),
    ("Actor2Type2Code", ""),
    ("Actor2Type3Code", ""),
    ("IsRootEvent", "1 when the event is in the article's first three sentences (the lead), else 0"),
    ("EventCode", "CAMEO code, leading zeros kept (042)"),
    ("EventBaseCode", "first three digits of the CAMEO code"),
    ("EventRootCode", "CAMEO root (04)"),
    ("QuadClass", "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict"),
    ("GoldsteinScale", "Goldstein value of the CAMEO code"),
    ("NumMentions", "sentences reporting the event's happening, in every article (1 when not clustered)"),
    ("NumSources", "distinct outlets reporting the happening (an article without an outlet counts as one)"),
    ("NumArticles", "articles reporting the happening"),
    ("AvgTone", "empty (detente does not measure tone)"),
    ("Actor1Geo_Type", ""),
    ("Actor1Geo_FullName", ""),
    ("Actor1Geo_CountryCode", ""),
    ("Actor1Geo_ADM1Code", ""),
    ("Actor1Geo_ADM2Code", ""),
    ("Actor1Geo_Lat", ""),
    ("Actor1Geo_Long", ""),
    ("Actor1Geo_FeatureID", ""),
    ("Actor2Geo_Type", ""),
    ("Actor2Geo_FullName", ""),
    ("Actor2Geo_CountryCode", ""),
    ("Actor2Geo_ADM1Code", ""),
    ("Actor2Geo_ADM2Code", ""),
    ("Actor2Geo_Lat", ""),
    ("Actor2Geo_Long", ""),
    ("Actor2Geo_FeatureID", ""),
    ("ActionGeo_Type", "1 country, 2 US state, 3 US city, 4 world city (from location.feature)"),
    ("ActionGeo_FullName", "location name"),
    ("ActionGeo_CountryCode", "location country, FIPS 10-4 2-letter as GDELT (--geo-codes iso3|iso2|cameo)"),
    ("ActionGeo_ADM1Code", "the country code again for a country-level location (as GDELT), else empty"),
    ("ActionGeo_ADM2Code", ""),
    ("ActionGeo_Lat", "location latitude"),
    ("ActionGeo_Long", "location longitude"),
    ("ActionGeo_FeatureID", "GeoNames id of the location"),
    ("DATEADDED", "when the article was coded, YYYYMMDDHHMMSS UTC"),
    ("SOURCEURL", "the article's URL (else its origin: file path or path:line)"),
]
GDELT_HEADER = [name for name, _ in GDELT_COLUMNS]
assert len(GDELT_HEADER) == 61


def export(store: Store, fmt: str, out: str | None = None, table: str = "events", header: bool = False,  # noqa: PLR0913 - options
           counts_only: bool | None = None, limit: int | None = None, geo_codes: str = "fips",
           left_out: Counter[str] | None = None, **filters: Any) -> int:
    """Write the store (or the filtered events) in ``fmt`` to ``out`` (a path) or stdout; rows written.
    ``limit``: at most that many rows, the first ones in the table's order (module docstring).
    ``left_out``: counts, by reason, the records jsonl left out (a NULL or unreadable ``record``)."""
    limit = check_limit(limit)
    if table == "reviews":  # the analysts' reviews: jsonl, csv, or gold for `detente eval` (detente.reviews)
        from .reviews import export_reviews

        return export_reviews(store, fmt, out, limit=limit, **filters)
    if fmt not in FORMATS:
        raise ConfigError("E320", "format", f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    if geo_codes not in GEO_CODES:
        raise ConfigError("E320", "geo_codes", f"unknown country code scheme {geo_codes!r}; "
                                               f"one of {', '.join(GEO_CODES)}")
    if table not in TABLES and table != "happenings":
        raise ConfigError("E321", "table", f"unknown table {table!r}; one of {', '.join(TABLES)}, happenings")
    if out and out != "-":
        refuse_database(out, store.path)
    if fmt == "gdelt":
        where, params = store.event_where(counts_only=True if counts_only is None else counts_only, **filters)
        with _opened(out) as fh:
            return write_gdelt(store, fh, where, params, header=header, limit=limit, geo_codes=geo_codes)
    if table == "happenings":
        if fmt == "parquet" and not out:
            raise ConfigError("E322", "out", "Parquet is binary: give a file with --out")
        where, params = store.event_where(**filters)
        return write_happenings(store, fmt, out, where, params, include_all=counts_only is False, limit=limit)
    where, params = store.event_where(counts_only=bool(counts_only), **filters) if table == "events" \
        else _table_filter(store, {**filters, "counts_only": counts_only})
    if fmt == "parquet":
        if not out:
            raise ConfigError("E322", "out", "Parquet is binary: give a file with --out")
        return write_parquet(store, table, out, where, params, limit)
    with _opened(out) as fh:
        if fmt == "csv":
            return write_csv(store, table, fh, where, params, limit)
        if table == "articles":
            return write_articles_jsonl(store, fh, params[0] if params else None, limit, left_out)
        return write_jsonl(store, table, fh, where, params, limit, left_out)


def check_limit(limit: int | str | None) -> int | None:
    """``limit`` as :func:`export` takes it: ``None`` (every row) or a whole number of rows, 1 or more
    (an ``int``, or its digits as ``--limit`` gives them); anything else is ``E328``."""
    if limit is None:
        return None
    value: int | None = None
    if isinstance(limit, int) and not isinstance(limit, bool):
        value = limit
    elif isinstance(limit, str) and limit.strip().isascii() and limit.strip().isdigit():
        value = int(limit.strip())
    if value is None or value < 1:
        raise ConfigError("E328", "--limit", f"{limit!r} is not a number of rows: give a whole number, 1 or more "
                                             f"(or leave --limit out for every row)")
    return value


def _table_filter(store: Store, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The WHERE clause for the articles, quantities and accounts tables: only ``article``
    (one article, as for events) applies to them."""
    filters = dict(filters)
    article = filters.pop("article", None)
    given = sorted(k for k, v in filters.items() if v not in (None, False, ()))
    if given:
        raise ConfigError("E323", "filters", f"event filters ({', '.join(given)}) apply to the events table "
                                             f"only; --article applies to every table")
    if article is None:
        return "TRUE", []
    return "article_id IN (SELECT unnest(?::VARCHAR[]))", [[store.resolve_article(article)]]


_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of a DuckDB database file


def is_duckdb_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file that starts like a DuckDB database."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(12)[8:12] == _DUCKDB_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def refuse_database(out: str, store_path: str) -> None:
    """ConfigError ``E327`` when writing ``out`` would overwrite the store, its write-ahead log,
    or any other DuckDB database."""
    target = Path(out)
    if store_path != ":memory:" and any(_same_file(target, Path(p)) for p in (store_path, f"{store_path}.wal")):
        raise ConfigError("E327", out, "is the store; the export would overwrite it (give another --out file)")
    if is_duckdb_file(target):
        raise ConfigError("E327", out, "is a DuckDB database; the export would overwrite it "
                                       "(give another --out file)")


@contextmanager
def written_whole(out: str) -> Iterator[str]:
    """A temporary path beside ``out`` to write the export to, renamed to ``out`` when the block
    ends without an error and removed when it does not: ``out`` is never left half-written.
    ``out`` that exists and is not a regular file (a FIFO, ``/dev/stdout``) is given as it is."""
    target = Path(out)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        yield out
        return
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield str(tmp)
        if mode is not None:
            shutil.copymode(target, tmp)  # replacing a file keeps its permissions
        os.replace(tmp, target)
    except OSError as exc:
        raise StoreError("E324", out, f"cannot write the export: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _opened(out: str | None) -> Iterator[IO[str]]:
    if not out or out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with written_whole(out) as path:
        try:
            fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise StoreError("E324", out, f"cannot write the export: {exc.strerror}") from None
        with fh:
            yield fh


_CODES_VIEW = "_detente_country_codes"

# Event floats in csv/parquet, rounded to the precision they have (decimals): Goldstein values have
# one, the coder's confidences two (three kept), GeoNames coordinates five (about a metre).
ROUNDED = {"goldstein": 1, "confidence": 3, "location_lat": 5, "location_lon": 5}


def _codes_cte() -> str:
    """The crosswalk as a WITH clause (written into the query, so the store is not written and any
    cursor sees it)."""
    def lit(v: object) -> str:
        return "NULL" if v is None else str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
    rows = ", ".join(f"({lit(r.cameo)}, {lit(r.iso3)}, {lit(r.gw)}, {lit(r.cow)})"
                     for r in countries.crosswalk().values())
    return f"WITH {_CODES_VIEW}(cameo, iso3, gw, cow) AS (VALUES {rows}) "


_ORDER = {"events": "date NULLS LAST, article_id, sentence_index, event_id",
          "quantities": "article_id, sentence_index, quantity_id", "accounts": "article_id, account_id",
          "articles": "coded_at, article_id"}


def _select_sql(store: Store, table: str, columns: Sequence[str], where: str, limit: int | None) -> str:
    """``SELECT columns FROM table WHERE where`` in the table's order. For ``events``, the columns of
    :data:`EVENT_ARTICLE_COLUMNS` come from the event's article (NULL for an article not stored)."""
    article_cols = dict(EVENT_ARTICLE_COLUMNS)
    code_cols = {c: (src, field) for c, src, field in COUNTRY_CODE_COLUMNS}
    if table == "events" and any(c in article_cols or c in code_cols for c in columns):
        # the crosswalk row of each country column by one LEFT JOIN (three: source, target, location;
        # the crosswalk has one row per CAMEO code, so no event is repeated); a scalar subquery per
        # code column made DuckDB plan seven joins, each with its own filter and projections
        code_alias = {src: f"k{i}" for i, src in enumerate(dict.fromkeys(src for src, _ in code_cols.values()))}

        def expr(c: str) -> str:
            if c in article_cols:
                return store.column_sql("articles", article_cols[c], "a", c)
            if c in code_cols:
                src, field = code_cols[c]
                typ = "VARCHAR" if field == "iso3" else "INTEGER"
                return f'CAST({code_alias[src]}.{field} AS {typ}) AS "{c}"'
            if c in ROUNDED:
                return f'round(e."{c}", {ROUNDED[c]}) AS "{c}"'
            return f'e."{c}"'
        select = ", ".join(expr(c) for c in columns)
        used = dict.fromkeys(code_cols[c][0] for c in columns if c in code_cols)
        with_codes = _codes_cte() if used else ""
        joins = "".join(f'LEFT JOIN {_CODES_VIEW} {code_alias[src]} ON {code_alias[src]}.cameo = e."{src}" '
                        for src in used)
        sql = (f"{with_codes}SELECT {select} FROM (SELECT * FROM events WHERE {where}) e "
               f"LEFT JOIN articles a ON a.article_id = e.article_id {joins}"
               f"ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.event_id")
    else:
        select = ", ".join(store.column_sql(table, c) for c in columns)
        sql = f"SELECT {select} FROM {table} WHERE {where} ORDER BY {_ORDER.get(table, 'article_id')}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql


def _select(store: Store, table: str, columns: Sequence[str], where: str, params: list[Any],
            limit: int | None) -> Any:
    return store.stream(_select_sql(store, table, columns, where, limit), params)


def _columns(table: str, with_record: bool) -> list[str]:
    """The export's columns: the table's (``record`` last, when kept); for ``events``, the article's
    countries' ISO/GW/COW codes, then the article's url, title, outlet, date, input id and origin."""
    cols = [c for c, _, _ in TABLES[table] if c != "record"]
    if table == "events":
        cols += [c for c, _, _ in COUNTRY_CODE_COLUMNS]
        cols += [c for c, _ in EVENT_ARTICLE_COLUMNS]
    if with_record and any(c == "record" for c, _, _ in TABLES[table]):
        cols.append("record")
    return cols


def write_jsonl(store: Store, table: str, fh: IO[str], where: str, params: list[Any],
                limit: int | None = None, left_out: Counter[str] | None = None) -> int:
    """The ``record`` column, one JSON object per line: lossless records. A row whose ``record`` is
    NULL has nothing to write: it is left out and counted in ``left_out``."""
    cur = _select(store, table, ["record"], where, params, limit)
    n = 0
    while rows := cur.fetchmany(1000):
        lines = [r[0] + "\n" for r in rows if r[0] is not None]
        if len(lines) < len(rows) and left_out is not None:
            left_out[null_record(table)] += len(rows) - len(lines)
        fh.writelines(lines)
        n += len(lines)
    return n


def write_articles_jsonl(store: Store, fh: IO[str], article_ids: Sequence[str] | None,
                         limit: int | None = None, left_out: Counter[str] | None = None) -> int:
    """One ``CodedArticle.to_dict()`` per line (``json.dumps``, ensure_ascii=False), put together
    from the stored records' JSON text (:meth:`Store.coded_article_lines`), streamed; a record that
    cannot be read back is left out of its article and counted in ``left_out``."""
    n = 0
    for line in store.coded_article_lines(article_ids=article_ids, limit=limit, left_out=left_out):
        fh.write(line + "\n")
        n += 1
    return n


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# SQL types whose Python values the csv writer writes as _cell would (None as "", str() of the rest:
# a date's str() is its isoformat(), a timestamp's is not): no _cell call for them
_PLAIN_TYPES = frozenset({"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                          "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DATE"})


def write_csv(store: Store, table: str, fh: IO[str], where: str, params: list[Any],
              limit: int | None = None) -> int:
    """The table's columns with a header; dates as ISO, lists as JSON (:func:`_cell`), converted in
    the columns whose type needs it only (most cells are text or numbers, which csv writes as they are)."""
    columns = _columns(table, with_record=False)
    cur = _select(store, table, columns, where, params, limit)
    convert = [i for i, d in enumerate(cur.description) if str(d[1]) not in _PLAIN_TYPES]
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    while rows := cur.fetchmany(1000):
        if convert:
            rows = [list(row) for row in rows]
            for row in rows:
                for i in convert:
                    row[i] = _cell(row[i])
        writer.writerows(rows)
        n += len(rows)
    return n


def write_parquet(store: Store, table: str, out: str, where: str, params: list[Any],
                  limit: int | None = None) -> int:
    """Streamed in Arrow record batches: memory stays flat however many rows."""
    sql = _select_sql(store, table, _columns(table, with_record=False), where, limit)
    return _write_parquet_sql(store.con, store.path, sql, params, out)


# --- happenings ----------------------------------------------------------------------------

HAPPENING_COLUMNS = ("happening_id", "pair", "country_a", "country_b", "family", "cameo", "cameo_root",
                     "quad_class", "goldstein", "date", "date_precision", "date_lo", "date_hi", "location_country",
                     "num_events", "num_mentions", "num_articles", "num_sources", "first_seen", "has_ab", "has_ba",
                     "asserted", "historical", "rep_event_id", "article_id", "sentence")


def write_happenings(store: Store, fmt: str, out: str | None, where: str, params: list[Any],
                     include_all: bool = False, limit: int | None = None) -> int:
    """The ``happenings`` table (docs/analysis.md), brought up to date as ``detente happenings`` would,
    but in memory: the store is not written. A happening is exported when one of its reports
    (events) passes the event filters ``where``; asserted happenings only unless ``include_all``.
    Columns: :data:`HAPPENING_COLUMNS` then ``event_ids`` (its reports; JSON in csv)."""
    from .analysis.common import open_db
    from .analysis.happenings import cluster_happenings

    con = store.con if store.path == ":memory:" else open_db(store.path, read_only=True)
    try:
        cluster_happenings(con, only_new=True, include_all=include_all)
        cols = ", ".join(f'round(h."{c}", 1) AS goldstein' if c == "goldstein" else f'h."{c}"'
                         for c in HAPPENING_COLUMNS)
        sql = (f"SELECT {cols}, m.event_ids FROM happenings h JOIN (SELECT happening_id, "
               f"list(event_id ORDER BY date_lo, date_hi, event_id) AS event_ids FROM happening_events "
               f"GROUP BY happening_id) m USING (happening_id) "
               f"WHERE h.happening_id IN (SELECT happening_id FROM happening_events WHERE event_id IN "
               f"(SELECT event_id FROM events WHERE {where}))"
               + ("" if include_all else " AND h.asserted")
               + " ORDER BY h.date, h.pair, h.happening_id"
               + (f" LIMIT {int(limit)}" if limit is not None else ""))
        if fmt == "parquet":
            return _write_parquet_sql(con, store.path, sql, params, str(out))
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        with _opened(out) as fh:
            writer = csv.writer(fh, lineterminator="\n") if fmt == "csv" else None
            if writer:
                writer.writerow(names)
            n = 0
            while rows := cur.fetchmany(1000):
                for row in rows:
                    if writer:
                        writer.writerow([_cell(v) for v in row])
                    else:
                        fh.write(json.dumps({k: _cell_json(v) for k, v in zip(names, row, strict=True)},
                                            ensure_ascii=False) + "\n")
                n += len(rows)
            return n
    finally:
        if con is not store.con:
            con.close()


def _cell_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _write_parquet_sql(con: Any, store_path: str, sql: str, params: list[Any], out: str) -> int:
    import duckdb
    import pyarrow.parquet as pq

    n = 0
    with written_whole(out) as path:
        try:
            reader = con.sql(sql, params=params or None).to_arrow_reader(50_000)
            with pq.ParquetWriter(path, reader.schema) as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    n += batch.num_rows
        except duckdb.Error as exc:
            raise StoreError("E300", store_path, f"cannot read the store: {exc}") from None
        except OSError as exc:
            raise StoreError("E324", out, f"cannot write the export: {exc}") from None
    return n


# --- GDELT ---------------------------------------------------------------------------------

_GDELT_SQL = """
SELECT e.event_id, e.sentence_index, coalesce(e.date, a.published) AS day,
       e.source_code, e.source_name, e.source_country, e.source_sector,
       e.target_code, e.target_name, e.target_country, e.target_sector,
       e.cameo, e.cameo_root, e.quad_class, e.goldstein,
       e.location_name, e.location_country, e.location_lat, e.location_lon, e.location_geonames_id,
       json_extract_string(e.record, '$.location.feature') AS feature,
       a.coded_at, coalesce(a.url, a.origin) AS url,
       coalesce(s.num_mentions, 1) AS num_mentions, coalesce(s.num_sources, 1) AS num_sources,
       coalesce(s.num_articles, 1) AS num_articles
FROM (SELECT * FROM events WHERE {where}) e LEFT JOIN articles a ON a.article_id = e.article_id
LEFT JOIN {sizes} s ON s.event_id = e.event_id
ORDER BY day NULLS LAST, e.article_id, e.sentence_index, e.event_id
"""


def _geo_code(code: str | None, scheme: str) -> str:
    """A CAMEO country code in the scheme GDELT's *Geo_CountryCode should have (the CAMEO code
    itself when the crosswalk has no entry: an organisation or a region)."""
    if not code or scheme == "cameo":
        return code or ""
    row = countries.country(code)
    if row is None:
        return code
    value = {"fips": row.fips, "iso3": row.iso3, "iso2": row.iso2}[scheme]
    return value or code


def _gdelt_actor(code: str | None, name: str | None, country: str | None, sector: str | None) -> list[str]:
    known_group = code if code and not country else ""
    return [code or "", (name or "").upper(), country or "", known_group, "", "", "", sector or "", "", ""]


def _geo_type(feature: str | None, country: str | None) -> str:
    if feature == "country":
        return "1"
    if feature == "us_state":
        return "2"
    if feature == "city":
        return "3" if country == "USA" else "4"
    return ""


def _num(value: Any, fmt: str = "{}") -> str:
    return "" if value is None else fmt.format(value)


def gdelt_row(r: dict[str, Any], geo_codes: str = "fips") -> list[str]:
    """One GDELT 2.0 event row (61 strings) from a joined events/articles row."""
    day: dt.date | None = r["day"]
    cameo = r["cameo"] or ""
    row = [
        _event_number(r["event_id"]),
        day.strftime("%Y%m%d") if day else "",
        day.strftime("%Y%m") if day else "",
        str(day.year) if day else "",
        f"{day.year + (day.month * 30 + day.day) / 365:.4f}" if day else "",
        *_gdelt_actor(r["source_code"], r["source_name"], r["source_country"], r["source_sector"]),
        *_gdelt_actor(r["target_code"], r["target_name"], r["target_country"], r["target_sector"]),
        "1" if (r["sentence_index"] or 0) < 3 else "0",
        cameo, cameo[:3], r["cameo_root"] or cameo[:2], _num(r["quad_class"]), _num(r["goldstein"]),
        _num(r.get("num_mentions", 1)), _num(r.get("num_sources", 1)), _num(r.get("num_articles", 1)), "",
        *([""] * 16),  # Actor1Geo_*, Actor2Geo_*
    ]
    has_loc = r["location_name"] is not None
    geo_type = _geo_type(r["feature"], r["location_country"]) if has_loc else ""
    geo_country = _geo_code(r["location_country"], geo_codes)
    row += [
        geo_type, r["location_name"] or "", geo_country, geo_country if geo_type == "1" else "", "",
        _num(r["location_lat"]), _num(r["location_lon"]), _num(r["location_geonames_id"]),
        r["coded_at"].strftime("%Y%m%d%H%M%S") if r["coded_at"] else "",
        r["url"] or "",
    ]
    return [v.replace("\t", " ").replace("\n", " ") for v in row]


def _event_number(event_id: str) -> str:
    """GLOBALEVENTID is an integer: the first 15 hex digits (60 bits) of our event id."""
    try:
        return str(int(event_id[:15], 16))
    except ValueError:
        return event_id


def write_gdelt(store: Store, fh: IO[str], where: str, params: list[Any], header: bool = False,
                limit: int | None = None, geo_codes: str = "fips") -> int:
    import duckdb

    from .analysis.happenings import happening_sizes

    sizes = "_detente_gdelt_sizes"
    cur = store.con.cursor()  # a cursor of its own (as Store.stream), which sees what is registered on it
    cur.register(sizes, happening_sizes(store.con))
    try:
        sql = _GDELT_SQL.format(where=where, sizes=sizes)
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        try:
            cur.execute(sql, params)
        except duckdb.Error as exc:
            raise StoreError("E300", store.path, f"cannot read the store: {exc}") from None
        names = [d[0] for d in cur.description]
        if header:
            fh.write("\t".join(GDELT_HEADER) + "\n")
        n = 0
        while rows := cur.fetchmany(1000):
            fh.writelines("\t".join(gdelt_row(dict(zip(names, row, strict=True)), geo_codes)) + "\n"
                          for row in rows)
            n += len(rows)
        return n
    finally:
        cur.unregister(sizes)
        cur.close()
