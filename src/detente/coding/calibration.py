"""Calibrated confidence for the rules' events: how likely an event is to be right.

The rule coder's own confidence (:meth:`.coder.Coder._confidence`) adds up a few signs of
evidence by hand; on the project's annotated real news it barely ranks right events above wrong
ones (AUC 0.66, docs/coding.md). This module replaces it, for each event the analyses count
between two actors, by the probability that an annotator following the annotation guide lists
the same source, target and root: a logistic model over what the event record itself says --
its code and root, the lexicon pattern and trigger, the actors' kinds and sectors, where the
source and target stand from the predicate, modality, quote and claimant, the rule heuristic's
own score -- and how many such events its sentence has.

``[Event] (one sentence's rule events) -> each counted dyadic event's confidence``. The model is
data (``data/coder/rule_calibration.json.gz``), trained by ``benchmarks/train_calibration.py``
on the annotated sentences of ``benchmarks/data/news_more.labels.jsonl`` (pools ``dev`` and
``train``); it is read with the standard library only. Events without a target, negated or
hypothetical ones keep the heuristic's confidence (the model never saw them judged), and so do
the pair model's events (their confidence is that model's probability already). An event below
:data:`LIKELY` is not asserted by ``detente eval`` and leaves its pair of actors to the pair model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..records import Event
from .pairs import read_model_json

# the calibrated confidence from which an event is asserted: detente eval's default threshold, and below
# which a rule event leaves its pair of actors to the pair scorer (docs/coding.md §5)
LIKELY = 0.3
_DIST_EDGES = (15, 40, 80, 150)  # characters between predicate and argument
_LEN_EDGES = (60, 120, 200, 300)  # characters of the sentence
_COUNT_EDGES = (2, 3, 5, 9)  # calibrated events in the sentence


def _bucket(x: int, edges: Sequence[int]) -> str:
    return str(next((i for i, e in enumerate(edges) if x < e), len(edges)))


def calibrated(e: Event) -> bool:
    """Whether an event's confidence is the model's: a rule's counted event between two actors."""
    return e.counts and e.source is not None and e.target is not None and not e.coder.endswith("+pairs")


def features(e: Event, n_in_sentence: int) -> list[str]:
    """What the model reads of one event (``n_in_sentence``: the calibrated events of its sentence)."""
    s, t = e.source, e.target
    assert s is not None and t is not None
    pattern = (e.pattern or "").split(" ", 1)[-1]  # its words, not its file and line
    f = ["bias", f"root={e.cameo_root}", f"code={e.cameo}", f"pat={pattern}", f"trig={(e.trigger or '').lower()}",
         f"mod={e.modality}", f"quote={e.quote}", f"claim={e.claimant is not None}", f"sym={e.symmetric}",
         f"hist={e.historical}", f"dbasis={e.date_basis}", f"conf={e.confidence:.2f}",
         f"skind={s.kind}", f"tkind={t.kind}", f"ssec={s.sector}", f"tsec={t.sector}",
         f"ssec_root={s.sector}_{e.cameo_root}", f"tkind_root={t.kind}_{e.cameo_root}",
         f"skind_root={s.kind}_{e.cameo_root}", f"domestic={s.country == t.country}",
         f"slen={_bucket(len(e.sentence), _LEN_EDGES)}", f"nev={_bucket(n_in_sentence, _COUNT_EDGES)}"]
    pred = e.spans.get("predicate") or [0, 0]
    for role, span in (("t", e.spans.get("target")), ("s", e.spans.get("source"))):
        if span:
            d = span[0] - pred[0] if role == "t" else pred[0] - span[0]
            f += [f"{role}dir={d > 0}", f"{role}dist={_bucket(abs(d), _DIST_EDGES)}"]
        else:
            f.append(f"{role}span=none")
    return f


def sentence_features(events: Sequence[Event]) -> list[tuple[Event, list[str]]]:
    """The calibrated events of one sentence's rule events, each with its features."""
    mine = [e for e in events if calibrated(e)]
    return [(e, features(e, len(mine))) for e in mine]


@dataclass
class RuleCalibration:
    """A binary logistic model: feature -> weight (a feature it does not know weighs nothing)."""

    weights: dict[str, float]
    meta: dict[str, Any]

    def probability(self, feats: Sequence[str]) -> float:
        z = sum(self.weights.get(f, 0.0) for f in set(feats))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def apply(self, events: Sequence[Event]) -> None:
        """Set the confidence of one sentence's calibrated rule events to the model's probability."""
        for e, feats in sentence_features(events):
            e.confidence = round(self.probability(feats), 2)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "rule_calibration", "meta": self.meta, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RuleCalibration:
        if data.get("kind") != "rule_calibration" or not isinstance(data.get("weights"), dict):
            raise ValueError("not a rule calibration model (kind 'rule_calibration', weights by feature)")
        return cls({str(k): float(v) for k, v in data["weights"].items()}, dict(data.get("meta") or {}))


def load_rule_calibration(path: str | None = None) -> RuleCalibration | None:
    """The shipped model (``data/coder/rule_calibration.json.gz``) or a user's; ``None`` if there is none."""
    data = read_model_json(path, "rule_calibration.json.gz")
    return None if data is None else RuleCalibration.from_json(data)
