"""A meeting named in an adjunct of a clause is its subject's: "said *after talks with* Poland's premier".

The sentences are written for these tests. The construction (a meeting, call, talks or conversation
"with" a partner, in an "in/at/during/after/before/following/on" phrase of a clause, with no agent of
its own) occurs 166 times in the news sample; the rules alone missed 31 of the 34 consultation events
the annotators coded in the 21 training sentences that use it.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model


def _pairs(rules_engine, text: str) -> set[tuple[str, str, str]]:
    from detente.records import Article
    events = rules_engine.code_article(Article.make(text, published="2021-03-10")).events
    return {(e.source.country, e.target.country, e.cameo_root) for e in events
            if e.counts and e.source is not None and e.target is not None and e.source.country and e.target.country}


@pytest.mark.parametrize("text,a,b", [
    ("The Russian speaker said at a meeting with a French parliamentary delegation that the claims were absurd.",
     "RUS", "FRA"),
    ("The German chancellor said in Warsaw after talks with the Polish prime minister that she was worried.",
     "DEU", "POL"),
    ("During a long meeting with the Kenyan president on Tuesday, the Chinese envoy praised the new railway.",
     "CHN", "KEN"),
])
def test_the_clause_subject_met_the_partner(rules_engine, text, a, b):
    got = _pairs(rules_engine, text)
    assert (a, b, "04") in got and (b, a, "04") in got, got


def test_a_meeting_with_its_own_agent_keeps_it(rules_engine):
    # the possessor held the meeting: the clause's subject (a third state) did not take part
    got = _pairs(rules_engine, "Brazil said after Egypt's talks with Jordan that it would send aid.")
    assert ("BRA", "JOR", "04") not in got and ("JOR", "BRA", "04") not in got, got


def test_a_passive_clause_lends_no_subject(rules_engine):
    # the ambassador was expelled; nothing says the expelled diplomat held the talks
    got = _pairs(rules_engine, "The Peruvian ambassador was expelled after talks with Chile collapsed.")
    assert ("PER", "CHL", "04") not in got, got


def test_an_adjunct_without_a_partner_is_no_meeting_of_the_subject(rules_engine):
    got = _pairs(rules_engine, "The Italian minister spoke about Libya at a meeting in Rome.")
    assert not any(r == "04" for _, _, r in got), got
