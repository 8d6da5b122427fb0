"""Ranking ambiguous names and composing modifier + sector actors, shared by lookup and DocActors.

``rank_hits`` orders the readings of one phrase ("Georgia": the state, or the US state) by the
document around it; ``compose`` builds "Russian" + MIL -> RUSMIL; ``compose_words`` is
``ActorKB.lookup``: the same logic over plain words, the head being the last word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..records import Actor
from .words import norm_words, phrase_key

if TYPE_CHECKING:
    from .model import ActorKB, Hit

FORMER = {"former", "ex", "late", "erstwhile", "onetime", "one-time", "outgoing", "deposed", "ousted", "exiled"}


def current(hit: Hit, date: str | None) -> bool:
    """Whether a reading can stand on ``date``: a historical state's seat only within the state's period
    ("Moscow" is the Soviet government in 1987, Russia's in 2015), a strict name only within it ("Serbia and
    Montenegro" in 2010 is two states), a person's bare surname only within their years (roles with margins);
    a historical state's name always can (the past is narrated later), and so can a person's full name."""
    e = hit.entry
    if hit.dated and not hit.in_window(date):
        return False  # a person's bare surname outside their years ("Stoltenberg" in 1987 is not Jens)
    if (hit.form == "seat" or e.strict) and (e.since or e.until):
        return e.in_period(date)
    return True


def rank_hits(hits: Iterable[Hit], date: str | None, words: set[str] | None = None,
              countries: Counter[str] | None = None, seen: set[int] | None = None) -> list[Hit]:
    """Readings of one phrase, best first; drops those whose required context is absent."""
    hits = list(hits)
    # a role valid on the date ranks one person above another of the same name, not above a place
    only_people = all(h.entry.kind == "person" for h in hits)
    scored = []
    for hit in hits:
        e = hit.entry
        score = 0.0
        if not current(hit, date):
            continue
        if e.until and e.in_period(date):
            score += 3  # on its dates a historical state's reading is the specific one ("Moscow" in 1987)
        if e.context_required:
            if words is None or not any(_has(words, c) for c in e.context):
                continue
            score += 4
        elif e.context and words is not None:
            score += 3 * min(2, sum(1 for c in e.context if _has(words, c)))
        if seen and id(e) in seen:
            score += 100
        if only_people and e.roles:
            _code, _sector, role, _ = e.resolve(date)
            if role is not None:
                score += 5
        if countries and e.country:
            score += 2 * min(3, countries.get(e.country, 0))
        if e.kind == "unknown" or e.code is None:
            score -= 1
        # people who share a surname: the nearest to a role on the date, then the one who lists it
        near = e.role_distance(date) if only_people else 0
        scored.append((-score, near, hit.implicit, e.order, hit))
    scored.sort(key=lambda t: t[:4])
    return [t[4] for t in scored]


def _has(words: set[str], phrase: str) -> bool:

    parts = norm_words(phrase)
    return bool(parts) and all(p in words for p in parts)


def hit_actor(hit: Hit, text: str, date: str | None, former: bool = False) -> Actor:
    """The actor a phrase names by itself (a name, a demonym, a capital)."""
    actor = hit.entry.actor(text, date)
    if former and hit.entry.kind == "person" and actor.country:
        actor.code = f"{actor.country}ELI" if len(actor.country) == 3 else actor.country
        actor.sector, actor.role = "ELI", None
    return actor


def compose(base: Actor | None, sector: str | None, text: str, former: bool = False) -> Actor | None:
    """Modifier actor + sector noun: ("Russian", MIL) -> RUSMIL; (None, MIL) -> a bare sector."""
    if former and sector in (None, "GOV", "LEG", "MIL", "JUD"):
        sector = "ELI" if sector else None
    if base is None or base.country is None:
        if sector is None:
            return None
        return Actor(text=text, code=sector, country=None, sector=sector, name=None, kind="sector")
    if base.kind in ("igo", "group") and base.code:
        stem = base.code
        # a group's own sector is replaced by the noun's ("Hamas fighters" stays PSEREB...)
        code = stem if sector is None or sector == base.sector or stem.endswith(sector) else stem + sector
        return Actor(text=text, code=code, country=base.country, sector=sector or base.sector,
                     name=base.name, kind=base.kind)
    country = base.country
    if sector is None:
        # a bare modifier: "Russian exports" -> RUS; keep a seat's sector ("Kremlin aides" -> RUSGOV)
        sector = base.sector if base.kind != "person" else None
    code = country + (sector or "") if len(country) == 3 else country
    kind = "state" if base.kind in ("state", "person", "unknown") else base.kind
    return Actor(text=text, code=code, country=country, sector=sector, name=base.name, kind=kind)


def _segments(kb: ActorKB, key: tuple[str, ...]) -> list[tuple[int, int, list[Hit]]]:
    """Greedy longest matches over a word tuple."""
    out = []
    i = 0
    n = len(key)
    while i < n:
        best = None
        for j in range(min(n, i + kb.max_len), i, -1):
            hits = kb.hits(key[i:j])
            if hits:
                best = (i, j, hits)
                break
        if best:
            out.append(best)
            i = best[1]
        else:
            i += 1
    return out


def compose_words(kb: ActorKB, text: str, date: str | None) -> list[Actor]:  # noqa: C901 - to split into named steps (pyproject.toml)
    """``ActorKB.lookup``: a name, "Adjective/Name + sector noun", or "sector noun of Name"."""

    key = phrase_key(text)
    if not key:
        return []
    former = any(w in FORMER for w in key)
    if former:
        key = tuple(w for w in key if w not in FORMER)
    segs = _segments(kb, key)
    for i in range(len(key)):  # the longest name that ends the phrase is its head
        tail = kb.hits(key[i:])
        if tail:
            segs = [s for s in _segments(kb, key[:i])] + [(i, len(key), tail)]
            break
    whole = bool(segs) and segs[-1][0] == 0 and segs[-1][1] == len(key)
    if not whole and "of" in key[1:-1]:  # "the foreign minister of France"
        k = key.index("of")
        left, right = key[:k], key[k + 1:]
        sector, _ = kb.sector_for(left)
        if sector:
            bases = compose_words(kb, " ".join(right), date)
            if bases:
                out = compose(bases[0], sector, text, former)
                return [out] if out else []
    if segs and segs[-1][1] == len(key):
        i, _j, hits = segs[-1]
        ranked = rank_hits(hits, date)
        if ranked and len(segs) >= 2 and all(h.form == "seat" for h in ranked):
            # "Rwanda's Senate", "the Rwandan Senate": a seat name that other states' institutions
            # share ("Senate", "Congress") belongs to the state that modifies it
            seat = hit_actor(ranked[0], text, date, former)
            mods = rank_hits(segs[-2][2], date)
            if mods and mods[0].entry.kind == "state" and mods[0].entry.code != ranked[0].entry.code:
                out = compose(hit_actor(mods[0], text, date), seat.sector, text, former)
                if out:
                    return [out]
        if ranked:
            return _dedupe([hit_actor(h, text, date, former) for h in ranked])
    sector, n = kb.sector_for(key)
    base_seg = None
    for seg in reversed(segs):
        if seg[1] <= len(key) - n if n else True:
            base_seg = seg
            break
    base = None
    if base_seg:
        ranked = rank_hits(base_seg[2], date)
        if ranked:
            base = hit_actor(ranked[0], text, date)
    if base is None and sector is None:
        return []
    if sector is None and base_seg is not None and base_seg[1] < len(key) and \
            " ".join(key[base_seg[1]:]) not in kb.stand_ins and key[-1] not in kb.stand_ins and \
            key[-1].rstrip("s") not in kb.stand_ins:
        return []  # "Russian exports": the name only modifies a noun that is no actor
    out = compose(base, sector, text, former)
    return [out] if out else []


def _dedupe(actors: list[Actor]) -> list[Actor]:
    seen = set()
    out = []
    for a in actors:
        k = (a.code, a.country, a.kind, a.name, a.role)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out
