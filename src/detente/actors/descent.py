"""Two demonyms naming one people: "Greek-Cypriot", "a Chinese-American businessman", "Turkish Cypriots".

Contract: ``descent_pairs(da)`` runs once over the resolved mentions of a
:class:`~detente.actors.resolve.DocActors` ``da`` and changes them in place. In a pair of state
demonyms or adjectives written together (joined by a hyphen, or by one space) that names people,
the last names the country and the first only the descent: a Greek Cypriot is a Cypriot (CYP), a
Chinese-American an American (USA). The first keeps its text but names no state, so it is no party
of its own (the phrase already takes the last, the modifier nearest its head).

The pair names people when

- the last demonym is the noun itself, plural, after a determiner or in apposition: "Cuban-Americans",
  "a Turkish Cypriot", "Ms Lee, a Korean-American, ...";
- it modifies one person (a name) or one person or body (a singular actor noun, one of sectors.yaml's
  nouns): "Greek-Cypriot President Christodoulides", "a Chinese-American businessman", "the Turkish
  Cypriot leader", "the Greek Cypriot government";
- written with a space, it modifies people (a plural actor noun): "Greek Cypriot leaders".

A hyphenated pair on anything else names two parties and keeps both: "Russian-Chinese talks",
"Israeli-Palestinian negotiators" (a dyad is written with a hyphen); so does a pair opening with a
combining form (``combining_forms`` in resolver_words.yaml: "a Sino-Japanese production") and a pair
inside a longer name ("the Saudi British Bank": a capitalised head that is no person).
"Kosovo-Albanian" is a name and a demonym, not two demonyms: the rule leaves it alone.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from ..records import Actor
from .kb import resolver_words
from .words import HYPHENS

if TYPE_CHECKING:
    from .resolve import DocActors, Mention

# the forms of a state's entry that a demonym pair is made of ("Cypriot", "Americans")
_FORMS = ("adjective", "demonym")
_MODIFIER_DEPS = ("amod", "compound", "nmod")
# "Sino-", "Franco-": a pair opening with one of these names two parties (data/actors/resolver_words.yaml)
COMBINING_FORMS = resolver_words()["combining_forms"]


def descent_pairs(da: DocActors) -> None:
    """ "Greek-Cypriot leaders" -> CYP, not GRC: the first of two demonyms naming one people is their descent."""
    for x, y in pairwise(da._mentions):
        joint = _joined(da, x, y)
        if joint is None or _in_list(da, x, y):
            continue
        why = _people(da, y, joint)
        if why and x.actor is not None:
            x.actor = Actor(text=x.text, code=None, country=None, sector=None, name=x.actor.name, kind="unknown")
            x.why += f"; only the descent of {why}, '{da._span_text(x.start, y.end)}': not a party"


def _state_demonym(m: Mention) -> bool:
    a = m.actor
    return a is not None and a.kind == "state" and bool(a.country) and m.form in _FORMS and m.end - m.start == 1


def _joined(da: DocActors, x: Mention, y: Mention) -> str | None:
    """ "hyphen" or "space" when state demonyms ``x`` and ``y`` of two states are written together, ``x``
    modifying ``y`` or what ``y`` modifies; else None."""
    if not (_state_demonym(x) and _state_demonym(y)) or da._lower[x.start] in COMBINING_FORMS \
            or x.actor.country == y.actor.country:  # type: ignore[union-attr]
        return None
    k, j = x.end - 1, y.start
    if j == x.end and da._ws[k] == " ":
        joint = "space"
    elif j == x.end + 1 and da._text[x.end] in HYPHENS and da._ws[k] == "" and da._ws[x.end] == "":
        joint = "hyphen"
    else:
        return None
    return joint if da._head[k] in (j, da._head[j]) else None


def _in_list(da: DocActors, x: Mention, y: Mention) -> bool:
    """ "Russian-Chinese-Indian": a third demonym hyphenated on either side makes a list of parties."""
    before, after = x.start - 1, y.end
    return (before >= 1 and da._text[before] in HYPHENS and da._mention_at[before - 1] is not None) or \
        (after + 1 < len(da._text) and da._text[after] in HYPHENS and da._mention_at[after + 1] is not None)


def _people(da: DocActors, y: Mention, joint: str) -> str:
    """Whom the pair ending in demonym ``y`` names, "a people" or "one person"; "" for two parties."""
    k = y.end - 1
    h = da._head[k]
    if da._dep[k] not in _MODIFIER_DEPS or h <= k:
        # the demonym is the noun: "Cuban-Americans", "a Greek Cypriot", "..., a Chinese-American,"
        noun = da._tag[k] in ("NNS", "NNPS") or da._dep[k] == "appos" or \
            any(da._dep[c] == "det" for c in da._children[k])
        return "a people" if noun else ""
    while da._dep[h] == "compound" and da._head[h] > h:
        h = da._head[h]
    ent = da._ents_at.get(h)
    if ent is not None and ent.label_ == "PERSON":
        return "one person"  # "Greek-Cypriot President Christodoulides"
    if da._text[h][:1].isupper() and da._tag[h] in ("NNP", "NNPS"):
        return ""  # a word of a name: "the Saudi British Bank", "the Cuban American Foundation"
    if da.kb.sector_for((da._lemma[h].lower(),))[0] is None:
        return ""  # "Russian-Chinese talks", "Sino-Russian cooperation"
    if da._tag[h] in ("NN", "NNP"):
        return "one person or body"  # "a Chinese-American businessman"
    return "a people" if joint == "space" else ""  # "Greek Cypriot leaders"; "Israeli-Palestinian negotiators"
