"""Change points in a dyad's index, explained by the happenings that moved it.

Contract:

* ``detect_changes(series, penalty=None) -> list[dict]``: pure, on a ``dyad_series`` list.
  Each change: ``period`` (first period of the new level), ``position`` (its index in the
  series), ``level_before``, ``level_after`` (mean index of the segments either side, drawn
  on the chart as horizontal strokes), ``delta``, and ``index_before``/``index_after`` (the
  plotted index of the last period before and the first period of the change).
* ``no_change_hint(series, freq, penalty)``: when the default penalty finds no change on a
  short or sparse series, a sentence saying so and what to try (``--freq week``, a penalty).
* ``explain_change(con, a, b, series, change, ...) -> list[dict]``: the happenings that
  moved the index most around the change (see below), with sentence, article ids and the
  articles' titles, links and outlets where the store has them (``articles``).
* ``dyad_changes(con, a, b, ...) -> (series, changes)``: both, each change with ``drivers``
  (and ``note`` when no happening pushed the index the way it moved).

Detection (docs/analysis.md): the index of the non-empty periods (``skip_empty=True``;
empty periods carry no information and would pull every level towards 0) is segmented
with ruptures ``Binseg(model="l2", min_size=2, jump=1).predict(pen=penalty)``. A split is
kept when it lowers the squared error by more than the penalty. The default penalty is
``PENALTY_FACTOR * sigma**2 * log(n)`` (BIC-like), where sigma is the noise of the index
estimated from successive differences (lower median absolute difference / (0.6745 * sqrt 2)),
floored at ``SIGMA_FLOOR`` index points so a calm series is not split on small wobbles.
Series with fewer than 4 non-empty periods (too short for two segments of 2) use the
same criterion on the single largest step: one change when
``step**2 * n1 * n2 / n > penalty``.

Explanation: the happenings dated in the ``around`` periods before and after the change
whose signed contribution ``goldstein * w * sign(delta)`` is positive (those that pushed the
index the way it moved; ``w`` = mentions), largest first. Only those: when none did (a
cooling made of weaker cooperation, no conflict), the change has no drivers and a ``note``
saying that the move came from fewer or weaker happenings of the other sign.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from .common import connection, table_exists
from .dyads import _next_period, dyad_series

PENALTY_FACTOR = 2.0
SIGMA_FLOOR = 10.0
MIN_SIZE = 2


def default_penalty(values: list[float]) -> float:
    n = len(values)
    diffs = sorted(abs(values[i + 1] - values[i]) for i in range(n - 1))
    mad = diffs[(len(diffs) - 1) // 2] if diffs else 0.0  # lower median: robust to one jump
    sigma = max(mad / (0.6745 * math.sqrt(2.0)), SIGMA_FLOOR)
    return PENALTY_FACTOR * sigma * sigma * math.log(max(n, 2))


def _breakpoints(values: list[float], pen: float) -> list[int]:
    """Start positions of new segments (excluding 0)."""
    n = len(values)
    if n < 2:
        return []
    if n < 2 * MIN_SIZE:
        best, gain = 0, 0.0
        for t in range(1, n):
            left, right = values[:t], values[t:]
            step = sum(right) / len(right) - sum(left) / len(left)
            g = step * step * len(left) * len(right) / n
            if g > gain:
                best, gain = t, g
        return [best] if gain > pen else []
    import numpy as np
    import ruptures as rpt

    signal = np.asarray(values, dtype=float).reshape(-1, 1)
    algo = rpt.Binseg(model="l2", min_size=MIN_SIZE, jump=1).fit(signal)
    return [b for b in algo.predict(pen=pen) if b < n]


def _has_index(r: dict, skip_empty: bool = True) -> bool:
    return r.get("index") is not None and (r.get("n", 1) > 0 or not skip_empty)


def detect_changes(series: list[dict], penalty: float | None = None, skip_empty: bool = True) -> list[dict]:
    """Change points of ``series`` (a ``dyad_series`` list); see the module docstring. Periods
    with a missing index (no happenings) are always left out."""
    keep = [i for i, r in enumerate(series) if _has_index(r, skip_empty)]
    values = [float(series[i]["index"]) for i in keep]
    if len(values) < 2:
        return []
    pen = default_penalty(values) if penalty is None else float(penalty)
    bps = _breakpoints(values, pen)
    bounds = [0, *bps, len(values)]
    out = []
    for j, t in enumerate(bps):
        before = values[bounds[j]:t]
        after = values[t:bounds[j + 2]]
        lb, la = sum(before) / len(before), sum(after) / len(after)
        out.append({"period": series[keep[t]]["period"], "position": keep[t],
                    "previous_period": series[keep[t - 1]]["period"],
                    "level_before": round(lb, 2), "level_after": round(la, 2), "delta": round(la - lb, 2),
                    "index_before": round(values[t - 1], 2), "index_after": round(values[t], 2),
                    "penalty": round(pen, 1)})
    return out


SHORT_SERIES = 8  # fewer non-empty periods than this: the default penalty rarely splits
SPARSE_SHARE = 0.5  # more empty periods than this share: sparse


def no_change_hint(series: list[dict], freq: str = "month", penalty: float | None = None) -> str | None:
    """Why no change was found, when the default penalty met a short or sparse series; else None."""
    if penalty is not None or not series:
        return None
    values = [float(r["index"]) for r in series if _has_index(r)]
    empty = len(series) - len(values)
    short, sparse = len(values) < SHORT_SERIES, empty > SPARSE_SHARE * len(series)
    if not (short or sparse) or len(values) < 2:
        return None
    why = []
    if short:
        why.append(f"only {len(values)} {freq}s have happenings")
    if sparse:
        why.append(f"{empty} of {len(series)} {freq}s are empty")
    pen = default_penalty(values)
    tries = ["--freq week" if freq == "month" else None, f"--penalty {max(1.0, pen / 4):.0f}"]
    return (f"The default penalty ({pen:.0f}) found no change, but the series is too {'short' if short else 'sparse'} "
            f"for it to be a finding: {' and '.join(why)}. Try {' or '.join(t for t in tries if t)}.")


def explain_change(store_or_con: object, a: str, b: str, series: list[dict], change: dict,  # noqa: PLR0913 - options
                   freq: str = "month", top: int = 5, around: int = 1, directed: bool = False,
                   include_all: bool = False) -> list[dict]:
    """The happenings that moved the index most around ``change`` (largest first)."""
    con = connection(store_or_con)
    keep = [i for i, r in enumerate(series) if r["n"] > 0] or list(range(len(series)))
    pos = keep.index(change["position"]) if change["position"] in keep else 0
    first = series[keep[max(0, pos - around)]]["period"]
    last = series[keep[min(len(keep) - 1, pos + around - 1)]]["period"]
    start = _dt.date.fromisoformat(first)
    end = _next_period(_dt.date.fromisoformat(last), freq)
    sign = 1.0 if change["delta"] >= 0 else -1.0
    lo, hi = min(a, b), max(a, b)
    cond = "pair = ? AND date >= ? AND date < ?"
    params: list[Any] = [f"{lo}-{hi}", start, end]
    if directed:
        cond += " AND has_ab" if a == lo else " AND has_ba"
    if not include_all:
        cond += " AND asserted"
    query = f"""
      SELECT h.happening_id, h.date, h.cameo, h.goldstein, h.num_mentions, h.num_sources, h.sentence,
             h.article_id, h.goldstein * h.num_mentions * ? AS contribution,
             (SELECT list(DISTINCT e.article_id ORDER BY e.article_id) FROM happening_events he
              JOIN events e USING (event_id) WHERE he.happening_id = h.happening_id) AS article_ids
      FROM happenings h WHERE {cond} AND h.goldstein * ? > 0
      ORDER BY contribution DESC, h.date, h.happening_id LIMIT ?"""
    rows = con.execute(query, [sign, *params, sign, top]).fetchall()
    cols = ("happening_id", "date", "cameo", "goldstein", "mentions", "sources", "sentence", "article_id",
            "contribution", "article_ids")
    out = []
    for r in rows:
        d = dict(zip(cols, r, strict=True))
        d["date"] = d["date"].isoformat() if d["date"] else None
        out.append(d)
    _add_articles(con, out)
    return out


def _add_articles(con: Any, drivers: list[dict]) -> None:
    """Each driver's ``articles``: [{article_id, title, url, source}] (title/url/source None where the
    store has no ``articles`` row or the article none)."""
    ids = sorted({a for d in drivers for a in d["article_ids"] or []})
    meta: dict[str, tuple] = {}
    if ids and table_exists(con, "articles"):
        cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'articles'").fetchall()}
        pick = [c if c in cols else f"NULL AS {c}" for c in ("title", "url", "source")]
        for aid, *rest in con.execute(f"SELECT article_id, {', '.join(pick)} FROM articles "
                                      f"WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall():
            meta[aid] = tuple(rest)
    for d in drivers:
        d["articles"] = [dict(zip(("article_id", "title", "url", "source"), (a, *meta.get(a, (None,) * 3)),
                                  strict=True))
                         for a in d["article_ids"] or []]


def dyad_changes(store_or_con: object, a: str, b: str, freq: str = "month", penalty: float | None = None,  # noqa: PLR0913 - options
                 start: Any = None, end: Any = None, directed: bool = False, weighted: bool = False,
                 include_all: bool = False, top: int = 5) -> tuple[list[dict], list[dict]]:
    """The dyad's series and its change points, each with ``drivers`` (``explain_change``)."""
    con = connection(store_or_con)
    a, b = a.upper(), b.upper()
    series = dyad_series(con, a, b, freq=freq, start=start, end=end, directed=directed, weighted=weighted,
                         include_all=include_all)
    changes = detect_changes(series, penalty)
    for ch in changes:
        ch["drivers"] = explain_change(con, a, b, series, ch, freq=freq, top=top, directed=directed,
                                       include_all=include_all)
        if not ch["drivers"]:
            kind = "conflict" if ch["delta"] < 0 else "cooperation"
            other = "cooperation" if ch["delta"] < 0 else "conflict"
            ch["note"] = (f"no {kind} happening around {ch['period'][:7]} pushed the index this way: "
                          f"it moved because {other} became rarer or weaker")
    return series, changes
