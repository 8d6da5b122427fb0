"""`detente export --limit N` (and ``export(..., limit=N)``): at most N rows, the first N of the
unlimited export in its fixed order, the same on every run and in every format; a bad value is one
line (E328) and exit code 2. And the csv/parquet country codes, read by joins, are those of each
event's countries, one row per event. Stores built in code in tmp_path."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import make_coded, make_event
from detente.cli import app
from detente.errors import ConfigError
from detente.export import check_limit, export
from detente.records import CodedArticle
from detente.store import Store

# (source, target, date) of each article's events: dates repeat across articles and some are missing,
# so the order needs every key (date, article, sentence, event id)
PLAN: list[list[tuple[str | None, str | None, str | None]]] = [
    [("CHN", "RUS", "2022-03-01"), ("USA", "UN", None), ("FRA", "IND", "2022-01-05")],
    [("IND", "PAK", "2022-01-05"), ("UKR", "RUS", "2022-03-01")],
    [("RUS", "UKR", None), ("DEU", "FRA", "2021-12-31"), ("CHN", None, "2022-01-05")],
    [("JPN", "KOR", "2022-03-01")],
    [("BRA", "ARG", "2022-02-10"), ("ARG", "BRA", "2022-02-10"), ("MEX", "USA", "2021-06-30")],
]
N_EVENTS = sum(len(p) for p in PLAN)


def _article(n: int, events: list[tuple[str | None, str | None, str | None]]) -> CodedArticle:
    c = make_coded(n, n_events=0)
    c.article = dataclasses.replace(c.article, source=f"Wire {n % 2}")
    aid = c.article.article_id
    c.events = [make_event(aid, i, source=s, target=t, date=d, cameo="042" if i % 2 else "112")
                for i, (s, t, d) in enumerate(events)]
    c.quantities = [dataclasses.replace(c.quantities[0], quantity_id=f"q{n}-{i}", sentence_index=i)
                    for i in range(2)]
    return c


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.duckdb"
    with Store(path) as st:
        for n, events in enumerate(PLAN):
            st.write(_article(n, events))
    return path


def _run(*args: str, code: int = 0) -> Any:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == code, r.output
    return r


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(("fmt", "table"), [(f, t) for f in ("jsonl", "csv")
                                             for t in ("events", "articles", "quantities", "accounts")]
                         + [("gdelt", "events")])
def test_a_limited_export_is_the_start_of_the_unlimited_one(db: Path, tmp_path: Path, fmt: str,
                                                            table: str) -> None:
    full, part = tmp_path / "full.txt", tmp_path / "part.txt"
    with Store(db, read_only=True) as st:
        n_all = export(st, fmt, out=str(full), table=table)
        assert n_all > 3
        assert export(st, fmt, out=str(part), table=table, limit=3) == 3
        assert export(st, fmt, out=str(tmp_path / "big.txt"), table=table, limit=n_all + 10) == n_all
    head = 1 if fmt == "csv" else 0  # the csv header is not a row
    assert len(_lines(full)) == n_all + head
    assert _lines(part) == _lines(full)[:3 + head]
    assert (tmp_path / "big.txt").read_bytes() == full.read_bytes()
    # the CLI is the same call
    cli = tmp_path / "cli.txt"
    r = _run("export", "--db", str(db), "--format", fmt, "--table", table, "--limit", "3", "--out", str(cli))
    assert cli.read_bytes() == part.read_bytes()
    assert "3 rows written" in r.stderr and "--limit" in r.stderr


def test_parquet_limit_is_the_first_rows(db: Path, tmp_path: Path) -> None:
    _run("export", "--db", str(db), "--format", "parquet", "--out", str(tmp_path / "all.parquet"))
    _run("export", "--db", str(db), "--format", "parquet", "-n", "4", "--out", str(tmp_path / "4.parquet"))
    every, four = pq.read_table(tmp_path / "all.parquet"), pq.read_table(tmp_path / "4.parquet")
    assert every.num_rows == N_EVENTS and four.num_rows == 4
    assert four.to_pylist() == every.slice(0, 4).to_pylist()
    assert four.schema == every.schema


def test_the_order_is_date_article_sentence_and_fixed(db: Path) -> None:
    first = _run("export", "--db", str(db)).stdout
    assert _run("export", "--db", str(db)).stdout == first  # the same bytes on every run
    recs = [json.loads(line) for line in first.splitlines()]
    assert len(recs) == N_EVENTS
    keys = [(r["date"] is None, r["date"] or "", r["article_id"], r["sentence_index"], r["event_id"]) for r in recs]
    assert keys == sorted(keys)
    assert recs[0]["date"] == "2021-06-30" and recs[-1]["date"] is None  # undated last
    # the gdelt rows in the same order (GLOBALEVENTID from each event id)
    gd = _run("export", "--db", str(db), "--format", "gdelt", "--all", "--header", "--limit", "5").stdout
    rows = gd.splitlines()
    assert rows[0].startswith("GLOBALEVENTID\t") and len(rows) == 6  # the header is not one of the 5
    assert [line.split("\t")[0] for line in rows[1:]] == [str(int(r["event_id"][:15], 16)) for r in recs[:5]]


def test_limit_applies_with_the_filters(db: Path) -> None:
    every = _run("export", "--db", str(db), "--actor", "RUS").stdout.splitlines()
    assert len(every) == 3
    assert _run("export", "--db", str(db), "--actor", "RUS", "--limit", "2").stdout.splitlines() == every[:2]


def test_happenings_limit(db: Path) -> None:
    every = _run("export", "--db", str(db), "--table", "happenings", "--all").stdout.splitlines()
    assert len(every) > 2
    assert _run("export", "--db", str(db), "--table", "happenings", "--all", "-n", "2").stdout.splitlines() \
        == every[:2]


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "2.5", "", "1e3"])
def test_a_bad_limit_is_one_line_and_exit_2(db: Path, tmp_path: Path, bad: str) -> None:
    out = tmp_path / "out.csv"
    r = _run("export", "--db", str(db), "--format", "csv", "--limit", bad, "--out", str(out), code=2)
    assert r.stderr.startswith("error E328: --limit: ") and r.stderr.count("\n") == 1
    assert r.stdout == "" and not out.exists()
    # told before the store is opened: a missing store does not hide it
    r = _run("export", "--db", str(tmp_path / "none.duckdb"), "--limit", bad, code=2)
    assert r.stderr.startswith("error E328")


@pytest.mark.parametrize("bad", [0, -5, True, 2.0, "x", "٣"])
def test_the_api_refuses_a_bad_limit(db: Path, bad: Any) -> None:
    with Store(db, read_only=True) as st, pytest.raises(ConfigError, match="E328"):
        export(st, "jsonl", limit=bad)


def test_check_limit_accepts_whole_numbers() -> None:
    assert check_limit(None) is None
    assert check_limit(7) == 7
    assert check_limit(" 12 ") == 12


def test_country_codes_by_join_one_row_per_event(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_run("export", "--db", str(db), "--format", "csv").stdout)))
    assert len(rows) == N_EVENTS and len({r["event_id"] for r in rows}) == N_EVENTS
    by = {(r["source_country"], r["target_country"]): r for r in rows}
    chn_rus = by[("CHN", "RUS")]
    assert (chn_rus["source_iso3"], chn_rus["source_gw"], chn_rus["source_cow"]) == ("CHN", "710", "710")
    assert (chn_rus["target_iso3"], chn_rus["target_gw"], chn_rus["target_cow"]) == ("RUS", "365", "365")
    assert chn_rus["location_iso3"] == "UZB"
    un = by[("USA", "UN")]  # a code not in the crosswalk (an organisation): empty codes, the row still there
    assert (un["source_iso3"], un["target_iso3"], un["target_gw"], un["target_cow"]) == ("USA", "", "", "")
    no_target = by[("CHN", "")]
    assert no_target["target_iso3"] == "" and no_target["source_gw"] == "710"
