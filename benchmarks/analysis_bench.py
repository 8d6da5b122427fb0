"""Analysis benchmarks on synthetic events written straight into DuckDB with numpy.

    .venv/bin/python benchmarks/analysis_bench.py                 # 10 M events for the series, 1 M for clustering
    .venv/bin/python benchmarks/analysis_bench.py --series-events 1000000 --cluster-events 100000  # quick

Targets (docs/analysis.md): a dyad series over 10 million events <= 1 s; clustering 1
million events into happenings <= 60 s. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time

import duckdb

from detente.analysis import cluster_happenings, dyad_changes, dyad_series, relations_matrix
from detente.analysis.synthetic import create_tables, fill_random


def cpu() -> float:
    """CPU seconds of this process (all threads): less sensitive than wall time to a busy machine."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


LAST_CPU = [0.0]


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    """Best wall time of ``repeat`` runs (its CPU seconds in LAST_CPU[0]) and the result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), cpu()
        result = fn()
        wall = time.perf_counter() - t0
        if wall < best:
            best, LAST_CPU[0] = wall, cpu() - c0
    return best, result


class Rows(list):  # type: ignore[type-arg]
    """The table rows, each also echoed to stderr as it comes (a long run shows progress)."""

    def append(self, row: tuple[str, str, str, str]) -> None:  # type: ignore[override]
        print("  " + " | ".join(row), file=sys.stderr, flush=True)
        super().append(row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series-events", type=int, default=10_000_000)
    ap.add_argument("--cluster-events", type=int, default=1_000_000)
    ap.add_argument("--db", default=":memory:", help="DuckDB file (default: in memory)")
    ap.add_argument("--cluster-series", action="store_true",
                    help="also cluster the series events and time dyad_series on their happenings (slow)")
    args = ap.parse_args()
    rows = Rows()

    # 1. clustering
    con = duckdb.connect(args.db)
    create_tables(con, primary_keys=False)
    t0 = time.perf_counter()
    fill_random(con, args.cluster_events, seed=1)
    gen = time.perf_counter() - t0
    t0, c0, l0 = time.perf_counter(), cpu(), load()
    summary = cluster_happenings(con)
    full = time.perf_counter() - t0
    full_cpu = cpu() - c0
    rows.append((f"generate {args.cluster_events:,} events", f"{gen:.1f} s", "", ""))
    rows.append((f"cluster_happenings, {args.cluster_events:,} events (full)", f"{full:.1f} s", "<= 60 s",
                 (f"{summary.total_events:,} clustered -> {summary.total_happenings:,} happenings; "
                 f"CPU {full_cpu:.1f} s; load before {l0}, after {load()}")))
    fill_random_extra = max(1, args.cluster_events // 100)
    # 1% new events arriving (new ids, same distribution)
    sub = duckdb.connect()
    create_tables(sub, primary_keys=False)
    fill_random(sub, fill_random_extra, seed=2)
    extra = sub.sql("SELECT * REPLACE ('n' || event_id AS event_id) FROM events").to_arrow_table()
    con.register("_x", extra)
    con.execute("INSERT INTO events BY NAME SELECT * FROM _x")
    t0, c0 = time.perf_counter(), cpu()
    inc = cluster_happenings(con, only_new=True)
    rows.append((f"cluster_happenings(only_new=True), +{fill_random_extra:,} events",
                 f"{time.perf_counter() - t0:.1f} s",
                 "", f"{inc.events:,} events in {inc.groups:,} groups re-clustered; CPU {cpu() - c0:.1f} s"))
    t, _ = timed(lambda: dyad_series(con, "USA", "CHN"))
    rows.append((f"dyad_series USA-CHN month, happenings of {args.cluster_events:,} events", f"{t * 1000:.0f} ms", "",
                 f"CPU {LAST_CPU[0] * 1000:.0f} ms"))
    t, (series, changes) = timed(lambda: dyad_changes(con, "USA", "CHN"), repeat=1)
    rows.append(("dyad_changes USA-CHN (series + ruptures + drivers)", f"{t * 1000:.0f} ms", "",
                 f"{len(series)} months, {len(changes)} changes"))
    t, rel = timed(lambda: relations_matrix(con), repeat=1)
    rows.append(("relations_matrix, all pairs", f"{t * 1000:.0f} ms", "", f"{len(rel.pairs)} pairs"))
    con.close()

    # 2. dyad series over many events
    con = duckdb.connect()
    create_tables(con, primary_keys=False)
    t0 = time.perf_counter()
    fill_random(con, args.series_events, seed=3)
    gen = time.perf_counter() - t0
    rows.append((f"generate {args.series_events:,} events", f"{gen:.1f} s", "", ""))
    for label, kw in (("month, undirected", {}), ("week, directed", {"freq": "week", "directed": True}),
                      ("month, all factualities", {"include_all": True})):
        t, s = timed(lambda kw=kw: dyad_series(con, "USA", "CHN", unit="events", **kw))
        rows.append((f"dyad_series USA-CHN {label}, {args.series_events:,} events", f"{t * 1000:.0f} ms",
                     "<= 1 s", f"{len(s)} periods, {sum(r['n'] for r in s):,} events; CPU {LAST_CPU[0] * 1000:.0f} ms"))
    t, s = timed(lambda: dyad_series(con, "PAK", "POL", unit="events"))
    rows.append((f"dyad_series PAK-POL (a quiet pair), {args.series_events:,} events", f"{t * 1000:.0f} ms",
                 "<= 1 s", f"{sum(r['n'] for r in s):,} events; CPU {LAST_CPU[0] * 1000:.0f} ms"))

    if args.cluster_series:
        t0 = time.perf_counter()
        summary = cluster_happenings(con)
        rows.append((f"cluster_happenings, {args.series_events:,} events (full)",
                     f"{time.perf_counter() - t0:.1f} s", "", f"{summary.total_happenings:,} happenings"))
        t, s = timed(lambda: dyad_series(con, "USA", "CHN"))
        rows.append((f"dyad_series USA-CHN month on happenings of {args.series_events:,} events",
                     f"{t * 1000:.0f} ms", "<= 1 s",
                     f"{sum(r['n'] for r in s):,} happenings; CPU {LAST_CPU[0] * 1000:.0f} ms"))

    print(f"\nCommand: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"DuckDB {duckdb.__version__}; load average at the end {load()} (a shared machine: wall times "
          f"stretch with it)\n")
    print("| step | time | target | result |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
