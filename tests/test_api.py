"""The HTTP API (detente.api): routes over a temp store, JSON errors with codes, the store left as it was,
POST /code with a stand-in coder and with the real Engine (``model``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's notice about httpx vs httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import make_coded
from detente import __version__
from detente.api import create_app
from detente.records import CodedArticle
from detente.store import Store


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "api.duckdb"
    with Store(path) as s:
        s.write_many([make_coded(i, n_events=3) for i in range(4)], run_id="r1")
        s.write(make_coded(9, n_events=2, status="failed", status_reason="coding failed: boom"), run_id="r1")
    return str(path)


@pytest.fixture
def client(db: str) -> TestClient:
    return TestClient(create_app(db_path=db))


def _tables(db: str) -> set[str]:
    with Store(db, read_only=True) as s:
        return {r[0] for r in s.query("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_health_and_openapi(client: TestClient, db: str) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["version"] == __version__
    assert body["db"] == db and body["store_exists"] is True and body["engine_loaded"] is False
    spec = client.get("/openapi.json").json()
    assert spec["info"] == {**spec["info"], "title": "detente", "version": __version__}
    assert {"/code", "/events", "/stats", "/dyad/{a}/{b}", "/changes/{a}/{b}", "/health"} <= set(spec["paths"])


def test_events_filters_mirror_the_store(client: TestClient, db: str) -> None:
    r = client.get("/events", params={"pair": "RUS,CHN", "from": "2022-09", "to": "2022", "limit": 5})
    assert r.status_code == 200
    body = r.json()
    with Store(db, read_only=True) as s:
        want = s.events(pair=("RUS", "CHN"), start="2022-09", end="2022", limit=5)
        total = s.count_events(pair=("RUS", "CHN"))
    assert body["count"] == len(body["events"]) == len(want) == 5 and body["total"] == total and body["limit"] == 5
    first = body["events"][0]
    assert [e["event_id"] for e in body["events"]] == [w["event_id"] for w in want]
    assert first["date"] == "2022-09-15" and first["source_country"] == "CHN" and first["target_country"] == "RUS"
    assert isinstance(first["record"], dict) and first["record"]["event_id"] == first["event_id"]  # parsed JSON
    assert client.get("/events", params={"actor": "USA"}).json()["count"] == 0
    narrow = client.get("/events", params={"root": "4", "quad": 1, "polarity": "asserted",
                                           "modality": "actual", "counts_only": True}).json()
    with Store(db, read_only=True) as s:
        assert narrow["total"] == s.count_events(root="04", quad_class=1, polarity="asserted",
                                                 modality="actual", counts_only=True)
    assert 0 < narrow["total"] < total and {e["cameo_root"] for e in narrow["events"]} == {"04"}
    assert client.get("/events", params={"from": "2023"}).json()["count"] == 0


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"quad": 7}, 400, "E313"),
    ({"root": "99"}, 400, "E310"),
    ({"from": "last week"}, 400, "E311"),
    ({"pair": "CHN"}, 400, "E312"),
    ({"polarity": "maybe"}, 422, "E701"),
    ({"limit": 0}, 422, "E701"),
    ({"quad": "x"}, 422, "E701"),
])
def test_bad_filters_are_json_errors(client: TestClient, params: dict, status: int, code: str) -> None:
    r = client.get("/events", params=params)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error", "detail"} and body["error"] == code
    assert body["detail"] and "\n" not in body["detail"] and "Traceback" not in body["detail"]


def test_stats(client: TestClient) -> None:
    body = client.get("/stats").json()
    assert body["articles"] == 5 and body["articles_by_status"] == {"failed": 1, "ok": 4}
    assert body["events"] == 14 and body["first_date"] == "2022-09-15"
    assert body["top_pairs"][0] == {"a": "CHN", "b": "RUS", "events": 14}
    assert {"quantities", "accounts", "last_date", "top_roots", "runs", "last_run"} <= set(body)


def test_dyad_and_changes_leave_the_store_unchanged(client: TestClient, db: str) -> None:
    before = _tables(db)
    r = client.get("/dyad/chn/RUS")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["a"], body["b"], body["freq"], body["unit"]) == ("CHN", "RUS", "month", "happenings")
    assert [p["period"] for p in body["series"]] == ["2022-09-01"] and body["series"][0]["n"] >= 1
    weekly = client.get("/dyad/CHN/RUS", params={"freq": "week", "unit": "events", "from": "2022-09-01",
                                                 "to": "2022-09-30"}).json()
    assert len(weekly["series"]) == 5 and sum(p["n"] for p in weekly["series"]) == 14
    ch = client.get("/changes/CHN/RUS").json()
    assert ch["series"] == body["series"] and ch["changes"] == []
    assert _tables(db) == before  # happenings were built in memory, not in the store


def test_dyad_errors(client: TestClient) -> None:
    r = client.get("/dyad/C!/RUS")  # not a code nor a name of the actor knowledge base (issue #13)
    assert r.status_code == 400 and r.json() == {"error": "E315", "detail": "a: no actor 'C!'"}
    r = client.get("/dyad/CHN/RUS", params={"freq": "year"})
    assert r.status_code == 422 and r.json()["error"] == "E701" and "freq" in r.json()["detail"]
    assert client.get("/changes/CHN/RUS", params={"penalty": -1}).status_code == 422


def test_missing_store_unknown_route_and_method(tmp_path: Path) -> None:
    c = TestClient(create_app(db_path=str(tmp_path / "none.duckdb")))
    for url in ("/events", "/stats", "/dyad/CHN/RUS"):
        r = c.get(url)
        assert r.status_code == 404 and r.json()["error"] == "E306", url
    assert c.get("/health").json()["store_exists"] is False
    assert c.get("/nope").json() == {"error": "E704", "detail": "GET /nope: Not Found"}
    r = c.post("/events")
    assert r.status_code == 405 and r.json()["error"] == "E705"
    assert not (tmp_path / "none.duckdb").exists()


def test_store_locked_by_a_writer_is_503(db: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time, duckdb
        con = duckdb.connect({db!r})
        print("locked", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        r = TestClient(create_app(db_path=db)).get("/stats")
        assert r.status_code == 503 and r.json()["error"] == "E301"
    finally:
        holder.kill()
        holder.wait()


class StubEngine:
    """Codes every article as one fixed event: the /code plumbing without spaCy."""

    def __init__(self) -> None:
        self.seen: list = []

    def code_article(self, article):
        self.seen.append(article)
        return CodedArticle(article=article, events=make_coded(0, n_events=1).events)


def test_code_with_a_stub_engine(db: str) -> None:
    stub = StubEngine()
    c = TestClient(create_app(db_path=db, engine=stub))
    r = c.post("/code", json={"text": "China and Russia signed a <b>deal</b> on Monday.", "published": "2023-3-21",
                              "title": "Deal", "url": "https://news.example/deal?utm_source=x"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"article", "events", "quantities", "accounts"} and len(body["events"]) == 1
    art = body["article"]
    assert art["published"] == "2023-03-21" and art["title"] == "Deal" and art["status"] == "ok"
    assert art["url"] == "https://news.example/deal?utm_source=x" and len(art["article_id"]) == 64
    assert stub.seen[0].text.startswith("China and Russia")
    assert c.get("/health").json()["engine_loaded"] is True
    assert c.post("/code", json={"text": "   "}).json()["error"] == "E130"
    r = c.post("/code", json={"text": "x", "published": "soon"})
    assert r.status_code == 400 and r.json()["error"] == "E311"
    assert c.post("/code", json={"title": "no text"}).json()["error"] == "E701"
    assert c.post("/code", content=b"not json", headers={"content-type": "application/json"}).status_code == 422


@pytest.mark.model
def test_code_with_the_real_engine(db: str) -> None:
    c = TestClient(create_app(db_path=db))
    text = ("Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow on Monday. "
            "The two leaders signed an agreement on energy cooperation.")
    t0 = time.perf_counter()
    r = c.post("/code", json={"text": text, "published": "2023-03-21", "title": "Xi in Moscow"})
    first = time.perf_counter() - t0
    assert r.status_code == 200, r.text
    body = r.json()
    coded = CodedArticle.from_dict(body)  # the CodedArticle contract, round-tripped
    assert coded.article.status == "ok" and coded.article.published == "2023-03-21"
    assert coded.to_dict() == body
    for ev in coded.events:  # the coder may still find none; what it finds must be well formed
        assert ev.article_id == coded.article.article_id and ev.sentence and ev.cameo
    t0 = time.perf_counter()
    again = c.post("/code", json={"text": text, "published": "2023-03-21", "title": "Xi in Moscow"}).json()
    assert again == body  # deterministic, and the engine is loaded once
    assert time.perf_counter() - t0 < max(first, 1.0)
    assert c.get("/health").json()["engine_loaded"] is True
    german = c.post("/code", json={"text": "Die Bundesregierung hat am Montag in Berlin einen neuen "
                                           "Haushalt beschlossen, teilte ein Sprecher mit."}).json()
    assert german["article"]["status"] == "skipped" and german["events"] == []
