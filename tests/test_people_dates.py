"""A person's bare surname names them only near their years; namesakes compete for it by date (#11).

People invented for these tests, in an extra people file; sentences written for them.
"""

from __future__ import annotations

import pytest

from detente.actors import DocActors, build_kb
from detente.actors.kb import SURNAME_YEARS_AFTER, SURNAME_YEARS_BEFORE, person_window

PEOPLE = """\
- name: Lise Quenneville
  country: CAN
  aliases: [Quenneville]
  roles:
    - {code: CANGOV, role: Prime Minister, start: 2012-01-01, end: 2018-01-01}
- name: Henri Quenneville
  country: FRA
  aliases: []
  roles:
    - {code: FRAGOV, role: Minister of Finance, start: 1985-01-01, end: 1990-01-01}
- name: Anne-Marie Brot-Quenneville
  country: BEL
  aliases: []
  roles:
    - {code: BELGOV, role: Minister of Defence, start: 1975-01-01, end: 1980-01-01}
- name: Rena Talvik
  country: EST
  aliases: [Talvik]
  roles:
    - {code: ESTGOV, role: Prime Minister, start: 2000-01-01, end: 2010-01-01}
- name: Oskar Talvik
  country: EST
  aliases: []
  roles:
    - {code: ESTMIL, role: Chief of Defence, start: 2004-01-01, end: 2008-01-01}
- name: Mira Ketterlund
  country: PER
  aliases: [Ketterlund]
  roles:
    - {code: PERGOV, role: President, start: 2021-07-28, end: null}
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    p = tmp_path_factory.mktemp("people_dates") / "people.yaml"
    p.write_text(PEOPLE)
    return build_kb([str(p)])


def people(kb, text, date):
    return [(a.name, a.code) for a in kb.lookup(text, date) if a.kind == "person"]


def test_the_window_is_the_roles_widened_by_the_margins(kb):
    lise = next(e for e in kb.entries if e.name == "Lise Quenneville")
    assert person_window(lise) == (f"{2012 - SURNAME_YEARS_BEFORE}-01-01", f"{2018 + SURNAME_YEARS_AFTER}-01-01")
    mira = next(e for e in kb.entries if e.name == "Mira Ketterlund")
    assert person_window(mira)[1] is None  # still in office: no end


def test_a_bare_surname_outside_the_window_names_nobody(kb):
    assert people(kb, "Quenneville", "1970-06-01") == []
    assert people(kb, "Ketterlund", f"{2021 - SURNAME_YEARS_BEFORE - 1}-06-01") == []
    assert people(kb, "Ketterlund", f"{2021 - SURNAME_YEARS_BEFORE + 1}-06-01") == [("Mira Ketterlund", "PERELI")]
    assert people(kb, "Ketterlund", "2080-01-01") == [("Mira Ketterlund", "PERGOV")]  # open role: no upper bound


def test_after_the_last_role_a_surname_still_names_them_until_the_margin(kb):
    after = 1990 + SURNAME_YEARS_AFTER  # Henri Quenneville's last role ended in 1990
    assert people(kb, "Quenneville", f"{after - 1}-06-01")[0][0] == "Lise Quenneville"  # the nearer to a role
    assert ("Henri Quenneville", "FRAELI") in people(kb, "Quenneville", f"{after - 1}-06-01")
    assert ("Henri Quenneville", "FRAELI") not in people(kb, "Quenneville", f"{after + 1}-06-01")


def test_a_full_name_matches_on_any_date(kb):
    assert people(kb, "Lise Quenneville", "1970-06-01") == [("Lise Quenneville", "CANELI")]
    assert people(kb, "Henri Quenneville", "2090-06-01") == [("Henri Quenneville", "FRAELI")]


def test_the_namesake_in_office_wins_even_without_listing_the_surname(kb):
    assert people(kb, "Quenneville", "1987-06-01")[0] == ("Henri Quenneville", "FRAGOV")
    assert people(kb, "Quenneville", "2014-06-01")[0] == ("Lise Quenneville", "CANGOV")


def test_out_of_office_the_nearest_to_a_role_wins(kb):
    # 1999: only Henri is in his window (Lise's opens in 2002)
    assert people(kb, "Quenneville", "1999-06-01") == [("Henri Quenneville", "FRAELI")]
    # 2005: both are; Lise's first role is 7 years away, Henri's last 15 years back
    assert people(kb, "Quenneville", "2005-06-01")[0] == ("Lise Quenneville", "CANELI")


def test_a_tie_in_office_goes_to_the_one_who_lists_the_surname(kb):
    assert people(kb, "Talvik", "2006-06-01")[0] == ("Rena Talvik", "ESTGOV")
    assert ("Oskar Talvik", "ESTMIL") in people(kb, "Talvik", "2006-06-01")


def test_a_hyphenated_surname_does_not_give_its_last_part(kb):
    names = {n for n, _ in people(kb, "Quenneville", "1977-06-01")}
    assert "Anne-Marie Brot-Quenneville" not in names


def test_with_no_date_only_listed_aliases_match_as_before(kb):
    assert people(kb, "Quenneville", None) == [("Lise Quenneville", "CANELI")]
    assert people(kb, "Talvik", None) == [("Rena Talvik", "ESTELI")]


def test_a_surname_nobody_lists_stays_unmatched(kb):
    # Oskar Talvik's and Henri Quenneville's given names are no aliases; "Oskar" alone is nobody
    assert people(kb, "Oskar", "2006-06-01") == []


def test_the_built_in_people_files_date_a_shared_surname():
    from detente.actors import load_kb
    real = load_kb()
    countries = [a.country for a in real.lookup("Stoltenberg", "1987-03-11") if a.kind == "person"]
    assert countries and countries[0] == "DEU"
    assert real.lookup("Stoltenberg", "2016-03-11")[0].name == "Jens Stoltenberg"
    assert real.lookup("Stoltenberg")[0].name == "Jens Stoltenberg"  # no date: as before


# ---------------------------------------------------------------- in documents
@pytest.mark.model
@pytest.mark.parametrize("date,expected", [
    ("1987-06-01", "FRAGOV"),
    ("2014-06-01", "CANGOV"),
    ("1970-06-01", None),
])
def test_in_a_document_the_surname_is_read_on_the_articles_date(nlp, kb, date, expected):
    doc = nlp("Quenneville told lawmakers that the budget would be cut.")
    da = DocActors(kb, doc, date)
    tok = next(t for t in doc if t.text == "Quenneville")
    codes = [a.code for a in da.actors_for(tok) if a.kind == "person"]
    assert (codes[0] if codes else None) == expected


@pytest.mark.model
def test_in_a_document_a_full_name_before_decides_the_surname(nlp, kb):
    doc = nlp("Henri Quenneville, who once ran the treasury, wrote a memoir. Quenneville said it took years.")
    da = DocActors(kb, doc, "2014-06-01")
    tok = [t for t in doc if t.text == "Quenneville"][1]
    assert [a.name for a in da.actors_for(tok)][:1] == ["Henri Quenneville"]


@pytest.mark.model
def test_a_surname_outside_its_window_still_refers_back_to_a_full_name(nlp, kb):
    # 1970: Henri Quenneville's bare surname is outside his window, but the document named him in full
    doc = nlp("Henri Quenneville, a young economist, spoke at the forum. Quenneville said the budget would be cut.")
    da = DocActors(kb, doc, "1970-06-01")
    tok = [t for t in doc if t.text == "Quenneville"][1]
    assert [(a.name, a.code) for a in da.actors_for(tok)][:1] == [("Henri Quenneville", "FRAELI")]
