"""Throughput of the Spark job (``detente.spark``) against ``detente.pipeline.code_articles``.

Both code the same slice: the first N articles (default 500) of the shared news sample, with
two workers each (Spark ``local[2]``; ``code_articles(n_process=2)``). Prints a markdown table:
articles per second counting the coding job only and counting everything (Spark: JVM and
session start; pipeline: worker processes and their Engines), plus the event counts, which
must agree (same coder, same articles).

    .venv/bin/python benchmarks/spark_throughput.py [--n 500] [--master local[2]] [--processes 2]
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"


def write_slice(corpus: Path, n: int, dest: Path) -> int:
    with gzip.open(corpus, "rt", encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        lines = list(islice(src, n))
        out.writelines(lines)
    return len(lines)


def run_pipeline(path: Path, processes: int) -> dict:
    from detente.config import load_config
    from detente.ingest import IngestReport, read_inputs
    from detente.pipeline import code_articles

    config = load_config(n_process=processes)
    t0 = time.perf_counter()
    report = IngestReport()
    articles = list(read_inputs([str(path)], config, report))
    t_read = time.perf_counter()
    coded = list(code_articles(articles, config, n_process=processes))
    t1 = time.perf_counter()
    return {"records": len(articles) + report.failed, "events": sum(len(c.events) for c in coded),
            "ok": sum(c.article.status == "ok" for c in coded), "total_s": t1 - t0, "job_s": t1 - t_read}


def run_spark(path: Path, out: Path, master: str, partitions: int | None) -> dict:
    from detente.spark import local_session, run_job

    t0 = time.perf_counter()
    spark = local_session(master, app_name="detente-bench", conf={"spark.ui.enabled": "false"})
    t_session = time.perf_counter()
    try:
        summary = run_job(spark, str(path), str(out), partitions=partitions)
    finally:
        t1 = time.perf_counter()
        spark.stop()
    return {"records": summary["articles"], "events": summary["events"],
            "ok": summary["articles_by_status"].get("ok", 0), "total_s": t1 - t0, "job_s": t1 - t_session}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="articles from the start of the corpus")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--processes", type=int, default=2, help="code_articles worker processes")
    ap.add_argument("--partitions", type=int, default=None, help="Spark partitions (default: parallelism)")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="detente-spark-bench-") as tmp:
        src = Path(tmp) / "slice.jsonl"
        n = write_slice(args.corpus, args.n, src)
        pipe = run_pipeline(src, args.processes)
        spark = run_spark(src, Path(tmp) / "out", args.master, args.partitions)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n{n} articles of {args.corpus.name}, {os.cpu_count()} CPUs, load average {load:.1f}\n")
    print("| runner | workers | articles | ok | events | job s | job art/s | total s | total art/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, workers, r in ((f"spark {args.master}", args.master, spark),
                             ("pipeline.code_articles", f"{args.processes} processes", pipe)):
        print(f"| {name} | {workers} | {r['records']} | {r['ok']} | {r['events']} | {r['job_s']:.1f} | "
              f"{r['records'] / r['job_s']:.2f} | {r['total_s']:.1f} | {r['records'] / r['total_s']:.2f} |")
    print(f"\ncommand: .venv/bin/python benchmarks/spark_throughput.py --n {args.n} --master '{args.master}' "
          f"--processes {args.processes}")
    print("job s: Spark = reading, coding and writing Parquet after the session is up (includes each "
          "executor loading its Engine); pipeline = coding after reading (includes worker Engines).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
