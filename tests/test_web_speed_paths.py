"""The analysis database is made once per copy of the store (detente.api.analysis_db,
detente.api_snapshot.Lease.cached): the happening-based pages and routes read it without an
ATTACH or a clustering check of their own, answer as a private database would, take a new one
when the store has changed, and close the old one with its copy (issue #14's speed target)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import make_coded
from detente import api_snapshot
from detente.analysis import cluster_happenings, relations_matrix
from detente.api import _AnalysisDB, analysis_db, create_app
from detente.export import export
from detente.reviews import add_review
from detente.store import Store
from detente.web.happenings import happening_rows, happening_where
from web_pages_fixtures import build_pages_store

ROUTES = ["/", "/pair?a=CHN&b=RUS", "/relations", "/relations/view", "/happenings", "/happenings?pair=CHN,RUS",
          "/dyad/CHN/RUS", "/changes/CHN/RUS", "/dyad/CHN/RUS?unit=events&include_all=true"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return _settled(build_pages_store(tmp_path / "speed.duckdb")[0])


def _settled(db: str) -> str:
    """As if the store had been written a minute ago: a copy of it is not made again (a store
    modified within a second of its copy is copied again on the next request, api_snapshot.SETTLED)."""
    then = time.time() - 60
    os.utime(db, (then, then))
    return db


def _fresh_copy_allowed(db: str) -> None:
    """After a write: let the next request copy the store at once (the spacing after a slow copy aside)."""
    _settled(db)
    api_snapshot.snapshot_of(db)._next_copy = 0.0


def _private_happenings(db: str, include_all: bool = False) -> tuple[list[dict[str, Any]], int]:
    """/happenings' rows as every request computed them before: a database of its own, clustered."""
    adb = _AnalysisDB(db)
    try:
        cluster_happenings(adb.con, only_new=True, include_all=include_all)
        where, params = happening_where(include_all=include_all)
        return happening_rows(adb.con, where, params, limit=1000)
    finally:
        adb.close()


def test_pages_and_routes_share_one_database_per_copy(db: str) -> None:
    client = TestClient(create_app(db_path=db))
    snap = api_snapshot.snapshot_of(db)
    before = snap.cache_builds
    for _ in range(3):
        for url in ROUTES:
            assert client.get(url).status_code == 200, url
    assert snap.copies == 1
    assert snap.cache_builds == before + 1  # every route, every time: the one database of this copy
    assert client.get("/happenings?include_all=true").status_code == 200
    assert client.get("/happenings?include_all=true&pair=CHN,RUS").status_code == 200
    assert snap.cache_builds == before + 2  # include_all clusters every factuality: a second one, once


def test_shared_answers_equal_a_private_database(db: str) -> None:
    client = TestClient(create_app(db_path=db))
    for include_all in (False, True):
        body = client.get("/happenings", params={"include_all": include_all, "limit": 1000}).json()
        rows, total = _private_happenings(db, include_all)
        assert body["total"] == total > 0
        assert [h["happening_id"] for h in body["happenings"]] == [r["happening_id"] for r in rows]
        assert [h["event_ids"] for h in body["happenings"]] == [list(r["event_ids"]) for r in rows]
    adb = _AnalysisDB(db)
    try:
        cluster_happenings(adb.con, only_new=True)
        private = relations_matrix(adb.con)
    finally:
        adb.close()
    shared = client.get("/relations").json()
    assert shared["countries"] == private.countries and shared["matrix"] == private.matrix
    assert shared["pairs"] == private.pairs


def test_requests_never_change_the_shared_database(db: str) -> None:
    client = TestClient(create_app(db_path=db))
    first = client.get("/happenings", params={"limit": 1000}).json()
    # a review: only reviewed=true requests see it, in a database of their own
    add_review(db, first["happenings"][0]["event_ids"][0], "wrong", reviewer="t")
    _fresh_copy_allowed(db)
    snap = api_snapshot.snapshot_of(db)
    builds = snap.cache_builds
    reviewed = client.get("/happenings", params={"limit": 1000, "reviewed": True}).json()
    assert reviewed["total"] < first["total"]
    assert client.get("/relations", params={"reviewed": True}).json()["reviewed"] == 1
    assert snap.cache_builds == builds  # reviewed requests build no shared database
    again = client.get("/happenings", params={"limit": 1000}).json()
    assert again["happenings"] == first["happenings"]  # the reviews left the shared one as it was
    with analysis_db(db) as adb:
        names = {n for (n,) in adb.con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
                 .fetchall()}
        assert "events" in names  # still the plain view on the store, not the reviewed events
        assert adb.reviewed == 0


def test_a_changed_store_gets_a_new_database_and_the_old_one_is_closed(db: str) -> None:
    client = TestClient(create_app(db_path=db))
    snap = api_snapshot.snapshot_of(db)
    total = client.get("/happenings").json()["total"]
    old = snap._current
    assert old is not None and len(old.cache) == 1
    shared = next(iter(old.cache.values()))
    builds = snap.cache_builds
    with Store(db) as s:  # a new article: a pair and a date no happening had
        coded = make_coded(900, n_events=1)
        coded.events[0] = dataclasses.replace(coded.events[0], date="2019-01-05")
        s.write_many([coded], run_id=s.start_run(["speed-test"]))
    _fresh_copy_allowed(db)
    assert client.get("/happenings").json()["total"] == total + 1
    assert snap.cache_builds == builds + 1 and snap._current is not old
    assert old.deleted and old.cache == {}  # the replaced copy went, and its database with it
    with pytest.raises(Exception, match=r"(?i)closed"):
        shared.con.execute("SELECT 1")


def test_concurrent_first_requests_build_once(db: str) -> None:
    client = TestClient(create_app(db_path=db))
    snap = api_snapshot.snapshot_of(db)
    builds = snap.cache_builds
    results: list[Any] = []
    errors: list[BaseException] = []

    def ask(url: str) -> None:
        try:
            r = client.get(url)
            results.append((url, r.status_code, r.content))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    urls = ["/happenings?limit=1000", "/relations"] * 4
    threads = [threading.Thread(target=ask, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == len(urls)
    assert all(code == 200 for _, code, _ in results)
    for url in set(urls):
        assert len({body for u, _, body in results if u == url}) == 1
    assert snap.cache_builds == builds + 1


def test_lease_cache_is_per_copy_and_closed_with_it(db: str) -> None:
    made: list[str] = []

    class Thing:
        closed = False

        def close(self) -> None:
            self.closed = True

    def make(path: str) -> Thing:
        made.append(path)
        return Thing()

    snap = api_snapshot.Snapshot(db)
    try:
        first = snap.lease()
        thing = first.cached("k", make)
        second = snap.lease()
        assert second.cached("k", make) is thing and len(made) == 1
        assert second.cached("other", make) is not thing and len(made) == 2
        snap._current.signature = None  # type: ignore[union-attr]  # as if the store had changed
        snap._next_copy = 0.0
        third = snap.lease()
        assert third.path != first.path and third.cached("k", make) is not thing and len(made) == 3
        first.release()
        assert not thing.closed  # the second lease still reads that copy
        second.release()
        assert thing.closed
        third.release()
    finally:
        snap.close(now=True)


def test_a_slow_build_holds_up_only_its_own_key(db: str) -> None:
    snap = api_snapshot.Snapshot(db)
    go = threading.Event()

    def slow(path: str) -> str:
        go.wait(10)
        return "slow"

    try:
        lease = snap.lease()
        assert lease.cached("ready", lambda path: "ready") == "ready"
        builder = threading.Thread(target=lease.cached, args=("slow", slow))
        builder.start()
        while "slow" not in lease._copy.building:  # the build has begun
            time.sleep(0.01)
        assert lease.cached("ready", lambda path: "other") == "ready"
        assert builder.is_alive()  # answered while the other key was still being built
        go.set()
        builder.join()
        assert lease.cached("slow", slow) == "slow" and snap.cache_builds == 2
        lease.release()
    finally:
        go.set()
        snap.close(now=True)


def test_events_csv_of_every_event_is_the_export(db: str, tmp_path: Path) -> None:
    """The CSV route looks the crosswalk's columns up itself: every cell as `detente export` writes it."""
    client = TestClient(create_app(db_path=db))
    r = client.get("/events", params={"format": "csv", "limit": 1000, "sort": "-goldstein"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    with Store(db, read_only=True) as s:
        export(s, "csv", str(tmp_path / "all.csv"))
    exported = list(csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8")))
    assert len(rows) == len(exported) > 10
    assert list(rows[0]) == list(exported[0])  # the same columns, in order
    by_id = {row["event_id"]: row for row in exported}
    assert all(row == by_id[row["event_id"]] for row in rows)
    assert {row["location_iso3"] for row in rows} >= {"UZB"} and any(row["source_gw"] for row in rows)
