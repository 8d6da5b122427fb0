"""The rule calibration: its model file, which events it calibrates, and the setting that turns it off."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import make_event
from detente.coding.calibration import RuleCalibration, calibrated, features, load_rule_calibration, sentence_features
from detente.records import Actor


def test_the_shipped_model_loads_and_ranks_better_than_the_heuristic_it_replaces():
    model = load_rule_calibration()
    assert model is not None and model.weights
    meta = model.meta
    assert meta["trained_on"] and "news_dev" not in " ".join(meta["trained_on"])
    assert "held" not in " ".join(meta["trained_on"])
    # cross-validated on its training sentences: the reason it ships (docs/coding.md)
    assert meta["cv_auc"] > meta["cv_auc_heuristic"] + 0.05
    assert 0.0 < model.probability(["bias"]) < 1.0


def _dyadic(**kw):
    e = make_event("a1", 0, **kw)
    e.source = Actor(text="China", code="CHN", country="CHN", kind="state")
    e.target = Actor(text="Russia", code="RUS", country="RUS", kind="state")
    return e


def test_only_the_rules_counted_events_between_two_actors_are_calibrated():
    rule = _dyadic()
    no_target = _dyadic()
    no_target.target = None
    negated = _dyadic(polarity="negated")
    from_pairs = _dyadic(coder="detente-x+pairs")
    assert calibrated(rule)
    assert not any(calibrated(e) for e in (no_target, negated, from_pairs))
    before = [e.confidence for e in (no_target, negated, from_pairs)]
    model = RuleCalibration(weights={"bias": -2.0, f"root={rule.cameo_root}": 4.0}, meta={})
    model.apply([rule, no_target, negated, from_pairs])
    assert rule.confidence == pytest.approx(0.88, abs=0.01)  # 1 / (1 + e^-2)
    assert [e.confidence for e in (no_target, negated, from_pairs)] == before


def test_features_say_what_the_record_says():
    e = _dyadic()
    feats = features(e, 3)
    assert "bias" in feats and f"code={e.cameo}" in feats and "skind=state" in feats and "nev=2" in feats
    assert "domestic=False" in feats
    # the pattern's words, never its file and line (which move when the lexicon is edited)
    e.pattern = "verbs.yaml:120 meet with"
    assert "pat=meet with" in features(e, 1)
    assert [f for _, f in sentence_features([e, _dyadic(polarity="negated")])] == [features(e, 1)]


def test_a_user_file_round_trips_and_a_wrong_one_is_refused(tmp_path):
    model = RuleCalibration(weights={"bias": 0.5}, meta={"trained_on": ["mine.jsonl"]})
    path = tmp_path / "cal.json.gz"
    path.write_bytes(gzip.compress(json.dumps(model.to_json()).encode()))
    loaded = load_rule_calibration(str(path))
    assert loaded is not None and loaded.weights == {"bias": 0.5}
    bad = tmp_path / "pairs.json"
    bad.write_text(json.dumps({"labels": ["none"], "weights": {}}))
    with pytest.raises(ValueError, match="not a rule calibration"):
        load_rule_calibration(str(bad))


@pytest.mark.model
def test_the_coder_calibrates_unless_told_not_to_or_in_petrarch_practice(tmp_path):
    from detente.config import Config
    from detente.pipeline import Engine
    from detente.records import Article

    text = "China and Russia signed a trade agreement in Moscow on Monday."
    art = Article.make(text, published="2024-05-20")
    # a model that gives every calibrated event 0.12 (bias only)
    path = tmp_path / "cal.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"kind": "rule_calibration", "meta": {},
                                               "weights": {"bias": -2.0}}).encode()))

    def confidences(**settings):
        events = Engine(Config().with_(pairs=False, **settings)).code_article(art).events
        return {e.confidence for e in events if calibrated(e)}

    assert confidences(rule_calibration=str(path)) == {0.12}
    heuristic = confidences(calibrate=False)
    assert heuristic and 0.12 not in heuristic
    assert confidences(rule_calibration=str(path), petrarch_practice=True) != {0.12}


@pytest.mark.model
def test_a_rule_event_below_likely_leaves_its_pair_to_the_pair_scorer(tmp_path):
    """The pair scorer proposes only for pairs the rules left unrelated; a rule event the calibration
    finds unlikely (below LIKELY: not asserted) no longer counts as relating them."""
    from detente.coding.calibration import LIKELY
    from detente.config import Config
    from detente.pipeline import Engine
    from detente.records import Article

    pairs = tmp_path / "pairs.json.gz"  # relates any two parties joined by "sign", as 04
    pairs.write_bytes(gzip.compress(json.dumps({"labels": ["none", "04"], "threshold": 0.5, "meta": {},
                                                "weights": {"bias": [2.0, 0.0], "join=sign": [0.0, 5.0]}}).encode()))
    art = Article.make("China and Russia signed a trade agreement in Moscow on Monday.", published="2024-05-20")

    def coded(bias: float):
        cal = tmp_path / f"cal{bias}.json.gz"
        cal.write_bytes(gzip.compress(json.dumps({"kind": "rule_calibration", "meta": {},
                                                  "weights": {"bias": bias}}).encode()))
        events = Engine(Config().with_(pair_model=str(pairs), rule_calibration=str(cal))).code_article(art).events
        def countries(e):
            return {e.source.country if e.source else None, e.target.country if e.target else None}

        rules = [e for e in events if calibrated(e) and countries(e) == {"CHN", "RUS"}]
        proposed = [e for e in events if e.pattern == "model:pairs 04" and countries(e) == {"CHN", "RUS"}]
        return rules, proposed

    rules, proposed = coded(5.0)  # likely: the pair is the rules'
    assert rules and all(e.confidence >= LIKELY for e in rules) and not proposed
    rules, proposed = coded(-5.0)  # unlikely: kept, with its confidence, and the model proposes
    assert rules and all(e.confidence < LIKELY for e in rules)
    assert {(e.source.country, e.target.country) for e in proposed} == {("CHN", "RUS"), ("RUS", "CHN")}
