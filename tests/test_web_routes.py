"""The web routes without a browser (TestClient): autocomplete JSON, the CSV, pages as HTTP
answers, a missing store. The pages in a real browser: tests/test_web.py."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from detente.api import create_app
from web_fixtures import build_store


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(db_path=build_store(tmp_path_factory.mktemp("webr") / "w.duckdb")))


def test_actors_autocomplete(client: TestClient) -> None:
    body = client.get("/actors", params={"q": "chin"}).json()
    first = body["actors"][0]
    assert first == {"code": "CHN", "name": "China", "match": "China", "events": 8, "label": "China (CHN)"}
    assert client.get("/actors", params={"q": "Russians"}).json()["actors"][0]["code"] == "RUS"  # a demonym
    assert client.get("/actors", params={"q": "deu"}).json()["actors"][0]["name"] == "Germany"  # a code
    assert client.get("/actors", params={"q": ""}).json()["actors"] == []
    assert client.get("/actors", params={"q": "a", "limit": 3}).json()["actors"].__len__() == 3
    assert client.get("/actors", params={"limit": 0}).json()["error"] == "E701"


def test_pair_csv_and_pages(client: TestClient) -> None:
    r = client.get("/pair.csv", params={"a": "China", "b": "Russia (RUS)"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    header = lines[0].split(",")
    assert header[:12] == ["period", "n", "mentions", "q1", "q2", "q3", "q4", "goldstein_sum", "goldstein_mean",
                           "coop", "conflict", "index"]
    assert "articles" in header and "n_per_1000" in header  # the series' normalisation travels with it
    assert len(lines) == 9
    r = client.get("/pair", params={"a": "CHN", "b": "RUS"})
    assert r.status_code == 200 and "Russian and Chinese troops clashed on the Amur border." in r.text
    assert client.get("/pair", params={"a": "Narnia", "b": "RUS"}).status_code == 400
    assert client.get("/pair.csv", params={"a": "Narnia", "b": "RUS"}).json()["error"] == "E720"
    assert client.get("/static/detente.css").status_code == 200
    assert client.get("/").headers["content-type"].startswith("text/html")


def test_pages_without_a_store(tmp_path: Path) -> None:
    c = TestClient(create_app(db_path=str(tmp_path / "none.duckdb")))
    r = c.get("/")
    assert r.status_code == 404 and "E306" in r.text and "detente ingest" in r.text
    assert not (tmp_path / "none.duckdb").exists()
