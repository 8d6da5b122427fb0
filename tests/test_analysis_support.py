"""Builders shared by the analysis tests: events made in code, an in-memory store.

(No tests here; ``from test_analysis_support import ...`` in the test_analysis_* modules.)
"""

from __future__ import annotations

import duckdb

from detente.analysis.synthetic import create_tables, insert_events
from detente.records import Actor, Article, Event, Location

# root -> (quad class, goldstein) for the roots used in tests
ROOTS = {"01": (1, 0.0), "03": (1, 4.0), "04": (1, 1.0), "05": (1, 3.5), "06": (2, 6.0), "11": (3, -2.0),
         "12": (3, -4.0), "13": (3, -6.0), "16": (4, -4.0), "17": (4, -7.0), "18": (4, -9.0),
         "19": (4, -10.0)}
OUTLETS: dict[str, str] = {}


def ev(eid: str, a: str, b: str, root: str, date: str, *, prec: str = "day", basis: str = "explicit",  # noqa: PLR0913 - a test event's fields
       loc: str | None = None, article: str = "art1", sent: int = 0, goldstein: float | None = None,
       polarity: str = "asserted", modality: str = "actual", confidence: float = 0.5,
       sentence: str | None = None, cameo: str | None = None) -> Event:
    quad, gold = ROOTS[root]
    return Event(
        event_id=eid, article_id=article, sentence_index=sent,
        sentence=sentence or f"{a} does {root} to {b} ({eid}).", spans={}, date=date,
        date_precision=prec, date_basis=basis,
        source=Actor(text=a, code=a, country=a), target=Actor(text=b, code=b, country=b),
        cameo=cameo or f"{root}0", cameo_root=root, quad_class=quad,
        goldstein=gold if goldstein is None else goldstein, plover=None, plover_mode=None,
        polarity=polarity, modality=modality, confidence=confidence,
        location=Location(name=loc, country=loc) if loc else None,
    )


def article(aid: str, outlet: str = "Wire", published: str = "2022-09-20") -> Article:
    return Article(article_id=aid, text="", source=outlet, published=published)


def store(events: list[Event], articles: list[Article] | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_tables(con)
    if articles is None:
        ids = sorted({e.article_id for e in events})
        articles = [article(i, outlet=f"Outlet {i}") for i in ids]
    insert_events(con, events, articles)
    return con


def table(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()
