"""The runner (ingest -> code -> store): skipping, recoding, failures by reason, run records, and
a SIGKILL at any moment leaving no half-stored article."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, FakeEngine, gen_articles
from detente.config import Config
from detente.ingest import IngestReport
from detente.records import Article
from detente.runner import ingest, ingest_articles
from detente.store import Store

CONFIG = Config(batch_size=4, n_process=1)
# FakeEngine stands in for an Engine (the runner calls only its code_many): hence the
# "type: ignore[arg-type]" where one is passed


def test_codes_and_stores_everything_then_skips_it(store: Store) -> None:
    arts = gen_articles(10)
    s1 = ingest_articles(arts, CONFIG, store, engine=FakeEngine())  # type: ignore[arg-type]
    assert (s1.read, s1.new, s1.skipped_existing, s1.failed, s1.status) == (10, 10, 0, 0, "done")
    assert s1.events == store.stats()["events"] > 10 and s1.ok
    eng = FakeEngine()
    s2 = ingest_articles(arts + gen_articles(2, start=10), CONFIG, store,
                         engine=eng)  # type: ignore[arg-type]
    assert (s2.read, s2.new, s2.skipped_existing) == (12, 2, 10)
    assert len(eng.seen) == 2  # stored articles are not coded again
    runs = store.runs()
    assert [r["new"] for r in runs] == [2, 10] and all(r["status"] == "done" for r in runs)


def test_recode_codes_again_and_replaces(store: Store) -> None:
    arts = gen_articles(5)
    ingest_articles(arts, CONFIG, store, engine=FakeEngine())  # type: ignore[arg-type]
    before = store.stats()["events"]
    eng = FakeEngine()
    s = ingest_articles(arts, CONFIG, store, recode=True, engine=eng)  # type: ignore[arg-type]
    assert (s.new, s.skipped_existing, len(eng.seen)) == (5, 0, 5)
    assert store.stats()["events"] == before  # replaced, not duplicated


def test_duplicates_within_one_run_are_coded_once(store: Store) -> None:
    arts = gen_articles(3)
    eng = FakeEngine()
    s = ingest_articles(arts + arts[:2], CONFIG, store, engine=eng)  # type: ignore[arg-type]
    assert (s.read, s.new, s.skipped_existing, len(eng.seen)) == (5, 3, 2, 3)


def test_failures_are_counted_by_reason_and_never_stop_the_run(store: Store) -> None:
    report = IngestReport()
    arts = gen_articles(6)
    arts[2] = replace(arts[2], text=arts[2].text + " FAIL")
    arts[4] = replace(arts[4], status="skipped", status_reason="language de (not English)")

    def reader():  # what read_inputs does: report problems, yield articles
        yield from arts[:3]
        report.fail("bad.jsonl:7", "not valid JSON (Expecting value: line 1 column 1)")
        report.skip(arts[4].origin, arts[4].status_reason)
        yield from arts[3:]
        report.fail("bad.jsonl:9", "not valid JSON (Unterminated string)")

    s = ingest_articles(reader(), CONFIG, store, engine=FakeEngine(),  # type: ignore[arg-type]
                        report=report, inputs=["bad.jsonl"])
    assert (s.read, s.new, s.skipped, s.failed, s.status) == (6, 4, 1, 3, "done")
    assert s.failures_by_reason == {"not valid JSON": 2, "coding failed: ValueError: boom at x.py:N": 1}
    assert s.skips_by_reason == {"language de": 1}
    assert not s.ok
    run = store.runs()[0]
    assert run["failed"] == 3 and run["inputs"] == ["bad.jsonl"]
    assert {f["origin"] for f in json.loads(run["failures"])} == {"bad.jsonl:7", "bad.jsonl:9", "gen:2"}
    statuses = dict(store.query("SELECT origin, status FROM articles").fetchall())
    assert statuses["gen:2"] == "failed" and statuses["gen:4"] == "skipped"
    # a failed article is tried again next time; a skipped one is read again and skipped again
    s2 = ingest_articles(arts, CONFIG, store, engine=FakeEngine())  # type: ignore[arg-type]
    assert (s2.skipped_existing, s2.failed) == (4, 1)


def test_progress_is_reported(store: Store) -> None:
    seen: list[int] = []
    ingest_articles(gen_articles(9), CONFIG, store, engine=FakeEngine(),  # type: ignore[arg-type]
                    progress=lambda s: seen.append(s.done))
    assert seen == sorted(seen) and seen[-1] == 9 and len(seen) >= 3


def test_ctrl_c_keeps_what_was_coded(store: Store) -> None:
    def reader():
        yield from gen_articles(6)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_articles(reader(), CONFIG, store, engine=FakeEngine())  # type: ignore[arg-type]
    run = store.runs()[0]
    assert run["status"] == "interrupted" and store.stats()["articles"] == run["new"] >= 4


def _count_from_another_process(db: Path) -> int | str:
    """The store's articles as another process reads them, or the error it gets."""
    code = ("import duckdb, sys\n"
            "try:\n"
            "    con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "    print(con.execute('SELECT count(*) FROM articles').fetchone()[0])\n"
            "except duckdb.Error as exc:\n"
            "    print(str(exc)[:120])\n")
    out = subprocess.run([sys.executable, "-c", code, str(db)], check=False, capture_output=True,
                         text=True, timeout=60).stdout.strip()
    return int(out) if out.isdigit() else out


def test_a_stalled_input_writes_what_is_coded_and_lets_go_of_the_store(tmp_path: Path) -> None:
    """A run whose input has nothing for now (a pipe, a slow server) writes what it has coded and
    lets go of the file, so another process reads it while the run waits: before, tiny fast batches
    kept DuckDB's lock (sharing budget spent) and a waiting ingest locked the server out."""
    resume = threading.Event()

    def reader() -> Iterator[Article]:
        yield from gen_articles(6)
        resume.wait(120)  # the input stalls
        yield from gen_articles(3, start=6)

    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        result: list[object] = []
        run = threading.Thread(target=lambda: result.append(ingest_articles(
            reader(), Config(batch_size=3, n_process=1), store, engine=FakeEngine())))  # type: ignore[arg-type]
        run.start()
        try:
            deadline, seen = time.monotonic() + 60, None
            while time.monotonic() < deadline and seen != 6:
                seen = _count_from_another_process(db)
                time.sleep(0.2)
            assert seen == 6, seen
        finally:
            resume.set()
            run.join(60)
        summary = result[0]
        assert (summary.new, summary.status) == (9, "done")  # type: ignore[attr-defined]
        assert store.stats()["articles"] == 9


def test_an_error_while_reading_ahead_reaches_the_run(store: Store) -> None:
    """The input is read on a thread of its own; what it raises is raised in the run, which is
    recorded as failed with what it coded before written."""
    def reader() -> Iterator[Article]:
        yield from gen_articles(4)
        raise OSError("the disk under the input went away")

    with pytest.raises(OSError, match="went away"):
        ingest_articles(reader(), CONFIG, store, engine=FakeEngine())  # type: ignore[arg-type]
    run = store.runs()[0]
    assert run["status"] == "failed" and store.stats()["articles"] == 4


def test_ingest_reads_files_with_read_inputs(tmp_path: Path, store: Store) -> None:
    (tmp_path / "a.txt").write_text("China and Russia signed a deal on Monday.\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "India met France.", "url": "https://x.example/b"}\n{oops\n',
                                      encoding="utf-8")
    s = ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl"), str(tmp_path / "missing.txt")], CONFIG, store,
               engine=FakeEngine())  # type: ignore[arg-type]
    assert (s.read, s.new, s.failed) == (2, 2, 2)
    assert {o.split(":")[0].rsplit("/", 1)[-1] for o, _ in s.failures} == {"b.jsonl", "missing.txt"}


# --- SIGKILL ------------------------------------------------------------------------------------

KILL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from conftest import FakeEngine, gen_articles
from detente.config import Config
from detente.runner import ingest_articles
from detente.store import Store
store = Store({db!r})
print("started", flush=True)
ingest_articles(gen_articles({n}), Config(batch_size=3, n_process=1), store, engine=FakeEngine(delay=0.02),
                progress=lambda s: print("stored", s.new, flush=True))
store.close()
print("finished")
"""


def _snapshot(db: Path) -> dict:
    with Store(db, read_only=True) as s:
        arts = s.query("SELECT article_id, status, n_events FROM articles ORDER BY 1").fetchall()
        events = s.query("SELECT article_id, event_id, record FROM events ORDER BY 1, 2").fetchall()
        per_article = dict(s.query("SELECT article_id, count(*) FROM events GROUP BY 1").fetchall())
    # every stored article has exactly its events: none half-stored
    assert all(per_article.get(aid, 0) == n for aid, _, n in arts)
    assert set(per_article) <= {aid for aid, _, _ in arts}
    return {"articles": arts, "events": events}


def _run_until_killed(script: str, after: int, delay: float) -> bool:
    """Start the script; once it reports ``after`` articles stored (committed), SIGKILL it ``delay``
    seconds later, wherever it is then (coding, writing, committing). False if it finished first."""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    for line in proc.stdout:
        words = line.split()
        if words[:1] == [b"stored"] and int(words[1]) >= after:
            time.sleep(delay)
            break
        if words[:1] == [b"finished"]:
            proc.wait()
            return False
    else:
        assert proc.wait() == 0, proc.stderr.read().decode()  # type: ignore[union-attr]
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return True


@pytest.mark.slow
def test_sigkill_at_random_moments_never_half_stores(tmp_path: Path) -> None:
    n = 60
    ref = tmp_path / "ref.duckdb"
    with Store(ref) as s:  # the uninterrupted run, in this process
        ingest_articles(gen_articles(n), Config(batch_size=3, n_process=1), s,
                        engine=FakeEngine())  # type: ignore[arg-type]
    db = tmp_path / "killed.duckdb"
    script = KILL_SCRIPT.format(tests=str(ROOT / "tests"), db=str(db), n=n)
    rnd = random.Random(7)
    kills = 0
    stored_after_kill = []
    for _ in range(4):  # each run skips what the last one stored, then is killed a little further on
        if not _run_until_killed(script, after=rnd.randint(3, 12), delay=rnd.uniform(0.0, 0.05)):
            break
        kills += 1
        stored_after_kill.append(len(_snapshot(db)["articles"]))  # whole articles only (checked inside)
    assert not _run_until_killed(script, after=n + 1, delay=0)  # the last run finishes
    assert kills >= 1
    assert all(0 < k < n for k in stored_after_kill) and stored_after_kill == sorted(stored_after_kill)
    final, expected = _snapshot(db), _snapshot(ref)
    assert final["articles"] == expected["articles"]
    assert [(a, e) for a, e, _ in final["events"]] == [(a, e) for a, e, _ in expected["events"]]
    with Store(db, read_only=True) as s:
        statuses = [r["status"] for r in s.runs(limit=100)]
    # a killed run is marked interrupted by the next one (or is done, when killed after finishing)
    assert statuses[0] == "done" and set(statuses[1:]) <= {"interrupted", "done"}
    assert "interrupted" in statuses
