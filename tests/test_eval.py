"""Built-in evaluation: the scorer's arithmetic and ``detente eval`` end to end on a gold file written here."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente.evaluation import score


def test_scorer_sets_wildcards_and_levels():
    gold = [
        {"id": "a", "expected": [{"source": "USA", "target": "CHN", "code": "042"}]},
        {"id": "b", "expected": [{"source": None, "target": "IRN", "code": "111"}]},
        {"id": "c", "expected": []},
        {"id": "d", "expected": [], "scored": False},
    ]
    preds = {
        "a": [{"source": "USA", "target": "CHN", "code": "043"}, {"source": "USA", "target": "CHN", "code": "043"}],
        "b": [{"source": "FRAGOV", "target": "IRN", "code": "112"}],
        "c": [{"source": "RUS", "target": "UKR", "code": "190"}],
    }
    rep = score(gold, preds, actor_chars=3)
    assert rep.records == 3
    ex, root, pres = rep.levels["exact"], rep.levels["root"], rep.levels["presence"]
    assert (ex.tp, ex.fp, ex.fn) == (0, 3, 2)
    assert (root.tp, root.fp, root.fn) == (2, 1, 0)  # duplicates collapse; a null gold actor is a wildcard
    assert (pres.tp, pres.fp, pres.fn) == (2, 1, 0)
    assert round(root.f1, 3) == 0.8


@pytest.mark.model
def test_eval_command_writes_predictions_and_scores(tmp_path):
    from detente.cli import app

    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "1", "text": "Japan condemned North Korea on Monday.", "date": "2024-03-04",
         "expected": [{"source": "JPN", "target": "PRK", "code": "111"}]},
        {"id": "2", "text": "The weather in Oslo was mild on Sunday.", "date": "2024-03-04", "expected": []},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["eval", str(gold), "--out", str(out), "--actor-chars", "3", "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("F1_root=1.0000")
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert preds[0] == {"id": "1", "events": [{"source": "JPN", "target": "PRK", "code": "111"}]}
    assert preds[1] == {"id": "2", "events": []}


def test_eval_missing_gold_is_one_line(tmp_path):
    from detente.cli import app

    result = CliRunner().invoke(app, ["eval", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0
    assert "nope.jsonl" in result.output and "Traceback" not in result.output


@pytest.mark.model
def test_plover_gold_gets_iso_country_codes(tmp_path):
    from detente.cli import app

    gold = tmp_path / "gold.jsonl"
    rows = [{"id": "1", "text": "Romania strongly criticized Hungary on Monday.", "date": "2024-03-04",
             "expected": [{"source": "ROU", "target": "HUN", "code": "ACCUSE"}]}]
    gold.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["eval", str(gold), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    events = json.loads(out.read_text(encoding="utf-8"))["events"]
    assert events == [{"source": "ROU", "target": "HUN", "code": "ACCUSE"}]
    result = CliRunner().invoke(app, ["eval", str(gold), "--out", str(out), "-q", "--cameo-countries"])
    assert json.loads(out.read_text(encoding="utf-8"))["events"][0]["source"] == "ROM"


def test_a_sector_with_no_country_is_left_out_or_written_the_cameo_way():
    from types import SimpleNamespace

    from detente.evaluation import prediction_events
    from detente.records import Actor

    ev = SimpleNamespace(counts=True, cameo="111", plover="ACCUSE",
                         source=Actor(text="the parliament", code="LEG", sector="LEG", kind="sector"),
                         target=Actor(text="Iran", code="IRN", country="IRN", kind="state"))
    assert prediction_events([ev]) == []  # as in the dyad analyses: both actors need a country
    assert prediction_events([ev], unplaced=True) == [{"source": "---LEG", "target": "IRN", "code": "111"}]


def test_news_actor_normalisation_follows_the_news_gold():
    from detente.evaluation import news_actor

    assert news_actor("USAGOV") == "USA"
    assert news_actor("IGOWSTNAT") == news_actor("NAT") == "NAT"
    assert news_actor("IMGMUSISI") == news_actor("IMGISI") == "ISI"
    assert news_actor("IMGAQA") == "ALQ"
    assert news_actor("SUNGOV") == "RUS" and news_actor("YUG") == "SRB"
    assert news_actor("---GOV") is None and news_actor(None) is None


def test_misses_are_classified_by_kind():
    from detente.evaluation import misses

    gold = [
        {"id": "a", "text": "A", "expected": [{"source": "USA", "target": "CHN", "code": "042"}]},
        {"id": "b", "text": "B", "expected": [{"source": "FRA", "target": "IRN", "code": "111"}]},
        {"id": "c", "text": "C", "expected": [{"source": "RUS", "target": "UKR", "code": "190"}]},
        {"id": "d", "text": "D", "expected": []},
        {"id": "e", "text": "E", "expected": [{"source": "ISR", "target": "PSE", "code": "190"}]},
    ]
    preds = {
        "a": [{"source": "USA", "target": "CHN", "code": "111"}],
        "b": [{"source": "FRA", "target": "IRQ", "code": "112"}],
        "d": [{"source": "DEU", "target": "POL", "code": "040"}],
        "e": [{"source": "ISR", "target": "PSE", "code": "195"}],
    }
    kinds = {(m["id"], m["kind"]) for m in misses(gold, preds)}
    assert kinds == {("a", "wrong root"), ("b", "wrong target"), ("c", "no event"), ("d", "extra")}


@pytest.mark.model
def test_eval_scores_news_gold_as_countries(tmp_path):
    from detente.cli import app

    gold = tmp_path / "news.jsonl"
    rows = [{"id": "n1", "article_id": "x", "category": "news", "date": "2024-03-04",
             "text": "Japanese troops attacked North Korean positions on Monday.",
             "expected": [{"source": "JPNMIL", "target": "PRK", "code": "190"},
                          {"source": "---GOV", "target": "PRK", "code": "111"}]}]
    gold.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    out, missed = tmp_path / "pred.jsonl", tmp_path / "miss.jsonl"
    result = CliRunner().invoke(app, ["eval", str(gold), "--out", str(out), "--misses", str(missed)])
    assert result.exit_code == 0, result.output
    assert "actors as countries" in result.output.replace("\n", " ")
    assert result.output.strip().splitlines()[-1].startswith("F1_root=1.0000")  # the unidentified gold actor is dropped
    assert missed.read_text(encoding="utf-8") == ""


@pytest.mark.model
def test_evaluate_is_a_library_call(engine):
    """What `detente eval` prints comes from detente.evaluation.evaluate, callable from a script."""
    from detente.evaluation import evaluate

    rows = [{"id": "a", "date": "2024-05-20", "text": "Japan imposed sanctions on North Korea on Tuesday.",
             "expected": [{"source": "JPN", "target": "PRK", "code": "163"}]},
            {"id": "b", "date": "2024-05-20", "text": "The weather was mild on Sunday.", "expected": []}]
    result = evaluate(rows, engine, trace=True)
    assert result.report.levels["root"].tp == 1 and result.report.levels["root"].fp == 0
    assert [json.loads(line)["id"] for line in result.prediction_lines()] == ["a", "b"]
    assert result.predictions["b"] == [] and result.predictions["a"][0]["rules"]
    assert not result.plover and not result.missed
