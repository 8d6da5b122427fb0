"""Issue #13, exports an analyst can merge: GDELT NumMentions/NumSources/NumArticles from happenings,
ActionGeo country codes in FIPS 10-4 (or ISO), ISO/GW/COW codes on every event, Parquet without the
JSON ``record`` copy, CAMEO codes as strings. Stores built in code in tmp_path."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import make_coded, make_event
from detente.cli import app
from detente.errors import ConfigError
from detente.export import COUNTRY_CODE_COLUMNS, GDELT_HEADER, export
from detente.records import CodedArticle, Location
from detente.store import Store


def _article(n: int, outlet: str, events: list[dict]) -> CodedArticle:
    c = make_coded(n, n_events=0)
    c.article = dataclasses.replace(c.article, source=outlet)
    aid = c.article.article_id
    c.events = [make_event(aid, i, **kw) for i, kw in enumerate(events)]
    c.quantities, c.accounts = [], []
    return c


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """One meeting of DEU and ROM (Romania, CAMEO ROM) in Bucharest on 15 Sept. 2022, told by three
    articles of two outlets, the third in two sentences; and an unrelated UN statement on CHN."""
    path = tmp_path / "x.duckdb"
    bucharest = Location(name="Bucharest", country="ROM", lat=44.43, lon=26.1, geonames_id=683506, feature="city")
    romania = Location(name="Romania", country="ROM", feature="country")
    meet = {"source": "DEU", "target": "ROM", "cameo": "042", "date": "2022-09-15", "location": bucharest}
    with Store(path) as st:
        st.write(_article(1, "Wire A", [meet]))
        st.write(_article(2, "Wire A", [meet]))
        st.write(_article(3, "Wire B", [meet, {**meet, "location": romania}]))
        st.write(_article(4, "Wire B", [{"source": "UN", "target": "CHN", "cameo": "012", "date": "2022-10-01",
                                         "location": None}]))
    return path


def _gdelt(path: Path, *args: str) -> list[dict[str, str]]:
    r = CliRunner().invoke(app, ["export", "--db", str(path), "--format", "gdelt", "--header", *args])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split("\t") == GDELT_HEADER
    return [dict(zip(GDELT_HEADER, line.split("\t"), strict=True)) for line in lines[1:]]


def test_gdelt_counts_come_from_happenings(db: Path) -> None:
    rows = _gdelt(db)
    meeting = [r for r in rows if r["EventCode"] == "042"]
    assert len(meeting) == 4  # still one row per event record, each with its happening's counts
    assert {(r["NumMentions"], r["NumSources"], r["NumArticles"]) for r in meeting} == {("4", "2", "3")}
    (other,) = [r for r in rows if r["EventCode"] == "012"]
    assert (other["NumMentions"], other["NumSources"], other["NumArticles"]) == ("1", "1", "1")
    before = db.read_bytes()
    _gdelt(db)
    assert db.read_bytes() == before  # clustered in memory: the store is not written


def test_gdelt_geo_country_codes_fips_by_default_iso_on_request(db: Path) -> None:
    rows = {(r["ActionGeo_Type"], r["ActionGeo_CountryCode"], r["ActionGeo_ADM1Code"]) for r in _gdelt(db)}
    assert rows == {("4", "RO", ""), ("1", "RO", "RO"), ("", "", "")}  # FIPS RO; a country repeats in ADM1
    iso = {r["ActionGeo_CountryCode"] for r in _gdelt(db, "--geo-codes", "iso3")}
    assert iso == {"ROU", ""}
    assert {r["ActionGeo_CountryCode"] for r in _gdelt(db, "--geo-codes", "cameo")} == {"ROM", ""}
    deu = next(r for r in _gdelt(db) if r["EventCode"] == "042")
    assert (deu["Actor1CountryCode"], deu["Actor2CountryCode"]) == ("DEU", "ROM")  # CAMEO, as GDELT
    with Store(db, read_only=True) as st, pytest.raises(ConfigError, match="E320"):
        export(st, "gdelt", geo_codes="fips10")


def test_events_carry_iso_gw_and_cow(db: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    codes = [c for c, _, _ in COUNTRY_CODE_COLUMNS]
    assert r.exit_code == 0 and set(codes) <= set(rows[0])
    deu = next(x for x in rows if x["cameo"] == "042")
    assert {c: deu[c] for c in codes} == {
        "source_iso3": "DEU", "source_gw": "260", "source_cow": "255",
        "target_iso3": "ROU", "target_gw": "360", "target_cow": "360", "location_iso3": "ROU"}
    un = next(x for x in rows if x["cameo"] == "012")
    assert (un["source_iso3"], un["source_gw"], un["target_iso3"], un["target_cow"]) == ("", "", "CHN", "710")


def test_parquet_is_typed_and_has_no_record_copy(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.parquet"
    r = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "parquet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    table = pq.read_table(out)
    schema = table.schema
    assert "record" not in table.column_names and table.num_rows == 5
    assert schema.field("cameo").type == pa.string() and schema.field("cameo_root").type == pa.string()
    assert schema.field("source_gw").type == pa.int32() and schema.field("source_iso3").type == pa.string()
    assert sorted(set(table.column("cameo").to_pylist())) == ["012", "042"]  # leading zero kept
    # the lossless form is still there: whole coded articles as JSON Lines
    r = CliRunner().invoke(app, ["export", "--db", str(db), "--table", "articles"])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 4 and '"spans"' in r.stdout


def test_gdelt_on_a_store_with_saved_happenings(db: Path) -> None:
    # `detente happenings` saved the tables; the export clusters in memory all the same
    r = CliRunner().invoke(app, ["happenings", "--db", str(db)])
    assert r.exit_code == 0, r.output
    rows = [x for x in _gdelt(db, "--all") if x["EventCode"] == "042"]
    assert {x["NumArticles"] for x in rows} == {"3"}


def test_unclusterable_events_count_one(tmp_path: Path) -> None:
    path = tmp_path / "u.duckdb"
    c = _article(1, "Wire", [{"source": "USA", "target": None, "cameo": "010"}])
    with Store(path) as st:
        st.write(c)
    (row,) = _gdelt(path)
    assert (row["NumMentions"], row["NumSources"], row["NumArticles"]) == ("1", "1", "1")
