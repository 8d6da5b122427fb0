"""Word sense of violent acts (CAMEO 18-20): figurative uses are no assault or fight; idioms as data.

The sentences are written for these tests; each names the construction it checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from detente.coding.cues import load_word_sense, parse_word_sense
from detente.coding.lexicon import load_lexicon
from detente.coding.patterns import parse_pattern
from detente.errors import KnowledgeError

DATA = Path(__file__).resolve().parents[1] / "src" / "detente" / "data" / "coder" / "word_sense.yaml"


# ----------------------------------------------------------------------------- data: idioms and lists
def test_none_pattern_is_an_idiom_not_an_event_pattern():
    p = parse_pattern("none", "strike tone", "x.tsv:1")
    assert p.is_idiom and p.code == "none" and p.words == ("tone",)
    assert parse_pattern("NONE", "beat odds", "x.tsv:2").is_idiom
    assert not parse_pattern("190", "strike", "x.tsv:3").is_idiom
    with pytest.raises(KnowledgeError):
        parse_pattern("nothing", "strike tone", "x.tsv:4")


def test_idioms_are_matched_but_not_listed_as_event_patterns():
    lex = load_lexicon()
    idioms = list(lex.idioms())
    assert {"strike tone", "beat odds", "hit record"} <= {p.text for p in idioms}
    assert all(not p.is_idiom for p in lex.patterns())
    assert len(lex) == sum(1 for _ in lex.patterns())
    # an idiom competes as a pattern of its head, ahead of the bare verb
    texts = [p.text for p in lex.candidates("strike")]
    assert texts.index("strike tone") < texts.index("strike")
    # every idiom is about a head that has event patterns: otherwise it would declare nothing
    heads = {p.head for p in lex.patterns()}
    assert all(p.head in heads for p in idioms)


def test_a_user_file_declares_an_idiom(tmp_path):
    f = tmp_path / "mine.tsv"
    f.write_text("none\tattack idea\n", encoding="utf-8")
    lex = load_lexicon([f])
    assert lex.candidates("attack")[0].text == "attack idea" and lex.candidates("attack")[0].is_idiom


def test_word_sense_lists_load():
    ws = load_word_sense()
    assert ws.is_violent("190") and ws.is_violent("1823") and not ws.is_violent("110")
    assert {"tone", "odds", "record"} <= ws.abstract_objects
    assert ws.literal_noun("convoy") and ws.literal_noun("civilian") and not ws.literal_noun("tone")
    assert ws.dispute_code == "110" and "MIL" in ws.armed_sectors


def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def test_word_sense_file_is_checked():
    data = _data()
    with pytest.raises(KnowledgeError, match="E263"):
        parse_word_sense({**data, "abstract_object": ["tone"]}, "ws.yaml")
    with pytest.raises(KnowledgeError, match="E262"):
        parse_word_sense({**data, "literal_heads": "strike"}, "ws.yaml")
    missing = dict(data)
    del missing["dispute_heads"]
    with pytest.raises(KnowledgeError, match="dispute_heads"):
        parse_word_sense(missing, "ws.yaml")
    with pytest.raises(KnowledgeError, match="dispute_code"):
        parse_word_sense({**data, "dispute_code": 110}, "ws.yaml")
    with pytest.raises(KnowledgeError, match="convoy"):  # a word may not both block and allow the reading
        parse_word_sense({**data, "abstract_objects": [*data["abstract_objects"], "convoy"]}, "ws.yaml")
    with pytest.raises(KnowledgeError, match="E261"):
        parse_word_sense(["tone"], "ws.yaml")
    assert parse_word_sense({**data, "dispute_code": "none"}, "ws.yaml").dispute_code == ""


# ----------------------------------------------------------------------------- constructions
def _events(rules_engine, text: str) -> list:
    from detente.records import Article
    return rules_engine.code_article(Article.make(text, published="2021-03-10")).events


def _roots(rules_engine, text: str) -> set[str]:
    return {e.cameo_root for e in _events(rules_engine, text)}


VIOLENT = {"18", "19", "20"}


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "The Finnish envoy struck a conciliatory tone toward Moscow during the talks.",  # idiom: strike + tone
    "Vietnam beat Thailand to become the biggest exporter of rice last year.",  # competition: beat ... to become
    "Macron beat Le Pen by twenty points in the second round.",  # competition: by ... points
    "Canada was beaten 3-1 by Sweden in the final.",  # competition: a score
    "The Brazilian senators killed the bill after a long debate.",  # abstract object
    "Norway has fought corruption in Kenya for years.",  # an ill a campaign is waged against
    "Italy fought against corruption in Albania.",  # ... as the object of "against"
    "The Kenyan president fired the finance minister on Monday.",  # fire + an object: dismissal
    "The Peruvian president fired two of his advisers on Monday.",  # ... counted persons
    "Norway fought a number of new regulations in Brussels.",  # a counted abstract object
    "Chile fought a long legal battle against Bolivia over the river.",  # an attack noun made figurative
    "The trade war between Japan and South Korea deepened in August.",  # a figurative war noun
    "Germany hit a record high in exports to China.",  # idiom: hit + record
    "Tokyo stocks hit a new low after Washington announced the figures.",  # idiom: hit + low
])
def test_figurative_senses_are_no_violence(rules_engine, text):
    assert not _roots(rules_engine, text) & VIOLENT, text


@pytest.mark.model
def test_an_idiom_under_a_governor_is_no_act_either(rules_engine):
    events = _events(rules_engine, "The Egyptian foreign minister vowed to strike a cordial tone with Israel.")
    assert not events
    # nor is a demand of one ("must" in a reported clause: the speaker's demand of the clause's subject)
    assert not _events(rules_engine, "The German chancellor said Russia must strike a softer tone with Ukraine.")


@pytest.mark.model
@pytest.mark.parametrize("text,root", [
    ("Israeli aircraft struck a Syrian army base near Damascus.", "19"),  # a physical object
    ("Turkish jets struck Kurdish fighters in northern Iraq.", "19"),  # an animate object
    ("Syrian troops fired rockets at Turkish positions.", "19"),  # fire's violent sense has its own pattern
    ("Pakistani soldiers killed three Indian civilians in Kashmir.", "18"),
    ("Russian forces attacked the Ukrainian town of Izium.", "19"),
    ("Ethiopian jets attacked a number of Eritrean positions.", "19"),  # a quantity: its "of" noun is the object
    ("Saudi jets hit 40 houses in Yemen, including the home of a Houthi commander.", "19"),  # no idiom "hit home"
    ("Israeli jets hit a road near the Syrian border town of Quneitra.", "19"),
    ("Peru and Ecuador fought a war over the Cenepa valley in 1995.", "19"),  # an attack noun as object
    ("Of the hundreds of shells fired by Azerbaijani troops at Armenia, few hit anything.", "19"),  # projectile
])
def test_literal_violence_is_still_coded(rules_engine, text, root):
    roots = _roots(rules_engine, text)
    assert roots & VIOLENT, (text, roots)


@pytest.mark.model
def test_a_quarrel_over_a_topic_is_a_dispute_not_a_fight(rules_engine):
    events = _events(rules_engine, "France and Italy clashed over migration at the summit.")
    pairs = {(e.source.country, e.target.country if e.target else None, e.cameo) for e in events}
    assert pairs == {("FRA", "ITA", "110"), ("ITA", "FRA", "110")}, pairs
    assert "verbal_dispute" in next(iter(rules_engine.coder.trace[e.event_id] for e in events))


@pytest.mark.model
def test_armed_parties_or_casualties_keep_a_clash_physical(rules_engine):
    events = _events(rules_engine,
                     "Indian and Chinese troops clashed over the border post, leaving twenty soldiers dead.")
    assert events and all(e.cameo_root == "19" for e in events)


@pytest.mark.model
def test_armed_forces_clashing_is_fighting_not_a_riot(rules_engine):
    events = _events(rules_engine, "Armenian troops clashed with Azerbaijani forces near the border on Tuesday.")
    codes = {(e.source.country, e.target.country if e.target else None, e.cameo) for e in events}
    assert ("ARM", "AZE", "190") in codes and not any(c.startswith("145") for _, _, c in codes), codes
    assert any("armed_clash" in rules_engine.coder.trace[e.event_id] for e in events)


@pytest.mark.model
def test_protesters_clashing_with_police_is_still_a_riot(rules_engine):
    events = _events(rules_engine, "Protesters clashed with police in Caracas on Sunday.")
    assert events and all(e.cameo == "145" for e in events if e.source and e.source.sector != "COP")


@pytest.mark.model
def test_a_belief_about_a_negated_retaliation_is_not_asserted(rules_engine):
    events = _events(rules_engine, "The Australian negotiator was almost sure Indonesia would not retaliate.")
    assert not [e for e in events if e.polarity == "asserted" and e.modality in ("actual", "intended", "future")
                and e.cameo_root in VIOLENT]
