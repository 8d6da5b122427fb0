"""The Events table, the Article view, their JSON endpoints and the offline /docs without a browser
(TestClient) over the store of tests/web_pages_fixtures.py. In a real browser: tests/test_web_pages.py."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from detente.api import create_app
from detente.export import export
from detente.records import CodedArticle
from detente.store import Store
from detente.web.article_page import locate, marked_text
from detente.web.events_page import marked_sentence
from web_pages_fixtures import LAVROV, SENTENCES, TEXT, TITLE, build_pages_store

N_EVENTS = 13


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, CodedArticle]:
    return build_pages_store(tmp_path_factory.mktemp("webpages") / "p.duckdb")


@pytest.fixture(scope="module")
def client(built: tuple[str, CodedArticle]) -> TestClient:
    return TestClient(create_app(db_path=built[0]))


def _ids(body: dict[str, Any]) -> list[str]:
    return [e["event_id"] for e in body["events"]]


# ---------------------------------------------------------------------------------------------
# GET /events

def test_events_pages_cover_the_store_once_in_order(client: TestClient, built: tuple[str, CodedArticle]) -> None:
    whole = client.get("/events", params={"limit": 100}).json()
    assert whole["total"] == whole["count"] == N_EVENTS and whole["offset"] == 0 and whole["sort"] == "date"
    with Store(built[0], read_only=True) as s:  # the default order is the store's (detente events, export)
        assert _ids(whole) == [r["event_id"] for r in s.events()]
    pages = [client.get("/events", params={"limit": 5, "offset": off}).json() for off in (0, 5, 10, 15)]
    assert [p["count"] for p in pages] == [5, 5, 3, 0] and {p["total"] for p in pages} == {N_EVENTS}
    assert [i for p in pages for i in _ids(p)] == _ids(whole)
    assert client.get("/events", params={"limit": 5}).headers["x-total-count"] == str(N_EVENTS)


def test_events_sort_both_ways_and_pages_do_not_overlap(client: TestClient) -> None:
    up = client.get("/events", params={"sort": "goldstein", "limit": 100}).json()["events"]
    down = client.get("/events", params={"sort": "-goldstein", "limit": 100}).json()["events"]
    assert [e["goldstein"] for e in up] == sorted(e["goldstein"] for e in up)
    assert [e["goldstein"] for e in down] == sorted((e["goldstein"] for e in down), reverse=True)
    assert up[0]["goldstein"] == -10.0 and down[0]["goldstein"] == 8.0
    halves = [client.get("/events", params={"sort": "-goldstein", "limit": 7, "offset": o}).json() for o in (0, 7)]
    assert _ids(halves[0]) + _ids(halves[1]) == [e["event_id"] for e in down]  # ties broken the same way
    by_source = client.get("/events", params={"sort": "-source", "limit": 100}).json()["events"]
    assert [e["source_code"] for e in by_source] == sorted((e["source_code"] for e in by_source), reverse=True)


def test_events_old_filters_keep_their_names_and_new_ones_filter(client: TestClient) -> None:
    def total(**params: Any) -> int:
        r = client.get("/events", params={**params, "limit": 100})
        assert r.status_code == 200, r.text
        return int(r.json()["total"])

    assert total(pair="china,russia") == 8 + 2 and total(actor="France") == 2
    assert total(pair="CHN,RUS", **{"from": "2022-05", "to": "2022-08"}) == 4
    assert total(root="19") == 2 and total(quad=4) == 4 and total(polarity="negated") == 1
    assert total(modality="intended") == 1 and total(counts_only=True) == N_EVENTS - 1
    assert total(plover="agree") == 2 and total(plover="CONSULT") == 4 and total(plover="mobilize") == 1
    assert total(claimant="Russia") == 1 and total(claimant="any") == 1 and total(claimant="none") == N_EVENTS - 1
    claimed = client.get("/events", params={"claimant": "russian"}).json()["events"][0]
    assert claimed["claimant_code"] == "RUSGOV" and claimed["cameo"] == "0312"
    # text search: every word, any case; a quoted phrase is one term; % and _ are not wildcards
    assert total(q="SIGNED") == 2 and total(q="signed gas") == 1
    assert total(q="China Russia") == 2 and total(q="russian chinese") == 3
    assert total(q='"foreign minister"') == 2 and total(q='"minister foreign"') == 0
    assert total(q="%") == 0 and total(q="a_b") == 0 and total(q="<near") == 1
    assert total(actor="china", quad=4, q="troops") == 1  # the filters combine
    rows = client.get("/events", params={"q": "signed", "limit": 100}).json()["events"]
    assert all("signed" in e["sentence"].lower() for e in rows)


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"sort": "colour"}, 400, "E722"),
    ({"plover": "DANCE"}, 400, "E722"),
    ({"format": "xml"}, 400, "E722"),
    ({"offset": -1}, 422, "E701"),
    ({"claimant": "Narnia"}, 400, "E315"),
    ({"pair": "china,russia,india"}, 400, "E312"),
    ({"from": "soon"}, 400, "E311"),
])
def test_events_bad_parameters(client: TestClient, params: dict, status: int, code: str) -> None:
    r = client.get("/events", params=params)
    assert r.status_code == status and r.json()["error"] == code, r.text


def test_events_csv_is_the_export_of_exactly_the_rows_shown(client: TestClient, built: tuple[str, CodedArticle],
                                                            tmp_path: Path) -> None:
    params = {"sort": "-goldstein", "offset": 3, "limit": 6, "actor": "RUS"}
    shown = _ids(client.get("/events", params=params).json())
    r = client.get("/events", params={**params, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="detente-events-RUS-4-9.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["event_id"] for row in rows] == shown and len(shown) == 6
    with Store(built[0], read_only=True) as s:  # the same columns and cells as `detente export --format csv`
        export(s, "csv", str(tmp_path / "all.csv"))
    exported = {row["event_id"]: row for row in csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8"))}
    assert rows == [exported[i] for i in shown]
    assert all(row["article_title"] and row["source_iso3"] == row["source_country"] for row in rows)


def test_events_jsonl_is_the_records_of_the_rows_shown(client: TestClient, built: tuple[str, CodedArticle]) -> None:
    params = {"q": "the", "sort": "date", "limit": 4, "offset": 2}
    shown = _ids(client.get("/events", params=params).json())
    r = client.get("/events", params={**params, "format": "jsonl"})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in r.text.splitlines()]
    assert [rec["event_id"] for rec in records] == shown and len(shown) == 4
    with Store(built[0], read_only=True) as s:
        stored = {e["event_id"]: json.loads(e["record"]) for e in s.events()}
    assert records == [stored[i] for i in shown]


# ---------------------------------------------------------------------------------------------
# GET /articles/{id}

def test_article_json_places_every_span_in_the_text(client: TestClient, built: tuple[str, CodedArticle]) -> None:
    aid = built[1].article.article_id
    body = client.get(f"/articles/{aid}").json()
    assert set(body) == {"article", "events", "quantities", "accounts"}
    assert body["article"]["text"] == TEXT and body["article"]["title"] == TITLE and body["article"]["coded_at"]
    assert len(body["events"]) == 3 and len(body["accounts"]) == 1 and len(body["quantities"]) == 1
    for ev in body["events"]:
        for role, span in ev["spans"].items():
            if span:
                start, end = ev["offsets"][role]
                assert TEXT[start:end] == ev["sentence"][span[0]:span[1]]
            else:
                assert ev["offsets"][role] is None
    met = body["events"][0]
    assert TEXT[slice(*met["offsets"]["source"])] == LAVROV.text and TEXT[slice(*met["offsets"]["predicate"])] == "met"
    # the input's own id and a prefix name it too; unknown is 404
    assert client.get("/articles/rich-1").json()["article"]["article_id"] == aid
    assert client.get(f"/articles/{aid[:8]}").json()["article"]["article_id"] == aid
    r = client.get("/articles/nothing-like-it")
    assert r.status_code == 404 and r.json()["error"] == "E721"


def test_locate_finds_repeated_sentences_in_their_own_places() -> None:
    text = "They met. They met. Then they left."
    events = [{"sentence_index": 1, "sentence": "They met."}, {"sentence_index": 0, "sentence": "They met."},
              {"sentence_index": 2, "sentence": "Then they left."}, {"sentence_index": 3, "sentence": "Gone."}]
    assert locate(text, events) == [10, 0, 20, None]


def test_marked_text_escapes_merges_and_numbers() -> None:
    text = "A <b> met B & C."
    events: list[dict[str, Any]] = [
              {"event_id": "e1", "cameo": "040", "source": {"code": "AAA"}, "target": {"code": "BBB"},
               "offsets": {"source": [0, 1], "predicate": [6, 9], "target": [10, 11]}},
              {"event_id": "e2", "cameo": "040", "source": {"code": "AAA"}, "target": {"code": "CCC"},
               "offsets": {"source": [0, 1], "predicate": [6, 9], "target": [14, 15]}},
              {"event_id": "e3", "cameo": "111", "source": None, "target": None, "offsets": None}]
    html = str(marked_text(text, events))
    assert "&lt;b&gt;" in html and "&amp;" in html and "<b>" not in html
    assert html.count('<mark class="ent ent-source"') == 1 and html.count('<mark class="ent ent-predicate"') == 1
    assert 'data-events="e1 e2"' in html and "AAA<sup>1,2</sup>" in html and "040<sup>1,2</sup>" in html
    assert "BBB<sup>1</sup>" in html and "CCC<sup>2</sup>" in html
    assert re.sub(r"<[^>]+>|AAA|BBB|CCC|040|\d,\d|\d", "", html) == "A &lt;b&gt; met B &amp; C."


def test_marked_sentence_cuts_the_roles_out() -> None:
    s = SENTENCES[1]
    spans = {"source": [0, 38], "predicate": [39, 42], "target": [43, 75]}
    pieces = marked_sentence(s, spans)
    assert "".join(p for p, _ in pieces) == s
    assert [(p, r) for p, r in pieces if r] == [(LAVROV.text, "source"), ("met", "predicate"),
                                                ("Chinese Foreign Minister Wang Yi", "target")]
    assert marked_sentence("Short.", {"source": [0, 99]}) == [("Short.", None)]  # a span past the end: unmarked


# ---------------------------------------------------------------------------------------------
# The pages as HTTP answers

def test_article_page_marks_the_events(client: TestClient, built: tuple[str, CodedArticle]) -> None:
    aid = built[1].article.article_id
    r = client.get(f"/article/{aid}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    text = html.split('<div class="article-text" id="article-text">')[1].split("</div>")[0]
    assert text.count('class="ent ent-predicate"') == 3 and html.count('class="event-card') == 3
    assert text.count('class="ent ent-source"') == 3 and text.count('class="ent ent-target"') == 1
    assert html_unescape(re.sub(r'<span class="ent-label">.*?</span>|<[^>]+>', "", text)) == TEXT  # all, once
    assert "Lavrov &amp; Wang" in html and "&lt;near Blagoveshchensk&gt;" in html
    assert 'id="accounts"' in html and html.count('class="side"') == 2
    assert client.get("/article/nothing-like-it").status_code == 404


def test_events_page_as_html(client: TestClient, built: tuple[str, CodedArticle]) -> None:
    r = client.get("/browse", params={"limit": 5, "offset": 5, "sort": "-goldstein"})
    assert r.status_code == 200
    rows = re.findall(r'<tr data-event="([0-9a-f]+)"', r.text)
    assert rows == _ids(client.get("/events", params={"limit": 5, "offset": 5, "sort": "-goldstein"}).json())
    assert "6–10" in r.text and "page 2 of 3" in r.text
    assert 'href="/events?sort=-goldstein&amp;offset=5&amp;limit=5&amp;format=csv"' in r.text
    assert f'/article/{built[1].article.article_id}#event-' in client.get("/browse", params={"q": "Lavrov"}).text
    two = client.get("/browse", params={"pair_a": "France", "pair_b": "Germany (DEU)"})
    assert len(re.findall(r"<tr data-event=", two.text)) == 2
    bad = client.get("/browse", params={"actor": "Narnia"})
    assert bad.status_code == 400 and "E315" in bad.text and 'value="Narnia"' in bad.text
    assert client.get("/browse", params={"quad": "x"}).status_code == 400


def test_pair_explorer_links_its_evidence_to_the_article_view(client: TestClient) -> None:
    html = client.get("/pair", params={"a": "CHN", "b": "RUS"}).text
    link = re.search(r'href="(/article/[0-9a-f]+#event-[0-9a-f]+)"', html)
    assert link is not None
    page = client.get(link.group(1).split("#")[0])
    assert page.status_code == 200 and f'id="{link.group(1).split("#")[1]}"' in page.text


def test_docs_are_served_from_the_package(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert not re.findall(r"""(?:src|href)=["']https?://""", html)  # nothing from a CDN
    js = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000 and b"SwaggerUIBundle" in js.content
    assert client.get("/static/vendor/swagger-ui/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN page is off
    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/events"]["get"]["parameters"]}
    assert {"actor", "pair", "from", "to", "root", "quad", "polarity", "modality", "counts_only", "limit",
            "offset", "sort", "format", "plover", "claimant", "q"} <= names
    assert "/articles/{article_id}" in spec["paths"] and "/browse" not in spec["paths"]
