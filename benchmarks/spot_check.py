"""Print a random sample of coded dyadic events from the news sample, for judging by hand.

    .venv/bin/python benchmarks/spot_check.py [--slice 11] [--articles 120] [--sample 40]

Takes every 37th article of ../shared/corpus/news-sample.jsonl.gz starting at ``--slice``, codes
them, keeps the events aggregates count (asserted; actual, intended or future) at the confidence
``detente eval`` asserts events at (``--min-confidence``; by default 0.3 with the calibrated
confidence, 0.6 with the rules' heuristic: ``detente.evaluation.default_min_confidence``) whose
source and target are actors of two different countries, and prints ``--sample``
of them (seeded by the slice) with their sentence and whether the rules or the pair model
proposed them. A reader marks each right or wrong.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--slice", type=int, default=11)
    ap.add_argument("--articles", type=int, default=120)
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--min-confidence", type=float, default=None,
                    help="default: the one detente eval uses for this coder")
    args = ap.parse_args()

    from detente.evaluation import default_min_confidence
    from detente.pipeline import Engine
    from detente.records import Article

    engine = Engine()
    articles = []
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % 37 != args.slice:
                continue
            row = json.loads(line)
            date = (row.get("date") or row.get("published") or "")[:10] or None
            articles.append(Article.make(row.get("text") or "", published=date, lang="en", origin=str(i)))
            if len(articles) >= args.articles:
                break
    cut = args.min_confidence if args.min_confidence is not None else default_min_confidence(engine)
    events = []
    for art in articles:
        for e in engine.code_article(art).events:
            if e.counts and e.confidence >= cut and e.source and e.target and e.source.country \
                    and e.target.country and e.source.country != e.target.country:
                events.append(e)
    random.seed(args.slice)
    print(f"{len(events)} dyadic counted events in {len(articles)} articles; a sample of {args.sample}:")
    for e in random.sample(events, min(args.sample, len(events))):
        by = "model" if (e.pattern or "").startswith("model:") else "rules"
        print(f"- {e.source.code} ({e.source.text}) -> {e.target.code} ({e.target.text}) {e.cameo} "
              f"{e.cameo_name} | {e.modality} | {by} | {' '.join(e.sentence.split())}")


if __name__ == "__main__":
    main()
