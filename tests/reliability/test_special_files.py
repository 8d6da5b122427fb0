"""A FIFO or a device named ``*.jsonl`` is reported, never read: ingest cannot hang on it.

Issue #15, 4: without ``--quiet`` the article counter opened a FIFO (blocking until a writer came)
or a link to ``/dev/zero`` (reading forever) before any check. Now only regular files are counted
and read; the others are failed inputs with a reason, and the inputs around them are read.
Each case runs under a timeout in a thread, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from detente.cli.core import count_articles
from detente.config import Config
from detente.ingest import IngestReport, read_inputs

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                                reason="needs FIFOs and /dev/zero")

TEXT = "China met Russia in Beijing on Monday to talk about trade. The two sides signed a deal."


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """``fn()``, or a test failure if it has not returned after ``seconds`` (the thread is left behind)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds} s: it hangs")
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": TEXT}) + "\n", encoding="utf-8")
    return {"fifo": fifo, "zero": zero, "good": good}


def test_count_articles_skips_what_is_not_a_regular_file(specials: dict[str, Path]) -> None:
    assert within(10, lambda: count_articles([str(specials["fifo"]), str(specials["zero"]),
                                              str(specials["good"])])) == 1
    assert within(10, lambda: count_articles([str(specials["good"].parent)])) == 1


def _read(inputs: list[str]) -> tuple[list[Any], IngestReport]:
    report = IngestReport()
    return list(read_inputs(inputs, Config(), report)), report


def test_named_fifo_and_device_are_failed_inputs(specials: dict[str, Path]) -> None:
    articles, report = within(10, lambda: _read([str(specials["fifo"]), str(specials["good"]),
                                                 str(specials["zero"])]))
    assert len(articles) == 1
    assert report.one_lines() == [f"{specials['fifo']}: not a regular file (a FIFO)",
                                  f"{specials['zero']}: not a regular file (a character device)"]


def test_fifo_and_device_in_a_folder_are_failed_inputs(specials: dict[str, Path]) -> None:
    folder = specials["good"].parent
    articles, report = within(10, lambda: _read([str(folder)]))
    assert len(articles) == 1
    assert sorted(report.one_lines()) == [f"{specials['fifo']}: not a regular file (a FIFO)",
                                          f"{specials['zero']}: not a regular file (a character device)"]


def test_cli_ingest_without_quiet_does_not_hang(specials: dict[str, Path], tmp_path: Path) -> None:
    """The reported case: progress on (no ``--quiet``), so the counter runs first. No article is
    good, so the coder (spaCy) is never needed: exit 1 with the two failures listed."""
    from typer.testing import CliRunner

    from detente.cli import app

    specials["good"].unlink()
    args = ["ingest", str(specials["fifo"]), str(specials["zero"]), "--db", str(tmp_path / "s.duckdb"), "-j", "1"]
    result = within(60, lambda: CliRunner().invoke(app, args))
    assert result.exit_code == 1, (result.output, result.exception)
    assert "not a regular file" in result.stdout
