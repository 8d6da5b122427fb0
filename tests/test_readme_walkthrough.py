"""The README walk-through as a test (issue #13): every ``$ ...`` command README.md shows is read
from the README itself and run, in README order, in a fresh folder, against the bundled
examples and the tour's two articles, with ``--db`` where the README leaves the store to the
context; then what it printed or wrote is checked against what the README says it does.

One module-scoped run (the demo and the ingests load spaCy once each): :func:`walk`. Commands
the README adds later fail :func:`test_every_readme_command_is_checked` until they get a check.
``detente eval`` needs ../shared (skipped without it); ``serve`` runs as a process on a free port;
the Spark job needs pyspark and Java (skipped without them).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from detente.cli import app

pytestmark = [pytest.mark.model, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# The tour's folder, as the README describes it: the gas-deal article of `detente code` with a sidecar,
# and border.txt with YAML front matter.
GAS_DEAL = ("China and Russia signed a gas supply agreement in Moscow on Monday.\n\n"
            "The United States criticised the deal, and India did not attend the talks.\n")
BORDER = ("---\ntitle: Troops pull back\npublished: 2022-10-03\nsource: Example Wire\n---\n\n"
          "Indian and Chinese military commanders met at the border on Saturday and agreed to pull back troops. "
          "Pakistan accused India of violating the ceasefire.\n")
# `events --article x1`: an article read from JSON Lines with its own id "x1" (a store of its own)
X1 = {"id": "x1", "title": "Talks in Ankara", "date": "2023-05-02",
      "text": "Turkey and Greece held talks in Ankara on Tuesday and agreed to reopen the border crossing."}
# where the README leaves the store to the context ("Then ask the store": the tour's)
DB_FOR = {"stats": "tour.duckdb", "events --actor": "tour.duckdb", "events --article": "ids.duckdb",
          "export": "tour.duckdb"}


def readme_commands() -> list[str]:
    """The ``$ `` lines of README.md's code blocks, continuation lines joined, comments cut."""
    out: list[str] = []
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd.rstrip()[:-1] + " " + lines[i].strip()
            out.append(re.sub(r"\s+#\s.*$", "", cmd).strip())
        i += 1
    return out


def key(cmd: str) -> str:
    """The command's name for the checks: its first three words after ``detente``."""
    if cmd.startswith("python -m detente.spark"):
        return "spark"
    words = shlex.split(cmd.split("|")[-1])
    while "=" in words[0]:  # VAR=value before the command
        words.pop(0)
    return " ".join(words[1:4])


@dataclass
class Step:
    cmd: str
    args: list[str]
    exit_code: int | None = None
    output: str = ""
    skipped: str | None = None
    files: dict[str, Path] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(step: Step, args: list[str], cwd: Path) -> None:
    port = _free_port()
    args = [a if a != "8000" else str(port) for a in args]
    step.args = args
    log = (cwd / "serve.log").open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", "from detente.cli import main; main()", *args], cwd=cwd,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        pages: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                for path in ("/", "/events?limit=3"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                        pages.append(f"{path} {r.status} {r.read(2000).decode('utf-8', 'replace')}")
                break
            except OSError:
                time.sleep(0.5)
        step.exit_code = 0 if len(pages) == 2 else 1
        step.output = "\n".join(pages) if pages else (cwd / "serve.log").read_text(encoding="utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _spark(step: Step, args: list[str], cwd: Path) -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        step.skipped = "pyspark is not installed"
        return
    if not shutil.which("java"):
        step.skipped = "no Java for Spark"
        return
    with gzip.open(cwd / args[0], "wt", encoding="utf-8") as fh:  # news.jsonl.gz: two bundled examples
        for name in ("01-brazil-argentina-summit.txt", "09-tariffs-ambassador.txt"):
            text = (ROOT / "examples" / name).read_text(encoding="utf-8").split("---", 2)[2]
            fh.write(json.dumps({"id": name, "date": "2025-07-03", "text": text}) + "\n")
    r = subprocess.run([sys.executable, "-m", "detente.spark", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=900, check=False)
    step.exit_code, step.output = r.returncode, r.stdout + r.stderr


def _run(step: Step, cwd: Path) -> None:
    cmd = step.cmd
    stdin = None
    if "|" in cmd:  # printf '...' | detente code -
        producer, cmd = (part.strip() for part in cmd.split("|", 1))
        fmt = shlex.split(producer)[1]
        stdin = fmt.encode().decode("unicode_escape")
    words = shlex.split(cmd)
    env: dict[str, str] = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    out_file = None
    if ">" in words:
        at = words.index(">")
        out_file, words = words[at + 1], words[:at]
    if step.cmd.startswith("python -m detente.spark"):
        _spark(step, words[3:], cwd)
        return
    args = words[1:]
    if args[0] == "eval":
        gold = Path(args[1])
        if gold.parts[:1] == ("..",):  # the README runs from the repository: ../shared is beside it
            gold = ROOT.parent.joinpath(*gold.parts[1:])
        if not gold.exists():
            step.skipped = f"{gold} is absent"
            return
        args[1] = str(gold)
    for prefix, db in DB_FOR.items():
        if key(step.cmd).startswith(prefix) and "--db" not in args:
            args += ["--db", db]
    step.args = args
    if args[0] == "serve":
        _serve(step, args, cwd)
        return
    r = CliRunner().invoke(app, args, input=stdin, env=env or None, catch_exceptions=True)
    step.exit_code, step.output = r.exit_code, r.output
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        step.output += f"\n{type(r.exception).__name__}: {r.exception}"
    if out_file:
        (cwd / out_file).write_text(r.stdout, encoding="utf-8")


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Step]]:
    """Every README command run once, in order, in a fresh folder (the cwd of the run)."""
    cwd = tmp_path_factory.mktemp("readme")
    (cwd / "articles").mkdir()
    (cwd / "articles" / "gas-deal.txt").write_text(GAS_DEAL, encoding="utf-8")
    (cwd / "articles" / "gas-deal.meta.json").write_text(
        json.dumps({"title": "Gas deal", "published": "2022-09-19"}), encoding="utf-8")
    (cwd / "articles" / "border.txt").write_text(BORDER, encoding="utf-8")
    (cwd / "ids.jsonl").write_text(json.dumps(X1) + "\n", encoding="utf-8")
    steps: dict[str, Step] = {}
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("DETENTE_")]:
            mp.delenv(name)
        mp.chdir(cwd)
        setup = CliRunner().invoke(app, ["ingest", "ids.jsonl", "--db", "ids.duckdb", "--quiet"])
        assert setup.exit_code == 0, setup.output
        for cmd in readme_commands():
            step = Step(cmd, [])
            _run(step, cwd)
            steps[key(cmd)] = step
        for step in steps.values():
            step.files = {p.name: p for p in cwd.rglob("*") if p.is_file()}
        yield steps


# ---------------------------------------------------------------------------------------------
# What each command is checked for: the output or the files the README says it gives

def _demo(s: Step) -> None:
    assert "articles: 12 in the store (12 new this run" in s.output
    assert "Busiest pair: ARG–BRA" in s.output and "The relation cooled" in s.output
    assert s.files["detente-demo-dyad.png"].read_bytes()[:4] == b"\x89PNG"
    assert "detente.duckdb" in s.files


def _code(s: Step) -> None:
    assert "Gas deal (2022-09-19): 4 events" in s.output
    assert re.search(r"CHN\s+│\s+057 Sign formal agreement\s+│\s+RUS", s.output)


def _ingest(s: Step) -> None:
    assert re.search(r"coded and stored\s+│\s+2\s+│", s.output)
    assert re.search(r"failed\s+│\s+0\s+│", s.output)
    assert re.search(r"events\s+│\s+10\s+│", s.output)


def _events_pair(s: Step) -> None:
    assert re.search(r"2022-10-03\s+│\s+PAK\s+│\s+1123 Accuse of aggression\s+│\s+IND", s.output)
    rows = [line for line in s.output.splitlines() if re.match(r"│ \d{4}-", line)]
    assert all({cell.strip() for cell in (r.split("│")[2], r.split("│")[4])} == {"IND", "PAK"} for r in rows)
    assert f"{len(rows)} of {len(rows)} events" in s.output
    # what the accusation says India did: Pakistan's allegation, shown by --all, not counted
    assert re.search(r"│\s+IND\s+│\s+196 Violate ceasefire\s+│\s+PAK\s+│\s+alleged\s+│", s.output)


def _stats(s: Step) -> None:
    assert "CHN" in s.output and "IND" in s.output


def _events_actor(s: Step) -> None:
    rows = s.files["chn.csv"].read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    assert {"article_url", "article_title", "article_source", "article_published"} <= set(header)
    body = [dict(zip(header, r.split(","), strict=False)) for r in rows[1:]]
    assert body and all("CHN" in (r["source_country"], r["target_country"]) for r in body)
    assert all("2022-09-01" <= r["date"] <= "2022-12-31" for r in body)
    assert any(r["article_title"] == "Gas deal" for r in body)


def _events_article(s: Step) -> None:
    assert re.search(r"TUR\s+│.*│\s+GRC", s.output) and re.search(r"\d+ of \d+ events", s.output)


def _export(s: Step) -> None:  # the four exports, checked by their files
    gdelt = s.files["events.gdelt.tsv"].read_text(encoding="utf-8").splitlines()
    assert gdelt and all(len(line.split("\t")) == 61 for line in gdelt)
    table = pq.read_table(s.files["chn_rus.parquet"]).to_pylist()
    assert table and all({r["source_country"], r["target_country"]} == {"CHN", "RUS"} for r in table)
    assert all(str(r["date"]) >= "2022" for r in table)
    articles = [json.loads(line) for line in s.files["everything.jsonl"].read_text(encoding="utf-8").splitlines()]
    assert len(articles) == 2 and all({"article", "events"} <= set(a) for a in articles)


def _happenings(s: Step) -> None:
    assert "happenings" in s.output


def _dyad(s: Step) -> None:
    assert s.files["arg-bra.png"].read_bytes()[:4] == b"\x89PNG"
    periods = [line.split(",")[0] for line in s.files["arg-bra.csv"].read_text(encoding="utf-8").splitlines()[1:]]
    assert periods[0] == "2025-01-01" and periods[-1] == "2025-09-01"


def _changes(s: Step) -> None:
    assert "cooled" in s.output


def _relations(s: Step) -> None:
    assert s.files["matrix.png"].read_bytes()[:4] == b"\x89PNG"
    header = s.files["matrix.csv"].read_text(encoding="utf-8").splitlines()[0]
    assert "ARG" in header and "BRA" in header


def _lookup(s: Step) -> None:
    assert "CHN" in s.output


def _actors_stats(s: Step) -> None:
    assert re.search(r"\d", s.output)


def _eval(s: Step) -> None:
    assert s.output.strip().splitlines()[-1].startswith("F1_root=")


def _eval_news(s: Step) -> None:
    _eval(s)
    assert "misses.jsonl" in s.files


def _serve_check(s: Step) -> None:
    assert "/ 200" in s.output and "/events?limit=3 200" in s.output


def _spark_check(s: Step) -> None:
    out = Path(s.files["news.jsonl.gz"]).parent / "out"
    assert (out / "events").is_dir() and pq.read_table(out / "events").num_rows > 0


CHECKS: dict[str, Callable[[Step], None]] = {
    "demo": _demo, "code - --date": _code, "ingest articles/ --db": _ingest, "events --db tour.duckdb": _events_pair,
    "stats": _stats, "events --actor CHN": _events_actor, "events --article x1": _events_article,
    "export --format gdelt": _export, "export --format parquet": _export, "export --table articles": _export,
    "happenings --db detente.duckdb": _happenings, "dyad ARG BRA": _dyad, "changes ARG BRA": _changes,
    "relations --from 2025-01": _relations, "actors lookup Yang Jiechi": _lookup, "actors stats": _actors_stats,
    "eval ../shared/bench/gold/news_dev.jsonl --misses": _eval_news,
    "eval ../shared/bench/gold/gsr_dev.jsonl --actor-chars": _eval, "serve --port 8000": _serve_check,
    "spark": _spark_check,
}
COMMANDS = [key(c) for c in readme_commands()]


def test_every_readme_command_is_checked() -> None:
    assert len(COMMANDS) == len(set(COMMANDS)) >= 15
    assert set(COMMANDS) == set(CHECKS)


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_command(walk: dict[str, Step], name: str) -> None:
    step = walk[name]
    if step.skipped:
        pytest.skip(f"{step.cmd}: {step.skipped}")
    assert step.exit_code == 0, f"$ {step.cmd}\n(run as {step.args})\n{step.output}"
    CHECKS[name](step)

