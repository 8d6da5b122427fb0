"""Event rules: how one lexicon match becomes events, one named rule per construction.

Contract: ``events_for(ctx, match) -> list[Event]``. A match (a predicate and the pattern it
matched, :class:`~detente.coding.coder.Match`) starts a :class:`Draft`: its code, its factuality
(:func:`~detente.coding.factuality.assess`) and its subjects' actors as sources. The rules of
:data:`EVENT_RULES` then run in order over the draft, each reading the sentence's
:class:`SentenceContext`; a rule answers ``PASS`` (nothing to do here), ``APPLIED`` (it changed the
draft: its name joins ``draft.trail``) or ``STOP`` (this match gives no event). What is left is
turned into one event per (source, target) pair, the target completed by the first of
:data:`TARGET_FALLBACKS` that applies.

To add a construction: write one rule with its example sentence as docstring, put it in
:data:`EVENT_RULES` where it must run, and add a construction test. ``detente eval --trace``
writes each predicted event's trail, so a change can be traced to the rule that made it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from spacy.tokens import Span, Token

from ..context import resolve_date, resolve_location
from ..records import Actor, Article, Event, Location
from .cues import WordSense
from .factuality import Factuality, assess
from .frames import Frame, conjuncts, lemma

if TYPE_CHECKING:
    from ..actors.resolve import DocActors
    from .coder import Coder, Match

# events whose target, when no actor is named, is the country where they happen: visits
# ("a visit to the city of Nanping in China"), protests, assaults and fighting ("shelling in Gaza")
PLACE_TARGET_CODES = ("042", "043", "044", "14", "18", "19", "20")
# where a target may hide when every other option names only the source's own country:
# "recalled its ambassador *from* Buenos Aires", "expelled diplomats *from* the embassy of X"
LAST_RESORT_PREPS = ("from", "to", "in", "at")
PARTNER_PREPS = ("from", "to")
# sectors that are nearly always domestic actors of the country the sentence is about
DOMESTIC_SECTORS = frozenset({"REB", "OPP", "CVL", "COP", "JUD", "LEG", "INS", "SEP", "CRM", "REF", "LAB", "EDU",
                              "RAD", "HRI", "REL", "AGR"})
# groups that challenge their state: a pair of one of them and the state as a whole is a domestic event
# ("the PKK waged a campaign against the Turkish state")
CHALLENGER_SECTORS = frozenset({"REB", "OPP", "INS", "SEP", "RAD"})
# acts whose victims a passive clause names ("were killed in an air strike")
VIOLENT_ACTS = ("18", "19", "20")
# acts aimed at the place where they happen even at home ("troops shelled Donetsk", "clashed in Caracas")
VIOLENT_OR_PROTEST = ("14", *VIOLENT_ACTS)
# entity types that name someone: an object of these that the knowledge base does not know is still
# the target, and no other phrase is searched for one
NAMED_ENTITIES = frozenset({"ORG", "PERSON", "NORP", "FAC"})
# the state's own forces and offices: their blockades are no protest against their authorities
STATE_FORCES = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "ELI"})
# conflict acts that, announced by their own source or set against a condition, are threats
CONFLICT_ACTS = ("14", "16", "17", "18", "19", "20")
# prepositions of places: "captured a stronghold *on the Thai border*" names where, not whom
PLACE_PREPS = frozenset({"on", "along", "near", "at", "across", "in", "inside", "beyond"})

Verdict = Literal["pass", "applied", "stop"]
PASS: Verdict = "pass"
APPLIED: Verdict = "applied"
STOP: Verdict = "stop"

Party = tuple[Token, Actor]


@dataclass
class SentenceContext:
    """What every event rule of one sentence reads."""

    coder: Coder  # the codebook, cues, complements, word sense, knowledge base, settings and helpers
    sent: Span
    s_index: int
    article: Article
    actors: DocActors
    countries: list[str]  # every country the article names
    quotes: list[tuple[int, int]]  # the sentence's quotations, token offsets
    sent_countries: set[str]  # the states the sentence names


@dataclass
class Draft:
    """One match on its way to events: what the rules so far decided."""

    m: Match
    code: str
    fact: Factuality
    sources: list[Party]
    targets: list[Party] = field(default_factory=list)
    # the sources as they stood when the targets were chosen (their countries, their codes)
    src_countries: set[str | None] = field(default_factory=set)
    own_keys: set[str] = field(default_factory=set)
    threat: bool = False
    location: Location | None = None
    located: bool = False  # where the event happened, resolved once when first needed
    # (source, target, symmetric[, the code of a converse act: the host's 043 of a visit])
    pairs: list[tuple[Any, ...]] = field(default_factory=list)
    trail: list[str] = field(default_factory=list)  # the rules that changed the draft, in order


EventRule = Callable[[SentenceContext, Draft], Verdict]


def _own_part(tok: Token, actor: Actor, own_keys: set[str]) -> bool:
    """A part of the source named through a possessive pronoun: the UN rejecting a call for *its*
    peacekeeping forces (IGOUNOMIL) is not acting on itself."""
    code = actor.code or ""
    return bool(code) and any(code.startswith(k) for k in own_keys if k) and any(
        c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her", "our") for c in tok.children)


def _bare_definite(tok: Token) -> bool:
    """"the government", "the authorities": a definite noun with nothing else to say whose it is."""
    return tok.pos_ == "NOUN" and all(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) \
        and any(c.dep_ == "det" for c in tok.children)


# ----------------------------------------------------------------------------- word sense
def idiom(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "X struck a cordial tone", "beat the odds": a ``none`` pattern of the lexicon declares the phrase
    no event; so is an act composed over one ("vowed to strike a cordial tone": the composed pattern is a
    ``none`` one too, see ``Coder._compose``)."""
    return STOP if d.m.pattern.is_idiom else PASS


_NON_REFERRING = frozenset({"it", "this", "that", "what", "which", "whatever", "something", "anything", "nothing"})
_SCORE = frozenset("0123456789-–")  # "beaten 4-0"


def _counted(ws: WordSense, tok: Token) -> Token:
    """The noun a quantity counts: "a number *of targets*", "thousands *of rockets*"."""
    if lemma(tok) in ws.quantity_nouns or tok.pos_ == "NUM":
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
    return tok


def _animate_object(coder: Coder, actors: DocActors, tok: Token) -> bool:
    """A person or group: "fired *the director*", "fired *him*"."""
    ws = coder.word_sense
    tok = _counted(ws, tok)
    if tok.pos_ == "PRON":
        return tok.lower_ in ("him", "her", "them", "me", "us", "you")
    return tok.ent_type_ == "PERSON" or lemma(tok) in ws.animate_objects or bool(coder._actors([tok], actors))


def _attack_noun(coder: Coder, tok: Token) -> bool:
    """A noun the lexicon codes as violence, with no figurative modifier: "fought *a war*", not "fought
    *a legal battle*"."""
    ws = coder.word_sense
    if not any(ws.is_violent(p.code) for p in coder.lexicon.candidates(lemma(tok), "noun")):
        return False
    return not any(c.dep_ in ("compound", "amod", "nmod") and lemma(c) in ws.figurative_modifiers
                   for c in tok.children)


def _literal_object(coder: Coder, actors: DocActors, tok: Token) -> bool:
    """An object a blow can fall on: an actor, a person, a group, a place, a building, a number of them
    ("a number *of Hamas targets*", "killed *20*")."""
    ws = coder.word_sense
    tok = _counted(ws, tok)
    if tok.pos_ in ("PRON", "NUM"):
        return tok.lower_ not in _NON_REFERRING
    return tok.ent_type_ in ws.physical_entities or ws.literal_noun(lemma(tok)) \
        or bool(coder._actors([tok], actors))


def _competition(pred: Token, ws: WordSense) -> bool:
    """ "beat X by nine points", "was beaten 4-0 in the series", "beat X to become the largest market",
    "won the election, easily beating X": a win in a contest."""
    if pred.dep_ in ("advcl", "conj", "xcomp") and lemma(pred.head) in ws.competition_verbs:
        return True
    near = [c for c in pred.children if c.dep_ not in ("nsubj", "nsubjpass", "dobj")]
    near += [g for c in near for g in c.children]
    return any((c.dep_ in ("xcomp", "advcl") and lemma(c) in ws.competition_verbs)
               or lemma(c) in ws.competition_words or (len(c.text) >= 3 and set(c.text) <= _SCORE
                                                       and any(ch.isdigit() for ch in c.text))
               for c in near)


def _topic_objects(frame: Frame, preps: Iterable[str]) -> list[Token]:
    return [o for p in preps for o in frame.preps.get(p, [])]


def literal_sense(ctx: SentenceContext, d: Draft) -> Verdict:
    """A violent code (18-20) needs its literal reading: "beat the US *to become* the largest market",
    "fought *corruption*", "fired *the director*", "attacked *the forecasts*", "a *trade* war" are no
    assault or fight (:func:`figurative`)."""
    m = d.m
    if m.composed or not ctx.coder.word_sense.is_violent(d.code):
        return PASS
    return STOP if figurative(ctx.coder, ctx.actors, m.frame, specific=bool(m.pattern.words)) else PASS


def figurative(coder: Coder, actors: DocActors, frame: Frame, specific: bool = False) -> bool:
    """Whether the predicate of a violent code (18-20) reads figuratively, by the lists of
    ``word_sense.yaml``: the rules' ``literal_sense`` and the pair scorer's violent proposals
    (``Coder._pair_events``) both ask it. The general pattern of a violent verb (``specific``: a pattern
    with words, such as "fire rocket at", already says its sense) is figurative with an abstract object,
    in a competition, or with a person as object of a verb that then means a dismissal; a head of
    ``literal_heads`` also needs an object a blow falls on, when it has one. A violent noun is
    figurative with a figurative modifier ("a *trade* war") or an abstract topic ("the war *on
    poverty*")."""
    ws = coder.word_sense
    head = lemma(frame.pred)
    topics = _topic_objects(frame, ("against", "on", "over", "about"))
    if frame.pos == "noun":
        if head not in ws.figurative_nouns:
            return False
        mods = {lemma(c) for c in frame.pred.children if c.dep_ in ("compound", "amod", "nmod")}
        return bool(mods & ws.figurative_modifiers) or bool(topics and all(lemma(t) in ws.abstract_objects
                                                                             for t in topics))
    if specific:
        return False
    if head in ws.competition_heads and _competition(frame.pred, ws):
        return True  # "thrashed Treviso 34-7"
    objs = frame.objects  # the passive subject too: "the bill was killed"
    if any(lemma(o) in ws.abstract_objects for o in objs):
        return True  # "struck a cautious note", "killed the bill", "attacked the forecasts"
    if not objs and topics and all(lemma(t) in ws.abstract_objects for t in topics):
        return True  # "fight against corruption"
    if head in ws.object_changes_sense:
        # "fired the director": a dismissal; "rockets fired at Israel" name the projectile
        return any(_animate_object(coder, actors, o) for o in objs)
    # "fight what he called the axis of evil", "fight the erosion of ..."
    return head in ws.literal_heads and bool(objs) and not any(
        _literal_object(coder, actors, o) or _attack_noun(coder, o) for o in objs)


def _armed(ws: WordSense, actor: Actor) -> bool:
    return (actor.sector or "") in ws.armed_sectors or bool(actor.code and actor.code[3:6] in ws.armed_sectors)


def armed_clash(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "Russian troops clashed with Ukrainian soldiers": a clash the protest lexicon matched ("clash with
    soldier", 145) is armed fighting (190) when its every source is armed forces or a state; a riot is a
    crowd's (``protesters_clash``)."""
    ws, cues = ctx.coder.word_sense, ctx.coder.cues
    if not d.code.startswith("145") or lemma(d.m.frame.pred) not in ws.dispute_heads or not d.sources:
        return PASS
    if all((_armed(ws, a) or (a.kind == "state" and t.pos_ == "PROPN")) and lemma(t) not in cues.riot_sources
           for t, a in d.sources):
        d.code = "190"
        return APPLIED
    return PASS


def verbal_dispute(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "China and Japan clashed *over* the islands", "fought *about* the budget", "the fight over
    healthcare": a quarrel about a topic, not a fight, unless a party is armed or someone was hurt. A
    verb becomes the dispute code of ``word_sense.yaml`` (110, disapprove), mutual between co-subjects;
    a noun, which names no act of its own, is no event."""
    ws, cues = ctx.coder.word_sense, ctx.coder.cues
    frame = d.m.frame
    if d.m.composed or not ws.is_violent(d.code) or lemma(frame.pred) not in ws.dispute_heads:
        return PASS
    if not _topic_objects(frame, ws.topic_preps):
        return PASS
    toks = [*frame.objects, *_topic_objects(frame, ("with", "against", "between"))]
    parties = d.sources + ctx.coder._actors(toks, ctx.actors)
    if any(_armed(ws, a) or lemma(t) in cues.riot_sources for t, a in parties):
        return PASS  # "troops clashed over a border post"
    if any(_attack_noun(ctx.coder, o) for o in frame.objects):
        return PASS  # "fought a war over Kashmir"
    if any(lemma(t) in ws.casualty_words for t in ctx.sent):
        return PASS  # "clashes over land left three dead"
    if frame.pos == "noun" or not ws.dispute_code:
        return STOP
    d.code = ws.dispute_code
    return APPLIED


# ----------------------------------------------------------------------------- code and factuality
def refusal(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "refused to meet", "would not provide support": CAMEO's refusal code for the act."""
    if not (d.fact.refusal or (d.fact.polarity == "negated" and d.fact.local_negation)):
        return PASS
    code = ctx.coder.codebook.refusal_for(d.code)
    if code:
        d.code, d.fact.polarity = code, "asserted"
    elif d.fact.refusal:
        d.fact.polarity = "negated"
    else:
        return PASS
    return APPLIED


def attacker_in_phrase(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "four children were killed in Israeli tank shelling": with no agent, armed forces named in the
    ``in`` phrase did it."""
    frame = d.m.frame
    if d.sources or not frame.passive or frame.pos != "verb" or not d.code.startswith(VIOLENT_ACTS):
        return PASS
    d.sources = [(t, a) for t, a in ctx.coder._actors(frame.preps.get("in", []), ctx.actors, nested=True)
                 if a.sector == "MIL" and a.country]
    return APPLIED if d.sources else PASS


def protesters_clash(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "protesters clashed with police": CAMEO's violent protest (145), not an armed assault."""
    cues = ctx.coder.cues
    if d.sources and d.code.startswith(cues.riot_codes) and all(lemma(t) in cues.riot_sources for t, _ in d.sources):
        d.code = "145"
        return APPLIED
    return PASS


def threat(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "X said it would boycott Y", "X will withdraw its troops unless Y ...": a conflict act only
    announced is a threat (13x), made when announced."""
    code = ctx.coder._threat_code(d.code, d.fact, d.m.frame.pred, d.sources, ctx.actors)
    if code is None:
        return PASS
    d.code, d.fact.modality, d.fact.cue, d.threat = code, "actual", "threat", True
    return APPLIED


def announced_intent(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "Israel announced it would free 150 prisoners": the cooperative counterpart of a threat, an
    expression of intent (03x) that was made, as CAMEO codes announcements; so is a plan as the news
    reports it ("Canada plans to send aid", "Norway will host talks, officials said"), while another
    state's forecast ("Japan said China will send aid") stays the act."""
    coder, fact = ctx.coder, d.fact
    if d.threat or d.m.composed or fact.polarity != "asserted":
        return PASS
    if not (coder._announced_by_source(fact, d.sources, ctx.actors)
            or (not coder.config.petrarch_practice and fact.modality in ("future", "intended")
                and not coder._foreign_speaker(fact, d.sources, ctx.actors))):
        return PASS
    intent = coder._promise_code(d.code, fact)
    if intent is None:
        return PASS
    d.code, fact.modality, fact.cue = intent, "actual", "announced intent"
    return APPLIED


# ----------------------------------------------------------------------------- the target
def target_from_arguments(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "met *Xi*", "imposed sanctions *on Iran*", "recalled its ambassador *from* Buenos Aires": the
    first argument the pattern allows that names someone other than the source, preferring one of
    another country; "in"/"at" name a venue ("met *in Brasilia*"), not a partner, except for acts
    whose target is where they happen (visits, protests, fighting) and in PETRARCH's practice."""
    m, frame, coder = d.m, d.m.frame, ctx.coder
    d.src_countries = {a.country for _, a in d.sources}
    d.own_keys = own_keys = {a.code or a.text for _, a in d.sources}
    last_resort = LAST_RESORT_PREPS if d.code.startswith(PLACE_TARGET_CODES) or coder.config.petrarch_practice \
        else PARTNER_PREPS
    options = m.options + ([frame.preps[p] for p in last_resort if p in frame.preps] if m.options else [])
    first: tuple[int, list[Token], list[Party]] | None = None
    for n, option in enumerate(options):
        if n > 0 and option and all(lemma(t) in coder.cues.place_nouns and t.dep_ == "pobj"
                                    and t.head.lower_ in PLACE_PREPS and t.head.head.i != frame.pred.i
                                    for t in option):
            continue  # "captured a stronghold *on the Thai border*": where, not whom
        # the source itself is no target ("blocked roads to press *their* demands"), nor a part of it
        found = [(t, a) for t, a in coder._actors(option, ctx.actors, nested=True)
                 if (a.code or a.text) not in own_keys and not _own_part(t, a, own_keys)]
        if not found:
            if n == 0 and option and all(t.ent_type_ in NAMED_ENTITIES for t in option) \
                    and all(t in frame.objects for t in option):
                break  # "criticized *Ford* for moving plants to Mexico": the object is someone we do not know
            continue
        if first is None:
            first = (n, option, found)
            if n == 0 and coder._addressed(m):
                break  # "Congress asked *Obama* to help Iran": the addressee, even at home
        if any(a.country not in d.src_countries for _, a in found):
            first = (n, option, found)  # an actor other than the source's own country
            break
        if n + 1 >= len(m.options):
            break  # last-resort prepositions only serve to leave the source's own country
    if first is None:
        return PASS
    n, m.targets, d.targets = first
    # a fallback: the pattern says where its target is ("meet with", "attack *") and that place named no
    # one; a pattern that says nothing takes the first argument that names someone
    m.target_from_fallback = n > 0 and (m.pattern.prep is not None or m.pattern.target_is_object)
    return APPLIED


def own_government_addressed(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "the Argentine steel union demanded that *the government* ...": a bare definite institution
    addressed by a domestic group is its own country's, whatever government was named last."""
    home = {a.country for _, a in d.sources if a.sector in DOMESTIC_SECTORS and a.country}
    if len(home) != 1 or len(d.src_countries) != 1:
        return PASS
    (own_country,) = home
    entry = ctx.coder.kb.states.get(own_country)
    state = Actor(text=own_country, code=own_country, country=own_country, name=entry.name if entry else None)
    homed = ctx.coder._homed
    moved = False
    targets: list[Party] = []
    for t, a in d.targets:
        if a.sector and a.country and a.country != own_country and _bare_definite(t):
            a, moved = homed(a, state, a.text, f"{own_country}{a.sector}"), True
        targets.append((t, a))
    d.targets = targets
    return APPLIED if moved else PASS


def one_of_two_governments(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "the government" read back to "the two governments": one of them, the source's own if named."""
    targets = d.targets
    if len(targets) > 1 and len({t.i for t, _ in targets}) == 1 and targets[0][0].tag_ in ("NN", "NNP"):
        own = [(t, a) for t, a in targets if a.country in d.src_countries]
        if own:
            d.targets = own
            return APPLIED
    return PASS


def warning_not_at_itself(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "X warned that *X's side* would retaliate": the warning is not aimed at itself."""
    if d.code.startswith("13") and d.targets and all(
            t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ccomp" and a.country in d.src_countries
            for t, a in d.targets):
        d.targets = []
        return APPLIED
    return PASS


def ultimatum_target(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "... unless Israel rescinds the annexation": a threat aims at whom it is meant to move (also when
    the act itself falls on the source's own country: "would close the US border if Mexico ...")."""
    if not d.code.startswith("13") or not all(a.country in d.src_countries for _, a in d.targets):
        return PASS
    clause = ctx.coder._ultimatum(d.m.frame.pred)
    if clause is None:
        return PASS
    subs = [g for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") for g in conjuncts(c)]
    d.targets = [(t, a) for t, a in ctx.coder._actors(subs, ctx.actors)
                 if (a.code or a.text) not in d.own_keys] or d.targets
    return APPLIED


def reciprocal_group(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "talks between China and Russia", "the meeting of the two leaders": with no subject, the group
    of the reciprocal noun is both sides."""
    if d.m.frame.reciprocal_group and not d.sources and len(d.targets) >= 2:
        d.sources, d.targets = d.targets, []
        return APPLIED
    return PASS


def victims_where_it_happened(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "Russian forces killed 20 civilians in Kharkiv": victims belong where it happened, not to the only
    state the sentence names (the attacker's)."""
    coder = ctx.coder
    if not ctx.sent_countries or not d.code.startswith(CONFLICT_ACTS) \
            or not any(not a.country for _, a in d.targets):
        return PASS
    d.location = resolve_location(ctx.sent.doc, d.m.frame.pred.i, ctx.countries)
    d.located = True
    if d.location is not None and d.location.country:
        d.targets = [(t, coder._placed(a, {d.location.country})) for t, a in d.targets]
        return APPLIED
    return PASS


def political_traveller(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "Millions of tourists flew to Spain", "Gambians landed in Italy", "bombers flew to Japan": a motion
    verb is a visit by a political traveller only (``travel_verbs``, ``visitor_sectors``,
    ``military_visitors`` in cues.yaml); other travellers are dropped, and with none left there is no event."""
    cues, pat = ctx.coder.cues, d.m.pattern
    verb = pat.words[0] if d.m.composed and pat.words else pat.head
    if verb not in cues.travel_verbs or not d.code.startswith(("04", "036")):
        return PASS

    def visitor(tok: Token, a: Actor) -> bool:
        if a.kind == "person" or (a.sector or "").lower() in cues.visitor_sectors:  # cue lists are lower case
            return True
        if a.sector == "MIL":
            return any(lemma(t) in cues.military_visitors for t in tok.subtree)  # "the defence *minister*"
        return a.kind not in ("state", "sector", "place", "implied", "unknown", None) and not a.sector

    kept = [(t, a) for t, a in d.sources if visitor(t, a)]
    if len(kept) == len(d.sources):
        return PASS
    d.sources = kept
    return APPLIED if kept else STOP


def placed_in_the_sentence(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "Shona rebels", "police", "the opposition": a domestic sector with no country takes the country of
    the sentence when exactly one state is named there."""
    if not ctx.sent_countries:
        return PASS
    placed = ctx.coder._placed
    sources = [(t, placed(a, ctx.sent_countries)) for t, a in d.sources]
    targets = [(t, placed(a, ctx.sent_countries)) for t, a in d.targets]
    moved = any(a is not b for (_, a), (_, b) in zip(sources + targets, d.sources + d.targets, strict=True))
    d.sources, d.targets = sources, targets
    return APPLIED if moved else PASS


def reversed_pattern(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "X received aid from Y": the pattern says Y -> X; without a Y there is no event."""
    if not d.m.pattern.reverse:
        return PASS
    if not d.targets:
        return STOP
    d.sources, d.targets = d.targets, d.sources
    return APPLIED


def needs_source(ctx: SentenceContext, d: Draft) -> Verdict:
    """An event needs a source actor."""
    return PASS if d.sources else STOP


# ----------------------------------------------------------------------------- the pairs
def _reciprocal(ctx: SentenceContext, d: Draft) -> bool:
    cues, pat = ctx.coder.cues, d.m.pattern
    return cues.is_reciprocal(d.code) or pat.head in cues.reciprocal_governors or (
        d.code == "030" and bool(d.m.frame.words & cues.mutual_words)) or "verbal_dispute" in d.trail


def co_subjects(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "China and Russia signed a statement", "the two countries agreed": a reciprocal act of two or
    more subjects and no target is each one's with every other (symmetric halves)."""
    if d.targets or len(d.sources) < 2 or not _reciprocal(ctx, d):
        return PASS
    d.pairs.extend((s, t, True) for s in d.sources for t in d.sources if s is not t)
    return APPLIED


def source_target_pairs(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "A and B condemned C and D": every pair, but one phrase is not both sides ("Malaysian and Japanese
    firms"); "Abe met Xi": a meeting is Xi's with Abe too; "Abe visited Xi": Xi hosted Abe (043); "A
    traded with B" is B's trade with A too, but "A sold jets to B" flows one way (``one_way_codes``)."""
    if not d.targets:
        return PASS
    config, cues = ctx.coder.config, ctx.coder.cues
    converse = cues.converse(d.code)
    mutual = d.code.startswith(cues.mutual_codes) and not config.petrarch_practice and not (
        d.code.startswith(cues.one_way_codes) and d.m.pattern.prep not in cues.partner_preps)
    for s in d.sources:
        for t in d.targets:
            if (s[1].code or s[1].text) != (t[1].code or t[1].text) and s[0].i != t[0].i:
                d.pairs.append((s, t, mutual))
                if mutual:
                    d.pairs.append((t, s, True))
                elif converse and not config.petrarch_practice:
                    d.pairs.append((t, s, False, converse))
    return APPLIED


def sentence_target(ctx: SentenceContext, d: Draft) -> Verdict:
    """ "Japan's trade minister responded to Trump, saying ...": with no target in the act's arguments,
    the one other party its clause names (for the codes ``sentence_target_codes`` lists); else none."""
    if d.targets or d.pairs:
        return PASS
    other = None
    if d.code.startswith(ctx.coder.cues.sentence_target_codes):
        other = ctx.coder._sentence_target(ctx.sent, d.m.frame, d.sources, ctx.actors)
    if other is not None:
        d.m.target_from_fallback = True
    d.pairs = [(s, other, False) for s in d.sources]
    return APPLIED if other is not None else PASS


def needs_pair(ctx: SentenceContext, d: Draft) -> Verdict:
    """No pair of a source and another party (the only target was the source itself): no event."""
    return PASS if d.pairs else STOP


EVENT_RULES: tuple[EventRule, ...] = (
    idiom, literal_sense, refusal, attacker_in_phrase, protesters_clash, armed_clash, verbal_dispute, threat,
    announced_intent,
    target_from_arguments, own_government_addressed, one_of_two_governments, warning_not_at_itself,
    ultimatum_target, reciprocal_group, victims_where_it_happened, placed_in_the_sentence, political_traveller,
    reversed_pattern,
    needs_source, co_subjects, source_target_pairs, sentence_target, needs_pair,
)


# ----------------------------------------------------------------------------- a pair's target
TargetFallback = Callable[[SentenceContext, Draft, Party, "Actor | None"], "Actor | None"]


def place_as_target(ctx: SentenceContext, d: Draft, src: Party, target: Actor | None) -> Actor | None:
    """ "a visit to the city of Nanping", "shelling in Gaza": with no target named, the country where a
    visit, protest or attack happens (not the source's own)."""
    loc = d.location
    if target is None and d.code.startswith(PLACE_TARGET_CODES) and loc and loc.country \
            and loc.country != src[1].country:
        return Actor(text=loc.name, code=loc.country, country=loc.country, name=loc.name, kind="place")
    return None


def protest_at_own_authorities(ctx: SentenceContext, d: Draft, src: Party, target: Actor | None) -> Actor | None:
    """ "thousands marched in the capital": a protest that names no one is aimed at the authorities of
    its own country (not the state's own forces' blockades)."""
    if target is not None or not d.code.startswith("14") or src[1].sector in STATE_FORCES:
        return None
    country = src[1].country
    if country and len(country) == 3 and src[1].kind != "igo":
        return Actor(text=f"({country} authorities)", code=f"{country}GOV", country=country, sector="GOV",
                     kind="implied")
    return None


def group_where_it_happens(ctx: SentenceContext, d: Draft, src: Party, target: Actor | None) -> Actor | None:
    """ "mediation between rival militias in Tripoli": a domestic group with no country is of the country
    where the event happens."""
    loc = d.location
    if target is not None and not target.country and target.sector in DOMESTIC_SECTORS and loc and loc.country:
        return replace(target, country=loc.country, code=f"{loc.country}{target.code or target.sector}")
    return None


TARGET_FALLBACKS: tuple[TargetFallback, ...] = (place_as_target, protest_at_own_authorities, group_where_it_happens)


def one_state_twice(src: Party, tgt_tok: Token | None, tgt_actor: Actor | None, code: str) -> bool:
    """ "Merkel visited a synagogue in Berlin", "Trump withdrew America from the agreement": a domestic event
    is one between two parts of a state (government and rebels, police and protesters); where one side is
    the state as a whole, with no sector, the pair is the state and itself, no event. A people named by
    its demonym ("Hungarians rallied against the government") is its citizens, a part of the state; rebels,
    insurgents and the opposition face the state itself ("the PKK's campaign against the Turkish state"),
    and violence or a protest is aimed at the place where it happens ("troops shelled Donetsk"). On the
    annotated train pool the rules' pairs of a state and its own part were events a coder listed 7 times
    in 77."""
    if tgt_actor is None or src[1].country is None or src[1].country != tgt_actor.country \
            or len(src[1].country) != 3 or "igo" in (src[1].kind, tgt_actor.kind) \
            or src[1].sector in CHALLENGER_SECTORS or tgt_actor.sector in CHALLENGER_SECTORS \
            or (code.startswith(VIOLENT_OR_PROTEST) and src[1].sector is not None):
        return False
    whole = [tok for tok, actor in ((src[0], src[1]), (tgt_tok, tgt_actor)) if actor.sector is None]
    return any(tok is None or not _a_people(tok) for tok in whole)


def _a_people(tok: Token) -> bool:
    """ "Hungarians", "the Brazilians": a nationality in the plural names the people, not the state."""
    return tok.ent_type_ == "NORP" and tok.tag_ in ("NNS", "NNPS")


# ----------------------------------------------------------------------------- the loop
def draft_for(ctx: SentenceContext, m: Match) -> Draft:
    """A match's starting point: the pattern's code, the predicate's factuality, its subjects' actors."""
    fact = assess(m.frame.pred, ctx.sent, ctx.coder.cues, ctx.quotes)
    return Draft(m=m, code=m.pattern.code, fact=fact, sources=ctx.coder._actors(m.frame.subjects, ctx.actors))


def events_for(ctx: SentenceContext, m: Match, trace: dict[str, list[str]] | None = None) -> list[Event]:
    """The events of one match: :data:`EVENT_RULES` over its draft, then one event per pair.
    ``trace``: filled with each event's trail (event id -> rule names)."""
    d = draft_for(ctx, m)
    for rule in EVENT_RULES:
        verdict = rule(ctx, d)
        if verdict == STOP:
            return []
        if verdict == APPLIED:
            d.trail.append(rule.__name__)
    coder, fact = ctx.coder, d.fact
    claimant: Actor | None = None
    if fact.speaker is not None:
        found = ctx.actors.actors_for(fact.speaker)
        claimant = found[0] if found else None
    date_info = resolve_date(ctx.sent.doc, m.frame.pred.i, ctx.article.published, coder.config.historical_days)
    if not d.located:
        d.location = resolve_location(ctx.sent.doc, m.frame.pred.i, ctx.countries)
    events: list[Event] = []
    for src, tgt, symmetric, *own_code in d.pairs:
        assert src is not None
        tgt_actor = tgt[1] if tgt else None
        fallback = ""
        for complete in TARGET_FALLBACKS:
            got = complete(ctx, d, src, tgt_actor)
            if got is not None:
                tgt_actor, fallback = got, complete.__name__
                break
        tgt_tok = tgt[0] if tgt is not None and tgt[1] is tgt_actor else None
        code = own_code[0] if own_code else d.code
        if not coder.config.petrarch_practice and one_state_twice(src, tgt_tok, tgt_actor, code):
            continue
        ev = coder._event(m, code, ctx.sent, ctx.s_index, ctx.article, src, tgt,
                          tgt_actor, symmetric, fact, claimant, date_info, d.location)
        # "the House and Senate refused ...", "activists A and B spoke ...": two phrases, one actor once
        # placed (USALEG, HKGOPP) -- one event, not the same event twice
        if all(e.event_id != ev.event_id for e in events):
            events.append(ev)
            if trace is not None:
                trace[ev.event_id] = d.trail + ([fallback] if fallback else [])
    return events
