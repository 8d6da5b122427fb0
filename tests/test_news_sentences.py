"""The project's real-news development set: labels without text, rebuilt from the corpus."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "benchmarks" / "data" / "news_more.labels.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"


def _module():
    spec = importlib.util.spec_from_file_location("news_sentences", ROOT / "benchmarks" / "news_sentences.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_labels_hold_no_text_and_valid_events():
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len({r["id"] for r in rows}) >= 2400
    assert {r["pool"] for r in rows} == {"dev", "held", "train"}
    for r in rows:
        assert set(r) <= {"id", "article_id", "start", "end", "date", "pool", "named", "draw", "annotator",
                          "expected", "second_annotator", "second"}
        assert 0 <= r["start"] < r["end"]
        assert isinstance(r.get("draw", 0), int)
        for e in r["expected"] + r.get("second", []):
            assert set(e) == {"source", "target", "code"} and e["code"][:2].isdigit()


def test_merge_keeps_the_draw_seed_and_only_labels(tmp_path):
    mod = _module()
    drawn = {"id": "more:a-1:10", "article_id": "a-1", "start": 10, "end": 60, "date": "2019-05-01",
             "pool": "train", "named": "two+", "draw": 2032}
    ids = tmp_path / "ids.jsonl"
    ids.write_text(json.dumps(drawn) + "\n", encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("", encoding="utf-8")
    out = tmp_path / "batch_00.Z.jsonl"
    event = {"source": "FRA", "target": "DEU", "code": "040", "why": "met in Paris"}
    out.write_text(json.dumps({"id": drawn["id"], "text": "not stored", "expected": [event], "note": "x"}) + "\n",
                   encoding="utf-8")
    mod.merge(type("Args", (), {"outputs": [str(out)], "ids": [str(ids)], "labels": str(labels)})())
    (row,) = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert row["draw"] == 2032 and row["annotator"] == "Z"
    assert row["expected"] == [{"source": "FRA", "target": "DEU", "code": "040"}]  # no "why": it quotes the news
    assert "text" not in row and "note" not in row


def test_sentence_splitter_keeps_abbreviations_and_offsets():
    mod = _module()
    text = "Mr. Smith met U.S. officials on Monday. They agreed.\nA new paragraph follows here"
    spans = list(mod.split_sentences(text))
    assert [text[a:b] for a, b in spans] == ["Mr. Smith met U.S. officials on Monday.", "They agreed.",
                                             "A new paragraph follows here"]


@pytest.mark.shared
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the repo")
def test_rebuild_puts_the_sentences_back(tmp_path):
    mod = _module()
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()][:25]
    texts = mod.texts(rows, CORPUS)
    assert len(texts) == 25 and all(8 <= len(t.split()) <= 80 for t in texts.values())
