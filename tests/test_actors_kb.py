"""The actor knowledge base without the spaCy model: data, lookup, dates, validation, importer, CLI."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from detente.actors import build_kb, load_kb
from detente.actors.kb import DATA_DIR, norm_words
from detente.errors import KnowledgeError

SHARED = Path(__file__).resolve().parents[2] / "shared"
VALIDATE_RAW = SHARED / "bench" / "dicts" / "validate_2_02" / "raw"


def codes(kb, text, date=None):
    return [a.code for a in kb.lookup(text, date)]


def first(kb, text, date=None):
    got = kb.lookup(text, date)
    assert got, f"no actor for {text!r}"
    return got[0]


# ---------------------------------------------------------------- states
@pytest.mark.parametrize("text,code", [
    ("Russia", "RUS"), ("Russian Federation", "RUS"), ("the United States", "USA"), ("US", "USA"),
    ("U.S.", "USA"), ("America", "USA"), ("United States of America", "USA"), ("UK", "GBR"),
    ("Britain", "GBR"), ("Germany", "DEU"), ("Japan", "JPN"), ("Romania", "ROM"), ("East Timor", "TMP"),
    ("Timor-Leste", "TMP"), ("Montenegro", "MTN"), ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"),
    ("North Korea", "PRK"), ("South Korea", "KOR"), ("Taiwan", "TWN"), ("South Sudan", "SSD"),
])
def test_states_and_aliases(kb, text, code):
    assert first(kb, text).code == code
    assert first(kb, text).kind == "state"


@pytest.mark.parametrize("text,code", [
    ("Chinese", "CHN"), ("Russians", "RUS"), ("Emirati", "ARE"), ("Saudi", "SAU"), ("Saudis", "SAU"),
    ("British", "GBR"), ("American", "USA"), ("Americans", "USA"), ("Filipino", "PHL"), ("Dutch", "NLD"),
])
def test_demonyms(kb, text, code):
    assert first(kb, text).country == code


@pytest.mark.parametrize("text,code", [
    ("Russian troops", "RUSMIL"), ("Chinese state media", "CHNMED"), ("Yemeni rebels", "YEMREB"),
    ("the US State Department", "USAGOV"), ("Indian police", "INDCOP"), ("French lawmakers", "FRALEG"),
    ("Iranian judges", "IRNJUD"), ("Japanese companies", "JPNBUS"), ("Turkish opposition", "TUROPP"),
    ("the Russian defence ministry", "RUSMIL"), ("the foreign minister of France", "FRAGOV"),
    ("Beijing's energy companies", "CHNBUS"), ("Kenyan students", "KENEDU"), ("Syrian protesters", "SYRCVL"),
])
def test_demonym_plus_sector(kb, text, code):
    assert first(kb, text).code == code


@pytest.mark.parametrize("text,code", [
    ("Beijing", "CHNGOV"), ("Moscow", "RUSGOV"), ("the Kremlin", "RUSGOV"), ("Washington", "USAGOV"),
    ("the White House", "USAGOV"), ("the Pentagon", "USAMIL"), ("Downing Street", "GBRGOV"),
    ("the Elysee", "FRAGOV"), ("Whitehall", "GBRGOV"), ("Zhongnanhai", "CHNGOV"), ("Tehran", "IRNGOV"),
])
def test_capitals_and_seats_of_power(kb, text, code):
    a = first(kb, text)
    assert a.code == code and a.country == code[:3] and a.sector == code[3:]


@pytest.mark.parametrize("text,country,code_prefix", [
    ("NATO", "NATO", "IGO"), ("the United Nations", "UN", "IGO"), ("UN Security Council", "UN", "IGO"),
    ("European Union", "EU", "IGO"), ("IAEA", "IAEA", "IGO"), ("the World Bank", "WB", "IGO"),
    ("Shanghai Cooperation Organisation", "SCO", "IGO"), ("ASEAN", "ASEAN", "IGO"), ("G20", "G20", "IGO"),
    ("Hamas", "PSE", "PSE"), ("Hezbollah", "LBN", "LBN"), ("al-Qaeda", "ALQ", "IMG"), ("Houthis", "YEM", "YEM"),
    ("Amnesty International", "AMN", "NGO"), ("the West", "WST", "WST"), ("Middle East", "MEA", "MEA"),
])
def test_organisations_and_regions(kb, text, country, code_prefix):
    a = first(kb, text)
    assert a.country == country and a.code.startswith(code_prefix)


def test_a_name_that_only_modifies_a_non_actor_noun_is_no_actor(kb):
    assert kb.lookup("Russian exports") == []
    assert kb.lookup("Putin's demands") == []
    assert first(kb, "Iraqi towns").country == "IRQ"  # places stand for their country


def test_group_with_dated_roles(kb):
    assert first(kb, "SPLM", "1995-01-01").code == "SDNREB"
    assert first(kb, "SPLM", "2015-01-01").code == "SSDGOV"


def test_organisations_data_has_enough_igos():
    import yaml
    data = yaml.safe_load((DATA_DIR / "organisations.yaml").read_text())
    assert sum(1 for e in data if e.get("kind", "igo") == "igo") >= 60
    codes_ = [e["code"] for e in data if e.get("kind", "igo") == "igo"]
    assert all(c.startswith("IGO") for c in codes_)


def test_every_cameo_country_is_a_state(kb):
    table = SHARED / "bench" / "reference" / "cameo_countries.tsv"
    if not table.exists():
        pytest.skip("shared/ not present")
    rows = [line.split("\t") for line in table.read_text().splitlines()[1:]]
    missing = [r[0] for r in rows if r[2].strip() == "country" and r[0] not in kb.states]
    assert missing == []


def test_acronyms_need_capitals(kb):
    # "us" the pronoun is not the United States, "who" is not the WHO
    # lookup() is case-blind by design; the index marks the all-capitals aliases, which the resolver
    # then matches only in all-capitals text
    us = [h for h in kb.hits(("us",)) if h.entry.code == "USA"]
    assert us and all(h.acronym for h in us)
    from detente.actors.kb import is_acronym
    assert is_acronym("US") and is_acronym("U.S.") and not is_acronym("Russia")


def test_norm_words():
    assert norm_words("U.S.") == ("us",)
    assert norm_words("al-Qaeda") == ("al", "qaeda")
    assert norm_words("Élysée") == ("elysee",)
    assert norm_words("China's") == ("china",)


def test_ambiguous_name_lists_every_reading(kb):
    countries = [a.country for a in kb.lookup("Georgia")]
    assert countries[:1] == ["GEO"] and "USA" in countries


# ---------------------------------------------------------------- people and dates
PEOPLE = """\
- name: Ada Example
  country: ARG
  aliases: [Example, A. Example]
  roles:
    - {code: ARGMIL, role: Army chief, start: 2001-03-01, end: 2005-06-30}
    - {code: ARGGOV, role: President, start: 2010-01-01, end: null}
- name: Bruno Sample
  country: CHL
  aliases: [Sample]
  roles:
    - {code: CHLGOV, role: Foreign Minister, start: "2003-01-01", end: "2004-12-31"}
"""


@pytest.fixture
def people_file(tmp_path):
    p = tmp_path / "people.yaml"
    p.write_text(PEOPLE)
    return p


def test_roles_are_time_bounded(people_file):
    kb = build_kb([str(people_file)])
    assert first(kb, "Ada Example", "2003-05-01").code == "ARGMIL"
    assert first(kb, "Ada Example", "2003-05-01").role == "Army chief"
    assert first(kb, "Ada Example", "2015-01-01").code == "ARGGOV"
    # between roles: an elite, not the government or the army
    between = first(kb, "Ada Example", "2007-01-01")
    assert between.code == "ARGELI" and between.role is None
    # no date: roles still open count
    assert first(kb, "Example").code == "ARGGOV"
    # string dates work too; after the end, elite
    assert first(kb, "Bruno Sample", "2004-06-01").code == "CHLGOV"
    assert first(kb, "Bruno Sample", "2006-06-01").code == "CHLELI"


def test_former_title_is_not_the_government(people_file):
    kb = build_kb([str(people_file)])
    assert first(kb, "former president Ada Example", "2015-01-01").code == "ARGELI"


def test_real_people_files_when_present(kb):
    if not list((DATA_DIR / "people").glob("*.yaml")):
        pytest.skip("no people files yet")
    putin = {a.code for a in kb.lookup("Vladimir Putin", "2010-06-01")}
    assert putin == {"RUSGOV"}
    assert first(kb, "Vladimir Putin", "2010-06-01").role != first(kb, "Vladimir Putin", "2020-06-01").role


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("body,code,fragment", [
    ("- name: X\n  country: rus\n  roles: []\n", "E344", "x.yaml:1 (X)"),
    ("- name: Y\n  country: RUS\n  roles:\n    - {code: RUSGOV, start: 2020-13-01}\n", "E345", "x.yaml:1 (Y) role 1"),
    ("- name: Z\n  country: RUS\n  roles:\n    - {code: RUSGOV, start: 2020-01-01, end: 2019-01-01}\n", "E346",
     "x.yaml:1 (Z) role 1"),
    ("- name: W\n  country: RUS\n  colour: red\n", "E347", "x.yaml:1 (W)"),
    ("- name: V\n  country: RUS\n- name: Q\n  country: RUS\n  aliases: {a: 1}\n", "E343", "x.yaml:2 (Q)"),
    ("- name: [unclosed\n", "E342", "x.yaml"),
])
def test_bad_entries_name_file_and_entry(tmp_path, body, code, fragment):
    p = tmp_path / "x.yaml"
    p.write_text(body)
    with pytest.raises(KnowledgeError) as err:
        build_kb([str(p)])
    assert err.value.code == code
    assert fragment in err.value.subject


def test_bad_organisation_entry(tmp_path):
    p = tmp_path / "orgs.yaml"
    p.write_text("- {name: Good, code: IGOGOOD, country: GOOD, kind: igo}\n- {name: Bad, code: IGOBAD, kind: blob}\n")
    with pytest.raises(KnowledgeError) as err:
        build_kb([str(p)])
    assert err.value.subject == "orgs.yaml:2 (Bad)" and "blob" in err.value.reason


def test_missing_extra_file():
    with pytest.raises(KnowledgeError) as err:
        load_kb(["/nonexistent/actors.yaml"])
    assert err.value.code == "E341"


def test_user_yaml_adds_organisation(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("- {name: Northern Widget League, code: IGONWL, country: NWL, kind: igo, aliases: [NWL]}\n")
    kb = load_kb([str(p)])
    assert first(kb, "NWL").country == "NWL"
    assert not load_kb().lookup("Northern Widget League")


# ---------------------------------------------------------------- speed and stats
def test_load_is_fast_and_cached(tmp_path, monkeypatch):
    from detente.actors import kb as kb_module
    monkeypatch.setenv("DETENTE_CACHE", str(tmp_path))
    kb_module._cached.cache_clear()
    first_kb = load_kb()  # builds and writes the compiled index
    assert list(tmp_path.glob("*.pickle"))
    kb_module._cached.cache_clear()
    t = time.perf_counter()
    again = load_kb()  # reads it back
    assert time.perf_counter() - t < 1.5
    assert again.stats() == first_kb.stats()
    assert load_kb() is load_kb()
    kb_module._cached.cache_clear()


def test_stats(kb):
    s = kb.stats()
    assert s["states"] >= 230 and s["igos"] >= 60 and s["sectors"] >= 20 and s["phrases"] > 1000


# ---------------------------------------------------------------- PETRARCH importer
def test_petrarch_raw_format_in_code(tmp_path):
    actors = tmp_path / "toy_actors.txt"
    actors.write_text(textwrap.dedent("""\
        <!-- a toy dictionary -->
        GONDOR [GON]
        +MINAS_TIRITH
        WIDGETLAND_ [WDG] # exact, no stem
        GOLLUM  # dated
        +SMEAGOL
        \t[HOB < 950601]
        \t[HOBGOV 19950601 - 19990815]
        \t[HOBREB > 990816]
        NOBODY [---]
        """))
    agents = tmp_path / "toy_agents.txt"
    agents.write_text("!PERSON! = MAN, MEN\nGOVERNMENT  [~GOV]\nCHAIR!PERSON! [~GOV]\nMEDIA {} [~MED]\n")
    kb = build_kb([str(actors), str(agents)])
    assert first(kb, "Minas Tirith").code == "GON"
    assert first(kb, "Gollum", "1990-01-01").code == "HOB"
    assert first(kb, "Smeagol", "1997-01-01").code == "HOBGOV"
    assert first(kb, "Gollum", "2001-01-01").code == "HOBREB"
    assert first(kb, "Gondor government").code == "GONGOV"
    assert first(kb, "Gondor chairmen").code == "GONGOV"
    assert kb.lookup("Nobody") == [] or kb.lookup("Nobody")[0].code is None


def test_petrarch_bad_code_block(tmp_path):
    p = tmp_path / "bad_actors.txt"
    p.write_text("GONDOR [GON <<< 12]\n")
    with pytest.raises(KnowledgeError) as err:
        build_kb([str(p)])
    assert err.value.subject == "bad_actors.txt:1"


@pytest.mark.shared
def test_petrarch_validation_dictionaries():
    if not VALIDATE_RAW.exists():
        pytest.skip("shared/ not present")
    kb = load_kb([str(VALIDATE_RAW / "PETR_Validate_actors_2_02.txt"),
                  str(VALIDATE_RAW / "PETR_Validate_agents_2_02.txt")])
    assert first(kb, "Arnor").country == "ARN"
    assert first(kb, "Gondor").country == "GON"
    assert first(kb, "Minas Tirith").country == "GON"
    assert first(kb, "Sam Gamgee", "2009-01-01").code == "HOBMIL"
    assert first(kb, "Sam Gamgee", "2014-01-01").code == "HOBELI"
    assert first(kb, "Gondor foreign minister").code == "GONGOVFRM"
    # stems, as in TABARI: DAGOLATH matches "Dagolathi"
    assert first(kb, "Dagolathi").country == "DAG"
    # the dictionary redefines phrases the built-in data also lists: ZIMBABWE [RHO <790606] [ZBW]
    assert first(kb, "Zimbabwe", "1975-01-01").code == "RHO"
    assert first(kb, "Zimbabwe", "1995-01-01").code == "ZBW"
    assert first(load_kb(), "Zimbabwe", "1975-01-01").code == "ZWE"


@pytest.mark.shared
def test_petrarch_json_conversions():
    d = SHARED / "bench" / "dicts" / "validate_2_02"
    if not d.exists():
        pytest.skip("shared/ not present")
    kb = load_kb([str(d / "actors.json"), str(d / "agents.json")])
    assert first(kb, "Arnor").country == "ARN"
    assert first(kb, "Gollum", "1997-01-01").code == "HOBGOV"
    assert first(kb, "Gondor foreign minister").code == "GONGOVFRM"


# ---------------------------------------------------------------- CLI
def test_cli_lookup_and_stats(people_file):
    from typer.testing import CliRunner

    from detente.cli import app
    runner = CliRunner()
    res = runner.invoke(app, ["actors", "lookup", "Ada Example", "--date", "2003-05-01", "--actors",
                              str(people_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["code"] == "ARGMIL" and rows[0]["valid_from"] == "2001-03-01"
    res = runner.invoke(app, ["actors", "lookup", "Beijing"])
    assert res.exit_code == 0 and "CHNGOV" in res.output
    res = runner.invoke(app, ["actors", "stats", "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.output)["igos"] >= 60
    res = runner.invoke(app, ["actors", "lookup", "Nothing Known Here"])
    assert res.exit_code == 1
    res = runner.invoke(app, ["actors", "stats", "--actors", "/nonexistent.yaml"])
    assert res.exit_code == 2 and "E341" in res.output


def test_people_of_organisations_carry_the_organisations_cameo_code(kb):
    annan = kb.lookup("Kofi Annan", "2000-01-01")[0]
    assert (annan.code, annan.country) == ("IGOUNO", "UN")
    assert kb.lookup("Kofi Annan", None)[0].code == "IGOUNO"  # a former official stays with the organisation
    stoltenberg = kb.lookup("Jens Stoltenberg", "2018-01-01")[0]
    assert (stoltenberg.code, stoltenberg.country) == ("IGOWSTNAT", "NATO")


# ---------------------------------------------------------------- resolver word lists
def test_resolver_words_builtin_lists():
    from detente.actors.kb import RESOLVER_WORD_LISTS, resolver_words

    words = resolver_words()
    assert set(words) == set(RESOLVER_WORD_LISTS)
    assert "off" in words["region_place_preps"]  # quoted in the file: a bare off is YAML's false
    assert "visit" in words["destination_verbs"] and "jr" in words["generational"]
    assert "ii" not in words["generational"]  # "King Abdullah II": a regnal number
    assert {"mr", "mrs", "dr", "sir"} <= words["honorifics"] and "sen" in words["name_titles"]
    assert not words["honorifics"] & words["name_titles"]  # each title in one list


@pytest.mark.parametrize("body,message", [
    ("- in\n- at\n", "mapping of word lists"),
    ("locative_preps: [in]\n", "missing list(s): region_place_preps"),
    ("{lists}\nextra_words: [x]\n", "unknown list(s): extra_words"),
    ("{lists_but_off}", "is not one lower-case word"),
    ("{lists_but_two_words}", "is not one lower-case word"),
    ("{lists_but_empty}", "non-empty list"),
])
def test_resolver_words_file_is_validated(tmp_path, body, message):
    from detente.actors.kb import RESOLVER_WORD_LISTS, resolver_words
    from detente.errors import KnowledgeError

    lists = {k: "[word]" for k in RESOLVER_WORD_LISTS}
    text = "\n".join(f"{k}: {v}" for k, v in lists.items())
    body = body.replace("{lists}", text)
    body = body.replace("{lists_but_off}", text.replace("region_place_preps: [word]", "region_place_preps: [off]"))
    body = body.replace("{lists_but_two_words}", text.replace("motion_words: [word]", "motion_words: [go away]"))
    body = body.replace("{lists_but_empty}", text.replace("generational: [word]", "generational: []"))
    p = tmp_path / "words.yaml"
    p.write_text(body)
    with pytest.raises(KnowledgeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolver_words(str(p))
