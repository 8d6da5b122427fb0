"""The actor knowledge base: data files -> a phrase index -> ``Actor`` records.

Contract: ``load_kb(extra_files) -> ActorKB`` (cached per file set); ``ActorKB.lookup(text, date)
-> list[Actor]`` (best first); ``ActorKB.stats() -> dict``. This module holds the loaders; the
knowledge base itself is :mod:`.model`, the word normalisation :mod:`.words`.

Sources, in load order (later files add to, never replace, earlier ones):
- ``data/actors/states.yaml``        states: code, name, iso3, aliases, adjectives, demonyms, seats; historical
  states also ``until``, ``successors`` and optional ``since``, ``strict`` (a seat may have its own ``until``)
- ``data/actors/organisations.yaml`` IGOs, NGOs, armed groups, regions, peoples with ``homes`` (code scheme there)
- ``data/actors/places.yaml``        sub-national places that share a name with a state (Georgia, US)
- ``data/actors/people/*.yaml``      people with date-bounded roles (written by the people curators)
- ``data/actors/sectors.yaml``       CAMEO agent types and the nouns that signal them
- extra files: the same YAML formats, or PETRARCH dictionaries (``.txt`` / converted ``.json``,
  see :mod:`detente.actors.petrarch`).

Every entry is validated; a bad one raises ``KnowledgeError(code, "file:entry", reason)`` (codes
E308, E309, E341-E347 of :data:`detente.errors.CATALOGUE`).

Matching is on *normalised words* (:func:`norm_words`): lower case, accents stripped, dots
dropped ("U.S." -> "us"), hyphens and apostrophes split, a leading "the" dropped. Case still
matters in documents: a name must start with a capital, and an all-capitals alias ("US", "WHO")
only matches all-capitals text.

People: a role valid on the date gives its code (``RUSGOV``) and ``role``; outside every role a
person is coded ``{country}ELI`` (elite) with ``role=None``; with no date, roles with
``end: null`` count as current. A one-word alias (a bare surname) names a person only near their
roles, and namesakes compete for it by date (:func:`date_surnames`); full names match on any date.
"""

from __future__ import annotations

import datetime as _dt
import functools
import glob
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..cache import cache_dir, load_pickle, save_pickle
from ..errors import KnowledgeError
from . import petrarch
from .cities import build_city_map
from .model import (  # noqa: F401 - the knowledge base's names, importable from here as before
    KINDS,
    NULL_CODES,
    PRIMARY_TYPES,
    SECTOR_CODES,
    ActorKB,
    Entry,
    Hit,
    Period,
    SectorInfo,
    country_of_code,
    sector_of,
)
from .words import is_acronym, norm_words, phrase_key  # noqa: F401

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"



class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, keeping dates as strings so that a bad one is reported with its entry."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
_LOADER = _Loader
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*\.?|&|\+")
_CODE = re.compile(r"^[A-Z0-9]{2,}$")


def parse_date(value: Any, where: str, what: str) -> str | None:
    """ISO ``YYYY-MM-DD`` from a YAML date or string; None for null."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    s = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            d = _dt.datetime.strptime(s, fmt).date()
            return d.isoformat()
        except ValueError:
            continue
    raise KnowledgeError("E345", where, f"{what} {value!r} is not an ISO date (YYYY-MM-DD)")


# ---------------------------------------------------------------- YAML loading
def _read_yaml(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)
    except FileNotFoundError:
        raise KnowledgeError("E341", path, "actor file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise KnowledgeError("E342", where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None


def _label(path: str, i: int, item: Any) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    name = name or (item.get("code") if isinstance(item, dict) else None)
    return f"{os.path.basename(path)}:{i + 1}" + (f" ({name})" if name else "")


def _strs(item: dict[str, Any], key: str, where: str) -> list[str]:
    value = item.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise KnowledgeError("E343", where, f"`{key}` must be a list of strings")
    return [str(v) for v in value]


def _code(item: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            raise KnowledgeError("E343", where, f"missing `{key}`")
        return None
    value = str(value).strip()
    if not _CODE.match(value):
        raise KnowledgeError("E344", where, f"`{key}` {value!r} is not a code (capital letters and digits)")
    return value


def _roles(item: dict[str, Any], where: str) -> tuple[Period, ...]:
    roles = item.get("roles") or []
    if not isinstance(roles, list):
        raise KnowledgeError("E343", where, "`roles` must be a list")
    out = []
    for j, r in enumerate(roles):
        rw = f"{where} role {j + 1}"
        if not isinstance(r, dict):
            raise KnowledgeError("E343", rw, "a role must be a mapping {code, role, start, end}")
        code = _code(r, "code", rw)
        start = parse_date(r.get("start"), rw, "start")
        end = parse_date(r.get("end"), rw, "end")
        if start and end and end < start:
            raise KnowledgeError("E346", rw, f"end {end} is before start {start}")
        role = r.get("role")
        out.append(Period(code, str(role) if role is not None else None, start, end))
    return tuple(out)


def _check_keys(item: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise KnowledgeError("E347", where, f"unknown field(s) {', '.join(sorted(unknown))}; "
                                            f"known: {', '.join(sorted(allowed))}")


def _entries(path: str, allowed: set[str]) -> Iterator[tuple[dict[str, Any], str]]:
    """Each entry of a knowledge file with its ``file:N (name)`` label, checked to be a mapping
    with only ``allowed`` fields."""
    for i, item in enumerate(_items(path)):
        where = _label(path, i, item)
        if not isinstance(item, dict):
            raise KnowledgeError("E343", where, "an entry must be a mapping")
        _check_keys(item, allowed, where)
        yield item, where


def _items(path: str) -> list[Any]:
    data = _read_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise KnowledgeError("E343", path, "expected a list of entries")
    return data


STATE_KEYS = {"code", "name", "iso3", "aliases", "adjectives", "demonyms", "seats", "founded", "predecessor",
              "since", "until", "successors", "strict"}
ORG_KEYS = {"code", "name", "country", "kind", "sector", "aliases", "adjectives", "demonyms", "roles", "context",
            "requires", "homes"}
SEAT_KEYS = {"text", "sector", "since", "until"}


def _period(item: dict[str, Any], where: str) -> tuple[str | None, str | None]:
    """``since`` / ``until`` of a historical state or seat, checked."""
    since = parse_date(item.get("since"), where, "since")
    until = parse_date(item.get("until"), where, "until")
    if since and until and until <= since:
        raise KnowledgeError("E346", where, f"until {until} is not after since {since}")
    return since, until
PERSON_KEYS = {"name", "country", "aliases", "roles", "note", "notes", "wikidata", "born", "gender"}
SECTOR_KEYS = {"code", "label", "nouns", "modifiers"}


def load_states(kb: ActorKB, path: str) -> None:
    for item, where in _entries(path, STATE_KEYS):
        code = _code(item, "code", where)
        assert code is not None
        name = item.get("name")
        if not name:
            raise KnowledgeError("E343", where, "missing `name`")
        iso3 = item.get("iso3")
        # a historical state ("Soviet Union", until 1991-12-26, successors RUS ...): its own code, with its period
        since, until = _period(item, where)
        successors = tuple(_code({"c": c}, "c", where) or "" for c in _strs(item, "successors", where))
        if (until is None) != (not successors):
            raise KnowledgeError("E343", where, "`until` and `successors` go together")
        strict = bool(item.get("strict"))
        entry = Entry(str(name), code, code, None, "state", where, iso3=str(iso3) if iso3 else None,
                      since=since, until=until, successors=successors, strict=strict)
        phrases = [(str(name), "name")] + [(a, "name") for a in _strs(item, "aliases", where)]
        phrases += [(a, "adjective") for a in _strs(item, "adjectives", where)]
        phrases += [(a, "demonym") for a in _strs(item, "demonyms", where)]
        kb.add(entry, phrases)
        # a state founded within the period news covers ("founded: 2011-07-09, predecessor: SDN"): before
        # that day its seats are cities of the state it left ("shelled Juba" in 1992 -> SDN)
        founded, predecessor = item.get("founded"), item.get("predecessor")
        if (founded is None) != (predecessor is None):
            raise KnowledgeError("E343", where, "`founded` and `predecessor` go together")
        before: tuple[Period, ...] = ()
        if founded is not None:
            pred = _code(item, "predecessor", where)
            before = (Period(code=pred, role=f"a city of {pred} before {founded}", end=str(founded), country=pred),)
        for j, seat in enumerate(item.get("seats") or []):
            sw = f"{where} seat {j + 1}"
            if not isinstance(seat, dict) or not seat.get("text"):
                raise KnowledgeError("E343", sw, "a seat must be {text, sector}")
            _check_keys(seat, SEAT_KEYS, sw)
            sector = _code(seat, "sector", sw)
            # a seat is one only while its state exists, or within its own period ("Bonn" until 1999)
            s_since, s_until = _period(seat, sw)
            seat_entry = Entry(str(name), f"{code}{sector}", code, sector, "state", sw, roles=before,
                               since=s_since or since, until=s_until or until, successors=successors)
            kb.add(seat_entry, [(str(seat["text"]), "seat")])


def load_organisations(kb: ActorKB, path: str) -> None:
    for item, where in _entries(path, ORG_KEYS):
        name = item.get("name")
        if not name:
            raise KnowledgeError("E343", where, "missing `name`")
        code = _code(item, "code", where)
        country = _code(item, "country", where, required=False) or country_of_code(code)
        kind = str(item.get("kind") or "igo")
        if kind not in KINDS:
            raise KnowledgeError("E308", where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
        sector = _code(item, "sector", where, required=False)
        required = tuple(w.lower() for w in _strs(item, "requires", where))
        context = tuple(w.lower() for w in _strs(item, "context", where)) + required
        # a people ("Kurds", homes TUR SYR IRQ IRN): no country of its own; a mention places it
        homes = tuple(_code({"c": c}, "c", where) or "" for c in _strs(item, "homes", where))
        entry = Entry(str(name), code, None if homes else country, sector, kind, where, _roles(item, where),
                      context, context_required=bool(required), homes=homes)
        phrases = [(str(name), "name")] if not required else []
        phrases += [(a, "name") for a in _strs(item, "aliases", where)]
        phrases += [(a, "adjective") for a in _strs(item, "adjectives", where)]
        phrases += [(a, "demonym") for a in _strs(item, "demonyms", where)]
        kb.add(entry, phrases)


def load_people(kb: ActorKB, path: str) -> None:
    for item, where in _entries(path, PERSON_KEYS):
        name = item.get("name")
        if not name or not isinstance(name, str):
            raise KnowledgeError("E343", where, "missing `name`")
        country = _code(item, "country", where)
        roles = _roles(item, where)
        entry = Entry(name, f"{country}ELI" if country and len(country) == 3 else country, country, "ELI",
                      "person", where, roles, default=False)
        kb.add(entry, [(name, "name")] + [(a, "name") for a in _strs(item, "aliases", where)])


def load_sectors(kb: ActorKB, path: str) -> None:
    for item, where in _entries(path, SECTOR_KEYS):
        code = _code(item, "code", where)
        assert code is not None
        kb.sectors[code] = SectorInfo(code, str(item.get("label") or code), where)
        SECTOR_CODES.add(code)
        for noun in _strs(item, "nouns", where):
            kb.add_sector_noun(noun, code)
        for mod in _strs(item, "modifiers", where):
            kb.sector_modifiers.setdefault(mod.lower(), code)


def load_stand_ins(kb: ActorKB, path: str) -> None:
    data = _read_yaml(path)
    where = os.path.basename(path)
    if not isinstance(data, dict) or not isinstance(data.get("nouns"), list):
        raise KnowledgeError("E343", where, "expected a mapping with a list `nouns`")
    for key, target in (("nouns", kb.stand_ins), ("quantity_heads", kb.quantity_heads),
                        ("relational", kb.relational_nouns), ("named_after_place", kb.named_after_place),
                        ("currencies", kb.currencies), ("geographic_features", kb.geographic_features)):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise KnowledgeError("E343", f"{where}:{key}", "expected a list of nouns")
        for n, noun in enumerate(items):
            if not isinstance(noun, str) or not noun.strip():
                raise KnowledgeError("E343", f"{where}:{key}[{n}]", "a noun must be a non-empty string")
            target.add(" ".join(norm_words(noun)))


def _yaml_kind(path: str) -> str:
    """Which YAML format a user file is in, from its first entry."""
    items = _items(path)
    if not items:
        return "empty"
    first = items[0]
    if not isinstance(first, dict):
        raise KnowledgeError("E343", f"{os.path.basename(path)}:1", "an entry must be a mapping")
    if "nouns" in first:
        return "sectors"
    if ("roles" in first and "kind" not in first) or ("country" in first and "code" not in first):
        return "people"
    if "adjectives" in first or "seats" in first or ("iso3" in first):
        return "states"
    return "organisations"


def load_file(kb: ActorKB, path: str) -> None:
    """Load one extra file: YAML (states, organisations, people or sectors) or PETRARCH."""

    low = path.lower()
    if low.endswith((".yaml", ".yml")):
        kind = _yaml_kind(path)
        loader = {"sectors": load_sectors, "people": load_people, "states": load_states,
                  "organisations": load_organisations}.get(kind)
        if loader:
            loader(kb, path)
    elif low.endswith((".txt", ".json")):
        petrarch.load_into(kb, path)
    else:
        raise KnowledgeError("E309", path, "unknown actor file type (want .yaml, .yml, PETRARCH .txt or .json)")
    kb.files.append(path)


def link_organisation_people(kb: ActorKB) -> None:
    """People files name organisations by short code (``UNO``, ``NATO``, ``EU``, ``WBK``): give
    those people and roles the organisation's CAMEO code (IGOUNO, IGOWSTNAT ...) and dyad code."""
    orgs: dict[str, Entry] = {}
    for e in kb.entries:
        if e.kind != "igo" or not e.code:
            continue
        if e.country and e.country not in orgs:
            orgs[e.country] = e
    for short, full in ORG_SHORT_CODES.items():
        org = orgs.get(full)
        if org is not None:
            orgs.setdefault(short, org)

    def mapped(p: Period) -> Period:
        code = p.code
        if not code or code[:3] in kb.states:
            return p
        for n in range(min(len(code), 5), 1, -1):
            org = orgs.get(code[:n])
            if org is not None:
                return replace(p, code=(org.code or "") + code[n:], country=org.country)
        return p

    for e in kb.entries:
        if e.kind != "person":
            continue
        if e.roles:
            e.roles = tuple(mapped(p) for p in e.roles)
        org = orgs.get(e.country or "") if e.country not in kb.states else None
        if org is not None:
            e.country, e.code = org.country, org.code


# A person's one-word alias ("Stoltenberg") names them from this many years before their first role to this
# many after their last (an open role: no end). Measured on the news sample (full names in dated articles,
# BENCHMARKS.md): 104 of 759 people are in the news before their first role, 94% of those mentions within
# 10 years of it. After the last role, names stay in the news as far back as the sample reaches (31 years:
# "Reagan" in 2019), so that bound is set beyond it; a newer namesake in office wins anyway.
SURNAME_YEARS_BEFORE = 10
SURNAME_YEARS_AFTER = 40


def _shift(iso: str, years: int) -> str:
    return str(int(iso[:4]) + years).zfill(4) + iso[4:]


def person_window(entry: Entry) -> tuple[str | None, str | None]:
    """(since, until) in which a bare surname can name ``entry``: its roles widened by the margins above;
    None on a side that is open (a role without start or end) or when no role is dated at all."""
    starts = [p.start for p in entry.roles if p.start is not None]
    ends = [p.end for p in entry.roles if p.end is not None]
    n = len(entry.roles)
    since = _shift(min(starts), -SURNAME_YEARS_BEFORE) if starts and len(starts) == n else None
    until = _shift(max(ends), SURNAME_YEARS_AFTER) if ends and len(ends) == n else None
    return since, until


def date_surnames(kb: ActorKB) -> None:
    """Bound people's one-word aliases by date, and let namesakes compete for them.

    A person's one-word alias that is not their whole name ("Stoltenberg" for Jens Stoltenberg) names them only
    within :func:`person_window` (a 1987 "Stoltenberg" is not the NATO chief of 2014). Where some person lists
    such an alias, every other person with roles whose name ends in that word (Gerhard and Thorvald Stoltenberg)
    is added as an ``implicit`` reading with their own window: on a date the namesake in office (or nearest to
    office) wins, ties go to the one who lists the alias, and with no date implicit readings are not offered.
    Full names are untouched. One pass over the one-word keys; runs last, after extra files."""
    people = {id(e): (e, phrase_key(e.name)) for e in kb.entries if e.kind == "person" and e.roles}
    listed: set[str] = set()
    for key, hits in kb.index.items():
        if len(key) != 1:
            continue
        for n, h in enumerate(hits):
            got = people.get(id(h.entry))
            if got is None or h.form != "name" or h.dated or got[1] == key:
                continue
            since, until = person_window(h.entry)
            if since is not None or until is not None:
                hits[n] = Hit(h.entry, h.form, h.acronym, since=since, until=until)
                listed.add(key[0])
    for e, key in people.values():
        if len(key) < 2 or key[-1] not in listed or "-" in e.name.split()[-1]:
            continue  # "Nkosazana Dlamini-Zuma" is not "Zuma"
        bucket = kb.index[(key[-1],)]
        if not any(h.entry is e for h in bucket):
            since, until = person_window(e)
            bucket.append(Hit(e, "name", False, since=since, until=until, implicit=True))


_T = TypeVar("_T")

# the lists of data/actors/resolver_words.yaml (what each is for: the comments there)
RESOLVER_WORD_LISTS = ("locative_preps", "region_place_preps", "region_path_preps", "motion_words",
                       "destination_verbs", "destination_nouns", "collective_nouns", "honorifics", "name_titles",
                       "generational", "combining_forms", "dummy_it_verbs", "dummy_it_openers",
                       "document_nouns")
_ONE_WORD = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=4)
def resolver_words(path: str | None = None) -> dict[str, frozenset[str]]:
    """The word lists the in-document resolver reads, by name (``RESOLVER_WORD_LISTS``): the built-in
    ``resolver_words.yaml``, or a file with the same lists. Every list must be there, each a list of lower-case
    single words; anything else is ``KnowledgeError`` E343."""
    path = path or str(DATA_DIR / "resolver_words.yaml")
    where = os.path.basename(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError("E343", where, "expected a mapping of word lists")
    unknown = sorted(set(data) - set(RESOLVER_WORD_LISTS))
    missing = [k for k in RESOLVER_WORD_LISTS if k not in data]
    if unknown or missing:
        raise KnowledgeError("E343", where, f"unknown list(s): {', '.join(unknown) or '-'}; "
                                            f"missing list(s): {', '.join(missing) or '-'}")
    out: dict[str, frozenset[str]] = {}
    for key in RESOLVER_WORD_LISTS:
        items = data[key]
        if not isinstance(items, list) or not items:
            raise KnowledgeError("E343", f"{where}:{key}", "expected a non-empty list of words")
        for n, word in enumerate(items):
            if not isinstance(word, str) or not _ONE_WORD.fullmatch(word):
                raise KnowledgeError("E343", f"{where}:{key}[{n}]", f"{word!r} is not one lower-case word")
        out[key] = frozenset(items)
    return out


def per_kb(build: Callable[[ActorKB], _T]) -> Callable[[ActorKB], _T]:
    """``build(kb)`` once per knowledge base object: kept by identity (a new knowledge base gets its own),
    at most four at a time."""
    built: dict[int, tuple[ActorKB, _T]] = {}

    @functools.wraps(build)
    def get(kb: ActorKB) -> _T:
        got = built.get(id(kb))
        if got is None or got[0] is not kb:
            if len(built) >= 4:
                built.clear()
            got = built[id(kb)] = (kb, build(kb))
        return got[1]
    return get


@per_kb
def person_words(kb: ActorKB) -> dict[int, frozenset[str]]:
    """``id(entry)`` -> every word of the names a person is listed under (Tony Blair, "Anthony Blair":
    tony, anthony, blair); built once per knowledge base. Tells whether the given name in front of a
    listed surname can be this person's ("Anthony Blair") or names someone else ("Robert Blair")."""
    words: dict[int, set[str]] = {}
    for e in kb.entries:
        if e.kind == "person":
            words.setdefault(id(e), set()).update(phrase_key(e.name))
    for key, hits in kb.index.items():
        for h in hits:
            if h.entry.kind == "person" and not h.implicit:
                words.setdefault(id(h.entry), set()).update(key)
    return {k: frozenset(v) for k, v in words.items()}


@per_kb
def given_names(kb: ActorKB) -> frozenset[str]:
    """The first words of the people's names of two or more words ("robert", "vladimir"), once per knowledge
    base: a capitalised word opening a sentence is read as a given name only if it is one of these."""
    return frozenset(k[0] for k in (phrase_key(e.name) for e in kb.entries if e.kind == "person") if len(k) > 1)


# short codes the people files use for organisations whose usual acronym differs
ORG_SHORT_CODES = {"UNO": "UN", "WBK": "WB"}


def build_kb(extra_files: Iterable[str] = (), data_dir: Path | str = DATA_DIR) -> ActorKB:
    """Build a fresh knowledge base (no cache): built-in data, then ``extra_files``."""
    data_dir = Path(data_dir)
    kb = ActorKB()
    load_sectors(kb, str(data_dir / "sectors.yaml"))
    load_states(kb, str(data_dir / "states.yaml"))
    load_organisations(kb, str(data_dir / "organisations.yaml"))
    if (data_dir / "stand_ins.yaml").exists():
        load_stand_ins(kb, str(data_dir / "stand_ins.yaml"))
    if (data_dir / "places.yaml").exists():
        load_organisations(kb, str(data_dir / "places.yaml"))
    for path in sorted(glob.glob(str(data_dir / "people" / "*.yaml")) + glob.glob(str(data_dir / "people" / "*.yml"))):
        load_people(kb, path)
    link_organisation_people(kb)
    kb.files.append(str(data_dir))
    for path in extra_files:
        load_file(kb, str(path))
    date_surnames(kb)
    return kb


CACHE_VERSION = "actors-kb-8"


def _fingerprint(extra: tuple[tuple[str, float], ...]) -> str:
    parts = [CACHE_VERSION, str(DATA_DIR)]
    code_dir = Path(__file__).resolve().parent
    for f in sorted(glob.glob(str(DATA_DIR / "**" / "*.y*ml"), recursive=True)) + \
            sorted(glob.glob(str(code_dir / "*.py"))):
        st = os.stat(f)
        parts.append(f"{f}:{st.st_mtime_ns}:{st.st_size}")
    for p, mtime in extra:
        parts.append(f"{os.path.abspath(p)}:{mtime}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


@functools.lru_cache(maxsize=8)
def _cached(extra: tuple[tuple[str, float], ...]) -> ActorKB:
    """Build, or read the compiled index from the disk cache (``$DETENTE_CACHE``, ~/.cache/detente)."""
    path = cache_dir() / f"{_fingerprint(extra)}.pickle"
    cached = load_pickle(path)
    if isinstance(cached, ActorKB):
        SECTOR_CODES.update(cached.sectors)
        return cached
    kb = build_kb([p for p, _ in extra])

    kb.cities = build_city_map(kb)  # part of the compiled index
    save_pickle(path, kb)
    return kb


def load_kb(extra_files: Iterable[str] = ()) -> ActorKB:
    """The knowledge base with ``extra_files`` on top; cached per file set (and their mtimes)."""
    files = []
    for p in extra_files:
        try:
            files.append((str(p), os.path.getmtime(p)))
        except OSError:
            raise KnowledgeError("E341", str(p), "actor file not found") from None
    return _cached(tuple(files))
