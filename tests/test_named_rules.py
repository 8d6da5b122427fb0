"""The coder's and the resolver's named rules (issue #12): each rule documents its construction, the
lists hold each rule once, and the trail of rules that made an event or resolved a phrase is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.actors import np_rules
from detente.coding import rules

pytestmark = pytest.mark.model


@pytest.mark.parametrize("table", [np_rules.NP_RULES, np_rules.NAME_RULES, rules.EVENT_RULES, rules.TARGET_FALLBACKS],
                         ids=["NP_RULES", "NAME_RULES", "EVENT_RULES", "TARGET_FALLBACKS"])
def test_each_rule_is_named_once_and_documented(table) -> None:
    names = [r.__name__ for r in table]
    assert len(names) == len(set(names)), names
    for rule in table:
        doc = (rule.__doc__ or "").strip()
        assert doc, f"{rule.__name__} has no docstring"


@pytest.fixture(scope="module")
def engine():
    from detente.pipeline import Engine

    engine = Engine()
    engine.coder.trace = {}
    return engine


def _events(engine, text: str):
    from detente.records import Article

    return engine.code_article(Article.make(text, published="2024-05-20")).events


def test_the_trail_names_the_rules_that_made_an_event(engine) -> None:
    events = _events(engine, "Japan imposed sanctions on North Korea on Tuesday.")
    ev = next(e for e in events if e.source and e.source.country == "JPN")
    assert ev.target is not None and ev.target.country == "PRK"
    assert "target_from_arguments" in engine.coder.trace[ev.event_id]


def test_the_trail_of_a_reciprocal_act_of_co_subjects(engine) -> None:
    events = _events(engine, "Brazil and Argentina signed a trade agreement in March.")
    pairs = {(e.source.country, e.target.country) for e in events if e.source and e.target}
    assert {("BRA", "ARG"), ("ARG", "BRA")} <= pairs
    for e in events:
        if e.source and e.target and e.symmetric:
            assert "co_subjects" in engine.coder.trace[e.event_id]


def test_a_refusal_is_on_the_trail(engine) -> None:
    events = _events(engine, "Germany would not provide military support to Ukraine.")
    ev = next(e for e in events if e.source and e.source.country == "DEU")
    assert ev.cameo.startswith("12") and ev.polarity == "asserted"  # CAMEO's refusal, which happened
    assert "refusal" in engine.coder.trace[ev.event_id]


def test_explain_names_the_noun_phrase_rule(engine) -> None:
    from detente.actors import DocActors

    doc = engine.nlp("Chinese state media reported the visit.")
    da = DocActors(engine.kb, doc)
    tok = next(t for t in doc if t.text == "media")
    assert [a.code for a in da.actors_for(tok)] == ["CHNMED"]
    assert "[rule modifier_and_sector]" in da.explain(tok)


def test_eval_trace_writes_pattern_and_rules(tmp_path: Path) -> None:
    from detente.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "s1", "date": "2024-05-20",
                                "text": "Japan imposed sanctions on North Korea on Tuesday.",
                                "expected": [{"source": "JPN", "target": "PRK", "code": "163"}]}) + "\n")
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["eval", str(gold), "--out", str(out), "--trace", "--quiet"])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    (ev,) = [e for e in row["events"] if e["source"].startswith("JPN")]
    assert ev["pattern"] and "target_from_arguments" in ev["rules"]


def test_the_min_confidence_setting_keeps_only_events_at_least_that_confident() -> None:
    from detente.config import load_config
    from detente.pipeline import Engine
    from detente.records import Article

    text = "Japan imposed sanctions on North Korea on Tuesday. Officials in Seoul said talks may follow."
    every = Engine(load_config(n_process=1)).code_article(Article.make(text, published="2024-05-20")).events
    assert every
    cut = min(e.confidence for e in every) + 0.01
    kept = Engine(load_config(n_process=1, min_confidence=cut)).code_article(
        Article.make(text, published="2024-05-20")).events
    assert kept == [e for e in every if e.confidence >= cut]
