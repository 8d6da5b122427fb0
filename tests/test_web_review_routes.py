"""Reviews without a browser: the write protection of /reviews (read-only server, no token, a wrong
token, CORS only with --cors), `detente serve`'s options, the Relations JSON and page, and the
reviews applied by --reviewed / reviewed=true and exported as gold. In a real browser:
tests/test_web_review.py."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from typer.testing import CliRunner

from detente.api import create_app
from detente.cli import app as cli
from detente.errors import ConfigError
from detente.reviews import add_review, list_reviews
from detente.store import Store
from detente.web import review
from web_fixtures import build_store

TOKEN = "correct horse battery staple"


def _client(db: str, allow_writes: bool = False, token: str | None = None, cors: str | None = None) -> TestClient:
    app = create_app(db_path=db)
    review.configure(app, review.WriteSettings(allow_writes, token, cors))
    return TestClient(app)


def _events(db: str, **filters: Any) -> list[dict[str, Any]]:
    with Store(db, read_only=True) as s:
        return s.events(**filters)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return build_store(tmp_path / "r.duckdb")


def test_a_read_only_server_refuses_writes_and_still_lists(db: str) -> None:
    c = _client(db)
    event = _events(db)[0]["event_id"]
    r = c.post("/reviews", json={"event_id": event, "verdict": "right"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and r.json()["error"] == "E730" and "--allow-writes" in r.json()["detail"]
    body = c.get("/reviews").json()
    assert body == {"count": 0, "total": 0, "writes": False, "reviews": []}
    with Store(db, read_only=True) as s:  # nothing was written, not even the table
        assert s.query("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reviews'").fetchall()[0][0] == 0


def test_writes_need_the_token(db: str) -> None:
    c = _client(db, allow_writes=True, token=TOKEN)
    event = _events(db)[0]["event_id"]
    body = {"event_id": event, "verdict": "right", "reviewer": "ann"}
    r = c.post("/reviews", json=body)
    assert r.status_code == 401 and r.json()["error"] == "E731"
    r = c.post("/reviews", json=body, headers={"Authorization": "Bearer correct horse"})
    assert r.status_code == 401 and r.json()["error"] == "E732"
    r = c.post("/reviews", json=body, headers={"Authorization": f"Basic {TOKEN}"})
    assert r.status_code == 401 and r.json()["error"] == "E731"
    assert c.get("/reviews").json()["total"] == 0
    r = c.post("/reviews", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201
    saved = r.json()
    assert saved["event_id"] == event and saved["verdict"] == "right" and saved["reviewer"] == "ann"
    listed = c.get("/reviews", params={"event_id": event}).json()
    assert listed["writes"] is True and [x["review_id"] for x in listed["reviews"]] == [saved["review_id"]]
    # a bad review is the library's error, with the token accepted
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = c.post("/reviews", json={"event_id": event, "verdict": "right", "cameo": "042"}, headers=auth)
    assert r.status_code == 400 and r.json()["error"] == "E361"
    r = c.post("/reviews", json={"event_id": event, "cameo": "999"}, headers=auth)
    assert r.status_code == 400 and r.json()["error"] == "E361"
    r = c.post("/reviews", json={"event_id": "no-such-event", "verdict": "wrong"}, headers=auth)
    assert r.status_code == 400 and r.json()["error"] == "E360"


def test_cors_only_with_an_origin(db: str) -> None:
    origin = "https://analysis.example"
    plain = _client(db)
    r = plain.get("/reviews", headers={"Origin": origin})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    r = plain.options("/reviews", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    c = _client(db, cors=origin)
    r = c.get("/reviews", headers={"Origin": origin})
    assert r.headers["access-control-allow-origin"] == origin
    r = c.options("/reviews", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                       "Access-Control-Request-Headers": "authorization"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == origin
    assert "authorization" in r.headers["access-control-allow-headers"].lower()
    r = c.get("/reviews", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_serve_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    for name in ("DETENTE_TOKEN", "DETENTE_ALLOW_WRITES", "DETENTE_CORS", "DETENTE_DB", "DETENTE_ALLOWED_HOSTS"):
        monkeypatch.setenv(name, "")  # remembered, so that what `serve` sets is undone after the test
        monkeypatch.delenv(name)
    with pytest.raises(ConfigError) as exc:
        review.serve_environment(True, None, None)
    assert exc.value.code == "E733"
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    db = str(tmp_path / "s.duckdb")
    r = CliRunner().invoke(cli, ["serve", "--db", db, "--allow-writes"])
    assert r.exit_code == 2 and "E733" in r.output and not calls
    r = CliRunner().invoke(cli, ["serve", "--db", db])
    assert r.exit_code == 0 and calls[-1]["host"] == "127.0.0.1"  # loopback unless --host
    import os

    assert os.environ["DETENTE_ALLOW_WRITES"] == "" and os.environ["DETENTE_CORS"] == ""
    assert review.settings_from_env() == review.WriteSettings(False, None, None)
    r = CliRunner().invoke(cli, ["serve", "--db", db, "--allow-writes", "--token", TOKEN, "--cors",
                                 "https://a.example"])
    assert r.exit_code == 0, r.output
    assert review.settings_from_env() == review.WriteSettings(True, TOKEN, "https://a.example")
    monkeypatch.setenv("DETENTE_TOKEN", "from-the-env")
    r = CliRunner().invoke(cli, ["serve", "--db", db, "--allow-writes"])
    assert r.exit_code == 0 and review.settings_from_env().token == "from-the-env"


def test_relations_json_and_page(db: str) -> None:
    c = _client(db)
    body = c.get("/relations").json()
    assert body["countries"] == ["CHN", "DEU", "FRA", "RUS"]
    i, j = body["countries"].index("CHN"), body["countries"].index("RUS")
    assert body["counts"][i][j] == 8 and body["matrix"][i][j] < 0  # four months of friendship, four of fighting
    k = body["countries"].index("DEU")
    assert body["matrix"][i][k] is None and body["counts"][i][k] == 0  # no events: not 0, neutral
    page = c.get("/relations/view", params={"country": "China"})
    assert page.status_code == 200
    html = page.text
    assert 'data-iso3="RUS" data-code="RUS" data-index="' in html
    assert 'class="country focus"' in html and 'data-iso3="CHN"' in html
    assert 'class="country none" d=' in html  # countries without events with China are hatched
    assert html.count('<td class="none"') == 8 and html.count('<td class="cell"') == 4
    assert c.get("/relations/view", params={"country": "Narnia"}).status_code == 400
    assert c.get("/relations", params={"from": "soon"}).json()["error"] == "E311"


def test_reviews_change_every_aggregate(db: str, tmp_path: Path) -> None:
    """A conflict event marked wrong and another recoded as cooperation: events, dyad and relations with
    --reviewed (and reviewed=true) see the corrections; without it, the coder's rows."""
    rows = _events(db, pair=["CHN", "RUS"])
    clash = next(r for r in rows if r["sentence"].startswith("Russian and Chinese troops clashed"))
    shelled = next(r for r in rows if r["sentence"].startswith("Chinese artillery shelled"))
    add_review(db, clash["event_id"], cameo="042", reviewer="ann", note="a visit, misread")
    add_review(db, shelled["event_id"], "wrong", reviewer="bob")
    run = CliRunner().invoke
    r = run(cli, ["events", "--pair", "CHN,RUS", "--db", db, "--format", "jsonl"])
    raw = [json.loads(line) for line in r.output.splitlines()]
    r = run(cli, ["events", "--pair", "CHN,RUS", "--db", db, "--format", "jsonl", "--reviewed"])
    fixed = [json.loads(line) for line in r.output.splitlines()]
    assert len(raw) == 8 and len(fixed) == 7
    recoded = next(e for e in fixed if e["event_id"] == clash["event_id"])
    assert (recoded["cameo"], recoded["quad_class"], recoded["goldstein"]) == ("042", 1, 1.9)
    assert shelled["event_id"] not in {e["event_id"] for e in fixed}
    for args, name in ((["relations", "--csv"], "rel"), (["dyad", "CHN", "RUS", "--csv"], "dyad")):
        before, after = tmp_path / f"{name}0.csv", tmp_path / f"{name}1.csv"
        assert run(cli, [*args, str(before), "--db", db]).exit_code == 0
        assert run(cli, [*args, str(after), "--db", db, "--reviewed"]).exit_code == 0
        assert before.read_text() != after.read_text()
    may = next(line for line in (tmp_path / "dyad1.csv").read_text().splitlines() if line.startswith("2022-05"))
    assert may.split(",")[1:7] == ["1", "1", "1", "0", "0", "0"]  # one happening, now verbal cooperation
    c = _client(db)
    plain, reviewed = c.get("/relations").json(), c.get("/relations", params={"reviewed": "true"}).json()
    pair = lambda body: next(p for p in body["pairs"] if (p["a"], p["b"]) == ("CHN", "RUS"))
    assert pair(plain)["n"] == 8 and pair(reviewed)["n"] == 7 and pair(reviewed)["index"] > pair(plain)["index"]
    assert reviewed["reviewed"] == 2 and plain["reviewed"] is None
    for route in ("/dyad/CHN/RUS", "/changes/china/russia"):
        series = {r["period"]: r for r in c.get(route, params={"reviewed": "true"}).json()["series"]}
        assert (series["2022-05-01"]["q1"], series["2022-05-01"]["q4"]) == (1, 0)  # recoded as a visit
        assert series["2022-07-01"]["n"] == 0  # marked wrong
        series = {r["period"]: r for r in c.get(route).json()["series"]}
        assert (series["2022-05-01"]["q1"], series["2022-05-01"]["q4"], series["2022-07-01"]["n"]) == (0, 1, 1)
    with Store(db, read_only=True) as s:  # the coder's rows are untouched
        assert s.query("SELECT cameo FROM events WHERE event_id = ?", [clash["event_id"]]).fetchall() == [("190",)]


def test_gold_export(db: str, tmp_path: Path) -> None:
    rows = _events(db)
    by_sentence = {r["sentence"][:20]: r for r in rows}
    treaty = by_sentence["China and Russia sig"]
    sanction = by_sentence["Russia imposed sanct"]
    meeting = by_sentence["The French president"]
    add_review(db, treaty["event_id"], "right")
    add_review(db, sanction["event_id"], source="China", target="RUS", reviewer="ann")
    add_review(db, meeting["event_id"], modality="hypothetical")
    out = tmp_path / "gold.jsonl"
    r = CliRunner().invoke(cli, ["export", "--table", "reviews", "--format", "gold", "--db", db, "--out", str(out)])
    assert r.exit_code == 0, r.output
    gold = {g["text"]: g for g in map(json.loads, out.read_text().splitlines())}
    assert len(gold) == 3
    g = gold[treaty["sentence"]]
    assert g["expected"] == [{"source": treaty["source_code"], "target": "RUS", "code": "057"}]
    assert g["scored"] is True and g["date"] == "2022-01-15" and g["id"] == f"{treaty['article_id']}:0"
    assert gold[sanction["sentence"]]["expected"] == [{"source": "CHN", "target": "RUS", "code": "172"}]
    assert gold[meeting["sentence"]]["expected"] == []  # hypothetical: not an event the coder should count
    from detente.evaluation import read_gold

    assert [x["id"] for x in read_gold(out)] == [json.loads(line)["id"] for line in out.read_text().splitlines()]
    r = CliRunner().invoke(cli, ["export", "--table", "reviews", "--db", db])  # jsonl: the rows, oldest first
    assert [json.loads(line)["verdict"] for line in r.output.splitlines()] == ["right", "corrected", "corrected"]
    from detente.export import export
    from detente.store import Store

    with Store(db, read_only=True) as s:  # the library's limit: the first rows
        assert export(s, "jsonl", str(tmp_path / "two.jsonl"), table="reviews", limit=2) == 2
    r = CliRunner().invoke(cli, ["export", "--table", "reviews", "--pair", "CHN,RUS", "--db", db])  # no event filters
    assert r.exit_code == 2 and "E362" in r.output
    r = CliRunner().invoke(cli, ["export", "--table", "reviews", "--format", "gdelt", "--db", db])
    assert r.exit_code == 2 and "E362" in r.output
    assert len(list_reviews(db)) == 3
