"""The Events table, the Article view and the offline /docs in a real browser: Playwright driving
Debian's chromium, headless, against ``detente serve``'s app on 127.0.0.1 over the store of
tests/web_pages_fixtures.py (the pair-explorer store plus one article with three events, a
claimant and a divergent account).

The browser, the page (which records console errors, page errors and failed requests) and the
chromium look-up are tests/test_web.py's; skipped like those when playwright or chromium is
missing. Screenshots go to build/screenshots/ (events.png, article.png, docs.png)."""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (pip install -e '.[dev]')")

from playwright.sync_api import Page, expect

import test_web
from browser_helpers import CHROMIUM, SHOTS, serving
from detente.api import create_app
from detente.records import CodedArticle
from web_pages_fixtures import LAVROV, build_pages_store

browser, page_fixture = test_web.browser, test_web.page  # the browser and a page that records errors, shared
globals()["page"] = page_fixture  # pytest finds fixtures by module attribute: this one as `page`

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (/usr/bin/chromium, $DETENTE_CHROMIUM): "
                                                         "`apt-get install chromium` (make test does it as root)")
N_EVENTS = 13


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, CodedArticle]:
    return build_pages_store(tmp_path_factory.mktemp("webpages") / "pages.duckdb")


@pytest.fixture(scope="module")
def server(store: tuple[str, CodedArticle]) -> Iterator[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(db_path=store[0])
    with serving(app) as url:
        yield url


def _no_errors(page: Page) -> None:
    assert page.errors == []  # type: ignore[attr-defined]


def _shown(page: Page) -> list[str]:
    return [str(tr.get_attribute("data-event")) for tr in page.locator("#events tbody tr[data-event]").all()]


def _column(page: Page, n: int) -> list[str]:
    return [c.strip() for c in page.locator(f"#events tbody tr td:nth-child({n})").all_inner_texts()]


def test_events_filters_change_the_table(page: Page, server: str) -> None:
    page.goto(server + "/browse")
    expect(page).to_have_title("Events · detente")
    expect(page.locator("#total")).to_have_text(str(N_EVENTS))
    assert len(_shown(page)) == N_EVENTS
    # QuadClass: material conflict only
    page.select_option("#f-quad", "4")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("4")
    assert set(_column(page, 5)) == {"4"}
    # plus an actor picked with the autocomplete, by name
    page.locator("#f-actor").press_sequentially("Chin", delay=30)
    page.locator("#f-actor-list li", has_text="China (CHN)").click()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("3")  # not Russia's denied troop movement
    expect(page.locator("#f-actor")).to_have_value("China (CHN)")
    page.select_option("#f-quad", "")
    page.fill("#f-q", "signed")  # full text in the sentences
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("2")
    assert all("signed" in s.lower() for s in _column(page, 10))
    expect(page.locator("#events mark.ent-predicate").first).to_be_visible()
    # a pair (both ways), a PLOVER type, a claimant
    page.goto(server + "/browse?pair_a=France&pair_b=Germany")
    expect(page.locator("#total")).to_have_text("2")
    assert set(_column(page, 2)) == {"FRAGOV", "DEUGOV"}
    page.goto(server + "/browse")
    page.select_option("#f-plover", "MOBILIZE")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#events tbody td.factuality")).to_have_text("negated denied")
    page.goto(server + "/browse?claimant=any")
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#events tbody tr td:nth-child(9)")).to_have_text("RUSGOV")
    page.goto(server + "/browse?polarity=negated")
    expect(page.locator("#total")).to_have_text("1")
    page.goto(server + "/browse?from=2022-05&to=2022-06")
    assert sorted(_column(page, 1)) == ["2022-05-15", "2022-06-15"]
    _no_errors(page)


def test_events_paging_sorting_and_downloads(page: Page, server: str) -> None:
    page.goto(server + "/browse?limit=5")
    expect(page.locator("#range")).to_have_text("1–5")
    expect(page.locator("#page-of")).to_have_text("page 1 of 3")
    first = _shown(page)
    page.locator("#next").click()
    expect(page.locator("#range")).to_have_text("6–10")
    second = _shown(page)
    page.locator("#last").click()
    expect(page.locator("#range")).to_have_text("11–13")
    third = _shown(page)
    assert len(first) == len(second) == 5 and len(third) == 3 and len(set(first + second + third)) == N_EVENTS
    page.locator("#prev").click()
    assert _shown(page) == second
    # sort by Goldstein: ascending, then descending; back to the first page
    page.locator('th a.sort[data-sort="goldstein"]').click()
    expect(page.locator("#range")).to_have_text("1–5")
    up = [float(v) for v in _column(page, 6)]
    assert up == sorted(up) and up[0] == -10.0
    page.locator('th a.sort[data-sort="goldstein"]').click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Goldstein")
    page.locator("#next").click()
    expect(page.locator("#range")).to_have_text("6–10")
    down = [float(v) for v in _column(page, 6)]
    assert down == sorted(down, reverse=True)
    shown = _shown(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "events.png"), full_page=True)
    # the downloads hold exactly the rows on the screen, in their order
    with page.expect_download() as dl:
        page.locator("#dl-csv").click()
    assert dl.value.suggested_filename == "detente-events-6-10.csv"
    with Path(dl.value.path()).open(encoding="utf-8") as fh:
        assert [row["event_id"] for row in csv.DictReader(fh)] == shown
    with page.expect_download() as dl:
        page.locator("#dl-jsonl").click()
    lines = Path(dl.value.path()).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == shown
    _no_errors(page)


def test_article_view_marks_the_events(page: Page, server: str, store: tuple[str, CodedArticle]) -> None:
    coded = store[1]
    page.goto(server + "/browse?q=Lavrov")
    page.locator("#events a.article-link").click()
    expect(page.locator("#article-title")).to_have_text(coded.article.title or "")
    text = page.locator("#article-text")
    expect(text.locator("mark.ent-predicate")).to_have_count(3)
    source = text.locator("mark.ent-source").first
    expect(source).to_contain_text(LAVROV.text)
    expect(source.locator(".ent-label")).to_have_text("RUSGOV1")  # the actor's code and the event's number
    expect(text.locator("mark.ent-target")).to_contain_text("Chinese Foreign Minister Wang Yi")
    # the row's link lands on its event in the list
    met = coded.events[0]
    assert page.url.endswith(f"#event-{met.event_id}")
    card = page.locator(f"#event-{met.event_id}")
    expect(card.locator(".ev-place")).to_contain_text("Moscow")
    expect(card.locator(".ev-date")).to_contain_text("2022-09-13")
    expect(card.locator(".ev-date")).to_contain_text("on Tuesday")
    claimed = page.locator(f"#event-{coded.events[1].event_id}")
    expect(claimed.locator(".ev-claimant")).to_contain_text("according to RUSGOV")
    expect(claimed.locator(".ev-factuality")).to_contain_text("asserted, intended")
    expect(page.locator(f"#event-{coded.events[2].event_id} .ev-factuality")).to_contain_text("negated, denied")
    # pointing at an event lights its spans in the text
    claimed.hover()
    expect(text.locator("mark.ent.lit")).to_have_count(2)  # "the two sides" and "agreed"
    # the two sides' accounts, side by side
    sides = page.locator("#accounts .side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0)).to_contain_text("RUS says")
    expect(sides.nth(1)).to_contain_text("the ministers exchanged views")
    a, b = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert a and b and abs(a["y"] - b["y"]) < 2 and b["x"] >= a["x"] + a["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)
    _no_errors(page)


def test_pair_evidence_opens_the_article(page: Page, server: str) -> None:
    page.goto(server + "/pair?a=CHN&b=RUS")
    link = page.locator("#change-1 a.read-link").first
    link.click()
    expect(page.locator("#article-title")).to_contain_text("Story 4")
    expect(page.locator("#article-text mark.ent-predicate")).to_have_count(1)
    _no_errors(page)


def test_docs_work_offline(page: Page, server: str) -> None:
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith((server, "data:")) else None)
    page.goto(server + "/docs")
    expect(page.locator(".swagger-ui .opblock-summary-path", has_text="/articles/{article_id}")).to_be_visible()
    expect(page.locator(".swagger-ui .opblock-summary-path").filter(has_text="/events")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "docs.png"))
    assert outside == []
    _no_errors(page)
