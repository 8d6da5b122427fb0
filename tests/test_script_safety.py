"""The Python API from a plain script: multiprocessing imports the script again in each worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.model

SCRIPT = """
from detente.config import load_config
from detente.runner import ingest
from detente.store import Store

{guard}
    with Store("s.duckdb") as store:
        summary = ingest(["articles/"], load_config(n_process=2), store)
        print("coded", summary.new, "failed", summary.failed)
"""


def _run(tmp_path: Path, guard: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "articles").mkdir()
    for n in range(3):
        (tmp_path / "articles" / f"{n}.txt").write_text(
            f"Peru and Chile signed a trade agreement in Lima on Monday, number {n}.\n", encoding="utf-8")
    (tmp_path / "script.py").write_text(textwrap.dedent(SCRIPT.format(guard=guard)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, env=env, check=False)


def test_a_script_without_a_main_guard_gets_an_error_not_every_article_failed(tmp_path):
    # each worker re-imports the script, which opens the store the parent holds, and dies
    done = _run(tmp_path, "if True:")
    assert done.returncode != 0
    assert "E020" in done.stderr and "__main__" in done.stderr
    assert "coded" not in done.stdout


def test_the_same_script_with_a_main_guard_codes_every_article(tmp_path):
    done = _run(tmp_path, 'if __name__ == "__main__":')
    assert done.returncode == 0, done.stderr[-2000:]
    assert "coded 3 failed 0" in done.stdout
