"""Shared test helpers: records built in code, a store per test, the real Engine loaded once.

Tests that load the spaCy pipeline are marked ``model``; reading ../shared is marked ``shared``.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from detente.records import Account, Actor, Article, CodedArticle, Event, Location, Quantity, event_id_for

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

COUNTRIES = [("CHN", "China"), ("RUS", "Russia"), ("USA", "United States"), ("IND", "India"),
             ("UKR", "Ukraine"), ("FRA", "France")]
VERBS = ["met", "criticised", "signed a trade deal with", "praised", "warned", "visited"]


def make_event(article_id: str, i: int = 0, *, source: str | None = "CHN", target: str | None = "RUS",
               cameo: str = "042", polarity: str = "asserted", modality: str = "actual",
               date: str | None = "2022-09-15", **kw: Any) -> Event:
    root = cameo[:2]
    values: dict[str, Any] = {
        "event_id": event_id_for(article_id, i, (0, 5), cameo), "article_id": article_id, "sentence_index": i,
        "sentence": f"Sentence {i} of {article_id[:6]}.",
        "spans": {"source": [0, 5], "predicate": [6, 9], "target": None},
        "date": date, "date_precision": "day", "date_basis": "explicit",
        "source": Actor(text=source, code=source + "GOV", country=source, sector="GOV", name=source, kind="state")
        if source else None,
        "target": Actor(text=target, code=target, country=target, name=target, kind="state") if target else None,
        "cameo": cameo, "cameo_root": root, "quad_class": 1 if root < "06" else 4, "goldstein": 1.9,
        "plover": "CONSULT", "plover_mode": None, "polarity": polarity, "modality": modality,
        "location": Location(name="Samarkand", country="UZB", lat=39.65, lon=66.96, geonames_id=1216265,
                          feature="city"),
        "confidence": 0.8, "coder": "test-coder", "trigger": "met", "pattern": "test:1"}
    values.update(kw)
    return Event(**values)


def make_coded(n: int = 0, n_events: int = 2, **article_kw: Any) -> CodedArticle:
    text = f"Article number {n}. China met Russia in Samarkand."
    article = Article.make(text, url=f"https://news.example/{n}", title=f"Story {n}", source="example",
                           published="2022-09-16", lang="en", origin=f"test:{n}", **article_kw)
    aid = article.article_id
    events = [make_event(aid, i, cameo="042" if i % 2 == 0 else "0211") for i in range(n_events)]
    quantities = [Quantity(article_id=aid, sentence_index=0, sentence="Trade rose 30%.", measure="trade",
                           value=30.0, unit="percent", change=30.0, from_country="CHN", to_country="RUS",
                           quantity_id=f"q{n}", text="30%", date="2022-09")]
    accounts = [Account(article_id=aid, parties=["CHN", "RUS"], summary="They disagree.",
                        event_ids=[e.event_id for e in events], account_id=f"acc{n}",
                        claims=[{"party": "CHN", "event_ids": [], "says": "all is well"}])]
    return CodedArticle(article=article, events=events, quantities=quantities, accounts=accounts)


def write_warc(path: Path, story: str, n: int = 3, gzipped: bool = True) -> bytes:
    """A WARC file of ``n`` HTML news pages telling ``story`` (update i of it); its bytes."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)
        for i in range(n):
            html = (f"<html><head><title>Story {i}</title></head><body><article><p>{story}</p>"
                    f"<p>This is update number {i} of the story.</p></article></body></html>")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example.org/story/{i}", "response", payload=io.BytesIO(html.encode()),
                http_headers=headers, warc_headers_dict={"WARC-Date": f"2024-01-0{i + 1}T12:00:00Z"}))
    return path.read_bytes()


def write_corpus(path: Path, n: int, seed: int = 1) -> Path:
    """``n`` generated English news articles as JSONL (the format of shared/corpus)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            (_a, an), (_b, bn) = rnd.sample(COUNTRIES, 2)
            sentences = [f"The government of {an} {rnd.choice(VERBS)} {bn} on Monday, officials said."
                         for _ in range(rnd.randint(3, 8))]
            fh.write(json.dumps({"id": f"gen-{i}", "title": f"{an} and {bn}, story {i}",
                                 "text": f"Story {i}.\n\n" + " ".join(sentences),
                                 "date": f"2022-09-{1 + i % 28:02d}", "source": "generated",
                                 "url": f"https://generated.example/story/{i}", "lang": "en"}) + "\n")
    return path


@pytest.fixture
def store(tmp_path: Path):
    from detente.store import Store
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def engine():
    """The real Engine (spaCy + actors + coder), loaded once per session."""
    from detente.config import load_config
    from detente.pipeline import Engine
    return Engine(load_config(n_process=1))


@pytest.fixture(scope="session")
def nlp():
    """The spaCy English pipeline the engine uses (``load_pipeline`` caches it)."""
    from detente.nlp import load_pipeline
    return load_pipeline()


@pytest.fixture(scope="session")
def kb():
    """The built-in actor knowledge base (``load_kb`` caches it)."""
    from detente.actors import load_kb
    return load_kb()


@pytest.fixture(scope="session")
def rules_engine():
    """The rules alone (no pair scorer), keeping each event's trail of rules in ``coder.trace``."""
    from detente.config import load_config
    from detente.pipeline import Engine
    engine = Engine(load_config(n_process=1, pairs=False))
    engine.coder.trace = {}
    return engine


def one(cursor: Any) -> tuple[Any, ...]:
    """The row of a query that returns exactly one (``fetchone()`` is typed ``| None``)."""
    row = cursor.fetchone()
    assert row is not None
    return row


class FakeEngine:
    """Stands in for :class:`detente.pipeline.Engine` where the test is about the plumbing, not the
    coding: each ok article gets ``1 + len(text) % 4`` events; a text containing ``FAIL`` fails."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.seen: list[str] = []

    def code_many(self, articles: list[Article]) -> list[CodedArticle]:
        import time
        from dataclasses import replace

        if self.delay:
            time.sleep(self.delay)
        out = []
        for a in articles:
            self.seen.append(a.article_id)
            if a.status != "ok":
                out.append(CodedArticle(article=a))
            elif "FAIL" in a.text:
                out.append(CodedArticle(article=replace(a, status="failed",
                                                        status_reason="coding failed: ValueError: boom at x.py:1")))
            else:
                n = 1 + len(a.text) % 4
                out.append(CodedArticle(article=a, events=[make_event(a.article_id, i) for i in range(n)]))
        return out


def gen_articles(n: int, start: int = 0) -> list[Article]:
    return [Article.make(f"Article {i}: China met Russia." + " More." * (i % 5), url=f"https://x.example/{i}",
                         published="2022-09-01", lang="en", origin=f"gen:{i}") for i in range(start, start + n)]
