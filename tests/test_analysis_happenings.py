"""Clustering events into happenings: what merges, what does not, and why."""

from __future__ import annotations

import hashlib
import random

import duckdb
import pytest

from detente.analysis import cluster_happenings, happening_members
from detente.analysis.synthetic import create_tables, insert_events
from test_analysis_support import article, ev, store, table


def groups(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    rows = table(con, "SELECT happening_id, list(event_id ORDER BY event_id) FROM happening_events GROUP BY 1")
    return sorted(r[1] for r in rows)


def test_two_reports_of_one_meeting_merge_with_a_reason() -> None:
    con = store([
        ev("e1", "CHN", "RUS", "04", "2022-09-15", loc="UZB", article="a1", cameo="040"),
        ev("e2", "RUS", "CHN", "04", "2022-09-16", loc="UZB", article="a2", cameo="042"),
    ])
    summary = cluster_happenings(con)
    assert summary.total_happenings == 1 and summary.total_events == 2
    (h,) = table(con, "SELECT pair, num_mentions, num_articles, num_sources, date_lo, date_hi, has_ab, has_ba, "
                      "location_country FROM happenings")
    assert h[:4] == ("CHN-RUS", 2, 2, 2)
    assert str(h[4]) == "2022-09-15" and str(h[5]) == "2022-09-16"
    assert h[6] and h[7] and h[8] == "UZB"
    reasons = dict(table(con, "SELECT event_id, reason FROM happening_events"))
    assert reasons["e1"].startswith("first report")
    assert reasons["e2"] == "same pair CHN-RUS, root 04, dates 2022-09-15/2022-09-16 within 2d, location UZB"


@pytest.mark.parametrize("second", [
    ev("x", "CHN", "IND", "04", "2022-09-15", article="a2"),  # different pair
    ev("x", "CHN", "RUS", "11", "2022-09-15", article="a2"),  # incompatible root
    ev("x", "CHN", "RUS", "04", "2022-09-18", article="a2"),  # 3 days apart
    ev("x", "CHN", "RUS", "04", "2022-09-15", loc="KAZ", article="a2"),  # other location country
    ev("x", "CHN", "RUS", "04", "2022-10-02", prec="month", article="a2"),  # other month
], ids=["pair", "root", "dates", "location", "month"])
def test_non_merges(second) -> None:  # type: ignore[no-untyped-def]
    con = store([ev("e1", "CHN", "RUS", "04", "2022-09-15", loc="UZB", article="a1"), second])
    cluster_happenings(con)
    assert groups(con) == [["e1"], ["x"]]


@pytest.mark.parametrize("root_a,root_b", [("03", "05"), ("18", "19"), ("16", "17")])
def test_root_families_merge(root_a: str, root_b: str) -> None:
    con = store([ev("e1", "IND", "PAK", root_a, "2025-03-03", article="a1"),
                 ev("e2", "PAK", "IND", root_b, "2025-03-04", article="a2")])
    cluster_happenings(con)
    assert groups(con) == [["e1", "e2"]]
    assert "roots" in dict(table(con, "SELECT event_id, reason FROM happening_events"))["e2"]


def test_unknown_location_merges_and_month_date_joins_its_month() -> None:
    con = store([ev("e1", "BRA", "ARG", "05", "2025-02-10", loc="BRA", article="a1"),
                 ev("e2", "ARG", "BRA", "05", "2025-02-11", article="a2"),
                 ev("e3", "BRA", "ARG", "05", "2025-02-01", prec="month", article="a3")])
    cluster_happenings(con)
    assert groups(con) == [["e1", "e2", "e3"]]
    reasons = dict(table(con, "SELECT event_id, reason FROM happening_events"))
    assert "same month 2025-02" in reasons["e1"] + reasons["e2"]


def test_publication_dates_get_a_wider_window() -> None:
    explicit = ev("e1", "JPN", "KOR", "04", "2025-03-10", article="a1")
    late_report = ev("e2", "JPN", "KOR", "04", "2025-03-14", basis="publication", article="a2")
    late_explicit = ev("e3", "JPN", "KOR", "04", "2025-03-14", article="a3")
    con = store([explicit, late_report])
    cluster_happenings(con)
    assert groups(con) == [["e1", "e2"]]
    con = store([explicit, late_explicit])
    cluster_happenings(con)
    assert groups(con) == [["e1"], ["e3"]]


def test_chains_do_not_stretch_a_happening() -> None:
    # daily meetings: every pair of members must be within the window, so 4 days -> 2 happenings
    con = store([ev(f"e{d}", "FRA", "DEU", "04", f"2025-05-0{d}", article=f"a{d}") for d in range(1, 5)])
    cluster_happenings(con)
    assert groups(con) == [["e1", "e2", "e3"], ["e4"]]


def test_only_asserted_by_default_and_all_keeps_factualities_apart() -> None:
    events = [ev("e1", "IND", "PAK", "05", "2025-03-03", article="a1"),
              ev("e2", "IND", "PAK", "05", "2025-03-03", article="a2", polarity="negated"),
              ev("e3", "IND", "PAK", "05", "2025-03-03", article="a3", modality="hypothetical")]
    con = store(events)
    cluster_happenings(con)
    assert groups(con) == [["e1"]]
    cluster_happenings(con, include_all=True)
    assert groups(con) == [["e1"], ["e2", "e3"]]
    assert sorted(table(con, "SELECT asserted, num_events FROM happenings")) == [(False, 2), (True, 1)]


def test_representative_and_deterministic_id() -> None:
    con = store([ev("e1", "CHN", "RUS", "04", "2022-09-15", article="a1", confidence=0.4, sentence="weak"),
                 ev("e2", "CHN", "RUS", "04", "2022-09-16", article="a2", confidence=0.9, sentence="strong")])
    cluster_happenings(con)
    (hid, sentence, rep) = table(con, "SELECT happening_id, sentence, rep_event_id FROM happenings")[0]
    assert sentence == "strong" and rep == "e2"
    assert hid == hashlib.sha256(b"happening|e1").hexdigest()[:32]
    members = happening_members(con, hid)
    assert [m["event_id"] for m in members] == ["e1", "e2"] and members[0]["seed"]


def test_counts_mentions_articles_and_outlets() -> None:
    events = [ev("e1", "CHN", "RUS", "04", "2022-09-15", article="a1", sent=0),
              ev("e1b", "RUS", "CHN", "04", "2022-09-15", article="a1", sent=0),  # symmetric half
              ev("e2", "CHN", "RUS", "04", "2022-09-15", article="a2", sent=3),
              ev("e3", "CHN", "RUS", "04", "2022-09-15", article="a3", sent=1)]
    con = store(events, [article("a1", "Wire", "2022-09-16"), article("a2", "Wire", "2022-09-15"),
                         article("a3", "Gazette", "2022-09-17")])
    cluster_happenings(con)
    row = table(con, "SELECT num_events, num_mentions, num_articles, num_sources, first_seen FROM happenings")
    assert [tuple(map(str, r)) for r in row] == [("4", "3", "3", "2", "2022-09-15")]


def _random_events(seed: int, n: int, day_only: bool = False) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b = rng.sample(["CHN", "RUS", "IND", "PAK"], 2)
        root = rng.choice(["03", "04", "05", "11", "18", "19"])
        prec = "day" if day_only else rng.choices(["day", "month", "year"], [8, 2, 1])[0]
        basis = rng.choice(["explicit", "relative", "publication"])
        day = rng.randint(1, 28)
        out.append(ev(f"e{i:04d}", a, b, root, f"2025-{rng.randint(1, 4):02d}-{day:02d}", prec=prec,
                      basis=basis, loc=rng.choice([None, None, "UZB", "KAZ"]), article=f"a{i // 3}",
                      sent=i % 3, confidence=round(rng.random(), 2)))
    return out


def _dump(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    he = table(con, "SELECT * FROM happening_events ORDER BY event_id")
    h = table(con, "SELECT * FROM happenings ORDER BY happening_id")
    return he, h


def test_incremental_arrival_equals_full_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    # never fall back to a full rebuild, however much is new: the incremental path is what is tested
    monkeypatch.setattr("detente.analysis.happenings.FULL_REBUILD_SHARE", 1.01)
    events = _random_events(7, 600)
    full = store(events)
    cluster_happenings(full)
    expected = _dump(full)
    assert len(expected[1]) < len(expected[0])  # some merges happened

    con = duckdb.connect()
    create_tables(con)
    batches = [events[i::4] for i in range(4)]  # every batch spans all dates: later news of earlier days
    for i, batch in enumerate(batches):
        ids = sorted({e.article_id for e in batch})
        insert_events(con, batch, [article(a, outlet=f"Outlet {a}") for a in ids])
        summary = cluster_happenings(con, only_new=True)
        assert summary.rebuilt == (i == 0)
    assert _dump(con) == expected

    # an article re-coded without some events: only_new follows, equal to a rebuild
    con.execute("DELETE FROM events WHERE event_id IN ('e0001', 'e0100', 'e0200')")
    con.execute("UPDATE events SET date = DATE '2025-02-11' WHERE event_id IN ('e0003', 'e0300')")
    assert not cluster_happenings(con, only_new=True).rebuilt
    incremental = _dump(con)
    cluster_happenings(con)
    assert incremental == _dump(con)
    assert incremental != expected


@pytest.mark.parametrize("seed", [1, 2])
def test_many_small_arrivals_equal_a_rebuild(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("detente.analysis.happenings.FULL_REBUILD_SHARE", 1.01)
    events = _random_events(seed, 400, day_only=True)
    random.Random(seed).shuffle(events)
    con = duckdb.connect()
    create_tables(con)
    for i in range(0, len(events), 40):
        batch = events[i:i + 40]
        insert_events(con, batch, [article(a) for a in sorted({e.article_id for e in batch})])
        cluster_happenings(con, only_new=True)
    incremental = _dump(con)
    cluster_happenings(con)
    assert incremental == _dump(con)


def test_only_new_touches_only_affected_segments() -> None:
    events = [ev(f"d{d:02d}", "CHN", "RUS", "04", f"2025-01-{d:02d}", article=f"a{d}") for d in range(1, 31, 4)]
    con = store([*events, ev("o1", "IND", "PAK", "04", "2025-01-05", article="o1")])
    cluster_happenings(con)
    before = table(con, "SELECT * FROM happenings ORDER BY happening_id")
    # a report of the 9 January meeting, a day later: joins it; nothing else is redone
    insert_events(con, [ev("new", "RUS", "CHN", "04", "2025-01-10", article="anew")], [article("anew")])
    summary = cluster_happenings(con, only_new=True)
    assert (summary.groups, summary.events, summary.happenings, summary.rebuilt) == (1, 2, 1, False)
    assert groups(con)[2] == ["d09", "new"]
    after = table(con, "SELECT * FROM happenings WHERE num_events = 1 ORDER BY happening_id")
    assert len(after) == len(before) - 1 and set(after) <= set(before)


def test_domestic_pairs_merge_only_for_the_same_actors() -> None:
    from detente.records import Actor

    a = ev("d1", "USA", "USA", "11", "2024-02-01", article="x1")
    b = ev("d2", "USA", "USA", "11", "2024-02-01", article="x2")
    c = ev("d3", "USA", "USA", "11", "2024-02-01", article="x3")
    pairs = (("Senate", "White House"), ("Senate", "White House"), ("Court", "Governor"))
    for e, (s, t) in zip((a, b, c), pairs, strict=True):
        e.source = Actor(text=s, code="USALEG", country="USA", name=s)
        e.target = Actor(text=t, code="USAGOV", country="USA", name=t)
    con = store([a, b, c])
    cluster_happenings(con)
    assert sorted(groups(con)) == [["d1", "d2"], ["d3"]]
