"""A bounded loopback load on the HTTP API while ``detente ingest`` writes to the same store.

    .venv/bin/python benchmarks/api_load.py [--requests 2000] [--concurrency 50] [--articles 100]
                                            [--corpus ../shared/corpus/news-sample.jsonl.gz]

Makes a store from the bundled ``examples/`` (``detente ingest``), times ``detente ingest`` of the
first ``--articles`` articles of the corpus into a copy of it with nothing else running (the
baseline), then starts ``detente serve`` on another copy on a free loopback port, starts the same
ingest into it, and once the server shows the ingest's first batch sends ``--requests`` GET
requests, ``--concurrency`` at a time, round-robin over ``/events``, ``/events?pair=A,B``,
``/dyad/A/B`` and ``/pair?a=A&b=B`` (the pair explorer), while another client polls ``/stats``.
Prints the requests (and how many ended while the ingest ran), the errors (any answer but 200, or
no answer, by kind), median and p95 latency, requests/s, the ingest's exit code and time with and
without the server, the articles read back through the API, and the disk the server's copies of
the store took (detente.api_snapshot).

:func:`run_load` is the load alone (tests/reliability/test_serve_while_ingest.py runs a smaller one).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"
DETENTE = [str(Path(sys.executable).parent / "detente")]


def pair_paths(a: str, b: str) -> list[str]:
    """The routes the load reads: the event list, the pair's events, its series, its page."""
    return ["/events?limit=20", f"/events?pair={a},{b}&limit=20", f"/dyad/{a}/{b}?unit=events",
            f"/pair?a={a}&b={b}"]


def run_load(base: str, paths: Sequence[str], requests: int, concurrency: int,
             timeout: float = 60.0) -> dict[str, Any]:
    """``requests`` GETs of ``paths`` (round-robin), ``concurrency`` at a time. Returns ``requests``,
    ``errors`` (count), ``error_kinds`` (``{"503 E301": n, "ReadTimeout": n, ...}``), ``median_ms``,
    ``p95_ms``, ``seconds``, ``rps`` and ``ended`` (each request's ``time.perf_counter()`` when it ended)."""
    latencies: list[float] = []
    ended: list[float] = []
    kinds: Counter[str] = Counter()
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    with httpx.Client(base_url=base, timeout=timeout, limits=limits) as client:
        def one(i: int) -> None:
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            try:
                r = client.get(path)
                kind = None if r.status_code == 200 else f"{r.status_code} {_code(r)} {path.split('?')[0]}"
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            end = time.perf_counter()
            with lock:
                latencies.append(end - t0)
                ended.append(end)
                if kind:
                    kinds[kind] += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(requests)))
        seconds = time.perf_counter() - started
    latencies.sort()
    return {"requests": requests, "errors": sum(kinds.values()), "error_kinds": dict(kinds),
            "median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[max(0, round(0.95 * len(latencies)) - 1)],
            "seconds": seconds, "rps": requests / seconds if seconds else 0.0, "ended": ended}


def _code(r: httpx.Response) -> str:
    with contextlib.suppress(ValueError, AttributeError):
        return str(r.json().get("error"))
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(db: str, port: int, env: dict[str, str] | None = None, wait: float = 120.0,
            procs: list[subprocess.Popen[bytes]] | None = None) -> Iterator[str]:
    """``detente serve --db db`` on 127.0.0.1:``port`` until the block ends (SIGTERM); yields its base
    URL. ``procs``: the server's process is appended to it."""
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([*DETENTE, "serve", "--db", db, "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if procs is not None:
        procs.append(proc)
    try:
        deadline = time.monotonic() + wait
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"detente serve exited {proc.returncode}: "
                                   f"{proc.stderr.read().decode() if proc.stderr else ''}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"detente serve did not answer within {wait:g} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stats(base: str) -> dict[str, Any]:
    r = httpx.get(base + "/stats", timeout=60)
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def _folder_bytes(pid: int) -> int:
    """Bytes in the server's folder of store copies (detente.api_snapshot), now."""
    total = 0
    for folder in Path(tempfile.gettempdir()).glob(f"detente-snapshots-{pid}-*"):
        for f in folder.iterdir():
            with contextlib.suppress(OSError):
                total += f.stat().st_size
    return total


def _ingest(src: Path, db: str) -> tuple[subprocess.Popen[str], float]:
    return subprocess.Popen([*DETENTE, "ingest", str(src), "--db", db, "--quiet"], stderr=subprocess.PIPE,
                            text=True), time.perf_counter()




def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=2000, help="0: no load, only the /stats poller (the cost of "
                                                                   "sharing the file, without the load's CPU).")
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--articles", type=int, default=100)
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--pair", default="ARG,BRA", help="The pair the pair routes read (of the examples).")
    args = p.parse_args()
    a, b = args.pair.split(",")

    with tempfile.TemporaryDirectory() as tmp:
        examples = os.path.join(tmp, "examples.duckdb")
        subprocess.run([*DETENTE, "ingest", str(ROOT / "examples"), "--db", examples, "--quiet"], check=True)
        src = Path(tmp) / "slice.jsonl"
        opener = gzip.open if args.corpus.endswith(".gz") else open
        with opener(args.corpus, "rt", encoding="utf-8") as fh, src.open("w", encoding="utf-8") as out:
            out.writelines(islice(fh, args.articles))

        alone_db = os.path.join(tmp, "alone.duckdb")  # the same ingest with no server: the baseline
        shutil.copyfile(examples, alone_db)
        load_avg = [os.getloadavg()[0]]
        alone, t0 = _ingest(src, alone_db)
        alone.communicate()
        alone_seconds = time.perf_counter() - t0

        db = os.path.join(tmp, "load.duckdb")
        shutil.copyfile(examples, db)
        procs: list[subprocess.Popen[bytes]] = []
        with serving(db, free_port(), procs=procs) as base:
            before = stats(base)["articles"]
            seen: list[int] = []
            peak_copies = [0]
            done = threading.Event()

            def watch() -> None:  # what one slow client sees, and the disk the copies take
                while not done.is_set():
                    with contextlib.suppress(httpx.HTTPError):
                        seen.append(stats(base)["articles"])
                    peak_copies[0] = max(peak_copies[0], _folder_bytes(procs[0].pid))
                    time.sleep(0.25)

            watcher = threading.Thread(target=watch, daemon=True)
            ingest, t0 = _ingest(src, db)
            watcher.start()
            while stats(base)["articles"] == before and ingest.poll() is None:  # its first batch is in
                time.sleep(0.2)
            first_batch = time.perf_counter() - t0
            # --requests 0: the ingest next to a server that only the poller reads
            result: dict[str, Any] = run_load(base, pair_paths(a, b), args.requests, args.concurrency) \
                if args.requests else {"requests": 0, "errors": 0, "error_kinds": {}, "median_ms": 0.0,
                                       "p95_ms": 0.0, "seconds": 0.0, "rps": 0.0, "ended": []}
            _, err = ingest.communicate()
            ended = time.perf_counter()
            load_avg.append(os.getloadavg()[0])
            ingest_seconds = ended - t0
            done.set()
            watcher.join()
            time.sleep(1.0)  # the server copies the store again on the next request
            after = stats(base)["articles"]
            store_bytes = os.path.getsize(db)
        during = sum(t < ended for t in result["ended"])
    print(f"requests      {result['requests']} (concurrency {args.concurrency}; "
          f"{', '.join(pair_paths(a, b))}), {during} of them ended while the ingest ran")
    print(f"errors        {result['errors']} {result['error_kinds'] or ''}")
    print(f"latency       median {result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
    print(f"throughput    {result['rps']:.0f} requests/s ({result['seconds']:.1f} s)")
    print(f"ingest        exit {ingest.returncode}, {ingest_seconds:.1f} s with the server and its load; alone: exit "
          f"{alone.returncode}, {alone_seconds:.1f} s; first batch visible after {first_batch:.1f} s"
          + (f"; stderr: {err.strip()}" if err.strip() else ""))
    print(f"machine       {os.cpu_count()} cores, load average {load_avg[0]:.1f} before the runs, "
          f"{load_avg[1]:.1f} after the ingest with the server")
    print(f"articles      {before} before, {after} after (+{after - before} of {args.articles} read), "
          f"through the API; a client polling /stats saw {len(set(seen))} distinct counts, never fewer: "
          f"{'yes' if seen == sorted(seen) else 'NO'}")
    print(f"disk          store {store_bytes / 1e6:.1f} MB; the server's copies took at most "
          f"{peak_copies[0] / 1e6:.1f} MB at a time")


if __name__ == "__main__":
    main()
