"""Noun-phrase rules: which actor a noun phrase names, one named rule per construction.

Contract: ``resolve_phrase(da, i, allow_coref) -> (actors, why, rule)`` for the phrase headed by
token ``i`` of the document :class:`~detente.actors.resolve.DocActors` ``da`` holds. The rules are
tried in order (:data:`NP_RULES`); the first that answers decides, and its name is kept beside the
reason (:meth:`DocActors.explain` shows both). A rule is a function ``(da, phrase) -> Resolution |
None`` whose docstring gives the construction it reads; ``None`` passes to the next rule. A few
rules only refine what later rules read (the phrase's sector noun) and always pass.

A phrase whose head is a name the knowledge base knows is decided by :data:`NAME_RULES` (which
qualify the name: "Rwanda's Senate", "talks in Beijing", "millions of U.S. dollars"), the name
itself when none applies.

To add a construction: write one rule with its example as docstring, put it where it must be tried
(before the rules it overrides), and add a construction test in ``tests/test_actors_resolve.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..records import Actor
from .compose import FORMER, compose

if TYPE_CHECKING:
    from .resolve import DocActors, Mention

Resolution = tuple[list[Actor], str]

# sectors whose "X in Country" names a body of that country (a court in Guyana); armed ones do not
IN_SECTORS = {"JUD", "COP", "GOV", "LEG", "CVL", "EDU", "BUS", "MED", "REL", "OPP", "LAB", "HLH"}
# relational nouns whose nationality modifier may be their own ("a Chinese partner")
_MEMBERS = frozenset({"partner", "partners"})


def _copy(a: Actor, text: str | None = None) -> Actor:
    return Actor(a.text if text is None else text, a.code, a.country, a.sector, a.name, a.kind, a.role)


@dataclass
class Phrase:
    """The noun phrase headed by token ``i``, as the rules read it (computed once, when first read)."""

    da: DocActors
    i: int
    allow_coref: bool
    head_m: Mention | None = field(default=None)

    def resolve(self, k: int) -> Resolution:
        """Another phrase of the same document (an apposition, an ``of`` object), with the same look-back."""
        return self.da.resolve(k, self.allow_coref)

    @cached_property
    def np(self) -> list[int]:
        return self.da._np_tokens(self.i)

    @cached_property
    def former(self) -> bool:
        lower = self.da._lower
        return any(lower[k] in FORMER or lower[k].startswith("ex-") for k in self.np)

    @cached_property
    def text(self) -> str:
        return self.da._span_text(self.np[0], self.np[-1] + 1)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Words up to the head, without determiners, names and possessors."""
        return self.da._np_words(self.np, self.i)

    @cached_property
    def sector(self) -> str | None:
        """The sector noun the words spell ("state media" -> MED); refined by the sector rules."""
        return self.da.kb.sector_for(self.words)[0] if self.words else None

    @cached_property
    def base(self) -> Actor | None:
        """The actor a modifier names: adjective, possessor, compound ("Beijing's", "US")."""
        return self.da._modifier_base(self.np)

    @cached_property
    def by_poss(self) -> bool:
        return any(self.da._dep[k] == "poss" for k in self.np if k < self.i)

    @cached_property
    def by_modifier(self) -> bool:
        da = self.da
        return any(da._mention(k) is not None and da._dep[k] in ("compound", "amod", "nmod")
                   for k in self.np if k < self.i)

    def compose(self, base: Actor | None, sector: str | None, text: str | None = None) -> Actor | None:
        return compose(base, sector, self.text if text is None else text, self.former)


Rule = Callable[["DocActors", Phrase], "Resolution | None"]
NameRule = Callable[["DocActors", Phrase, Actor], "Resolution | None"]


# ----------------------------------------------------------------------------- before the phrase
def pronoun(da: DocActors, p: Phrase) -> Resolution | None:
    """ "he said", "its army": the last compatible actor named before (only with look-back)."""
    if da._is_pronoun(p.i):
        return da._pronoun(p.i) if p.allow_coref else ([], "pronoun")
    return None


def quantity_of(da: DocActors, p: Phrase) -> Resolution | None:
    """ "thousands of Egyptian demonstrators", "a group of Moroccan diplomats": the ``of`` object."""
    i, dep, lower = p.i, da._dep, da._lower
    if lower[i] not in da.kb.quantity_heads:
        return None
    for prep in da._children[i]:
        if dep[prep] == "prep" and lower[prep] == "of":
            for pobj in da._children[prep]:
                if dep[pobj] == "pobj":
                    got, why = p.resolve(pobj)
                    if got:
                        return got, f"'{da._text[i]} of ...': {why}"
    return None


def name_at_head(da: DocActors, p: Phrase) -> Resolution | None:
    """ "Russia", "Sergei Lavrov", "the Kremlin": a name at the head, qualified by :data:`NAME_RULES`."""
    m = p.head_m = da._mention(p.i)
    if m is None or m.actor is None:
        return None
    a = _copy(m.actor, m.text)
    if p.former and a.kind == "person" and a.country and len(a.country) == 3:
        a.code, a.sector, a.role = f"{a.country}ELI", "ELI", None  # "former president X": an elite
    for rule in NAME_RULES:
        got = rule(da, p, a)
        if got is not None:
            return got
    return [a], m.why


# ----------------------------------------------------------------------------- a name at the head
def seat_of_modifier(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "Rwanda's Senate": a seat name that other states' institutions share, owned by its modifier."""
    m = p.head_m
    assert m is not None
    if m.form != "seat" or da._locative(p.i):
        return None
    base = da._modifier_base(p.np, exclude=m)
    if base is not None and base.kind == "state" and base.country and base.country != a.country:
        comp = p.compose(base, a.sector)
        if comp is not None:
            return [comp], m.why + f"; the institution of its modifier '{base.text}'"
    return None


def currency(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "millions of U.S. dollars", "Russian roubles": money, not the state."""
    i, h = p.i, da._head[p.i]
    if da._dep[i] in ("compound", "nmod", "amod") and h != i and da._lemma[h].lower() in da.kb.currencies:
        return [], p.head_m.why + f"; it names the {da._text[h]}, not an actor"  # type: ignore[union-attr]
    return None


def geographic_feature(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "the Korean Peninsula", "the Strait of Hormuz": a sea, strait or other feature a name modifies."""
    i, h, dep = p.i, da._head[p.i], da._dep
    why = p.head_m.why  # type: ignore[union-attr]
    features = da.kb.geographic_features
    if h != i and da._text[h][:1].isupper() and da._lemma[h].lower() in features \
            and dep[i] in ("compound", "amod", "nmod"):
        return [], why + f"; it names the {da._text[h]}, not an actor"
    if h != i and dep[i] == "pobj" and da._lower[h] == "of" and da._head[h] != h \
            and da._text[da._head[h]][:1].isupper() and da._lemma[da._head[h]].lower() in features:
        return [], why + f"; it names the {da._text[da._head[h]]} of ..., not an actor"
    return None


def city_names_document(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "the Paris accord", "the Minsk agreement": the city only names the document."""
    m, i = p.head_m, p.i
    assert m is not None
    if m.form == "seat" and da._dep[i] == "compound" and da._head[i] != i \
            and da._lemma[da._head[i]].lower() in da.kb.named_after_place:
        return [], m.why + f"; it names the {da._text[da._head[i]]}, not an actor"
    return None


def seat_as_place(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "talks in Beijing": after a locative preposition the capital is a place: the country."""
    m = p.head_m
    assert m is not None
    if m.form == "seat" and da._locative(p.i) and a.country and len(a.country) == 3:
        a.code, a.sector = a.country, None
        return [a], m.why + f"; after '{da._text[da._head[p.i]]}' it is a place: the country"
    return None


def title_before_name(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "Prime Minister X" -> XXXGOV: a person the dictionary gives only a country; the title says the rest."""
    m = p.head_m
    assert m is not None
    if a.kind in ("person", "state") and m.form == "name" and not a.sector and a.country and a.code == a.country:
        sector = da._title_sector(p.np, m)
        if sector:
            comp = p.compose(a, sector, a.text)
            if comp is not None:
                comp.kind, comp.name = "person", a.name
                return [comp], m.why + f"; the title before the name gives {sector}"
    return None


def unknown_organisation(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "Russia's Black Sea Fleet" -> RUSMIL, "the opposition newspaper La Prensa" -> OPP: an unknown
    organisation named for what it is, owned by a state."""
    m = p.head_m
    assert m is not None
    if a.kind != "unknown" or m.label != "ORG":
        return None
    sector = da.kb.sector_for(tuple(da._lemma[k].lower() for k in range(m.start, p.i + 1)))[0] \
        or da._title_sector(p.np, m)
    base = da._modifier_base(p.np, exclude=m)
    if sector and base is None:
        return [p.compose(None, sector, a.text) or a], m.why + f"; described as {sector}"
    if sector and base is not None and base.kind == "state":
        comp = p.compose(base, sector, a.text)
        if comp is not None:
            return [comp], m.why + f"; '{da._text[p.i]}' of {base.text}: {sector}"
    return None


def unknown_person(da: DocActors, p: Phrase, a: Actor) -> Resolution | None:
    """ "Egyptian activist X", "X, Algeria's leading human rights activist": an unknown person placed by
    the words before the name, else by a descriptive apposition."""
    m = p.head_m
    assert m is not None
    if a.kind != "unknown" or m.label != "PERSON":
        return None
    base = da._modifier_base(p.np, exclude=m)
    sector = da._title_sector(p.np, m)
    if base is not None or sector:
        comp = p.compose(base, sector, a.text)
        if comp is not None:
            comp.kind, comp.name = "person", a.name
            return [comp], m.why + "; country/sector from the words before the name"
    for c in da._children[p.i]:
        if da._dep[c] == "appos" and da._pos[c] == "NOUN":  # a description, not a name (a list member)
            got, why = p.resolve(c)
            if got and got[0].country and got[0].kind != "person":
                comp = _copy(got[0], a.text)
                comp.kind, comp.name = "person", a.name
                return [comp], m.why + f"; from its apposition: {why}"
    return None


NAME_RULES: tuple[NameRule, ...] = (
    seat_of_modifier, currency, geographic_feature, city_names_document, seat_as_place, title_before_name,
    unknown_organisation, unknown_person,
)


# ----------------------------------------------------------------------------- no name at the head
def two_countries(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the two countries", "both sides": the last two countries named before (only with look-back)."""
    return da._pair(p.i, p.np) if p.allow_coref else None


def named_feature(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the Black Sea", "the Gulf": a capitalised geographic feature is a place, not an actor."""
    if da._text[p.i][:1].isupper() and da._lemma[p.i].lower() in da.kb.geographic_features:
        return [], f"'{p.text}' names a sea, strait or other feature, not an actor"
    return None


def led_by_modifier(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the Saudi-led coalition", "a French-led force", "the US-led war": the leader acts."""
    for k in p.np:
        if k < p.i and da._lemma[k].lower() == "lead" and da._tag[k] == "VBN" and da._head[k] == p.i:
            leader = da._modifier_base([c for c in da._children[k] if c < k] or [k])
            if leader is not None:
                comp = p.compose(leader, p.sector)
                if comp is not None:
                    return [comp], f"'{da._text[k]}' by {leader.text}: the leader acts"
    return None


def led_by_agent(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the coalition, led by Saudi Arabia, ...": the agent of ``led`` acts."""
    dep = da._dep
    for k in da._children[p.i]:
        if dep[k] == "acl" and da._lemma[k].lower() == "lead" and da._tag[k] == "VBN":
            for agent in da._children[k]:
                if dep[agent] == "agent":
                    for pobj in da._children[agent]:
                        got, why = p.resolve(pobj) if dep[pobj] == "pobj" else ([], "")
                        if got and got[0].country:
                            comp = p.compose(got[0], p.sector)
                            if comp is not None:
                                return [comp], f"led by {da._text[pobj]}: {why}"
    return None


def sector_adjective(da: DocActors, p: Phrase) -> Resolution | None:
    """ "military sources" (MIL), not "military cooperation": a sector adjective on a noun that stands in
    for its people refines the sector (always passes)."""
    if p.sector is None and da._stands_in(p.i):
        mods = da.kb.sector_modifiers
        for k in p.np:
            if k != p.i and da._dep[k] == "amod" and da._lower[k] in mods and da._mention_at[k] is None:
                p.sector = mods[da._lower[k]]
    return None


def sector_over_of(da: DocActors, p: Phrase) -> Resolution | None:
    """ "head of state", "minister of foreign affairs": a sector noun running over ``of`` (always passes)."""
    if p.sector is None:
        p.sector = da._of_sector(p.i, p.words)
    return None


def relation_of_modifier(da: DocActors, p: Phrase) -> Resolution | None:
    """ "US allies", "Syria's ally": a relation of a state is not that state ("Chinese partners" may be
    Chinese); its apposition may name it."""
    base, relation = p.base, da._lemma[p.i].lower()
    if base is None or p.sector is not None or relation not in da.kb.relational_nouns:
        return None
    if not ((p.by_poss and not p.by_modifier) or (p.by_modifier and not p.by_poss and relation not in _MEMBERS)):
        return None
    for c in da._children[p.i]:
        if da._dep[c] == "appos":
            got, why = p.resolve(c)
            if got:
                return got, f"apposition of '{da._text[p.i]}': {why}"
    return [], f"'{p.text}' is a relation of {base.text}, not {base.text} itself"


def owner_compound(da: DocActors, p: Phrase) -> Resolution | None:
    """ "Israeli army bulldozers", "Iranian police vans": a sector noun as the compound owns the thing."""
    base = p.base
    if base is None or p.sector is not None or da._stands_in(p.i):
        return None
    for k in p.np:
        if da._dep[k] == "compound" and da._head[k] == p.i and da._mention_at[k] is None:
            owner = da.kb.sector_for((da._lemma[k].lower(),))[0]
            if owner:
                comp = p.compose(base, owner)
                if comp is not None:
                    return [comp], f"modifier '{base.text}' ({base.country}) + '{da._text[k]}' -> {owner}"
    return None


def not_an_actor_noun(da: DocActors, p: Phrase) -> Resolution | None:
    """ "Russian exports", "Chinese investment": a state's modifier on a noun that is no actor."""
    base = p.base
    if base is not None and p.sector is None and not da._stands_in(p.i):
        return [], f"'{da._text[p.i]}' is not an actor noun ('{base.text}' only modifies it)"
    return None


def population_living_in(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the Albanian population of the province", "the Russian minority in Estonia": an ethnic adjective on
    a population living in another state's territory; the state counts."""
    base, sector = p.base, p.sector
    if base is None or sector not in ("CVL", "REF") or not p.by_modifier or p.by_poss:
        return None
    dep = da._dep
    for prep in da._children[p.i]:
        if dep[prep] == "prep" and da._lower[prep] in ("of", "in"):
            for pobj in da._children[prep]:
                got, _ = p.resolve(pobj) if dep[pobj] == "pobj" else ([], "")
                if got and got[0].kind in ("state", "place") and got[0].country \
                        and got[0].country != base.country and not got[0].sector:
                    comp = p.compose(got[0], sector)
                    if comp is not None:
                        return [comp], f"'{base.text}' people living in {da._text[pobj]}: {got[0].country} + {sector}"
    return None


def modifier_and_sector(da: DocActors, p: Phrase) -> Resolution | None:
    """ "Chinese state media" -> CHNMED, "Russia's foreign ministry" -> RUSGOV: modifier + sector noun."""
    base = p.base
    if base is None:
        return None
    comp = p.compose(base, p.sector)
    if comp is None:
        return None
    return [comp], f"modifier '{base.text}' ({base.country})" + (
        f" + sector noun -> {p.sector}" if p.sector else "")


def shared_conjunct_modifier(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the Danish media and government": a bare conjunct shares the first conjunct's modifiers."""
    i, dep, sector = p.i, da._dep, p.sector
    if sector is None or p.np != [i] or dep[i] != "conj":
        return None
    first = i
    while dep[first] == "conj" and da._head[first] != first:
        first = da._head[first]
    if first < i and da._mention(first) is None:
        shared = da._modifier_base(da._np_tokens(first))
        if shared is not None:
            comp = p.compose(shared, sector)
            if comp is not None:
                return [comp], (f"modifier '{shared.text}' of '{da._text[first]}' shared by the "
                                f"coordination + sector noun -> {sector}")
    return None


def sector_of_name(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the foreign minister of Iran", "officials from Japan", "a court in Guyana": sector of/from/in Name."""
    sector, dep, lower = p.sector, da._dep, da._lower
    if sector is None:
        return None
    for prep in da._children[p.i]:
        if dep[prep] != "prep":
            continue
        if lower[prep] in ("of", "from") or (lower[prep] == "in" and sector in IN_SECTORS):
            for pobj in da._children[prep]:
                if dep[pobj] == "pobj":
                    got, _ = p.resolve(pobj)
                    if got and got[0].country:
                        comp = p.compose(got[0], sector)
                        if comp is not None:
                            return [comp], f"'{da._text[prep]} {da._text[pobj]}' gives {got[0].country} + {sector}"
    return None


def apposition(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the spokesman, a Foreign Ministry official": a bare common noun placed by its apposition."""
    for c in da._children[p.i]:
        if da._dep[c] == "appos":
            got, why = p.resolve(c)
            if got and (got[0].country or got[0].code):
                return got, f"apposition: {why}"
    return None


def definite_description(da: DocActors, p: Phrase) -> Resolution | None:
    """ "the ministry", "the rebels": a definite sector noun looks back for the last actor of that sector;
    a sector noun found nowhere is the sector alone ("protesters" -> ---OPP). Decides every sector noun."""
    sector = p.sector
    if sector is None:
        return None
    if da._is_definite(p.np, p.i):
        if p.allow_coref:
            found = da._lookback(p.np[0], sector)  # an antecedent before the phrase, not inside it
            if found is not None:
                return [_copy(found, p.text)], f"definite description '{p.text}' -> earlier {found.text}"
        else:
            return [], "definite description (needs look-back)"
    comp = p.compose(None, sector)
    return ([comp] if comp else []), f"sector noun only ({sector}), no country"


def unknown_entity_inside(da: DocActors, p: Phrase) -> Resolution | None:
    """ "a spokesman for Acme Corp": an entity the knowledge base does not know, inside the phrase."""
    for k in p.np:
        m = da._mention(k)
        if m is not None and m.actor is not None and m.label:
            return [_copy(m.actor)], m.why
    return None


NP_RULES: tuple[Rule, ...] = (
    pronoun, quantity_of, name_at_head, two_countries, named_feature, led_by_modifier, led_by_agent,
    sector_adjective, sector_over_of, relation_of_modifier, owner_compound, not_an_actor_noun,
    population_living_in, modifier_and_sector, shared_conjunct_modifier, sector_of_name, apposition,
    definite_description, unknown_entity_inside,
)


def resolve_phrase(da: DocActors, i: int, allow_coref: bool) -> tuple[list[Actor], str, str]:
    """The actors the phrase headed by token ``i`` names, why, and the name of the rule that decided."""
    phrase = Phrase(da, i, allow_coref)
    for rule in NP_RULES:
        got = rule(da, phrase)
        if got is not None:
            return got[0], got[1], rule.__name__
    return [], "no name, demonym or sector noun in the phrase", "none"
