"""The Spark job (detente.spark) in local[2]: Parquet outputs with the store's columns, bad records recorded
as failed (never failing a partition), overwrite on re-run, and a DataFrame of record columns as input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")

import pyarrow.dataset as ds

from detente.records import Event
from detente.spark import OUTPUTS, code_dataframe, local_session, run_job
from detente.store import ACCOUNT_COLUMNS, ARTICLE_COLUMNS, EVENT_COLUMNS, QUANTITY_COLUMNS

pytestmark = [pytest.mark.model, pytest.mark.slow]

RECORDS: list[Any] = [
    {"id": "xi", "title": "Xi in Moscow", "date": "2023-03-21", "url": "https://news.example/xi",
     "source": "example", "text": "Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow on "
                                  "Monday. The two leaders signed an agreement on energy cooperation."},
    {"id": "empty", "title": "No text", "date": "2023-03-21", "url": "https://news.example/empty", "text": ""},
    {"id": "india", "date": "22 March 2023", "source": {"name": "Wire"},
     "body": "<p>India criticised Pakistan on Tuesday for the attack.</p><p>Pakistan denied any involvement.</p>"},
    {"id": "de", "date": "2023-03-22", "text": "Die Bundesregierung hat am Montag in Berlin einen neuen Haushalt "
                                              "beschlossen, teilte ein Sprecher mit."},
    "not json",
    [1, 2],
    {"id": "ukr", "published": "2023-03-23", "text": "Ukraine accused Russia of shelling Kharkiv overnight. "
                                                    "The United Nations called for restraint."},
]


def _write_input(path: Path) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in RECORDS]
    lines.insert(3, "")  # a blank line: no record, but it counts for line numbers
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(out: Path, name: str) -> list[dict[str, Any]]:
    return ds.dataset(out / name, format="parquet").to_table().to_pylist()


def _columns(out: Path, name: str) -> list[str]:
    return ds.dataset(out / name, format="parquet").schema.names


@pytest.fixture(scope="module")
def spark():
    session = local_session("local[2]", app_name="detente-test", conf={
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.driver.memory": "1g",
        "spark.default.parallelism": "2", "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",  # tiny jobs: compiling costs more than it saves
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"})  # faster JVM start
    yield session
    session.stop()


@pytest.fixture(scope="module")
def job(spark, tmp_path_factory) -> tuple[Path, Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("spark")
    src = _write_input(tmp / "news.jsonl")
    out = tmp / "out"
    summary = run_job(spark, str(src), str(out), partitions=2)
    return src, out, summary


def test_outputs_have_the_store_columns(job) -> None:
    _src, out, _summary = job
    for name in OUTPUTS:
        assert (out / name / "_SUCCESS").exists(), name
    assert _columns(out, "events") == [c for c, _, _ in EVENT_COLUMNS]
    assert _columns(out, "quantities") == [c for c, _, _ in QUANTITY_COLUMNS]
    assert _columns(out, "accounts") == [c for c, _, _ in ACCOUNT_COLUMNS]
    assert _columns(out, "articles") == [c for c, _, _ in ARTICLE_COLUMNS] + ["input_id", "warnings"]
    assert _columns(out, "failures") == ["origin", "input_id", "article_id", "reason"]


def test_every_record_is_an_article_row_with_its_status(job) -> None:
    src, out, summary = job
    rows = {r["origin"]: r for r in _read(out, "articles")}
    assert len(rows) == len(RECORDS) == summary["articles"]  # the blank line is not a record
    name = str(src)
    assert set(rows) == {f"{name}:{n}" for n in (1, 2, 3, 5, 6, 7, 8)}
    ok = {r["input_id"] for r in rows.values() if r["status"] == "ok"}
    assert ok == {"xi", "india", "ukr"}
    assert rows[f"{name}:2"]["status"] == "failed" and "no text" in rows[f"{name}:2"]["status_reason"]
    assert rows[f"{name}:5"]["status"] == "skipped" and "not English" in rows[f"{name}:5"]["status_reason"]
    assert rows[f"{name}:6"]["status_reason"].startswith("not valid JSON")
    assert rows[f"{name}:7"]["status_reason"] == "not a JSON object (got list)"
    india = rows[f"{name}:3"]
    assert india["source"] == "Wire" and str(india["published"]) == "2023-03-22" and "<p>" not in india["text"]
    assert len({r["article_id"] for r in rows.values()}) == len(rows)
    assert summary["articles_by_status"] == {"failed": 3, "ok": 3, "skipped": 1}
    assert summary["failures_by_reason"] == {"record has no text": 1, "not valid JSON": 1,
                                             "not a JSON object": 1}


def test_failures_output(job) -> None:
    src, out, _summary = job
    failures = sorted(_read(out, "failures"), key=lambda r: r["origin"])
    assert [f["origin"] for f in failures] == [f"{src}:2", f"{src}:6", f"{src}:7"]
    assert failures[0]["input_id"] == "empty" and all(f["reason"] and f["article_id"] for f in failures)


def test_events_are_flattened_records(job) -> None:
    _src, out, summary = job
    events = _read(out, "events")
    articles = {r["article_id"]: r for r in _read(out, "articles")}
    assert len(events) == summary["events"] == sum(r["n_events"] for r in articles.values())
    assert len({e["event_id"] for e in events}) == len(events)
    for e in events:  # the coder may find few events while it is built; what it finds must be well formed
        ev = Event.from_dict(json.loads(e["record"]))
        assert ev.event_id == e["event_id"] and ev.cameo == e["cameo"] and ev.cameo_root == e["cameo_root"]
        assert articles[e["article_id"]]["status"] == "ok"
        assert e["source_code"] == (ev.source.code if ev.source else None)
        assert e["date"] is None or e["date"].isoformat() == (ev.date or "")[:10]


def test_rerun_overwrites(spark, job) -> None:
    src, out, summary = job
    again = run_job(spark, str(src), str(out), partitions=3)
    assert again["articles"] == summary["articles"] and again["events"] == summary["events"]
    assert again["run_id"] != summary["run_id"]
    assert len(_read(out, "articles")) == len(RECORDS)
    assert {r["run_id"] for r in _read(out, "articles")} == {again["run_id"]}
    assert len(_read(out, "events")) == summary["events"]


def test_code_dataframe_from_record_columns(spark) -> None:
    df = spark.createDataFrame(
        [("r1", "France criticised Iran on Monday over its nuclear programme.", "2023-01-09", None),
         ("r2", None, "2023-01-09", None),
         ("r3", "Japan and South Korea held talks in Tokyo on Friday.", "bad date", "origin-3")],
        "id string, text string, date string, origin string")
    coded = code_dataframe(spark, df, partitions=2)
    assert {f.name for f in coded.schema.fields} >= {"article_id", "status", "events", "quantities", "accounts"}
    rows = {r["input_id"]: r for r in coded.collect()}
    assert set(rows) == {"r1", "r2", "r3"}
    assert rows["r1"]["status"] == "ok" and rows["r2"]["status"] == "failed"
    assert rows["r3"]["origin"] == "origin-3" and rows["r3"]["published"] is None
    assert any("unrecognised date" in w for w in rows["r3"]["warnings"])
    assert all(len(r["events"]) == r["n_events"] for r in rows.values())
