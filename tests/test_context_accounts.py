"""Accounts: one happening, two sides, different content."""

from __future__ import annotations

import pytest

from detente.context.accounts import find_accounts
from detente.records import Actor, Event


def ev(eid, si, src, tgt, code, name, claimant=None, doc=None):
    sents = list(doc.sents) if doc is not None else []
    return Event(event_id=eid, article_id="art", sentence_index=si,
                 sentence=sents[si].text if si < len(sents) else "", spans={}, date=None, date_precision="day",
                 date_basis="publication", source=Actor(text=src, country=src[:3]),
                 target=Actor(text=tgt, country=tgt[:3]), cameo=code, cameo_root=code[:2], quad_class=1,
                 goldstein=1.0, plover=None, plover_mode=None, cameo_name=name,
                 claimant=Actor(text="a spokesman", country=claimant) if claimant else None)


TEXT = ("The Turkish foreign minister travelled to Cairo on Sunday. "
        "He held talks with his Egyptian counterpart. "
        "According to Ankara, the two sides agreed to restore full diplomatic relations. "
        "Cairo, by contrast, spoke only of 'a frank exchange of views' and 'continued consultations'.")


@pytest.mark.model
def test_readout_against_restricted_statement(nlp):
    doc = nlp(TEXT)
    events = [ev("e1", 1, "TURGOV", "EGYGOV", "040", "Consult", doc=doc),
              ev("e2", 2, "TUR", "EGY", "064", "Restore diplomatic relations", claimant="TUR", doc=doc),
              ev("e3", 2, "EGY", "TUR", "064", "Restore diplomatic relations", claimant="TUR", doc=doc)]
    accs = find_accounts("art", events, doc)
    assert len(accs) == 1
    a = accs[0]
    assert a.parties == ["TUR", "EGY"]
    assert set(a.event_ids) == {"e1", "e2", "e3"}
    assert a.summary.startswith("TUR account: restore diplomatic relations (064); EGY account: only")
    assert "'a frank exchange of views'" in a.summary
    claims = {c["party"]: c for c in a.claims}
    assert claims["TUR"]["event_ids"] == ["e2", "e3"] and claims["EGY"]["event_ids"] == []
    assert len(a.account_id) == 32
    assert find_accounts("art", events, doc)[0].account_id == a.account_id


@pytest.mark.model
def test_two_coded_readouts_that_differ(nlp):
    doc = nlp("Brazil and Peru met in Lima. Brazil said the two had agreed on a joint patrol. "
              "Peru said the two had only discussed trade.")
    events = [ev("e1", 0, "BRA", "PER", "040", "Consult", doc=doc),
              ev("e2", 1, "BRA", "PER", "0312", "Agree to military cooperation", claimant="BRA", doc=doc),
              ev("e3", 2, "PER", "BRA", "0311", "Agree to economic cooperation", claimant="PER", doc=doc)]
    accs = find_accounts("art", events, doc)
    assert len(accs) == 1 and accs[0].parties == ["BRA", "PER"]
    assert "(0312)" in accs[0].summary and "(0311)" in accs[0].summary


@pytest.mark.model
def test_agreeing_accounts_are_not_divergent(nlp):
    doc = nlp("Brazil and Peru met in Lima. Brazil said the two had agreed on a joint patrol. "
              "Peru said the two had agreed on a joint patrol.")
    events = [ev("e2", 1, "BRA", "PER", "0312", "Agree to military cooperation", claimant="BRA", doc=doc),
              ev("e3", 2, "PER", "BRA", "0312", "Agree to military cooperation", claimant="PER", doc=doc)]
    assert find_accounts("art", events, doc) == []


@pytest.mark.model
def test_one_side_only_or_far_away_is_no_account(nlp):
    doc = nlp("According to Ankara, the two sides agreed to restore relations. "
              "The weather was fine. Markets rose. Oil fell. Nothing else happened. "
              "Cairo, however, talked only about trade.")
    one = [ev("e2", 0, "TUR", "EGY", "064", "Restore diplomatic relations", claimant="TUR", doc=doc)]
    assert find_accounts("art", one, doc) == []  # the Egyptian statement is five sentences away
    assert find_accounts("art", [], doc) == []


@pytest.mark.model
def test_statement_without_contrast_is_not_divergent(nlp):
    doc = nlp("According to Ankara, the two sides agreed to restore relations. "
              "Cairo said the talks took place in a good atmosphere.")
    one = [ev("e2", 0, "TUR", "EGY", "064", "Restore diplomatic relations", claimant="TUR", doc=doc)]
    assert find_accounts("art", one, doc) == []


@pytest.mark.model
def test_country_of_callback_is_used(nlp):
    doc = nlp("According to Ankara, the two sides agreed to restore relations. "
              "The ministry, on the other hand, limited itself to talking about 'dialogue'.")
    one = [ev("e2", 0, "TUR", "EGY", "064", "Restore diplomatic relations", claimant="TUR", doc=doc)]
    assert find_accounts("art", one, doc) == []
    accs = find_accounts("art", one, doc, country_of=lambda t: "EGY" if t.text == "ministry" else None)
    assert len(accs) == 1 and accs[0].claims[1] == {"party": "EGY", "event_ids": [], "says": "only 'dialogue'"}
