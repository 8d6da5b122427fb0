"""A stored ``record`` that cannot be read back (NULL, or JSON that is not its record) never stops
showing an article: ``Store.coded_articles`` / ``Store.article``, ``GET /articles/{id}`` and the
article page leave that record out, count it by reason and answer with the rest, as the jsonl
export does (tests/test_export_bad_records.py, whose store this reuses)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from detente.store import Store
from test_export_bad_records import _set_record, _store


def _first_event(path: Path, article_id: str) -> str:
    with Store(path, read_only=True) as st:
        return str(st.query("SELECT event_id FROM events WHERE article_id = ? ORDER BY sentence_index, event_id "
                            "LIMIT 1", [article_id]).fetchall()[0][0])


def test_coded_articles_leave_out_a_null_record_and_count_it(tmp_path: Path) -> None:
    path, ids = _store(tmp_path)
    with Store(path, read_only=True) as st:
        before = [c.to_dict() for c in st.coded_articles()]
    dropped = _first_event(path, ids[0])
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [dropped])
    _set_record(path, "UPDATE quantities SET record = ? WHERE article_id = ?", ['{"measure": "trade"}', ids[1]])

    left_out: Counter[str] = Counter()
    with Store(path, read_only=True) as st:
        after = [c.to_dict() for c in st.coded_articles(left_out=left_out)]
        lines = [json.loads(line) for line in st.coded_article_lines()]
        one = st.article(ids[0])
    assert left_out == {"events: record is NULL": 1, "quantities: record is not the JSON of a Quantity": 1}
    assert [c["article"]["article_id"] for c in after] == ids
    # everything else as it was: the first article without that event, the second without its quantity
    before[0]["events"] = [e for e in before[0]["events"] if e["event_id"] != dropped]
    before[1]["quantities"] = []
    assert after == before
    assert lines == after  # the Python API and the jsonl lines agree on what is left out
    assert one is not None and [e.event_id for e in one.events] == [e["event_id"] for e in before[0]["events"]]
    assert len(one.events) == 1 and len(one.quantities) == 1 and len(one.accounts) == 1


def test_coded_articles_without_a_counter_still_answer(tmp_path: Path) -> None:
    path, ids = _store(tmp_path)
    _set_record(path, "UPDATE accounts SET record = ?", ["[1, 2]"])
    with Store(path, read_only=True) as st:
        got = list(st.coded_articles(article_ids=[ids[1]]))
    assert len(got) == 1 and got[0].accounts == [] and len(got[0].events) == 2


@pytest.fixture
def client_and_ids(tmp_path: Path) -> tuple[object, list[str], str]:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from detente.api import create_app

    path, ids = _store(tmp_path)
    dropped = _first_event(path, ids[0])
    _set_record(path, "UPDATE events SET record = NULL WHERE event_id = ?", [dropped])
    return TestClient(create_app(db_path=str(path))), ids, dropped


def test_article_endpoint_answers_with_the_good_records(client_and_ids: tuple[object, list[str], str]) -> None:
    client, ids, dropped = client_and_ids
    r = client.get(f"/articles/{ids[0]}")  # type: ignore[attr-defined]
    assert r.status_code == 200, r.text
    body = r.json()
    assert dropped not in [e["event_id"] for e in body["events"]]
    assert len(body["events"]) == 1 and len(body["quantities"]) == 1 and len(body["accounts"]) == 1
    assert body["left_out"] == {"events: record is NULL": 1}
    other = client.get(f"/articles/{ids[1]}").json()  # type: ignore[attr-defined]
    assert set(other) == {"article", "events", "quantities", "accounts"} and len(other["events"]) == 2


def test_article_page_answers_and_says_what_is_left_out(client_and_ids: tuple[object, list[str], str]) -> None:
    client, ids, dropped = client_and_ids
    r = client.get(f"/article/{ids[0]}")  # type: ignore[attr-defined]
    assert r.status_code == 200, r.text
    assert r.text.count('class="event-card') == 1 and dropped not in r.text
    assert 'id="left-out"' in r.text and "events: record is NULL (1)" in r.text
    other = client.get(f"/article/{ids[1]}")  # type: ignore[attr-defined]
    assert other.status_code == 200 and other.text.count('class="event-card') == 2 and 'id="left-out"' not in other.text
