"""The web pages (detente.web) in a real browser: Playwright driving Debian's chromium, headless,
against ``detente serve``'s app on 127.0.0.1 over a small store built here (tests/web_fixtures.py).

Skipped, with the reason, when the playwright package or a chromium binary is missing
(``make test`` installs chromium with apt-get when it runs as root). Screenshots go to
build/screenshots/."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (pip install -e '.[dev]')")

from playwright.sync_api import Browser, Page, expect

from browser_helpers import CHROMIUM, NO_CHROMIUM, SHOTS, chromium, serving, watched_page
from detente.api import create_app
from web_fixtures import build_store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)




@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_store(tmp_path_factory.mktemp("web") / "web.duckdb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(db_path=db)
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with watched_page(browser, accept_downloads=True) as p:
        yield p


def _no_errors(page: Page) -> None:
    assert page.errors == []  # type: ignore[attr-defined]


def test_overview(page: Page, server: str) -> None:
    page.goto(server + "/")
    expect(page).to_have_title("Overview · detente")
    expect(page.locator('[data-key="articles"]')).to_have_text("10")
    expect(page.locator('[data-key="events"]')).to_have_text("10")
    expect(page.locator('[data-key="range"]')).to_have_text("2022-01-15 – 2022-08-15")
    expect(page.locator('[data-key="last-run"]')).not_to_have_text("—")
    # the QuadClass timeline: 8 months, conflict (Q4) bars in May, July, August
    bars = page.locator("svg.quad-chart rect.bar")
    assert bars.count() >= 8
    assert page.locator('svg.quad-chart rect.q4[data-period="2022-05-01"]').get_attribute("data-n") == "1"
    expect(page.locator("#cooling")).to_contain_text("CHN – RUS")
    expect(page.locator("#top-pairs")).to_contain_text("CHN – RUS")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
    page.locator("#top-pairs a", has_text="CHN – RUS").click()
    expect(page.locator("#pair-title")).to_contain_text("China (CHN)")
    _no_errors(page)


def test_pair_explorer_autocomplete_chart_and_evidence(page: Page, server: str) -> None:
    page.goto(server + "/pair")
    a = page.locator("#actor-a")
    a.press_sequentially("Chin", delay=30)
    option = page.locator("#actor-a-list li", has_text="China (CHN)")
    expect(option).to_be_visible()
    expect(page.locator("#actor-a-list li").first).to_contain_text("8 events")  # the store's volume shown
    option.click()
    expect(a).to_have_value("China (CHN)")
    b = page.locator("#actor-b")
    b.press_sequentially("russian", delay=30)  # an adjective finds the state
    expect(page.locator("#actor-b-list li").first).to_contain_text("Russia (RUS)")
    b.press("Enter")  # the keyboard picks the first suggestion
    expect(b).to_have_value("Russia (RUS)")
    page.select_option("#freq", "month")
    page.get_by_role("button", name="Show").click()

    expect(page.locator("#pair-title")).to_have_text("China (CHN) – Russia (RUS)")
    chart = page.locator("svg.index-chart")
    expect(chart).to_be_visible()
    assert page.locator("svg.index-chart circle.point:not(.empty)").count() == 8
    assert page.locator("svg.index-chart polyline.series").count() == 1
    marks = page.locator("svg.index-chart g.change-mark")
    assert marks.count() == 1 and marks.first.get_attribute("data-period") == "2022-05-01"

    change = page.locator("#change-1")
    expect(change).to_contain_text("2022-05")
    expect(change).to_contain_text("cooling")
    expect(change.locator("table.counts tr.at")).to_contain_text("2022-05-01")
    sentence = change.locator("blockquote.sentence").first
    expect(sentence).to_have_text("Russian and Chinese troops clashed on the Amur border.")
    link = change.locator("a.article-link").first
    assert link.get_attribute("href") == "https://news.example/story-4"
    expect(link).to_contain_text("Story 4")
    expect(change.locator(".outlet").first).to_have_text("Example Times")
    expect(change.locator(".published").first).to_have_text("2022-05-15")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "pair.png"), full_page=True)

    with page.expect_download() as dl:
        page.locator("#csv-link").click()
    download = dl.value
    assert download.suggested_filename == "detente-CHN-RUS-month.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("period,n,mentions,q1,q2,q3,q4") and len(lines) == 9
    assert lines[5].startswith("2022-05-01,1,1,0,0,0,1,-10.0")
    _no_errors(page)


def test_pair_explorer_says_what_is_wrong(page: Page, server: str) -> None:
    resp = page.goto(server + "/pair?a=Narnia&b=RUS")
    assert resp is not None and resp.status == 400
    expect(page.get_by_role("alert")).to_contain_text("E720")
    expect(page.locator("#actor-a")).to_have_value("Narnia")  # the form keeps what was typed
    page.goto(server + "/pair?a=FRA&b=DEU&from=2022-03&to=2022-07&freq=week")
    expect(page.locator("#pair-title")).to_contain_text("France (FRA)")
    expect(page.locator("#no-changes")).to_be_visible()
    assert page.locator("svg.index-chart circle.point:not(.empty)").count() == 2
    resp = page.goto(server + "/pair?a=CHN&b=RUS&from=soon")
    assert resp is not None and resp.status == 400
    expect(page.get_by_role("alert")).to_contain_text("E311")
