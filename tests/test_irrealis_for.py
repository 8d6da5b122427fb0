"""An infinitive with a subject of its own ("time *for* Japan *to* open its markets") is wanted, judged or
made possible, not reported as done: hypothetical, not counted (issue #11, factuality)."""

from __future__ import annotations

import pytest

from detente.coding.cues import load_cues

pytestmark = pytest.mark.model


def _events(rules_engine, text: str) -> list:
    from detente.records import Article
    return rules_engine.code_article(Article.make(text, published="2021-03-10")).events


def _counted(rules_engine, text: str) -> set[tuple[str | None, str | None]]:
    """The (source, target) country pairs of the counted events."""
    return {(e.source.country if e.source else None, e.target.country if e.target else None)
            for e in _events(rules_engine, text) if e.counts}


def _coded(rules_engine, text: str, pair: tuple[str, str]) -> list:
    return [e for e in _events(rules_engine, text)
            if e.source and e.target and (e.source.country, e.target.country) == pair]


def test_the_complementiser_is_data():
    assert "for" in load_cues().irrealis_marks


@pytest.mark.parametrize("text,act", [
    ("It is high time for Chile and Peru to open their ports to Bolivian trucks.", ("CHL", "BOL")),
    ("The accord clears the way for Kenya to sell more tea to Egypt.", ("KEN", "EGY")),
    ("It is essential for Ghana to cooperate with Togo on the border.", ("GHA", "TGO")),
    ("Ottawa is waiting for Havana to sign the fisheries agreement with Mexico.", ("CUB", "MEX")),
    ("The new duties make it harder for Iran to sell oil to India.", ("IRN", "IND")),
])
def test_an_infinitive_with_its_own_subject_is_not_an_act(rules_engine, text, act):
    # the act is still read (an event record, hypothetical), but not counted as happened
    coded = _coded(rules_engine, text, act)
    assert coded, "the act is no longer found at all"
    assert all(e.modality == "hypothetical" and not e.counts for e in coded), coded
    assert act not in _counted(rules_engine, text)


def test_the_act_keeps_its_cue(rules_engine):
    events = _coded(rules_engine, "It is time for Chile to open its ports to Bolivian trucks.", ("CHL", "BOL"))
    assert events and all(e.modality == "hypothetical" for e in events)


@pytest.mark.parametrize("text,act", [
    # a plain infinitive without a subject of its own keeps its reading (an intention, a purpose ...)
    ("Chile opened its ports to Bolivian trucks on Monday.", ("CHL", "BOL")),
    # "for" as a preposition is not the complementiser
    ("Ghana praised Togo for its help on the border.", ("GHA", "TGO")),
])
def test_other_uses_are_untouched(rules_engine, text, act):
    assert act in _counted(rules_engine, text)


@pytest.mark.parametrize("text,pair,root", [
    # an appeal or demand whose complement is an infinitive with its own subject: the subject is addressed
    ("Chile called for Bolivia to withdraw its troops from the border.", ("CHL", "BOL"), "02"),
    ("Kenya pushed for Uganda to release the detained fishermen.", ("KEN", "UGA"), "10"),
])
def test_a_call_for_someone_to_act_is_addressed_to_them(rules_engine, text, pair, root):
    events = _coded(rules_engine, text, pair)
    assert any(e.cameo_root == root and e.counts for e in events), events
    # and the act asked for is not reported as done
    asked = (pair[1], pair[0])
    assert asked not in _counted(rules_engine, text)


def test_an_act_named_as_what_is_called_for_is_not_done(rules_engine):
    text = "Chile called for a Bolivian withdrawal from the border area."
    assert ("BOL", "CHL") not in _counted(rules_engine, text)
    assert any(e.cameo_root == "02" and e.counts for e in _coded(rules_engine, text, ("CHL", "BOL")))


@pytest.mark.parametrize("text,pair,code", [
    # a gerund after "for" is what is called for, its target the appeal's: appeal for easing sanctions (0254)
    ("Hungary called for lifting the sanctions against Belarus.", ("HUN", "BLR"), "0254"),
    ("Kenya pushed for easing the sanctions on Sudan.", ("KEN", "SDN"), "1054"),
])
def test_a_call_for_doing_something_is_an_appeal_for_it(rules_engine, text, pair, code):
    events = _coded(rules_engine, text, pair)
    assert any(e.cameo == code and e.counts for e in events), events
