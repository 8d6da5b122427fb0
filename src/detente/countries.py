"""Country codes for merging: CAMEO (what detente stores) to ISO 3166, FIPS 10-4, Gleditsch–Ward, COW.

Contract: ``country(code) -> CountryCodes | None`` for a CAMEO country code (``"DEU"``, ``"ROM"``;
``None`` for an organisation, a region or an unknown code); ``is_state(code)`` says whether a code
is a country or territory (not an IGO such as ``UN``, a group or a region such as ``WST``);
``fips(code)``, ``iso3(code)``, ``gw(code)``, ``cow(code)`` give one code (``None`` where the list
has none). The data is ``data/countries/crosswalk.tsv`` (its header says where each column comes
from); a malformed line is a :class:`detente.errors.KnowledgeError` (``E230``) naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import KnowledgeError

CROSSWALK = Path(__file__).parent / "data" / "countries" / "crosswalk.tsv"
COLUMNS = ("cameo", "iso3", "iso2", "iso_numeric", "fips", "gw", "cow", "name")


@dataclass(frozen=True)
class CountryCodes:
    cameo: str
    iso3: str | None
    iso2: str | None
    iso_numeric: str | None
    fips: str | None
    gw: int | None
    cow: int | None
    name: str


@lru_cache(maxsize=1)
def crosswalk(path: str | None = None) -> dict[str, CountryCodes]:
    """Every row of the crosswalk, keyed by CAMEO code."""
    file = Path(path) if path else CROSSWALK
    out: dict[str, CountryCodes] = {}
    header: list[str] | None = None
    for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            if tuple(header) != COLUMNS:
                raise KnowledgeError("E230", f"{file}:{lineno}", f"header must be {' '.join(COLUMNS)}")
            continue
        if len(cells) != len(COLUMNS):
            raise KnowledgeError("E230", f"{file}:{lineno}", f"{len(cells)} cells, expected {len(COLUMNS)}")
        row = dict(zip(COLUMNS, cells, strict=True))
        try:
            gw_n = int(row["gw"]) if row["gw"] else None
            cow_n = int(row["cow"]) if row["cow"] else None
        except ValueError:
            raise KnowledgeError("E230", f"{file}:{lineno}", "gw and cow must be integers") from None
        if row["cameo"] in out:
            raise KnowledgeError("E230", f"{file}:{lineno}", f"{row['cameo']} listed twice")
        out[row["cameo"]] = CountryCodes(row["cameo"], row["iso3"] or None, row["iso2"] or None,
                                         row["iso_numeric"] or None, row["fips"] or None, gw_n, cow_n, row["name"])
    return out


def country(code: str | None) -> CountryCodes | None:
    return crosswalk().get(code or "")


def is_state(code: str | None) -> bool:
    """A country or territory of the crosswalk (not an organisation, group or region)."""
    return country(code) is not None


def iso3(code: str | None) -> str | None:
    c = country(code)
    return c.iso3 if c else None


def fips(code: str | None) -> str | None:
    c = country(code)
    return c.fips if c else None


def gw(code: str | None) -> int | None:
    c = country(code)
    return c.gw if c else None


def cow(code: str | None) -> int | None:
    c = country(code)
    return c.cow if c else None
