"""The command line, through Typer's CliRunner and the real Engine (spaCy + actors + coder): real output,
exit codes (0 ok, 1 some inputs failed, 2 usage), one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import ROOT, make_coded, make_event, one, write_corpus
from detente.cli import app
from detente.export import GDELT_HEADER
from detente.store import Store

pytestmark = pytest.mark.model


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A store with known events (built in code: the coder is not what these tests are about)."""
    db = tmp_path / "filled.duckdb"
    coded = make_coded(1, n_events=0)
    aid = coded.article.article_id
    coded.events = [make_event(aid, 0, source="CHN", target="RUS", cameo="042", date="2022-09-15"),
                    make_event(aid, 1, source="RUS", target="CHN", cameo="057", date="2022-09-20"),
                    make_event(aid, 5, source="USA", target="CHN", cameo="112", date="2022-10-02",
                               polarity="negated")]
    with Store(db) as s:
        s.write(coded, run_id="test")
    return db


# --- ingest ---------------------------------------------------------------------------------------

def test_ingest_then_again_skips_everything(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", 12)
    db = str(tmp_path / "t.duckdb")
    code, out, _ = run("ingest", str(corpus), "--db", db, "-j", "1", "--batch-size", "5")
    assert code == 0, out
    assert "articles read" in out and "coded and stored" in out and "12" in out
    code, out, _ = run("ingest", str(corpus), "--db", db, "-j", "1")
    assert code == 0 and "already in the store" in out
    with Store(db, read_only=True) as s:
        st = s.stats()
        runs = s.runs()
    assert st["articles"] == 12 and [r["new"] for r in runs] == [0, 12] and runs[0]["skipped_existing"] == 12
    code, out, _ = run("ingest", str(corpus), "--db", db, "-j", "1", "--recode", "--quiet")
    assert (code, out) == (0, "")
    with Store(db, read_only=True) as s:
        assert s.runs()[0]["new"] == 12 and s.stats()["articles"] == 12


def test_ingest_reports_failures_by_reason_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "China met Russia in Beijing.", "url": "https://x.example/1"}\n{oops\n{"nope": 1}\n',
                   encoding="utf-8")
    code, out, _ = run("ingest", str(bad), str(tmp_path / "missing.txt"), "--db", str(tmp_path / "t.duckdb"))
    assert code == 1
    assert "failures by reason" in out and "no such file or folder" in out
    assert "coded and stored" in out


def test_ingest_stdin(tmp_path: Path) -> None:
    lines = write_corpus(tmp_path / "c.jsonl", 3).read_text(encoding="utf-8")
    code, out, _ = run("ingest", "-", "--db", str(tmp_path / "t.duckdb"), input=lines)
    assert code == 0 and "3" in out


def test_count_articles(tmp_path: Path) -> None:
    from detente.cli.core import count_articles

    write_corpus(tmp_path / "a.jsonl", 7)
    (tmp_path / "b.txt").write_text("One article.", encoding="utf-8")
    (tmp_path / "b.meta.json").write_text("{}", encoding="utf-8")
    assert count_articles([str(tmp_path)]) == 8
    assert count_articles([str(tmp_path / "a.jsonl"), "-"]) is None
    assert count_articles(["https://example.org/feed.xml"]) is None


# --- code -----------------------------------------------------------------------------------------

def test_code_json_is_one_coded_article_object(tmp_path: Path) -> None:
    text = "China and Russia signed an energy agreement in Moscow on Monday."
    code, out, _ = run("code", "-", "--format", "json", "--date", "2022-09-16", "--title", "Deal", input=text)
    assert code == 0
    data = json.loads(out)  # exactly one JSON document
    assert set(data) == {"article", "events", "quantities", "accounts"}
    assert data["article"]["published"] == "2022-09-16" and data["article"]["title"] == "Deal"
    assert data["article"]["text"].startswith("China and Russia")


def test_code_reads_the_sidecar(tmp_path: Path) -> None:
    art = tmp_path / "story.txt"
    art.write_text("India and France agreed to hold talks in Paris next week.\n", encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(json.dumps({"title": "Talks", "published": "2023-05-02"}),
                                              encoding="utf-8")
    code, out, _ = run("code", str(art), "--format", "json")
    assert code == 0
    assert json.loads(out)["article"]["published"] == "2023-05-02"
    code, out, _ = run("code", str(art))
    assert code == 0 and "Talks (2023-05-02)" in out and "events" in out


def test_code_jsonl_is_one_event_per_line() -> None:
    code, out, _ = run("code", "-", "--format", "jsonl", input="China met Russia in Beijing on 3 May 2023.")
    assert code == 0
    for line in out.splitlines():
        assert "event_id" in json.loads(line)


def test_code_errors_are_one_line(tmp_path: Path) -> None:
    code, _out, err = run("code", str(tmp_path / "nope.txt"))
    assert code == 1 and err.startswith("error E130:") and err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run("code", "-", "--date", "last week", input="Text.")
    assert code == 2 and err.startswith("error E311: --date:")


# --- events, stats, export -------------------------------------------------------------------------

def test_events_table_and_filters(filled: Path) -> None:
    code, out, err = run("events", "--db", str(filled))
    assert code == 0 and "CHNGOV" in out and "042" in out and "2022-09-15" in out
    assert "2 of 2 events" in err and "--all" in err  # the negated one is left out
    code, out, err = run("events", "--db", str(filled), "--all", "--pair", "CHN,USA")
    assert code == 0 and "112" in out and "1 of 1 events" in err
    code, out, err = run("events", "--db", str(filled), "--root", "5", "--quiet")
    assert code == 0 and "057" in out and "042" not in out and err == ""


def test_events_csv_jsonl_parquet(filled: Path, tmp_path: Path) -> None:
    code, out, _ = run("events", "--db", str(filled), "--format", "csv", "--from", "2022-09-16")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1 and rows[0]["cameo"] == "057" and "record" not in rows[0]
    code, out, _ = run("events", "--db", str(filled), "--format", "jsonl", "--all")
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3 and {r["polarity"] for r in records} == {"asserted", "negated"}
    assert records[0]["source"]["code"] == "CHNGOV"  # the full nested record
    target = tmp_path / "ev.parquet"
    code, _, err = run("events", "--db", str(filled), "--format", "parquet", "--out", str(target))
    table = pq.read_table(target)
    assert code == 0 and table.num_rows == 2 and "cameo" in table.column_names and "2 events written" in err
    code, _, err = run("events", "--db", str(filled), "--format", "parquet")
    assert code == 2 and "E322" in err


def test_stats(filled: Path) -> None:
    code, out, _ = run("stats", "--db", str(filled))
    assert code == 0 and "CHN-RUS" in out and "3 (2 asserted)" in out
    code, out, _ = run("stats", "--db", str(filled), "--format", "json")
    assert json.loads(out)["events_counted"] == 2


def test_export_gdelt(filled: Path) -> None:
    code, out, _ = run("export", "--db", str(filled), "--format", "gdelt")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2  # asserted events only
    cols = [dict(zip(GDELT_HEADER, line.split("\t"), strict=True)) for line in lines]
    assert all(len(line.split("\t")) == 61 for line in lines)
    first = cols[0]
    assert first["SQLDATE"] == "20220915" and first["MonthYear"] == "202209" and first["Year"] == "2022"
    assert first["FractionDate"] == f"{2022 + (9 * 30 + 15) / 365:.4f}"
    assert (first["Actor1Code"], first["Actor1CountryCode"], first["Actor1Type1Code"]) == ("CHNGOV", "CHN", "GOV")
    assert (first["Actor2Code"], first["EventCode"], first["EventBaseCode"], first["EventRootCode"]) == \
        ("RUS", "042", "042", "04")
    assert first["QuadClass"] == "1" and first["NumMentions"] == "1" and first["AvgTone"] == ""
    assert first["ActionGeo_FullName"] == "Samarkand" and first["ActionGeo_Type"] == "4"
    assert first["ActionGeo_FeatureID"] == "1216265" and first["SOURCEURL"] == "https://news.example/1"
    assert len(first["DATEADDED"]) == 14 and first["GLOBALEVENTID"].isdigit()
    code, out, _ = run("export", "--db", str(filled), "--format", "gdelt", "--header", "--all")
    assert out.splitlines()[0].split("\t") == GDELT_HEADER and len(out.splitlines()) == 4


def test_export_jsonl_articles_is_lossless(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.jsonl"
    code, _, err = run("export", "--db", str(filled), "--table", "articles", "--out", str(target))
    assert code == 0 and "1 rows written" in err
    (line,) = target.read_text(encoding="utf-8").splitlines()
    with Store(filled, read_only=True) as s:
        assert json.loads(line) == next(s.coded_articles()).to_dict()
    code, out, _ = run("export", "--db", str(filled), "--format", "csv", "--table", "quantities")
    assert code == 0 and out.splitlines()[0].startswith("quantity_id,article_id")


# --- errors ---------------------------------------------------------------------------------------

def test_errors_are_one_line_with_the_right_exit_code(tmp_path: Path, filled: Path) -> None:
    code, _out, err = run("events", "--db", str(tmp_path / "nope.duckdb"))
    assert code == 1 and err == f"error E306: {tmp_path / 'nope.duckdb'}: no store here yet; run `detente ingest` " \
                                "first (or pass --db)\n"
    code, _, err = run("events", "--db", str(filled), "--root", "33")
    assert code == 2 and err.startswith("error E310: root:")
    code, _, err = run("events", "--db", str(filled), "--modality", "perhaps")
    assert code == 2 and "E332" in err
    code, _, _ = run("events", "--db", str(filled), "--no-such-option")
    assert code == 2
    code, _, _ = run("events", "--db", str(filled), "--quad", "7")
    assert code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("ingest", "-", "--db", str(blocker / "x.duckdb"), input="text")
    assert code == 1 and err.startswith("error E304:") and "Traceback" not in err


def test_db_from_the_environment(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_DB", str(filled))
    code, out, _ = run("stats", "--format", "json")
    assert code == 0 and json.loads(out)["path"] == str(filled)


# --- demo -----------------------------------------------------------------------------------------

def test_demo_ingests_the_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from detente import analysis
    from detente.cli import core

    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "a.txt").write_text("China and Russia held talks in Beijing on Monday.\n", encoding="utf-8")
    (folder / "b.txt").write_text("India criticised Pakistan on Tuesday.\n", encoding="utf-8")
    monkeypatch.setattr(core, "examples_dir", lambda: folder)
    monkeypatch.setattr(analysis, "demo_report", lambda store: "relation report here", raising=False)
    db = tmp_path / "demo.duckdb"
    code, out, _ = run("demo", "--db", str(db))
    assert code == 0, out
    assert "detente demo" in out and "articles: 2 in the store" in out and str(db) in out
    assert "relation report here" in out
    assert f"Open the app: detente serve --db {db}" in " ".join(out.split())  # the last line: the web app
    code, out, _ = run("demo", "--db", str(db))
    assert code == 0 and "2 already there" in out


def test_the_bundled_examples_folder_is_found() -> None:
    from detente.cli.core import examples_dir
    assert examples_dir() == ROOT / "examples"


# --- SIGKILL through the real command -----------------------------------------------------------------

def _stored_in_a_copy(db: Path, peek: Path) -> int:
    """Articles committed so far: the writer holds DuckDB's lock, so count in a copy of its files
    (the copy's WAL may end in a torn write; DuckDB replays the committed part, as after a crash)."""
    import shutil

    shutil.rmtree(peek, ignore_errors=True)
    peek.mkdir()
    for f in (db, Path(str(db) + ".wal")):
        if f.exists():
            shutil.copy(f, peek / f.name)
    if not (peek / db.name).exists():
        return 0
    try:
        with Store(peek / db.name) as s:
            return s.query("SELECT count(*) FROM articles").fetchall()[0][0]
    except Exception:  # noqa: BLE001 - caught mid-way through creating the store
        return 0


@pytest.mark.slow
def test_sigkill_during_detente_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", 60)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    ref = tmp_path / "ref.duckdb"
    assert run("ingest", str(corpus), "--db", str(ref), "-j", "1", "--batch-size", "3", "--quiet")[0] == 0

    db = tmp_path / "killed.duckdb"
    exe = Path(sys.executable).parent / "detente"
    cmd = [str(exe), "ingest", "-", "--db", str(db), "-j", "1", "--batch-size", "3", "--quiet"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.writelines(line.encode() for line in lines[:30])
    proc.stdin.flush()
    deadline = time.monotonic() + 300
    # most of the first 30 are stored (a partial batch waits for more input) and it waits for more
    while _stored_in_a_copy(db, tmp_path / "peek") < 24:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()  # before reading its stderr: alive, it would wait for more input forever
            pytest.fail(f"not 24 articles stored in time: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.5)
    # all but the last line: the batch of the last three waits for it, so the run cannot finish, however
    # fast it codes and however late the kill comes (a sleep alone lost that race: 30 articles took
    # 2 s here under load, a fraction of that on a fast machine, and a test process starved of CPU
    # oversleeps)
    proc.stdin.writelines(line.encode() for line in lines[30:-1])
    proc.stdin.flush()
    time.sleep(random.uniform(0.0, 0.3))  # somewhere in coding or writing the rest
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with Store(db, read_only=True) as s:
        stored = one(s.query("SELECT count(*) FROM articles"))[0]
        half = one(s.query("SELECT count(*) FROM articles a WHERE n_events <> "
                           "(SELECT count(*) FROM events e WHERE e.article_id = a.article_id)"))[0]
    assert 24 <= stored <= 57 and half == 0  # the batch of the last three never came whole

    code, _, _ = run("ingest", str(corpus), "--db", str(db), "-j", "1", "--batch-size", "3", "--quiet")
    assert code == 0
    snap = "SELECT article_id, status, n_events FROM articles ORDER BY 1"
    ev = "SELECT event_id, article_id, cameo FROM events ORDER BY 1"
    with Store(db, read_only=True) as a, Store(ref, read_only=True) as b:
        assert a.query(snap).fetchall() == b.query(snap).fetchall()
        assert a.query(ev).fetchall() == b.query(ev).fetchall()
        runs = a.runs()
        assert runs[0]["skipped_existing"] == stored and runs[0]["new"] == 60 - stored
        assert runs[1]["status"] == "interrupted"
