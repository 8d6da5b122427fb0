"""Linguistic cues as data: ``data/coder/cues.yaml`` -> :class:`Cues` (validated frozensets); the governor
classes of ``complements.yaml``; the word-sense checks of violent codes, ``word_sense.yaml`` -> :class:`WordSense`."""

from __future__ import annotations

import functools
from dataclasses import MISSING, dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import KnowledgeError


@dataclass(frozen=True)
class Cues:
    speech_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    attribution_preps: frozenset[str]
    denial_verbs: frozenset[str]
    denial_frames: frozenset[str]
    negators: frozenset[str]
    refusal_verbs: frozenset[str]
    failure_verbs: frozenset[str]
    avoidance_adjectives: frozenset[str]
    condition_marks: frozenset[str]
    hypothetical_modals: frozenset[str]
    hypothetical_verbs: frozenset[str]
    intention_verbs: frozenset[str]
    future_markers: frozenset[str]
    belief_words: frozenset[str]
    uncommitted_verbs: frozenset[str]
    demand_modals: frozenset[str]
    appeal_modals: frozenset[str]
    obligation_verbs: frozenset[str]
    demand_speech_verbs: frozenset[str]
    demand_speech_nouns: frozenset[str]
    light_verbs: frozenset[str]
    reciprocal_codes: tuple[str, ...]
    # passive forms that describe their subject's own activity ("forces *were engaged* in ethnic
    # cleansing", "officials *involved* in the talks"): the passive subject acts
    stative_passives: frozenset[str] = frozenset()
    # governors whose composed act is mutual whatever the complement: "the government and the rebels
    # *agreed* to allow access" is an agreement between them
    reciprocal_governors: frozenset[str] = frozenset()
    # words that make an unspecified intent (030) mutual: "A and B pledged to deepen *cooperation*"
    mutual_words: frozenset[str] = frozenset()
    # nouns of edges between places: inside the object, after on/along/near/at, a fallback phrase headed
    # by one is where, not whom ("captured a stronghold *on the Thai border*")
    place_nouns: frozenset[str] = frozenset()
    # verbs of phase a governor reaches its act through: "prepared to *resume* shelling"
    aspectual_verbs: frozenset[str] = frozenset()
    # CAMEO 145 "protest violently, riot": these acts (code prefixes) by these sources are a riot
    riot_codes: tuple[str, ...] = ()
    riot_sources: frozenset[str] = frozenset()
    # acts (code prefixes) that, when their own arguments name no target, take the one other party the
    # sentence names ("responded to Trump, saying ...")
    sentence_target_codes: tuple[str, ...] = ()
    # acts that are the target's as much as the source's ("A met B" is B's meeting with A too): coded in
    # both directions, marked symmetric
    mutual_codes: tuple[str, ...] = ()
    # verbs whose complement (a clause, or the object of accusation_preps) is an allegation: modality "alleged"
    accusation_verbs: frozenset[str] = frozenset()
    accusation_preps: frozenset[str] = frozenset()
    # prepositions of a clause's adjunct whose meeting noun with a partner is the clause subject's own:
    # "said *after* talks with Poland's premier", "*in* a phone call with Xi, Trump reaffirmed ..."
    meeting_preps: frozenset[str] = frozenset()
    # the complementiser of an infinitival clause with a subject of its own: "time *for* Japan to open its
    # markets", "called *for* Russia to withdraw": the act is wanted, judged or made possible, not done
    irrealis_marks: frozenset[str] = frozenset()
    # journeys: a motion verb is a visit only by a political traveller (rules.political_traveller)
    travel_verbs: frozenset[str] = frozenset()
    visitor_sectors: frozenset[str] = frozenset()
    military_visitors: frozenset[str] = frozenset()
    # "visitor>host" code pairs: the act seen from its target's side ("A visited B" -> B hosted A, 043)
    converse_codes: tuple[str, ...] = ()
    # acts (code prefixes) that are mutual only with a partner reached through partner_preps: material
    # cooperation flows one way ("sold jets *to* Egypt") unless done *with* someone
    one_way_codes: tuple[str, ...] = ()
    partner_preps: frozenset[str] = frozenset()
    # bare statements (code prefixes): their confidence is capped below the default threshold
    statement_codes: tuple[str, ...] = ()

    def is_reciprocal(self, code: str) -> bool:
        return any(code.startswith(p) for p in self.reciprocal_codes)

    def converse(self, code: str) -> str | None:
        """The code of the act as its target does it ("042" -> "043"), if it has one."""
        for pair in self.converse_codes:
            a, _, b = pair.partition(">")
            if code == a:
                return b
        return None


def parse_cues(data: object, origin: str) -> Cues:
    if not isinstance(data, dict):
        raise KnowledgeError("E261", origin, "expected a mapping of cue lists")
    values: dict[str, Any] = {}
    for f in fields(Cues):
        items = data.get(f.name)
        if items is None and f.default is not MISSING:
            continue  # an optional list a user's file may leave out
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise KnowledgeError("E262", f"{origin}:{f.name}", "expected a list of non-empty strings")
        cleaned = [i.strip().lower() for i in items]
        values[f.name] = tuple(cleaned) if f.name.endswith("_codes") else frozenset(cleaned)
    unknown = set(data) - {f.name for f in fields(Cues)}
    if unknown:
        raise KnowledgeError("E263", origin, f"unknown cue list(s): {', '.join(sorted(unknown))}")
    return Cues(**values)


def _read_yaml(path: str | None, builtin: str) -> tuple[object, str]:
    """(data, origin) of a user file, or of the built-in ``data/coder/<builtin>``."""
    origin = path or builtin
    try:
        if path:
            text = Path(path).read_text(encoding="utf-8")
        else:
            text = (resources.files("detente") / "data" / "coder" / builtin).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError("E260", origin, f"not valid YAML (not UTF-8: {exc.reason} at byte {exc.start})") from None
    try:
        return yaml.safe_load(text), origin
    except yaml.YAMLError as exc:  # one line: the file's line and the problem, as the actor files say it
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise KnowledgeError("E260", where, f"not valid YAML ({getattr(exc, 'problem', None) or exc})") from None


@functools.lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> Cues:
    """The built-in cues, or a user file with the same keys."""
    return parse_cues(*_read_yaml(path, "cues.yaml"))


@dataclass(frozen=True)
class ComplementClass:
    """A class of governors ("agree", "threaten", "urge", "demand") and how they recode their complement."""

    name: str
    governors: frozenset[str]
    target: str  # complement | addressee
    default: str
    codes: dict[str, str]
    # governors of other classes whose conflict complement is this class's act instead:
    # "vowed to wage war on X" is a threat (138), not an intent to cooperate (03)
    takes_over: frozenset[str] = frozenset()
    # governors that belong to the class only when the complement has a subject of its own, the
    # addressee: "wants *Putin* to attack" is an appeal to Putin, "wants to attack" is not
    addressed_only: frozenset[str] = frozenset()

    def code_for(self, inner: str) -> str:
        for n in range(len(inner), 1, -1):
            hit = self.codes.get(inner[:n])
            if hit is not None:
                return hit
        return self.default


def parse_complements(data: object, origin: str) -> dict[str, ComplementClass]:
    if not isinstance(data, dict):
        raise KnowledgeError("E264", origin, "expected a mapping of complement classes")
    out: dict[str, ComplementClass] = {}
    for name, spec in data.items():
        where = f"{origin}:{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("governors"), list):
            raise KnowledgeError("E265", where, "expected governors, target, default, codes")
        if spec.get("target") not in ("complement", "addressee"):
            raise KnowledgeError("E266", where, "target must be 'complement' or 'addressee'")
        codes = spec.get("codes") or {}
        if not all(isinstance(k, str) and isinstance(v, str) and k.isdigit() and v.isdigit() for k, v in codes.items()):
            raise KnowledgeError("E267", where, "codes must map quoted CAMEO code strings to code strings")
        out[name] = ComplementClass(name=name, governors=frozenset(str(g).lower() for g in spec["governors"]),
                                    target=spec["target"], default=str(spec.get("default") or ""), codes=dict(codes),
                                    takes_over=frozenset(str(g).lower() for g in spec.get("takes_over") or ()),
                                    addressed_only=frozenset(str(g).lower() for g in spec.get("addressed_only") or ()))
    return out


@functools.lru_cache(maxsize=4)
def load_complements(path: str | None = None) -> dict[str, ComplementClass]:
    """Governor classes keyed by name; ``governor_class(lemma)`` finds one by its governor."""
    return parse_complements(*_read_yaml(path, "complements.yaml"))


@dataclass(frozen=True)
class WordSense:
    """When a violent code (CAMEO 18-20) has its literal, physical reading: ``data/coder/word_sense.yaml``.

    Each list is documented in the data file; the rules that read them are in
    :mod:`detente.coding.rules` (``literal_sense``, ``armed_clash``, ``verbal_dispute``).
    """

    violent_codes: tuple[str, ...]
    literal_heads: frozenset[str]
    abstract_objects: frozenset[str]
    physical_objects: frozenset[str]
    animate_objects: frozenset[str]
    quantity_nouns: frozenset[str]
    physical_entities: frozenset[str]
    object_changes_sense: frozenset[str]
    competition_heads: frozenset[str]
    competition_words: frozenset[str]
    competition_verbs: frozenset[str]
    dispute_heads: frozenset[str]
    topic_preps: frozenset[str]
    dispute_code: str  # "" when a verbal dispute codes nothing
    armed_sectors: frozenset[str]
    casualty_words: frozenset[str]
    figurative_modifiers: frozenset[str]
    figurative_nouns: frozenset[str]

    def is_violent(self, code: str) -> bool:
        return code.startswith(self.violent_codes)

    def literal_noun(self, lemma: str) -> bool:
        """A noun a blow can fall on: a person or group, a place, a building, a vehicle."""
        return lemma in self.physical_objects or lemma in self.animate_objects


_UPPER_LISTS = frozenset({"physical_entities", "armed_sectors"})


def parse_word_sense(data: object, origin: str) -> WordSense:
    """Check and freeze the word-sense lists: every key present, lists of strings, a valid dispute code,
    and no word both abstract and physical (it would block and allow the same reading)."""
    if not isinstance(data, dict):
        raise KnowledgeError("E261", origin, "expected a mapping of word-sense lists")
    names = {f.name for f in fields(WordSense)}
    unknown = set(data) - names
    if unknown:
        raise KnowledgeError("E263", origin, f"unknown word-sense list(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name in sorted(names - {"dispute_code"}):
        items = data.get(name)
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise KnowledgeError("E262", f"{origin}:{name}", "expected a list of non-empty strings")
        cleaned = [i.strip().upper() if name in _UPPER_LISTS else i.strip().lower() for i in items]
        if name == "violent_codes" and not all(c.isdigit() for c in cleaned):
            raise KnowledgeError("E262", f"{origin}:{name}", "expected CAMEO code prefixes (quoted digits)")
        values[name] = tuple(cleaned) if name == "violent_codes" else frozenset(cleaned)
    code = data.get("dispute_code")
    if not isinstance(code, str) or not (code.strip().isdigit() or code.strip().lower() == "none"):
        raise KnowledgeError("E262", f"{origin}:dispute_code", "expected a quoted CAMEO code or 'none'")
    values["dispute_code"] = "" if code.strip().lower() == "none" else code.strip()
    both = values["abstract_objects"] & (values["physical_objects"] | values["animate_objects"])
    if both:
        raise KnowledgeError("E262", f"{origin}:abstract_objects",
                             f"listed as abstract and as physical or animate: {', '.join(sorted(both))}")
    return WordSense(**values)


@functools.lru_cache(maxsize=4)
def load_word_sense(path: str | None = None) -> WordSense:
    """The built-in word-sense lists (``data/coder/word_sense.yaml``), or a user file with the same keys."""
    return parse_word_sense(*_read_yaml(path, "word_sense.yaml"))
