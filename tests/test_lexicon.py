"""The built-in lexicon, the pattern grammar, user files and PETRARCH verb dictionaries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from detente.coding.codebook import load_codebook
from detente.coding.lexicon import Lexicon, builtin_lexicon_files, load_lexicon, parse_pattern
from detente.coding.petrarch_verbs import load_petrarch_verbs, parse_petrarch_verbs
from detente.errors import KnowledgeError

SHARED = Path(__file__).resolve().parents[2] / "shared"
PETR_VERBS = SHARED / "bench" / "dicts" / "validate_2_02" / "raw" / "PETR_Validate_verbs_2_02.txt"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def find(lex: Lexicon, text: str, pos: str = "verb"):
    """Patterns equivalent to ``text`` (same head, words, preposition and target markers)."""
    want = parse_pattern("010", text, "test")
    words = tuple(lex.synonyms.get(w, w) for w in want.words)  # synonym classes, as the lexicon stores them
    sig = (words, want.prep, want.target_is_object, want.no_target)
    return [p for p in lex.candidates(want.head, want.pos)
            if (p.words, p.prep, p.target_is_object, p.no_target) == sig]


# -- the built-in lexicon -----------------------------------------------------------------------

def test_builtin_files_one_per_root_plus_nouns():
    names = [n for n, _ in builtin_lexicon_files()]
    assert "nouns.tsv" in names
    for r in range(1, 21):
        assert any(n.startswith(f"{r:02d}_") for n in names), r


def test_every_builtin_pattern_parses_and_has_a_valid_code(lexicon):
    cb = load_codebook()
    n = 0
    for p in lexicon.patterns():
        assert cb.is_valid(p.code), (p.code, p.origin)
        assert p.origin.split(":")[0].endswith(".tsv")
        n += 1
    assert n == len(lexicon)


def test_size_and_root_coverage(lexicon):
    assert len(lexicon) >= 1500
    by_root = Counter(p.code[:2] for p in lexicon.patterns())
    for r in range(1, 21):
        assert by_root[f"{r:02d}"] >= 20, r
    assert sum(1 for p in lexicon.patterns() if p.pos == "noun") >= 300


def test_file_holds_its_own_root(lexicon):
    for p in lexicon.patterns():
        name = p.origin.split(":")[0]
        if name != "nouns.tsv":
            assert p.code[:2] == name[:2], p.origin


@pytest.mark.parametrize(
    "text,code",
    [
        ("say !", "010"),
        ("deny", "016"),
        ("urge release", "0253"),
        ("call to release on", "0253"),
        ("pledge aid", "033"),
        ("agree to provide aid", "033"),
        ("meet with", "040"),
        ("visit", "042"),
        ("host", "043"),
        ("negotiate with", "046"),
        ("praise", "051"),
        ("sign agreement with", "057"),
        ("extradite to", "063"),
        ("grant asylum to", "075"),
        ("withdraw troop from", "0874"),
        ("investigate", "090"),
        ("demand release", "1053"),
        ("criticize", "111"),
        ("accuse * of", "112"),
        ("sue", "115"),
        ("reject", "120"),
        ("veto", "129"),
        ("threaten to attack", "138"),
        ("demonstrate against", "141"),
        ("mobilize troop", "154"),
        ("impose sanction on", "163"),
        ("arrest", "173"),
        ("abduct", "181"),
        ("assassinate", "186"),
        ("attack", "190"),
        ("clash with", "190"),
        ("shell", "194"),
        ("occupy", "192"),
        ("n:meeting with", "040"),
        ("n:invasion of", "190"),
        ("n:sanction on", "163"),
        ("n:airstrike on", "195"),
        ("n:massacre !", "202"),
        ("sign memorandum", "057"),  # signed, as any formal agreement (initialling one is an intent)
        ("initial memorandum", "030"),
    ],
)
def test_known_patterns(lexicon, text, code):
    pos = "noun" if text.startswith("n:") else "verb"
    hits = find(lexicon, text, pos)
    assert hits, text
    assert hits[0].code == code


def test_most_specific_first(lexicon):
    bucket = lexicon.candidates("impose")
    specs = [p.specificity for p in bucket]
    assert specs == sorted(specs, reverse=True)


def test_compound_noun_heads_use_the_head_noun(lexicon):
    # "phone call with" is headed by "call"; "air strike on" by "strike"
    assert find(lexicon, "n:call phone with", "noun")
    assert find(lexicon, "n:strike air on", "noun")


# -- the grammar ----------------------------------------------------------------------------------

def test_parse_noun_head():
    p = parse_pattern("040", "n:meeting with", "t:1")
    assert (p.pos, p.head, p.words, p.prep) == ("noun", "meeting", (), "with")


def test_parse_star_marks_object_target():
    p = parse_pattern("112", "accuse * of", "t:1")
    # with "*" the final preposition is required but the target stays the direct object
    assert p.target_is_object and p.prep is None and p.words == ("of",)
    assert p.specificity == 2
    p = parse_pattern("1121", "accuse * of corruption", "t:1")
    assert p.target_is_object and p.prep is None and p.words == ("of", "corruption")


def test_parse_final_preposition_is_target():
    p = parse_pattern("163", "impose sanction on", "t:1")
    assert (p.head, p.words, p.prep, p.target_is_object) == ("impose", ("sanction",), "on", False)


def test_parse_bang_no_target():
    p = parse_pattern("141", "demonstrate !", "t:1")
    assert p.no_target and p.prep is None and p.words == ()
    p = parse_pattern("140", "n:protest against !", "t:1")
    assert p.no_target and p.prep == "against"


def test_parse_infinitive_to_is_ignored():
    p = parse_pattern("138", "threaten to attack", "t:1")
    assert p.words == ("attack",)
    p = parse_pattern("0312", "agree to continue military cooperation", "t:1")
    assert p.words == ("continue", "military", "cooperation")
    p = parse_pattern("020", "appeal to", "t:1")
    assert p.prep == "to" and p.words == ()


@pytest.mark.parametrize(
    "code,text,err",
    [("4", "meet", "E201"), ("04x", "meet", "E201"), ("040", "   ", "E202"), ("040", "Meet2", "E203"),
     ("166", "not renew mission", "E203"),
     ("040", "meet w1th", "E204"), ("040", "meet n:with", "E204"), ("040", "meet ! with", "E204")],
)
def test_parse_errors(code, text, err):
    with pytest.raises(KnowledgeError) as exc:
        parse_pattern(code, text, "f.tsv:7")
    assert exc.value.code == err
    assert exc.value.subject == "f.tsv:7"


# -- files ----------------------------------------------------------------------------------------

def test_malformed_lines_name_file_and_line(tmp_path):
    f = tmp_path / "mine.tsv"
    f.write_text("code\tpattern\n# comment\n040\tmeet with\n041\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_lexicon([f], builtin=False)
    assert exc.value.subject.endswith("mine.tsv:4")
    f.write_text("040\tmeet with\n\n04x\tmeet\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_lexicon([f], builtin=False)
    assert exc.value.subject == "mine.tsv:3"


def test_missing_file(tmp_path):
    with pytest.raises(KnowledgeError) as exc:
        load_lexicon([tmp_path / "nope.tsv"], builtin=False)
    assert exc.value.code == "E205"


def test_quote_in_note_does_not_swallow_lines(tmp_path):
    f = tmp_path / "q.tsv"
    f.write_text('041\tphone\t"X phoned Y\n042\tvisit\n', encoding="utf-8")
    lex = load_lexicon([f], builtin=False)
    assert len(lex) == 2


def test_user_file_adds_to_builtin(tmp_path, lexicon):
    f = tmp_path / "extra.tsv"
    f.write_text("# my patterns\n0312\tsign defense pact with\n0312\tsign defence pact with\t# UK\n",
                 encoding="utf-8")
    lex = load_lexicon([f])
    assert len(lex) == len(lexicon) + 2  # same text with another code is a distinct pattern
    hit = next(p for p in find(lex, "sign defence pact with") if p.origin.startswith("extra"))
    assert hit.code == "0312" and hit.origin == "extra.tsv:3"
    assert str(f) in lex.sources


def test_duplicates_and_ties():
    lex = Lexicon()
    lex.load_tsv("a.tsv", "040\tmeet\n040\tmeet\n041\tmeet\n040\tmeet with\n")
    bucket = lex.candidates("meet")
    assert [p.text for p in bucket] == ["meet with", "meet", "meet"]
    assert [p.code for p in bucket] == ["040", "040", "041"]  # tie: the earlier line first


# -- PETRARCH verb dictionaries -------------------------------------------------------------------

SAMPLE = """\
####### SYNONYM SETS #######
&TREATY
+TREATY
+PACT
+WRITTEN_AGREEMENT

####### VERB PATTERNS #######
--- AGREE  [030] ---
AGREE
CONCUR [019]
- * (ON TRADE)  [0311]  # comment
- * (WITH)  [030]
- * (TO &TREATY) [057:057]
- * THEIR ^ ABOUT + [130]
- * NEW + [999A]

--- SAY [010] ---
SAY {SAYS SAID SAYING}
SAW
- * + (ON) [012]
- * &NOSUCHSET [020]

--- BEGIN [---] ---
BEGIN
- * TALKS [036]
"""


def test_petrarch_sample():
    pats, skipped = parse_petrarch_verbs(SAMPLE, "v.txt")
    got = {(p.code, p.head, p.words, p.prep, p.target_is_object) for p in pats}
    assert ("030", "agree", (), None, False) in got
    assert ("019", "concur", (), None, False) in got  # verb with its own code
    assert ("0311", "agree", ("on", "trade"), None, False) in got
    assert ("0311", "concur", ("on", "trade"), None, False) in got  # block patterns apply to all verbs
    assert ("030", "agree", (), "with", False) in got  # bare (WITH) at the end -> target preposition
    assert ("057", "agree", ("to", "written", "agreement"), None, False) in got  # synonym set expanded
    assert ("057", "agree", ("to", "pact"), None, False) in got
    assert ("130", "agree", ("their",), "about", False) in got  # preposition before +
    assert ("012", "say", ("on",), None, True) in got  # + right after * -> object is target
    assert ("012", "see", ("on",), None, True) in got  # SAW lemmatised
    assert ("036", "begin", ("talk",), None, False) in got  # plural lemmatised; block has no code
    assert not any(p.head == "begin" and not p.words for p in pats)
    assert skipped["pattern without a usable code"] == 1
    assert skipped["unknown synonym set"] == 1
    assert skipped["verb without a usable code"] == 1
    origins = {p.origin for p in pats if p.code == "0311"}
    assert origins == {"v.txt:11"}


def test_petrarch_missing_file(tmp_path):
    with pytest.raises(KnowledgeError) as exc:
        load_petrarch_verbs(tmp_path / "none.txt")
    assert exc.value.code == "E207"


def test_load_lexicon_accepts_petrarch_txt(tmp_path):
    f = tmp_path / "verbs.txt"
    f.write_text(SAMPLE, encoding="utf-8")
    lex = load_lexicon([f], builtin=False)
    assert find(lex, "agree on trade")[0].code == "0311"


@pytest.mark.shared
@pytest.mark.skipif(not PETR_VERBS.exists(), reason="../shared evaluation data absent")
def test_petrarch_validation_dictionary():
    skipped: Counter[str] = Counter()
    pats = load_petrarch_verbs(PETR_VERBS, skipped)
    assert len(pats) > 1000
    assert sum(skipped.values()) < 100
    got = {(p.code, p.text) for p in pats}
    assert ("030", "agree with") in got
    assert ("019", "agree on importance") in got
    assert ("043", "host meeting") in got  # [043:042] keeps the source's code
    assert ("130", "warn their about") in got
    assert ("040", "meet") in got
    assert ("010", "say") in got
    assert ("057", "sign") in got
    assert any(p.head == "see" for p in pats)  # SAW -> see
    for p in pats:
        assert p.origin.startswith("PETR_Validate_verbs_2_02.txt:")


def test_petrarch_underscore_joins_and_embedded_sets():
    text = (
        "&COLOR\n+RED\n+BLUE\n\n&MIX\n+&COLOR\n+GREEN\n\n"
        "--- ACCORD [---] ---\nACCORD\n- IN_* [075]\n- *_OUT [074]\n- * NEW_&COLOR_FLAGS [903]\n- * &MIX [904]\n"
    )
    pats, skipped = parse_petrarch_verbs(text, "old.txt")
    got = {(p.code, p.words) for p in pats}
    assert ("075", ("in",)) in got
    assert ("074", ("out",)) in got
    assert ("903", ("new", "red", "flag")) in got
    assert {("904", ("red",)), ("904", ("blue",)), ("904", ("green",))} <= got
    assert skipped["verb without a usable code"] == 1


def test_synonym_classes_match_either_word():
    lex = load_lexicon()
    assert lex.synonyms["tie"] == lex.synonyms["relationship"] == "relation"
    assert lex.canonical({"tie", "restore"}) == {"relation", "restore"}
    restore = [p for p in lex.candidates("restore") if "relation" in p.words]
    assert restore, "patterns written with 'relation' are stored under the class word"


def test_synonym_file_errors_name_the_class():
    from detente.coding.lexicon import parse_synonyms
    from detente.errors import KnowledgeError

    with pytest.raises(KnowledgeError) as err:
        parse_synonyms("a: [tie]\nb: [tie]\n", "syn.yaml")
    assert "syn.yaml:b" in str(err.value)


def test_reverse_marker():
    from detente.coding.lexicon import parse_pattern

    p = parse_pattern("072", "receive weapon from <", "t:1")
    assert p.reverse and p.prep == "from" and p.words == ("weapon",)


def test_user_patterns_come_before_the_builtin_lexicon(tmp_path):
    from detente.coding.lexicon import load_lexicon

    extra = tmp_path / "mine.tsv"
    extra.write_text("042\tveto\n", encoding="utf-8")
    builtin = [p for p in load_lexicon().candidates("veto") if p.specificity == 0]
    assert builtin and builtin[0].code == "129"
    mine = [p for p in load_lexicon([extra]).candidates("veto") if p.specificity == 0]
    assert [p.code for p in mine] == ["042", "129"]
    assert load_lexicon([extra]).candidates("veto")[0].code == "042"  # even before more specific built-ins
    only_mine = load_lexicon([extra], builtin=False)
    assert [p.code for p in only_mine.candidates("veto")] == ["042"]
