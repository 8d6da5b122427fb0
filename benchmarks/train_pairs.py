"""Train the pair scorer (``src/detente/coding/pairs.py``) on annotated real-news sentences.

    .venv/bin/python benchmarks/news_sentences.py rebuild --pool dev   --out news_more_dev.jsonl
    .venv/bin/python benchmarks/news_sentences.py rebuild --pool train --out news_more_train.jsonl
    .venv/bin/python benchmarks/train_pairs.py news_more_dev.jsonl news_more_train.jsonl \\
        --out src/detente/data/coder/pair_model.json.gz

Only the ``dev`` and ``train`` pools: never the ``held`` pool nor ../shared/bench/gold/news_dev.jsonl,
which measure the result. Every ordered pair of actors a sentence names is a candidate
(:func:`detente.coding.pairs.candidates`); its label is the root the annotators gave that pair
(countries compared as the news gold compares them) or "none". A multinomial logistic regression
(L2, L-BFGS) is fitted on the candidates' features; the threshold on the most likely root's
probability is the one (at least ``--min-threshold``, 0.5) that maximises F1_root of the rules'
events plus the model's, over 5-fold cross-validation by sentence. Prints the cross-validated figures.
Deterministic: the same files give the same model.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy import optimize, sparse


def build_examples(paths: list[str]) -> tuple[list[dict], list[str]]:
    from detente.coding.coder import in_dateline
    from detente.coding.pairs import candidates
    from detente.evaluation import gold_articles, news_actor, read_gold
    from detente.pipeline import Engine

    engine = Engine()
    engine.coder.pair_model = None  # the rules alone
    rows = [r for p in paths for r in read_gold(p) if r.get("scored", True)]
    arts = list(gold_articles(rows))
    docs = engine.nlp.pipe([a.text for a in arts], batch_size=64)
    examples = []
    for row, art, doc in zip(rows, arts, docs, strict=True):
        gold = {(news_actor(e["source"]), news_actor(e["target"]), str(e["code"])[:2])
                for e in row.get("expected") or []}
        gold = {g for g in gold if g[0] and g[1]}
        rule_pred: set[tuple] = set()
        cands = []
        for _, sent, _, named, found in engine.coder.coded_sentences(doc, art):
            for e in found:
                if e.counts and e.confidence >= 0.6 and e.source and e.target and e.source.country \
                        and e.target.country:
                    rule_pred.add((news_actor(e.source.code or e.source.country),
                                   news_actor(e.target.code or e.target.country), e.cameo_root))
            cands.extend(candidates(sent, named, found, skip=in_dateline,
                                    lexicon_roots=engine.coder.lexicon_roots))
        items = []
        for c in cands:
            key = (news_actor(c.src.code or c.src.country), news_actor(c.tgt.code or c.tgt.country))
            roots = sorted(r for s, t, r in gold if (s, t) == key)
            ruled = any((s, t) == key for s, t, _ in rule_pred)
            items.append({"key": key, "features": c.features, "label": roots[0] if roots else "none",
                          "ruled": ruled})
        examples.append({"id": row["id"], "gold": sorted(gold), "rules": sorted(rule_pred), "cands": items})
    return examples, [r["id"] for r in rows]


def design(examples: list[dict], vocab: dict[str, int] | None = None, min_count: int = 2):
    items = [c for ex in examples for c in ex["cands"]]
    X, vocab = feature_matrix(items, vocab, min_count)
    return X, items, vocab


def feature_matrix(items: list[dict], vocab: dict[str, int] | None = None, min_count: int = 2):
    """The 0/1 matrix of ``items``' ``features`` over ``vocab`` (built from them when None: the features
    seen at least ``min_count`` times, sorted), and the vocabulary."""
    if vocab is None:
        counts = Counter(f for c in items for f in set(c["features"]))
        vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows, cols = [], []
    for n, c in enumerate(items):
        for f in set(c["features"]):
            j = vocab.get(f)
            if j is not None:
                rows.append(n)
                cols.append(j)
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(items), len(vocab)))
    return X, vocab


def fit(X, y: np.ndarray, n_classes: int, l2: float) -> np.ndarray:
    n, d = X.shape
    Y = np.zeros((n, n_classes))
    Y[np.arange(n), y] = 1.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        W = w.reshape(d, n_classes)
        Z = X @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        ll = -np.sum(np.log(P[np.arange(n), y] + 1e-12))
        grad = X.T @ (P - Y) + l2 * W
        return ll + 0.5 * l2 * float(np.sum(W * W)), grad.ravel()

    res = optimize.minimize(loss, np.zeros(d * n_classes), jac=True, method="L-BFGS-B",
                            options={"maxiter": 300})
    return res.x.reshape(d, n_classes)


def offsets_of(examples: list[dict]) -> list[int]:
    """Where each sentence's candidates start in the flat list of all candidates (the keys of ``probs``)."""
    offsets, off = [], 0
    for ex in examples:
        offsets.append(off)
        off += len(ex["cands"])
    return offsets


def predict(examples: list[dict], indices: Iterable[int], vocab: dict[str, int], W: np.ndarray,
            offsets: list[int], probs: dict[int, np.ndarray]) -> None:
    """The fitted model's label probabilities for the candidates of ``examples[i]`` (``i`` in
    ``indices``), put into ``probs`` at their flat positions (``offsets``)."""
    for i in indices:
        Xi, _, _ = design([examples[i]], vocab)
        if Xi.shape[0] == 0:
            continue
        Z = Xi @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        for k in range(P.shape[0]):
            probs[offsets[i] + k] = P[k]


def f1(examples: list[dict], probs: dict[int, np.ndarray], labels: list[str], threshold: float,
       offsets: list[int]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for ex, off in zip(examples, offsets, strict=True):
        pred = set(map(tuple, ex["rules"]))
        for k, c in enumerate(ex["cands"]):
            if c["ruled"]:
                continue
            p = probs[off + k]
            j = int(np.argmax(p[1:])) + 1
            if p[j] >= threshold:
                pred.add((c["key"][0], c["key"][1], labels[j]))
        gold = set(map(tuple, ex["gold"]))
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="+", help="news-format gold files (dev and train pools only)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-root", type=int, default=4, help="roots with fewer training pairs become 'none'")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-threshold", type=float, default=0.5,
                    help="the lowest threshold to choose: a proposal is stored (and counted by analyses) only "
                         "this likely; lower ones raise recall and lower precision")
    ap.add_argument("--cache", help="keep the extracted candidates here (JSON) and reuse them")
    args = ap.parse_args()

    if args.cache and Path(args.cache).exists():
        examples = json.loads(Path(args.cache).read_text())
    else:
        examples, _ = build_examples(args.gold)
        if args.cache:
            Path(args.cache).write_text(json.dumps(examples))
    counts = Counter(c["label"] for ex in examples for c in ex["cands"])
    labels = ["none", *sorted(r for r, n in counts.items() if r != "none" and n >= args.min_root)]
    index = {r: i for i, r in enumerate(labels)}
    print(f"{len(examples)} sentences, {sum(counts.values())} candidate pairs; labels: "
          + ", ".join(f"{r} {counts[r]}" for r in labels), file=sys.stderr)

    # cross-validation by sentence: the threshold, and honest figures
    order = list(range(len(examples)))
    random.Random(7).shuffle(order)
    folds = [order[k::args.folds] for k in range(args.folds)]
    offsets = offsets_of(examples)
    probs: dict[int, np.ndarray] = {}
    for fold in folds:
        held = set(fold)
        train = [examples[i] for i in order if i not in held]
        X, items, vocab = design(train)
        y = np.array([index.get(c["label"], 0) for c in items])
        W = fit(X, y, len(labels), args.l2)
        predict(examples, fold, vocab, W, offsets, probs)
    rules_only = f1(examples, probs, labels, 2.0, offsets)
    print(f"rules only: P {rules_only[0]:.3f} R {rules_only[1]:.3f} F1 {rules_only[2]:.3f}", file=sys.stderr)
    best = (0.0, args.min_threshold)
    for t in np.arange(0.1, 0.95, 0.05):
        p, r, f = f1(examples, probs, labels, float(t), offsets)
        print(f"threshold {t:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f}", file=sys.stderr)
        if f > best[0] and t >= args.min_threshold - 1e-9:
            best = (f, float(t))
    print(f"chosen threshold {best[1]:.2f} (cross-validated F1_root {best[0]:.3f})", file=sys.stderr)

    X, items, vocab = design(examples)
    y = np.array([index.get(c["label"], 0) for c in items])
    W = fit(X, y, len(labels), args.l2)
    weights = {f: [round(float(v), 4) for v in W[j]] for f, j in vocab.items() if np.abs(W[j]).max() >= 1e-3}
    from detente.coding.pairs import PairModel

    model = PairModel(labels=labels, weights=weights, threshold=round(best[1], 2),
                      meta={"trained_on": [Path(p).name for p in args.gold], "sentences": len(examples),
                            "candidates": len(items), "l2": args.l2,
                            "cv_f1_root": round(best[0], 3), "cv_rules_only_f1_root": round(rules_only[2], 3)})
    raw = json.dumps(model.to_json(), separators=(",", ":"), sort_keys=True).encode()
    Path(args.out).write_bytes(gzip.compress(raw, mtime=0))
    print(f"{len(weights)} features x {len(labels)} labels -> {args.out} ({len(raw) // 1024} KB raw)", file=sys.stderr)


if __name__ == "__main__":
    main()
