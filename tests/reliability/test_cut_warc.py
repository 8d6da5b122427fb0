"""A WARC file cut short is a failed input (exit 1), as a cut ``.jsonl.gz`` is; the records before it are kept.

Issue #15, 7: a ``.warc.gz`` cut inside its last record was only a skipped record (exit 0), and cut
inside a record's header, or inside the gzip trailer, it was read as if whole, with nothing said.
Cut at every offset, a WARC now gives the complete records before the cut and exactly one failure
naming the file, and the inputs after it are read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_warc
from detente.config import Config
from detente.ingest import IngestReport, read_inputs

STORY = ("A ferry carrying more than two hundred passengers ran aground off the island of Brenna on Saturday, "
         "but all of the people on board were brought ashore safely by rescue boats. The shipping company "
         "said it was working with the authorities to find out why the vessel had left the marked channel.")
GOOD = ("The central bank of Norland raised its main interest rate by half a point on Thursday, the third "
        "increase this year, as inflation stayed well above its target, the bank said in a statement.")


def _ends(data: bytes, gzipped: bool) -> list[int]:
    """The offset where each record ends (the next one starts), and the file's end."""
    mark = b"\x1f\x8b\x08" if gzipped else b"WARC/1.0"
    starts = [i for i in range(len(data)) if data[i:i + len(mark)] == mark]
    return [*starts[1:], len(data)]


def _read(tmp_path: Path, *inputs: Path) -> tuple[list[str], IngestReport]:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    report = IngestReport()
    articles = list(read_inputs([str(p) for p in (*inputs, good)], Config(), report))
    assert articles and articles[-1].text == GOOD, "the batch did not go on"
    return [a.url or "" for a in articles[:-1]], report


def _cuts(data: bytes, ends: list[int], gzipped: bool) -> list[int]:
    """Offsets to cut at: a stride through the file and a few bytes either side of each record's end.
    A cut exactly at a record's end (or, uncompressed, in the blank lines after it) loses nothing."""
    near = {end + d for end in ends for d in range(-6, 7)}
    cuts = {c for c in set(range(1, len(data), 7)) | near if 0 < c < len(data)}
    return sorted(c for c in cuts if not any(end - (0 if gzipped else 4) <= c <= end for end in ends))


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_a_warc_cut_anywhere_keeps_whole_records_and_fails_once(tmp_path: Path, gzipped: bool) -> None:
    data = write_warc(tmp_path / "whole", STORY, gzipped=gzipped)
    ends = _ends(data, gzipped)
    cut_path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    wrong = []
    for cut in _cuts(data, ends, gzipped):
        cut_path.write_bytes(data[:cut])
        urls, report = _read(tmp_path, cut_path)
        whole = sum(end <= cut for end in ends)
        # cut in a gzip member's last bytes (its trailer), the record itself is whole and kept
        whole_or_one_more = {whole, whole + (gzipped and any(end - 20 <= cut < end for end in ends))}
        expected = [[f"https://news.example.org/story/{i}" for i in range(n)] for n in whole_or_one_more]
        failures = [origin for origin, _ in report.failures]
        if urls not in expected or len(failures) != 1 or not failures[0].startswith(str(cut_path)):
            wrong.append((cut, urls, report.one_lines()))
    assert not wrong, f"{len(wrong)} cuts misread, e.g. {wrong[:3]}"


def test_the_whole_files_read_without_a_failure(tmp_path: Path) -> None:
    for gzipped in (True, False):
        path = tmp_path / ("whole.warc.gz" if gzipped else "whole.warc")
        write_warc(path, STORY, gzipped=gzipped)
        urls, report = _read(tmp_path, path)
        assert len(urls) == 3 and report.failed == 0 and report.skipped == 0


@pytest.mark.model
def test_ingest_of_a_cut_warc_gz_exits_1(tmp_path: Path) -> None:
    """The records are stored; the file is reported as failed, and the exit code says so."""
    from detente.cli import app
    from detente.store import Store

    data = write_warc(tmp_path / "whole.warc.gz", STORY)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:len(data) - 3])  # only the gzip trailer is missing: every record is whole
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(cut), "--db", str(db), "-j", "1"])
    assert result.exit_code == 1, (result.output, result.exception)
    assert "cut short" in result.stdout
    with Store(db, read_only=True) as store:
        urls = sorted(row[0] for row in store.query("SELECT url FROM articles").fetchall())
    assert urls == [f"https://news.example.org/story/{i}" for i in range(3)]
