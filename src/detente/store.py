"""The store: coded articles in one DuckDB file (``./detente.duckdb``, ``$DETENTE_DB`` or ``--db``).

Contract: ``Store(path).write_many([CodedArticle, ...], run_id)`` replaces those articles'
rows in ONE transaction (articles, events, quantities, accounts), so a crash or SIGKILL at
any moment leaves each article either fully stored or absent. ``stored_ids(ids)`` says which
articles are already coded (``status="ok"``), so a rerun picks up where the last one stopped.
Queries: ``events(**filters)``, ``stats()``, ``coded_articles()`` (``coded_article_lines()``: the
same as JSON text); ``event_where(**filters)`` is the one WHERE clause behind ``events``,
``count_events`` and every export, and ``resolve_article(ref)`` names an article by its
``article_id``, a prefix of it, or the input's own id (``articles.source_id``); export lives in
:mod:`detente.export`.

Tables (columns in :data:`TABLES`, documented in docs/schema.md):
``articles`` (one row per article read, with its status), ``events`` / ``quantities`` /
``accounts`` (flattened columns for querying plus ``record``, the whole record as JSON, lossless),
``runs`` (one row per ``detente ingest``: inputs, coder, counts, failures and warnings with reasons).

Every DuckDB failure (locked, read-only, disk full) becomes a :class:`StoreError` with a
one-line reason; a failed write is rolled back, so the store stays as it was.

Sharing the file (DuckDB: one process has it open for writing, and then no other process may
open it at all): opening waits up to :data:`LOCK_WAIT` seconds (``$DETENTE_LOCK_WAIT``) for another
process's lock (``detente serve`` copying the file, a ``detente stats``, a run between its batches)
before E301. A run (``start_run`` .. ``close``) keeps the store for its one writer with an
``flock`` on the file (a second ingest is E301 at once) and lets go of DuckDB's lock between
batches: at the end of ``stored_ids`` (before the articles are coded) and of ``update_run`` (a
batch and its run record committed), the connection is closed, which checkpoints every committed
transaction into the file, and reopened by the next statement. It lets go only while closing and
reopening have cost at most :data:`RELEASE_BUDGET` of the run's time so far, so tiny fast batches
let go less often, and always when its input stalls (:meth:`Store.let_go`, called by the runner:
a run waiting on a pipe never keeps other processes out). In between, other processes read a
committed state (docs/api.md); while its run holds the store, a reopen waits longer
(:data:`LOCK_WAIT` plus the time a copy of the file takes at :data:`COPY_RATE`), as a server
copying a large store may hold the file that long.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import functools
import json
import os
import time
import typing
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import CODER_VERSION
from .dates import parse_bound, to_date  # to_date: the stored date (spark.py imports it from here)
from .errors import ConfigError, StoreError
from .records import Account, Article, CodedArticle, Event, Quantity, counted_sql

SCHEMA_VERSION = "1"
DEFAULT_PATH = "detente.duckdb"
LOCK_WAIT = 5.0  # seconds an open waits for another process's lock before E301 ($DETENTE_LOCK_WAIT)
RELEASE_BUDGET = 0.05  # a run lets go of the file while letting go and reopening cost <= 5% of its time
COPY_RATE = 20e6  # bytes/s: a reopen within a run also waits as long as copying the file at this rate takes


def default_path() -> str:
    return os.environ.get("DETENTE_DB") or DEFAULT_PATH


# ---------------------------------------------------------------------------------------------
# Flattening: record -> row. Each table is a list of (column, DuckDB type, getter).

_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields_of(value: Any) -> dict[str, Any]:
    """``json.dumps`` hook: a nested record as the dict ``dataclasses.asdict`` would give."""
    names = _FIELDS.get(type(value))
    if names is None:
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


def to_json(record: Any) -> str:
    """A record as JSON text, equal to ``json.dumps(record.to_dict())`` once parsed, without
    ``asdict``'s deep copies (the JSON encoder walks the nested records itself; 10x faster)."""
    return json.dumps(record, default=_fields_of, ensure_ascii=False)


# The text to_json writes for a record of the current dataclasses, as a regular expression (RE2, for
# DuckDB's regexp_full_match): Python's separators (", " and ": ", no other whitespace), its string
# escapes (only \" \\ \b \f \n \r \t and \u00XX for the other control characters; everything else
# as itself, ensure_ascii=False), its number forms (no trailing zeros: "1.5", "1.0", "1e-05"), and
# every field of the class in the dataclass's order, a nested record (``_nested``) null or an
# object with exactly its own fields. A stored ``record`` that matches is, byte for byte, what
# ``json.dumps(cls.from_dict(json.loads(text)).to_dict(), ensure_ascii=False)`` gives back (its
# numbers are Python's shortest repr, as every writer of ``record`` is Python's json), so
# :meth:`Store.coded_article_lines` can splice it as it is. One that does not (written by an
# earlier detente whose records had other fields, or compact JSON) is rebuilt through the dataclass.
_RE_STR = r'"(?:[^"\\\x00-\x1f]|\\[\\"bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]))*"'
_RE_NUM = r"-?(?:0|[1-9][0-9]*)(?:\.(?:0|[0-9]*[1-9]))?(?:e[-+][0-9]{2,})?"
_RE_SCALAR = rf"(?:{_RE_STR}|{_RE_NUM}|true|false|null)"


def _re_value(depth: int) -> str:
    """Any JSON value nested at most ``depth`` lists/objects deep (deeper ones do not match)."""
    if depth == 0:
        return _RE_SCALAR
    inner = _re_value(depth - 1)
    return (rf"(?:{_RE_SCALAR}|\[(?:{inner}(?:, {inner})*)?\]"
            rf"|\{{(?:{_RE_STR}: {inner}(?:, {_RE_STR}: {inner})*)?\}})")


@functools.cache
def record_pattern(cls: type) -> str:
    """The pattern of ``to_json(record)`` for a record of ``cls`` (see above). Fields typed as
    lists, dicts or Any (``spans``, ``parties``, ``claims``) may hold values up to three deep;
    the others a string, number, boolean or null."""
    hints = typing.get_type_hints(cls)
    nested: dict[str, type] = getattr(cls, "_nested", {})
    parts = []
    for f in dataclasses.fields(cls):
        if f.name in nested:
            value = rf"(?:null|{record_pattern(nested[f.name])})"
        else:
            hint = str(hints[f.name])
            value = _re_value(3) if any(t in hint for t in ("list", "dict", "Any")) else _RE_SCALAR
        parts.append(f'"{f.name}": {value}')
    return r"\{" + ", ".join(parts) + r"\}"


def _actor(side: str) -> list[tuple[str, str, Callable[[Any], Any]]]:
    def get(attr: str) -> Callable[[Event], Any]:
        return lambda e: getattr(getattr(e, side), attr) if getattr(e, side) is not None else None
    return [(f"{side}_{a}", "VARCHAR", get(a)) for a in ("text", "code", "country", "sector", "name")]


def _loc(attr: str) -> Callable[[Event], Any]:
    return lambda e: getattr(e.location, attr) if e.location is not None else None


Column = tuple[str, str, Callable[[Any], Any]]

EVENT_COLUMNS: list[Column] = [
    ("event_id", "VARCHAR PRIMARY KEY", lambda e: e.event_id),
    ("article_id", "VARCHAR NOT NULL", lambda e: e.article_id),
    ("sentence_index", "INTEGER", lambda e: e.sentence_index),
    ("sentence", "VARCHAR", lambda e: e.sentence),
    ("date", "DATE", lambda e: to_date(e.date)),
    ("date_precision", "VARCHAR", lambda e: e.date_precision),
    ("date_basis", "VARCHAR", lambda e: e.date_basis),
    *_actor("source"),
    *_actor("target"),
    ("cameo", "VARCHAR", lambda e: e.cameo),
    ("cameo_root", "VARCHAR", lambda e: e.cameo_root),
    ("cameo_name", "VARCHAR", lambda e: e.cameo_name),
    ("quad_class", "INTEGER", lambda e: e.quad_class),
    ("goldstein", "DOUBLE", lambda e: e.goldstein),
    ("plover", "VARCHAR", lambda e: e.plover),
    ("plover_mode", "VARCHAR", lambda e: e.plover_mode),
    ("plover_context", "VARCHAR", lambda e: e.plover_context),
    ("polarity", "VARCHAR", lambda e: e.polarity),
    ("modality", "VARCHAR", lambda e: e.modality),
    ("claimant_code", "VARCHAR", lambda e: e.claimant.code if e.claimant else None),
    ("claimant_country", "VARCHAR", lambda e: e.claimant.country if e.claimant else None),
    ("quote", "BOOLEAN", lambda e: e.quote),
    ("location_name", "VARCHAR", _loc("name")),
    ("location_country", "VARCHAR", _loc("country")),
    ("location_lat", "DOUBLE", _loc("lat")),
    ("location_lon", "DOUBLE", _loc("lon")),
    ("location_geonames_id", "BIGINT", _loc("geonames_id")),
    ("confidence", "DOUBLE", lambda e: e.confidence),
    ("coder", "VARCHAR", lambda e: e.coder),
    ("historical", "BOOLEAN", lambda e: e.historical),
    ("symmetric", "BOOLEAN", lambda e: e.symmetric),
    ("trigger", "VARCHAR", lambda e: e.trigger),
    ("pattern", "VARCHAR", lambda e: e.pattern),
    ("record", "JSON", to_json),
]

QUANTITY_COLUMNS: list[Column] = [
    ("quantity_id", "VARCHAR", lambda q: q.quantity_id),
    ("article_id", "VARCHAR NOT NULL", lambda q: q.article_id),
    ("sentence_index", "INTEGER", lambda q: q.sentence_index),
    ("sentence", "VARCHAR", lambda q: q.sentence),
    ("measure", "VARCHAR", lambda q: q.measure),
    ("value", "DOUBLE", lambda q: q.value),
    ("unit", "VARCHAR", lambda q: q.unit),
    ("change", "DOUBLE", lambda q: q.change),
    ("period", "VARCHAR", lambda q: q.period),
    ("from_country", "VARCHAR", lambda q: q.from_country),
    ("to_country", "VARCHAR", lambda q: q.to_country),
    ("text", "VARCHAR", lambda q: q.text),
    ("date", "DATE", lambda q: to_date(q.date)),
    ("record", "JSON", to_json),
]

ACCOUNT_COLUMNS: list[Column] = [
    ("account_id", "VARCHAR", lambda a: a.account_id),
    ("article_id", "VARCHAR NOT NULL", lambda a: a.article_id),
    ("parties", "VARCHAR[]", lambda a: list(a.parties)),
    ("summary", "VARCHAR", lambda a: a.summary),
    ("event_ids", "VARCHAR[]", lambda a: list(a.event_ids)),
    ("record", "JSON", to_json),
]

ARTICLE_COLUMNS: list[Column] = [
    ("article_id", "VARCHAR PRIMARY KEY", lambda c: c.article.article_id),
    ("url", "VARCHAR", lambda c: c.article.url),
    ("title", "VARCHAR", lambda c: c.article.title),
    ("source", "VARCHAR", lambda c: c.article.source),
    ("published", "DATE", lambda c: to_date(c.article.published)),
    ("lang", "VARCHAR", lambda c: c.article.lang),
    ("text", "VARCHAR", lambda c: c.article.text),
    ("origin", "VARCHAR", lambda c: c.article.origin),
    ("status", "VARCHAR", lambda c: c.article.status),
    ("status_reason", "VARCHAR", lambda c: c.article.status_reason),
    ("coded_at", "TIMESTAMP", lambda c: None),  # filled at write time
    ("coder", "VARCHAR", lambda c: CODER_VERSION),
    ("run_id", "VARCHAR", lambda c: None),  # filled at write time
    ("n_events", "INTEGER", lambda c: len(c.events)),
    ("source_id", "VARCHAR", lambda c: c.article.source_id),  # added after schema 1: see _migrate
]

RUN_COLUMNS: list[tuple[str, str]] = [
    ("run_id", "VARCHAR PRIMARY KEY"),
    ("started_at", "TIMESTAMP"),
    ("finished_at", "TIMESTAMP"),
    ("status", "VARCHAR"),  # running | done | interrupted | failed
    ("inputs", "VARCHAR[]"),
    ("coder", "VARCHAR"),
    ("config", "JSON"),
    ("recode", "BOOLEAN"),
    ("read", "INTEGER"),
    ("new", "INTEGER"),
    ("skipped_existing", "INTEGER"),
    ("skipped", "INTEGER"),
    ("failed", "INTEGER"),
    ("events", "INTEGER"),
    ("quantities", "INTEGER"),
    ("accounts", "INTEGER"),
    ("seconds", "DOUBLE"),
    ("failures", "JSON"),  # [{"origin", "reason"}, ...] (first 1000)
    ("failures_by_reason", "JSON"),  # {reason: count}
    ("skips_by_reason", "JSON"),
    ("warned", "INTEGER"),  # added after schema 1 (as the two below): see _migrate
    ("warnings", "JSON"),  # [{"origin", "reason"}, ...] (first 1000)
    ("warnings_by_reason", "JSON"),  # {reason: count}
]

TABLES: dict[str, list[Column]] = {
    "articles": ARTICLE_COLUMNS,
    "events": EVENT_COLUMNS,
    "quantities": QUANTITY_COLUMNS,
    "accounts": ACCOUNT_COLUMNS,
}

RUN_COUNTS = ("read", "new", "skipped_existing", "skipped", "failed", "events", "quantities", "accounts", "warned")

_ARROW = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
          "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
          "VARCHAR[]": pa.list_(pa.string()), "JSON": pa.string()}


def _arrow_type(sql_type: str) -> pa.DataType:
    return _ARROW[sql_type.replace(" PRIMARY KEY", "").replace(" NOT NULL", "")]


def _arrow_sql(sql_type: str) -> str:
    """A column's type without its constraints (``VARCHAR PRIMARY KEY`` -> ``VARCHAR``)."""
    return sql_type.replace(" PRIMARY KEY", "").replace(" NOT NULL", "")


def _column_types(table: str) -> list[tuple[str, str]]:
    """``(column, SQL type)`` of a table of :data:`TABLES` or of ``runs``."""
    return list(RUN_COLUMNS) if table == "runs" else [(c, t) for c, t, _ in TABLES[table]]


def _ddl(name: str, columns: Sequence[tuple[str, str]]) -> str:
    cols = ", ".join(f'"{c}" {t}' for c, t in columns)
    return f"CREATE TABLE IF NOT EXISTS {name} ({cols})"


# The article columns an events export carries beside each event: (export column, articles column).
EVENT_ARTICLE_COLUMNS: list[tuple[str, str]] = [
    ("article_source_id", "source_id"),
    ("article_url", "url"),
    ("article_title", "title"),
    ("article_source", "source"),
    ("article_published", "published"),
    ("article_origin", "origin"),
]

# Indexes that serve the usual questions; the PRIMARY KEYs above serve the id look-ups.
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_article ON events (article_id)",
    "CREATE INDEX IF NOT EXISTS quantities_article ON quantities (article_id)",
    "CREATE INDEX IF NOT EXISTS accounts_article ON accounts (article_id)",
)


# ---------------------------------------------------------------------------------------------
# Query filters

def normalise_root(root: str | int) -> str:
    """A CAMEO root as stored ("4" -> "04"); E310 when it is not 01..20."""
    text = str(root).strip()
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise ConfigError("E310", "root", f"CAMEO root code must be 01..20, got {root!r}")
    return f"{int(text):02d}"


# The old name, still imported by api.py and cli/core.py: use detente.dates.parse_bound.
parse_day = parse_bound


def _actor_sql(side: str) -> str:
    return f"(starts_with({side}_code, ?) OR {side}_country = ?)"


def event_filters(actor: str | None = None, pair: Sequence[str] | None = None,  # noqa: PLR0913 - options
                  start: str | dt.date | None = None, end: str | dt.date | None = None,
                  root: str | int | None = None, quad_class: int | None = None,
                  polarity: str | None = None, modality: str | None = None,
                  counts_only: bool = False, article_id: str | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause (``"TRUE"`` when empty) and its parameters for :meth:`Store.events`.

    ``actor``: events where either side's code starts with it or its country is it.
    ``pair=(A, B)``: events between A and B, in either direction. ``start``/``end``: the event
    date, inclusive. ``counts_only``: asserted and actual/intended/future (``Event.counts``).
    """
    where: list[str] = []
    params: list[Any] = []
    if actor:
        a = actor.strip().upper()
        where.append(f"({_actor_sql('source')} OR {_actor_sql('target')})")
        params += [a, a, a, a]
    if pair:
        if len(pair) != 2 or not all(p.strip() for p in pair):
            raise ConfigError("E312", "pair", f"give two actor codes, like CHN,RUS (got {','.join(pair)!r})")
        a, b = (p.strip().upper() for p in pair)
        s, t = _actor_sql("source"), _actor_sql("target")
        where.append(f"(({s} AND {t}) OR ({s} AND {t}))")
        params += [a, a, b, b, b, b, a, a]
    if start:
        where.append("date >= ?")
        params.append(parse_bound(start, what="start"))
    if end:
        where.append("date <= ?")
        params.append(parse_bound(end, end=True, what="end"))
    if root is not None:
        where.append("cameo_root = ?")
        params.append(normalise_root(root))
    if quad_class is not None:
        if int(quad_class) not in (1, 2, 3, 4):
            raise ConfigError("E313", "quad_class", f"must be 1..4, got {quad_class!r}")
        where.append("quad_class = ?")
        params.append(int(quad_class))
    if polarity:
        where.append("polarity = ?")
        params.append(polarity)
    if modality:
        where.append("modality = ?")
        params.append(modality)
    if counts_only:
        where.append(counted_sql())
    if article_id:
        where.append("article_id = ?")
        params.append(article_id)
    return (" AND ".join(where) or "TRUE"), params


# ---------------------------------------------------------------------------------------------

def _store_error(path: str, exc: BaseException, doing: str) -> StoreError:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = msg.lower()
    if "could not set lock" in low or "conflicting lock" in low:
        return StoreError("E301", path, "store is in use by another detente process (DuckDB allows one writer)")
    if "read-only" in low or "read only" in low or "permission denied" in low or "operation not permitted" in low:
        return StoreError("E302", path, f"store is read-only, cannot {doing}")
    if "no space left" in low or "disk is full" in low or "could not write" in low:
        return StoreError("E303", path, f"disk full while trying to {doing}; nothing was half-written")
    if "not a directory" in low or "no such file or directory" in low:
        return StoreError("E304", path, f"cannot {doing}: {msg.removeprefix('IO Error: ')}")
    if "not a valid duckdb" in low or "unable to open" in low or "database file" in low:
        return StoreError("E305", path, f"not a detente store (DuckDB file): {msg}")
    return StoreError("E300", path, f"cannot {doing}: {msg}")


def _env_lock_wait() -> float:
    """``$DETENTE_LOCK_WAIT`` (seconds, >= 0), else :data:`LOCK_WAIT`."""
    try:
        return max(0.0, float(os.environ.get("DETENTE_LOCK_WAIT") or LOCK_WAIT))
    except ValueError:
        return LOCK_WAIT


class Store:
    """One DuckDB file. Open with ``Store(path)`` (``read_only=True`` for queries only); close or use ``with``."""

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False,
                 lock_wait: float | None = None, init: bool = False) -> None:
        self.path = str(path) if path is not None else default_path()
        self.read_only = read_only
        self._missing: dict[str, set[str]] = {}  # columns this store lacks (made by an earlier detente)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError("E306", self.path, "no store here yet; run `detente ingest` first (or pass --db)")
        self.lock_wait = lock_wait if lock_wait is not None else _env_lock_wait()
        self._run_fd: int | None = None  # the run's flock on the file (start_run .. close)
        self._spare_fds: list[int] = []  # handles on the file closed only with the store (see _hold_for_run)
        self._run_started = 0.0  # time.monotonic() when the run took the store
        self._sharing_cost = 0.0  # seconds the run has spent letting go of the file and reopening it
        self._con: duckdb.DuckDBPyConnection | None = None  # None while a run has let go of the file
        self.con = self._connect()
        if not read_only:
            if not init:
                self._refuse_foreign()
            self._create()
        else:
            self._check_schema()

    # -- opening and sharing the file (module docstring) -----------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection; reopened (waiting for the lock) if a run let go of the file."""
        if self._con is None:
            self._con = self._connect()
        return self._con

    @con.setter
    def con(self, value: duckdb.DuckDBPyConnection | None) -> None:
        self._con = value

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting while another process holds its lock: ``lock_wait`` seconds, and
        within a run as long again as a copy of the file could take (module docstring)."""
        started = time.monotonic()
        wait = self.lock_wait
        if self._run_fd is not None:
            with contextlib.suppress(OSError):
                wait += os.fstat(self._run_fd).st_size / COPY_RATE
        delay = 0.005
        while True:
            try:
                con = duckdb.connect(self.path, read_only=self.read_only)
            except duckdb.Error as exc:
                err = _store_error(self.path, exc, "open the store")
                left = started + wait - time.monotonic()
                if err.code != "E301" or left <= 0:
                    raise err from None
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.1)
                continue
            if self._run_fd is not None:
                self._sharing_cost += time.monotonic() - started
            return con

    def _hold_for_run(self) -> None:
        """Take the run's flock: one writer per store, while it lets go of DuckDB's lock between batches."""
        if self.read_only or self.path == ":memory:" or self._run_fd is not None:
            return
        import fcntl

        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            # Not closed now: closing any handle on the file drops this process's POSIX locks on
            # it, DuckDB's own included (the connection is still open).
            self._spare_fds.append(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreError("E301", self.path, "store is in use by another detente process "
                                                    "(another ingest is writing to it)") from None
            raise _store_error(self.path, exc, "open the store") from None
        self._run_fd = fd
        self._run_started = time.monotonic()
        self._sharing_cost = 0.0

    def _let_go_if_due(self) -> None:
        """Between a run's batches: close the connection (DuckDB checkpoints) so that other processes
        can read, while sharing has cost at most RELEASE_BUDGET of the run's time."""
        if self._run_fd is None or self._con is None:
            return
        if self._sharing_cost > RELEASE_BUDGET * (time.monotonic() - self._run_started):
            return
        self.let_go()

    def let_go(self) -> None:
        """Between a run's batches: let go of the file now, whatever it has cost so far (the run's
        input has stalled: a pipe, a slow server). The next statement reopens it."""
        if self._run_fd is None or self._con is None:
            return
        started = time.monotonic()
        con, self._con = self._con, None
        try:
            con.close()
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "write the store") from None
        finally:
            self._sharing_cost += time.monotonic() - started

    # -- plumbing -------------------------------------------------------------------------
    def _exec(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Every statement goes through here (the one place a test injects a disk-full error)."""
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def _refuse_foreign(self) -> None:
        """Another program's DuckDB file (tables, and no detente ``meta``) is not turned into a store
        unless asked (``init=True``, ``detente ingest --init``): E305, naming its tables."""
        try:
            tables = [r[0] for r in self._exec(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "ORDER BY table_name").fetchall()]
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "read the store's tables") from None
        if tables and "meta" not in tables:
            self.close()
            shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
            raise StoreError("E305", self.path, f"not a detente store: a DuckDB file with other tables ({shown}); "
                                                "use another --db, or --init to add detente's tables to it")

    def _create(self) -> None:
        try:
            self._exec("BEGIN")
            for name, cols in TABLES.items():
                self._exec(_ddl(name, [(c, t) for c, t, _ in cols]))
            self._exec(_ddl("runs", RUN_COLUMNS))
            self._exec("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            for sql in _INDEXES:
                self._exec(sql)
            self._exec("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            self._migrate()
            self._exec("COMMIT")
        except duckdb.Error as exc:
            self._rollback()
            raise _store_error(self.path, exc, "create the store's tables") from None
        self._check_schema()

    def _check_schema(self) -> None:
        try:
            rows = self._exec("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        except duckdb.Error:
            raise StoreError("E305", self.path, "not a detente store (no meta table)") from None
        found = rows[0][0] if rows else None
        if found != SCHEMA_VERSION:
            raise StoreError("E307", self.path, f"store schema version {found!r}, "
                                                f"this detente needs {SCHEMA_VERSION!r}; re-ingest into a new --db")
        self._missing = self._missing_columns()

    def _missing_columns(self) -> dict[str, set[str]]:
        """The columns of :data:`TABLES` a store made by an earlier detente lacks, by table."""
        try:
            rows = self._exec("SELECT table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = current_database() AND schema_name = 'main'").fetchall()
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "read the store's tables") from None
        present: dict[str, set[str]] = {}
        for table, column in rows:
            present.setdefault(table, set()).add(column)
        wanted = {name: [c for c, _ in _column_types(name)] for name in (*TABLES, "runs")}
        return {name: missing for name, cols in wanted.items() if (missing := set(cols) - present.get(name, set()))}

    def _migrate(self) -> None:
        """Add the nullable columns added since schema 1 (``articles.source_id``, ``runs.warned``,
        ``runs.warnings``, ``runs.warnings_by_reason``) to a store made before them; their values stay
        NULL until the articles are stored again (a run's, for the runs before them). A store opened
        read-only is not changed: its missing columns read as NULL (:meth:`column_sql`)."""
        for name, missing in self._missing_columns().items():
            for col, sql_type in _column_types(name):
                if col in missing:
                    self._exec(f'ALTER TABLE {name} ADD COLUMN IF NOT EXISTS "{col}" {sql_type}')

    def column_sql(self, table: str, column: str, alias: str | None = None, name: str | None = None) -> str:
        """``alias."column"`` AS ``name`` for a SELECT list; ``NULL`` (typed) when this store predates
        the column (one made by an earlier detente, opened read-only)."""
        name = name or column
        if column in self._missing.get(table, ()):
            sql_type = next(t for c, t, _ in TABLES[table] if c == column)
            return f'NULL::{_arrow_sql(sql_type)} AS "{name}"'
        ref = f'{alias}."{column}"' if alias else f'"{column}"'
        return ref if name == column and not alias else f'{ref} AS "{name}"'

    def _rollback(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def close(self) -> None:
        if self._con is not None:
            with contextlib.suppress(duckdb.Error):
                self._con.close()
        # After DuckDB's own handle: closing any handle on a file drops the process's POSIX locks on it.
        for fd in [*([self._run_fd] if self._run_fd is not None else []), *self._spare_fds]:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._run_fd, self._spare_fds = None, []

    def __enter__(self) -> Store:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run SQL (``?`` parameters) and return the cursor; errors become StoreError."""
        try:
            return self._exec(sql, params)
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "read the store") from None

    def stream(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Like :meth:`query` on a cursor of its own, for results read a chunk at a time: leaving
        one half-read never blocks the store's connection."""
        try:
            cur = self.con.cursor()
            return cur.execute(sql, params) if params is not None else cur.execute(sql)
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "read the store") from None

    def _dicts(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.query(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    # -- writing --------------------------------------------------------------------------
    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` already coded and stored with ``status="ok"``. Within a run, the last
        statement before articles are coded: it may let go of the file (module docstring)."""
        found = self._stored_ids(ids)
        self._let_go_if_due()
        return found

    def _stored_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        if not ids:
            return set()
        rows = self.query("SELECT article_id FROM articles WHERE status = 'ok' AND article_id IN "
                          "(SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()
        return {r[0] for r in rows}

    def has_article(self, article_id: str) -> bool:
        return bool(self.stored_ids([article_id]))

    def write(self, coded: CodedArticle, run_id: str | None = None) -> None:
        self.write_many([coded], run_id)

    def write_many(self, batch: Sequence[CodedArticle], run_id: str | None = None) -> list[CodedArticle]:
        """Store a batch in ONE transaction, replacing earlier rows of the same articles.

        An article whose records cannot be flattened (a coder bug: a wrong type, say) is stored
        as ``status="failed"`` with the reason instead; the returned list holds what was written
        (so the caller can count those failures). A failed or skipped article never replaces
        one already stored with ``status="ok"`` (a failed ``--recode`` keeps the earlier coding).
        A DuckDB error rolls everything back and raises :class:`StoreError`.
        """
        latest: dict[str, CodedArticle] = {}
        for coded in batch:  # one article twice in a batch: the last wins
            latest[coded.article.article_id] = coded
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        written = list(latest.values())
        if not written:
            return written
        try:
            tables = _arrow_tables([_rows(c, now, run_id) for c in written])
        except Exception:  # noqa: BLE001 - find the article(s) with a bad value, fail only those
            parts = []
            for i, coded in enumerate(written):
                try:
                    part = _rows(coded, now, run_id)
                    _arrow_tables([part])
                except Exception as exc:  # noqa: BLE001
                    written[i] = CodedArticle(article=_with_status(
                        coded.article, "failed",
                        f"store: cannot store the coded records: {type(exc).__name__}: {exc}"))
                    part = _rows(written[i], now, run_id)
                parts.append(part)
            tables = _arrow_tables(parts)
        not_ok = [c.article.article_id for c in written if c.article.status != "ok"]
        keep = self._stored_ids(not_ok) if not_ok else set()
        if keep:
            tables = {name: tbl.filter(pc.invert(pc.is_in(tbl["article_id"], pa.array(sorted(keep)))))
                      for name, tbl in tables.items()}
        try:
            self._exec("BEGIN")
            for name, tbl in tables.items():
                self.con.register(f"_new_{name}", tbl)
            ids = "(SELECT article_id FROM _new_articles)"
            self._exec(f"DELETE FROM events WHERE article_id IN {ids} "
                       "OR event_id IN (SELECT event_id FROM _new_events)")
            for name in ("quantities", "accounts", "articles"):
                self._exec(f"DELETE FROM {name} WHERE article_id IN {ids}")
            for name, cols in TABLES.items():
                if tables[name].num_rows:
                    names = ", ".join(f'"{c}"' for c, _, _ in cols)
                    self._exec(f"INSERT INTO {name} ({names}) SELECT {names} FROM _new_{name}")
            self._exec("COMMIT")
        except duckdb.Error as exc:
            self._rollback()
            raise _store_error(self.path, exc, f"write {len(written)} article(s)") from None
        except BaseException:  # Ctrl-C mid-batch: rolled back, so the run can still write and record itself
            self._rollback()
            raise
        finally:
            for name in tables:
                with contextlib.suppress(duckdb.Error):
                    self.con.unregister(f"_new_{name}")
        return written

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, inputs: Sequence[str], config: dict[str, Any] | None = None,
                  recode: bool = False) -> str:
        """Record a new run (``status="running"``); runs left ``running`` by a killed process become
        ``interrupted`` (the run's flock means no other process can be writing)."""
        run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
        self._hold_for_run()
        try:
            self._exec("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self._exec("INSERT INTO runs (run_id, started_at, status, inputs, coder, config, recode) "
                       "VALUES (?, ?, 'running', ?, ?, ?, ?)",
                       [run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), list(inputs),
                        CODER_VERSION, json.dumps(config or {}, default=str), recode])
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "record the run") from None
        return run_id

    def update_run(self, run_id: str, status: str | None = None, finished: bool = False,  # noqa: PLR0913 - options
                   seconds: float | None = None, failures: Sequence[tuple[str, str]] = (),
                   failures_by_reason: dict[str, int] | None = None,
                   skips_by_reason: dict[str, int] | None = None, counts: dict[str, int] | None = None,
                   warnings: Sequence[tuple[str, str]] = (),
                   warnings_by_reason: dict[str, int] | None = None) -> None:
        """Set a run's status, counts (:data:`RUN_COUNTS`), failures; ``finished`` stamps ``finished_at``."""
        sets: list[str] = []
        params: list[Any] = []
        for key, value in (counts or {}).items():
            if key not in RUN_COUNTS:
                raise TypeError(f"unknown run count {key!r}")
            sets.append(f'"{key}" = ?')
            params.append(int(value))
        if status:
            sets.append("status = ?")
            params.append(status)
        if finished:
            sets.append("finished_at = ?")
            params.append(dt.datetime.now(dt.UTC).replace(tzinfo=None))
        if seconds is not None:
            sets.append("seconds = ?")
            params.append(seconds)
        for col, listed in (("failures", failures), ("warnings", warnings)):
            if listed:
                sets.append(f"{col} = ?")
                params.append(json.dumps([{"origin": o, "reason": r} for o, r in listed[:1000]]))
        for col, by_reason in (("failures_by_reason", failures_by_reason), ("skips_by_reason", skips_by_reason),
                               ("warnings_by_reason", warnings_by_reason)):
            if by_reason is not None:
                sets.append(f"{col} = ?")
                params.append(json.dumps(by_reason))
        if not sets:
            return
        try:
            self._exec(f"UPDATE runs SET {', '.join(sets)} WHERE run_id = ?", [*params, run_id])
        except duckdb.Error as exc:
            raise _store_error(self.path, exc, "record the run") from None
        self._let_go_if_due()

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", [limit])

    # -- reading --------------------------------------------------------------------------
    def events(self, actor: str | None = None, pair: Sequence[str] | None = None,  # noqa: PLR0913 - options
               start: str | dt.date | None = None, end: str | dt.date | None = None,
               root: str | int | None = None, quad_class: int | None = None,
               polarity: str | None = None, modality: str | None = None,
               counts_only: bool = False, limit: int | None = None,
               columns: Sequence[str] | None = None, article: str | None = None) -> list[dict[str, Any]]:
        """Event rows (dicts of the ``events`` columns, ``record`` as a JSON string), by date.

        Filters as in :meth:`event_where`; ``columns`` picks columns (default: all).
        """
        where, params = self.event_where(actor=actor, pair=pair, start=start, end=end, root=root,
                                         quad_class=quad_class, polarity=polarity, modality=modality,
                                         counts_only=counts_only, article=article)
        cols = _columns("events", columns)
        sql = f"SELECT {cols} FROM events WHERE {where} ORDER BY date NULLS LAST, article_id, sentence_index, event_id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._dicts(sql, params)

    def count_events(self, **filters: Any) -> int:
        where, params = self.event_where(**filters)
        return int(self.query(f"SELECT count(*) FROM events WHERE {where}", params).fetchall()[0][0])

    def event_where(self, article: str | None = None, **filters: Any) -> tuple[str, list[Any]]:
        """:func:`event_filters` for this store, plus ``article``: the events of one article, named by
        its ``article_id``, a unique prefix of it, or the input's own id (:meth:`resolve_article`).
        The one query behind ``detente events``, ``detente export`` and ``GET /events``."""
        if article is not None:
            if filters.get("article_id"):
                raise TypeError("give article or article_id, not both")
            filters["article_id"] = self.resolve_article(article)
        return event_filters(**filters)

    def resolve_article(self, ref: str) -> str:
        """The ``article_id`` that ``ref`` names: an ``article_id``, else an input's own id
        (``articles.source_id``), else a prefix of one ``article_id`` (at least
        :data:`MIN_PREFIX` characters). Unknown: ``E316``; more than one article: ``E317``, listing them."""
        ref = ref.strip()
        if not ref:
            raise ConfigError("E316", "article", "give an article id")
        exact = self.query("SELECT article_id FROM articles WHERE article_id = ?", [ref]).fetchall()
        if exact:
            return str(exact[0][0])
        look = ("SELECT article_id, {sid}, origin FROM articles WHERE {cond} "
                "ORDER BY article_id LIMIT 6")
        sid = self.column_sql("articles", "source_id")
        if "source_id" not in self._missing.get("articles", ()):
            rows = self.query(look.format(sid=sid, cond="source_id = ?"), [ref]).fetchall()
            if rows:
                return _one_article(ref, rows, "input id")
        if len(ref) >= MIN_PREFIX:
            rows = self.query(look.format(sid=sid, cond="starts_with(article_id, ?)"), [ref.lower()]).fetchall()
            if rows:
                return _one_article(ref, rows, "article_id prefix")
        hint = f" (an article_id prefix needs {MIN_PREFIX}+ characters)" if len(ref) < MIN_PREFIX else ""
        raise ConfigError("E316", "article", f"no article with id or input id {ref!r} in the store{hint}")

    def article(self, article_id: str, left_out: Counter[str] | None = None) -> CodedArticle | None:
        """The stored article ``article_id`` (:meth:`coded_articles`), or None."""
        for coded in self.coded_articles(article_ids=[article_id], left_out=left_out):
            return coded
        return None

    _RECORD_TABLES: tuple[tuple[str, str, str, type], ...] = (
        ("events", "t.sentence_index", "t.event_id", Event),
        ("quantities", "t.sentence_index", "t.quantity_id", Quantity),
        ("accounts", "NULL::INTEGER", "t.account_id", Account))

    def _article_records(self, article_ids: Sequence[str] | None, status: str | None, limit: int | None,
                         checked: bool, chunk: int = 2048) -> Iterator[tuple[Article, list[list[tuple[str, bool]]]]]:
        """Each chosen article (in the order they were coded: ``coded_at``, then ``article_id``; the
        first ``limit``) with its events, quantities and accounts (each in its table's order): the
        ``record`` text of each and, with ``checked``, whether it matches :func:`record_pattern`.

        One query, one sorted stream: the article's row, then its records, article after article,
        read ``chunk`` rows at a time. No GROUP BY gathers each article's records into lists (which
        held every record of the store in DuckDB's memory at once); the sort may spill to disk."""
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if article_ids is not None:
            where.append("a.article_id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(article_ids))
        if status:
            where.append("a.status = ?")
            params.append(status)
        parts = []
        nulls = ", ".join(["NULL"] * 11)
        for kind, (table, key1, key2, cls) in enumerate(self._RECORD_TABLES, 1):
            ok = "false"
            if checked:
                ok = "coalesce(regexp_full_match(t.record::VARCHAR, ?), false)"
                params.append(record_pattern(cls))
            parts.append(f"SELECT sel.rk, {kind} AS kind, {key1} AS k1, {key2} AS k2, t.record::VARCHAR AS rec, "
                         f"{ok} AS ok, {nulls} FROM {table} t JOIN sel ON sel.article_id = t.article_id")
        sql = (f"WITH sel AS (SELECT a.article_id, row_number() OVER (ORDER BY a.coded_at, a.article_id) AS rk "
               f"FROM articles a WHERE {' AND '.join(where)} ORDER BY rk"
               + (f" LIMIT {int(limit)}" if limit is not None else "") + ") "
               f"SELECT sel.rk, 0 AS kind, NULL::INTEGER AS k1, NULL::VARCHAR AS k2, NULL::VARCHAR AS rec, "
               "false AS ok, a.article_id, a.text, a.url, a.title, a.source, a.published, a.lang, a.origin, "
               f"a.status, a.status_reason, {self.column_sql('articles', 'source_id', 'a')} "
               "FROM sel JOIN articles a ON a.article_id = sel.article_id "
               + " ".join(f"UNION ALL {p}" for p in parts) + " ORDER BY rk, kind, k1, k2")
        cur = self.stream(sql, params)
        current: tuple[Article, list[list[tuple[str, bool]]]] | None = None
        while rows := cur.fetchmany(chunk):
            for row in rows:
                kind = row[1]
                if kind:
                    current[1][kind - 1].append((row[4], row[5]))  # type: ignore[index]
                    continue
                if current is not None:
                    yield current
                aid, text, url, title, source, published, lang, origin, status_, reason, source_id = row[6:]
                current = (Article(article_id=aid, text=text, url=url, title=title, source=source,
                                   published=published.isoformat() if published else None, lang=lang,
                                   origin=origin, status=status_, status_reason=reason, source_id=source_id),
                           [[], [], []])
        if current is not None:
            yield current

    def coded_articles(self, article_ids: Sequence[str] | None = None, status: str | None = None,
                       chunk: int = 2048, limit: int | None = None,
                       left_out: Counter[str] | None = None) -> Iterator[CodedArticle]:
        """Every stored article with its records, rebuilt from the JSON columns (lossless), in the
        order they were coded (``coded_at``, then ``article_id``); the first ``limit`` when given.
        A record that cannot be rebuilt (NULL, or JSON that is not one of its dataclass) is left out
        of its article and counted in ``left_out`` by reason (:func:`read_record`), as
        :meth:`coded_article_lines` does: one bad row never stops the reading."""
        left_out = Counter() if left_out is None else left_out
        for article, lists in self._article_records(article_ids, status, limit, False, chunk):
            evs, qs, accs = ([rec for r, _ in recs if (rec := read_record(r, table, cls, left_out)) is not None]
                             for (table, _, _, cls), recs in zip(self._RECORD_TABLES, lists, strict=True))
            yield CodedArticle(article=article, events=evs, quantities=qs, accounts=accs)

    def coded_article_lines(self, article_ids: Sequence[str] | None = None, status: str | None = None,
                            chunk: int = 2048, limit: int | None = None,
                            left_out: Counter[str] | None = None) -> Iterator[str]:
        """What :meth:`coded_articles` yields, as ``json.dumps(coded.to_dict(), ensure_ascii=False)``
        text, byte for byte, without rebuilding the records: a stored ``record`` that is what
        :func:`to_json` writes for the current dataclasses (:func:`record_pattern`, checked in the
        query) goes into the line as it is; any other (an earlier detente's, with other fields) is
        rebuilt through its dataclass, as :meth:`coded_articles` does. A record that cannot be
        rebuilt (NULL, or JSON that is not one of its dataclass) is left out of its article's line
        and counted in ``left_out`` by reason: one bad row never stops the export."""
        left_out = Counter() if left_out is None else left_out
        for article, lists in self._article_records(article_ids, status, limit, True, chunk):
            parts = [", ".join(text for r, ok in recs
                               if (text := r if ok else _record_text(r, table, cls, left_out)) is not None)
                     for (table, _, _, cls), recs in zip(self._RECORD_TABLES, lists, strict=True)]
            yield (f'{{"article": {json.dumps(article.to_dict(), ensure_ascii=False)}, '
                   f'"events": [{parts[0]}], "quantities": [{parts[1]}], "accounts": [{parts[2]}]}}')

    def stats(self, top: int = 10) -> dict[str, Any]:
        """Counts: articles by status, events (all / counted), quantities, accounts, date range,
        top CAMEO roots and country pairs (counted events), runs."""
        one = lambda sql: self.query(sql).fetchall()[0]  # fetchall: DuckDB wants results finished
        by_status = dict(self.query("SELECT status, count(*) FROM articles GROUP BY status ORDER BY 1").fetchall())
        counted = counted_sql()
        n_events, n_counted, first, last = one(
            f"SELECT count(*), count(*) FILTER (WHERE {counted}), min(date), max(date) FROM events")
        pairs = self.query(
            "SELECT least(source_country, target_country) AS a, greatest(source_country, target_country) AS b, "
            f"count(*) AS n FROM events WHERE {counted} AND source_country IS NOT NULL "
            "AND target_country IS NOT NULL AND source_country <> target_country "
            "GROUP BY 1, 2 ORDER BY n DESC, a, b LIMIT ?", [top]).fetchall()
        roots = self.query(
            f"SELECT cameo_root, any_value(cameo_name) FILTER (WHERE length(cameo) = 2), count(*) AS n "
            f"FROM events WHERE {counted} GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?", [top]).fetchall()
        last_run = self.runs(limit=1)
        return {
            "path": self.path,
            "articles": sum(by_status.values()),
            "articles_by_status": by_status,
            "events": n_events,
            "events_counted": n_counted,
            "quantities": one("SELECT count(*) FROM quantities")[0],
            "accounts": one("SELECT count(*) FROM accounts")[0],
            "first_date": first.isoformat() if first else None,
            "last_date": last.isoformat() if last else None,
            "top_pairs": [{"a": a, "b": b, "events": n} for a, b, n in pairs],
            "top_roots": [{"root": r, "name": name, "events": n} for r, name, n in roots],
            "runs": one("SELECT count(*) FROM runs")[0],
            "last_run": last_run[0] if last_run else None,
        }


MIN_PREFIX = 6  # the shortest article_id prefix `--article` accepts


def null_record(table: str) -> str:
    """The reason a NULL ``record`` of ``table`` is left out, as every reader counts it."""
    return f"{table}: record is NULL"


def read_record(text: str | None, table: str, cls: type, left_out: Counter[str]) -> Any:
    """A stored ``record`` of ``table`` read back as its dataclass ``cls`` (``cls.from_dict``), or
    None, counted in ``left_out`` by reason, when it cannot be: NULL, or not that record's JSON.
    The one rule every reader of stored records follows (:meth:`Store.coded_articles`,
    :meth:`Store.coded_article_lines`, the article page)."""
    if text is None:
        left_out[null_record(table)] += 1
        return None
    try:
        return cls.from_dict(json.loads(text))  # type: ignore[attr-defined]
    except (ValueError, TypeError, AttributeError):
        left_out[f"{table}: record is not the JSON of {'an' if cls.__name__[0] in 'AEIOU' else 'a'} "
                  f"{cls.__name__}"] += 1
        return None


def _record_text(text: str | None, table: str, cls: type, left_out: Counter[str]) -> str | None:
    """:func:`read_record` as the JSON text ``json.dumps(record.to_dict())``, or None."""
    record = read_record(text, table, cls, left_out)
    return None if record is None else json.dumps(record.to_dict(), ensure_ascii=False)


def _one_article(ref: str, rows: list[tuple[Any, ...]], what: str) -> str:
    if len(rows) == 1:
        return str(rows[0][0])
    shown = "; ".join(f"{aid[:12]} ({origin or source_id or '?'})" for aid, source_id, origin in rows[:5])
    more = ", ..." if len(rows) > 5 else ""
    raise ConfigError("E317", "article", f"{what} {ref!r} names more than one article: {shown}{more}; "
                                         f"give one's article_id (or a longer prefix)")


def _columns(table: str, columns: Sequence[str] | None) -> str:
    known = [c for c, _, _ in TABLES[table]]
    if not columns:
        return ", ".join(f'"{c}"' for c in known)
    bad = [c for c in columns if c not in known]
    if bad:
        raise ConfigError("E314", "columns", f"unknown {table} column(s) {', '.join(bad)}; known: {', '.join(known)}")
    return ", ".join(f'"{c}"' for c in columns)


def _with_status(article: Article, status: str, reason: str) -> Article:
    return dataclasses.replace(article, status=status, status_reason=reason)


def _rows(coded: CodedArticle, now: dt.datetime, run_id: str | None) -> dict[str, list[dict[str, Any]]]:
    """The rows one coded article becomes. Event ids repeated within the article keep the first."""
    seen: set[str] = set()
    events = []
    for ev in coded.events:
        if ev.event_id not in seen:
            seen.add(ev.event_id)
            events.append(ev)
    article = _row(ARTICLE_COLUMNS, coded)
    article["coded_at"], article["run_id"] = now, run_id
    return {
        "articles": [article],
        "events": [_row(EVENT_COLUMNS, e) for e in events],
        "quantities": [_row(QUANTITY_COLUMNS, q) for q in coded.quantities],
        "accounts": [_row(ACCOUNT_COLUMNS, a) for a in coded.accounts],
    }


def _row(columns: list[Column], record: Any) -> dict[str, Any]:
    return {name: get(record) for name, _, get in columns}


def _arrow_tables(parts: list[dict[str, list[dict[str, Any]]]]) -> dict[str, pa.Table]:
    """One Arrow table per store table (a value of the wrong type raises here)."""
    out = {}
    for name, columns in TABLES.items():
        schema = pa.schema([(col, _arrow_type(t)) for col, t, _ in columns])
        out[name] = pa.Table.from_pylist([row for part in parts for row in part[name]], schema=schema)
    return out
