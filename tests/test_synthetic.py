"""The synthetic stand-in store (:mod:`detente.analysis.synthetic`) writes each event's ``record``
as the store itself does: byte for byte the text of :func:`detente.store.to_json`, never NULL."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from conftest import make_coded, make_event
from detente.analysis.synthetic import create_tables, insert_events
from detente.records import Actor
from detente.store import Store


def test_insert_events_writes_the_record_the_store_writes(tmp_path: Path) -> None:
    coded = make_coded(0)
    aid = coded.article.article_id
    ev = make_event(aid, 7, sentence="Le ministre a rencontré son homologue à Zürich — « un pas » vers la paix.",
                    goldstein=-4.4, confidence=0.125,
                    claimant=Actor(text="Außenministerium", code="DEUGOV", country="DEU", sector="GOV"))
    coded.events.append(ev)
    with Store(tmp_path / "s.duckdb") as st:
        st.write(coded)
        stored = {eid: rec for eid, rec in st.con.execute("SELECT event_id, record::VARCHAR FROM events").fetchall()}

    con = duckdb.connect()
    create_tables(con)
    insert_events(con, coded.events, [coded.article])
    synthetic = {eid: rec for eid, rec in con.execute("SELECT event_id, record::VARCHAR FROM events").fetchall()}
    con.close()

    assert len(stored) == 3 and None not in synthetic.values()
    assert synthetic == stored
    assert "Zürich" in synthetic[ev.event_id]  # non-ASCII as itself, as the store writes it
    assert synthetic[ev.event_id] != json.dumps(ev.to_dict())  # what it wrote before: \u-escaped
