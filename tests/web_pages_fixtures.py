"""The store of the Events and Article page tests: the pair-explorer store of tests/web_fixtures.py
(ten one-event articles, China and Russia, France and Germany) plus one article told in several
sentences, with real spans, a claimant, a negated event, places and relative dates, and a
divergent account of the talks by the two sides."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import make_event
from detente.records import Account, Actor, Article, CodedArticle, Location, Quantity
from detente.store import Store
from web_fixtures import build_store

TEXT = ("Moscow and Beijing gave different accounts of the talks.\n\n"
        "Russian Foreign Minister Sergei Lavrov met Chinese Foreign Minister Wang Yi in Moscow on Tuesday. "
        "According to the Russian ministry, the two sides agreed to expand military cooperation. "
        "China's foreign ministry said only that the ministers exchanged views.\n\n"
        "Russia later denied sending troops to the border <near Blagoveshchensk>.")
SENTENCES = [s for p in TEXT.split("\n\n") for s in
             (p.replace(". ", ".|").split("|"))]  # the five sentences, as the coder's sentencer cuts them
TITLE = "Lavrov & Wang: two accounts of the Moscow talks"
LAVROV = Actor(text="Russian Foreign Minister Sergei Lavrov", code="RUSGOV", country="RUS", sector="GOV",
               name="Sergei Lavrov", kind="person")
WANG = Actor(text="Chinese Foreign Minister Wang Yi", code="CHNGOV", country="CHN", sector="GOV", name="Wang Yi",
             kind="person")


def _span(sentence: str, words: str) -> list[int]:
    start = sentence.index(words)
    return [start, start + len(words)]


def rich_article() -> CodedArticle:
    article = Article.make(TEXT, url="https://news.example/moscow-talks", title=TITLE, source="Example Times",
                           published="2022-09-15", lang="en", origin="web-test:rich", source_id="rich-1")
    aid = article.article_id
    s1, s2, s4 = SENTENCES[1], SENTENCES[2], SENTENCES[4]
    met = dataclasses.replace(
        make_event(aid, 1, cameo="040", date="2022-09-13", sentence=s1, goldstein=1.0, quad_class=1),
        spans={"source": _span(s1, LAVROV.text), "predicate": _span(s1, "met"), "target": _span(s1, WANG.text)},
        source=LAVROV, target=WANG, cameo_name="Consult, not specified below", plover="CONSULT",
        date_basis="relative", date_text="on Tuesday",
        location=Location(name="Moscow", country="RUS", lat=55.75, lon=37.62, feature="city", text="Moscow"))
    agreed = dataclasses.replace(
        make_event(aid, 2, cameo="0312", date="2022-09-13", sentence=s2, goldstein=5.2, quad_class=1),
        spans={"source": _span(s2, "the two sides"), "predicate": _span(s2, "agreed"), "target": None},
        source=Actor(text="the two sides", code="RUS", country="RUS", name="Russia", kind="state"),
        target=Actor(text="the two sides", code="CHN", country="CHN", name="China", kind="state"),
        cameo_name="Express intent to cooperate militarily", plover="AGREE", modality="intended", trigger="agreed",
        claimant=Actor(text="the Russian ministry", code="RUSGOV", country="RUS", sector="GOV", name="Russia",
                       kind="state"), location=None)
    denied = dataclasses.replace(
        make_event(aid, 4, cameo="150", date="2022-09-15", sentence=s4, goldstein=-7.2, quad_class=4),
        spans={"source": _span(s4, "Russia"), "predicate": _span(s4, "sending"), "target": None},
        source=Actor(text="Russia", code="RUS", country="RUS", name="Russia", kind="state"), target=None,
        cameo_name="Demonstrate military or police power", plover="MOBILIZE", polarity="negated", trigger="sending",
        modality="denied", date_basis="publication", location=None)
    account = Account(article_id=aid, parties=["RUS", "CHN"], account_id="acc-rich",
                      summary="Russia says the two sides agreed to expand military cooperation; China says only "
                              "that views were exchanged.", event_ids=[met.event_id, agreed.event_id],
                      claims=[{"party": "RUS", "event_ids": [agreed.event_id],
                               "says": "the two sides agreed to expand military cooperation"},
                              {"party": "CHN", "event_ids": [], "says": "the ministers exchanged views"}])
    quantity = Quantity(article_id=aid, sentence_index=4, sentence=s4, measure="troops", value=None, unit="troops",
                        from_country="RUS", quantity_id="q-rich", text="troops")
    return CodedArticle(article=article, events=[met, agreed, denied], quantities=[quantity], accounts=[account])


# the words of each STORY sentence (tests/web_fixtures.py) that name its source, action and target
STORY_WORDS = [("China", "signed", "Russia"), ("Chinese leaders", "expand", "Moscow"), ("Russia", "signed", "China"),
               ("The Russian foreign minister", "visited", "Beijing"), ("Russian", "clashed", "Chinese troops"),
               ("Beijing", "accused", "Moscow"), ("Chinese artillery", "shelled", "Russian positions"),
               ("Russia", "imposed sanctions", "Chinese banks"),
               ("The French president", "met", "the German chancellor"),
               ("German", "held talks", "French ministers")]


def _with_words(coded: CodedArticle, words: tuple[str, str, str]) -> CodedArticle:
    """The story's event with the spans of its words and its code's name and PLOVER type."""
    from detente.coding.codebook import load_codebook

    cb = load_codebook()
    ev = coded.events[0]
    plover, mode, context = cb.plover(ev.cameo)
    roles = ("source", "predicate", "target")
    spans: dict[str, list[int] | None] = {role: _span(ev.sentence, w) for role, w in zip(roles, words, strict=True)}
    return dataclasses.replace(coded, events=[dataclasses.replace(
        ev, spans=spans, cameo_name=cb.name(ev.cameo), plover=plover, plover_mode=mode, plover_context=context)])


def build_pages_store(path: Path) -> tuple[str, CodedArticle]:
    """The store (13 events in 11 articles) and the rich article in it."""
    db = build_store(path)
    coded = rich_article()
    with Store(db) as s:
        stories = sorted(s.coded_articles(), key=lambda c: int(str(c.article.origin).rsplit(":", 1)[1]))
        stories = [_with_words(c, w) for c, w in zip(stories, STORY_WORDS, strict=True)]
        s.write_many([*stories, coded], run_id=s.start_run(["web-pages-fixture"]))
    return db, coded
