"""The DuckDB store: lossless writes, replace-on-rewrite, filters, stats, runs, and failures that
leave the store as it was (read-only, disk full, locked)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from conftest import make_coded, make_event, one
from detente import store as store_mod
from detente.dates import parse_bound, to_date
from detente.errors import ConfigError, StoreError
from detente.export import export
from detente.store import TABLES, Store


def test_write_then_read_back_is_lossless(store: Store) -> None:
    batch = [make_coded(i, n_events=3) for i in range(4)]
    written = store.write_many(batch, run_id="r1")
    assert [c.article.status for c in written] == ["ok"] * 4
    back = {c.article.article_id: c for c in store.coded_articles()}
    for coded in batch:
        assert back[coded.article.article_id].to_dict() == coded.to_dict()
    again = store.article(batch[2].article.article_id)
    assert again is not None and again.to_dict() == batch[2].to_dict()
    next(store.coded_articles())  # a half-read stream does not block the next query
    assert store.stats()["articles"] == 4


def test_flattened_columns(store: Store) -> None:
    coded = make_coded(1, n_events=2)
    store.write(coded, run_id="r1")
    row = store.events(limit=1)[0]
    ev = next(e for e in coded.events if e.event_id == row["event_id"])
    assert row["cameo"] in ("042", "0211") and row["cameo"] == ev.cameo  # leading zero kept
    assert row["cameo_root"] == ev.cameo_root and row["date"] == dt.date(2022, 9, 15)
    assert (row["source_code"], row["source_country"], row["target_country"]) == ("CHNGOV", "CHN", "RUS")
    assert row["location_name"] == "Samarkand" and row["location_geonames_id"] == 1216265
    assert json.loads(row["record"]) == ev.to_dict()
    art = one(store.query("SELECT published, status, coder, run_id, n_events, coded_at FROM articles"))
    assert art[:5] == (dt.date(2022, 9, 16), "ok", art[2], "r1", 2) and art[2].startswith("detente-")
    assert isinstance(art[5], dt.datetime)
    q = one(store.query("SELECT measure, value, date, record FROM quantities"))
    assert q[:3] == ("trade", 30.0, dt.date(2022, 9, 1))  # month precision -> first of month
    acc = one(store.query("SELECT parties, event_ids FROM accounts"))
    assert acc[0] == ["CHN", "RUS"] and len(acc[1]) == 2


def test_table_columns_cover_every_record_field() -> None:
    """Each Event field is either a column or reachable in ``record``; the documented columns exist."""
    cols = {c for c, _, _ in TABLES["events"]}
    for name in ("event_id", "article_id", "sentence_index", "sentence", "date", "date_precision", "date_basis",
                 "source_code", "source_country", "target_sector", "target_name", "cameo", "cameo_root",
                 "quad_class", "goldstein", "plover", "plover_mode", "plover_context", "polarity", "modality",
                 "claimant_code", "claimant_country", "quote", "location_name", "location_country",
                 "location_lat", "location_lon", "location_geonames_id", "confidence", "coder", "historical",
                 "symmetric", "trigger", "pattern", "record"):
        assert name in cols
    art = {c for c, _, _ in TABLES["articles"]}
    assert {f.name for f in dataclasses.fields(make_coded(0).article)} <= art | {"published"}


def test_rewriting_an_article_replaces_all_its_rows(store: Store) -> None:
    first = make_coded(7, n_events=4)
    other = make_coded(8, n_events=2)
    store.write_many([first, other])
    recoded = make_coded(7, n_events=1)
    recoded.quantities = []
    store.write(recoded)
    aid = first.article.article_id
    assert one(store.query("SELECT count(*) FROM events WHERE article_id = ?", [aid]))[0] == 1
    assert one(store.query("SELECT count(*) FROM quantities WHERE article_id = ?", [aid]))[0] == 0
    assert one(store.query("SELECT count(*) FROM articles"))[0] == 2
    assert one(store.query("SELECT count(*) FROM events"))[0] == 3  # the other article untouched


def test_same_article_twice_in_a_batch_and_repeated_event_ids(store: Store) -> None:
    a = make_coded(1, n_events=2)
    b = make_coded(1, n_events=3)
    b.events.append(b.events[0])  # a coder emitting one event twice
    store.write_many([a, b])
    assert one(store.query("SELECT count(*) FROM events"))[0] == 3


def test_stored_ids_only_counts_ok_articles(store: Store) -> None:
    ok = make_coded(1)
    failed = make_coded(2)
    failed.article.status, failed.article.status_reason = "failed", "coding failed: boom"
    store.write_many([ok, failed])
    ids = [ok.article.article_id, failed.article.article_id, "nope"]
    assert store.stored_ids(ids) == {ok.article.article_id}
    assert store.has_article(ok.article.article_id) and not store.has_article(failed.article.article_id)


def test_a_record_with_a_bad_value_fails_only_its_article(store: Store) -> None:
    good = make_coded(1)
    bad = make_coded(2)
    bad.events[0].quad_class = "very cooperative"  # type: ignore[assignment]
    written = store.write_many([good, bad])
    assert [c.article.status for c in written] == ["ok", "failed"]
    assert "cannot store" in (written[1].article.status_reason or "")
    rows = dict(store.query("SELECT article_id, status FROM articles").fetchall())
    assert rows == {good.article.article_id: "ok", bad.article.article_id: "failed"}
    assert one(store.query("SELECT count(*) FROM events"))[0] == len(good.events)


def test_a_failed_recode_keeps_the_stored_coding(store: Store) -> None:
    good = make_coded(1, n_events=3)
    store.write(good)
    failed = make_coded(1, n_events=0)
    failed.article.status, failed.article.status_reason = "failed", "coding failed: boom"
    other = make_coded(2, n_events=0)
    other.article.status, other.article.status_reason = "failed", "coding failed: boom"
    written = store.write_many([failed, other])
    assert [c.article.status for c in written] == ["failed", "failed"]  # reported as failed ...
    assert [c.to_dict() for c in store.coded_articles(status="ok")] == [good.to_dict()]  # ... good one kept
    assert store.stats()["articles_by_status"] == {"failed": 1, "ok": 1}


def _store_with_events(store: Store) -> Store:
    a = make_coded(1, n_events=0)
    aid = a.article.article_id
    a.events = [
        make_event(aid, 0, source="CHN", target="RUS", cameo="042", date="2022-09-15"),
        make_event(aid, 1, source="RUS", target="CHN", cameo="057", date="2022-09-20"),
        make_event(aid, 2, source="USA", target="CHN", cameo="112", date="2022-10-02"),
        make_event(aid, 3, source="CHN", target="IND", cameo="190", date="2022-08-01", polarity="negated"),
        make_event(aid, 4, source="RUS", target="UKR", cameo="190", date="2022-09-10", modality="hypothetical"),
        make_event(aid, 5, source="RUS", target="UKR", cameo="190", date=None),
    ]
    store.write(a)
    return store


def test_event_filters(store: Store) -> None:
    s = _store_with_events(store)
    idx = lambda rows: sorted(r["sentence_index"] for r in rows)
    assert idx(s.events()) == [0, 1, 2, 3, 4, 5]
    assert idx(s.events(actor="chn")) == [0, 1, 2, 3]
    assert idx(s.events(actor="CHNGOV")) == [0, 3]
    assert idx(s.events(pair=("RUS", "CHN"))) == [0, 1]  # both directions
    assert idx(s.events(pair=["CHN", "USA"])) == [2]
    assert idx(s.events(root="19")) == [3, 4, 5] == idx(s.events(root=19))
    assert idx(s.events(quad_class=4)) == [2, 3, 4, 5]
    assert idx(s.events(start="2022-09", end="2022-09")) == [0, 1, 4]  # a month, inclusive of its last day
    assert idx(s.events(start="2022-09-16")) == [1, 2]
    assert idx(s.events(end="2022")) == [0, 1, 2, 3, 4]
    assert idx(s.events(polarity="negated")) == [3]
    assert idx(s.events(modality="hypothetical")) == [4]
    assert idx(s.events(counts_only=True)) == [0, 1, 2, 5]
    assert idx(s.events(limit=2)) == [3, 4]  # ordered by date
    assert s.count_events(actor="RUS", counts_only=True) == 3
    assert [r["cameo"] for r in s.events(columns=["cameo"], root=5)] == ["057"]


@pytest.mark.parametrize("filters", [{"root": "33"}, {"root": "x"}, {"quad_class": 5}, {"start": "Sept 2022"},
                                     {"pair": ["CHN"]}, {"columns": ["nope"]}])
def test_bad_filters_are_config_errors(store: Store, filters: dict) -> None:
    with pytest.raises(ConfigError):
        store.events(**filters)


def test_partial_dates_as_range_bounds() -> None:
    d = dt.date
    assert parse_bound("2025-09") == d(2025, 9, 1) and parse_bound("2025-09", end=True) == d(2025, 9, 30)
    assert parse_bound("2024-02", end=True) == d(2024, 2, 29) and parse_bound("2025-02", end=True) == d(2025, 2, 28)
    assert parse_bound("2025") == d(2025, 1, 1) and parse_bound(" 2025 ", end=True) == d(2025, 12, 31)
    assert parse_bound("2025-9-5", end=True) == d(2025, 9, 5) == parse_bound(d(2025, 9, 5), end=True)
    assert parse_bound(dt.datetime(2025, 9, 5, 13, 0)) == d(2025, 9, 5) and parse_bound(None, end=True) is None
    for bad in ("2025-13", "2025-02-30", "Sept 2025", "2025-09-01T10:00", "25-09", ""):
        with pytest.raises(ConfigError, match=r"^E311: --to: not a date"):
            parse_bound(bad, end=True, what="--to")
    assert store_mod.parse_day is parse_bound  # the old name, until api.py and cli/core.py import the new


def test_partial_dates_as_stored_dates() -> None:
    d = dt.date
    assert to_date("2025-09-05T23:30:00+02:00") == d(2025, 9, 5)  # the day as written, not UTC
    assert to_date("2025-09") == d(2025, 9, 1) and to_date("2025") == d(2025, 1, 1)
    assert [to_date(v) for v in (None, "", "n.d.", "2025-02-30")] == [None, None, None, None]


def test_export_from_the_store(store: Store, tmp_path: Path) -> None:
    _store_with_events(store)
    out = tmp_path / "e.tsv"
    assert export(store, "gdelt", str(out)) == 4  # counted events only
    assert all(len(line.split("\t")) == 61 for line in out.read_text().splitlines())
    assert export(store, "jsonl", str(out), counts_only=False) == 6


def test_stats(store: Store) -> None:
    s = _store_with_events(store).stats()
    assert s["articles"] == 1 and s["articles_by_status"] == {"ok": 1}
    assert (s["events"], s["events_counted"]) == (6, 4)
    assert (s["first_date"], s["last_date"]) == ("2022-08-01", "2022-10-02")
    assert s["top_pairs"][0] == {"a": "CHN", "b": "RUS", "events": 2}
    assert s["quantities"] == 1 and s["accounts"] == 1 and s["runs"] == 0


def test_runs_are_recorded_and_stale_ones_marked_interrupted(store: Store) -> None:
    r1 = store.start_run(["a.jsonl"], {"batch_size": 3})
    store.update_run(r1, counts={"read": 5, "new": 4, "failed": 1})
    r2 = store.start_run(["b.jsonl"], {})  # r1 never finished: its process died
    store.update_run(r2, status="done", finished=True, failures=[("b.jsonl:3", "not valid JSON")],
                     failures_by_reason={"not valid JSON": 1}, counts={"read": 1})
    runs = {r["run_id"]: r for r in store.runs()}
    assert runs[r1]["status"] == "interrupted" and runs[r1]["new"] == 4 and runs[r1]["inputs"] == ["a.jsonl"]
    assert runs[r2]["status"] == "done" and runs[r2]["finished_at"] is not None
    assert json.loads(runs[r2]["failures"]) == [{"origin": "b.jsonl:3", "reason": "not valid JSON"}]
    assert json.loads(runs[r1]["config"]) == {"batch_size": 3}


# --- failures leave the store intact -------------------------------------------------------------

def test_disk_full_mid_write_rolls_back_the_whole_batch(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = make_coded(1, n_events=2)
    store.write(before)
    original = store._exec

    def full_disk(sql: str, params=None):
        if sql.startswith("INSERT INTO events"):
            raise duckdb.IOException("IO Error: Could not write file \"x.duckdb.wal\": No space left on device")
        return original(sql, params)

    monkeypatch.setattr(store, "_exec", full_disk)
    recode = make_coded(1, n_events=5)
    new = make_coded(2, n_events=2)
    with pytest.raises(StoreError) as err:
        store.write_many([recode, new])
    assert err.value.code == "E303" and "disk full" in err.value.one_line()
    assert "\n" not in err.value.one_line()
    monkeypatch.setattr(store, "_exec", original)
    # nothing of the failed batch is visible: the old version of article 1 is whole, article 2 absent
    assert [c.to_dict() for c in store.coded_articles()] == [before.to_dict()]
    store.write(new)  # and the store still works
    assert store.has_article(new.article.article_id)


def test_read_only_store_is_a_clear_error_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ro.duckdb"
    with Store(path) as s:
        s.write(make_coded(1))
    with Store(path, read_only=True) as ro:
        assert ro.stats()["articles"] == 1
        with pytest.raises(StoreError) as err:
            ro.write(make_coded(2))
        assert err.value.code == "E302" and "read-only" in err.value.reason
        with pytest.raises(StoreError):
            ro.start_run(["x"], {})
    with Store(path, read_only=True) as ro:
        assert ro.stats()["articles"] == 1


def test_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as err:
        Store(blocker / "store.duckdb")  # its parent is a file: no one, root included, can create it
    assert err.value.code == "E304" and "\n" not in err.value.one_line()
    with pytest.raises(StoreError) as err:
        Store(tmp_path / "missing.duckdb", read_only=True)
    assert err.value.code == "E306"


def test_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        Store(junk)
    assert err.value.code in ("E300", "E305")


def test_locked_store_says_another_process_has_it(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    Store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as err:
            Store(path)
        assert err.value.code == "E301" and "another detente process" in err.value.reason
    finally:
        holder.communicate("")


def test_another_programs_duckdb_file_is_refused_unless_init(tmp_path: Path) -> None:
    """Issue #15: a DuckDB file with other tables was silently turned into a store."""
    import duckdb

    path = tmp_path / "sales.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (id INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO sales VALUES (1, 2.5)")
    con.close()
    with pytest.raises(StoreError) as err:
        Store(path)
    assert err.value.code == "E305" and "sales" in str(err.value) and "--init" in str(err.value)
    con = duckdb.connect(str(path), read_only=True)
    assert [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()] == ["sales"]
    con.close()
    with Store(path, init=True) as store:  # asked for: detente's tables beside the others
        assert store.stats()["events"] == 0
    with Store(path) as store:  # from then on a store like any other
        assert store.query("SELECT amount FROM sales").fetchall() == [(2.5,)]
    with Store(tmp_path / "new.duckdb"):  # an empty or new file needs no --init
        pass


def test_permission_errors_are_read_only_not_a_generic_store_error() -> None:
    """Issue #15: EPERM ("Operation not permitted") was reported as E300."""
    import errno

    from detente.store import _store_error

    for exc in (OSError(errno.EPERM, "Operation not permitted"), OSError(errno.EACCES, "Permission denied"),
                RuntimeError('IO Error: Cannot open file "x.duckdb": Operation not permitted')):
        assert _store_error("x.duckdb", exc, "write the store").code == "E302", exc
    assert _store_error("x.duckdb", RuntimeError("something else"), "write").code == "E300"
