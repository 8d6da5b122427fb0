"""Build src/detente/data/world/world-110m.json, the world outline the Relations page draws.

Source: Natural Earth 1:110m admin-0 countries (public domain), as the TopoJSON file
``countries-110m.json`` of the npm package world-atlas 2.0.2 (ISC licence, Mike Bostock). Once,
by hand, with network access to the npm registry:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/build_world_map.py /tmp/package/countries-110m.json

What it writes (about 115 KB): ``{"source", "licence", "projection", "width", "height",
"countries": {ISO3: {"name", "d"}}}``: each country's outline as an SVG path (``d``) already
projected (Equal Earth, x 0..width, y 0..height: the height the countries kept need, one decimal;
rings crossing the 180th meridian are cut there), keyed by ISO 3166-1 alpha-3
(the TopoJSON ids are ISO numeric codes, mapped with data/countries/crosswalk.tsv; the three
features without an id are keyed by name: Kosovo XKX, N. Cyprus with Cyprus, Somaliland with
Somalia; Antarctica and the French Southern Lands, not in the crosswalk, are left out). The page only joins strings: nothing is projected at request time.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "detente" / "data" / "world" / "world-110m.json"
CROSSWALK = ROOT / "src" / "detente" / "data" / "countries" / "crosswalk.tsv"
BY_NAME = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}  # features without an ISO id
WIDTH = 1000.0

# Equal Earth (Šavrič, Patterson & Jenny 2018)
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    t = math.asin(M * math.sin(phi))
    t2, t6 = t * t, t ** 6
    x = 2 * math.sqrt(3) * lam * math.cos(t) / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    y = t * (A4 * t6 * t2 + A3 * t6 + A2 * t2 + A1)
    return x, y


X_MAX, _ = equal_earth(180.0, 0.0)
_, Y_MAX = equal_earth(0.0, 90.0)
SCALE = WIDTH / (2 * X_MAX)
MARGIN = 4.0


def project(lon: float, lat: float) -> tuple[float, float]:
    x, y = equal_earth(lon, lat)
    return round((x + X_MAX) * SCALE, 1), round((Y_MAX - y) * SCALE, 1)


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc if not pts else arc[1:])
    return pts


def _clip(r: list[tuple[float, float]], edge: float, keep_below: bool) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of ring ``r`` with lon <= edge (``keep_below``) or lon >= edge."""
    inside = (lambda p: p[0] <= edge) if keep_below else (lambda p: p[0] >= edge)
    out: list[tuple[float, float]] = []
    for i, cur in enumerate(r):
        prev = r[i - 1]
        if inside(cur) != inside(prev):
            t = (edge - prev[0]) / (cur[0] - prev[0])
            out.append((edge, prev[1] + t * (cur[1] - prev[1])))
        if inside(cur):
            out.append(cur)
    return out


def split_antimeridian(r: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring crossing the 180th meridian (Russia's Chukotka, Fiji) as its parts east and west of it:
    the TopoJSON leaves that cut to the renderer (d3 clips on the sphere); here it is done once."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(r)):
        return [r]
    unwrapped = [r[0]]
    for lon, lat in r[1:]:
        prev = unwrapped[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        unwrapped.append((lon, lat))
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        moved = [(lon + shift, lat) for lon, lat in unwrapped]
        part = _clip(_clip(moved, 180.0, True), -180.0, False)
        if len(part) >= 3:
            parts.append(part)
    return parts


def path_d(rings: list[list[tuple[float, float]]], dy: float) -> str:
    parts = []
    for whole in rings:
        for r in split_antimeridian(whole):
            xy = []
            for lon, lat in r:
                x, y = project(lon, lat)
                p = (x, round(y - dy, 1))
                if not xy or xy[-1] != p:
                    xy.append(p)
            if len(xy) < 3:
                continue
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in xy) + "Z")
    return "".join(parts)


def iso3_by_numeric() -> dict[str, str]:
    out = {}
    header = None
    for line in CROSSWALK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells, strict=True))
        if row["iso_numeric"] and row["iso3"]:
            out[row["iso_numeric"].zfill(3)] = row["iso3"]
    return out


def build(source: Path) -> dict:
    topo = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    numeric = iso3_by_numeric()
    countries: dict[str, dict[str, str]] = {}
    unknown = []
    kept = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom["properties"]["name"]
        iso3 = numeric.get(str(geom.get("id") or "").zfill(3)) if geom.get("id") else BY_NAME.get(name)
        if iso3 is None:
            unknown.append(f"{geom.get('id')} {name}")
            continue
        polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        kept.append((iso3, name, [ring(r, arcs) for poly in polys for r in poly]))
    ys = [project(lon, lat)[1] for _i, _n, rings in kept for r in rings for lon, lat in r]
    dy = min(ys) - MARGIN  # the map's height is what the kept countries need (no Antarctica)
    height = round(max(ys) - dy + MARGIN, 1)
    for iso3, name, rings in kept:
        d = path_d(rings, dy)
        if iso3 in countries:  # N. Cyprus into Cyprus, Somaliland into Somalia
            countries[iso3]["d"] += d
        else:
            countries[iso3] = {"name": name, "d": d}
    if unknown:
        print("no ISO3 for (left out):", ", ".join(unknown), file=sys.stderr)
    return {"source": "Natural Earth 1:110m admin-0 countries (public domain), via world-atlas 2.0.2 "
                      "countries-110m.json (ISC licence)",
            "licence": "public domain (Natural Earth); world-atlas packaging ISC (c) 2013-2019 Michael Bostock",
            "projection": "Equal Earth", "width": WIDTH, "height": height,
            "countries": dict(sorted(countries.items()))}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: build_world_map.py path/to/countries-110m.json")
    data = build(Path(sys.argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(data['countries'])} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
