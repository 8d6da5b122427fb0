"""Reliability cases (issue #15): each with what was done, a verdict and a measured number.

    .venv/bin/python benchmarks/reliability.py [--only tests|memory] [--keep]

Two kinds of case:

- ``tests``: every file of ``tests/reliability/`` run with pytest on its own (signals, export over
  the store, surrogates, special files, cut WARC, API limits, memory caps, reader properties, ...);
  the verdict is pytest's, the number its wall time.
- ``memory``: ``detente ingest INPUT`` on the default settings (all cores, default caps) into a
  fresh store, for the inputs that took the machine down before the caps (issue #15, 6): a 49 MB
  HTML page of article markup, a 49 MB page that is mostly one inline script (its article at the
  end), a JSON Lines record with a 10 M-character text, the same record with 10 M characters of
  one-letter words (more tokens than ``max_tokens``), and one 1 GiB line inside a small
  ``.jsonl.gz`` (written with a streaming gzip writer, never held in memory). Each run is watched
  every 0.1 s: the peak of the summed RSS of the ingest and all its processes (workers, forkserver),
  and ``ru_maxrss`` of the largest single process. The verdict: the sum stays under 2 GB, and the
  store holds what it should (the good records stored, the bad one counted).

Inputs are written to a temporary folder under /tmp and deleted afterwards (``--keep`` keeps them).
Prints a markdown table. Takes about 20 minutes on a busy 2-core machine, half of it the memory cases.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DETENTE = str(Path(PYTHON).with_name("detente"))
TARGET_MB = 2048
NEWS = ("China and Russia signed a gas supply agreement in Moscow on Monday, officials said. "
        "The United States criticised the deal, and India did not attend the talks.")


@dataclass
class Row:
    case: str
    done: str
    verdict: str
    number: str


# --- measuring a process tree ------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(root: int) -> float:
    """The summed RSS (MB) of ``root`` and all its descendants now."""
    tree, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(tree.get(pid, []))
    return total / 1024


def run_watched(cmd: list[str], timeout: float = 1800) -> tuple[int, float, float, float, str]:
    """Run ``cmd`` (killed after ``timeout`` s): (exit code, seconds, peak summed RSS of its process
    tree in MB, ru_maxrss of its largest single process in MB, the tail of its stdout+stderr)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            if time.monotonic() - t0 > timeout:
                proc.kill()
            done.wait(0.1)

    out: list[bytes] = []

    def drain() -> None:
        out.append(proc.stdout.read() if proc.stdout else b"")

    watcher = threading.Thread(target=watch, daemon=True)
    reader = threading.Thread(target=drain, daemon=True)
    watcher.start()
    reader.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)  # the usage of the process and its waited-for children
    finally:
        done.set()
        watcher.join()
    reader.join(5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - t0
    tail = b"".join(out).decode("utf-8", "replace")[-3000:]
    return proc.returncode, seconds, peak[0], usage.ru_maxrss / 1024, tail


# --- inputs ------------------------------------------------------------------------------------

def _paragraphs() -> list[str]:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt")))
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def html_markup(path: Path, size: int) -> str:
    """A page of ``size`` bytes of article paragraphs (the worst case for the extractor)."""
    paras, written, i = _paragraphs(), 0, 0
    with path.open("w", encoding="utf-8") as fh:
        written += fh.write("<html><head><title>A very long page</title></head><body><article>"
                            "<h1>A very long page</h1>\n")
        while written < size:
            written += fh.write(f"<div class='c{i}'><p>{paras[i % len(paras)]}</p></div>\n")
            i += 1
        fh.write("</article></body></html>\n")
    return f"{path.stat().st_size / 1e6:.0f} MB of `<div><p>` paragraphs"


def html_script(path: Path, size: int) -> str:
    """A page of ``size`` bytes that is one inline script, then a short article."""
    chunk = json.dumps({"k": "v" * 1000}) + ","
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><head><title>Gas deal</title><script>var data = [")
        written = 0
        while written < size:
            written += fh.write(chunk)
        fh.write("0];</script></head><body><article><h1>Gas deal</h1>\n")
        for _ in range(5):
            fh.write(f"<p>{NEWS}</p>\n")
        fh.write("</article></body></html>\n")
    return f"{path.stat().st_size / 1e6:.0f} MB, all but 1 KB an inline script"


def jsonl_long_text(path: Path, chars: int, words: bool) -> str:
    news = "\n\n".join(_paragraphs()) + "\n\n"
    # one-letter words: English to start with (the language check reads the start), then "a a a ..."
    unit = news[:3000] + "a " * (chars // 2) if words else news * (chars // len(news) + 1)
    text = unit[:chars]
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "good-1", "text": NEWS, "published": "2022-09-19"}) + "\n")
        fh.write(json.dumps({"id": "long", "text": text, "published": "2022-09-19"}) + "\n")
        fh.write(json.dumps({"id": "good-2", "text": NEWS + " Again.", "published": "2022-09-20"}) + "\n")
    kind = "one-letter words after 3,000 of news" if words else "news paragraphs"
    return f"3 records, one of {chars:,} chars of {kind} ({path.stat().st_size / 1e6:.0f} MB)"


def jsonl_gz_giant_line(path: Path, size: int) -> str:
    """Good record, a line of ``size`` bytes, good record: gzip written 1 MB at a time."""
    piece = b"a" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as gz:
        gz.write(json.dumps({"id": "good-1", "text": NEWS, "published": "2022-09-19"}).encode() + b"\n")
        gz.write(b'{"id": "giant", "text": "')
        written = 0
        while written < size:
            gz.write(piece)
            written += len(piece)
        gz.write(b'"}\n')
        gz.write(json.dumps({"id": "good-2", "text": NEWS + " Again.", "published": "2022-09-20"}).encode() + b"\n")
    return f"3 lines, one of {size / 2**30:.0f} GiB, in a {path.stat().st_size / 1e6:.1f} MB .jsonl.gz"


def _store_counts(db: Path) -> tuple[int, int, list[str]]:
    """(articles with status ok, failed articles + read failures, warnings) of the store's last run."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        ok = con.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()[0]  # type: ignore[index]
        row = con.execute("SELECT failed, warnings FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    finally:
        con.close()
    failed, warnings = (row[0], row[1]) if row else (0, None)
    warned = json.loads(warnings) if isinstance(warnings, str) else (warnings or [])
    return ok, failed, [str(w) for w in warned]


def memory_case(tmp: Path, name: str, make: Callable[[Path], str], filename: str, want_ok: int, want_failed: int,
                want_warning: str | None) -> Row:
    path = tmp / filename
    made = make(path)
    db = tmp / f"{path.stem}.duckdb"
    code, seconds, peak, biggest, tail = run_watched([DETENTE, "ingest", str(path), "--db", str(db), "--quiet"])
    path.unlink()
    try:
        ok, failed, warnings = _store_counts(db)
    except Exception as exc:  # noqa: BLE001 - the verdict says what went wrong
        ok, failed, warnings = -1, -1, [f"store unreadable: {exc}"]
    for f in db.parent.glob(db.name + "*"):
        f.unlink()
    warned = want_warning is None or any(want_warning in w for w in warnings)
    good = peak < TARGET_MB and ok == want_ok and failed == want_failed and warned and code in (0, 1)
    detail = f"exit {code}; {ok} stored, {failed} failed"
    if want_warning:
        detail += f", warning '{want_warning}' {'given' if warned else 'MISSING'}"
    if not good:
        detail += f"; tail: {' '.join(tail.split())[-300:]}"
    return Row(name, f"{made}: `detente ingest` (defaults); {detail}", "pass" if good else "fail",
               f"peak RSS {peak:,.0f} MB (all processes), {biggest:,.0f} MB (largest); {seconds:,.0f} s")


def memory_rows(tmp: Path) -> list[Row]:
    mb49 = 49_000_000
    cases = [
        ("49 MB HTML page (markup)", lambda p: html_markup(p, mb49), "markup.html", 1, 0, "over max_html_chars"),
        ("49 MB HTML page (script)", lambda p: html_script(p, mb49), "script.html", 1, 0, "over max_html_chars"),
        ("10 M-char JSON text", lambda p: jsonl_long_text(p, 10_000_000, False), "long.jsonl", 3, 0,
         "over max_chars"),
        ("10 M chars of one-letter words", lambda p: jsonl_long_text(p, 10_000_000, True), "words.jsonl", 2, 1,
         "over max_chars"),
        ("1 GiB line in a .jsonl.gz", lambda p: jsonl_gz_giant_line(p, 1 << 30), "giant.jsonl.gz", 2, 1, None),
    ]
    rows = []
    for case in cases:
        rows.append(memory_case(tmp, *case))
        print(f"  {rows[-1].case}: {rows[-1].verdict} ({rows[-1].number})", file=sys.stderr, flush=True)
    return rows


# --- the test files ----------------------------------------------------------------------------

def test_rows() -> list[Row]:
    rows = []
    for path in sorted((ROOT / "tests" / "reliability").glob("test_*.py")):
        doc = path.read_text(encoding="utf-8").split('"""')
        about = " ".join(doc[1].strip().splitlines()[0].split()) if len(doc) > 2 else path.stem
        t0 = time.monotonic()
        proc = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path.relative_to(ROOT))],
                              check=False, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        seconds = time.monotonic() - t0
        last = (proc.stdout.strip().splitlines() or ["no output"])[-1]
        counts = re.sub(r"\s+in [\d.]+s.*$", "", last.strip("= "))
        rows.append(Row(path.stem, f"{about[:140]} — pytest: {counts}", "pass" if proc.returncode == 0 else "fail",
                        f"{seconds:,.1f} s"))
        print(f"  {path.name}: {rows[-1].verdict} ({counts}, {seconds:.0f} s)", file=sys.stderr, flush=True)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=("tests", "memory"))
    p.add_argument("--keep", action="store_true", help="keep the generated inputs' folder")
    args = p.parse_args()
    rows: list[Row] = []
    if args.only != "memory":
        rows += test_rows()
    if args.only != "tests":
        tmp = Path(tempfile.mkdtemp(prefix="detente-reliability-", dir="/tmp"))
        try:
            rows += memory_rows(tmp)
        finally:
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
    print("| case | what was done | verdict | measured |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r.case} | {r.done.replace('|', '/')} | {r.verdict} | {r.number} |")
    failed = sum(r.verdict != "pass" for r in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} cases pass.")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
