"""Warnings are counted, shown and kept with the run (issue #15, 7).

Text cut, bytes replaced, a date not understood, a feed not well-formed: the readers made a
warning and the run dropped it. Now ``RunSummary.warned`` and ``warnings_by_reason`` count them,
``detente ingest`` shows them, the ``runs`` row keeps them (columns added to an older store when
it is opened for writing), and ``detente code`` reports bad lines and warnings as ingest does.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import FakeEngine
from detente.config import Config
from detente.ingest import IngestReport, read_inputs
from detente.records import CodedArticle
from detente.runner import ingest_articles
from detente.store import Store

GOOD = "China and Russia signed a trade agreement in Beijing on Monday, officials said."
WARN_COLUMNS = ("warned", "warnings", "warnings_by_reason")


def _inputs(tmp_path: Path) -> list[str]:
    bad_bytes = tmp_path / "bytes.txt"
    bad_bytes.write_bytes(GOOD.encode() + b" \xff\xfe broken bytes.\n")
    lines = tmp_path / "lines.jsonl"
    lines.write_text("\n".join([
        json.dumps({"text": GOOD + " Long." + " More words here." * 200, "url": "https://x.example/long"}),
        json.dumps({"text": GOOD + " Dated.", "url": "https://x.example/dated", "published": "next blue moon"}),
        "{not json",
    ]) + "\n", encoding="utf-8")
    feed = tmp_path / "broken.rss"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
                    f"<item><title>One</title><description>{GOOD} Feed.</description></item>"
                    "<item><title>Two & broken</title></channel>", encoding="utf-8")
    return [str(bad_bytes), str(lines), str(feed)]


def _run(tmp_path: Path, store: Store):
    config = Config(batch_size=2, n_process=1, max_chars=1000)
    report = IngestReport()
    inputs = _inputs(tmp_path)
    summary = ingest_articles(read_inputs(inputs, config, report), config, store,
                              engine=FakeEngine(),  # type: ignore[arg-type]  # stands in for an Engine
                              report=report, inputs=inputs)
    return summary, report


def test_warnings_are_counted_and_stored_with_the_run(tmp_path: Path) -> None:
    with Store(tmp_path / "w.duckdb") as store:
        summary, report = _run(tmp_path, store)
        run = store.runs()[0]
    assert report.warned >= 4
    assert summary.warned == report.warned == run["warned"]
    keys = " | ".join(summary.warnings_by_reason)
    for part in ("invalid UTF", "over max_chars", "unrecognised date", "not well-formed"):
        assert part in keys, keys
    assert json.loads(run["warnings_by_reason"]) == dict(summary.warnings_by_reason)
    kept = json.loads(run["warnings"])
    assert len(kept) == summary.warned and {"origin", "reason"} == set(kept[0])
    assert summary.failed == 2  # the bad JSON line, the feed entry with no summary: failures, not warnings
    assert summary.counts()["warned"] == summary.warned


def test_an_older_store_gains_the_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.start_run(["x"])
    con = duckdb.connect(str(db))
    for col in WARN_COLUMNS:
        con.execute(f'ALTER TABLE runs DROP COLUMN "{col}"')
    con.close()
    with Store(db, read_only=True) as store:  # read-only: not changed, still readable
        assert store.runs()[0]["inputs"] == ["x"] and store.stats()["runs"] == 1
    with Store(db) as store:
        summary, _ = _run(tmp_path, store)
        run = store.runs()[0]
    assert run["warned"] == summary.warned > 0


def test_ingest_summary_shows_warnings(tmp_path: Path) -> None:
    from rich.console import Console

    from detente.cli.core import _reasons_table, _summary_table

    with Store(tmp_path / "s.duckdb") as store:
        summary, _ = _run(tmp_path, store)
    console = Console(width=2000, record=True)  # a reason names a temporary path of any length: no wrapping
    console.print(_summary_table(summary, "s.duckdb"))
    console.print(_reasons_table("warnings by reason", summary.warnings_by_reason, summary.warnings))
    text = console.export_text()
    row = next(line for line in text.splitlines() if "warnings (text cut" in line)
    assert str(summary.warned) in row
    assert "unrecognised date" in text and "next blue moon" in text


class _StubEngine:
    def __init__(self, config=None) -> None:
        pass

    def code_article(self, article):
        return CodedArticle(article=article)


def test_code_reports_bad_lines_and_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from detente import pipeline
    from detente.cli import app

    monkeypatch.setattr(pipeline, "Engine", _StubEngine)
    lines = tmp_path / "two.jsonl"
    lines.write_text(json.dumps({"text": GOOD, "published": "next blue moon"}) + "\n{not json\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = CliRunner().invoke(app, ["code", str(lines), "--format", "json"])
    assert result.exit_code == 1, result.output
    err = result.stderr if hasattr(result, "stderr") else result.output
    assert f"{lines}:2: not valid JSON" in err and "unrecognised date" in err
    quiet = CliRunner().invoke(app, ["code", str(lines), "--format", "json", "--quiet"])
    assert quiet.exit_code == 1 and "unrecognised date" not in (quiet.stderr or "")
