"""Dyad series over 10 million raw events: the materialised ``dyad_counts`` table against a scan.

    .venv/bin/python benchmarks/dyad_bench.py                       # 10 M events, store in /tmp (reused)
    .venv/bin/python benchmarks/dyad_bench.py --events 1000000 --db /tmp/dyad1m.duckdb   # quick

Builds (once; later runs reuse it) a store file of ``--events`` synthetic events with
:func:`detente.analysis.synthetic.fill_random` (seed 3, as benchmarks/analysis_bench.py: a few
busy dyads, many quiet ones, 80 % asserted; articles get a ``coded_at`` as the store writes
it), then times ``dyad_series(con, a, b, unit="events")``:

- before: on a read-only connection to the file, which scans ``events`` (the query every
  ``unit="events"`` series ran before ``dyad_counts``);
- after: on the store open for writing, which reads the pair's rows of ``dyad_counts``;
- after, as ``detente dyad`` / ``GET /dyad`` open a store: :func:`detente.analysis.common.open_db`
  (read-only, the saved table as a view) then the series;

each the median of ``--repeat`` runs after one warm-up run (the first, cold run on a freshly
opened file shown apart), for the busiest pair (USA-CHN) monthly, weekly and directed, with all
factualities, and a quiet pair; plus building the table and the no-change check that every
series does first. Target (issue #13): a dyad series over 10 million events in under 1 s.
Prints markdown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from detente.analysis.common import attach_read_only
from detente.analysis.dyadcounts import update_dyad_counts
from detente.analysis.dyads import dyad_series
from detente.analysis.synthetic import create_tables, fill_random

CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("USA", "CHN", {}, "month"), ("USA", "CHN", {"freq": "week", "directed": True}, "week, directed"),
    ("USA", "CHN", {"include_all": True}, "month, all factualities"), ("PAK", "POL", {}, "month, a quiet pair")]


def generate(path: Path, n: int) -> float:
    con = duckdb.connect(str(path))
    t0 = time.perf_counter()
    create_tables(con, primary_keys=False)
    fill_random(con, n, seed=3)
    con.execute("UPDATE articles SET coded_at = TIMESTAMP '2026-01-01' "
                "+ to_microseconds(CAST(hash(article_id) % 1000000 AS BIGINT))")
    con.close()
    return time.perf_counter() - t0


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(the first run, the median of ``repeat`` more, the result) in seconds."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), result


def ms(t: float) -> str:
    return f"{t * 1000:,.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=7, help="runs per median (after the first)")
    ap.add_argument("--db", default=None, help="store file (default /tmp/detente_dyad_bench_<events>.duckdb; "
                                               "reused when it exists)")
    ap.add_argument("--rebuild", action="store_true", help="generate the store again")
    args = ap.parse_args()
    path = Path(args.db or f"/tmp/detente_dyad_bench_{args.events}.duckdb")
    print(f"Machine: {os.cpu_count()} cores, load before {'/'.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    if args.rebuild or not path.exists():
        path.unlink(missing_ok=True)
        print(f"generated {args.events:,} events with fill_random in {generate(path, args.events):.1f} s "
              f"({path})\n")

    def series(mode: str, a: str, b: str, kw: dict) -> tuple[float, float, list[dict]]:
        if mode == "open_db":
            def run() -> list[dict]:
                c = attach_read_only(str(path))  # open_db(read_only=True) without the store check
                try:
                    return dyad_series(c, a, b, unit="events", **kw)
                finally:
                    c.close()
            return timed(run, args.repeat)  # type: ignore[no-any-return]
        c = duckdb.connect(str(path), read_only=mode == "before")  # freshly opened: a cold first run
        try:
            return timed(lambda: dyad_series(c, a, b, unit="events", **kw), args.repeat)  # type: ignore[no-any-return]
        finally:
            c.close()

    con = duckdb.connect(str(path))
    con.execute("DROP TABLE IF EXISTS dyad_counts")  # before: no dyad table, the series scans events
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    con.close()
    results: dict[tuple[str, int], tuple[float, float, list[dict]]] = {}
    for i, (a, b, kw, _) in enumerate(CASES):
        results["before", i] = series("before", a, b, kw)
    con = duckdb.connect(str(path))
    t0 = time.perf_counter()
    update_dyad_counts(con, force=True)
    build = time.perf_counter() - t0
    n_rows = con.execute("SELECT count(*) FROM dyad_counts").fetchone()[0]  # type: ignore[index]
    _, check, rebuilt = timed(lambda: update_dyad_counts(con), args.repeat)
    assert rebuilt is False
    con.close()
    for i, (a, b, kw, _) in enumerate(CASES):
        for mode in ("after", "open_db"):
            results[mode, i] = series(mode, a, b, kw)
    print(f"{n_events:,} events; dyad_counts built in {build:.1f} s ({n_rows:,} rows); "
          f"the no-change check before each series: median {ms(check)}\n")
    print("| dyad_series(unit=\"events\") | before: scan of events | after: dyad_counts "
          "| after: open_db(read-only) + series | periods, events |\n|---|---|---|---|---|")
    for i, (a, b, _, label) in enumerate(CASES):
        cells = [f"**{ms(results[m, i][1])}** (first {ms(results[m, i][0])})" for m in ("before", "after", "open_db")]
        s0 = results["before", i][2]
        assert all(results[m, i][2] == s0 for m in ("after", "open_db")), "the series differ"
        print(f"| {a}-{b} {label} | " + " | ".join(cells) + f" | {len(s0)}, {sum(r['n'] for r in s0):,} |")
    print(f"\nMedian of {args.repeat} runs after the first; load after "
          f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}.")


if __name__ == "__main__":
    main()
