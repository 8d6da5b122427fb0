"""Acceptance: the coded example article meets its hand-written expectations (../shared).

Runs ``detente code`` the way a user would and checks the output with the shared checker.
Skips when ../shared is absent (the evaluation data is not part of the product).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "china-russia-2022.txt"
EXPECT = SHARED / "bench" / "expectations" / "china-russia-2022.json"
CHECK = SHARED / "bench" / "check_example.py"

pytestmark = [pytest.mark.model, pytest.mark.shared]


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    if not (EXAMPLE.exists() and EXPECT.exists() and CHECK.exists()):
        pytest.skip("../shared evaluation data not present")
    from detente.pipeline import Engine
    from detente.records import Article

    article = Article.make(EXAMPLE.read_text(encoding="utf-8"), published="2022-09-22")
    data = Engine().code_article(article).to_dict()
    path = tmp_path_factory.mktemp("example") / "coded.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("parts", ["must_find", "must_not_assert", "locations", "quantities", "divergent_accounts"])
def test_example_expectations(coded, parts):
    run = subprocess.run([sys.executable, str(CHECK), str(EXPECT), str(coded), "--parts", parts],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_samarkand_meeting_date_and_place(coded):
    data = json.loads(coded.read_text(encoding="utf-8"))
    evs = [e for e in data["events"] if "Samarkand" in e["sentence"] and e["cameo_root"] in ("01", "04")
           and {e["source"]["country"], (e["target"] or {}).get("country")} == {"RUS", "CHN"}]
    assert evs, "no RUS-CHN meeting or statement coded in the Samarkand sentence"
    assert any("2022-09-12" <= (e["date"] or "") <= "2022-09-18" for e in evs)
    assert any((e["location"] or {}).get("country") == "UZB" for e in evs)
