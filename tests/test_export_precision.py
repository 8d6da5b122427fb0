"""Issue #13: floats in exports have the precision they carry (Goldstein 1 decimal, confidence 3,
coordinates 5, the dyad index and mean 2), never binary noise such as 2.8000000000000003; and
``--table happenings`` exports the clustered happenings with the filters of ``events``."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import make_coded, make_event
from detente.analysis.dyads import dyad_series, write_series
from detente.cli import app
from detente.records import CodedArticle, Location
from detente.store import Store

NOISY = {"goldstein": 0.1 + 0.2 - 3.0, "confidence": 0.1 + 0.2,  # -2.6999999999999997, 0.30000000000000004
         "location": Location(name="Bucharest", country="ROM", lat=44.43 + 1e-12, lon=26.1 - 1e-12,
                              geonames_id=683506, feature="city")}
LONG = re.compile(r"\d\.\d{6,}")  # six or more decimals: binary noise in these columns


def _article(n: int, events: list[dict]) -> CodedArticle:
    c = make_coded(n, n_events=0)
    c.article = dataclasses.replace(c.article, source=f"Wire {n % 2}", published=events[0]["date"])
    aid = c.article.article_id
    c.events = [make_event(aid, i, **kw) for i, kw in enumerate(events)]
    c.quantities, c.accounts = [], []
    return c


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """DEU and ROM: cooperation in January (three reports, two of one meeting), conflict in March;
    a negated threat in March; CHN-RUS in February."""
    path = tmp_path / "p.duckdb"
    meet = {"source": "DEU", "target": "ROM", "cameo": "042", "date": "2022-01-15", **NOISY}
    with Store(path) as st:
        st.write(_article(1, [meet, {**meet, "cameo": "057", "goldstein": 8.0, "date": "2022-01-20"}]))
        st.write(_article(2, [meet]))
        st.write(_article(3, [{"source": "CHN", "target": "RUS", "cameo": "042", "date": "2022-02-10"}]))
        st.write(_article(4, [{"source": "ROM", "target": "DEU", "cameo": "112", "goldstein": -2.0,
                               "date": "2022-03-03"},
                              {"source": "ROM", "target": "DEU", "cameo": "138", "goldstein": -7.0,
                               "date": "2022-03-04", "polarity": "negated"}]))
    return path


def _run(*args: str) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def test_event_csv_and_parquet_floats_are_rounded(db: Path, tmp_path: Path) -> None:
    text = _run("export", "--db", str(db), "--format", "csv", "--pair", "DEU,ROM")
    rows = list(csv.DictReader(io.StringIO(text)))
    jan = [r for r in rows if r["date"] == "2022-01-15"]
    assert len(jan) == 2
    assert {(r["goldstein"], r["confidence"], r["location_lat"], r["location_lon"]) for r in jan} == \
        {("-2.7", "0.3", "44.43", "26.1")}
    assert all(r["cameo"] in {"042", "057", "112", "138"} for r in rows)  # codes as text, zeros kept
    out = tmp_path / "e.parquet"
    _run("export", "--db", str(db), "--format", "parquet", "--out", str(out))
    table = pq.read_table(out)
    assert table.schema.field("cameo").type == pa.string()
    assert table.schema.field("goldstein").type == pa.float64()
    assert set(table.column("goldstein").to_pylist()) == {-2.7, 8.0, 1.9, -2.0, -7.0}
    assert set(table.column("confidence").to_pylist()) == {0.3, 0.8}
    assert 44.43 in table.column("location_lat").to_pylist()


def test_jsonl_records_keep_the_coders_values(db: Path) -> None:
    # jsonl is the lossless record: what the coder produced (its own values are rounded at the source)
    text = _run("export", "--db", str(db), "--format", "jsonl", "--pair", "CHN,RUS")
    rec = json.loads(text.splitlines()[0])
    assert (rec["goldstein"], rec["confidence"]) == (1.9, 0.8)
    assert not LONG.search(text)


def test_dyad_series_files_have_sensible_decimals(db: Path, tmp_path: Path) -> None:
    with Store(db) as st:
        series = dyad_series(st, "DEU", "ROM", unit="events", include_all=True)
    jan = series[0]
    assert jan["goldstein_sum"] == round(2 * (0.1 + 0.2 - 3.0) + 8.0, 1) == 2.6
    assert jan["goldstein_mean"] == 0.87 and jan["index"] == round(100 * (8.0 - 5.4) / (13.4 + 5), 2)
    for name in ("s.csv", "s.parquet"):
        write_series(series, str(tmp_path / name))
    assert not LONG.search((tmp_path / "s.csv").read_text())
    assert pq.read_table(tmp_path / "s.parquet").column("index").to_pylist()[0] == jan["index"]
    text = _run("dyad", "DEU", "ROM", "--db", str(db), "--csv", str(tmp_path / "h.csv"))
    assert "2022-01-01" in text
    assert not LONG.search((tmp_path / "h.csv").read_text())


def test_export_happenings_with_event_filters(db: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_run("export", "--db", str(db), "--table", "happenings",
                                                 "--format", "csv"))))
    # asserted only: the January meeting (2 reports, 2 articles), the agreement, CHN-RUS, the accusation
    assert sorted((r["pair"], r["cameo"], r["num_events"], r["num_articles"]) for r in rows) == [
        ("CHN-RUS", "042", "1", "1"), ("DEU-ROM", "042", "2", "2"), ("DEU-ROM", "057", "1", "1"),
        ("DEU-ROM", "112", "1", "1")]
    meeting = next(r for r in rows if r["cameo"] == "042" and r["pair"] == "DEU-ROM")
    assert meeting["goldstein"] == "-2.7" and len(json.loads(meeting["event_ids"])) == 2
    pair = _run("export", "--db", str(db), "--table", "happenings", "--pair", "rom,deu", "--from", "2022-03")
    assert [json.loads(line)["cameo"] for line in pair.splitlines()] == ["112"]
    every = _run("export", "--db", str(db), "--table", "happenings", "--all", "--root", "13")
    (threat,) = [json.loads(line) for line in every.splitlines()]
    assert threat["cameo"] == "138" and threat["asserted"] is False
    out = tmp_path / "h.parquet"
    _run("export", "--db", str(db), "--table", "happenings", "--format", "parquet", "--out", str(out),
         "--actor", "China")
    t = pq.read_table(out)
    assert t.num_rows == 1 and t.schema.field("cameo").type == pa.string()
    assert t.schema.field("event_ids").type == pa.list_(pa.string())
    with Store(db, read_only=True) as st:  # exporting clustered in memory: the store was not written
        assert not st.con.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_name = 'happenings'").fetchone()[0]  # type: ignore[index]
