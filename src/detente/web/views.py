"""What the pages show, gathered from the library (no HTML here).

Contract (each takes the store path and returns plain dicts the templates and JSON routes use):

* ``overview(db) -> dict``: ``stats`` (:meth:`detente.store.Store.stats`), ``timeline`` (counted
  events per month by QuadClass), ``warming``/``cooling`` (:func:`detente.analysis.relations_matrix`
  over the whole date range, both halves compared).
* ``pair(db, a, b, freq, start, end, top) -> dict``: ``series`` and ``changes``
  (:func:`detente.analysis.dyad_changes`); each change's ``drivers`` get ``members`` (the
  happening's reports: :func:`detente.analysis.happening_members`) with their article's title,
  outlet, date and URL, and the change gets ``counts`` (the series rows of the period before and
  the period of the change).
* ``suggest_actors(q, limit, db) -> list[dict]``: states of the actor knowledge base
  (:func:`detente.actors.load_kb`) whose name, alias, adjective, demonym or code starts with (or
  contains) ``q``, with the number of counted events in the store when there is one.
* ``resolve_actor(text) -> str``: a code from what the user typed: ``CHN``, ``chn``, ``China (CHN)``,
  ``China``, ``Chinese``, ``NATO`` (:func:`detente.actors.lookup.actor_arg`); an unknown name is
  ``E720``, with the closest name as a suggestion.

Like the HTTP API, every read opens the store read-only and closes it, and the happening tables are
updated in memory (``detente.api.analysis_db``: once per copy of the store), never in the store file.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..analysis import dyad_changes, happening_members, relations_matrix
from ..api import _open_store, analysis_db
from ..errors import ApiError, ConfigError, meanings
from ..records import counted_sql

WEB_ERRORS = meanings("web.views")  # E720; its status: detente.errors.CATALOGUE

COUNTED = counted_sql()  # detente.records: what a counted event is


# ---------------------------------------------------------------------------------------------
# Actors: autocomplete over the knowledge base

@functools.lru_cache(maxsize=1)
def _states() -> list[dict[str, Any]]:
    """Every state of the knowledge base: code, name and the phrases that name it."""
    from ..actors import load_kb

    kb = load_kb()
    phrases: dict[str, set[str]] = {}
    for key, hits in kb.index.items():
        for h in hits:
            e = h.entry
            if e.kind == "state" and e.sector is None and e.code and h.form in ("name", "adjective", "demonym"):
                phrases.setdefault(e.code, set()).add(" ".join(key))
    out = []
    for code, entry in kb.states.items():
        if entry.sector is not None:
            continue
        out.append({"code": code, "name": entry.name,
                    "phrases": sorted(phrases.get(code, set()) - {entry.name.lower()})})
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _volumes(db: str | None) -> dict[str, int]:
    if not db:
        return {}
    try:
        with _open_store(db) as store:
            rows = store.query(f"""
              SELECT c, count(*) FROM (
                SELECT source_country AS c FROM events WHERE {COUNTED}
                UNION ALL SELECT target_country FROM events WHERE {COUNTED} AND target_country IS DISTINCT FROM
                  source_country) WHERE c IS NOT NULL GROUP BY c""").fetchall()
    except Exception:  # noqa: BLE001 - no store yet: suggestions without counts
        return {}
    return {c: int(n) for c, n in rows}


def suggest_actors(q: str, limit: int = 10, db: str | None = None) -> list[dict[str, Any]]:
    """States matching ``q`` (see the module docstring), best first."""
    needle = _norm(q)
    if not needle:
        return []
    volume = _volumes(db)
    scored = []
    for s in _states():
        name = s["name"].lower()
        rank, match = None, None
        if s["code"].lower() == needle:
            rank, match = 0, s["code"]
        elif name.startswith(needle):
            rank, match = 1, s["name"]
        else:
            starts = [p for p in s["phrases"] if p.startswith(needle)]
            words = [p for p in [name, *s["phrases"]] if any(w.startswith(needle) for w in p.split())]
            if starts:
                rank, match = 2, min(starts, key=len)
            elif words:
                rank, match = 3, min(words, key=len)
            elif len(needle) >= 3 and needle in name:
                rank, match = 4, s["name"]
        if rank is not None:
            scored.append((rank, -volume.get(s["code"], 0), s["name"], s, match))
    scored.sort(key=lambda t: t[:3])
    return [{"code": s["code"], "name": s["name"], "match": match, "events": volume.get(s["code"], 0),
             "label": f"{s['name']} ({s['code']})"} for _r, _v, _n, s, match in scored[:limit]]


def resolve_actor(text: str, what: str = "actor") -> str:
    """The code ``text`` names: a code (any case), ``Name (CODE)``, a name, alias, adjective or
    demonym of a state or an organisation (:func:`detente.actors.lookup.actor_arg`)."""
    from ..actors.lookup import actor_arg

    raw = (text or "").strip()
    try:
        code = actor_arg(raw, what=what)
    except ConfigError as exc:  # the page's own code, with the library's reason (and its suggestion)
        raise ApiError("E720", what, f"{exc.reason} (type a few letters and pick a suggestion, or give a "
                                     "CAMEO code)") from None
    if not code:
        raise ApiError("E720", what, "no actor given (type a few letters and pick a suggestion)")
    return code


# ---------------------------------------------------------------------------------------------
# Overview

def overview(db: str, top: int = 10) -> dict[str, Any]:
    with _open_store(db) as store:
        stats = store.stats(top=top)
        rows = store.query(f"""
          SELECT strftime(date_trunc('month', date), '%Y-%m-%d') AS period, quad_class, count(*)
          FROM events WHERE {COUNTED} AND date IS NOT NULL AND quad_class BETWEEN 1 AND 4
          GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    timeline: dict[str, dict[str, Any]] = {}
    for period, quad, n in rows:
        timeline.setdefault(period, {"period": period, "q1": 0, "q2": 0, "q3": 0, "q4": 0})[f"q{quad}"] = int(n)
    warming: list[dict] = []
    cooling: list[dict] = []
    if stats["events"]:
        with analysis_db(db) as adb:
            rel = relations_matrix(adb.con)
            warming, cooling = rel.warming(top=5), rel.cooling(top=5)
            happenings = adb.con.execute("SELECT count(*) FROM happenings WHERE asserted").fetchall()[0][0]
            halves = {"start": rel.start.isoformat(), "mid": rel.mid.isoformat(), "end": rel.end.isoformat()}
    else:
        halves, happenings = {}, 0
    return {"stats": stats, "timeline": list(timeline.values()), "warming": warming, "cooling": cooling,
            "halves": halves, "happenings": happenings}


# ---------------------------------------------------------------------------------------------
# Pair explorer

def _articles(con: Any, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cur = con.execute("SELECT article_id, title, source, published, url FROM articles "
                      "WHERE list_contains(?, article_id)", [sorted(ids)])
    out = {}
    for aid, title, source, published, url in cur.fetchall():
        out[aid] = {"article_id": aid, "title": title, "source": source,
                    "published": published.isoformat() if published else None,
                    "url": url if url and re.match(r"https?://", url) else None}
    return out


def pair(db: str, a: str, b: str, freq: str = "month", start: str | None = None, end: str | None = None,
         top: int = 5) -> dict[str, Any]:
    a, b = a.upper(), b.upper()
    with analysis_db(db) as adb:
        series, changes = dyad_changes(adb.con, a, b, freq=freq, start=start or None,
                                                   end=end or None, top=top)
        members_of = happening_members
        needed: set[str] = set()
        for ch in changes:
            for d in ch["drivers"]:
                d["members"] = members_of(adb.con, d["happening_id"])
                needed.update(m["article_id"] for m in d["members"])
        articles = _articles(adb.con, needed)
    for ch in changes:
        pos = ch["position"]
        prev = next((i for i in range(pos - 1, -1, -1) if series[i]["n"] > 0), None)
        ch["counts"] = {"before": series[prev] if prev is not None else None, "at": series[pos]}
        for d in ch["drivers"]:
            for m in d["members"]:
                m["date"] = m["date"].isoformat() if hasattr(m.get("date"), "isoformat") else m.get("date")
                m["article"] = articles.get(m["article_id"], {"article_id": m["article_id"]})
    totals = {"periods": len(series), "nonempty": sum(1 for r in series if r["n"] > 0),
              "happenings": sum(r["n"] for r in series), "mentions": sum(r["mentions"] for r in series)}
    return {"a": a, "b": b, "freq": freq, "series": series, "changes": changes, "totals": totals}


def series_csv(series: list[dict[str, Any]]) -> str:
    """The series as CSV text, the columns of ``dyad_series`` in order."""
    import csv
    import io

    from ..analysis.dyads import SERIES_COLUMNS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SERIES_COLUMNS)
    for r in series:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in SERIES_COLUMNS])
    return buf.getvalue()
