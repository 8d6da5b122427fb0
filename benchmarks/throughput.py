"""Coding throughput: articles/s, words/s, peak memory, with 1 and 2 (or more) processes.

    .venv/bin/python benchmarks/throughput.py [--corpus ../shared/corpus/news-sample.jsonl.gz]
                                              [--limit 500] [--processes 1,2] [--batch-size 32]

Each measurement runs in a fresh Python process (so memory figures do not mix):

- ``parse``: one process; the same articles through ``nlp.pipe`` alone (spaCy's parse), then
  through ``Engine.code_many`` (parse + everything after it: actors, coder, context). Reports
  both times; then, on the docs the first pass parsed, everything after the parse
  (``Engine.code_doc``) timed directly: the ratio (after-parse time) / (parse time).
- ``run -j N``: ``pipeline.code_articles`` end to end with N processes, wall time including
  starting the workers, and the steady rate (first result to last).

Memory: peak RSS of the measuring process (``getrusage(RUSAGE_SELF)``), of its waited-for
children (``RUSAGE_CHILDREN``: the largest one), and the peak of the sum over all its
descendant processes, sampled from /proc every 0.2 s (workers are forkserver children that
``RUSAGE_CHILDREN`` does not see). The articles are read (and held in memory) before timing.
Prints a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"


def read_articles(corpus: str, limit: int) -> list:
    from itertools import islice

    from detente.config import load_config
    from detente.ingest import IngestReport, read_inputs

    report = IngestReport()
    arts = [a for a in islice(read_inputs([corpus], load_config(), report), limit) if a.status == "ok"]
    return arts


class TreeMemory:
    """Peak of the summed RSS of this process and all its descendants, sampled from /proc."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> TreeMemory:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()))
            self._stop.wait(interval)


def tree_rss_mb(root: int) -> float:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier += kids
    return sum(rss.get(p, 0) for p in tree) / 2**20


def rusage_mb() -> dict[str, float]:
    return {"self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def measure_parse(articles: list, batch_size: int) -> dict:
    from detente.config import load_config
    from detente.pipeline import Engine

    t0 = time.perf_counter()
    engine = Engine(load_config(batch_size=batch_size, n_process=1))
    load_s = time.perf_counter() - t0
    texts = [a.text for a in articles]
    engine.code_many(articles[:4])  # warm up
    with TreeMemory() as mem:
        t0, c0 = time.perf_counter(), time.process_time()
        docs = list(engine.nlp.pipe(texts, batch_size=batch_size))
        parse_s, parse_cpu = time.perf_counter() - t0, time.process_time() - c0
        # everything after the parse, timed directly on the parsed docs (actors, coder, context)
        t0, c0 = time.perf_counter(), time.process_time()
        for doc, art in zip(docs, articles, strict=True):
            engine.code_doc(doc, art)
        code_s, code_cpu = time.perf_counter() - t0, time.process_time() - c0
        del docs
        t0, c0 = time.perf_counter(), time.process_time()
        coded = []
        for i in range(0, len(articles), batch_size):
            coded += engine.code_many(articles[i:i + batch_size])
        total_s, total_cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"load_s": load_s, "parse_s": parse_s, "total_s": total_s, "parse_cpu": parse_cpu, "total_cpu": total_cpu,
            "code_s": code_s, "code_cpu": code_cpu,
            "events": sum(len(c.events) for c in coded), "failed": sum(c.article.status == "failed" for c in coded),
            "tree_peak_mb": mem.peak_mb, **rusage_mb()}


def measure_run(articles: list, processes: int, batch_size: int) -> dict:
    from detente.config import load_config
    from detente.pipeline import code_articles

    config = load_config(batch_size=batch_size, n_process=processes)
    first = None
    n_events = 0
    with TreeMemory() as mem:
        t0 = time.perf_counter()
        for i, coded in enumerate(code_articles(articles, config, n_process=processes)):
            if i == 0:
                first = time.perf_counter()
            n_events += len(coded.events)
        wall_s = time.perf_counter() - t0
    steady_s = (t0 + wall_s - first) if first else wall_s
    return {"wall_s": wall_s, "steady_s": steady_s, "events": n_events, "tree_peak_mb": mem.peak_mb,
            **rusage_mb()}


def worker(args: argparse.Namespace) -> None:
    articles = read_articles(args.corpus, args.limit)
    words = sum(len(a.text.split()) for a in articles)
    if args.worker == "parse":
        result = measure_parse(articles, args.batch_size)
    else:
        result = measure_run(articles, int(args.worker.split("=")[1]), args.batch_size)
    print(json.dumps({"articles": len(articles), "words": words, **result}))


def run_worker(args: argparse.Namespace, mode: str) -> dict:
    cmd = [sys.executable, __file__, "--worker", mode, "--corpus", args.corpus, "--limit", str(args.limit),
           "--batch-size", str(args.batch_size)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--limit", type=int, default=500, help="articles to code (the sample has 5,864)")
    p.add_argument("--processes", default="1,2", help="comma-separated process counts to measure")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    if not Path(args.corpus).exists():
        sys.exit(f"benchmark corpus not found: {args.corpus} (pass --corpus)")
    import detente

    print(f"# detente throughput: {detente.CODER_VERSION}, {args.limit} articles of {Path(args.corpus).name}, "
          f"batch {args.batch_size}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    parse = run_worker(args, "parse")
    n, w = parse["articles"], parse["words"]
    print("| one process | seconds | articles/s | words/s |")
    print("|---|---:|---:|---:|")
    print(f"| load pipeline + actors + coder | {parse['load_s']:.1f} | | |")
    print(f"| spaCy parse only (`nlp.pipe`) | {parse['parse_s']:.1f} | {n / parse['parse_s']:.1f} | "
          f"{w / parse['parse_s']:,.0f} |")
    print(f"| parse + code (`Engine.code_many`) | {parse['total_s']:.1f} | {n / parse['total_s']:.1f} | "
          f"{w / parse['total_s']:,.0f} |")
    print(f"\n{parse['events']} events, {parse['failed']} failed; peak RSS {parse['self_mb']:.0f} MB")
    print(f"after-parse / parse, timed directly on the parsed docs: **{parse['code_s'] / parse['parse_s']:.2f}** "
          f"wall ({parse['code_s']:.1f} s / {parse['parse_s']:.1f} s), "
          f"**{parse['code_cpu'] / parse['parse_cpu']:.2f}** CPU "
          f"({parse['code_cpu']:.1f} s / {parse['parse_cpu']:.1f} s) "
          f"(target <= 0.25)\n")
    print("| processes | wall s (incl. start) | articles/s | words/s | steady articles/s | events | "
          "peak RSS self MB | largest child MB | peak RSS all processes MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for procs in [int(x) for x in args.processes.split(",") if x.strip()]:
        r = run_worker(args, f"run={procs}")
        print(f"| {procs} | {r['wall_s']:.1f} | {r['articles'] / r['wall_s']:.1f} | {r['words'] / r['wall_s']:,.0f} | "
              f"{r['articles'] / r['steady_s']:.1f} | {r['events']} | {r['self_mb']:.0f} | {r['children_mb']:.0f} | "
              f"{r['tree_peak_mb']:.0f} |")
    print(f"\ncommand: `.venv/bin/python benchmarks/throughput.py --limit {args.limit} "
          f"--processes {args.processes} --batch-size {args.batch_size}`")


if __name__ == "__main__":
    main()
