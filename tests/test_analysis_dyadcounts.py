"""The materialised ``dyad_counts`` table (analysis/dyadcounts.py): a ``unit="events"`` series read
from it equals the one counted from ``events`` directly, in every variant; it follows the events
(added, replaced) and is kept beside the happenings; a read-only store is counted directly."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from detente.analysis import cluster_happenings, dyad_series
from detente.analysis.dyadcounts import TABLE, update_dyad_counts
from detente.analysis.synthetic import create_tables, fill_random

VARIANTS = [{}, {"freq": "week"}, {"directed": True}, {"include_all": True},
            {"start": "2022-03", "end": "2022-08-15"}, {"freq": "week", "directed": True, "include_all": True}]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "syn.duckdb"
    con = duckdb.connect(str(p))
    create_tables(con, primary_keys=False)
    fill_random(con, 6000, seed=5, days=400)
    con.close()
    return p


def _direct(path: Path, a: str, b: str, **kw: object) -> list[dict]:
    """The series counted from ``events`` itself: a read-only connection cannot hold dyad_counts."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                               [TABLE]).fetchone()[0]  # type: ignore[index]
        return dyad_series(con, a, b, unit="events", **kw)  # type: ignore[arg-type]
    finally:
        con.close()


@pytest.mark.parametrize("kw", VARIANTS)
def test_series_from_dyad_counts_equals_counting_events(path: Path, kw: dict) -> None:
    expected = {pair: _direct(path, *pair, **kw) for pair in (("USA", "CHN"), ("CHN", "USA"), ("JPN", "RUS"))}
    con = duckdb.connect(str(path))
    try:
        for (a, b), want in expected.items():
            got = dyad_series(con, a, b, unit="events", **kw)
            assert got == want
        assert all(sum(r["n"] for r in s) > 0 for s in expected.values())
        assert con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] > 0  # type: ignore[index]
    finally:
        con.close()


def test_dyad_counts_follow_the_events(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        before = dyad_series(con, "USA", "CHN", unit="events")
        assert update_dyad_counts(con) is False  # nothing changed: not rebuilt
        total = sum(r["n"] for r in before)
        con.execute("""INSERT INTO events (event_id, article_id, date, source_country, target_country, cameo,
                       cameo_root, quad_class, goldstein, polarity, modality)
                       VALUES ('new1', 'a0', DATE '2022-02-10', 'CHN', 'USA', '190', '19', 4, -10.0,
                               'asserted', 'actual')""")
        after = dyad_series(con, "USA", "CHN", unit="events")
        assert sum(r["n"] for r in after) == total + 1
        feb = next(r for r in after if r["period"] == "2022-02-01")
        old_feb = next(r for r in before if r["period"] == "2022-02-01")
        assert feb["q4"] == old_feb["q4"] + 1 and feb["conflict"] == round(old_feb["conflict"] + 10.0, 1)
        con.execute("UPDATE events SET goldstein = 0.0 WHERE event_id = 'new1'")  # same count, changed value
        assert next(r for r in dyad_series(con, "USA", "CHN", unit="events")
                    if r["period"] == "2022-02-01")["conflict"] == old_feb["conflict"]
    finally:
        con.close()


def test_cluster_happenings_keeps_dyad_counts_beside_the_happenings(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        cluster_happenings(con)  # no dyad table yet: clustering alone does not make one
        assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                               [TABLE]).fetchone()[0]  # type: ignore[index]
        update_dyad_counts(con)
        con.execute("""INSERT INTO events (event_id, article_id, date, source_country, target_country, cameo,
                       cameo_root, quad_class, goldstein, polarity, modality)
                       VALUES ('new2', 'a0', DATE '2022-05-10', 'JPN', 'RUS', '042', '04', 1, 1.9,
                               'asserted', 'actual')""")
        cluster_happenings(con, only_new=True)  # the table exists: brought up to date with the happenings
        n_events = con.execute("SELECT count(*) FROM events WHERE date IS NOT NULL AND source_country IS NOT NULL "
                               "AND target_country IS NOT NULL").fetchone()[0]  # type: ignore[index]
        assert con.execute(f"SELECT sum(n) FROM {TABLE}").fetchone()[0] == n_events  # type: ignore[index]
        assert update_dyad_counts(con) is False
    finally:
        con.close()


def test_detente_happenings_saves_the_dyad_table(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from conftest import make_coded
    from detente.cli import app
    from detente.store import Store

    db = tmp_path / "s.duckdb"
    with Store(db) as st:
        for i in range(3):
            st.write(make_coded(i))
    r = CliRunner().invoke(app, ["happenings", "--db", str(db)])
    assert r.exit_code == 0, r.output
    with Store(db, read_only=True) as st:
        stored = st.con.execute(f"SELECT sum(n) FROM {TABLE}").fetchone()[0]  # type: ignore[index]
        n_events = st.con.execute("SELECT count(*) FROM events WHERE date IS NOT NULL AND source_country IS NOT "
                                  "NULL AND target_country IS NOT NULL").fetchone()[0]  # type: ignore[index]
    assert n_events > 0 and stored == n_events


def test_detente_happenings_builds_the_dyad_table_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``detente happenings [--rebuild]`` builds ``dyad_counts`` once at most: missing -> once, behind
    the events -> once (``--rebuild`` built it twice: in cluster_happenings, then again, forced),
    up to date -> not at all (``--rebuild``: once); the table equals one built afresh."""
    from typer.testing import CliRunner

    from conftest import make_coded
    from detente.analysis import dyadcounts
    from detente.cli import app
    from detente.store import Store

    builds: list[int] = []
    build_article_days = dyadcounts._build_article_days  # runs once in every build, in its transaction

    def counted(con: duckdb.DuckDBPyConnection) -> None:
        builds.append(1)
        build_article_days(con)

    monkeypatch.setattr(dyadcounts, "_build_article_days", counted)
    db = tmp_path / "s.duckdb"

    def add(first: int, n: int) -> None:
        with Store(db) as st:
            for i in range(first, first + n):
                st.write(make_coded(i))

    def happenings(*args: str) -> int:
        builds.clear()
        r = CliRunner().invoke(app, ["happenings", *args, "--db", str(db)])
        assert r.exit_code == 0, r.output
        return len(builds)

    add(0, 3)
    assert happenings("--rebuild") == 1  # missing
    add(3, 2)
    assert happenings("--rebuild") == 1  # behind the events
    assert happenings("--rebuild") == 1  # up to date, rebuilt as asked
    assert happenings() == 0  # up to date
    add(5, 2)
    assert happenings() == 1  # behind the events
    with Store(db) as st:
        saved = st.con.execute(f"SELECT * FROM {TABLE} ORDER BY ALL").fetchall()
        n_events = st.con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
        assert update_dyad_counts(st.con, force=True)
        assert st.con.execute(f"SELECT * FROM {TABLE} ORDER BY ALL").fetchall() == saved
    assert n_events == 14 and sum(row[4] for row in saved) == n_events


def test_a_rewritten_events_view_is_counted_afresh(tmp_path: Path) -> None:
    """A read-only store whose saved dyad table matches the stored events: the plain view reads the
    saved table; a view that rewrites the events (as the analysts' reviews do) is counted anew."""
    from typer.testing import CliRunner

    from conftest import make_coded
    from detente.analysis.common import open_db
    from detente.analysis.dyadcounts import is_fresh
    from detente.cli import app
    from detente.store import Store

    db = tmp_path / "s.duckdb"
    with Store(db) as st:
        for i in range(3):
            st.write(make_coded(i))
    assert CliRunner().invoke(app, ["happenings", "--db", str(db)]).exit_code == 0
    con = open_db(str(db), read_only=True)
    try:
        assert is_fresh(con)  # the saved table, a view on the store: nothing to rebuild
        plain = dyad_series(con, "CHN", "RUS", unit="events")
        assert sum(r["n"] for r in plain) > 0
        con.execute("CREATE OR REPLACE VIEW events AS SELECT * REPLACE ('PRK' AS target_country) "
                    "FROM detente_store.main.events")
        assert not is_fresh(con)
        assert dyad_series(con, "CHN", "RUS", unit="events") == []
        assert sum(r["n"] for r in dyad_series(con, "CHN", "PRK", unit="events")) == sum(r["n"] for r in plain)
    finally:
        con.close()
    with Store(db) as st:  # an article coded after `detente happenings`: the saved table is behind
        st.write(make_coded(7, n_events=4))
    con = open_db(str(db), read_only=True)
    try:
        assert not is_fresh(con)
        assert sum(r["n"] for r in dyad_series(con, "CHN", "RUS", unit="events")) == sum(r["n"] for r in plain) + 4
    finally:
        con.close()
