"""Quantities: percent changes vs levels, money, counts of people, trade flows."""

from __future__ import annotations

import pytest

from detente.context.quantities import extract_quantities

COUNTRIES = {"germany": "DEU", "german": "DEU", "france": "FRA", "french": "FRA", "brazil": "BRA",
             "brazilian": "BRA", "argentina": "ARG", "japan": "JPN", "japanese": "JPN", "kenya": "KEN",
             "india": "IND", "indian": "IND", "iran": "IRN", "moscow": "RUS", "russia": "RUS", "belarus": "BLR",
             "turkey": "TUR", "turkish": "TUR", "egypt": "EGY", "china": "CHN", "chinese": "CHN"}


def country_of(tok):
    """The stub the tests use: a small dict on the token's text (or its possessor's)."""
    return COUNTRIES.get(tok.text.lower())


def _qs(nlp, text, **kw):
    return extract_quantities(nlp(text), "art", country_of, **kw)


def _one(nlp, text, **kw):
    qs = _qs(nlp, text, **kw)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.model
def test_percent_change_with_trade_flow_and_period(nlp):
    q = _one(nlp, "Brazilian exports to Argentina increased by 20 per cent between March and June.")
    assert (q.measure, q.value, q.unit, q.change) == ("exports", None, None, 20.0)
    assert (q.from_country, q.to_country, q.period) == ("BRA", "ARG", "March–June")
    assert q.text == "20 per cent" and q.sentence_index == 0 and len(q.quantity_id) == 32


@pytest.mark.model
def test_imports_from_x_take_the_importer_from_the_main_pair(nlp):
    text = ("Kenya and India signed a new agreement. India praised Kenya. "
            "Imports from India grew by only 4.5 per cent until May.")
    q = next(q for q in _qs(nlp, text) if q.measure == "imports")
    assert (q.from_country, q.to_country, q.change, q.period) == ("IND", "KEN", 4.5, "–May")


@pytest.mark.model
def test_falls_are_negative(nlp):
    q = _one(nlp, "German exports fell by 3% in 2022.")
    assert (q.measure, q.change, q.from_country, q.period) == ("exports", -3.0, "DEU", "2022")


@pytest.mark.model
def test_a_level_is_not_a_change(nlp):
    q = _one(nlp, "Inflation rose to 40 per cent.")
    assert (q.measure, q.value, q.unit, q.change) == ("inflation", 40.0, "percent", None)
    q = _one(nlp, "Unemployment stands at 7%.")
    assert (q.value, q.unit, q.change) == (7.0, "percent", None)


@pytest.mark.model
def test_change_noun(nlp):
    q = _one(nlp, "The government reported a 12 percent increase in Turkish exports.")
    assert (q.measure, q.change, q.from_country) == ("exports", 12.0, "TUR")


@pytest.mark.model
def test_money(nlp):
    q = _one(nlp, "China offered Egypt a $2 billion loan.")
    assert (q.measure, q.value, q.unit, q.from_country, q.to_country) == ("loan", 2e9, "USD", "CHN", "EGY")
    q = _one(nlp, "Japan pledged $300 million in aid to Kenya.")
    assert (q.measure, q.value, q.unit, q.from_country, q.to_country) == ("aid", 3e8, "USD", "JPN", "KEN")
    q = _one(nlp, "France will invest 5 billion euros in the project.")
    assert (q.value, q.unit) == (5e9, "EUR")


@pytest.mark.model
def test_counts_of_people(nlp):
    q = _one(nlp, "Gunmen killed 12 people in the market.")
    assert (q.measure, q.value, q.unit) == ("casualties", 12.0, "people")
    q = _one(nlp, "At least three soldiers were killed in the ambush.")
    assert (q.measure, q.value, q.unit) == ("casualties", 3.0, "soldiers")
    q = _one(nlp, "Moscow deployed 3,000 troops to Belarus.")
    assert (q.measure, q.value, q.unit, q.from_country, q.to_country) == ("troops", 3000.0, "troops", "RUS", "BLR")
    q = _one(nlp, "Police arrested 40 protesters outside parliament.")
    assert (q.measure, q.value) == ("arrested", 40.0)


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "The two countries signed three agreements in 2019.",
    "Talks resumed three years ago.",
    "The two presidents met for the first time.",
    "He spoke for 20 minutes.",
])
def test_numbers_that_measure_nothing(nlp, text):
    assert _qs(nlp, text) == []


@pytest.mark.model
def test_date_when_published_given(nlp):
    q = _one(nlp, "German exports fell by 3% last month.", published="2023-03-16")
    assert q.date == "2023-02-01"


@pytest.mark.model
def test_ids_are_stable(nlp):
    a = _qs(nlp, "Gunmen killed 12 people in the market.")
    b = _qs(nlp, "Gunmen killed 12 people in the market.")
    assert a[0].quantity_id == b[0].quantity_id
    assert a[0].to_dict() == b[0].to_dict()
