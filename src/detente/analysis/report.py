"""The analysis part of ``detente demo``: one dyad, when it changed, and why.

``demo_report(store_or_con, out_dir=".") -> str`` clusters happenings, takes the country
pair with the most happenings, computes its monthly series and change points, writes the
dyad chart ``detente-demo-dyad.png`` into ``out_dir`` and returns a printable text.
"""

from __future__ import annotations

import os
import textwrap

from .changes import dyad_changes, no_change_hint
from .common import connection
from .dyads import busiest_pairs, dyad_sources, series_caption
from .happenings import cluster_happenings

DEMO_CHART = "detente-demo-dyad.png"


def _month(period: str) -> str:
    import datetime as _dt

    return _dt.date.fromisoformat(period).strftime("%B %Y")


def demo_report(store_or_con: object, out_dir: str = ".", top: int = 3) -> str:
    con = connection(store_or_con)
    summary = cluster_happenings(con, only_new=True)
    lines = [summary.text()]
    pairs = busiest_pairs(con, limit=1)
    if not pairs:
        lines.append("No pair of countries has a happening yet: nothing to chart.")
        return "\n".join(lines)
    a, b, n = pairs[0]
    series, changes = dyad_changes(con, a, b, freq="month", top=top)
    os.makedirs(out_dir, exist_ok=True)
    chart = os.path.join(out_dir, DEMO_CHART)
    from .plots import dyad_chart

    dyad_chart(series, changes, chart, title=f"{a} – {b}: cooperation – conflict index by month",
               caption=series_caption(a, b, "month", series, dyad_sources(con, a, b)))
    active = [r for r in series if r["n"]]
    lines.append(f"Busiest pair: {a}–{b}, {n} happenings from {_month(series[0]['period'])} "
                 f"to {_month(series[-1]['period'])}.")
    lines.append("Index by month (-100 conflict .. +100 cooperation): " + ", ".join(
        f"{r['period'][:7]} {r['index']:+.0f}" for r in active))
    if not changes:
        lines.append(no_change_hint(series, "month") or "No change point: the relation kept one level.")
    for ch in changes:
        verb = "warmed" if ch["delta"] > 0 else "cooled"
        lines.append(f"The relation {verb} in {_month(ch['period'])}: from {ch['level_before']:+.0f} "
                     f"to {ch['level_after']:+.0f} (mean levels; the index went from {ch['index_before']:+.0f} "
                     f"in {_month(ch['previous_period'])} to {ch['index_after']:+.0f}). "
                     + ("What moved it:" if ch["drivers"] else f"No driver: {ch.get('note', '')}."))
        for d in ch["drivers"]:
            sent = textwrap.shorten(d["sentence"] or "", 160, placeholder="…")
            titles = [x["title"] for x in d.get("articles") or [] if x.get("title")]
            source = f" ({textwrap.shorten(titles[0], 60, placeholder='…')})" if titles else ""
            lines.append(f"  - {d['date']} [{d['cameo']}, Goldstein {d['goldstein']:+.1f}, "
                         f"{d['mentions']} mention(s)] {sent}{source}")
    lines.append(f"Chart: {chart}")
    return "\n".join(lines)
