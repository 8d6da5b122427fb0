"""A listed person's surname inside a longer personal name the knowledge base does not know names someone else
(``DocActors._namesake``): sentences written for these tests, people from a test file."""

from __future__ import annotations

import pytest

from detente.actors import DocActors, build_kb

pytestmark = pytest.mark.model

PEOPLE = """\
- name: Anton Varga
  country: HUN
  aliases: [Varga, Antal Varga]
  roles:
    - {code: HUNGOV, role: Prime Minister, start: 2012-01-01, end: null}
- name: Mahmoud Qaderi
  country: AFG
  aliases: [Qaderi]
  roles:
    - {code: AFGGOV, role: Foreign Minister, start: 2012-01-01, end: null}
"""
DATE = "2020-03-01"


@pytest.fixture(scope="module")
def names_kb(tmp_path_factory):
    p = tmp_path_factory.mktemp("names") / "people.yaml"
    p.write_text(PEOPLE)
    return build_kb([str(p)])


def countries(nlp, kb, text, word, nth=0):
    """Countries of the phrase headed by the ``nth`` token ``word``."""
    doc = nlp(text)
    da = DocActors(kb, doc, DATE)
    toks = [t for t in doc if t.text == word]
    assert len(toks) > nth, f"{word!r} not in {[t.text for t in doc]}"
    return [a.country for a in da.actors_for(toks[nth])]


@pytest.mark.parametrize("text", [
    "On Sunday, Peter Varga, a plumber from Ohio, won the lottery.",  # another given name
    "Peter Varga, a plumber from Ohio, won the lottery on Sunday.",  # ... opening the sentence
    "The lawyer Peter Varga won the case.",
    "Anton Varga Jr. opened a bakery in Toronto.",  # the son: a generational suffix after the full name
    "Anton Varga, Jr. opened a bakery in Toronto.",
    "Yesterday Varga Jr. opened a bakery in Toronto.",  # after the bare surname
])
def test_longer_name_is_someone_else(nlp, names_kb, text):
    doc = nlp(text)
    da = DocActors(names_kb, doc, DATE)
    assert not any(a.country == "HUN" for _s, _e, a in da.mentions()), [(a.text, a.country) for *_x, a in da.mentions()]


@pytest.mark.parametrize("text,word", [
    ("On Monday, Anton Varga met the French ambassador.", "Varga"),  # the full name
    ("On Monday, Antal Varga met the French ambassador.", "Varga"),  # a listed full alias
    ("On Monday, Prime Minister Varga met the French ambassador.", "Varga"),  # title + surname
    ("On Monday, Mr. Varga met the French ambassador.", "Varga"),
    ("Varga's spokesman criticised the French ambassador.", "spokesman"),  # possessive
    ("Varga met the French ambassador on Monday.", "Varga"),  # the surname alone
    ("On Monday, Anton J. Varga met the French ambassador.", "Varga"),  # a middle initial
    ("On Monday, Antonn Varga met the French ambassador.", "Varga"),  # a spelling of his given name
    ("The Hungarian premier, Anton Varga, met the French ambassador.", "Varga"),
])
def test_the_listed_person_still_matches(nlp, names_kb, text, word):
    assert countries(nlp, names_kb, text, word) == ["HUN"]


@pytest.mark.parametrize("text,word", [
    ("Removing Varga from office would need a vote in parliament.", "Varga"),  # a verb opening the sentence
    ("The plan was mocked by the Never Varga crowd in Budapest.", "crowd"),  # a function word
])
def test_capitalised_words_that_are_no_given_names(nlp, names_kb, text, word):
    doc = nlp(text)
    da = DocActors(names_kb, doc, DATE)
    assert any(a.country == "HUN" for _s, _e, a in da.mentions())


def test_bare_surname_after_a_namesake_stays_the_listed_person(nlp, names_kb):
    text = "Peter Varga, a plumber, sued the city. Varga said the city owed him money."
    assert "HUN" not in countries(nlp, names_kb, text, "Varga", nth=0)
    assert countries(nlp, names_kb, text, "Varga", nth=1) == ["HUN"]


def test_a_title_before_the_surname_is_not_a_given_name(nlp, names_kb):
    assert countries(nlp, names_kb, "Foreign Minister Qaderi criticised the decision.", "Qaderi") == ["AFG"]
    assert "AFG" not in countries(nlp, names_kb, "Foreign Minister Rashid Qaderi criticised the decision.",
                                  "Qaderi")
