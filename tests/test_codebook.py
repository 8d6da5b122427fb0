"""The CAMEO codebook tables: names, scores, quad classes, PLOVER crosswalk, refusals, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.coding.codebook import (
    CAMEO_COLUMNS,
    QUAD_BY_ROOT,
    load_codebook,
    parse_cameo,
    parse_refusals,
    read_codebook,
)
from detente.errors import KnowledgeError


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


def test_loads_all_codes(cb):
    codes = cb.codes()
    assert len(codes) >= 300
    assert codes[0] == "01"
    assert all(cb.is_valid(c) for c in codes)
    assert load_codebook() is cb  # cached


@pytest.mark.parametrize(
    "code,name",
    [
        ("010", "Make statement, not specified below"),
        ("042", "Make a visit"),
        ("0312", "Express intent to cooperate militarily"),
        ("106", "Demand withdrawal"),
        ("1056", "Demand de-escalation of military engagement"),
        ("195", "Employ aerial weapons"),
        ("2042", "Detonate nuclear weapons"),
    ],
)
def test_names(cb, code, name):
    assert cb.name(code) == name


@pytest.mark.parametrize(
    "code,score", [("010", 0.0), ("042", 1.9), ("051", 3.4), ("111", -2.0), ("173", -5.0), ("195", -10.0)]
)
def test_goldstein(cb, code, score):
    assert cb.goldstein(code) == pytest.approx(score)


def test_quad_class_of_each_root(cb):
    expected = {**{f"{r:02d}": 1 for r in range(1, 6)}, **{f"{r:02d}": 2 for r in range(6, 10)},
                **{f"{r:02d}": 3 for r in range(10, 15)}, **{f"{r:02d}": 4 for r in range(15, 21)}}
    for root, quad in expected.items():
        assert cb.quad_class(root) == quad
        assert QUAD_BY_ROOT[root] == quad
    for code in cb.codes():
        assert cb.quad_class(code) == expected[cb.root(code)]


def test_root(cb):
    assert cb.root("0312") == "03"
    assert cb.root("195") == "19"
    assert cb.root("20") == "20"


def test_plover(cb):
    assert cb.plover("042") == ("CONSULT", "visit", None)
    assert cb.plover("0312") == ("AGREE", None, "military")
    assert cb.plover("010") == (None, None, None)  # PLOVER drops roots 01 and 02
    assert cb.plover("0253") == (None, None, None)
    assert cb.plover("0841")[0] == "RETREAT"
    assert cb.plover("081")[0] == "CONCEDE"
    assert cb.plover("163") == ("COERCE", "restrict", "diplomatic")
    assert cb.plover("195")[0] == "ASSAULT"
    assert cb.plover("091")[2] == "crime;corruption"
    # every code of roots 03-20 has a PLOVER type (own row or inherited from its parent)
    for code in cb.codes():
        if cb.root(code) not in ("01", "02"):
            assert cb.plover(code)[0] is not None, code


def test_plover_gdelt_numbering_of_demands(cb):
    # GDELT numbers 105-108 differently from the crosswalk; they are mapped by meaning
    assert cb.plover("105") == ("REQUEST", "meet", "diplomatic")  # demand mediation
    assert cb.plover("106") == ("REQUEST", "yield", "military")  # demand withdrawal
    assert cb.plover("107") == ("REQUEST", "yield", "military")  # demand ceasefire
    assert cb.plover("108") == ("REQUEST", "meet", "diplomatic")  # demand meeting


@pytest.mark.parametrize(
    "refused,refusal",
    [("036", "125"), ("040", "125"), ("042", "125"), ("045", "126"), ("031", "121"), ("0311", "1211"),
     ("0312", "1212"), ("061", "1211"), ("062", "1212"), ("06", "121"), ("033", "122"), ("0332", "1222"),
     ("070", "122"), ("073", "1223"), ("057", "127"), ("037", "127"), ("0841", "1243"), ("0871", "1246"),
     ("085", "1244"), ("051", "120"), ("030", "120")],
)
def test_refusal_for(cb, refused, refusal):
    assert cb.refusal_for(refused) == refusal
    assert cb.root(refusal) == "12"


def test_no_refusal_for_conflict_or_statements(cb):
    for code in ("010", "020", "111", "190", "173"):
        assert cb.refusal_for(code) is None


def test_unknown_codes_fall_back_to_parent_or_neutral(cb):
    assert not cb.is_valid("999")
    assert not cb.is_valid(None)
    assert not cb.is_valid("1951")
    # a local sub-code takes its parent's values
    assert cb.name("1951") == cb.name("195")
    assert cb.quad_class("1951") == 4 and cb.goldstein("1951") == cb.goldstein("195")
    assert cb.plover("1951") == cb.plover("195")
    # a code outside CAMEO's roots gets neutral values instead of an exception
    assert (cb.name("999"), cb.goldstein("999"), cb.quad_class("999"), cb.plover("999")) == ("", 0.0, 0,
                                                                                            (None, None, None))


HEADER = "\t".join(CAMEO_COLUMNS) + "\n"


def _cameo(rows: str) -> str:
    return HEADER + "01\tMAKE PUBLIC STATEMENT\t0.0\t1\t\t\t\n" + rows


@pytest.mark.parametrize(
    "row,reason",
    [
        ("1x0\tBad\t0.0\t1\t\t\t\n", "not 2-4 digits"),
        ("010\t\t0.0\t1\t\t\t\n", "no name"),
        ("010\tSay\tlots\t1\t\t\t\n", "not a number"),
        ("010\tSay\t12.5\t1\t\t\t\n", "outside"),
        ("010\tSay\t0.0\t4\t\t\t\n", "quad_class"),
        ("010\tSay\t0.0\t1\tCHAT\t\t\n", "PLOVER type"),
        ("010\tSay\t0.0\t1\t\tvisit\t\n", "without a PLOVER type"),
        ("0101\tSay\t0.0\t1\t\t\t\n", "no parent"),
        ("030\tIntent\t4.0\t1\tAGREE\t\t\n", "before its root"),
        ("01\tAgain\t0.0\t1\t\t\t\n", "duplicate"),
    ],
)
def test_validation_names_file_and_line(row, reason):
    with pytest.raises(KnowledgeError) as exc:
        parse_cameo(_cameo(row), "my.tsv")
    assert exc.value.subject == "my.tsv:3"
    assert reason in exc.value.reason


def test_validation_bad_header():
    with pytest.raises(KnowledgeError) as exc:
        parse_cameo("code\tname\n01\tX\n", "my.tsv")
    assert exc.value.subject == "my.tsv:1"


def test_refusal_validation():
    entries = parse_cameo(_cameo("010\tSay\t0.0\t1\t\t\t\n"), "c.tsv")
    header = "refused_code_prefix\trefusal_code\tnote\n"
    with pytest.raises(KnowledgeError) as exc:
        parse_refusals(header + "04\t125\tmeet\n", entries, "r.tsv")
    assert exc.value.subject == "r.tsv:2"
    assert "not in the codebook" in exc.value.reason


def test_read_codebook_from_files(tmp_path: Path):
    cameo = tmp_path / "cameo.tsv"
    cameo.write_text(_cameo("010\tSay\t0.0\t1\t\t\t\n12\tREJECT\t-4.0\t3\tREJECT\t\t\n"
                            "120\tReject\t-4.0\t3\tREJECT\t\t\n"), encoding="utf-8")
    refusals = tmp_path / "refusals.tsv"
    refusals.write_text("# comment\nrefused_code_prefix\trefusal_code\tnote\n01\t120\tx\n", encoding="utf-8")
    cb = read_codebook(cameo, refusals)
    assert cb.codes() == ["01", "010", "12", "120"]
    assert cb.refusal_for("010") == "120"
    with pytest.raises(KnowledgeError) as exc:
        read_codebook(tmp_path / "missing.tsv")
    assert exc.value.code == "E210"
