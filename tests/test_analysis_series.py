"""Dyad series, the cooperation–conflict index, change points and relations."""

from __future__ import annotations

import datetime as dt
import math
import os

import pytest

from detente.analysis import (
    cluster_happenings,
    cooperation_index,
    detect_changes,
    dyad_changes,
    dyad_series,
    relations_matrix,
    write_series,
)
from detente.analysis.common import AnalysisError
from detente.errors import ConfigError
from test_analysis_support import ev, store


def test_index_arithmetic() -> None:
    assert cooperation_index(0, 0) == 0.0
    assert cooperation_index(10, 0) == pytest.approx(100 * 10 / 15)
    assert cooperation_index(0, 10) == pytest.approx(-100 * 10 / 15)
    assert cooperation_index(3, 7, k=0) == pytest.approx(-40.0)
    assert -100 < cooperation_index(1e9, 0) < 100


def test_monthly_series_counts_goldstein_and_index() -> None:
    con = store([
        ev("e1", "BRA", "ARG", "03", "2025-01-10", article="a1"),  # q1, +4.0
        ev("e2", "ARG", "BRA", "04", "2025-01-20", article="a2"),  # q1, +1.0
        ev("e3", "ARG", "BRA", "11", "2025-01-25", article="a3"),  # q3, -2.0
        ev("e3b", "ARG", "BRA", "11", "2025-01-25", article="a4"),  # same happening as e3
        ev("e4", "BRA", "ARG", "17", "2025-03-05", article="a5"),  # q4, -7.0
        ev("n1", "BRA", "ARG", "19", "2025-03-06", article="a6", polarity="negated"),
        ev("o1", "BRA", "CHL", "19", "2025-03-06", article="a6"),  # other pair
    ])
    s = dyad_series(con, "BRA", "ARG")
    assert [r["period"] for r in s] == ["2025-01-01", "2025-02-01", "2025-03-01"]
    jan, feb, mar = s
    assert (jan["n"], jan["q1"], jan["q2"], jan["q3"], jan["q4"]) == (3, 2, 0, 1, 0)
    assert jan["goldstein_sum"] == pytest.approx(3.0) and jan["goldstein_mean"] == pytest.approx(1.0)
    assert (jan["coop"], jan["conflict"]) == (5.0, 2.0)
    assert jan["index"] == pytest.approx(100 * 3 / 12)
    assert feb["n"] == 0 and feb["index"] is None and feb["goldstein_mean"] is None  # missing, not neutral
    assert mar["n"] == 1 and mar["index"] == round(-100 * 7 / 12, 2)  # 2 decimals

    weighted = dyad_series(con, "ARG", "BRA", weighted=True)[0]  # e3 reported twice
    assert weighted["conflict"] == 4.0 and weighted["index"] == round(100 * 1 / 14, 2)

    assert dyad_series(con, "BRA", "ARG", include_all=True)[2]["n"] == 2
    directed = dyad_series(con, "ARG", "BRA", directed=True)
    assert [r["n"] for r in directed] == [2]
    events = dyad_series(con, "BRA", "ARG", unit="events")
    assert events[0]["n"] == 4
    ranged = dyad_series(con, "BRA", "ARG", start="2024-12", end="2025-02-28")
    assert [r["n"] for r in ranged] == [0, 3, 0]


def test_weekly_periods_start_on_monday() -> None:
    con = store([ev("e1", "JPN", "KOR", "04", "2025-03-06", article="a1"),
                 ev("e2", "JPN", "KOR", "04", "2025-03-20", article="a2")])
    s = dyad_series(con, "KOR", "JPN", freq="week")
    assert [r["period"] for r in s] == ["2025-03-03", "2025-03-10", "2025-03-17"]


def test_bad_options_are_one_line_errors() -> None:
    con = store([ev("e1", "JPN", "KOR", "04", "2025-03-06")])
    with pytest.raises(AnalysisError, match="freq"):
        dyad_series(con, "JPN", "KOR", freq="day")
    with pytest.raises(ConfigError, match="E311: from: not a date: 'March'"):  # the code `detente events` gives
        dyad_series(con, "JPN", "KOR", start="March")
    with pytest.raises(ConfigError, match="E311: to: not a date"):
        relations_matrix(con, end="2025-13")


def _around_september() -> list:
    return [ev("aug", "BRA", "ARG", "04", "2025-08-20", article="a1"),
            ev("sep1", "BRA", "ARG", "04", "2025-09-05", article="a2"),
            ev("sep30", "ARG", "BRA", "17", "2025-09-30", article="a3"),
            ev("oct", "BRA", "ARG", "17", "2025-10-20", article="a4")]


def test_a_month_or_year_as_the_end_means_its_last_day() -> None:
    con = store(_around_september())
    s = dyad_series(con, "BRA", "ARG", start="2025-08", end="2025-09")
    assert [(r["period"], r["n"]) for r in s] == [("2025-08-01", 1), ("2025-09-01", 2)]
    assert dyad_series(con, "BRA", "ARG", end="2025-09") == s == \
        dyad_series(con, "BRA", "ARG", start="2025-08-01", end="2025-09-30")
    assert [r["n"] for r in dyad_series(con, "BRA", "ARG", end="2025-09-29")] == [1, 1]
    year = dyad_series(con, "BRA", "ARG", start="2025", end="2025")
    assert (year[0]["period"], year[-1]["period"], year[9]["n"]) == ("2025-01-01", "2025-12-01", 1)
    _, changes = dyad_changes(con, "BRA", "ARG", end="2025-09")
    assert changes == [] or all(c["period"] <= "2025-09-01" for c in changes)

    rel = relations_matrix(con, "2025-08", "2025-09")
    assert (rel.start, rel.end) == (dt.date(2025, 8, 1), dt.date(2025, 9, 30))
    (pair,) = rel.pairs
    assert pair["n"] == 3  # 20 August, 5 and 30 September; not 20 October
    assert relations_matrix(con, "2025-08", "2025-09-01").pairs[0]["n"] == 1


def test_series_export(tmp_path) -> None:  # type: ignore[no-untyped-def]
    con = store([ev("e1", "JPN", "KOR", "04", "2025-03-06")])
    s = dyad_series(con, "JPN", "KOR")
    write_series(s, str(tmp_path / "s.csv"))
    write_series(s, str(tmp_path / "s.parquet"))
    text = (tmp_path / "s.csv").read_text()
    assert text.splitlines()[0].startswith('"period","n"') and "2025-03-01" in text
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "s.parquet").num_rows == 1


def _storyline() -> list:
    """Eight months: four of meetings and agreements, then four of accusations and sanctions."""
    events = []
    for m in range(1, 5):
        events.append(ev(f"c{m}a", "IND", "PAK", "04", f"2025-0{m}-05", article=f"c{m}a"))
        events.append(ev(f"c{m}b", "PAK", "IND", "05", f"2025-0{m}-15", article=f"c{m}b"))
    planted = [ev("p1", "IND", "PAK", "17", "2025-05-08", article="p1", sentence="India expelled diplomats."),
               ev("p1b", "IND", "PAK", "17", "2025-05-08", article="p1b", sentence="Delhi expels envoys."),
               ev("p2", "PAK", "IND", "18", "2025-05-20", article="p2", sentence="Troops clashed at the border.")]
    events += planted
    for m in range(6, 9):
        events.append(ev(f"k{m}a", "IND", "PAK", "11", f"2025-0{m}-05", article=f"k{m}a"))
        events.append(ev(f"k{m}b", "PAK", "IND", "16", f"2025-0{m}-15", article=f"k{m}b"))
    return events


def test_planted_change_is_found_and_explained() -> None:
    con = store(_storyline())
    series, changes = dyad_changes(con, "IND", "PAK")
    assert len(series) == 8
    assert len(changes) == 1
    ch = changes[0]
    assert ch["period"] in ("2025-04-01", "2025-05-01", "2025-06-01")  # within one period of May
    assert ch["level_before"] > 20 and ch["level_after"] < -20 and ch["delta"] < 0
    drivers = ch["drivers"]
    # ranked by |goldstein| x mentions: expulsion -7 x 2 reports, then the clash -9 x 1
    assert [d["sentence"] for d in drivers] == ["India expelled diplomats.", "Troops clashed at the border."]
    assert [d["contribution"] for d in drivers] == [14.0, 9.0]
    expelled = next(d for d in drivers if d["sentence"] == "India expelled diplomats.")
    assert expelled["mentions"] == 2 and sorted(expelled["article_ids"]) == ["p1", "p1b"]
    assert all(d["goldstein"] < 0 for d in drivers)


def test_flat_series_has_no_change() -> None:
    series = [{"period": f"2025-{m:02d}-01", "n": 3, "index": 30.0 + (5 if m % 2 else -5)} for m in range(1, 13)]
    assert detect_changes(series) == []


def test_short_series_fallback_and_penalty() -> None:
    short = [{"period": f"2025-0{m}-01", "n": 1, "index": v} for m, v in ((1, 60.0), (2, 55.0), (3, -50.0))]
    (ch,) = detect_changes(short)
    assert ch["period"] == "2025-03-01" and ch["level_after"] == -50.0
    assert detect_changes(short, penalty=1e6) == []
    flat = [{"period": f"2025-0{m}-01", "n": 1, "index": 10.0} for m in (1, 2, 3)]
    assert detect_changes(flat) == []


def test_empty_periods_are_skipped_by_detection() -> None:
    vals = [50, 0, 52, 48, 0, -40, -45, 0, -42]
    series = [{"period": f"2025-0{i + 1}-01", "n": 0 if v == 0 else 2, "index": float(v)}
              for i, v in enumerate(vals)]
    (ch,) = detect_changes(series)
    assert ch["period"] == "2025-06-01" and ch["previous_period"] == "2025-04-01"
    assert math.isclose(ch["level_before"], 50.0) and math.isclose(ch["level_after"], -42.33, abs_tol=0.01)


def test_relations_matrix_warming_cooling_and_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    events = [
        *_storyline(),
        ev("w1", "JPN", "KOR", "11", "2025-01-10", article="w1"),
        ev("w2", "KOR", "JPN", "06", "2025-07-10", article="w2"),
        ev("s1", "FRA", "DEU", "04", "2025-02-10", article="s1"),
    ]
    con = store(events)
    cluster_happenings(con)
    rel = relations_matrix(con, "2025-01-01", "2025-08-31")
    assert rel.countries == ["DEU", "FRA", "IND", "JPN", "KOR", "PAK"]
    i, p = rel.countries.index("IND"), rel.countries.index("PAK")
    assert rel.matrix[i][p] == rel.matrix[p][i] is not None
    assert rel.matrix[i][i] is None
    assert [(x["a"], x["b"]) for x in rel.warming()] == [("JPN", "KOR")]
    assert [(x["a"], x["b"]) for x in rel.cooling()] == [("IND", "PAK")]
    assert rel.cooling()[0]["index_first"] > 0 > rel.cooling()[0]["index_second"]
    rel.to_csv(str(tmp_path / "m.csv"))
    lines = (tmp_path / "m.csv").read_text().splitlines()
    assert lines[0] == "country,DEU,FRA,IND,JPN,KOR,PAK" and len(lines) == 7
    rel.heatmap(str(tmp_path / "m.png"))
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    assert os.path.getsize(tmp_path / "m.png") > 1000


def test_a_cooling_without_conflict_lists_no_driver_and_says_why() -> None:
    # strong cooperation for four months, then only weak cooperation: the index drops with no
    # conflict event at all; no happening pushed it down, so none is listed as a driver
    events = []
    for m in (1, 2, 3, 4):
        for k in range(3):
            events.append(ev(f"s{m}{k}", "CHL", "PER", "06", f"2025-0{m}-{10 + k}", article=f"a{m}{k}",
                             goldstein=7.0, sentence=f"Strong cooperation {m}-{k}."))
    for m in (5, 6, 7, 8):
        events.append(ev(f"w{m}", "CHL", "PER", "01", f"2025-0{m}-10", article=f"b{m}", goldstein=0.4,
                         sentence=f"A lukewarm statement {m}."))
    _, changes = dyad_changes(store(events), "CHL", "PER")
    assert changes and changes[0]["delta"] < 0
    assert changes[0]["drivers"] == []  # the lukewarm statements (+0.4) pulled up, not down
    assert "no conflict happening" in changes[0]["note"] and "cooperation became rarer or weaker" in \
        changes[0]["note"]
