"""A stored event ``record`` that cannot be read back (NULL, or JSON that is not an Event) never
stops the Events views: ``GET /events?format=jsonl`` and the ``/browse`` page leave that row out,
count it by reason (:func:`detente.store.read_record`) and say so — the JSONL in a response header,
the page in a line above the table — as the export and the article views do
(tests/test_export_bad_records.py, whose store this reuses; tests/test_store_bad_records.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from detente.api import create_app
from detente.store import Store
from test_export_bad_records import _set_record, _store


def _event_ids(path: Path) -> list[str]:
    """The store's event ids in the order /events lists them by default (date, then article,
    sentence, event id)."""
    with Store(path, read_only=True) as st:
        return [r[0] for r in st.query("SELECT event_id FROM events ORDER BY date NULLS LAST, article_id, "
                                       "sentence_index, event_id").fetchall()]


@pytest.fixture
def store_and_ids(tmp_path: Path) -> tuple[Path, list[str]]:
    path, _ = _store(tmp_path)
    return path, _event_ids(path)


def _client(path: Path) -> Any:
    return TestClient(create_app(db_path=str(path)))


# a page of up to 1,000 rows reads each record back in Python; a larger one has them checked in the
# query first (detente.web.events_page.CHECK_IN_SQL): both must leave out the same rows
LIMITS = pytest.mark.parametrize("limit", [100, 5000])


@LIMITS
def test_events_jsonl_leaves_out_a_null_record_and_says_so(store_and_ids: tuple[Path, list[str]], limit: int) -> None:
    path, ids = store_and_ids
    before = _client(path).get(f"/events?format=jsonl&limit={limit}")
    assert before.status_code == 200 and "x-detente-left-out" not in before.headers
    old = before.text.splitlines()
    assert [json.loads(line)["event_id"] for line in old] == ids

    dropped = ids[1]
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [dropped])
    r = _client(path).get(f"/events?format=jsonl&limit={limit}")
    assert r.status_code == 200, r.text
    assert r.text.splitlines() == [line for line, i in zip(old, ids, strict=True) if i != dropped]  # byte for byte
    assert json.loads(r.headers["x-detente-left-out"]) == {"events: record is NULL": 1}
    assert r.headers["x-total-count"] == str(len(ids))  # the rows that match, as before


@LIMITS
def test_events_jsonl_leaves_out_json_that_is_not_an_event(store_and_ids: tuple[Path, list[str]], limit: int) -> None:
    path, ids = store_and_ids
    _set_record(path, "UPDATE events SET record = ? WHERE event_id = ?", ["[1, 2]", ids[0]])
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [ids[3]])
    # an Event's JSON the store would not write today (compact, as an earlier writer might have):
    # readable, so it is written as stored
    with Store(path, read_only=True) as st:
        stored = st.query("SELECT record FROM events WHERE event_id = ?", [ids[2]]).fetchall()[0][0]
    compact = json.dumps(json.loads(stored), separators=(",", ":"), ensure_ascii=False)
    _set_record(path, "UPDATE events SET record = ? WHERE event_id = ?", [compact, ids[2]])
    r = _client(path).get(f"/events?format=jsonl&limit={limit}")
    assert r.status_code == 200, r.text
    lines = r.text.splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [ids[1], ids[2]]
    assert lines[1] == compact
    assert json.loads(r.headers["x-detente-left-out"]) == {"events: record is NULL": 1,
                                                           "events: record is not the JSON of an Event": 1}


def test_events_page_leaves_out_a_null_record_and_says_so(store_and_ids: tuple[Path, list[str]]) -> None:
    path, ids = store_and_ids
    before = _client(path).get("/browse")
    assert before.status_code == 200 and 'id="left-out"' not in before.text
    assert before.text.count("<tr data-event=") == len(ids)

    dropped = ids[2]
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [dropped])
    r = _client(path).get("/browse")
    assert r.status_code == 200, r.text
    shown = [i for i in ids if f'<tr data-event="{i}"' in r.text]
    assert shown == [i for i in ids if i != dropped]
    assert 'id="left-out"' in r.text and "events: record is NULL (1)" in r.text
    assert "1 stored record could not be read back and is left out" in r.text
    # the range and total still count the rows that match the filters
    assert f'<strong id="total">{len(ids)}</strong>' in r.text
    assert f'<strong id="range">1–{len(ids)}</strong>' in r.text
    # the other rows as before: their sentences still marked
    assert r.text.count('<mark class="ent ent-predicate">') == before.text.count('<mark class="ent ent-predicate">') - 1


def test_plain_events_json_keeps_the_row_with_record_null(store_and_ids: tuple[Path, list[str]]) -> None:
    path, ids = store_and_ids
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [ids[0]])
    r = _client(path).get("/events")
    assert r.status_code == 200
    rows = r.json()["events"]
    assert [e["event_id"] for e in rows] == ids and rows[0]["record"] is None
    assert "x-detente-left-out" not in r.headers
