"""GET /happenings (detente.web.happenings) over the store of tests/web_pages_fixtures.py: the
happenings of the stored events, filtered, sorted and paged, each with its reports, and with the
analysts' reviews applied on request. The store file is never written."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from detente.api import create_app
from detente.reviews import add_review
from web_pages_fixtures import build_pages_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_pages_store(tmp_path_factory.mktemp("webhappenings") / "h.duckdb")[0]


@pytest.fixture(scope="module")
def client(db: str) -> TestClient:
    return TestClient(create_app(db_path=db))


def _get(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get("/happenings", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_every_happening_is_made_of_the_pairs_own_events(client: TestClient) -> None:
    whole = _get(client)
    assert whole["total"] == whole["count"] == 12  # 10 CHN-RUS, 2 DEU-FRA: the negated event has no target
    assert {h["pair"] for h in whole["happenings"]} == {"CHN-RUS", "DEU-FRA"}
    assert [h["date"] for h in whole["happenings"]] == sorted(h["date"] for h in whole["happenings"])
    assert "gkey" not in whole["happenings"][0]
    pair_events = {e["event_id"] for e in client.get("/events", params={"pair": "CHN,RUS", "limit": 100})
                   .json()["events"]}
    chn_rus = _get(client, pair="russia,china")  # names, either order
    assert chn_rus["total"] == 10 and {h["pair"] for h in chn_rus["happenings"]} == {"CHN-RUS"}
    reports = [e for h in chn_rus["happenings"] for e in h["event_ids"]]
    assert len(reports) == len(set(reports)) and set(reports) <= pair_events
    assert all(h["rep_event_id"] in h["event_ids"] for h in chn_rus["happenings"])


def test_filters_sort_and_pages(client: TestClient) -> None:
    conflict = _get(client, pair="CHN,RUS", quad=4)
    assert [h["cameo"] for h in conflict["happenings"]] == ["190", "190", "172"]
    assert _get(client, actor="france")["total"] == 2
    assert _get(client, pair="CHN,RUS", **{"from": "2022-09"})["total"] == 2
    assert _get(client, pair="CHN,RUS", to="2022-02")["total"] == 2
    assert {h["cameo_root"] for h in _get(client, root="4")["happenings"]} == {"04"}
    ordered = _get(client, sort="-goldstein")["happenings"]
    scores = [h["goldstein"] for h in ordered]
    assert scores == sorted(scores, reverse=True) and scores[0] == 8.0
    whole = [h["happening_id"] for h in _get(client)["happenings"]]
    pages = [_get(client, limit=5, offset=off) for off in (0, 5, 10)]
    assert [p["count"] for p in pages] == [5, 5, 2] and {p["total"] for p in pages} == {12}
    assert [h["happening_id"] for p in pages for h in p["happenings"]] == whole
    assert client.get("/happenings", params={"limit": 5}).headers["x-total-count"] == "12"


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"quad": "9"}, 400, "E313"), ({"root": "33"}, 400, "E310"), ({"sort": "size"}, 400, "E722"),
    ({"pair": "CHN"}, 400, "E312"), ({"actor": "Chna"}, 400, "E315"), ({"from": "last week"}, 400, "E311"),
    ({"limit": "0"}, 422, "E701"),
])
def test_bad_parameters_are_errors_with_their_code(client: TestClient, params: dict[str, str], status: int,
                                                   code: str) -> None:
    r = client.get("/happenings", params=params)
    assert r.status_code == status and r.json()["error"] == code, r.text


def test_reviewed_leaves_out_a_happening_whose_only_report_is_wrong(tmp_path: Path) -> None:
    db = build_pages_store(tmp_path / "r.duckdb")[0]
    client = TestClient(create_app(db_path=db))
    before = _get(client, pair="CHN,RUS", quad=4)["happenings"]
    clash = next(h for h in before if h["date"] == "2022-05-15")
    add_review(db, clash["event_ids"][0], "wrong", reviewer="ann")
    assert [h["happening_id"] for h in _get(client, pair="CHN,RUS", quad=4)["happenings"]] == \
        [h["happening_id"] for h in before]  # not applied unless asked
    after = _get(client, pair="CHN,RUS", quad=4, reviewed="true")
    assert after["reviewed"] is True
    assert [h["date"] for h in after["happenings"]] == ["2022-07-15", "2022-08-15"]
