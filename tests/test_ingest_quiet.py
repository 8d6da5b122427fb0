"""``detente ingest --quiet``: nothing but errors, and every failure is one of them (file:line and
reason on stderr), while stdout stays empty."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app


def test_quiet_ingest_reports_each_failed_line_on_stderr(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "x1", "text": "Pakistan accused India of violating the ceasefire.", '
                   '"published": "2022-10-03"}\n'
                   "{bad json\n"
                   "[1, 2]\n", encoding="utf-8")
    db = tmp_path / "q.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(src), "--db", str(db), "--quiet"])
    assert result.exit_code == 1, result.output  # some inputs failed
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"failed: {src}:2: not valid JSON")
    assert lines[1].startswith(f"failed: {src}:3: ")
    assert db.exists()  # the good line was coded and stored


def test_quiet_ingest_without_failures_prints_nothing(tmp_path: Path) -> None:
    src = tmp_path / "ok.jsonl"
    src.write_text('{"id": "x1", "text": "Pakistan accused India of violating the ceasefire.", '
                   '"published": "2022-10-03"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(src), "--db", str(tmp_path / "q.duckdb"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
