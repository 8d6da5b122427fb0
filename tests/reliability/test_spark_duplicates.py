"""An article repeated in the input is one article in the Spark job's output, as in the store.

Issue #15, 3: a record repeated in the input (the same text and URL, so the same article id) gave
duplicate article and event rows (155 event rows for 141 ids), where ``detente ingest`` codes it once
and counts the repeat. Now the job keeps each article id once (its first record in input order),
codes it once, and the summary counts the dropped repeats as ``duplicates``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")

import pyarrow.dataset as ds

from detente.spark import code_dataframe, local_session, run_job

pytestmark = [pytest.mark.model, pytest.mark.slow]

XI = {"id": "xi", "title": "Xi in Moscow", "date": "2023-03-21", "url": "https://news.example/xi",
      "text": "Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow on Monday. "
              "The two leaders signed an agreement on energy cooperation."}
UKR = {"id": "ukr", "date": "2023-03-23", "text": "Ukraine accused Russia of shelling Kharkiv overnight. "
                                                  "The United Nations called for restraint."}
IND = {"id": "india", "date": "2023-03-22", "text": "India criticised Pakistan on Tuesday for the attack. "
                                                    "Pakistan denied any involvement."}


def _read(out: Path, name: str) -> list[dict[str, Any]]:
    return ds.dataset(out / name, format="parquet").to_table().to_pylist()


@pytest.fixture(scope="module")
def spark():
    session = local_session("local[2]", app_name="detente-test-dups", conf={
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.driver.memory": "1g",
        "spark.default.parallelism": "2", "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"})
    yield session
    session.stop()


def test_a_repeated_record_is_one_article_and_its_events_once(spark, tmp_path: Path) -> None:
    # XI three times (one a copy with another input id: same text and URL, same article), UKR twice,
    # two identical lines that are not JSON; spread over partitions so that repeats meet only in a shuffle
    copy = {**XI, "id": "xi-copy"}
    lines = [json.dumps(XI), json.dumps(UKR), "not json", json.dumps(IND), json.dumps(XI),
             json.dumps(UKR), "not json", json.dumps(copy)]
    src = tmp_path / "news.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_job(spark, str(src), str(out), partitions=3)

    articles = _read(out, "articles")
    ids = [a["article_id"] for a in articles]
    assert len(ids) == len(set(ids)) == 4 == summary["articles"]
    assert summary["duplicates"] == 4 and summary["records"] == 8
    by_input = {a["input_id"]: a for a in articles if a["input_id"]}
    assert set(by_input) == {"xi", "ukr", "india"}  # the first record of each article is the one kept
    assert by_input["xi"]["origin"] == f"{src}:1" and by_input["ukr"]["origin"] == f"{src}:2"
    (bad,) = [a for a in articles if a["status"] == "failed"]
    assert bad["origin"] == f"{src}:3" and len(_read(out, "failures")) == 1

    events = _read(out, "events")
    assert len(events) == summary["events"] == sum(a["n_events"] for a in articles)
    assert len({e["event_id"] for e in events}) == len(events)
    assert by_input["xi"]["n_events"] >= 1  # the repeat really had events to duplicate


def test_code_dataframe_keeps_each_article_once(spark) -> None:
    text = "France criticised Iran on Monday over its nuclear programme."
    df = spark.createDataFrame([(f"r{i}", text, "2023-01-09") for i in range(6)]
                               + [("other", "Japan and South Korea held talks in Tokyo on Friday.", "2023-01-09")],
                               "id string, text string, date string").repartition(3)
    rows = code_dataframe(spark, df, partitions=2).collect()
    assert sorted(r["input_id"] is not None for r in rows) == [True, True]
    assert len({r["article_id"] for r in rows}) == len(rows) == 2
    (france,) = [r for r in rows if r["text"] == text]
    assert france["duplicates"] == 5
