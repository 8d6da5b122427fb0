"""Serving next to ingesting (issue #15, 8).

While ``detente serve`` had steady read traffic, ``detente ingest`` into the same store failed E301
(a read-only connection in the server's process blocks DuckDB's one writer), and while an ingest ran
every store route answered 503 E301. Now the server reads a copy of the store that it makes again
after each batch the writer commits (detente.api_snapshot) and the writer lets go of the file
between batches (detente.store): here a real ``detente serve`` and a real ``detente ingest`` (small
batches, so that it commits often, its corpus on standard input) share one store while a client
reads in a loop and a bounded load runs three rounds of 100 requests, 20 at a time, before the
ingest's input ends: the ingest exits 0 with
every article stored, no read fails, the counts a client sees grow batch by batch and never go down,
and the server shows the finished ingest. (benchmarks/api_load.py runs the full load: 2,000 requests, 50 at a time.)
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, make_coded, write_corpus
from detente import api_snapshot
from detente.errors import StoreError
from detente.store import Store

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX locks, as in production")

_spec = importlib.util.spec_from_file_location("api_load", ROOT / "benchmarks" / "api_load.py")
assert _spec is not None and _spec.loader is not None
api_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_load)

N_ARTICLES = 60
FIRST_PART = 30  # articles written before the load starts; the rest after its first two rounds


def _counts(client: httpx.Client) -> tuple[int, int, int, int]:
    """(articles, events, CHN-RUS events, CHN-RUS events in the series), each read through the API;
    raises on any answer but 200."""
    got = []
    for path in ("/stats", "/events?limit=1", "/events?pair=CHN,RUS&limit=1", "/dyad/CHN/RUS?unit=events"):
        r = client.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:200]}"
        got.append(r.json())
    stats, events, pair, dyad = got
    return stats["articles"], events["total"], pair["total"], sum(row["n"] for row in dyad["series"])


class Reader(threading.Thread):
    """Reads the counts in a loop until stopped; keeps every answer and every failure."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.seen: list[tuple[int, int, int, int]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while not self.stop.is_set():
                try:
                    self.seen.append(_counts(client))
                except (AssertionError, httpx.HTTPError) as exc:
                    self.failures.append(str(exc)[:300])
                time.sleep(0.02)


@pytest.mark.model
@pytest.mark.slow
def test_ingest_while_the_api_is_read(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.duckdb")
    with Store(db) as store:  # a store with something in it (made in code: no model needed here)
        store.write_many([make_coded(i, n_events=2) for i in range(5)])
    corpus = write_corpus(tmp_path / "corpus.jsonl", N_ARTICLES)

    with api_load.serving(db, api_load.free_port()) as base:
        reader = Reader(base)
        reader.start()
        while len(reader.seen) < 3:  # steady read traffic before the ingest starts
            assert not reader.failures, reader.failures
            time.sleep(0.05)
        start = reader.seen[-1]
        lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
        # the corpus comes on standard input in two parts, and the second is written only after the
        # load's first rounds have ended, so those rounds overlap a running ingest by construction
        # (an ingest of a file could end before the first round on a busy machine)
        ingest = subprocess.Popen([*api_load.DETENTE, "ingest", "-", "--db", db, "-j", "1",
                                   "--batch-size", "3", "--quiet"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert ingest.stdin is not None
        ingest_ended: list[float] = []

        def wait_for_ingest() -> None:
            ingest.wait()
            ingest_ended.append(time.perf_counter())

        waiter = threading.Thread(target=wait_for_ingest, daemon=True)
        waiter.start()
        try:
            ingest.stdin.writelines(lines[:FIRST_PART])
            ingest.stdin.flush()
            deadline = time.monotonic() + 300
            while reader.seen[-1][0] == start[0]:  # its first batch is in
                assert ingest.poll() is None and time.monotonic() < deadline, "the first batch never came"
                time.sleep(0.05)
            rounds = [api_load.run_load(base, api_load.pair_paths("CHN", "RUS"), 100, 20) for _ in range(2)]
            assert ingest.poll() is None, "the ingest ended before its input did"
            ingest.stdin.writelines(lines[FIRST_PART:])
            ingest.stdin.flush()
            rounds.append(api_load.run_load(base, api_load.pair_paths("CHN", "RUS"), 100, 20))
            _, err = ingest.communicate(timeout=600)  # closes its input: the ingest ends
            waiter.join(10)
        finally:
            if ingest.poll() is None:
                ingest.kill()
        time.sleep(1.5)  # a copy made within a second of the last write is looked at again
        with httpx.Client(base_url=base, timeout=60) as client:
            final = _counts(client)
        reader.stop.set()
        reader.join(60)

    assert ingest.returncode == 0, err
    with Store(db, read_only=True) as store:
        stored = store.query("SELECT count(*) FROM articles WHERE status = 'ok'").fetchall()[0][0]
        events = store.query("SELECT count(*) FROM events").fetchall()[0][0]
    assert stored == 5 + N_ARTICLES
    assert reader.failures == []
    assert [r["error_kinds"] for r in rounds if r["errors"]] == []
    during = sum(t < ingest_ended[0] for r in rounds for t in r["ended"])
    assert during >= 200, f"only {during} of the load's requests ended while the ingest ran"
    seen = reader.seen
    assert len({s[0] for s in seen}) >= 3, "the reader saw fewer than two batches arrive"
    for column in range(4):  # each count, as one client reads it, never goes down
        values = [s[column] for s in seen]
        assert values == sorted(values), (column, values)
    assert final[0] == stored and final[1] == events  # the server shows the finished ingest


@pytest.mark.slow
def test_a_second_ingest_is_still_refused(tmp_path: Path) -> None:
    """A run holds the store for its one writer even while it lets other processes read between
    its batches: another process can open the file then, but its run is E301 at once."""
    db = str(tmp_path / "one-writer.duckdb")
    Store(db).close()
    first = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from detente.store import Store
        store = Store({db!r})
        run = store.start_run(["first"])
        time.sleep(2)
        store.update_run(run, seconds=2.0)  # the end of a batch (the run's time so far is spent
                                            # writing, not sharing): lets go of the file
        print("between batches", store._con is None, flush=True)
        sys.stdin.read()
        store.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None
        assert first.stdout.readline().split() == ["between", "batches", "True"]
        second = Store(db)  # opens: the first run is between batches
        try:
            with pytest.raises(StoreError) as err:
                second.start_run(["second"])
            assert err.value.code == "E301" and "another ingest" in err.value.reason
        finally:
            second.close()
    finally:
        first.communicate("", timeout=30)
    assert first.returncode == 0


def _articles(copy_path: str) -> int:
    with Store(copy_path, read_only=True) as store:
        return int(store.query("SELECT count(*) FROM articles").fetchall()[0][0])


def test_a_copy_holds_committed_batches_only_and_is_deleted_after_use(tmp_path: Path) -> None:
    """While a writer has the store open (a batch committed, one not), requests read the last copy;
    once it lets go, the next copy has its committed batches and not the other; a replaced copy is
    deleted when the last request reading it ends, and close_all leaves no copy on disk."""
    db = str(tmp_path / "s.duckdb")
    with Store(db) as store:
        store.write_many([make_coded(i) for i in range(2)])
    snap = api_snapshot.snapshot_of(db)
    first = snap.lease()
    folder = Path(first.path).parent
    assert _articles(first.path) == 2 and folder.name.startswith(api_snapshot.FOLDER_PREFIX)

    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from conftest import make_coded
        from detente.store import Store
        store = Store({db!r}, lock_wait=0)
        store.write_many([make_coded(i) for i in range(2, 5)])  # committed
        store.con.execute("BEGIN")
        store.con.execute("DELETE FROM articles")  # not committed
        print("holding", flush=True)
        sys.stdin.readline()
        store.con.execute("ROLLBACK")
        store.close()
        print("closed", flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdin is not None and writer.stdout is not None
        assert writer.stdout.readline().strip() == "holding"
        held = snap.lease()  # the writer holds the file: the last copy
        assert held.path == first.path and _articles(held.path) == 2
        held.release()
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "closed"
    finally:
        writer.communicate(timeout=60)
    assert writer.returncode == 0

    deadline = time.monotonic() + 60  # a new copy once past the spacing after the last (a loaded machine: slow)
    while (second := snap.lease()).path == first.path and time.monotonic() < deadline:
        second.release()
        time.sleep(0.05)
    assert second.path != first.path and _articles(second.path) == 5
    assert Path(first.path).exists()  # a request still reads it
    first.release()
    assert not Path(first.path).exists()
    second.release()
    assert Path(second.path).exists()  # the current copy, for the next request
    api_snapshot.close_all()
    assert not folder.exists()


def test_the_copies_of_a_killed_server_are_swept(tmp_path: Path) -> None:
    """A server killed with SIGKILL cannot delete its copies; the next one deletes the folders whose
    owner is gone, never a live one's."""
    db = str(tmp_path / "s.duckdb")
    with Store(db) as store:
        store.write_many([make_coded(0)])
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os, signal
        from detente.api_snapshot import open_store
        store = open_store({db!r})
        os.kill(os.getpid(), signal.SIGKILL)
    """)], env={**os.environ, "TMPDIR": str(tmp)}, check=False)
    assert killed.returncode == -signal.SIGKILL
    left = list(tmp.glob(f"{api_snapshot.FOLDER_PREFIX}*"))
    assert len(left) == 1 and any(p.suffix == ".duckdb" for p in left[0].iterdir())

    live = tmp / f"{api_snapshot.FOLDER_PREFIX}live"
    live.mkdir()
    import fcntl

    fd = os.open(live / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running server holds its folder's lock
        os.utime(left[0])
        assert api_snapshot.sweep(str(tmp)) == []  # both changed just now: perhaps still being made
        for folder in (left[0], live):
            os.utime(folder, (time.time() - 60, time.time() - 60))
        assert api_snapshot.sweep(str(tmp)) == [str(left[0])]
        assert live.exists() and not left[0].exists()
    finally:
        os.close(fd)
