"""A stored ``record`` that cannot be written (NULL, or JSON that is not its record) never stops an
export: jsonl leaves that record out, counts it by reason, says so on stderr, and writes the rest
as it would have (the other lines byte for byte)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from conftest import make_coded
from detente.cli import app
from detente.export import export
from detente.store import Store


def _store(tmp_path: Path) -> tuple[Path, list[str]]:
    """Two coded articles (two events, a quantity and an account each); their article ids in the
    order they were coded."""
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        ids = []
        for n in range(2):
            coded = make_coded(n)
            st.write(coded)
            ids.append(coded.article.article_id)
    return path, ids


def _cli(path: Path, out: Path, *args: str) -> tuple[bytes, str]:
    r = CliRunner().invoke(app, ["export", "--db", str(path), "--format", "jsonl", "--out", str(out), *args])
    assert r.exit_code == 0, r.output
    return out.read_bytes(), r.stderr


def _set_record(path: Path, sql: str, params: list[object]) -> None:
    with Store(path) as st:
        st.con.execute(sql, params)


def test_a_null_event_record_is_left_out_of_its_article_and_counted(tmp_path: Path) -> None:
    path, ids = _store(tmp_path)
    before, _ = _cli(path, tmp_path / "before.jsonl", "--table", "articles")
    first = json.loads(before.decode("utf-8").splitlines()[0])
    dropped = first["events"][1]["event_id"]
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [dropped])

    after, err = _cli(path, tmp_path / "after.jsonl", "--table", "articles")
    old_lines, new_lines = before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines()
    assert len(new_lines) == 2
    assert new_lines[1] == old_lines[1]  # the other article as it was, byte for byte
    first["events"] = [e for e in first["events"] if e["event_id"] != dropped]
    assert first["article"]["article_id"] == ids[0]
    assert new_lines[0] == json.dumps(first, ensure_ascii=False)  # the rest of its own article as it was
    assert "1 record(s) left out of the export: events: record is NULL (1)" in err
    assert "2 rows written" in err


def test_records_that_are_not_their_dataclass_are_counted_by_reason(tmp_path: Path) -> None:
    path, ids = _store(tmp_path)
    _set_record(path, "UPDATE quantities SET record = ? WHERE article_id = ?", ['{"measure": "trade"}', ids[0]])
    _set_record(path, "UPDATE accounts SET record = ?", ["[1, 2]"])
    _set_record(path, "UPDATE events SET record = NULL WHERE article_id = ?", [ids[1]])

    left_out: Counter[str] = Counter()
    with Store(path, read_only=True) as st:
        n = export(st, "jsonl", str(tmp_path / "a.jsonl"), table="articles", left_out=left_out)
    assert n == 2
    assert left_out == {"quantities: record is not the JSON of a Quantity": 1,
                        "accounts: record is not the JSON of an Account": 2,
                        "events: record is NULL": 2}
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [len(c["events"]) for c in lines] == [2, 0]
    assert [len(c["quantities"]) for c in lines] == [0, 1]
    assert [len(c["accounts"]) for c in lines] == [0, 0]


def test_events_jsonl_leaves_out_a_null_record(tmp_path: Path) -> None:
    path, ids = _store(tmp_path)
    _set_record(path, "UPDATE events SET record = NULL WHERE article_id = ? AND sentence_index = 0", [ids[1]])
    got, err = _cli(path, tmp_path / "e.jsonl")
    events = [json.loads(line) for line in got.decode("utf-8").splitlines()]
    assert len(events) == 3 and all(e["event_id"] for e in events)
    assert "3 rows written" in err
    assert "events: record is NULL (1)" in err

    r = CliRunner().invoke(app, ["events", "--db", str(path), "--format", "jsonl", "--all"])
    assert r.exit_code == 0, r.output
    assert len(r.stdout.splitlines()) == 3
    assert "events: record is NULL (1)" in r.stderr
