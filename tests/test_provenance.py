"""Issue #13, identity and provenance; export filters: the input's own article id is kept
(``Article.source_id``, ``articles.source_id``) and finds an article (``--article``); events
exports carry their article's url, title, outlet, date, input id and origin; ``detente export``
takes the filters of ``detente events`` for every format. Stores are built in code (the coder is
not what these tests are about), except the end-to-end test that ingests a JSON Lines file."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import make_coded, make_event, write_corpus
from detente.cli import app
from detente.config import load_config
from detente.errors import ConfigError
from detente.export import GDELT_HEADER, export
from detente.ingest import IngestReport
from detente.ingest.jsonl import read_jsonl_lines
from detente.records import CodedArticle
from detente.store import EVENT_ARTICLE_COLUMNS, Store

ARTICLE_COLS = [c for c, _ in EVENT_ARTICLE_COLUMNS]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def coded(n: int, source_id: str | None, events: list[tuple[str, str, str, str, str]]) -> CodedArticle:
    """Article ``n`` with input id ``source_id`` and events (source, target, cameo, date, polarity)."""
    c = make_coded(n, n_events=0)
    c.article = dataclasses.replace(c.article, source_id=source_id)
    aid = c.article.article_id
    c.events = [make_event(aid, i, source=s, target=t, cameo=code, date=day, polarity=pol)
                for i, (s, t, code, day, pol) in enumerate(events)]
    c.accounts = []
    return c


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, CodedArticle, CodedArticle]:
    """Two articles: "x1" (CHN-RUS 042 in Sept. 2022, RUS-CHN 057, a negated USA-CHN 112 in Oct.)
    and 17 (USA-JPN 190 in 1987)."""
    db = tmp_path / "p.duckdb"
    a = coded(1, "x1", [("CHN", "RUS", "042", "2022-09-15", "asserted"),
                        ("RUS", "CHN", "057", "2022-09-20", "asserted"),
                        ("USA", "CHN", "112", "2022-10-02", "negated")])
    b = coded(2, "17", [("USA", "JPN", "190", "1987-04-17", "asserted")])
    with Store(db) as s:
        s.write_many([a, b], run_id="t")
    return db, a, b


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- ingest keeps the input's id ------------------------------------------------------------------

def test_a_json_record_keeps_its_own_id() -> None:
    lines = [json.dumps({"id": "x1", "text": "China met Russia in Moscow on Monday.", "url": "https://e.org/1",
                         "title": "T1", "source": "Outlet", "date": "2022-09-16"}),
             json.dumps({"id": 42, "text": "India met Pakistan in Delhi on Monday."}),
             json.dumps({"id": "  ", "text": "France met Spain in Paris on Monday."}),
             json.dumps({"id": {"x": 1}, "text": "Japan met Korea in Tokyo on Monday."}),
             json.dumps({"text": "Brazil met Chile in Lima on Monday."})]
    report = IngestReport()
    arts = list(read_jsonl_lines([(line + "\n").encode() for line in lines], "c.jsonl", load_config(), report))
    assert [a.source_id for a in arts] == ["x1", "42", None, None, None]
    first = arts[0]
    assert (first.url, first.title, first.source, first.published) == ("https://e.org/1", "T1", "Outlet", "2022-09-16")
    assert first.article_id != "x1" and len(first.article_id) == 64  # detente's id is unchanged
    assert report.warnings == [("c.jsonl:4", "id is not a string or number (got dict); not kept")]


# --- the store ------------------------------------------------------------------------------------

def test_source_id_is_stored_and_read_back(two: tuple[Path, CodedArticle, CodedArticle]) -> None:
    db, a, b = two
    with Store(db, read_only=True) as s:
        assert s.query("SELECT source_id FROM articles ORDER BY source_id").fetchall() == [("17",), ("x1",)]
        back = {c.article.article_id: c for c in s.coded_articles()}
        assert back[a.article.article_id].to_dict() == a.to_dict()  # lossless, source_id included
        assert back[b.article.article_id].article.source_id == "17"


def test_resolve_article_by_id_input_id_or_prefix(two: tuple[Path, CodedArticle, CodedArticle]) -> None:
    db, a, b = two
    aid, bid = a.article.article_id, b.article.article_id
    with Store(db, read_only=True) as s:
        assert s.resolve_article(aid) == aid
        assert s.resolve_article("x1") == aid and s.resolve_article(" 17 ") == bid
        assert s.resolve_article(bid[:8]) == bid and s.resolve_article(bid[:8].upper()) == bid
        for ref in ("x2", "zzzzzzzz"):
            with pytest.raises(ConfigError) as err:
                s.resolve_article(ref)
            assert err.value.code == "E316"
        with pytest.raises(ConfigError) as err:
            s.resolve_article(bid[:3])  # too short to be a prefix
        assert err.value.code == "E316" and "6+ characters" in err.value.reason
        assert [r["article_id"] for r in s.events(article="x1", counts_only=True)] == [aid, aid]
        assert s.count_events(article="17") == 1


def test_an_input_id_shared_by_two_articles_is_ambiguous(tmp_path: Path) -> None:
    db = tmp_path / "dup.duckdb"
    with Store(db) as s:
        s.write_many([coded(1, "1", []), coded(2, "1", []), coded(3, "2", [])])
        with pytest.raises(ConfigError) as err:
            s.resolve_article("1")
        assert err.value.code == "E317" and "input id '1' names more than one article" in err.value.reason
        assert "test:1" in err.value.reason and "test:2" in err.value.reason  # where each was read


def test_a_store_made_before_source_id(tmp_path: Path) -> None:
    """Read-only: the missing column reads as NULL everywhere; opened for writing, it is added."""
    db = tmp_path / "old.duckdb"
    a = coded(1, "x1", [("CHN", "RUS", "042", "2022-09-15", "asserted")])
    with Store(db) as s:
        s.write(a)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE articles DROP COLUMN source_id")  # as schema 1 made it
    con.close()
    aid = a.article.article_id
    with Store(db, read_only=True) as s:
        assert next(s.coded_articles()).article.source_id is None
        assert s.resolve_article(aid[:10]) == aid
        with pytest.raises(ConfigError):
            s.resolve_article("x1")
        out = tmp_path / "old.csv"
        export(s, "csv", out=str(out))
        (row,) = csv_rows(out.read_text(encoding="utf-8"))
        assert row["article_source_id"] == "" and row["article_title"] == "Story 1"
        export(s, "csv", table="articles", out=str(out))
        assert csv_rows(out.read_text(encoding="utf-8"))[0]["source_id"] == ""
    with Store(db) as s:  # opening for writing migrates
        assert s.query("SELECT source_id FROM articles").fetchall() == [(None,)]
        s.write(a)
        assert s.resolve_article("x1") == aid


# --- events: --article and the article's columns --------------------------------------------------

def test_events_article_option(two: tuple[Path, CodedArticle, CodedArticle]) -> None:
    db, _, b = two
    code, out, err = run("events", "--db", str(db), "--article", "x1", "--all")
    assert code == 0 and "042" in out and "112" in out and "190" not in out and "3 of 3 events" in err
    code, out, _ = run("events", "--db", str(db), "--article", b.article.article_id[:12], "--format", "jsonl")
    assert code == 0 and [json.loads(line)["cameo"] for line in out.splitlines()] == ["190"]
    code, out, err = run("events", "--db", str(db), "--article", "nope")
    assert code == 2 and out == "" and err.startswith("error E316: article: no article with id or input id 'nope'")


def test_events_csv_and_parquet_carry_the_article(two: tuple[Path, CodedArticle, CodedArticle],
                                                  tmp_path: Path) -> None:
    db, a, _ = two
    code, out, _ = run("events", "--db", str(db), "--format", "csv", "--pair", "CHN,RUS")
    rows = csv_rows(out)
    assert code == 0 and len(rows) == 2 and list(rows[0])[-len(ARTICLE_COLS):] == ARTICLE_COLS
    assert {k: rows[0][k] for k in ARTICLE_COLS} == {
        "article_source_id": "x1", "article_url": "https://news.example/1", "article_title": "Story 1",
        "article_source": "example", "article_published": "2022-09-16", "article_origin": "test:1"}
    assert rows[0]["article_id"] == a.article.article_id and rows[0]["cameo"] == "042"
    target = tmp_path / "ev.parquet"
    code, _, _ = run("events", "--db", str(db), "--format", "parquet", "--out", str(target), "--article", "17")
    table = pq.read_table(target)
    assert code == 0 and table.num_rows == 1 and "record" not in table.column_names  # no JSON copy of each row
    assert table.column_names[-len(ARTICLE_COLS):] == ARTICLE_COLS
    row = table.to_pylist()[0]
    assert row["article_source_id"] == "17" and row["article_title"] == "Story 2" and row["cameo"] == "190"
    assert str(row["article_published"]) == "2022-09-16"


# --- export takes the filters of events -----------------------------------------------------------

def test_export_filters_in_every_format(two: tuple[Path, CodedArticle, CodedArticle], tmp_path: Path) -> None:
    db, _, _ = two
    base = ("export", "--db", str(db))
    code, out, _ = run(*base, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 4  # no filter: every event, as before
    code, out, _ = run(*base, "--format", "jsonl", "--pair", "CHN,RUS")
    assert code == 0 and sorted(json.loads(x)["cameo"] for x in out.splitlines()) == ["042", "057"]
    code, out, _ = run(*base, "--format", "csv", "--actor", "USA", "--counted")
    assert code == 0 and [r["cameo"] for r in csv_rows(out)] == ["190"]  # the negated 112 left out
    code, out, _ = run(*base, "--format", "csv", "--actor", "USA")
    assert code == 0 and [r["cameo"] for r in csv_rows(out)] == ["190", "112"]  # by date
    code, out, _ = run(*base, "--format", "csv", "--from", "1987", "--to", "1987")
    assert code == 0 and [(r["cameo"], r["article_source_id"]) for r in csv_rows(out)] == [("190", "17")]
    code, out, _ = run(*base, "--format", "csv", "--root", "5", "--quad", "1")
    assert code == 0 and [r["cameo"] for r in csv_rows(out)] == ["057"]
    code, out, _ = run(*base, "--format", "csv", "--polarity", "negated")
    assert code == 0 and [r["cameo"] for r in csv_rows(out)] == ["112"]
    target = tmp_path / "x1.parquet"
    code, _, err = run(*base, "--format", "parquet", "--out", str(target), "--article", "x1", "--counted")
    assert code == 0 and sorted(pq.read_table(target).column("cameo").to_pylist()) == ["042", "057"]
    assert "2 rows written" in err
    code, out, _ = run(*base, "--format", "gdelt", "--pair", "CHN,USA")
    assert code == 0 and out == ""  # gdelt: counted only, and CHN-USA's one event is negated
    code, out, _ = run(*base, "--format", "gdelt", "--pair", "CHN,USA", "--all", "--header")
    lines = [dict(zip(GDELT_HEADER, line.split("\t"), strict=True)) for line in out.splitlines()[1:]]
    assert code == 0 and [r["EventCode"] for r in lines] == ["112"]
    code, out, _ = run(*base, "--format", "gdelt", "--article", "17")
    assert code == 0 and [line.split("\t")[26] for line in out.splitlines()] == ["190"]


def test_export_filters_on_the_other_tables(two: tuple[Path, CodedArticle, CodedArticle]) -> None:
    db, a, _ = two
    code, out, _ = run("export", "--db", str(db), "--table", "articles", "--article", "x1")
    (line,) = out.splitlines()
    assert code == 0 and json.loads(line) == a.to_dict()
    code, out, _ = run("export", "--db", str(db), "--table", "quantities", "--format", "csv", "--article", "17")
    rows = csv_rows(out)
    assert code == 0 and len(rows) == 1 and rows[0]["quantity_id"] == "q2"
    code, out, err = run("export", "--db", str(db), "--table", "quantities", "--format", "csv", "--pair", "CHN,RUS")
    assert code == 2 and out == "" and err.startswith("error E323: filters:") and "pair" in err
    code, _, err = run("export", "--db", str(db), "--table", "articles", "--counted")
    assert code == 2 and "E323" in err
    code, _, err = run("export", "--db", str(db), "--article", "x9", "--format", "csv")
    assert code == 2 and "E316" in err


# --- end to end: a JSON Lines corpus with its own ids ---------------------------------------------

@pytest.mark.model
def test_ingested_ids_find_their_events(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", 4)
    db = str(tmp_path / "e2e.duckdb")
    code, _, _ = run("ingest", str(corpus), "--db", db, "-j", "1", "--quiet")
    assert code == 0
    code, out, _ = run("events", "--db", db, "--article", "gen-2", "--all", "--format", "csv")
    rows = csv_rows(out)
    assert code == 0 and rows, out
    assert {(r["article_source_id"], r["article_url"], r["article_source"]) for r in rows} == \
        {("gen-2", "https://generated.example/story/2", "generated")}
    assert rows[0]["article_title"].endswith("story 2") and rows[0]["article_published"] == "2022-09-03"
    with Store(db, read_only=True) as s:
        assert sorted(r[0] for r in s.query("SELECT source_id FROM articles").fetchall()) == \
            [f"gen-{i}" for i in range(4)]
