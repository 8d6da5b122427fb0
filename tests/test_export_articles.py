"""`detente export --table articles --format jsonl`: one ``CodedArticle.to_dict()`` per line, put
together from the stored ``record`` text (no rebuilding of each record) and byte for byte what
rebuilding every record through its dataclass gives, on a store of the bundled examples, on records
an earlier detente wrote (other fields, other JSON spacing: rebuilt), with --limit and --article;
and :func:`detente.store.record_pattern` tells the text ``to_json`` writes from any other."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import make_coded, make_event
from detente.cli import app
from detente.export import export
from detente.records import Account, Actor, Event, Location, Quantity
from detente.store import Store, record_pattern, to_json

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("articles") / "ex.duckdb"
    r = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--db", str(path), "-j", "1", "-q"])
    assert r.exit_code == 0, r.output
    return path


def _rebuilt(path: Path) -> bytes:
    """The export as it was written before: every record read back through its dataclass
    (``from_dict``/``to_dict``), articles in the order they were coded, one query each."""
    con = duckdb.connect(str(path), read_only=True)
    lines = []
    try:
        arts = con.execute("SELECT article_id, text, url, title, source, published, lang, origin, status, "
                           "status_reason, source_id FROM articles ORDER BY coded_at, article_id").fetchall()
        names = ["article_id", "text", "url", "title", "source", "published", "lang", "origin", "status",
                 "status_reason", "source_id"]
        for row in arts:
            article = dict(zip(names, row, strict=True))
            article["published"] = article["published"].isoformat() if article["published"] else None
            out: dict[str, Any] = {"article": article}
            for key, table, order, cls in (("events", "events", "sentence_index, event_id", Event),
                                           ("quantities", "quantities", "sentence_index, quantity_id", Quantity),
                                           ("accounts", "accounts", "account_id", Account)):
                recs = con.execute(f"SELECT record::VARCHAR FROM {table} WHERE article_id = ? ORDER BY {order}",
                                   [row[0]]).fetchall()
                out[key] = [cls.from_dict(json.loads(r)).to_dict() for (r,) in recs]
            lines.append(json.dumps(out, ensure_ascii=False) + "\n")
    finally:
        con.close()
    return "".join(lines).encode("utf-8")


def _export(path: Path, out: Path, *args: str) -> bytes:
    r = CliRunner().invoke(app, ["export", "--db", str(path), "--table", "articles", "--format", "jsonl",
                                 "--out", str(out), "-q", *args])
    assert r.exit_code == 0, r.output
    return out.read_bytes()


def test_examples_store_exports_byte_for_byte(examples_db: Path, tmp_path: Path) -> None:
    got = _export(examples_db, tmp_path / "a.jsonl")
    assert got == _rebuilt(examples_db)
    lines = [json.loads(line) for line in got.decode("utf-8").splitlines()]
    assert len(lines) == 12
    assert sum(len(c["events"]) for c in lines) > 100  # every table has records in it
    assert any(c["quantities"] for c in lines) and any(c["accounts"] for c in lines)
    assert "Brasília" in got.decode("utf-8")  # non-ASCII as itself, as json.dumps(ensure_ascii=False)


def test_limit_and_article_are_lines_of_the_whole_export(examples_db: Path, tmp_path: Path) -> None:
    whole = _export(examples_db, tmp_path / "all.jsonl").decode("utf-8").splitlines(keepends=True)
    assert _export(examples_db, tmp_path / "3.jsonl", "--limit", "3").decode("utf-8") == "".join(whole[:3])
    fifth = json.loads(whole[4])["article"]["article_id"]
    assert _export(examples_db, tmp_path / "one.jsonl", "--article", fifth[:10]).decode("utf-8") == whole[4]


def test_records_an_earlier_detente_wrote_are_rebuilt(examples_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copy(examples_db, path)
    con = duckdb.connect(str(path))
    try:
        (ev1, r1), (ev2, r2), (ev3, r3) = con.execute(
            "SELECT event_id, record::VARCHAR FROM events WHERE json_type(record, '$.source') = 'OBJECT' "
            "ORDER BY event_id LIMIT 3").fetchall()
        old = json.loads(r1)
        del old["date_text"]  # a field this detente has and the earlier one had not
        old["weight"] = 2.0  # one it had and this one has not
        compact = json.dumps(json.loads(r2), ensure_ascii=False, separators=(",", ":"))
        nested = json.loads(r3)
        del nested["source"]["role"]
        for eid, text in ((ev1, json.dumps(old, ensure_ascii=False)), (ev2, compact),
                          (ev3, json.dumps(nested, ensure_ascii=False))):
            con.execute("UPDATE events SET record = ? WHERE event_id = ?", [text, eid])
        (acc, a), = con.execute("SELECT account_id, record::VARCHAR FROM accounts LIMIT 1").fetchall()
        con.execute("UPDATE accounts SET record = ? WHERE account_id = ?",
                    [json.dumps(json.loads(a), ensure_ascii=True, indent=1), acc])
    finally:
        con.close()
    got = _export(path, tmp_path / "old.jsonl")
    assert got == _rebuilt(path)
    events = {e["event_id"]: e for line in got.decode("utf-8").splitlines() for e in json.loads(line)["events"]}
    assert events[ev1]["date_text"] is None and "weight" not in events[ev1]  # rebuilt with today's fields
    assert events[ev3]["source"]["role"] is None
    assert '"event_id":"' not in got.decode("utf-8")  # the compact one spaced as json.dumps does
    assert len(got.decode("utf-8").splitlines()) == 12  # the indented account on its article's line


def _matches(cls: type, texts: list[str]) -> list[bool]:
    con = duckdb.connect()
    try:
        return [m for (m,) in con.execute("SELECT regexp_full_match(unnest(?::VARCHAR[]), ?)",
                                          [texts, record_pattern(cls)]).fetchall()]
    finally:
        con.close()


def test_record_pattern_is_the_text_to_json_writes() -> None:
    c = make_coded(0, n_events=1)
    aid = c.article.article_id
    awkward = 'He said "no" \\ then\ttab\nline\r\b\f \x01\x1f\x7f é 中 \u2028 / end'
    ev = make_event(aid, 0, sentence=awkward, goldstein=-10.0, confidence=1e-05,
                    location=Location(name=awkward, lat=1.5e16, lon=-0.1, geonames_id=0), claimant=None,
                    spans={"source": [0, 5], "predicate": None, "target": [7, 12]})
    assert json.loads(to_json(ev)) == ev.to_dict()
    canonical = to_json(ev)
    assert _matches(Event, [canonical]) == [True]
    d = ev.to_dict()
    missing = {k: v for k, v in d.items() if k != "date_text"}
    extra = {**d, "weight": 1.0}
    reordered = {"article_id": d["article_id"], **d}
    bad_actor = {**d, "source": dict(reversed(d["source"].items()))}  # the actor's fields in another order
    others = [json.dumps(d),  # ensure_ascii: é as \u00e9
              json.dumps(d, ensure_ascii=False, separators=(",", ":")),
              json.dumps(d, ensure_ascii=False, indent=1),
              json.dumps(missing, ensure_ascii=False), json.dumps(extra, ensure_ascii=False),
              json.dumps(reordered, ensure_ascii=False), json.dumps(bad_actor, ensure_ascii=False),
              canonical.replace('"goldstein": -10.0', '"goldstein": -10.00'),
              canonical.replace('"goldstein": -10.0', '"goldstein": -1e1'),
              canonical.replace(" / end", " \\/ end"),
              canonical.replace("\\t", "\\u0009"),
              canonical.replace("é", "\\u00e9")]
    assert [o for o in others if o == canonical] == []
    assert _matches(Event, others) == [False] * len(others)
    q, a = c.quantities[0], c.accounts[0]
    assert _matches(Quantity, [to_json(q), to_json(dataclasses.replace(q, value=None, text=awkward))]) == [True] * 2
    assert _matches(Account, [to_json(a), json.dumps(a.to_dict())]) == [True, True]  # ASCII only: the same text
    three_deep = dataclasses.replace(a, claims=[{"says": awkward, "event_ids": ["e1", "e2"]}, {}])
    four_deep = dataclasses.replace(a, claims=[{"says": "x", "event_ids": [["e1"]]}])  # deeper than the pattern goes
    assert _matches(Account, [to_json(three_deep), to_json(four_deep)]) == [True, False]
    assert _matches(Actor, [to_json(Actor(text=awkward))]) == [True]


def test_export_function_counts_the_lines(examples_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    with Store(examples_db, read_only=True) as st:
        assert export(st, "jsonl", str(out), table="articles", limit=5) == 5
    assert out.read_bytes() == b"".join(_rebuilt(examples_db).splitlines(keepends=True)[:5])
