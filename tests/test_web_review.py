"""The Relations and Review pages in a real browser (Playwright driving Debian's chromium, headless),
against `detente serve`'s app with writes allowed and a token, over the store of tests/web_fixtures.py:
the matrix and the world map render without console errors, and a review made in the page
round-trips into `detente export --table reviews --format gold`, which `detente eval` reads.

Skipped, with the reason, when playwright or chromium is missing. Screenshots: build/screenshots/
(relations.png, review.png; docs/web-relations.png and docs/web-review.png are copies)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (pip install -e '.[dev]')")

from playwright.sync_api import Browser, Page, expect
from typer.testing import CliRunner

from browser_helpers import CHROMIUM, NO_CHROMIUM, SHOTS, chromium, serving, watched_page
from detente.api import create_app
from detente.cli import app as cli
from detente.web import review
from web_fixtures import build_store

TOKEN = "a-token-for-the-browser-test"




pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)




@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("webreview") / "review.duckdb")


@pytest.fixture(scope="module")
def server(store: str) -> Iterator[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(db_path=store)
    review.configure(app, review.WriteSettings(allow_writes=True, token=TOKEN))
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with watched_page(browser) as p:
        yield p


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_relations_matrix_and_map(page: Page, server: str) -> None:
    page.goto(server + "/relations/view")
    expect(page).to_have_title("Relations · detente")
    expect(page.locator("nav a[aria-current]")).to_have_text("Relations")
    # the map: every country of the outline, China (the busiest) dark, Russia red (conflict outweighs), the rest hatched
    expect(page.locator("#map-title")).to_contain_text("China (CHN)")
    countries = page.locator("svg.world-map path.country")
    assert countries.count() > 150
    expect(page.locator('svg.world-map path.focus[data-iso3="CHN"]')).to_have_count(1)
    russia = page.locator('svg.world-map path[data-iso3="RUS"]')
    assert float(russia.get_attribute("data-index") or "nan") < 0 and russia.get_attribute("data-n") == "8"
    assert russia.get_attribute("fill", timeout=1000) not in ("url(#no-events)", None)
    assert page.locator('svg.world-map path[data-iso3="FRA"]').get_attribute("class") == "country none"
    box = page.locator("svg.world-map").bounding_box()
    assert box is not None and box["width"] > 600  # drawn, not collapsed
    expect(page.locator("#partners tbody tr")).to_have_count(1)
    # the matrix: 4 states, 2 pairs with events; "no events" cells are hatched, not neutral
    expect(page.locator("#matrix td.cell")).to_have_count(4)
    expect(page.locator("#matrix td.none")).to_have_count(8)
    none_bg = page.locator("#matrix td.none").first.evaluate("e => getComputedStyle(e).backgroundImage")
    assert "repeating-linear-gradient" in none_bg
    cell = page.locator('#matrix td.cell[data-a="DEU"][data-b="FRA"]')
    expect(cell).to_contain_text("+43")
    expect(cell.locator("small")).to_have_text("2")
    _shot(page, "relations.png")
    # another country's map from the matrix
    page.locator("#matrix th.rowh a", has_text="FRA").click()
    expect(page.locator("#map-title")).to_contain_text("France (FRA)")
    assert page.locator('svg.world-map path[data-iso3="DEU"]').get_attribute("data-n") == "2"
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_review_round_trips_into_the_gold_set(page: Page, server: str, store: str, tmp_path: Path) -> None:
    page.goto(server + "/review?pair=China,Russia")
    expect(page.locator("#review-events tbody tr")).to_have_count(8)
    row = page.locator("#review-events tbody tr", has_text="troops clashed on the Amur border")
    row.locator("a.review-link").click()
    expect(page.locator("#event-sentence")).to_have_text("Russian and Chinese troops clashed on the Amur border.")
    expect(page.locator("#coded-cameo")).to_contain_text("190")
    expect(page.locator("#history tbody")).to_contain_text("Not reviewed yet.")
    page.locator("#verdict-corrected").check()
    page.locator("#fix-cameo").fill("042")
    src = page.locator("#fix-source")
    src.press_sequentially("Russia", delay=20)
    expect(page.locator("#fix-source-list li").first).to_contain_text("Russia (RUS)")
    src.press("Enter")
    expect(src).to_have_value("Russia (RUS)")
    page.locator("#reviewer").fill("ann")
    page.locator("#note").fill("a visit, misread as a clash")
    page.locator("#token").fill(TOKEN)
    page.locator("#save-review").click()
    expect(page.locator("#review-status")).to_contain_text("Saved: corrected")
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#history tbody tr").first).to_contain_text("cameo 190 → 042")
    _shot(page, "review.png")

    page.goto(server + "/review?pair=China,Russia&status=reviewed")
    expect(page.locator("#review-events tbody tr")).to_have_count(1)
    expect(page.locator("#recent-reviews")).to_contain_text("ann")
    assert page.errors == []  # type: ignore[attr-defined]

    gold = tmp_path / "gold.jsonl"
    r = CliRunner().invoke(cli, ["export", "--table", "reviews", "--format", "gold", "--db", store, "--out", str(gold)])
    assert r.exit_code == 0, r.output
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    assert records[0]["text"] == "Russian and Chinese troops clashed on the Amur border."
    assert records[0]["expected"] == [{"source": "RUS", "target": "CHN", "code": "042"}]
    assert records[0]["reviewers"] == ["ann"]
    metrics = tmp_path / "metrics.json"
    r = CliRunner().invoke(cli, ["eval", str(gold), "--json-out", str(metrics), "-q"])
    assert r.exit_code == 0, r.output
    report = json.loads(metrics.read_text())
    assert report["records"] == 1
    assert report["exact"]["tp"] + report["exact"]["fn"] == 1  # the one corrected event is the gold
