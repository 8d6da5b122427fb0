"""The actor knowledge base as data: entries, their date-bounded codes, the phrase index.

:class:`ActorKB` is what the loaders of :mod:`.kb` fill (states, organisations, people, sectors,
PETRARCH dictionaries) and what the resolver reads; ``ActorKB.lookup(text, date)`` names the actors
a phrase stands for (:func:`detente.actors.compose.compose_words`).
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..records import Actor
from .compose import compose_words
from .words import is_acronym, phrase_key

KINDS = ("state", "igo", "person", "group", "sector", "unknown", "region")
# PETRARCH codes that mean "not an actor" (discard / unknown markers).
NULL_CODES = {"---", "+++", "###", ""}


def _plurals(word: str) -> list[str]:
    if word.endswith(("s", "x", "ch", "sh")):
        return [word + "es"] if not word.endswith("s") else []
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    if word.endswith("man"):
        return [word[:-3] + "men"]
    return [word + "s"]


def _days(iso: str) -> int:
    """Day number of an ISO date ("1987-03-11"); a partial one counts from its first day."""
    try:
        return _dt.date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return _dt.date(int(iso[:4]), 1, 1).toordinal()


# ---------------------------------------------------------------- entries
@dataclass(frozen=True)
class Period:
    """A date-bounded code: valid from ``start`` (inclusive) to ``end`` (exclusive); None = open."""

    code: str | None
    role: str | None = None
    start: str | None = None
    end: str | None = None
    country: str | None = None  # the dyad code when the role is in an organisation ("UN" for IGOUNO)

    def valid(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date < self.end)


@dataclass
class Entry:
    """One knowledge-base entry; ``form`` says how its phrase was listed."""

    name: str
    code: str | None
    country: str | None
    sector: str | None
    kind: str
    source: str
    roles: tuple[Period, ...] = ()
    context: tuple[str, ...] = ()  # words that, present in the document, make this reading likely
    context_required: bool = False
    order: int = 0  # data order: earlier = preferred among equals
    default: bool = True  # whether `code` applies outside every role (PETRARCH entries w/o default: False)
    iso3: str | None = None  # states: the ISO 3166 code (CAMEO differs in places)
    imported: bool = False  # from a PETRARCH dictionary (which redefines the phrases it lists)
    # a historical state and its seats: the state existed from ``since`` (inclusive) to ``until``
    # (exclusive); ``successors`` inherit it, the first is the main one (how the news gold codes it)
    since: str | None = None
    until: str | None = None
    successors: tuple[str, ...] = ()
    strict: bool = False  # its names name it only within its period ("Serbia and Montenegro")
    homes: tuple[str, ...] = ()  # a people ("Kurds"): the states it lives in, where a mention places it

    def in_period(self, date: str | None) -> bool:
        """Whether the entry's state existed on ``date`` (no date: today, so an ended state did not)."""
        if date is None:
            return self.until is None
        return (self.since is None or self.since <= date) and (self.until is None or date < self.until)

    def ended(self, date: str | None) -> bool:
        """A historical state that had ended by ``date`` (no date: today)."""
        return self.until is not None and (date is None or date >= self.until)

    def resolve(self, date: str | None) -> tuple[str | None, str | None, str | None, Period | None]:
        """(code, sector, role, period) on ``date``."""
        if not self.roles:
            return self.code, self.sector, None, None
        valid = [p for p in self.roles if p.valid(date)] if date else [p for p in self.roles if p.end is None]
        if valid:
            p = max(valid, key=lambda p: p.start or "")
            return p.code, sector_of(p.code, self.country), p.role, p
        if self.kind == "person" and not self.default:
            if self.code and self.code.startswith("IGO"):  # a former official of an organisation
                return self.code, None, None, None
            code = f"{self.country}ELI" if self.country and len(self.country) == 3 else self.country
            return code, "ELI", None, None
        return self.code, self.sector, None, None

    def role_distance(self, date: str | None) -> int:
        """Days from ``date`` to the nearest of the entry's roles (0: a role holds on the date, or no date or
        no dated role); ranks people who share a surname when none holds a role on the date."""
        if not date or not self.roles:
            return 0
        best = None
        for p in self.roles:
            if p.valid(date):
                return 0
            edge = p.start if p.start is not None and date < p.start else p.end
            if edge is None:
                continue
            days = abs(_days(edge) - _days(date))
            best = days if best is None else min(best, days)
        return best or 0

    def actor(self, text: str, date: str | None) -> Actor:
        code, sector, role, period = self.resolve(date)
        if code is None:
            return Actor(text=text, code=None, country=None, sector=None, name=self.name, kind="unknown")
        country = (period.country if period else None) or self.country or country_of_code(code)
        return Actor(text=text, code=code, country=country, sector=sector, name=self.name, kind=self.kind, role=role)


# A hit: an entry plus how the phrase relates to it: "name", "adjective", "demonym", "seat".
@dataclass(frozen=True)
class Hit:
    entry: Entry
    form: str
    acronym: bool  # the alias is all capitals: the document text must be too
    # a person's bare surname ("Stoltenberg") names them only from ``since`` to ``until`` (their roles with
    # margins, :func:`detente.actors.kb.date_surnames`); ``implicit``: not listed, the last word of the name,
    # offered only where another person lists it, and only on a date
    since: str | None = None
    until: str | None = None
    implicit: bool = False

    @property
    def dated(self) -> bool:
        """Whether the reading depends on the date (a surname's window)."""
        return self.implicit or self.since is not None or self.until is not None

    def in_window(self, date: str | None) -> bool:
        """Whether the phrase can name the entry on ``date``; no date: every listed alias, no implicit one."""
        if date is None:
            return not self.implicit
        return (self.since is None or self.since <= date) and (self.until is None or date < self.until)


SECTOR_CODES: set[str] = set()


def sector_of(code: str | None, country: str | None) -> str | None:
    if not code:
        return None
    if code in SECTOR_CODES:  # a bare sector: "ELI", "GOV"
        return code
    if country and code.startswith(country) and len(code) > len(country):
        return code[len(country):][:3] or None
    rest = code[3:6]
    return rest if rest in SECTOR_CODES else None


PRIMARY_TYPES = {"IGO", "NGO", "NGM", "IMG", "MNC"}  # CAMEO types that stand first in a code


def country_of_code(code: str | None) -> str | None:
    """The first three letters, unless they are a sector ("ELI", "GOV": no country)."""
    if not code or len(code) < 3:
        return None
    head = code[:3]
    if head in SECTOR_CODES and head not in PRIMARY_TYPES:
        return None
    return head


@dataclass
class SectorInfo:
    code: str
    label: str
    source: str


@dataclass
class ActorKB:
    """The phrase index over every entry, and the sector-noun index."""

    index: dict[tuple[str, ...], list[Hit]] = field(default_factory=dict)
    prefixes: set[tuple[str, ...]] = field(default_factory=set)
    sector_nouns: dict[tuple[str, ...], str] = field(default_factory=dict)
    sector_modifiers: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, SectorInfo] = field(default_factory=dict)
    stems: dict[str, list[Hit]] = field(default_factory=dict)  # PETRARCH single-word stems
    stem_lengths: set[int] = field(default_factory=set)
    entries: list[Entry] = field(default_factory=list)
    states: dict[str, Entry] = field(default_factory=dict)  # code -> state entry
    files: list[str] = field(default_factory=list)
    max_len: int = 1
    cities: dict[tuple[str, ...], str] | None = None  # city name -> CAMEO country (built on first use)
    stand_ins: set[str] = field(default_factory=set)  # nouns that stand for their modifier's country
    quantity_heads: set[str] = field(default_factory=set)  # "thousands of X", "a group of X": X is the actor
    relational_nouns: set[str] = field(default_factory=set)  # "X's ally" is not X
    named_after_place: set[str] = field(default_factory=set)  # "the Paris accord": Paris is no actor
    currencies: set[str] = field(default_factory=set)  # "U.S. dollars": money, not the state
    # "the South China Sea", "the Sea of Japan": a state inside the name of a sea names no actor
    geographic_features: set[str] = field(default_factory=set)

    # ------------------------------------------------------------ building
    def add(self, entry: Entry, phrases: Iterable[tuple[str, str]]) -> None:
        """Index ``entry`` under each (phrase, form)."""
        entry.order = len(self.entries)
        self.entries.append(entry)
        if entry.kind == "state" and entry.code and entry.code not in self.states:
            self.states[entry.code] = entry
        for text, form in phrases:
            key = phrase_key(text)
            if not key:
                continue
            hit = Hit(entry, form, is_acronym(text))
            bucket = self.index.setdefault(key, [])
            if any(h.entry is entry and h.form == form for h in bucket):
                continue
            bucket.append(hit)
            self.max_len = max(self.max_len, len(key))
            for i in range(1, len(key)):
                self.prefixes.add(key[:i])

    def add_stem(self, entry: Entry, stem: str) -> None:
        key = phrase_key(stem)
        if len(key) != 1 or len(key[0]) < 4:
            return
        self.stems.setdefault(key[0], []).append(Hit(entry, "name", False))
        self.stem_lengths.add(len(key[0]))

    def add_sector_noun(self, phrase: str, code: str, plural: bool = True, override: bool = False) -> None:
        """Index a sector noun phrase (and its regular plural); ``override`` replaces an earlier one."""
        key = phrase_key(phrase)
        if not key:
            return
        keys = [key] + ([(*key[:-1], form) for form in _plurals(key[-1])] if plural else [])
        for k in keys:
            if override:
                self.sector_nouns[k] = code
            else:
                self.sector_nouns.setdefault(k, code)

    # ------------------------------------------------------------ querying
    def hits(self, key: tuple[str, ...]) -> list[Hit]:
        found = self.index.get(key)
        if found:
            return found
        if len(key) == 1 and self.stems:
            w = key[0]
            for n in sorted(self.stem_lengths, reverse=True):
                if n < len(w) and w[:n] in self.stems:
                    return self.stems[w[:n]]
        return []

    def sector_for(self, words: tuple[str, ...]) -> tuple[str | None, int]:
        """Longest sector phrase ending at the last word: (code, number of words)."""
        for n in range(min(len(words), 5), 0, -1):
            code = self.sector_nouns.get(words[-n:])
            if code:
                return code, n
        return None, 0

    def lookup(self, text: str, date: str | None = None) -> list[Actor]:
        """Actors named by ``text`` (best first): a name, or modifier + sector ("Russian troops")."""
        return compose_words(self, text, date)

    def stats(self) -> dict[str, Any]:
        kinds = Counter(e.kind for e in self.entries)
        return {
            "entries": len(self.entries),
            "states": sum(1 for e in self.entries if e.kind == "state" and e.sector is None),
            "seats_of_power": sum(1 for e in self.entries if e.kind == "state" and e.sector is not None),
            "igos": kinds.get("igo", 0),
            "groups": kinds.get("group", 0),
            "regions": kinds.get("region", 0),
            "people": kinds.get("person", 0),
            "people_with_roles": sum(1 for e in self.entries if e.kind == "person" and e.roles),
            "phrases": len(self.index),
            "sectors": len(self.sectors),
            "sector_nouns": len(self.sector_nouns),
            "stems": len(self.stems),
            "cities": len(self.cities or ()),
            "files": list(self.files),
        }
