"""Reviews: an analyst's verdicts on coded events and their corrections, kept beside the coder's rows.

Contract:

* ``add_review(db, event_id, verdict=None, *, cameo=None, source=None, target=None, polarity=None,
  modality=None, reviewer=None, note=None) -> dict``: one row in the store's ``reviews`` table
  (made here, ``CREATE TABLE IF NOT EXISTS``); the ``events`` row is never changed. ``verdict`` is
  ``right`` (coded correctly), ``wrong`` (no such event: left out wherever reviews are applied) or
  ``corrected`` (the default when a correction is given): a CAMEO code, a source or target actor
  (a code or a name, :func:`detente.actors.lookup.actor_arg`), a polarity or a modality. The row
  keeps who, when, the event, ``changes`` (``{field: [coder's value, corrected value]}``) and
  ``patch`` (the event columns and record fields the correction sets: a new CAMEO code brings its
  root, name, QuadClass, Goldstein score and PLOVER type from the codebook).
* ``list_reviews(store, event_id=None, limit=None) -> list[dict]``: the reviews, newest first.
* ``apply_reviews(store_or_con) -> int``: on a read-only store (:class:`detente.store.Store` opened
  ``read_only=True``: its connection is replaced by an in-memory one with the file attached
  read-only) or an analysis connection with the store attached (:func:`detente.analysis.common.open_db`
  ``read_only=True``, ``detente.api._AnalysisDB``), replace ``events`` by a view in which each
  reviewed event takes its latest review: corrected columns and ``record``, and ``wrong`` events
  gone. The in-memory copies of the happening tables
  lose the happenings with a reviewed member, so ``cluster_happenings(only_new=True)`` clusters
  them again from the reviewed events. Returns the number of reviewed events. This is ``--reviewed``
  (``reviewed=true`` in the API) in ``events``, ``dyad``, ``changes`` and ``relations``.
* ``gold_records(store) -> list[dict]``: one record per reviewed sentence in the gold format
  ``detente eval`` reads (:mod:`detente.evaluation`): ``{"id", "text", "date", "expected":
  [{"source", "target", "code"}], "scored": true}`` plus where it comes from. ``expected`` is what
  the sentence's events say once the reviews are applied, in the form :func:`prediction_events`
  gives predictions (counted events with two placed actors); events of the sentence nobody
  reviewed are kept as the coder gave them (``unreviewed`` lists them).
* ``export_reviews(store, fmt, out=None) -> int``: ``detente export --table reviews`` as ``jsonl``,
  ``csv`` or ``gold``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import duckdb

from .actors.lookup import _index, actor_arg
from .coding.codebook import load_codebook
from .countries import is_state
from .errors import ConfigError, StoreError
from .evaluation import prediction_events
from .export import _opened, refuse_database
from .records import MODALITIES, POLARITIES, Event
from .store import Store, _store_error

VERDICTS = ("right", "wrong", "corrected")
CORRECTABLE = ("cameo", "source", "target", "polarity", "modality")

REVIEW_COLUMNS: list[tuple[str, str]] = [
    ("review_id", "VARCHAR PRIMARY KEY"),
    ("event_id", "VARCHAR NOT NULL"),
    ("article_id", "VARCHAR"),
    ("sentence_index", "INTEGER"),
    ("reviewer", "VARCHAR"),
    ("created_at", "TIMESTAMP"),
    ("verdict", "VARCHAR"),  # right | wrong | corrected
    ("cameo", "VARCHAR"),  # the corrected values; NULL: unchanged
    ("source_code", "VARCHAR"),
    ("target_code", "VARCHAR"),
    ("polarity", "VARCHAR"),
    ("modality", "VARCHAR"),
    ("note", "VARCHAR"),
    ("coder", "VARCHAR"),  # the coder version of the row reviewed
    ("changes", "JSON"),  # {field: [coder's value, corrected value]}
    ("patch", "JSON"),  # {"columns": {column: value}, "record": merge patch of the Event JSON}
]
REVIEW_DDL = "CREATE TABLE IF NOT EXISTS reviews (" + ", ".join(f'"{c}" {t}' for c, t in REVIEW_COLUMNS) + ")"

# the event columns a review may set, with their types (the view casts the patch's JSON values)
PATCHED = {"cameo": "VARCHAR", "cameo_root": "VARCHAR", "cameo_name": "VARCHAR", "quad_class": "INTEGER",
           "goldstein": "DOUBLE", "plover": "VARCHAR", "plover_mode": "VARCHAR", "plover_context": "VARCHAR",
           **{f"{side}_{a}": "VARCHAR" for side in ("source", "target") for a in ("code", "country", "sector", "name")},
           "polarity": "VARCHAR", "modality": "VARCHAR"}

_WRITE_LOCK = threading.Lock()  # one writer per process; DuckDB refuses a second configuration anyway


# ---------------------------------------------------------------------------------------------
# Writing

def _actor_fields(text: str, what: str) -> dict[str, Any]:
    """The actor a correction names: its stored code, country, sector and name."""
    try:
        code = actor_arg(text, what=what)
    except ConfigError as exc:
        raise ConfigError("E361", what, exc.reason) from None
    if not code:
        raise ConfigError("E361", what, "an empty actor")
    state = code[:3] if is_state(code[:3]) else None
    label = _index(None).labels.get(code) or _index(None).labels.get(state or "")
    name = label.rsplit(" (", 1)[0] if label else None
    return {"code": code, "country": state or code, "sector": code[3:6] if state and len(code) > 3 else None,
            "name": name}


def _correction(event: dict[str, Any], cameo: str | None, source: str | None, target: str | None,
                polarity: str | None, modality: str | None) -> tuple[dict, dict, dict]:
    """(changes, column patch, record patch) of a correction of ``event`` (a row of ``events``)."""
    changes: dict[str, list[Any]] = {}
    columns: dict[str, Any] = {}
    record: dict[str, Any] = {}
    if cameo is not None:
        code = str(cameo).strip()
        book = load_codebook()
        if not book.is_valid(code):
            raise ConfigError("E361", "cameo", f"{code!r} is not a CAMEO code of the codebook")
        if code != event["cameo"]:
            ptype, pmode, pcontext = book.plover(code)
            vals = {"cameo": code, "cameo_root": book.root(code), "cameo_name": book.name(code),
                    "quad_class": book.quad_class(code), "goldstein": book.goldstein(code), "plover": ptype,
                    "plover_mode": pmode, "plover_context": pcontext}
            columns.update(vals)
            record.update(vals)
            changes["cameo"] = [event["cameo"], code]
    for side, text in (("source", source), ("target", target)):
        if text is None:
            continue
        actor = _actor_fields(text, side)
        if actor["code"] != event[f"{side}_code"]:
            columns.update({f"{side}_{k}": v for k, v in actor.items()})
            record[side] = {**actor, "kind": "state" if actor["sector"] is None and actor["code"] == actor["country"]
                            else None}
            if event[f"{side}_code"] is None:
                record[side]["text"] = actor["name"] or actor["code"]
            changes[side] = [event[f"{side}_code"], actor["code"]]
    for name, value, allowed in (("polarity", polarity, POLARITIES), ("modality", modality, MODALITIES)):
        if value is None:
            continue
        if value not in allowed:
            raise ConfigError("E361", name, f"one of {', '.join(allowed)}, got {value!r}")
        if value != event[name]:
            columns[name] = record[name] = value
            changes[name] = [event[name], value]
    return changes, columns, record


def _connect_for_write(db: str, tries: float = 5.0) -> Any:
    """The store opened for writing; while a reader of this process has it open (the web server's
    requests), DuckDB refuses a second configuration of the file: wait for it a few seconds."""
    deadline = time.monotonic() + tries
    while True:
        try:
            return Store(db)
        except StoreError as exc:
            if "different configuration" not in exc.reason or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def add_review(db: str, event_id: str, verdict: str | None = None, *, cameo: str | None = None,  # noqa: PLR0913 - options
               source: str | None = None, target: str | None = None, polarity: str | None = None,
               modality: str | None = None, reviewer: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Store one review of ``event_id`` (see the module docstring) and return it as :func:`list_reviews` does."""
    given = {k: v for k, v in (("cameo", cameo), ("source", source), ("target", target), ("polarity", polarity),
                               ("modality", modality)) if v not in (None, "")}
    verdict = (verdict or ("corrected" if given else "")).strip().lower()
    if verdict not in VERDICTS:
        raise ConfigError("E361", "verdict", f"one of {', '.join(VERDICTS)}, got {verdict!r}")
    if verdict != "corrected" and given:
        raise ConfigError("E361", "verdict", f"{verdict!r} with corrections ({', '.join(given)}): "
                                             "use 'corrected', or leave the corrections out")
    with _WRITE_LOCK:
        store = _connect_for_write(db)
        try:
            con = store.con
            rows = con.execute("SELECT event_id, article_id, sentence_index, cameo, source_code, target_code, "
                               "polarity, modality, coder FROM events WHERE event_id = ?", [event_id]).fetchall()
            if not rows:
                raise ConfigError("E360", "event_id", f"no event {event_id!r} in the store")
            names = ("event_id", "article_id", "sentence_index", "cameo", "source_code", "target_code", "polarity",
                     "modality", "coder")
            event = dict(zip(names, rows[0], strict=True))
            changes, columns, record = _correction(event, given.get("cameo"), given.get("source"),
                                                   given.get("target"), given.get("polarity"), given.get("modality"))
            if verdict == "corrected" and not changes:
                raise ConfigError("E361", "verdict", "'corrected' but nothing differs from the coder's event; "
                                                     "mark it 'right' instead")
            now = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
            who = (reviewer or "").strip() or None
            rid = hashlib.sha1(json.dumps([event_id, now.isoformat(), who, verdict, changes, note],
                                          default=str).encode()).hexdigest()[:16]
            patch = {"columns": columns, "record": record} if changes else None
            con.execute(REVIEW_DDL)
            con.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [rid, event_id, event["article_id"], event["sentence_index"], who, now, verdict,
                         columns.get("cameo"), columns.get("source_code"), columns.get("target_code"),
                         columns.get("polarity"), columns.get("modality"), (note or "").strip() or None,
                         event["coder"], json.dumps(changes), json.dumps(patch) if patch else None])
        except duckdb.Error as exc:
            raise _store_error(db, exc, "store the review") from None
        finally:
            store.close()
    return list_reviews(db, review_id=rid)[0]


# ---------------------------------------------------------------------------------------------
# Reading

def _con(store_or_con: Any) -> duckdb.DuckDBPyConnection:
    con = getattr(store_or_con, "con", store_or_con)
    if not isinstance(con, duckdb.DuckDBPyConnection):
        raise TypeError(f"{type(store_or_con).__name__} is not a Store or a DuckDB connection")
    return con


def _source(con: duckdb.DuckDBPyConnection) -> str:
    """The database (a file, or the store attached to an analysis connection) holding ``events``."""
    rows = con.execute("SELECT DISTINCT database_name FROM duckdb_tables() WHERE table_name = 'events' "
                       "AND schema_name = 'main' AND NOT temporary").fetchall()
    if len(rows) != 1:
        raise ConfigError("E361", "store", f"expected one store with an events table, found {len(rows)}")
    return str(rows[0][0])


def _has_reviews(con: duckdb.DuckDBPyConnection, db: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
                            "AND table_name = 'reviews'", [db]).fetchall()[0][0])


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def list_reviews(store_or_path: Any, event_id: str | None = None, limit: int | None = None,
                 review_id: str | None = None) -> list[dict[str, Any]]:
    """The reviews (newest first), ``changes`` and ``patch`` parsed; a store without reviews: ``[]``."""
    if isinstance(store_or_path, str):
        with Store(store_or_path, read_only=True) as store:
            return list_reviews(store, event_id=event_id, limit=limit, review_id=review_id)
    con = _con(store_or_path)
    db = _source(con)
    if not _has_reviews(con, db):
        return []
    where, params = [], []
    if event_id:
        where.append("event_id = ?")
        params.append(event_id)
    if review_id:
        where.append("review_id = ?")
        params.append(review_id)
    sql = (f"SELECT * FROM {_q(db)}.main.reviews WHERE {' AND '.join(where) or 'TRUE'} "
           "ORDER BY created_at DESC, review_id DESC" + (f" LIMIT {int(limit)}" if limit is not None else ""))
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        r["created_at"] = r["created_at"].isoformat(timespec="seconds") + "Z" if r["created_at"] else None
        for key in ("changes", "patch"):
            r[key] = json.loads(r[key]) if r[key] else ({} if key == "changes" else None)
        out.append(r)
    return out


def count_reviews(store: Any) -> int:
    con = _con(store)
    db = _source(con)
    return int(con.execute(f"SELECT count(*) FROM {_q(db)}.main.reviews").fetchall()[0][0]) \
        if _has_reviews(con, db) else 0


def latest_verdicts(store: Any, event_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """{event_id: its latest review} for the given events."""
    con = _con(store)
    db = _source(con)
    if not event_ids or not _has_reviews(con, db):
        return {}
    rows = con.execute(f"""
      SELECT event_id, verdict, reviewer, created_at, changes FROM (
        SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY created_at DESC, review_id DESC) AS rn
        FROM {_q(db)}.main.reviews WHERE list_contains(?, event_id)) WHERE rn = 1""", [list(event_ids)]).fetchall()
    return {e: {"verdict": v, "reviewer": who, "created_at": at.isoformat(timespec="seconds") + "Z",
                "changes": json.loads(ch) if ch else {}} for e, v, who, at, ch in rows}


def reviewed_events_sql(db: str) -> str:
    """``SELECT`` of the events of database ``db`` with each event's latest review applied."""
    src = _q(db)
    cols = ", ".join(
        f"CASE WHEN json_exists(r.patch, '$.columns.{c}') THEN (r.patch ->> '$.columns.{c}')::{t} "
        f"ELSE e.{_q(c)} END AS {_q(c)}" for c, t in PATCHED.items())
    return f"""
      WITH r AS (
        SELECT event_id, verdict, patch FROM (
          SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY created_at DESC, review_id DESC) AS rn
          FROM {src}.main.reviews) WHERE rn = 1)
      SELECT e.* REPLACE ({cols},
        CASE WHEN r.patch IS NULL THEN e.record ELSE json_merge_patch(e.record, r.patch -> '$.record') END AS record)
      FROM {src}.main.events e LEFT JOIN r ON r.event_id = e.event_id
      WHERE r.verdict IS DISTINCT FROM 'wrong'"""


def _in_memory(store: Any) -> duckdb.DuckDBPyConnection:
    """Reopen a read-only :class:`~detente.store.Store` as an in-memory database with the file attached
    read-only and a view per table (as :func:`detente.analysis.common.open_db` does): views there are
    seen by every cursor of the connection (the exports stream on cursors of their own), a temporary
    view is not."""
    path = getattr(store, "snapshot", None) or store.path  # the API reads a copy (detente.api_snapshot)
    store.con.close()
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS {_ALIAS} (READ_ONLY)")
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND "
                                   "schema_name = 'main'", [_ALIAS]).fetchall():
            con.execute(f"CREATE VIEW {_q(name)} AS SELECT * FROM {_ALIAS}.main.{_q(name)}")
    except duckdb.Error as exc:
        con.close()
        raise _store_error(path, exc, "open the store") from None
    store.con = con
    return con


_ALIAS = "detente_reviewed_store"


def apply_reviews(store_or_con: Any) -> int:
    """See the module docstring; the number of reviewed events (0: nothing changed)."""
    con = _con(store_or_con)
    db = _source(con)
    if not _has_reviews(con, db):
        return 0
    here = con.execute("SELECT current_database()").fetchall()[0][0]
    if here == db:  # a store opened by itself, read-only: reopened in memory, the file attached
        if store_or_con is con:
            raise TypeError("apply_reviews: give the Store, not its connection")
        con, db = _in_memory(store_or_con), _ALIAS
    con.execute(f"CREATE OR REPLACE VIEW events AS {reviewed_events_sql(db)}")
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                        "current_database() AND schema_name = 'main' AND NOT temporary").fetchall()}
    if {"happenings", "happening_events"} <= tables:  # in-memory copies: re-cluster the reviewed events' happenings
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _reviewed_h AS SELECT DISTINCT happening_id FROM happening_events
                        WHERE event_id IN (SELECT event_id FROM {_q(db)}.main.reviews)""")
        con.execute("DELETE FROM happenings WHERE happening_id IN (SELECT happening_id FROM _reviewed_h)")
        con.execute("DELETE FROM happening_events WHERE happening_id IN (SELECT happening_id FROM _reviewed_h)")
        con.execute("DROP TABLE _reviewed_h")
    return int(con.execute(f"SELECT count(DISTINCT event_id) FROM {_q(db)}.main.reviews").fetchall()[0][0])


# ---------------------------------------------------------------------------------------------
# The gold set, and the export

def gold_records(store: Any) -> list[dict[str, Any]]:
    """One gold record per reviewed sentence (see the module docstring), in store order."""
    con = _con(store)
    db = _source(con)
    if not _has_reviews(con, db):
        return []
    src = _q(db)
    sentences = con.execute(f"""
      SELECT r.article_id, r.sentence_index, list(DISTINCT r.review_id ORDER BY r.review_id),
             list(DISTINCT r.reviewer ORDER BY r.reviewer) FILTER (WHERE r.reviewer IS NOT NULL),
             list(DISTINCT r.event_id ORDER BY r.event_id), any_value(a.published), min(e.date), any_value(e.sentence)
      FROM {src}.main.reviews r JOIN {src}.main.events e ON e.event_id = r.event_id
      LEFT JOIN {src}.main.articles a ON a.article_id = r.article_id
      GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    out = []
    for aid, sidx, review_ids, reviewers, reviewed, published, first_date, sentence in sentences:
        rows = con.execute(f"SELECT event_id, record::VARCHAR FROM ({reviewed_events_sql(db)}) "
                           "WHERE article_id = ? AND sentence_index = ? ORDER BY event_id", [aid, sidx]).fetchall()
        all_ids = [r[0] for r in con.execute(f"SELECT event_id FROM {src}.main.events WHERE article_id = ? AND "
                                             "sentence_index = ? ORDER BY event_id", [aid, sidx]).fetchall()]
        events = [Event.from_dict(json.loads(rec)) for _eid, rec in rows]
        date = published or first_date
        out.append({"id": f"{aid}:{sidx}", "text": sentence, "date": date.isoformat() if date else None,
                    "expected": prediction_events(events), "scored": True,
                    "article_id": aid, "sentence_index": sidx, "reviews": review_ids, "reviewers": reviewers or [],
                    "reviewed": reviewed, "unreviewed": [e for e in all_ids if e not in set(reviewed)],
                    "source": "detente reviews"})
    return out


EXPORT_FORMATS = ("jsonl", "csv", "gold")


def export_reviews(store: Any, fmt: str, out: str | None = None, limit: int | None = None, **filters: Any) -> int:
    """``detente export --table reviews``: the reviews as JSON Lines or CSV, or the gold set (the first
    ``limit`` rows when given); rows written."""
    given = sorted(k for k, v in filters.items() if v not in (None, False, ()))
    if fmt not in EXPORT_FORMATS or given:
        why = f"format {fmt!r}" if fmt not in EXPORT_FORMATS else f"filters {', '.join(given)}"
        raise ConfigError("E362", "--table reviews", f"exports {', '.join(EXPORT_FORMATS)} without event "
                                                     f"filters (got {why})")
    if out and out != "-":
        refuse_database(out, store.path)
    rows = gold_records(store) if fmt == "gold" else list(reversed(list_reviews(store)))
    if limit is not None:
        rows = rows[:limit]
    with _opened(out) as fh:
        if fmt == "csv":
            w = csv.writer(fh, lineterminator="\n")
            names = [c for c, _ in REVIEW_COLUMNS]
            w.writerow(names)
            for r in rows:
                w.writerow(["" if r[c] is None else json.dumps(r[c]) if c in ("changes", "patch") else r[c]
                            for c in names])
        else:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return len(rows)


__all__ = ["CORRECTABLE", "VERDICTS", "add_review", "apply_reviews", "count_reviews", "export_reviews",
           "gold_records", "latest_verdicts", "list_reviews", "reviewed_events_sql"]
