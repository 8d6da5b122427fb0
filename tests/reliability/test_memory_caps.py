"""Memory is bounded by the caps, not by the input (issue #15, 6).

A 49 MB HTML page took 241 s and 7.9 GB, a 10-million-character JSON text 6.5 GB, one 1 GiB line
inside a 1 MB ``.jsonl.gz`` 3.4 GB. Now a JSON Lines line over ``max_line_bytes`` is skipped while
streaming, HTML over ``max_html_chars`` is cut before extraction and a text over ``max_chars`` before
parsing; a text of more than ``max_tokens`` tokens is not parsed (docs/cli.md, "Size caps").

Each case runs in a child process on generated hostile input, with the default settings unless
said: the child reads a small record and page (imports, models), notes its peak RSS
(``ru_maxrss``), reads the input, and
reports what reading added to the peak, its peak overall, and the report. The assertions: the peak
stays under 2 GB, the growth is far below the input's size (the input was not held whole), the good
records are read and the bad one counted. The inputs are kept as small as still proves each cap
(a 256 MiB line, not 1 GiB); ``benchmarks/reliability.py`` runs the issue's own sizes through
``detente ingest``.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MB = 1024 * 1024
TARGET_MB = 2048
NEWS = ("China and Russia signed a gas supply agreement in Moscow on Monday, officials said. "
        "The United States criticised the deal, and India did not attend the talks.")

CHILD = r"""
import json, resource, sys
from detente.config import load_config
from detente.ingest import IngestReport, read_inputs

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

config = load_config()
engine = None
if sys.argv[1] == "parse":
    from detente.pipeline import Engine
    engine = Engine(config)
# warm up (the lazy imports, the language model) on a small record and page, then take the peak
with open("warm.jsonl", "w") as fh:
    fh.write(json.dumps({"text": "China and Russia signed a deal in Moscow on Monday, officials said."}) + "\n")
with open("warm.html", "w") as fh:
    fh.write("<html><body><article><p>China and Russia signed a deal in Moscow on Monday.</p></article></body></html>")
list(read_inputs(["warm.jsonl", "warm.html"], config, IngestReport()))
before = peak()
report = IngestReport()
articles = []
for article in read_inputs(sys.argv[2:], config, report):
    row = {"origin": article.origin, "chars": len(article.text), "status": article.status,
           "text": article.text[:200]}
    if engine is not None:
        failed = engine.too_long(article)
        if failed is not None:
            row.update(status=failed.status, reason=failed.status_reason)
        else:
            row["tokens"] = len(engine.nlp(article.text))
    articles.append(row)
print(json.dumps({"articles": articles, "failures": report.failures, "warnings": report.warnings,
                  "before_mb": before, "peak_mb": peak()}))
"""


def run_child(*inputs: Path, mode: str = "read", **settings: Any) -> dict[str, Any]:
    """Read ``inputs`` in a child process (``mode="parse"``: and parse each article as a worker
    would); its report and peak RSS. ``settings`` override defaults through ``DETENTE_<NAME>``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DETENTE_")}
    env.update({f"DETENTE_{k.upper()}": str(v) for k, v in settings.items()})
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, *map(str, inputs)], capture_output=True,
                          text=True, env=env, timeout=900, check=False, cwd=inputs[0].parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["growth_mb"] = result["peak_mb"] - result["before_mb"]
    return result


def _record(n: int) -> bytes:
    return json.dumps({"id": f"good-{n}", "text": f"{NEWS} Report {n}.", "published": "2022-09-19"}).encode()


def test_a_huge_line_inside_a_small_jsonl_gz_is_skipped_while_streaming(tmp_path: Path) -> None:
    """256 MiB of one line in a 0.3 MB file (gzip members of 1 MiB each, written in no time)."""
    size = 256 * MB
    member = gzip.compress(b"a" * MB)
    path = tmp_path / "giant.jsonl.gz"
    head, tail = b'{"id": "giant", "text": "', b'"}'
    with path.open("wb") as fh:
        fh.write(gzip.compress(_record(1) + b"\n" + head))
        for _ in range(size // MB):
            fh.write(member)
        fh.write(gzip.compress(tail + b"\n" + _record(2) + b"\n"))
    assert path.stat().st_size < MB
    result = run_child(path)
    assert [a["origin"] for a in result["articles"]] == [f"{path}:1", f"{path}:3"]
    assert len(result["failures"]) == 1
    origin, reason = result["failures"][0]
    assert origin == f"{path}:2" and f"line is {len(head) + size + len(tail):,} bytes" in reason
    assert "over max_line_bytes 20,000,000; skipped" in reason
    assert result["growth_mb"] < size / MB / 4, result  # the line was never held: 20 MB at most of it
    assert result["peak_mb"] < TARGET_MB


def _html_script_page(path: Path, size: int) -> None:
    """A page of ``size`` bytes that is all one inline script (data), its article at the end."""
    chunk = json.dumps({"k": "v" * 1000}) + ","
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><head><title>Gas deal</title><script>var data = [")
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write("0];</script></head><body><article><h1>Gas deal</h1>\n")
        fh.write("".join(f"<p>{NEWS} Paragraph {i}.</p>\n" for i in range(5)))
        fh.write("</article></body></html>\n")


def test_a_big_html_page_is_cut_before_extraction(tmp_path: Path) -> None:
    """A 30 MB page, nearly all inline script: the script goes before the extractor sees it."""
    path = tmp_path / "script.html"
    _html_script_page(path, 30 * MB)
    result = run_child(path)
    (article,) = result["articles"]
    assert article["status"] == "ok" and "gas supply agreement" in article["text"]
    assert any("over max_html_chars 2,000,000; its scripts, styles and comments left out" in reason
               for _, reason in result["warnings"]), result["warnings"]
    # held: the page's bytes and its text (about 2 x 30 MB); extracting 30 MB of markup took GBs
    assert result["growth_mb"] < 200, result
    assert result["peak_mb"] < TARGET_MB


def test_html_markup_over_the_cap_is_cut_at_a_tag(tmp_path: Path) -> None:
    """8 MB of article markup with ``max_html_chars`` at 100,000 (the default's 2,000,000 makes the
    extractor take half a minute here): the extractor gets 100,000 characters, not 8 MB."""
    path = tmp_path / "markup.html"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><head><title>A long page</title></head><body><article>\n")
        for i in range(8 * MB // 200):
            fh.write(f"<div class='c{i}'><p>{NEWS} Part {i}.</p></div>\n")
        fh.write("</article></body></html>\n")
    result = run_child(path, max_html_chars=100_000)
    (article,) = result["articles"]
    assert article["status"] == "ok" and "Part 0." in article["text"]
    cut = [reason for _, reason in result["warnings"] if "over max_html_chars 100,000" in reason]
    assert cut and "before extraction" in cut[0]
    assert result["growth_mb"] < 150, result  # lxml and trafilatura on 8 MB of markup: over 1 GB


def _long_records(path: Path, chars: int) -> None:
    """Good, ``chars`` characters of news, ``chars`` characters of one-letter words after an English
    start, good."""
    news = " ".join(f"{NEWS} Report {i}." + ("\n\n" if i % 5 == 4 else "") for i in range(chars // 150 + 1))
    words = (NEWS * 10 + " a" * (chars // 2))[:chars]
    with path.open("wb") as fh:
        fh.write(_record(1) + b"\n")
        fh.write(json.dumps({"id": "long", "text": news[:chars]}).encode() + b"\n")
        fh.write(json.dumps({"id": "words", "text": words}).encode() + b"\n")
        fh.write(_record(2) + b"\n")


def test_a_ten_million_character_text_is_cut_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    _long_records(path, 10_000_000)
    result = run_child(path)
    rows = {a["origin"].rsplit(":", 1)[1]: a for a in result["articles"]}
    assert set(rows) == {"1", "2", "3", "4"} and all(a["status"] == "ok" for a in rows.values())
    assert 100_000 <= rows["2"]["chars"] <= 200_000 and rows["3"]["chars"] <= 200_000
    cut = [origin for origin, reason in result["warnings"] if "over max_chars 200,000; truncated" in reason]
    assert cut == [f"{path}:2", f"{path}:3"]
    assert result["growth_mb"] < 200, result
    assert result["peak_mb"] < TARGET_MB


@pytest.mark.model
@pytest.mark.slow
def test_parsing_the_longest_text_allowed_stays_under_the_target(tmp_path: Path) -> None:
    """The parser needs about 17 KB per token: the text left at ``max_chars`` is parsed within the
    target; a text of more than ``max_tokens`` tokens (one-letter words) is failed, not parsed."""
    path = tmp_path / "long.jsonl"
    _long_records(path, 1_000_000)
    result = run_child(path, mode="parse")
    rows = {a["origin"].rsplit(":", 1)[1]: a for a in result["articles"]}
    assert rows["1"]["status"] == rows["2"]["status"] == rows["4"]["status"] == "ok"
    assert rows["2"]["tokens"] > 30_000  # parsed, and long
    assert rows["3"]["status"] == "failed" and "over max_tokens 40,000; not parsed" in rows["3"]["reason"]
    assert result["peak_mb"] < TARGET_MB, result

