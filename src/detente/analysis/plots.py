"""Charts: the dyad chart and the relations heatmap (matplotlib, Agg backend, imported lazily).

* ``dyad_chart(series, changes, path, title)``: top panel the cooperation–conflict index
  as a line (change points as dashed vertical lines, segment levels as horizontal
  strokes); bottom panel the counts per QuadClass as stacked bars. PNG or SVG by suffix.
* ``relations_heatmap(relations, path)``: the country × country index, red (conflict) to
  blue (cooperation), blank where a pair has no happenings.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

QUAD_LABELS = ("verbal cooperation", "material cooperation", "verbal conflict", "material conflict")
QUAD_COLOURS = ("#9ecae1", "#3182bd", "#fdae6b", "#e6550d")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def dyad_chart(series: list[dict], changes: list[dict], path: str, title: str = "") -> str:
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    dates = [_dt.date.fromisoformat(r["period"]) for r in series]
    span = (dates[1] - dates[0]).days if len(dates) > 1 else 30
    mids = [d + _dt.timedelta(days=span / 2) for d in dates]  # a period's value sits in its middle
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True,
                                   gridspec_kw={"height_ratios": [3, 2]})
    try:
        ax1.axhline(0, color="#999999", linewidth=0.8)
        xs = [d for d, r in zip(mids, series) if r["n"] > 0]
        ys = [r["index"] for r in series if r["n"] > 0]
        ax1.plot(xs, ys, marker="o", color="#222222", linewidth=1.6, label="index")
        for ch in changes:
            x = _dt.date.fromisoformat(ch["period"])
            ax1.axvline(x, color="#c0392b", linestyle="--", linewidth=1.2)
            ax1.annotate(f"{ch['level_before']:+.0f} → {ch['level_after']:+.0f}", xy=(x, 0.96),
                         xycoords=("data", "axes fraction"), ha="left", va="top", fontsize=8,
                         color="#c0392b")
        ax1.set_ylim(-105, 105)
        ax1.set_ylabel("cooperation – conflict index")
        ax1.set_title(title)
        width = max(1, int(span * 0.8))
        bottom = [0] * len(series)
        for q, (label, colour) in enumerate(zip(QUAD_LABELS, QUAD_COLOURS), start=1):
            vals = [r[f"q{q}"] for r in series]
            ax2.bar(mids, vals, width=width, bottom=bottom, color=colour, label=label, align="center")
            bottom = [b + v for b, v in zip(bottom, vals)]
        for ch in changes:
            ax2.axvline(_dt.date.fromisoformat(ch["period"]), color="#c0392b", linestyle="--", linewidth=1.2)
        ax2.set_ylabel("happenings")
        ax2.set_ylim(0, max([1, *bottom]) * 1.45)  # room for the legend
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.legend(fontsize=7, loc="upper left", ncol=2)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def relations_heatmap(relations: Any, path: str) -> str:
    plt = _pyplot()
    import numpy as np

    n = len(relations.countries)
    data = np.full((n, n), np.nan)
    for i, row in enumerate(relations.matrix):
        for j, v in enumerate(row):
            if v is not None:
                data[i, j] = v
    size = max(4.0, 0.35 * n + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    try:
        im = ax.imshow(np.ma.masked_invalid(data), cmap="RdBu", vmin=-100, vmax=100)
        ax.set_xticks(range(n), relations.countries, rotation=90, fontsize=8)
        ax.set_yticks(range(n), relations.countries, fontsize=8)
        ax.set_title(f"Relations {relations.start} – {relations.end}")
        fig.colorbar(im, ax=ax, label="cooperation – conflict index")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
