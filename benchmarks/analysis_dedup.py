"""How much do happenings deduplicate a real store? Counts plus 20 random merges to check by eye.

    .venv/bin/python benchmarks/analysis_dedup.py detente.duckdb [--sample 20] [--seed 0] [--rebuild]

Clusters the store (incrementally unless --rebuild), prints events vs happenings (overall and
per CAMEO root family), then ``--sample`` happenings with more than one report, drawn with a
fixed seed, each with every member's sentence and the reason it was merged.
"""

from __future__ import annotations

import argparse
import random
import textwrap

from detente.analysis import cluster_happenings, happening_members
from detente.analysis.common import open_db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    con = open_db(args.db)
    summary = cluster_happenings(con, only_new=not args.rebuild)
    print(summary.text())
    (events_all, events_counted) = con.execute(
        "SELECT count(*), count(*) FILTER (polarity = 'asserted' AND modality IN ('actual','intended','future')) "
        "FROM events").fetchall()[0]
    print(f"\nevents in store: {events_all:,} ({events_counted:,} asserted); clustered: {summary.total_events:,}; "
          f"happenings: {summary.total_happenings:,}\n")
    print("| family | events | happenings | reports per happening | happenings with >1 report |")
    print("|---|---|---|---|---|")
    for fam, ne, nh, multi in con.execute("""
        SELECT family, sum(num_events), count(*), count(*) FILTER (num_events > 1)
        FROM happenings GROUP BY 1 ORDER BY 2 DESC""").fetchall():
        print(f"| {fam} | {int(ne):,} | {nh:,} | {int(ne) / nh:.2f} | {multi:,} |")
    picks = con.execute("""
        SELECT happening_id, pair, family, date, num_events, num_articles, num_sources FROM happenings
        WHERE num_events > 1 ORDER BY happening_id""").fetchall()
    rng = random.Random(args.seed)
    sample = rng.sample(picks, min(args.sample, len(picks)))
    print(f"\n{len(sample)} random merges (seed {args.seed}) of {len(picks):,} happenings with more than one report:")
    for hid, pair, fam, date, ne, na, ns in sorted(sample, key=lambda r: (r[1], r[3], r[0])):
        print(f"\n## {pair} {fam} {date}: {ne} events, {na} articles, {ns} outlets  [{hid[:12]}]")
        for m in happening_members(con, hid):
            print(f"  - {m['date']} {m['cameo']} {m['article_id'][:10]}#{m['sentence_index']}: "
                  + textwrap.shorten(m["sentence"] or "", 150, placeholder="…"))
            print(f"      {m['reason']}")


if __name__ == "__main__":
    main()
