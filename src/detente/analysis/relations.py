"""Relations: the cooperation–conflict index of every country pair over one period.

Contract: ``relations_matrix(con, start, end, organisations=False) -> Relations``
(``start``/``end`` inclusive, as in dyads.py: ``end="2025-09"`` is 30 September) with
``.countries`` (the busiest states, at most ``max_countries``; with ``organisations=True``
the busiest organisations, groups and regions follow in rows of their own), ``.matrix``
(symmetric, ``None`` where a pair has no happenings: "no events", distinct from an index of
0, "neutral"), ``.counts`` (happenings per cell, 0 where none), ``.pairs`` (one dict per pair:
a, b, n, n_first, n_second, index, index_first, index_second, change), ``.warming()`` /
``.cooling()`` (the top pairs by change), ``.why_none(kind)`` (why a warming or cooling list
is empty), ``.to_csv(path)`` and ``.heatmap(path)``.

States are the codes of the country crosswalk (:mod:`detente.countries`: countries and
territories); anything else a happening names (``UN``, ``NATO``, ``EU``, a region such as
``WST``) is an organisation, left out of the matrix and the pairs unless ``organisations=True``.

The index is the dyad index (dyads.py) over the pair's asserted happenings in the period,
undirected. Warming and cooling compare the two halves of the period: ``change =
index_second - index_first``, where the first half is [start, mid) and the second
[mid, end], mid = start + (end - start) / 2; only pairs with happenings in both halves
are ranked.
"""

from __future__ import annotations

import csv
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..countries import is_state
from ..dates import parse_bound
from .common import connection, require_events
from .dyads import SMOOTHING, cooperation_index
from .happenings import ensure_happenings


@dataclass
class Relations:
    start: _dt.date
    end: _dt.date
    mid: _dt.date
    countries: list[str]
    matrix: list[list[float | None]]
    pairs: list[dict] = field(default_factory=list)
    counts: list[list[int]] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # the rows after the states, when asked
    left_out: int = 0  # happenings with an organisation on one side, not in the matrix

    def why_none(self, kind: str) -> str:
        """Why ``warming()`` (kind "warming") or ``cooling()`` is empty."""
        both = [p for p in self.pairs if p["change"] is not None]
        if not self.pairs:
            return "no pair of states has a happening in the period"
        if not both:
            return (f"none of the {len(self.pairs)} pairs has happenings in both halves "
                    f"(before and from {self.mid}); widen --from/--to")
        return f"none of the {len(both)} pairs with happenings in both halves {'rose' if kind == 'warming' else 'fell'}"

    def warming(self, top: int = 5) -> list[dict]:
        ranked = [p for p in self.pairs if p["change"] is not None and p["change"] > 0]
        return sorted(ranked, key=lambda p: (-p["change"], p["a"], p["b"]))[:top]

    def cooling(self, top: int = 5) -> list[dict]:
        ranked = [p for p in self.pairs if p["change"] is not None and p["change"] < 0]
        return sorted(ranked, key=lambda p: (p["change"], p["a"], p["b"]))[:top]

    def to_csv(self, path: str, counts: bool = False) -> None:
        """The matrix as CSV: a header row of countries, one row per country; a blank cell is a
        pair without happenings (an index of 0 is neutral). ``counts=True``: the happenings instead."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["country", *self.countries])
            if counts:
                # not strict: ``counts`` defaults to empty (a Relations built without them)
                for c, crow in zip(self.countries, self.counts, strict=False):
                    w.writerow([c, *crow])
                return
            for c, row in zip(self.countries, self.matrix, strict=True):
                w.writerow([c, *("" if v is None else f"{v:.1f}" for v in row)])

    def heatmap(self, path: str) -> None:
        from .plots import relations_heatmap

        relations_heatmap(self, path)


def relations_matrix(store_or_con: object, start: Any = None, end: Any = None, max_countries: int = 25,
                     smoothing: float = SMOOTHING, organisations: bool = False) -> Relations:
    """Index of every pair of states between ``start`` and ``end`` (default: all the data);
    ``organisations=True`` adds the pairs with an organisation, in rows of their own."""
    con = connection(store_or_con)
    require_events(con)
    ensure_happenings(con)
    s, e = parse_bound(start, what="from"), parse_bound(end, end=True, what="to")
    if s is None or e is None:
        lo, hi = con.execute("SELECT min(date), max(date) FROM happenings WHERE asserted").fetchall()[0]
        s, e = s or lo, e or hi
    if s is None or e is None:
        return Relations(_dt.date.today(), _dt.date.today(), _dt.date.today(), [], [], [], [])
    mid = s + (e - s) / 2
    rows = con.execute("""
      SELECT country_a, country_b, count(*) AS n,
        coalesce(sum(goldstein) FILTER (goldstein > 0), 0), coalesce(-sum(goldstein) FILTER (goldstein < 0), 0),
        count(*) FILTER (date < ?),
        coalesce(sum(goldstein) FILTER (goldstein > 0 AND date < ?), 0),
        coalesce(-sum(goldstein) FILTER (goldstein < 0 AND date < ?), 0),
        count(*) FILTER (date >= ?),
        coalesce(sum(goldstein) FILTER (goldstein > 0 AND date >= ?), 0),
        coalesce(-sum(goldstein) FILTER (goldstein < 0 AND date >= ?), 0)
      FROM happenings
      WHERE asserted AND country_a <> country_b AND date >= ? AND date <= ?
      GROUP BY 1, 2 ORDER BY 1, 2""", [mid, mid, mid, mid, mid, mid, s, e]).fetchall()
    pairs = []
    volume: dict[str, int] = {}
    left_out = 0
    for a, b, n, c, k, n1, c1, k1, n2, c2, k2 in rows:
        if not organisations and not (is_state(a) and is_state(b)):
            left_out += int(n)
            continue
        i1 = cooperation_index(c1, k1, smoothing) if n1 else None
        i2 = cooperation_index(c2, k2, smoothing) if n2 else None
        pairs.append({"a": a, "b": b, "n": int(n), "n_first": int(n1), "n_second": int(n2),
                      "index": round(cooperation_index(c, k, smoothing), 2),
                      "index_first": None if i1 is None else round(i1, 2),
                      "index_second": None if i2 is None else round(i2, 2),
                      "change": None if i1 is None or i2 is None else round(i2 - i1, 2)})
        volume[a] = volume.get(a, 0) + int(n)
        volume[b] = volume.get(b, 0) + int(n)

    def busiest(codes: list[str]) -> list[str]:
        return sorted(sorted(sorted(codes), key=lambda c: -volume[c])[:max_countries])

    states = busiest([c for c in volume if is_state(c)])
    orgs = busiest([c for c in volume if not is_state(c)]) if organisations else []
    countries = states + orgs
    pos = {c: i for i, c in enumerate(countries)}
    matrix: list[list[float | None]] = [[None] * len(countries) for _ in countries]
    counts = [[0] * len(countries) for _ in countries]
    for p in pairs:
        if p["a"] in pos and p["b"] in pos:
            i, j = pos[p["a"]], pos[p["b"]]
            matrix[i][j] = matrix[j][i] = p["index"]
            counts[i][j] = counts[j][i] = p["n"]
    return Relations(s, e, mid, countries, matrix, pairs, counts, orgs, left_out)
