"""Two demonyms naming one people (``detente.actors.descent``): the last names the country, the first the descent;
a pair naming two parties keeps both. Sentences written for these tests."""

from __future__ import annotations

import pytest

from detente.actors import DocActors

pytestmark = pytest.mark.model


def states(nlp, kb, text):
    """The countries the document's mentions name, in order (what the coder and the pair model read)."""
    doc = nlp(text)
    da = DocActors(kb, doc, "2021-05-01")
    return [a.country for _, _, a in da.mentions() if a.country], da, doc


def phrase(da, doc, word):
    tok = next(t for t in doc if t.text == word)
    return [a.code for a in da.actors_for(tok)]


@pytest.mark.parametrize("text,first,word,code", [
    # the pair is the noun
    ("Cuban-Americans in Florida rallied against the Venezuelan government.", "Cuban", "Americans", "USA"),
    ("Several Turkish Cypriots crossed the line to vote on Sunday.", "Turkish", "Cypriots", "CYP"),
    ("Among those detained was a Greek Cypriot from Larnaca.", "Greek", "Cypriot", "CYP"),
    # one person or body
    ("A Chinese-American businessman was arrested at the airport last week.", "Chinese", "businessman", "USABUS"),
    ("The Turkish Cypriot leader walked out of the meeting.", "Turkish", "leader", "CYPGOV"),
    ("The Greek Cypriot government condemned the drilling.", "Greek", "government", "CYPGOV"),
    # written with a space, people
    ("Greek Cypriot negotiators returned to Geneva on Monday.", "Greek", "negotiators", "CYPGOV"),
])
def test_the_last_demonym_names_the_country_the_first_only_the_descent(nlp, kb, text, first, word, code):
    countries, da, doc = states(nlp, kb, text)
    got = phrase(da, doc, word)
    assert got and got[0] == code
    descent = kb.lookup(first, None)[0].country
    assert descent not in countries, f"{first} is only the descent: {countries}"
    assert "only the descent" in next(m.why for m in da._mentions if m.text == first)


@pytest.mark.parametrize("text,pair", [
    ("Russian-Chinese talks on the pipeline resumed in Moscow.", {"RUS", "CHN"}),
    ("Israeli-Palestinian negotiators met again in Amman.", {"ISR", "PSE"}),
    ("Sino-Indian relations cooled after the border clash.", {"CHN", "IND"}),
    ("A Sino-Japanese film crew arrived in Tokyo.", {"CHN", "JPN"}),
    ("The Egyptian-Sudanese border was closed on Friday.", {"EGY", "SDN"}),
    ("Brazilian-Argentine-Uruguayan trade rose last year.", {"BRA", "ARG", "URY"}),
])
def test_a_joint_or_dyadic_pair_keeps_both_parties(nlp, kb, text, pair):
    countries, _da, _doc = states(nlp, kb, text)
    assert pair <= set(countries)


def test_a_pair_inside_a_longer_name_keeps_both(nlp, kb):
    countries, _da, _doc = states(nlp, kb, "Profits at the Saudi British Bank fell by a third.")
    assert {"SAU", "GBR"} <= set(countries)


def test_a_name_before_a_demonym_is_no_pair_of_demonyms(nlp, kb):
    """ "Kosovo-Albanian": the state's name, then a people; the rule leaves both."""
    countries, _da, _doc = states(nlp, kb, "Kosovo-Albanian parties boycotted the vote in Pristina.")
    assert "KSV" in countries and "ALB" in countries


def test_the_descent_is_no_party_of_an_event(engine):
    """With the pair model on (the default), "Greek" in "the Greek Cypriot leader" makes no Greek event."""
    from detente.pipeline import code_text

    coded = code_text("The Greek Cypriot leader accused Turkey of blocking the talks.", "2021-05-01", engine=engine)
    sources = {e.source.country for e in coded.events if e.source is not None}
    assert "CYP" in sources and "GRC" not in sources
