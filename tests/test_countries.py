"""The country code crosswalk (data/countries/crosswalk.tsv): CAMEO -> ISO 3166, FIPS 10-4, GW, COW."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest
import yaml

from detente import countries
from detente.errors import KnowledgeError


def test_known_codes_and_where_the_lists_differ() -> None:
    usa = countries.country("USA")
    assert usa is not None and (usa.iso3, usa.iso2, usa.fips, usa.gw, usa.cow) == ("USA", "US", "US", 2, 2)
    # CAMEO differs from ISO; FIPS from ISO-2; GW from COW
    assert (countries.iso3("ROM"), countries.fips("ROM"), countries.cow("ROM")) == ("ROU", "RO", 360)
    assert (countries.iso3("TMP"), countries.gw("TMP")) == ("TLS", 860)
    assert (countries.fips("DEU"), countries.gw("DEU"), countries.cow("DEU")) == ("GM", 260, 255)
    assert (countries.gw("SRB"), countries.cow("SRB"), countries.fips("SRB")) == (340, 345, "RI")
    assert (countries.gw("YEM"), countries.cow("YEM")) == (678, 679)
    assert (countries.fips("CHN"), countries.fips("GBR"), countries.fips("JPN"), countries.fips("KOR")) == \
        ("CH", "UK", "JA", "KS")
    assert (countries.iso3("KSV"), countries.gw("KSV"), countries.cow("KSV")) == ("XKX", 347, 347)
    assert countries.gw("PSE") is None and countries.cow("HKG") is None and countries.fips("PSE") == "WE"
    assert not countries.is_state("UN") and not countries.is_state("WST") and countries.is_state("ABW")


def test_every_state_of_the_actor_base_is_in_the_crosswalk_and_consistent() -> None:
    states = yaml.safe_load((Path(countries.__file__).parent / "data" / "actors" / "states.yaml").read_text())
    table = countries.crosswalk()
    assert {s["code"] for s in states} == set(table)
    fips_seen: dict[str, str] = {}
    for s in states:
        row = table[s["code"]]
        assert row.iso3 == s.get("iso3"), s["code"]
        if row.iso3 and row.iso3 != "XKX":
            iso = pycountry.countries.get(alpha_3=row.iso3)
            assert iso is not None and iso.alpha_2 == row.iso2 and iso.numeric == row.iso_numeric
        if row.fips:
            assert len(row.fips) == 2 and row.fips not in fips_seen, (row.cameo, fips_seen.get(row.fips))
            fips_seen[row.fips] = row.cameo
    cow = [r.cow for r in table.values() if r.cow is not None]
    gw = [r.gw for r in table.values() if r.gw is not None]
    assert len(cow) == len(set(cow)) >= 190 and len(gw) == len(set(gw)) >= 190


def test_a_malformed_crosswalk_names_file_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "cw.tsv"
    bad.write_text("# comment\n" + "\t".join(countries.COLUMNS) + "\nUSA\tUSA\tUS\t840\tUS\ttwo\t2\tUSA\n")
    with pytest.raises(KnowledgeError, match=r"E230: .*cw.tsv:3: gw and cow must be integers"):
        countries.crosswalk.__wrapped__(str(bad))
