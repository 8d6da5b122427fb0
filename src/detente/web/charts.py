"""Charts as SVG strings, drawn on the server (no chart library, nothing from the internet).

Contract:

* ``index_chart(series, changes) -> str``: the cooperation–conflict index of a ``dyad_series``
  list (-100..100) as a line over the non-empty periods, empty periods as hollow marks on the
  zero line, each change point a dashed vertical line numbered as in the list under the chart,
  the mean level of each segment as a thin horizontal line.
* ``quad_timeline(rows) -> str``: stacked bars of event counts per month by QuadClass, from
  rows ``{"period": "YYYY-MM-01", "q1": n, ..., "q4": n}``.

Both return ``""`` for empty input; every mark carries a ``<title>`` (the browser's tooltip) and a
``data-*`` attribute the browser tests read.
"""

from __future__ import annotations

from html import escape
from typing import Any

QUAD_COLOURS = {1: "#4e9a6f", 2: "#1f6f43", 3: "#e39b3a", 4: "#b3362c"}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _period_label(period: str) -> str:
    return period[:7] if period.endswith("-01") else period


def _ticks(n: int, room: int) -> list[int]:
    """Positions of at most ``room`` evenly spread x-axis labels out of ``n``."""
    if n <= room:
        return list(range(n))
    step = -(-n // room)
    return list(range(0, n, step))


def index_chart(series: list[dict[str, Any]], changes: list[dict[str, Any]], width: int = 900,
                height: int = 320) -> str:
    if not series:
        return ""
    left, right, top, bottom = 48, 40, 16, 44
    pw, ph = width - left - right, height - top - bottom
    n = len(series)
    step = pw / max(n - 1, 1)

    def x(i: float) -> float:
        return left + (i * step if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + (100.0 - v) / 200.0 * ph

    out = [(f'<svg class="chart index-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="Cooperation–conflict index by period">')]
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{_fmt(ph / 2)}" class="band-coop"/>')
    out.append(f'<rect x="{left}" y="{_fmt(y(0))}" width="{pw}" height="{_fmt(ph / 2)}" class="band-conflict"/>')
    for v in (100, 50, 0, -50, -100):
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{_fmt(y(v))}" y2="{_fmt(y(v))}" '
                   f'class="{"zero" if v == 0 else "grid"}"/>')
        out.append(f'<text x="{left - 6}" y="{_fmt(y(v) + 4)}" class="ylab">{v}</text>')
    for i in _ticks(n, 12):
        out.append(f'<text x="{_fmt(x(i))}" y="{height - bottom + 18}" class="xlab">'
                   f'{escape(_period_label(series[i]["period"]))}</text>')
    # segment levels
    positions = [c["position"] for c in changes]
    bounds = [0, *positions, n]
    for j in range(len(bounds) - 1):
        seg = [r for r in series[bounds[j]:bounds[j + 1]] if r.get("n", 0) > 0]
        if seg:
            level = sum(float(r["index"]) for r in seg) / len(seg)
            x1, x2 = x(bounds[j]), x(bounds[j + 1] - 1)
            out.append(f'<line x1="{_fmt(x1)}" x2="{_fmt(x2)}" y1="{_fmt(y(level))}" y2="{_fmt(y(level))}" '
                       f'class="level"><title>mean level {level:.1f}</title></line>')
    # change points
    for k, ch in enumerate(changes, 1):
        cx = x(ch["position"] - 0.5)
        out.append(f'<g class="change-mark" data-period="{escape(ch["period"])}">'
                   f'<line x1="{_fmt(cx)}" x2="{_fmt(cx)}" y1="{top}" y2="{top + ph}"/>'
                   f'<circle cx="{_fmt(cx)}" cy="{top + 10}" r="9"/>'
                   f'<text x="{_fmt(cx)}" y="{top + 14}">{k}</text>'
                   f'<title>change {k}: {escape(_period_label(ch["period"]))}, '
                   f'{ch["level_before"]:+.1f} → {ch["level_after"]:+.1f}</title></g>')
    # the line over non-empty periods
    pts = [(x(i), y(float(r["index"]))) for i, r in enumerate(series) if r.get("n", 0) > 0]
    if len(pts) > 1:
        out.append('<polyline class="series" points="' + " ".join(f"{_fmt(a)},{_fmt(b)}" for a, b in pts) + '"/>')
    for i, r in enumerate(series):
        empty = r.get("n", 0) == 0
        cy = y(0.0) if empty else y(float(r["index"]))
        tip = (f'{_period_label(r["period"])}: no events' if empty else
               f'{_period_label(r["period"])}: index {float(r["index"]):+.1f}, {r["n"]} happenings')
        out.append(f'<circle class="{"point empty" if empty else "point"}" cx="{_fmt(x(i))}" cy="{_fmt(cy)}" '
                   f'r="{3 if empty else 4}" data-period="{escape(r["period"])}" '
                   f'data-index="{"" if empty else r["index"]}"><title>{escape(tip)}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def quad_timeline(rows: list[dict[str, Any]], width: int = 900, height: int = 220) -> str:
    if not rows:
        return ""
    left, right, top, bottom = 48, 24, 12, 40
    pw, ph = width - left - right, height - top - bottom
    n = len(rows)
    peak = max(sum(int(r.get(f"q{q}", 0)) for q in QUAD_COLOURS) for r in rows) or 1
    slot = pw / n
    bar = max(min(slot * 0.8, 40.0), 1.0)
    out = [(f'<svg class="chart quad-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="Events per month by QuadClass">')]
    for frac in (0.0, 0.5, 1.0):
        gy = top + ph - frac * ph
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{_fmt(gy)}" y2="{_fmt(gy)}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{_fmt(gy + 4)}" class="ylab">{round(frac * peak)}</text>')
    for i in _ticks(n, 12):
        out.append(f'<text x="{_fmt(left + slot * (i + 0.5))}" y="{height - bottom + 18}" class="xlab">'
                   f'{escape(_period_label(rows[i]["period"]))}</text>')
    for i, r in enumerate(rows):
        base = float(top + ph)
        bx = left + slot * i + (slot - bar) / 2
        for q, colour in QUAD_COLOURS.items():
            v = int(r.get(f"q{q}", 0))
            if not v:
                continue
            h = v / peak * ph
            base -= h
            out.append(f'<rect class="bar q{q}" x="{_fmt(bx)}" y="{_fmt(base)}" width="{_fmt(bar)}" '
                       f'height="{_fmt(h)}" fill="{colour}" data-period="{escape(r["period"])}" data-n="{v}">'
                       f'<title>{escape(_period_label(r["period"]))}: {v} {QUAD_NAMES[q]}</title></rect>')
    out.append("</svg>")
    return "".join(out)
