"""Charts: the dyad chart and the relations heatmap (matplotlib, Agg backend, imported lazily).

* ``dyad_chart(series, changes, path, title, caption="")``: top panel the cooperation–conflict
  index as a line broken over empty periods (no happenings: missing, not 0), each point sized by
  and labelled with the happenings it rests on; change points as dashed vertical lines, the
  segment means either side (the levels ``changes`` reports) as horizontal strokes; bottom panel
  the counts per QuadClass as stacked bars; the caption (formula, filters, sources) below.
  PNG or SVG by suffix.
* ``relations_heatmap(relations, path)``: the country × country index, red (conflict) through
  white (neutral, 0) to blue (cooperation), grey where a pair has no happenings, each cell
  labelled with its number of happenings.
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


def _segments(series: list[dict], changes: list[dict], dates: list[_dt.date], end: _dt.date) -> list[tuple]:
    """(start, end, mean index) of each segment between change points, as ``changes`` reports them."""
    if not changes:
        return []
    cuts = [_dt.date.fromisoformat(ch["period"]) for ch in changes]
    bounds = [dates[0], *cuts, end]
    levels = [changes[0]["level_before"], *(ch["level_after"] for ch in changes)]
    return [(bounds[i], bounds[i + 1], levels[i]) for i in range(len(levels))]


def dyad_chart(series: list[dict], changes: list[dict], path: str, title: str = "", caption: str = "") -> str:
    plt = _pyplot()
    import textwrap

    from matplotlib.ticker import MaxNLocator

    dates = [_dt.date.fromisoformat(r["period"]) for r in series]
    span = (dates[1] - dates[0]).days if len(dates) > 1 else 30
    mids = [d + _dt.timedelta(days=span / 2) for d in dates]  # a period's value sits in its middle
    wrapped = textwrap.fill(caption, 150) if caption else ""
    lines = wrapped.count("\n") + 1 if wrapped else 0
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 6 + 0.16 * lines), sharex=True,
                                   gridspec_kw={"height_ratios": [3, 2]})
    try:
        ax1.axhline(0, color="#999999", linewidth=0.8)
        # NaN where a period has no happenings: the line breaks there instead of dipping to 0
        ys = [float("nan") if r["index"] is None or not r["n"] else r["index"] for r in series]
        ax1.plot(mids, ys, color="#222222", linewidth=1.6, label="index")
        counts = [r["n"] for r in series]
        top = max([1, *counts])
        pts = [(x, y, n) for x, y, n in zip(mids, ys, counts, strict=True) if n]
        ax1.scatter([p[0] for p in pts], [p[1] for p in pts], s=[16 + 140 * p[2] / top for p in pts],
                    color="#222222", zorder=3)
        for x, y, n in pts:
            ax1.annotate(str(n), xy=(x, y), xytext=(0, 8), textcoords="offset points", ha="center",
                         fontsize=7, color="#555555")
        end = _dt.date.fromisoformat(series[-1]["period"]) + _dt.timedelta(days=span) if series else None
        for lo, hi, level in _segments(series, changes, dates, end):  # type: ignore[arg-type]
            ax1.hlines(level, lo, hi, colors="#c0392b", linewidth=2.2, alpha=0.45)
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
        for q, (label, colour) in enumerate(zip(QUAD_LABELS, QUAD_COLOURS, strict=True), start=1):
            vals = [r[f"q{q}"] for r in series]
            ax2.bar(mids, vals, width=width, bottom=bottom, color=colour, label=label, align="center")
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        for ch in changes:
            ax2.axvline(_dt.date.fromisoformat(ch["period"]), color="#c0392b", linestyle="--", linewidth=1.2)
        ax2.set_ylabel("happenings")
        ax2.set_ylim(0, max([1, *bottom]) * 1.45)  # room for the legend
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.legend(fontsize=7, loc="upper left", ncol=2)
        fig.autofmt_xdate()
        if wrapped:
            fig.text(0.01, 0.005, wrapped, fontsize=7, color="#444444", ha="left", va="bottom")
            fig.tight_layout(rect=(0, (0.14 * lines + 0.08) / (6 + 0.16 * lines), 1, 1))  # room for the caption
        else:
            fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


NO_HAPPENINGS = "#d0d0d0"  # the heatmap's grey: a pair without happenings (white is a neutral index)


def heatmap_colours(relations: Any) -> Any:
    """The RGBA colour of every heatmap cell (``n × n × 4``, as drawn): RdBu from red (−100)
    through white (0, neutral) to blue (+100), :data:`NO_HAPPENINGS` grey where the index is missing."""
    import matplotlib
    import numpy as np

    n = len(relations.countries)
    data = np.full((n, n), np.nan)
    for i, row in enumerate(relations.matrix):
        for j, v in enumerate(row):
            if v is not None:
                data[i, j] = v
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad=NO_HAPPENINGS)
    return cmap(matplotlib.colors.Normalize(vmin=-100, vmax=100)(np.ma.masked_invalid(data)))


def relations_heatmap(relations: Any, path: str) -> str:
    plt = _pyplot()
    import matplotlib

    n = len(relations.countries)
    colours = heatmap_colours(relations)
    counts = getattr(relations, "counts", None)
    size = max(4.0, 0.35 * n + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    try:
        ax.imshow(colours)  # no happenings: grey; neutral (index 0) is the white middle of RdBu
        if counts is not None and n <= 40:
            for i in range(n):
                for j in range(n):
                    if counts[i][j]:
                        v = relations.matrix[i][j]
                        ax.text(j, i, str(counts[i][j]), ha="center", va="center", fontsize=6,
                                color="white" if v is not None and abs(v) > 60 else "#222222")
        ax.set_xticks(range(n), relations.countries, rotation=90, fontsize=8)
        ax.set_yticks(range(n), relations.countries, fontsize=8)
        ax.set_title(f"Relations {relations.start} – {relations.end}")
        ax.set_xlabel("grey: no happenings · white: neutral · numbers: happenings", fontsize=7)
        scale = matplotlib.cm.ScalarMappable(matplotlib.colors.Normalize(vmin=-100, vmax=100),
                                             matplotlib.colormaps["RdBu"])
        fig.colorbar(scale, ax=ax, label="cooperation – conflict index")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
