"""A motion verb ("flew to", "arrived in", "left for") is a visit only by a political traveller
(rules.political_traveller; travel_verbs, visitor_sectors, military_visitors in cues.yaml)."""

from __future__ import annotations

import pytest

from detente.coding.cues import load_cues

pytestmark = pytest.mark.model


def _visits(rules_engine, text: str) -> set[tuple[str | None, str | None, str]]:
    from detente.records import Article
    events = rules_engine.code_article(Article.make(text, published="2019-04-02")).events
    return {(e.source.country if e.source else None, e.target.country if e.target else None, e.cameo)
            for e in events if e.cameo_root in ("03", "04")}


def test_the_lists_are_data():
    cues = load_cues()
    assert {"fly", "arrive", "leave"} <= cues.travel_verbs
    assert "gov" in cues.visitor_sectors
    assert "minister" in cues.military_visitors


@pytest.mark.parametrize("text,visitor,host", [
    ("Thousands of Senegalese landed in Portugal last summer.", "SEN", "PRT"),  # a state's people
    ("Millions of tourists flew to Greece last year.", None, "GRC"),  # travellers of no political sector
    ("Hundreds of Nepali students went to Canada in 2018.", "NPL", "CAN"),  # students
    ("Two Danish fighter jets flew to Estonia on Monday.", "DNK", "EST"),  # military aircraft
    ("Peru goes to the polls on Sunday.", "PER", None),  # a bare state
])
def test_other_travellers_pay_no_visit(rules_engine, text, visitor, host):
    visits = _visits(rules_engine, text)
    assert not any(c.startswith("04") for _, _, c in visits), visits


@pytest.mark.parametrize("text,visitor,host", [
    ("The Chilean foreign minister flew to Lima on Monday.", "CHL", "PER"),  # an official
    ("A Vietnamese delegation arrived in Seoul on Tuesday.", "VNM", "KOR"),  # a delegation
    ("The Polish defence minister flew to Oslo on Monday.", "POL", "NOR"),  # a military person who visits
    ("Angela Merkel came to Paris to discuss the budget.", "DEU", "FRA"),  # a person the knowledge base knows
])
def test_political_travellers_visit(rules_engine, text, visitor, host):
    visits = _visits(rules_engine, text)
    assert (visitor, host, "042") in visits, visits
    assert (host, visitor, "043") in visits, visits


def test_visit_itself_keeps_every_source(rules_engine):
    # "visit" is no motion verb: whoever visits, visits (the rule is about journeys only)
    assert ("SEN", "PRT", "042") in _visits(rules_engine, "Senegal's football team visited Portugal in May.")
