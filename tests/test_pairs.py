"""The learned pair scorer: its model file, its arithmetic, its candidates and the events it adds."""

from __future__ import annotations

import gzip
import json

import pytest

from detente.coding.pairs import PairModel, load_pair_model


def test_the_shipped_model_loads_and_is_a_distribution():
    model = load_pair_model()
    assert model is not None and model.labels[0] == "none"
    assert all(len(lab) == 2 and lab.isdigit() for lab in model.labels[1:])
    assert 0.0 < model.threshold < 1.0
    assert model.meta["trained_on"] and "news_dev" not in " ".join(model.meta["trained_on"])
    p = model.probabilities(["bias", "join=meet", "arel=nsubj", "brel=dobj"])
    assert len(p) == len(model.labels) and abs(sum(p) - 1.0) < 1e-9


def test_best_needs_the_threshold():
    model = PairModel(labels=["none", "04", "19"], weights={"bias": [1.0, 0.0, 0.0], "join=meet": [0.0, 3.0, 0.0]},
                      threshold=0.6)
    assert model.best(["bias"]) is None  # "no event" wins
    root, prob = model.best(["bias", "join=meet"])
    assert root == "04" and prob > 0.6
    round_trip = PairModel.from_json(json.loads(json.dumps(model.to_json())))
    assert round_trip.best(["bias", "join=meet"]) == (root, pytest.approx(prob, abs=1e-3))


def _model_file(tmp_path, weights, threshold=0.5):
    path = tmp_path / "pairs.json.gz"
    data = {"labels": ["none", "04"], "threshold": threshold, "meta": {"trained_on": ["test"]}, "weights": weights}
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return str(path)


@pytest.mark.model
def test_pair_events_fill_in_what_the_rules_miss_and_say_where_they_come_from(tmp_path):
    from detente.config import Config
    from detente.pipeline import Engine
    from detente.records import Article

    # a model that relates any two parties joined by "diplomat" (no lexicon pattern codes the sentence)
    path = _model_file(tmp_path, {"bias": [2.0, 0.0], "join=diplomat": [0.0, 5.0]})
    text = "The presence of Japanese diplomats in Chinese ministries surprised observers."
    art = Article.make(text, published="2024-05-20")
    events = Engine(Config().with_(pair_model=path)).code_article(art).events
    proposed = [e for e in events if e.pattern == "model:pairs 04"]
    assert {(e.source.country, e.target.country) for e in proposed} == {("JPN", "CHN"), ("CHN", "JPN")}
    assert all(e.cameo == "040" and e.coder.endswith("+pairs") and e.trigger == "diplomats" for e in proposed)
    assert all(0.5 <= e.confidence <= 1.0 for e in proposed)
    # the setting turns it off
    events = Engine(Config().with_(pair_model=path, pairs=False)).code_article(art).events
    assert not [e for e in events if e.pattern and e.pattern.startswith("model:")]


@pytest.mark.model
def test_a_pair_the_rules_coded_gets_no_proposal(tmp_path):
    from detente.config import Config
    from detente.pipeline import Engine
    from detente.records import Article

    path = _model_file(tmp_path, {"bias": [0.0, 5.0]})  # proposes 04 for every pair
    art = Article.make("Japan condemned China on Monday.", published="2024-05-20")
    events = Engine(Config().with_(pair_model=path)).code_article(art).events
    jc = [e for e in events if e.source and e.target and (e.source.country, e.target.country) == ("JPN", "CHN")]
    assert [e.cameo for e in jc] == ["111"]  # the rule's event, no proposal beside it
    assert [e.cameo for e in events if e.source and e.source.country == "CHN"] == ["040"]  # the pair back is open


@pytest.mark.model
def test_no_proposal_beside_a_rule_event_between_the_same_countries(tmp_path):
    from detente.config import Config
    from detente.pipeline import Engine
    from detente.records import Article

    path = _model_file(tmp_path, {"bias": [0.0, 5.0]})  # proposes 04 for every pair
    art = Article.make("North Korean officials met South Korean officials in Panmunjom.", published="2024-05-20")
    events = Engine(Config().with_(pair_model=path)).code_article(art).events
    dyads = [(e.source.country, e.target.country) for e in events if e.source and e.target]
    assert sorted(dyads) == [("KOR", "PRK"), ("PRK", "KOR")]  # the rules' meeting, once each way
    assert not [e for e in events if e.pattern == "model:pairs 04"]
