"""In-document actor resolution: ``DocActors(kb, doc, date)``, built once per spaCy Doc.

Contract:
- ``actors_for(token) -> list[Actor]``: the actor(s) named by the noun phrase headed by ``token``
  (its subtree without ``conj``/``cc``/``relcl``/``acl``/``appos`` branches; the coder expands
  coordination itself). [] when the phrase names no actor.
- ``country_of(token) -> str | None``; ``explain(token) -> str``; ``mentions()`` -> every actor
  mention ``(start, end, Actor)`` in token offsets.

How (all precomputed once per document, so each call is a few dictionary look-ups):
1. names: greedy longest match of the KB phrase index over the tokens' normalised words (case
   rules: a name starts with a capital, an all-capitals alias needs all-capitals text); ambiguous
   readings ranked by the document (other mentions of each reading's country, context words,
   the same person named in full earlier, roles valid on the date);
2. named entities (PERSON/ORG/GPE/NORP) that the KB does not know become ``kind="unknown"``
   mentions that keep their text; a person's surname later in the text refers back to them;
3. each noun phrase: the named rules of :mod:`detente.actors.np_rules`, in order: the name at its
   head, else modifier (adjective, possessor, compound) + sector noun ("Chinese state media" ->
   CHNMED), else "sector of/from Name", else the apposition (``explain`` names the rule);
4. pronouns and definite descriptions ("he", "the president", "the two countries") look back
   for the last compatible actor.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from ..records import Actor
from .cities import city_country
from .compose import FORMER, compose, current, hit_actor, rank_hits
from .descent import descent_pairs
from .kb import given_names, person_words, resolver_words
from .model import ActorKB, Hit
from .np_rules import _copy, resolve_phrase
from .words import HYPHENS, norm_words

EXCLUDED_DEPS = {"conj", "cc", "relcl", "acl", "appos", "prep", "punct", "advcl", "ccomp", "xcomp",
                 "parataxis", "dep", "preconj", "mark", "advmod", "npadvmod", "case"}
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
ALL_PRONOUNS = PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS
PAIR_NOUNS = {"country": None, "nation": None, "state": None, "side": "GOV", "government": "GOV",
              "leader": "GOV", "president": "GOV", "minister": "GOV", "capital": "GOV", "army": "MIL",
              "military": "MIL", "power": None, "neighbour": None, "neighbor": None, "party": None}
# "Iranian-backed militias": the hyphenated participle says who supports the group, not who it is
BACKED = {"backed", "sponsored", "supported", "funded", "financed", "armed", "trained", "allied", "aligned",
          "installed", "inspired"}
# the word lists of data/actors/resolver_words.yaml (what each is for: the comments there)
_WORDS = resolver_words()
LOCATIVE_PREPS = _WORDS["locative_preps"]
REGION_PLACE_PREPS = LOCATIVE_PREPS | _WORDS["region_place_preps"]  # a region after these is where something is
REGION_PATH_PREPS = _WORDS["region_path_preps"]  # ... where it goes or comes from, after a word of motion
MOTION_WORDS = _WORDS["motion_words"]
DESTINATION_VERBS = _WORDS["destination_verbs"]  # "visited Africa"
DESTINATION_NOUNS = _WORDS["destination_nouns"]  # "a European tour"
COLLECTIVE_NOUNS = _WORDS["collective_nouns"]  # "Western countries", "Gulf states": a party
HONORIFICS = _WORDS["honorifics"]  # "Dr Kowalski": dropped from an unknown name; "Mrs. Kowalski" is the one named
# "Sen. Schumer": a title before a surname, not a given name; the honorifics are titles too
NAME_TITLES = _WORDS["name_titles"] | HONORIFICS
DOCUMENT_NOUNS = _WORDS["document_nouns"]  # "the Paris agreement": the seat names the document
DUMMY_IT_VERBS, DUMMY_IT_OPENERS = _WORDS["dummy_it_verbs"], _WORDS["dummy_it_openers"]  # "when it comes to"
GENERATIONAL = _WORDS["generational"]  # "Donald Trump Jr.": the son
# entities whose longer name a region word may be part of ("Radio Free Europe", "Key West", "the Asian Games")
NAME_LABELS = {"ORG", "EVENT", "LAW", "FAC", "WORK_OF_ART", "PRODUCT", "GPE", "LOC"}


@dataclass
class Mention:
    start: int
    end: int  # exclusive token index
    hits: list[Hit]
    actor: Actor | None = None
    form: str = "name"
    label: str = ""  # entity label for unknown mentions
    why: str = ""
    text: str = ""


def _as_place(m: Mention, a: Actor, why: str) -> None:
    """Make mention ``m`` (read as actor ``a``) a place, not a party, saying ``why``."""
    m.actor = Actor(text=m.text, code=None, country=None, sector=None, name=a.name, kind="place")
    m.why += f"; {why}: a place, not a party"


class DocActors:
    """Actor mentions and noun-phrase resolution for one spaCy Doc."""

    def __init__(self, kb: ActorKB, doc: Any, date: str | None = None) -> None:
        self.kb = kb
        self.doc = doc
        self.date = date
        self._cache: dict[int, list[Actor]] = {}
        self._why: dict[int, str] = {}
        self._rule: dict[int, str] = {}  # the NP rule that decided each cached phrase (explain)
        self._last_rule = ""
        n = len(doc)
        # one pass over the tokens (creating spaCy Token objects is the expensive part)
        texts: list[str] = []
        lowers: list[str] = []
        words: list[tuple[str, ...]] = []
        nominal: list[int] = []  # heads of noun phrases, for look-back
        wss: list[str] = []
        poss: list[str] = []
        deps: list[str] = []
        tags: list[str] = []
        lemmas: list[str] = []
        nominal_pos, not_heads = ("NOUN", "PROPN"), ("compound", "amod", "poss", "flat")
        for k, t in enumerate(doc):
            text, tag, pos, dep = t.text, t.tag_, t.pos_, t.dep_
            texts.append(text)
            lowers.append(t.lower_)
            wss.append(t.whitespace_)
            poss.append(pos)
            deps.append(dep)
            tags.append(tag)
            lemmas.append(t.lemma_)
            words.append(() if tag == "POS" else norm_words(text))
            if pos in nominal_pos and dep not in not_heads:
                nominal.append(k)
        self._text, self._lower, self._words, self._nominal = texts, lowers, words, nominal
        self._ws, self._pos, self._dep, self._tag, self._lemma = wss, poss, deps, tags, lemmas
        children: list[list[int]] = [[] for _ in range(n)]
        self._children = children
        offsets = doc.to_array(["HEAD"]).astype("int64").reshape(-1).tolist() if n else []
        self._head: list[int] = [k + off for k, off in enumerate(offsets)]
        for k, h in enumerate(self._head):
            if h != k:
                children[h].append(k)
        self._mention_at: list[int | None] = [None] * n
        self._mentions: list[Mention] = []
        self._np: list[tuple[int, Actor]] = []  # (head token, actor) of resolved noun phrases, in order
        self._np_done = False
        self._np_heads: list[int] = []
        self._match_names()
        self._resolve_ambiguous()
        self._place_peoples()
        self._regions_as_places()
        self._seats_naming_documents()
        descent_pairs(self)  # "Greek-Cypriot leaders": Cypriots of Greek descent (CYP)
        self._add_entities()

    # ------------------------------------------------------------------ mentions
    def _match_names(self) -> None:
        _kb, doc, _words = self.kb, self.doc, self._words
        n = len(doc)
        ents_at: dict[int, Any] = {}
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                ents_at[k] = ent
        self._ents_at = ents_at
        i = 0
        while i < n:
            best = self._longest_at(i)
            if best is None:
                i += 1
                continue
            # "President Xi Jinping": a match starting inside this one that reaches further wins
            moved = False
            for s in range(i + 1, best[0]):
                other = self._longest_at(s)
                if other is not None and other[0] > best[0]:
                    i, moved = s, True
                    break
            if moved:
                continue
            end, hits = best
            ent = ents_at.get(i)
            ent_end = ent.end if ent is not None else 0
            while ent is not None and ent_end > end and not self._words[ent_end - 1]:
                ent_end -= 1  # "Caras Galadhon's": the possessive is not more name
            if ent is not None and ent.label_ == "PERSON" and ent.start <= i and ent_end >= end \
                    and (ent.start < i or ent_end > end):
                # "Chad Smith", "Jordan Peterson", "Leila de Lima": a longer person name is not the state
                hits = [h for h in hits if h.entry.kind == "person" or h.form in ("adjective", "demonym")]
                if not hits:
                    i = end
                    continue
            if any(h.entry.kind == "person" for h in hits):
                hits = self._namesake(i, end, hits, ent)
                if not hits:
                    i = end
                    continue
            m = Mention(i, end, hits)
            for k in range(i, end):
                self._mention_at[k] = len(self._mentions)
            self._mentions.append(m)
            i = end

    def _namesake(self, i: int, end: int, hits: list[Hit], ent: Any) -> list[Hit]:
        """A listed person's name inside a longer personal name the knowledge base does not know names someone
        else: "Donald Trump Jr." (the son: a generational suffix), "Robert Blair" (a given name that is none of
        Tony Blair's). A title ("President Obama", "Sen. Schumer"), a middle initial ("Donald J. Trump"), the
        person's own given names or a spelling of them ("Mahmud Abbas") keep the reading, and so does the bare
        surname later on (which of the two "Blair" means is left to the knowledge base). Drops the person
        readings that the longer name rules out."""
        n, lower = len(self._text), self._lower
        people = [h for h in hits if h.entry.kind == "person"]
        others = [h for h in hits if h.entry.kind != "person"]
        j = end + 1 if end + 1 < n and self._text[end] == "," else end
        if j < n and lower[j].rstrip(".") in GENERATIONAL:
            return others
        if sum(len(self._words[k]) for k in range(i, end)) != 1:  # a full name
            return hits
        given = self._given_names(i, end, ent)
        if not given:
            return hits
        words = person_words(self.kb)
        kept = [h for h in people if self._own_given(given, words.get(id(h.entry), frozenset()))]
        return kept + others

    def _given_names(self, i: int, end: int, ent: Any) -> list[str]:
        """Words of the given names before a one-word surname: the capitalised words just before it that are in
        its PERSON entity or proper-noun compounds of it, up to a title ("Sen.", "Foreign Minister")."""
        out: list[str] = []
        in_person = ent is not None and ent.label_ == "PERSON"
        k = i - 1
        while k >= 0 and self._mention_at[k] is None and self._given_name(k):
            if not (in_person and ent.start <= k) and not (self._pos[k] == "PROPN" and k < self._head[k] < end):
                break
            out.extend(self._words[k])
            k -= 1
        return out

    def _given_name(self, k: int) -> bool:
        """Token ``k`` can be a given name: a capitalised proper noun ("Robert", "J."), not a title, not a
        word in capitals ("TRUMP TO PELOSI"), not a function word ("the Never Trump crowd"); opening its
        sentence, where headlines and verbs are capitalised too ("Removing Trump from office ..."), only a
        given name some listed person has."""
        text, ws = self._text[k], self._words[k]
        if self._tag[k] != "NNP" or not text[:1].isupper() or len(ws) != 1 or self._title(k):
            return False
        if len(ws[0]) > 1 and (text.isupper() or self.doc[k].is_stop):
            return False
        return not self.doc[k].is_sent_start or ws[0] in given_names(self.kb)

    def _title(self, k: int) -> bool:
        ws = self._words[k]
        return len(ws) == 1 and (ws[0] in NAME_TITLES or self.kb.sector_for(ws)[0] is not None)

    @staticmethod
    def _own_given(given: list[str], names: frozenset[str]) -> bool:
        """Whether a given name in front of the surname can be the person's: one of their names' words, or a
        spelling of one (same initial, similar letters: "Mahmud" for Mahmoud); initials alone can be anyone's."""
        full = [w for w in given if len(w) > 1]
        if not full:
            return True
        return any(w in names or any(v[:1] == w[:1] and SequenceMatcher(None, w, v).ratio() >= 0.6 for v in names)
                   for w in full)

    def _longest_at(self, i: int) -> tuple[int, list[Hit]] | None:
        kb, doc, words = self.kb, self.doc, self._words
        n = len(doc)
        if not words[i]:
            return None
        key: tuple[str, ...] = ()
        best: tuple[int, list[Hit]] | None = None
        j = i
        while j < n:
            wj = words[j]
            if not wj:
                # "al-Qaeda", "People's Republic": a hyphen or possessive inside a longer name
                if key and j + 1 < n and ((self._text[j] in HYPHENS and self._ws[j] == "")
                                          or (self._tag[j] == "POS" and key in kb.prefixes)):
                    j += 1
                    continue
                break
            key = key + wj
            hits = kb.index.get(key)
            if hits is None and j == i and kb.stems:
                hits = kb.hits(key) or None
            if hits and any(h.entry.until or h.entry.since or h.dated for h in hits):
                hits = [h for h in hits if current(h, self.date)]
            if hits:
                ok = self._case_ok(i, j + 1, hits)
                if ok:
                    best = (j + 1, ok)
            if key not in kb.prefixes:
                break
            j += 1
        return best

    def _case_ok(self, i: int, j: int, hits: list[Hit]) -> list[Hit]:
        texts = self._text
        first = texts[i]
        # a name starts with a capital, or is "al-Qaeda": a lower-case particle, then a capital
        if not (first[:1].isupper() or first[:1].isdigit()) and (
                j - i < 2 or not any(texts[k][:1].isupper() for k in range(i + 1, j))):
            return []
        if not any(h.acronym for h in hits):
            return hits
        span_text = "".join(texts[i:j])
        all_caps = span_text.upper() == span_text
        return [h for h in hits if not h.acronym or all_caps]

    def _resolve_ambiguous(self) -> None:
        counts: Counter[str] = Counter()
        for m in self._mentions:
            countries = {h.entry.country for h in m.hits}
            if len(countries) == 1 and not any(h.entry.context_required for h in m.hits):
                c = next(iter(countries))
                if c:
                    counts[c] += 1
        doc_words = {w for ws in self._words for w in ws}
        seen: set[int] = set()
        for m in self._mentions:
            text = self._span_text(m.start, m.end)
            if len(m.hits) == 1 and not m.hits[0].entry.context_required:
                ranked = m.hits
                why = "only reading"
            else:
                own = Counter(counts)
                for c in {h.entry.country for h in m.hits}:
                    if c and len({h.entry.country for h in m.hits}) == 1:
                        own[c] -= 1
                ranked = rank_hits(m.hits, self.date, doc_words, own, seen)
                why = f"{len(m.hits)} readings ranked by context"
            if not ranked:
                m.hits = []
                continue
            m.hits = ranked
            best = ranked[0]
            former = self._former_before(m.start)
            m.actor = hit_actor(best, text, self.date, former)
            m.form = best.form
            m.text = text
            m.why = f"'{text}' is {best.entry.name} ({best.form}, {best.entry.source}); {why}"
            if self._former_area(m, best):
                m.actor = Actor(text=text, code=None, country=None, sector=None, name=best.entry.name, kind="unknown")
                m.why = (f"'{text}' after '{self._lower[m.start - 1]}': the area {best.entry.name} covered "
                         f"(ended {best.entry.until}), not an actor")
            if m.end - m.start > 1 and best.entry.kind == "person":
                seen.add(id(best.entry))
        self._mentions = [m for m in self._mentions if m.actor is not None and m.hits]
        self._mention_at = [None] * len(self.doc)
        for idx, m in enumerate(self._mentions):
            for k in range(m.start, m.end):
                self._mention_at[k] = idx

    def _place_peoples(self) -> None:
        """A people that lives in several states ("Kurds": TUR, SYR, IRQ, IRN) is placed by the state named just
        before it ("Syrian Kurds", "Iraq's Kurdish region"), else by the one home state its sentence names as a
        place ("Kurdish fighters ... in northern Syria"); unplaced, it names no actor (KUR alone is no country)."""
        for idx, m in enumerate(self._mentions):
            e = m.hits[0].entry if m.hits else None
            if e is None or not e.homes or m.actor is None:
                continue
            home, how = None, ""
            k = m.start - 1
            if k >= 0 and self._tag[k] == "POS":
                k -= 1
            before = self._mention_at[k] if k >= 0 else None
            prev = self._mentions[before] if before is not None and before != idx else None
            if prev is not None and prev.actor is not None and prev.actor.kind == "state" and prev.actor.country:
                home, how = prev.actor.country, f"'{prev.text}' before it"
            elif len(e.homes) == 1:
                home, how = e.homes[0], "its only home"
            else:
                sent = self.doc[m.start].sent
                named = {o.actor.country for o in self._mentions
                         if sent.start <= o.start < sent.end and o.actor is not None and o.actor.kind == "state"
                         and o.actor.country in e.homes and self._locative(o.end - 1)}
                if len(named) == 1:
                    home = next(iter(named))
                    how = f"the sentence places it in {home}"
            if home is None:
                m.actor = Actor(text=m.text, code=None, country=None, sector=None, name=e.name, kind="unknown")
                m.why += f"; a people of {', '.join(e.homes)} that nothing in its sentence places"
            else:
                m.actor = Actor(text=m.text, code=f"{home}{e.code}", country=home, sector=None, name=e.name,
                                kind="group")
                m.why += f"; placed in {home} by {how}"

    def _regions_as_places(self) -> None:
        """A world region (``kind: region`` with no state of its own: not the West Bank, PSE) named as where
        something happens or goes ("in the southern Gulf", "traveling to Asia", "visited Africa"), or as a word
        of a longer proper name ("the North American Free Trade Agreement", "the Asian Games"), is a place,
        not a party. A collective of states ("Western countries", "Gulf states") and a people ("Europeans")
        stay parties, and so does the region that is acted on or addressed ("retaliate against the West")."""
        for m in self._mentions:
            a = m.actor
            if a is None or a.kind != "region" or not a.country or a.country in self.kb.states:
                continue
            if m.form == "demonym" or self._lower[m.end - 1] in COLLECTIVE_NOUNS:
                continue
            why = self._in_a_name(m) or self._region_place(m)
            if why:
                _as_place(m, a, why)

    def _seats_naming_documents(self) -> None:
        """ "the *Paris* agreement", "the *Minsk* accords", "the *Oslo* accords": a seat of government that
        names an agreement (a word of ``document_nouns`` it modifies) is where the agreement was made, not the
        government acting ("pledged to cut emissions under the Paris agreement" is no act toward France)."""
        for m in self._mentions:
            a, k = m.actor, m.end - 1
            if a is None or m.form != "seat" or self._dep[k] not in ("compound", "nmod", "amod"):
                continue
            h = self._head[k]
            if h > k and self._lemma[h].lower() in DOCUMENT_NOUNS:
                _as_place(m, a, f"names the {self._lower[h]}")

    def _in_a_name(self, m: Mention) -> str:
        """ "the North American Free Trade Agreement", "the European Championship", "Radio Free Europe", "Key
        West", "African-American voters": the region is a word of a longer proper name (not one that goes on
        with a sector noun: "European Leaders"), or of the name of a state's people."""
        k = m.end - 1
        j = m.end + 1 if m.end + 1 < len(self._text) and self._text[m.end] in HYPHENS and self._ws[k] == "" \
            and self._ws[m.end] == "" else m.end
        nxt = self._mention(j) if j < len(self._text) else None
        if nxt is not None and nxt.actor is not None and nxt.actor.kind == "state" \
                and nxt.form in ("adjective", "demonym") and nxt.start == j:
            return f"a word of the people '{self._span_text(m.start, nxt.end)}'"
        ent = self._ents_at.get(k)
        if ent is not None and ent.label_ in NAME_LABELS:
            others = [x for x in range(ent.start, ent.end)
                      if not m.start <= x < m.end and self._pos[x] not in ("DET", "PUNCT")]
            if any(self._text[x][:1].isupper() and self._mention_at[x] is None for x in others) \
                    and not any(self._mention_at[x] is not None for x in others):
                return f"a word of the name '{ent.text}'"
        h = self._head[k]
        if self._dep[k] not in ("compound", "amod", "nmod") or h <= k:
            return ""
        if not all(self._text[x][:1].isupper() for x in range(m.end, h + 1)) or self._pos[h] != "PROPN":
            return ""
        if self._mention_at[h] is not None or self._lower[h] in COLLECTIVE_NOUNS \
                or self.kb.sector_for((self._lemma[h].lower(),))[0] is not None:
            return ""
        return f"a word of the name '{self._span_text(m.start, h + 1)}'"

    def _region_place(self, m: Mention) -> str:
        """ "in the Gulf", "the Gulf region", "across Europe and Asia", "trips to Asia", "visited Africa", "a
        European tour": the phrase the region heads or modifies is where something happens or goes."""
        dep, head, lemma = self._dep, self._head, self._lemma
        # the word of the mention its phrase hangs from ("in the *Horn* of Africa")
        k = next((x for x in range(m.start, m.end) if not m.start <= head[x] < m.end or head[x] == x), m.end - 1)
        while dep[k] in ("compound", "amod", "nmod", "conj") and head[k] != k:
            if dep[k] != "conj":
                h = head[k]
                if self._lower[h] in COLLECTIVE_NOUNS or self.kb.sector_for((lemma[h].lower(),))[0] is not None:
                    return ""  # "among African leaders": people of the region
                if lemma[h].lower() in DESTINATION_NOUNS:
                    return f"where the '{self._text[h]}' goes"
            k = head[k]
        gov = head[k]
        if gov == k:
            return ""
        if dep[k] == "dobj" and lemma[gov].lower() in DESTINATION_VERBS:
            return f"where '{self._text[gov]}' goes"
        if dep[k] != "pobj":
            return ""
        prep = self._lower[gov]
        if prep in REGION_PLACE_PREPS:
            return f"after '{self._text[gov]}'"
        mover = head[gov]
        if prep in REGION_PATH_PREPS and mover != gov and lemma[mover].lower() in MOTION_WORDS:
            return f"'{self._text[mover]} {self._text[gov]}' is where to or from"
        return ""

    def _former_area(self, m: Mention, best: Hit) -> bool:
        """ "the former Soviet Union", "ex-Yugoslav republics", "post-Soviet states" after the state ended: the
        area, not an actor ("former Soviet leader" keeps the state: a sector noun follows)."""
        e, i = best.entry, m.start
        if not e.until or best.form == "seat" or not e.ended(self.date) or i == 0:
            return False
        k = i - 1
        if self._text[k] in HYPHENS and self._ws[k] == "" and k > 0:
            k -= 1
        if self._lower[k] not in FORMER and self._lower[k] not in ("ex", "post", "post-"):
            return False
        if best.form == "adjective":
            h = self._head[m.end - 1]
            if h != m.end - 1 and self.kb.sector_for((self._lemma[h].lower(),))[0] is not None:
                return False
        return True

    def _former_before(self, i: int) -> bool:
        for k in range(max(0, i - 4), i):
            low = self._lower[k]
            if low in FORMER or low.startswith("ex-"):
                return True
        return False

    def _add_entities(self) -> None:
        """Entities the KB does not know: keep their text; a later surname refers back."""
        doc = self.doc
        surnames: dict[str, Actor] = {}
        people = [m for m in self._mentions if m.actor is not None and m.actor.kind == "person"
                  and m.end - m.start > 1]
        added = []
        for ent in doc.ents:
            while people and people[0].start < ent.start:
                m = people.pop(0)
                surnames[self._words[m.end - 1][-1] if self._words[m.end - 1] else ""] = m.actor  # type: ignore
            if ent.label_ not in ENTITY_LABELS:
                continue
            if any(self._mention_at[k] is not None for k in range(ent.start, ent.end)):
                continue
            start = ent.start
            while start < ent.end and (self._lower[start] in ("the", "a", "an") or self._lower[start] in HONORIFICS):
                start += 1
            if start >= ent.end:
                continue
            text = self._span_text(start, ent.end)
            words = norm_words(text)
            actor = None
            why = f"'{text}' is a {ent.label_} entity the knowledge base does not know"
            if ent.label_ == "PERSON" and words:
                if words[-1] in surnames and (len(words) == 1 or self._sector_title(words[:-1])):
                    actor = _copy(surnames[words[-1]], text)
                    why = f"'{text}' is the surname of {actor.name}, named earlier"
                else:
                    actor = Actor(text=text, code=None, country=None, sector=None, name=text, kind="unknown")
                    if len(words) > 1:
                        surnames[words[-1]] = actor
            elif ent.label_ in ("GPE", "LOC", "NORP"):
                country = city_country(text, self.kb)
                actor = Actor(text=text, code=country, country=country, sector=None, name=text, kind="unknown")
                if country:
                    why = f"'{text}' is a place in {country} (geonames cities)"
            else:
                actor = Actor(text=text, code=None, country=None, sector=None, name=text, kind="unknown")
            m = Mention(start, ent.end, [], actor, "name", ent.label_, why, text)
            added.append(m)
        if added:
            self._mentions = sorted(self._mentions + added, key=lambda m: m.start)
            self._mention_at = [None] * len(doc)
            for idx, m in enumerate(self._mentions):
                for k in range(m.start, m.end):
                    self._mention_at[k] = idx

    def _sector_title(self, words: tuple[str, ...]) -> bool:
        return bool(words) and (all(w in HONORIFICS for w in words) or self.kb.sector_for(words)[0] is not None)

    def mentions(self) -> list[tuple[int, int, Actor]]:
        return [(m.start, m.end, m.actor) for m in self._mentions if m.actor is not None]

    # ------------------------------------------------------------------ noun phrases
    def actors_for(self, token: Any) -> list[Actor]:
        i = token.i
        got = self._cache.get(i)
        if got is None:
            got, why = self.resolve(i, allow_coref=True)
            self._cache[i] = got
            self._why[i], self._rule[i] = why, self._last_rule
        return [_copy(a) for a in got]

    def country_of(self, token: Any) -> str | None:
        actors = self.actors_for(token)
        return actors[0].country if actors else None

    def explain(self, token: Any) -> str:
        if token.i not in self._why:
            self.actors_for(token)
        actors = self._cache.get(token.i) or []
        got = ", ".join(f"{a.code or '-'}/{a.country or '-'}" for a in actors) or "no actor"
        rule = self._rule.get(token.i)
        return f"{token.text!r} -> {got}: {self._why.get(token.i, '')}" + (f" [rule {rule}]" if rule else "")

    def _np_tokens(self, i: int) -> list[int]:
        """The head and its dependents, without the excluded branches, in text order."""
        children, dep = self._children, self._dep
        out = [i]
        stack = [c for c in children[i] if dep[c] not in EXCLUDED_DEPS]
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(c for c in children[k] if dep[c] not in EXCLUDED_DEPS)
        out.sort()
        return out

    def _span_text(self, a: int, b: int) -> str:
        """Text of tokens a..b-1."""
        texts, ws = self._text, self._ws
        return "".join(texts[k] + ws[k] for k in range(a, b - 1)) + texts[b - 1] if b > a else ""

    def _mention(self, i: int) -> Mention | None:
        idx = self._mention_at[i]
        return self._mentions[idx] if idx is not None else None

    def resolve(self, i: int, allow_coref: bool) -> tuple[list[Actor], str]:
        """The phrase headed by token ``i``: its actors and why (:mod:`detente.actors.np_rules`), uncached."""
        got, why, self._last_rule = resolve_phrase(self, i, allow_coref)
        return got, why

    def _is_pronoun(self, i: int) -> bool:
        return self._pos[i] == "PRON" or self._lower[i] in ALL_PRONOUNS

    def _np_words(self, np: list[int], head: int) -> tuple[str, ...]:
        """Words of the phrase up to its head, without determiners, names and possessors."""
        dep, tag, lower = self._dep, self._tag, self._lower
        nouns = self.kb.sector_nouns
        words: list[str] = []
        for k in np:
            if k > head:
                break
            if dep[k] in ("det", "poss", "predet", "nummod", "case") or tag[k] == "POS":
                continue
            if k != head and self._mention_at[k] is not None:
                continue
            if lower[k] in FORMER:
                continue
            ws = self._words[k]
            if k == head and tag[k] in ("NNS", "NNPS") and ws and (ws[-1],) not in nouns:
                lemma = self._lemma[k].lower()
                if (lemma,) in nouns:
                    ws = (lemma,)
            words.extend(ws)
        return tuple(words)

    def _locative(self, i: int) -> bool:
        h = self._head[i]
        return self._dep[i] == "pobj" and h != i and self._lower[h] in LOCATIVE_PREPS

    def _stands_in(self, i: int) -> bool:
        """A proper noun, or a noun standing for its country ("Iraqi towns"): not "Russian exports"."""
        if self._pos[i] == "PROPN":
            return True
        st = self.kb.stand_ins
        return self._lemma[i].lower() in st or " ".join(self._words[i]) in st

    def _of_sector(self, i: int, words: tuple[str, ...]) -> str | None:
        """ "head of state", "minister of foreign affairs": a sector noun running over "of"."""
        for prep in self._children[i]:
            if self._dep[prep] == "prep" and self._lower[prep] == "of":
                for pobj in self._children[prep]:
                    if self._dep[pobj] == "pobj":
                        tail = tuple(w for k in self._np_tokens(pobj) if self._dep[k] not in ("det", "poss")
                                     for w in self._words[k])
                        code = self.kb.sector_nouns.get((*words[-2:], "of", *tail)) or \
                            self.kb.sector_nouns.get((*words[-1:], "of", *tail))
                        if code:
                            return code
        return None

    def _modifier_base(self, np: list[int], exclude: Mention | None = None) -> Actor | None:
        """The actor named by a modifier: adjective, possessor, compound ("Beijing's", "US")."""
        best = None
        lo, hi = np[0], np[-1]
        for k in np:
            m = self._mention(k)
            if m is None or m is exclude or m.actor is None or m is best:
                continue
            if m.start < lo or m.end - 1 > hi or m.actor.country is None or self._not_itself(m):
                continue
            best = m  # the one nearest the head wins
        if best is None:
            # a possessive pronoun: "its army", "their leaders"
            for k in np:
                if self._dep[k] == "poss" and self._lower[k] in ("its", "their"):
                    got, _ = self._pronoun(k)
                    if got:
                        return got[0]
            return None
        return best.actor

    def _not_itself(self, m: Mention) -> bool:
        """ "pro-Russian rebels", "anti-American protesters", "Iranian-backed militias": a name joined by a hyphen
        to pro-/anti- or to -backed (-funded, -trained ...) says whom the group is for, against or backed by,
        not who it is."""
        k = m.start - 1
        if k >= 1 and self._text[k] in HYPHENS and self._ws[k] == "" and self._ws[k - 1] == "":
            if self._lower[k - 1] in ("pro", "anti"):
                return True
        elif k >= 0 and self._lower[k] in ("pro-", "anti-"):
            return True
        j = m.end
        return j + 1 < len(self._text) and self._text[j] in HYPHENS and self._ws[m.end - 1] == "" \
            and self._ws[j] == "" and self._lower[j + 1] in BACKED

    def _title_sector(self, np: list[int], m: Mention) -> str | None:
        words = tuple(w for k in np if k < m.start and self._mention_at[k] is None
                      and self._dep[k] not in ("det", "poss") for w in self._words[k])
        if not words:
            return None
        return self.kb.sector_for(words)[0]

    def _is_definite(self, np: list[int], head: int) -> bool:
        for k in np:
            if k < head and (self._lower[k] in ("the", "this", "that", "these", "those")
                             or (self._dep[k] == "poss" and self._pos[k] == "PRON")):
                return True
        return False

    # ------------------------------------------------------------------ look-back
    def _ensure_np(self) -> None:
        if self._np_done:
            return
        self._np_done = True
        for i in self._nominal:
            got = self._cache.get(i)
            if got is None:
                got, why = self.resolve(i, allow_coref=False)
                if got:  # found without looking back: the same answer actors_for would give
                    self._cache[i], self._why[i], self._rule[i] = got, why, self._last_rule
            if got:  # built incrementally: resolving one phrase may look back at earlier ones
                self._np.append((i, got[0]))
                self._np_heads.append(i)

    def _candidates(self, before: int) -> Any:
        """Actors named before token ``before``, nearest first (a generator)."""
        self._ensure_np()
        k = bisect_left(self._np_heads, before)
        nps = self._np
        return (nps[j][1] for j in range(k - 1, -1, -1))

    def _dummy_it(self, i: int) -> bool:
        """ "When *it* comes to Russia, ...": the subject of a verb of ``dummy_it_verbs`` whose clause a word of
        ``dummy_it_openers`` opens."""
        h = self._head[i]
        return self._dep[i] == "nsubj" and self._lemma[h].lower() in DUMMY_IT_VERBS \
            and any(self._lower[c] in DUMMY_IT_OPENERS and c < i for c in self._children[h])

    def _pronoun(self, i: int) -> tuple[list[Actor], str]:
        low, text = self._lower[i], self._text[i]
        if self._dep[i] == "expl":
            return [], "expletive pronoun"
        if low == "it" and self._dummy_it(i):
            return [], "dummy 'it' (\"when it comes to\"): no antecedent"
        cands = self._candidates(i)
        if low in PERSON_PRONOUNS:
            for a in cands:
                if a.kind == "person" or (a.kind == "unknown" and a.name and len(norm_words(a.name)) > 1):
                    return [_copy(a, text)], f"'{text}' -> last person named: {a.text}"
            for a in self._candidates(i):
                if a.sector == "GOV" and a.country:
                    return [_copy(a, text)], f"'{text}' -> last government actor: {a.text}"
            return [], f"'{text}': no person named earlier"
        if low in THING_PRONOUNS:
            for a in cands:
                if a.kind in ("state", "igo", "group", "region") and a.country:
                    return [_copy(a, text)], f"'{text}' -> last state/organisation: {a.text}"
            return [], f"'{text}': no state or organisation earlier"
        if low in PLURAL_PRONOUNS:
            for a in cands:
                if a.kind != "person" and a.country:
                    return [_copy(a, text)], f"'{text}' -> last group actor: {a.text}"
            return [], f"'{text}': no group actor earlier"
        return [], f"pronoun '{text}' is not resolved (speaker or listener)"

    def _lookback(self, before: int, sector: str) -> Actor | None:
        for a in self._candidates(before):
            if a.sector == sector and a.country:
                return a
        if sector not in ("GOV", "MIL", "COP", "JUD", "LEG", "MED", "SPY", "OPP", "REB"):
            return None
        if sector in ("OPP", "REB"):
            # "the rebels", "the militant group": a non-state group takes the nearest state named before
            # it, unless its own sentence names two or more ("The United States struck an Islamic State
            # target near Baghdad ... the militant group" is not a US group)
            start = self.doc[before].sent.start
            if len({a.country for j, a in self._np if start <= j < before and a.kind == "state" and a.country}) > 1:
                return None
        for a in self._candidates(before):
            if a.kind == "state" and a.country:
                return compose(a, sector, a.text)
        return None

    def _pair(self, i: int, np: list[int]) -> tuple[list[Actor], str] | None:
        lemma = self._lemma[i].lower()
        if lemma not in PAIR_NOUNS or self._tag[i] not in ("NNS", "NNPS"):
            return None
        if not any(self._lower[k] in ("two", "both") for k in np if k < i):
            return None
        sector = PAIR_NOUNS[lemma]
        countries: list[Actor] = []
        for a in self._candidates(i):
            if a.country and a.country in self.kb.states and a.country not in {c.country for c in countries}:
                countries.append(a)
            if len(countries) == 2:
                break
        if len(countries) < 2:
            return None
        countries.reverse()
        out = []
        text = self._text[i]
        for a in countries:
            st = self.kb.states[a.country]  # type: ignore[index]
            base = Actor(text=text, code=st.code, country=st.code, sector=None, name=st.name, kind="state")
            comp = compose(base, sector, text)
            if comp is not None:
                out.append(comp)
        return out, f"'{text}' with two/both -> the last two countries named: " + \
            ", ".join(a.country or "" for a in out)
