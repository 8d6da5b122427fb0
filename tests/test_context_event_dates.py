"""Dates: every kind of time expression, the governing one, the fallbacks."""

from __future__ import annotations

import time

import pytest

from detente.context.event_dates import DateInfo, parse_published, resolve_date

PUB = "2023-03-16"  # a Thursday


def _date(nlp, text: str, verb: str, published: str | None = PUB, **kw) -> DateInfo:
    doc = nlp(text)
    tok = next(t for t in doc if t.text == verb)
    return resolve_date(doc, tok.i, published, **kw)


def test_parse_published():
    assert parse_published("2023-03-16").isoformat() == "2023-03-16"
    assert parse_published("2023-03-16T08:00:00Z").isoformat() == "2023-03-16"
    assert parse_published(None) is None
    assert parse_published("") is None


@pytest.mark.model
@pytest.mark.parametrize("text,verb,date,precision,basis", [
    ("In January 2023, the two governments signed a trade pact.", "signed", "2023-01-01", "month", "explicit"),
    ("The ministers met on 2 March to discuss the border.", "met", "2023-03-02", "day", "explicit"),
    ("The ministers met on March 2 to discuss the border.", "met", "2023-03-02", "day", "explicit"),
    ("The treaty was signed on 12 May 2021 in a small ceremony.", "signed", "2021-05-12", "day", "explicit"),
    ("Canada imposed sanctions on the regime in 2014.", "imposed", "2014-01-01", "year", "explicit"),
    ("Both sides have cooperated since 2015.", "cooperated", "2015-01-01", "year", "explicit"),
    ("Peru recalled its ambassador in November.", "recalled", "2022-11-01", "month", "explicit"),
    ("Sales rose steadily until February.", "rose", "2023-02-01", "month", "explicit"),
    ("Chile will host the talks in May.", "host", "2023-05-01", "month", "explicit"),
    ("Kenya expelled two diplomats on Tuesday.", "expelled", "2023-03-14", "day", "relative"),
    ("Kenya expelled two diplomats on Thursday.", "expelled", "2023-03-16", "day", "relative"),
    ("The envoy will arrive on Monday for talks.", "arrive", "2023-03-20", "day", "relative"),
    ("Ghana protested yesterday against the decision.", "protested", "2023-03-15", "day", "relative"),
    ("Norway announced today that it would send aid.", "announced", "2023-03-16", "day", "relative"),
    ("Police clashed with protesters last night in the capital.", "clashed", "2023-03-15", "day", "relative"),
    ("The two leaders will speak tomorrow by phone.", "speak", "2023-03-17", "day", "relative"),
    ("Brazil broke off relations three years ago.", "broke", "2020-01-01", "year", "relative"),
    ("The rebels seized the town two days ago.", "seized", "2023-03-14", "day", "relative"),
    ("Fiji joined the bloc six months ago.", "joined", "2022-09-01", "month", "relative"),
    ("Earlier this month, Oman hosted a round of talks.", "hosted", "2023-03-01", "month", "relative"),
    ("Egypt reopened the crossing last month.", "reopened", "2023-02-01", "month", "relative"),
    ("Turkey will hold elections next month.", "hold", "2023-04-01", "month", "relative"),
    ("Mali suspended the agreement last year.", "suspended", "2022-01-01", "year", "relative"),
    ("Japan and Korea resumed talks between January and February.", "resumed", "2023-01-01", "month", "explicit"),
])
def test_expressions(nlp, text, verb, date, precision, basis):
    info = _date(nlp, text, verb)
    assert (info.date, info.precision, info.basis) == (date, precision, basis), info
    assert info.text


@pytest.mark.model
def test_last_week_is_the_middle_of_the_previous_week(nlp):
    info = _date(nlp, "Last week, Finland and Sweden held a joint drill.", "held")
    # publication Thursday 2023-03-16: last week is Mon 6 - Sun 12 March
    assert (info.date, info.precision, info.earliest, info.latest) == ("2023-03-09", "day", "2023-03-06", "2023-03-12")
    nxt = _date(nlp, "The delegation will travel to Rome next week.", "travel")
    assert (nxt.earliest, nxt.latest) == ("2023-03-20", "2023-03-26")


@pytest.mark.model
def test_last_weekday_is_strictly_before(nlp):
    assert _date(nlp, "Iran tested a missile last Thursday.", "tested").date == "2023-03-09"


@pytest.mark.model
def test_month_without_year_is_the_last_one_for_the_past_and_the_next_for_the_future(nlp):
    assert _date(nlp, "Cuba freed the prisoners in August.", "freed").date == "2022-08-01"
    assert _date(nlp, "Cuba will free the prisoners in August.", "free").date == "2023-08-01"


@pytest.mark.model
def test_the_expression_on_the_predicate_wins_over_others_in_the_sentence(nlp):
    text = "On Monday, officials said that the two navies had exercised together in 2019."
    assert _date(nlp, text, "exercised").text == "2019"
    assert _date(nlp, text, "said").date == "2023-03-13"


@pytest.mark.model
def test_a_clause_below_the_predicate_does_not_date_it(nlp):
    info = _date(nlp, "The two sides agreed to meet again next month.", "agreed")
    assert info.basis == "publication"


@pytest.mark.model
def test_relative_clause_dates_do_not_leak(nlp):
    info = _date(nlp, "Under the accord that was signed in 2015, inspectors visited the site.", "visited")
    assert info.basis == "publication" and info.date == PUB


@pytest.mark.model
def test_fallbacks(nlp):
    info = _date(nlp, "Argentina criticised the decision.", "criticised")
    assert (info.date, info.precision, info.basis, info.text, info.historical) == (PUB, "day", "publication",
                                                                                      None, False)
    none = _date(nlp, "Argentina criticised the decision on Friday.", "criticised", published=None)
    assert none.date is None and none.basis == "publication"
    explicit = _date(nlp, "Argentina criticised the decision in March 2020.", "criticised", published=None)
    assert explicit.date == "2020-03-01"


@pytest.mark.model
def test_historical_flag(nlp):
    assert _date(nlp, "Spain recognised the government in 2011.", "recognised").historical
    assert not _date(nlp, "Spain recognised the government on Monday.", "recognised").historical
    assert not _date(nlp, "Spain recognised the government earlier this month.", "recognised").historical
    assert _date(nlp, "Spain recognised the government two months ago.", "recognised").historical
    assert not _date(nlp, "Spain recognised the government two months ago.", "recognised",
                     historical_days=90).historical


@pytest.mark.model
def test_may_the_verb_is_not_a_month(nlp):
    info = _date(nlp, "Belgium may recall its envoy.", "recall")
    assert info.basis == "publication"


@pytest.mark.model
def test_numeric_dates_go_to_dateparser(nlp):
    info = _date(nlp, "The border was closed on 19/02/2023 by the army.", "closed")
    assert info.date == "2023-02-19"


@pytest.mark.model
def test_fast_after_the_first_call(nlp):
    doc = nlp("Last week, the two presidents met in Vienna and signed a deal. "
              "On Friday, the ministers met again. Trade rose by 5 per cent in 2022.")
    preds = [t.i for t in doc if t.pos_ == "VERB"]
    resolve_date(doc, preds[0], PUB)
    t0 = time.perf_counter()
    for _ in range(2000):
        for i in preds:
            resolve_date(doc, i, PUB)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.model
def test_day_without_year_and_unknown_tense_takes_the_nearest(nlp):
    # published 16 March 2023; "are planning ... on April 2" is ahead, not a year back
    info = _date(nlp, "Organisers are planning a large rally on April 2 in the capital.", "rally")
    assert info.date == "2023-04-02"
    assert _date(nlp, "Organisers held a large rally on April 2 in the capital.", "held").date == "2022-04-02"
