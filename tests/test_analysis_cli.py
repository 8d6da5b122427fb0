"""The analysis commands and the demo report, over a real store file written by detente.store."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from detente.analysis import demo_report
from detente.analysis.common import table_exists
from detente.cli import app
from detente.records import Article, CodedArticle
from test_analysis_series import _storyline
from test_analysis_support import ev

store_mod = pytest.importorskip("detente.store")


@pytest.fixture()
def db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "t.duckdb")
    by_article: dict[str, list] = {}
    for e in _storyline():
        by_article.setdefault(e.article_id, []).append(e)
    with store_mod.Store(path) as st:
        for aid, events in sorted(by_article.items()):
            art = Article(article_id=aid, text="x", source="Wire", published=events[0].date)
            st.write(CodedArticle(article=art, events=events))
    return path


def test_dyad_command_prints_the_series_and_writes_files(db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv, png = tmp_path / "s.csv", tmp_path / "s.svg"
    r = CliRunner().invoke(app, ["dyad", "IND", "PAK", "--db", db, "--csv", str(csv), "--plot", str(png)])
    assert r.exit_code == 0, r.output
    assert "2025-01-01" in r.output and "2025-08-01" in r.output
    assert len(csv.read_text().splitlines()) == 9
    assert png.read_text().lstrip().startswith("<?xml")


def test_changes_command_names_the_shift_and_the_events(db: str) -> None:
    r = CliRunner().invoke(app, ["changes", "PAK", "IND", "--db", db])
    assert r.exit_code == 0, r.output
    assert "cooled from +47.4 to -60.0" in r.output
    assert "India expelled diplomats." in r.output


def test_happenings_and_relations_commands(db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(app, ["happenings", "--rebuild", "--db", db])
    assert r.exit_code == 0, r.output
    assert "happenings rebuilt: 17 events in 5 groups -> 16 happenings" in r.output
    heat = tmp_path / "h.png"
    r = CliRunner().invoke(app, ["relations", "--db", db, "--heatmap", str(heat), "--from", "2025-01-01",
                                 "--to", "2025-08-31"])
    assert r.exit_code == 0, r.output
    assert "IND–PAK" in r.output and heat.read_bytes()[:4] == b"\x89PNG"


def test_bad_freq_is_one_line(db: str) -> None:
    r = CliRunner().invoke(app, ["dyad", "IND", "PAK", "--freq", "day", "--db", db])
    assert r.exit_code != 0
    assert "E607" in r.output and "Traceback" not in r.output


def test_demo_report(db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with store_mod.Store(db) as st:
        text = demo_report(st, out_dir=str(tmp_path))
    assert "Busiest pair: IND–PAK" in text
    assert "cooled in May 2025: from +47 to -60" in text
    assert "India expelled diplomats." in text
    assert (tmp_path / "detente-demo-dyad.png").read_bytes()[:4] == b"\x89PNG"


@pytest.fixture()
def sept_db(db: str) -> str:
    """The storyline (January to August) and two more IND–PAK happenings, on 10 and 30 September."""
    with store_mod.Store(db) as st:
        for e in (ev("s9a", "IND", "PAK", "17", "2025-09-10", article="s9a"),
                  ev("s9b", "PAK", "IND", "11", "2025-09-30", article="s9b")):
            art = Article(article_id=e.article_id, text="x", source="Wire", published=e.date)
            st.write(CodedArticle(article=art, events=[e]))
    return db


def test_to_a_month_includes_the_whole_month(sept_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "s.csv"
    r = CliRunner().invoke(app, ["dyad", "IND", "PAK", "--db", sept_db, "--from", "2025-08", "--to", "2025-09",
                                 "--csv", str(csv)])
    assert r.exit_code == 0, r.output
    rows = [line.split(",")[:2] for line in csv.read_text().splitlines()[1:]]
    assert rows == [["2025-08-01", "2"], ["2025-09-01", "2"]]  # with `--to 2025-09` read as 1 September: 0

    def matrix(*args: str) -> str:
        out = tmp_path / "m.csv"
        r = CliRunner().invoke(app, ["relations", "--db", sept_db, "--csv", str(out), *args])
        assert r.exit_code == 0, r.output
        return r.output.splitlines()[0] + "\n" + out.read_text()

    month = matrix("--from", "2025-01", "--to", "2025-09")
    assert month.startswith("Relations 2025-01-01 – 2025-09-30:")
    assert month == matrix("--from", "2025-01-01", "--to", "2025-09-30")
    assert matrix("--from", "2025-01", "--to", "2025-09-29").split("\n")[1:] != month.split("\n")[1:]

    r = CliRunner().invoke(app, ["dyad", "IND", "PAK", "--db", sept_db, "--to", "September"])
    assert r.exit_code == 2 and r.output.strip() == \
        "error E311: to: not a date: 'September' (use YYYY, YYYY-MM or YYYY-MM-DD)"


@pytest.mark.parametrize("command", [["dyad", "IND", "PAK"], ["changes", "IND", "PAK"], ["relations"],
                                     ["happenings"]])
def test_a_missing_store_is_e306_and_not_created(command: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "typo.duckdb"
    r = CliRunner().invoke(app, [*command, "--db", str(typo)])
    assert r.exit_code == 1
    assert r.output == f"error E306: {typo}: no store here yet; run `detente ingest` first (or pass --db)\n"
    assert not typo.exists()


def test_reading_commands_leave_the_store_as_it_was(db: str) -> None:
    before = Path(db).read_bytes()
    for command in (["dyad", "IND", "PAK"], ["changes", "IND", "PAK"], ["relations"]):
        r = CliRunner().invoke(app, [*command, "--db", db])
        assert r.exit_code == 0, r.output
    assert Path(db).read_bytes() == before
    with duckdb.connect(db, read_only=True) as con:
        assert not table_exists(con, "happenings")  # clustered in memory, not saved
    # `happenings` is the command that saves them; the reading commands then start from those
    r = CliRunner().invoke(app, ["happenings", "--db", db])
    assert r.exit_code == 0, r.output
    with duckdb.connect(db, read_only=True) as con:
        assert table_exists(con, "happenings")
    r = CliRunner().invoke(app, ["changes", "PAK", "IND", "--db", db])
    assert r.exit_code == 0 and "cooled from +47.4 to -60.0" in r.output
