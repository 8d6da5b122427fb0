"""Train the rule calibration (``src/detente/coding/calibration.py``) on annotated real-news sentences.

    .venv/bin/python benchmarks/news_sentences.py rebuild --pool dev   --out news_more_dev.jsonl
    .venv/bin/python benchmarks/news_sentences.py rebuild --pool train --out news_more_train.jsonl
    .venv/bin/python benchmarks/train_calibration.py news_more_dev.jsonl news_more_train.jsonl \\
        --out src/detente/data/coder/rule_calibration.json.gz

Only the ``dev`` and ``train`` pools: never the ``held`` pool nor ../shared/bench/gold/news_dev.jsonl,
which measure the result. Every counted event the rules find between two actors
(:func:`detente.coding.calibration.calibrated`) is an example; it is right (1) when the annotators
gave its sentence the same source, target and root (actors compared as the news gold compares
them), else wrong (0). A binary logistic regression (L2, L-BFGS) is fitted on
:func:`detente.coding.calibration.features`. Prints 5-fold cross-validated figures by sentence:
the ranking quality (AUC) of the model and of the rules' heuristic score, and the precision and
recall of the rules' events kept at each confidence. Deterministic: the same files give the same model.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_pairs import feature_matrix, fit  # the same design and L-BFGS logistic regression

THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def build_items(paths: list[str]) -> tuple[list[dict], int]:
    """One item per calibrated rule event: its sentence's row, scored tuple, features, label and the
    heuristic's confidence; and the number of gold events (for recall)."""
    from detente.coding.calibration import sentence_features
    from detente.config import Config
    from detente.evaluation import gold_articles, normalise_news, prediction_events, read_gold
    from detente.pipeline import Engine

    engine = Engine(Config(pairs=False, calibrate=False))  # the rules alone, their own confidence
    rows = [r for p in paths for r in read_gold(p) if r.get("scored", True)]
    arts = list(gold_articles(rows))
    docs = engine.nlp.pipe([a.text for a in arts], batch_size=64)
    items: list[dict] = []
    n_gold = 0
    for i, (row, art, doc) in enumerate(zip(rows, arts, docs, strict=True)):
        gold = {(g["source"], g["target"], str(g["code"])[:2])
                for g in normalise_news(row.get("expected") or [], gold=True)}
        n_gold += len(gold)
        for _, _, _, _, found in engine.coder.coded_sentences(doc, art):
            for e, feats in sentence_features(found):
                for x in normalise_news(prediction_events([e]), gold=False):
                    key = (x["source"], x["target"], str(x["code"])[:2])
                    items.append({"row": i, "key": list(key), "features": feats, "label": int(key in gold),
                                  "heuristic": e.confidence})
    return items, n_gold


def probabilities(X, W: np.ndarray) -> np.ndarray:
    z = X @ (W[:, 1] - W[:, 0])
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def auc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(p, kind="stable")
    ys = y[order]
    n1, n0 = int(ys.sum()), int(len(ys) - ys.sum())
    ranks = np.arange(1, len(ys) + 1)
    return float((ranks[ys == 1].sum() - n1 * (n1 + 1) / 2) / max(1, n1 * n0))


def kept(items: list[dict], p: np.ndarray, t: float) -> tuple[int, int]:
    """(right, wrong) scored tuples kept at confidence ``t`` (a tuple several events make: its best)."""
    best: dict[tuple, tuple[float, int]] = {}
    for it, q in zip(items, p, strict=True):
        k = (it["row"], *it["key"])
        if k not in best or q > best[k][0]:
            best[k] = (float(q), it["label"])
    right = sum(1 for q, y in best.values() if q >= t and y)
    return right, sum(1 for q, y in best.values() if q >= t and not y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="+", help="news-format gold files (dev and train pools only)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", help="keep the extracted examples here (JSON) and reuse them")
    args = ap.parse_args()

    if args.cache and Path(args.cache).exists():
        cached = json.loads(Path(args.cache).read_text())
        items, n_gold = cached["items"], cached["n_gold"]
    else:
        items, n_gold = build_items(args.gold)
        if args.cache:
            Path(args.cache).write_text(json.dumps({"items": items, "n_gold": n_gold}))
    y = np.array([it["label"] for it in items])
    n_rows = len({it["row"] for it in items})
    print(f"{len(items)} rule events in {n_rows} sentences, {int(y.sum())} right; {n_gold} gold events",
          file=sys.stderr)

    rows = sorted({it["row"] for it in items})
    random.Random(7).shuffle(rows)
    fold_of = {r: k % args.folds for k, r in enumerate(rows)}
    cv = np.zeros(len(items))
    for k in range(args.folds):
        train = [i for i, it in enumerate(items) if fold_of[it["row"]] != k]
        test = [i for i, it in enumerate(items) if fold_of[it["row"]] == k]
        X, vocab = feature_matrix([items[i] for i in train])
        W = fit(X, y[train], 2, args.l2)
        cv[test] = probabilities(feature_matrix([items[i] for i in test], vocab)[0], W)
    heuristic = np.array([it["heuristic"] for it in items])
    print(f"AUC (cross-validated): calibration {auc(y, cv):.3f}, rules' heuristic {auc(y, heuristic):.3f}",
          file=sys.stderr)
    figures = {}
    for name, p in (("calibration", cv), ("heuristic", heuristic)):
        for t in THRESHOLDS:
            right, wrong = kept(items, p, t)
            prec, rec = right / max(1, right + wrong), right / max(1, n_gold)
            f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            figures[f"{name}@{t:.1f}"] = [right, wrong, round(prec, 3), round(rec, 3), round(f, 3)]
            print(f"{name:11} >= {t:.1f}: right {right:5} wrong {wrong:5}  P {prec:.3f} R {rec:.3f} F1 {f:.3f}",
                  file=sys.stderr)

    X, vocab = feature_matrix(items)
    W = fit(X, y, 2, args.l2)
    w = W[:, 1] - W[:, 0]
    weights = {f: round(float(w[j]), 4) for f, j in sorted(vocab.items()) if abs(w[j]) >= 1e-3}
    from detente.coding.calibration import RuleCalibration

    model = RuleCalibration(weights=weights, meta={
        "trained_on": [Path(p).name for p in args.gold], "sentences": n_rows, "events": len(items),
        "right": int(y.sum()), "l2": args.l2, "cv_auc": round(auc(y, cv), 3),
        "cv_auc_heuristic": round(auc(y, heuristic), 3), "cv_figures": figures})
    raw = json.dumps(model.to_json(), separators=(",", ":"), sort_keys=True).encode()
    Path(args.out).write_bytes(gzip.compress(raw, mtime=0))
    print(f"{len(weights)} features -> {args.out} ({len(raw) // 1024} KB raw)", file=sys.stderr)


if __name__ == "__main__":
    main()
