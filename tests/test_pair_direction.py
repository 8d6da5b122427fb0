"""Which pairs an act makes: material transfers flow one way (``one_way_codes``, ``partner_preps``), a state
is no party to a domestic event with its own parts (rules.one_state_twice), and a bare statement ranks
below the threshold at which ``detente eval`` asserts an event (``statement_codes``)."""

from __future__ import annotations

import pytest

from detente.coding.cues import load_cues

pytestmark = pytest.mark.model


def _events(engine, text: str):
    from detente.records import Article
    return engine.code_article(Article.make(text, published="2019-04-02")).events


def _pairs(engine, text: str, root: str) -> set[tuple[str | None, str | None]]:
    return {(e.source.country if e.source else None, e.target.country if e.target else None)
            for e in _events(engine, text) if e.cameo_root == root}


def test_the_lists_are_data():
    cues = load_cues()
    assert cues.one_way_codes == ("06",)
    assert "with" in cues.partner_preps
    assert "010" in cues.statement_codes and "015" not in cues.statement_codes


@pytest.mark.parametrize("text,giver,taker", [
    ("Germany sold four submarines to Egypt last year.", "DEU", "EGY"),  # a sale
    ("Norway supplies gas to Poland through a new pipeline.", "NOR", "POL"),  # a supply
    ("Kenya imported wheat from Ukraine in 2020.", "KEN", "UKR"),  # an import: the importer acts
])
def test_a_transfer_flows_one_way(rules_engine, text, giver, taker):
    pairs = _pairs(rules_engine, text, "06")
    assert (giver, taker) in pairs, pairs
    assert (taker, giver) not in pairs, pairs


@pytest.mark.parametrize("text,a,b", [
    ("Chile traded with Bolivia throughout the decade.", "CHL", "BOL"),
    ("India held joint naval exercises with Japan in the Bay of Bengal.", "IND", "JPN"),
])
def test_cooperation_with_a_partner_is_mutual(rules_engine, text, a, b):
    pairs = _pairs(rules_engine, text, "06")
    assert {(a, b), (b, a)} <= pairs, pairs


@pytest.mark.parametrize("text,root", [
    ("Brazilians wanted their government to cut fuel taxes.", "02"),  # the people and their government
    ("The French president visited a museum in Lyon on Sunday.", "04"),  # a visit at home
])
def test_a_state_and_its_own_parts_make_no_pair(rules_engine, text, root):
    for e in _events(rules_engine, text):
        if e.source and e.target and e.source.country == e.target.country:
            assert e.source.sector and e.target.sector, (e.source, e.target, e.cameo)


def test_rebels_face_the_state_itself(rules_engine):
    pairs = _pairs(rules_engine, "Kurdish PKK rebels attacked Turkey again on Sunday.", "19")
    assert ("TUR", "TUR") in pairs, pairs


def test_two_parts_of_one_state_still_make_a_pair(rules_engine):
    pairs = _pairs(rules_engine, "Colombian troops attacked FARC rebels near the Venezuelan border.", "19")
    assert ("COL", "COL") in pairs, pairs


def test_a_bare_statement_ranks_below_the_threshold(rules_engine):
    events = [e for e in _events(rules_engine, "The Kenyan foreign minister told Ugandan officials about the plan.")
              if e.cameo_root == "01"]
    assert events, "the statement is still coded and stored"
    assert all(e.confidence <= 0.5 for e in events), [(e.cameo, e.confidence) for e in events]


def test_a_statement_keeps_its_confidence_in_petrarch_practice():
    from detente.config import load_config
    from detente.pipeline import Engine
    from detente.records import Article
    engine = Engine(load_config(n_process=1, pairs=False, petrarch_practice=True))
    events = engine.code_article(Article.make("The Kenyan foreign minister told Ugandan officials about the plan.",
                                              published="2019-04-02")).events
    assert any(e.cameo_root == "01" and e.confidence > 0.5 for e in events), [(e.cameo, e.confidence) for e in events]
