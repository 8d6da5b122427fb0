"""Does the pair scorer gain from more annotated sentences? Measured on sentences no model saw.

    .venv/bin/python benchmarks/train_pairs.py news_more_dev.jsonl news_more_train.jsonl \\
        --out /tmp/m.json.gz --cache cache.json                       # extracts the candidates once
    .venv/bin/python benchmarks/pairs_data_gain.py cache.json --new-draws 2032 2033 2034

The sentences of the ``--new-draws`` (their ``draw`` seed in ``benchmarks/data/news_more.labels.jsonl``)
are split in two seeded halves. For each half H, one model is fitted on the other sentences (the older
ones) and one on those plus the other half; both are scored on H, which neither saw, with the same
F1_root as ``train_pairs.py``'s cross-validation (the rules' events plus the model's proposals). A gain
on both halves says the new sentences help on sentences of their kind.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_pairs import design, f1, fit, offsets_of, predict  # the training script's own functions

LABELS = Path(__file__).resolve().parent / "data" / "news_more.labels.jsonl"


def score(train: list[dict], test: list[dict], labels: list[str], l2: float, threshold: float
          ) -> tuple[float, float, float]:
    index = {r: i for i, r in enumerate(labels)}
    X, items, vocab = design(train)
    W = fit(X, np.array([index.get(c["label"], 0) for c in items]), len(labels), l2)
    offsets = offsets_of(test)
    probs: dict[int, np.ndarray] = {}
    predict(test, range(len(test)), vocab, W, offsets, probs)
    return f1(test, probs, labels, threshold, offsets)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cache", help="the candidates train_pairs.py --cache wrote")
    ap.add_argument("--new-draws", type=int, nargs="+", required=True, help="draw seeds of the new sentences")
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    draws = set(args.new_draws)
    new_ids = {r["id"] for line in Path(args.labels).read_text(encoding="utf-8").splitlines()
               if (r := json.loads(line)).get("draw") in draws}
    examples = json.loads(Path(args.cache).read_text())
    old = [ex for ex in examples if ex["id"] not in new_ids]
    new = [ex for ex in examples if ex["id"] in new_ids]
    if not new:
        sys.exit(f"{args.cache}: no sentence of draws {sorted(draws)} among its {len(examples)} sentences")
    random.Random(args.seed).shuffle(new)
    halves = [new[::2], new[1::2]]
    counts = Counter(c["label"] for ex in examples for c in ex["cands"])
    labels = ["none", *sorted(r for r, n in counts.items() if r != "none" and n >= 4)]
    print(f"{len(old)} older sentences, {len(new)} new ones in halves of {len(halves[0])} and {len(halves[1])}; "
          f"threshold {args.threshold}")
    for k, test in enumerate(halves):
        other = halves[1 - k]
        for name, train in (("older only", old), ("older + other half", old + other)):
            p, r, f = score(train, test, labels, args.l2, args.threshold)
            print(f"half {k + 1}, fitted on {name:<20} P {p:.3f} R {r:.3f} F1_root {f:.3f}", flush=True)


if __name__ == "__main__":
    main()
