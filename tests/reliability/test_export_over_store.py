"""``--out`` never overwrites a database, and an export is never left half-written.

Issue #15, 2: ``detente export --out s.duckdb --db s.duckdb`` truncated the store to 0 bytes, and
``detente events --format parquet --out s.duckdb`` overwrote it with Parquet, both reporting success.
Now an output that is the store (by any path to it) or any DuckDB file is refused (E327, exit 2)
before anything is written, and every export goes to a temporary file renamed on success.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import make_coded
from detente.cli import app
from detente.errors import ConfigError, StoreError
from detente.export import export
from detente.store import Store


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        s.write_many([make_coded(i, n_events=2) for i in range(3)], run_id="r1")
    return db


def _left_alone(folder: Path, db: Path, before: str) -> None:
    assert digest(db) == before
    with Store(db, read_only=True) as s:
        assert s.stats()["events"] == 6
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args", [
    ["export"], ["export", "--format", "csv"], ["export", "--format", "parquet"], ["export", "--format", "gdelt"],
    ["events", "--format", "jsonl"], ["events", "--format", "parquet"], ["events", "--format", "csv"],
])
def test_out_at_the_store_is_refused(store: Path, args: list[str]) -> None:
    before = digest(store)
    code, out, err = run(*args, "--out", str(store), "--db", str(store))
    assert code == 2 and out == ""
    expected = f"error E327: {store}: is the store; the export would overwrite it (give another --out file)"
    assert err.strip().splitlines() == [expected]
    _left_alone(store.parent, store, before)


def test_out_at_the_store_by_another_path_is_refused(store: Path, tmp_path: Path) -> None:
    before = digest(store)
    link = tmp_path / "link.jsonl"
    link.symlink_to(store)
    other = tmp_path / "sub"
    other.mkdir()
    for out in (link, other / ".." / store.name):
        code, _, err = run("export", "--out", str(out), "--db", str(store))
        assert code == 2 and "E327" in err and "is the store" in err
    code, _, err = run("export", "--out", f"{store}.wal", "--db", str(store))
    assert code == 2 and "E327" in err
    _left_alone(tmp_path, store, before)


def test_out_at_another_duckdb_file_is_refused(store: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    with Store(other) as s:
        s.write(make_coded(7), run_id="r")
    before, other_before = digest(store), digest(other)
    for args in (["export"], ["events", "--format", "parquet"]):
        code, _, err = run(*args, "--out", str(other), "--db", str(store))
        assert code == 2
        assert err.strip() == f"error E327: {other}: is a DuckDB database; the export would overwrite it " \
                              f"(give another --out file)"
    assert digest(other) == other_before
    _left_alone(tmp_path, store, before)


def test_the_library_refuses_too(store: Path) -> None:
    with Store(store, read_only=True) as s, pytest.raises(ConfigError) as exc:
        export(s, "jsonl", out=str(store))
    assert exc.value.code == "E327"


def test_a_failed_export_leaves_the_old_file_and_no_temporary(store: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "events.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    os.chmod(out, 0o640)
    import detente.export as ex

    def broken(store, table, fh, *a, **kw):  # type: ignore[no-untyped-def]
        fh.write("half a row")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ex, "write_jsonl", broken)
    with Store(store, read_only=True) as s, pytest.raises(StoreError) as exc:
        export(s, "jsonl", out=str(out))
    assert exc.value.code == "E324"
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    monkeypatch.undo()
    with Store(store, read_only=True) as s:
        assert export(s, "jsonl", out=str(out)) == 6
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    assert out.stat().st_mode & 0o777 == 0o640  # replacing keeps the file's permissions
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "gdelt"])
def test_every_format_writes_a_whole_new_file(store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    code, _, err = run("export", "--format", fmt, "--out", str(out), "--db", str(store))
    assert code == 0, err
    assert out.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([store.name, out.name])
