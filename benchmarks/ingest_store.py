"""End-to-end ingest throughput (read -> code -> store) and what the store costs.

    .venv/bin/python benchmarks/ingest_store.py [--corpus ../shared/corpus/news-sample.jsonl.gz]
                                                [--limit 300] [--processes 2] [--batch-size 32]

Runs :func:`detente.runner.ingest` into a fresh temporary store, as ``detente ingest`` does, and
reports articles/s and events/s end to end, the time spent in ``Store.write_many`` (flattening +
one transaction per batch) and its share, then a rerun over the same input (everything skipped:
the resume path) and the store's size on disk. Also times ``Store.write_many`` alone on the coded
articles read back (no coding), which bounds the store's own throughput. Prints markdown.
"""

from __future__ import annotations

import argparse
import gzip
import os
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--limit", type=int, default=300)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args()

    from detente.config import load_config
    from detente.runner import ingest
    from detente.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "slice.jsonl"
        opener = gzip.open if args.corpus.endswith(".gz") else open
        with opener(args.corpus, "rt", encoding="utf-8") as fh, src.open("w", encoding="utf-8") as out:
            out.writelines(islice(fh, args.limit))
        config = load_config(n_process=args.processes, batch_size=args.batch_size)
        db = Path(tmp) / "bench.duckdb"
        store = Store(db)
        spent = [0.0]
        write_many = store.write_many

        def timed(batch, run_id=None):
            t0 = time.perf_counter()
            try:
                return write_many(batch, run_id)
            finally:
                spent[0] += time.perf_counter() - t0

        store.write_many = timed  # type: ignore[method-assign]
        t0 = time.perf_counter()
        s = ingest([str(src)], config, store)
        wall = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = ingest([str(src)], config, store)
        rerun = time.perf_counter() - t0
        coded = list(store.coded_articles(status="ok"))
        store.close()
        size_mb = sum(f.stat().st_size for f in Path(tmp).glob("bench.duckdb*")) / 2**20

        solo = Store(Path(tmp) / "solo.duckdb")
        t0 = time.perf_counter()
        for i in range(0, len(coded), args.batch_size):
            solo.write_many(coded[i:i + args.batch_size], "bench")
        solo_s = time.perf_counter() - t0
        solo.close()

    print(f"# detente ingest: {args.limit} articles of {Path(args.corpus).name}, -j {args.processes}, "
          f"batch {args.batch_size}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| articles read / stored / failed | {s.read} / {s.new} / {s.failed} |")
    print(f"| events / quantities / accounts | {s.events} / {s.quantities} / {s.accounts} |")
    print(f"| wall time, incl. worker start | {wall:.1f} s |")
    print(f"| articles/s, end to end | {s.read / wall:.1f} |")
    print(f"| events/s, end to end | {s.events / wall:.1f} |")
    print(f"| time in Store.write_many | {spent[0]:.2f} s ({100 * spent[0] / wall:.1f}% of the run) |")
    print(f"| rerun, all {again.skipped_existing} skipped | {rerun:.1f} s |")
    print(f"| store on disk | {size_mb:.1f} MB |")
    print(f"| Store.write_many alone, batches of {args.batch_size} | {solo_s:.2f} s, "
          f"{len(coded) / solo_s:.0f} articles/s, {s.events / solo_s:.0f} events/s |")
    print(f"\ncommand: `.venv/bin/python benchmarks/ingest_store.py --limit {args.limit} "
          f"--processes {args.processes} --batch-size {args.batch_size}`")


if __name__ == "__main__":
    main()
