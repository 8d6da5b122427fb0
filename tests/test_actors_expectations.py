"""Every actor the hand-annotated acceptance example lists resolves to its country.

Reads ../shared/bench/expectations/china-russia-2022.json (skipped when absent). Only the names
and codes are used; the sentences here are our own template, not the article's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.actors import DocActors, load_kb

EXPECT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "expectations" / "china-russia-2022.json"

pytestmark = pytest.mark.shared


def _expected() -> tuple[dict[str, str], str]:
    if not EXPECT.exists():
        pytest.skip("shared/ not present")
    data = json.loads(EXPECT.read_text())
    return data["actors"], data["published"]


def test_expected_actors_by_lookup():
    actors, published = _expected()
    kb = load_kb()
    wrong = {}
    for name, country in actors.items():
        got = kb.lookup(name, published)
        if not got or got[0].country != country:
            wrong[name] = (country, [a.country for a in got])
    assert wrong == {}


@pytest.mark.model
def test_expected_actors_in_a_sentence():
    actors, published = _expected()
    from detente.nlp import load_pipeline
    nlp = load_pipeline()
    kb = load_kb()
    wrong = {}
    for name, country in actors.items():
        subject = name[0].upper() + name[1:]
        doc = nlp(f"{subject} said on Monday that the talks would continue.")
        verb = next(t for t in doc if t.lemma_ == "say")
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        got = DocActors(kb, doc, published).actors_for(subj[0]) if subj else []
        if not got or got[0].country != country:
            wrong[name] = (country, [a.country for a in got])
    assert wrong == {}
