"""The Relations page: the country × country index for a period, and a world map of one country's
relations with every other.

Contract:

* ``relations(db, start, end, reviewed=False, organisations=False, max_countries=25) -> dict``:
  :func:`detente.analysis.relations_matrix` over the store (read-only; happenings brought up to
  date in memory, with the analysts' reviews applied when ``reviewed``: :func:`detente.reviews.apply_reviews`)
  as plain data: ``start``, ``end``, ``mid``, ``countries``, ``names``, ``matrix`` (``None``: no
  happenings, distinct from an index of 0), ``counts``, ``pairs``, ``reviewed`` (events reviewed).
* ``world_map(data, focus) -> str``: an SVG world map (Natural Earth 1:110m, bundled:
  data/world/world-110m.json, built by scripts/build_world_map.py) with every country coloured by
  its index with ``focus`` over the period, hatched where the two had no happening; ``focus`` itself
  dark. Countries carry ``data-iso3``, ``data-code`` and ``data-index`` / ``data-n`` (empty: no events).
* ``cell_colour(index) -> str``: the diverging colour of an index (-100 red .. 0 pale .. +100 green).

Routes (``mount(app)``, from :func:`detente.web.mount`):

========================  ===================================================================
``GET /relations``        JSON: ``relations()`` (``from``, ``to``, ``reviewed``, ``organisations``,
                          ``max``).
``GET /relations/view``   The page: the matrix (index and happenings per cell) and the map
                          (``country``: the one coloured against; default the busiest).
========================  ===================================================================
"""

from __future__ import annotations

import functools
import json
from html import escape
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse

from ..errors import DetenteError

WORLD = Path(__file__).resolve().parents[1] / "data" / "world" / "world-110m.json"
router = APIRouter()


# ---------------------------------------------------------------------------------------------
# Data

def relations(db: str, start: str | None = None, end: str | None = None, reviewed: bool = False,
              organisations: bool = False, max_countries: int = 25) -> dict[str, Any]:
    from ..analysis import relations_matrix
    from ..api import analysis_db
    from .views import _states

    with analysis_db(db, reviewed=reviewed) as adb:
        n_reviewed = adb.reviewed
        rel = relations_matrix(adb.con, start or None, end or None, max_countries=max_countries,
                                            organisations=organisations)
    names = {s["code"]: s["name"] for s in _states()}
    codes = set(rel.countries) | {p["a"] for p in rel.pairs} | {p["b"] for p in rel.pairs}
    return {"start": rel.start.isoformat(), "end": rel.end.isoformat(), "mid": rel.mid.isoformat(),
            "countries": rel.countries, "organisations": rel.organisations,
            "names": {c: names.get(c, c) for c in sorted(codes)}, "matrix": rel.matrix, "counts": rel.counts,
            "pairs": rel.pairs, "left_out": rel.left_out, "reviewed": n_reviewed if reviewed else None}


def cell_colour(index: float | None) -> str:
    """Diverging colour: -100 #b3362c (conflict) .. 0 #f4f1e8 (neutral) .. +100 #1f6f43 (cooperation)."""
    if index is None:
        return "none"
    t = max(-1.0, min(1.0, float(index) / 100.0))
    mid, hi = (244, 241, 232), ((31, 111, 67) if t > 0 else (179, 54, 44))
    rgb = [round(m + (h - m) * abs(t)) for m, h in zip(mid, hi, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


@functools.lru_cache(maxsize=1)
def _world() -> dict[str, Any]:
    return json.loads(WORLD.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _iso3(code: str) -> str | None:
    from ..countries import iso3

    return iso3(code)


def world_map(data: dict[str, Any], focus: str | None) -> str:
    world = _world()
    with_focus: dict[str, dict[str, Any]] = {}
    for p in data["pairs"]:
        if focus in (p["a"], p["b"]):
            other = p["b"] if p["a"] == focus else p["a"]
            with_focus[other] = p
    by_iso = {}
    for code in data["names"]:
        iso = _iso3(code)
        if iso:
            by_iso[iso] = code
    focus_iso = _iso3(focus) if focus else None
    w, h = world["width"], world["height"]
    out = [(f'<svg class="chart world-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" '
            f'role="img" aria-label="Relations of {escape(focus or "")} with every other country">'),
           ('<defs><pattern id="no-events" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceef1"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#c3c8d0" stroke-width="2"/></pattern></defs>'),
           f'<rect class="sea" width="{w:g}" height="{h:g}"/>']
    for iso, c in world["countries"].items():
        code = by_iso.get(iso)
        name = data["names"].get(code, c["name"]) if code else c["name"]
        p = with_focus.get(code) if code else None
        if iso == focus_iso:
            cls, fill, tip = "country focus", "#14213d", f"{name}: the country shown"
            idx, n = "", ""
        elif p is None:
            cls, fill, tip = "country none", "url(#no-events)", f"{name}: no events with {focus}"
            idx, n = "", "0"
        else:
            cls, fill = "country", cell_colour(p["index"])
            tip = f"{name}: index {p['index']:+.1f} with {focus}, {p['n']} happenings"
            idx, n = f"{p['index']}", f"{p['n']}"
        out.append(f'<path class="{cls}" d="{c["d"]}" fill="{fill}" data-iso3="{iso}" data-code="{escape(code or "")}" '
                   f'data-index="{idx}" data-n="{n}"><title>{escape(tip)}</title></path>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Routes

FromQ = Annotated[str, Query(alias="from", description="First day: YYYY, YYYY-MM or YYYY-MM-DD (default: "
                                                       "the earliest happening).")]
ToQ = Annotated[str, Query(alias="to", description="Last day, inclusive (default: the latest).")]
ReviewedQ = Annotated[bool, Query(description="Apply the analysts' reviews (corrected events as corrected, "
                                              "wrong ones left out).")]


@router.get("/relations", summary="Country × country cooperation–conflict index for a period")
def relations_json(
    request: Request, start: FromQ = "", end: ToQ = "", reviewed: ReviewedQ = False,
    organisations: Annotated[bool, Query(description="Also organisations, groups and regions.")] = False,
    max_countries: Annotated[int, Query(alias="max", ge=2, le=200, description="The busiest states kept in the "
                                                                               "matrix.")] = 25,
) -> dict[str, Any]:
    data = relations(request.app.state.detente.db, start, end, reviewed=reviewed, organisations=organisations,
                     max_countries=max_countries)
    return jsonable_encoder(data)  # type: ignore[no-any-return]


@router.get("/relations/view", response_class=HTMLResponse, include_in_schema=False)
def relations_page(
    request: Request, start: FromQ = "", end: ToQ = "", country: str = "", reviewed: str = "",
) -> HTMLResponse:
    from . import _error, _page
    from .views import resolve_actor

    form = {"from": start, "to": end, "country": country, "reviewed": bool(reviewed)}
    try:
        data = relations(request.app.state.detente.db, start, end, reviewed=bool(reviewed))
        focus = resolve_actor(country, "country") if country else _busiest(data)
    except DetenteError as exc:
        err = _error(exc)
        return _page("relations.html", status=err["status"], page="relations", form=form, error=err["error"])
    if focus and not form["country"]:
        form["country"] = focus
    partners = sorted((p for p in data["pairs"] if focus in (p["a"], p["b"])), key=lambda p: (-p["n"], p["a"], p["b"]))
    return _page("relations.html", page="relations", form=form, data=data, focus=focus,
                 focus_name=data["names"].get(focus, focus) if focus else None,
                 map_svg=world_map(data, focus) if focus else "", partners=partners, colour=cell_colour,
                 legend=[(v, cell_colour(v)) for v in (-100, -50, 0, 50, 100)])


def _busiest(data: dict[str, Any]) -> str | None:
    volume: dict[str, int] = {}
    for p in data["pairs"]:
        for c in (p["a"], p["b"]):
            volume[c] = volume.get(c, 0) + p["n"]
    return min(volume, key=lambda c: (-volume[c], c)) if volume else None


def mount(app: FastAPI) -> None:
    app.include_router(router)


__all__ = ["cell_colour", "mount", "relations", "router", "world_map"]
