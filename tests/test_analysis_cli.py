"""The analysis commands and the demo report, over a real store file written by detente.store."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from detente.analysis import demo_report
from detente.cli import app
from detente.records import Article, CodedArticle
from test_analysis_series import _storyline

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
