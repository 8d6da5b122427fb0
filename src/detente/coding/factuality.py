"""Factuality and attribution of a predicate: polarity, modality, refusal, claimant, quote.

Walks from the predicate up its chain of governors inside the sentence:

- **polarity** ``negated`` when the predicate or a governor below the nearest verb of
  saying carries a negation ("did *not* sign", "*never* met", "careful *not* to circumvent",
  "was *not* aware of ... support", "*no* agreement"), or a failure verb governs it ("failed
  to agree"). A refusal verb ("refused to meet") is not a negation: the coder turns the
  event into CAMEO's refusal code (``refusal=True``).
- **modality**: ``hypothetical`` under a condition ("*if* China violates"), a belief or prediction
  over a future act ("*sure* Ukraine will join"), a hypothetical
  modal ("*would* retaliate") or a verb that only entertains the act ("*considering*
  sanctions"), or an infinitive with a subject of its own ("time *for* Japan to open its markets");
  ``denied`` under a denial verb ("*denied* that ...") or a negated denial frame
  ("*not intended* as threats"); ``alleged`` in what an accusation or allegation says someone
  did ("X *accused* Y of violating ...", "X *alleged* that ...": ``accusation_verbs``, not counted
  as happened); ``future`` with will/shall/going to; ``intended`` under an intention verb ("*plans*
  to visit", "*agreed* to continue"); else ``actual``.
- **claimant**: the subject of the nearest verb of saying or accusing above the predicate ("X
  *said* that ...", "X *told* Y that ...", "..., X said", "X *accused* Y of ..."; for a passive
  accusation its agent, never the accused), a speech noun's owner ("X's *statement* said"), or
  "*according to* X" anywhere in the sentence.
- **quote**: the predicate stands inside quotation marks.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from .cues import Cues
from .frames import lemma

_OPEN_QUOTES = {'"', "“", "‘", "«", "„", "``"}
_CLOSE_QUOTES = {'"', "”", "’", "»", "''"}
# the chain climbs through these dependencies (a clause's own predicate to its governor)
_CLIMB = {"xcomp", "ccomp", "advcl", "acomp", "pcomp", "pobj", "prep", "dobj", "nsubjpass", "nsubj", "acl",
          "conj", "attr", "oprd", "relcl", "amod", "compound", "appos", "npadvmod", "dative", "agent", "aux",
          "auxpass"}


@dataclass
class Factuality:
    polarity: str = "asserted"
    modality: str = "actual"
    refusal: bool = False
    local_negation: bool = False  # the negation sits on the act itself ("would not provide", "did not agree to")
    speaker: Token | None = None  # the token naming who says so
    speech_verb: Token | None = None
    quote: bool = False
    cue: str | None = None  # the word that decided polarity/modality (explanation)
    intent_verb: str | None = None  # the lemma of the intention verb when modality is "intended"


def _has_negation(tok: Token, cues: Cues) -> Token | None:
    for child in tok.children:
        if child.dep_ == "neg" or (child.lower_ in cues.negators and child.dep_ in ("advmod", "det", "preconj")):
            return child
    return None


def _aux_words(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ in ("aux", "auxpass")]


def quote_ranges(sent: Span) -> list[tuple[int, int]]:
    """Token index ranges inside quotation marks (straight quotes toggle; curly ones pair)."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    for tok in sent:
        t = tok.text
        if not tok.is_quote and t not in _OPEN_QUOTES | _CLOSE_QUOTES:
            continue
        if start is None and (t in _OPEN_QUOTES):
            start = tok.i
        elif start is not None and (t in _CLOSE_QUOTES):
            ranges.append((start, tok.i))
            start = None
    return ranges


def speaker_of(verb: Token, cues: Cues) -> Token | None:
    """The subject of a verb of saying, or the owner of a speech noun subject ("X's statement")."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if lemma(child) in cues.speech_nouns:
                for g in child.children:
                    if g.dep_ in ("poss", "compound", "amod") or (g.dep_ == "prep" and g.lower_ in ("of", "from")):
                        if g.dep_ == "prep":
                            objs = [x for x in g.children if x.dep_ == "pobj"]
                            if objs:
                                return objs[0]
                        else:
                            return g
            return child
        if child.dep_ == "agent" and (agent := _agent_object(child)) is not None:
            return agent
    return None


def _agent_object(agent: Token) -> Token | None:
    """The object of a passive's ``by`` phrase."""
    return next((x for x in agent.children if x.dep_ == "pobj"), None)


def accuser_of(verb: Token) -> Token | None:
    """Who accuses: the active subject, or the agent of a passive ("India was accused *by Pakistan*");
    never the accused passive subject."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
        if child.dep_ == "agent" and (agent := _agent_object(child)) is not None:
            return agent
    return None


def according_to(sent: Span) -> Token | None:
    for tok in sent:
        if tok.lower_ == "according":
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ == "to":
                    objs = [x for x in child.children if x.dep_ == "pobj"]
                    if objs:
                        return objs[0]
    return None


def _under_speech(tok: Token, cues: Cues) -> bool:
    """The clause of ``tok`` is the complement of a verb of saying ("said he *would* come")."""
    t = tok
    for _ in range(4):
        if t.dep_ in ("ccomp", "parataxis") and lemma(t.head) in cues.speech_verbs:
            return True
        if t.dep_ not in ("xcomp", "conj") or t.head is t:
            return False
        t = t.head
    return False


_INVERTED = frozenset({"should", "had", "were"})


def is_condition(clause: Token, cues: Cues) -> bool:
    """An adverbial clause that states a condition: "*if* X ...", or inverted "*Should* they launch ...",
    "*Had* they known ...", "*Were* it to ..." (the auxiliary before its subject)."""
    if any(g.dep_ == "mark" and g.lower_ in cues.condition_marks for g in clause.children):
        return True
    first = clause.doc[clause.left_edge.i]
    subj = [g for g in clause.children if g.dep_ in ("nsubj", "nsubjpass", "expl")]
    return bool(first.lower_ in _INVERTED and first.dep_ in ("aux", "auxpass") and first.head.i == clause.i
                and subj and first.i < subj[0].i)


def irrealis_clause(verb: Token, cues: Cues) -> bool:
    """A to-infinitive with a subject of its own after an ``irrealis_marks`` word: "*for* Japan *to* open" (the
    act is wanted, judged or made possible, not done; the coder addresses an appeal's such clause to its subject)."""
    kids = list(verb.children)
    return any(c.dep_ == "mark" and c.lower_ in cues.irrealis_marks for c in kids) \
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in kids) \
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in kids)


def _conditional(tok: Token, cues: Cues) -> bool:
    return any((c.dep_ == "advcl" or (c.dep_ == "ccomp" and c.i < tok.i)) and is_condition(c, cues)
               for c in tok.children)


def assess(pred: Token, sent: Span, cues: Cues, quotes: list[tuple[int, int]] | None = None) -> Factuality:  # noqa: C901 - to split into named steps (pyproject.toml)
    fact = Factuality()
    chain: list[Token] = []
    tok = pred
    while True:
        chain.append(tok)
        if tok.head is tok or tok.dep_ not in _CLIMB or len(chain) > 12:
            break
        tok = tok.head
    # the predicate's own negation and everything between it and the nearest verb of saying;
    # negation does not pass up through coordination or noun modifiers (relative clauses,
    # participles): "did not lift sanctions *imposed* by X" leaves "imposed" asserted.
    scope = True  # negation and modality still apply
    neg_scope = True
    for i, t in enumerate(chain):
        lem = lemma(t)
        via = chain[i - 1].dep_ if i else ""
        if i and via in ("relcl", "acl", "appos"):
            scope = neg_scope = False
        if i and via == "conj":
            neg_scope = False
        if i and t.pos_ in ("NOUN", "PROPN"):
            # a noun above the predicate ("support for Putin's *war*"): its scope is not ours
            scope = neg_scope = False
        if i and lem in cues.belief_words and via in ("ccomp", "xcomp", "acomp", "advcl", "parataxis") \
                and fact.modality == "future" and scope:
            fact.modality, fact.cue = "hypothetical", t.text  # "sure Ukraine *will* join": a prediction
        if i and t.pos_ == "VERB" and lem in cues.accusation_verbs and (
                via in ("ccomp", "parataxis") or (via == "prep" and chain[i - 1].lower_ in cues.accusation_preps)):
            # "Pakistan accused India *of violating* the ceasefire": the accuser's claim, not a fact
            if fact.speech_verb is None:
                fact.speech_verb, fact.speaker = t, accuser_of(t)
            if scope and fact.polarity == "asserted" and fact.modality in ("actual", "intended", "future"):
                fact.modality, fact.cue = "alleged", t.text
            scope = neg_scope = False
            continue
        if (i and t.pos_ in ("VERB", "AUX") and lem in cues.speech_verbs and via in ("ccomp", "parataxis")) \
                or (i and via == "xcomp" and lem in cues.denial_verbs):
            if fact.speech_verb is None:
                fact.speech_verb = t
                fact.speaker = speaker_of(t, cues)
            if lem in cues.denial_verbs and scope and fact.modality == "actual":
                fact.modality, fact.cue = "denied", t.text
            scope = neg_scope = False
            continue
        if not scope:
            continue
        neg = _has_negation(t, cues)
        if neg is not None and neg_scope and fact.polarity == "asserted":
            if i and lem in cues.denial_frames:  # "not intended as threats"
                fact.modality, fact.polarity, fact.cue = "denied", "negated", neg.text
            elif not (i == 1 and lem in cues.refusal_verbs):
                fact.polarity, fact.cue = "negated", neg.text
                fact.local_negation = all(c.dep_ == "xcomp" for c in chain[:i])
        if i and via in ("xcomp", "acomp", "ccomp", "pcomp", "prep", "pobj", "advcl"):
            if lem in cues.refusal_verbs and via == "xcomp" and i == 1 and fact.polarity == "asserted":
                fact.refusal, fact.cue = True, t.text
            elif lem in (cues.failure_verbs | cues.avoidance_adjectives) and fact.polarity == "asserted" \
                    and via in ("xcomp", "acomp", "advcl"):
                fact.polarity, fact.cue = "negated", t.text
                fact.local_negation = i == 1 and via == "xcomp" and lem in cues.failure_verbs
            elif lem in cues.hypothetical_verbs and (via in ("xcomp", "ccomp", "dobj") or (
                    via == "prep" and chain[i - 1].lower_ in cues.irrealis_marks)) \
                    and fact.modality in ("actual", "intended"):
                fact.modality, fact.cue = "hypothetical", t.text  # "called *for* a Russian withdrawal"
            elif lem in cues.intention_verbs and fact.modality == "actual" and via == "xcomp":
                fact.modality, fact.cue, fact.intent_verb = "intended", t.text, lem
        if i and lem in cues.hypothetical_verbs and via == "dobj" and t.pos_ == "VERB" \
                and fact.modality in ("actual", "intended"):
            fact.modality, fact.cue = "hypothetical", t.text  # "considering sanctions"
        for child in t.children:
            if child.dep_ == "mark" and child.lower_ in cues.condition_marks and fact.modality != "denied":
                fact.modality, fact.cue = "hypothetical", child.text
            elif child.dep_ == "mark" and child.lower_ in cues.irrealis_marks and irrealis_clause(t, cues) \
                    and fact.modality in ("actual", "intended", "future"):
                fact.modality, fact.cue = "hypothetical", child.text  # "time *for* Japan to open its markets"
            elif fact.modality != "denied" and (child.dep_ == "advcl" or (child.dep_ == "ccomp" and child.i < t.i)) \
                    and is_condition(child, cues):
                # the consequent of a condition: "if X imposes tariffs, Y *would retaliate*"
                fact.modality, fact.cue = "hypothetical", child.text
        for aux in _aux_words(t):
            al = aux.lower_
            if al == "would" and _under_speech(t, cues) and fact.modality in ("actual", "intended") \
                    and fact.cue not in cues.condition_marks and not _conditional(t, cues):
                fact.modality, fact.cue = "future", aux.text  # "said he would": future in the past
            elif al in cues.hypothetical_modals and fact.modality in ("actual", "intended", "future"):
                fact.modality, fact.cue = "hypothetical", aux.text
            elif (al in cues.future_markers or lemma(aux) in cues.future_markers) and fact.modality == "actual":
                fact.modality, fact.cue = "future", aux.text
        if i and t.dep_ in ("ROOT",) and via in ("ccomp", "parataxis"):
            break
    # "..., officials said": the verb of saying hangs below the predicate's clause root
    if fact.speaker is None:
        root = chain[-1]
        for cand in (pred, root):
            for child in cand.children:
                if child.dep_ in ("parataxis", "advcl", "ccomp") and lemma(child) in cues.speech_verbs \
                        and child.i > pred.i:
                    fact.speech_verb = child
                    fact.speaker = speaker_of(child, cues)
                    break
            if fact.speaker is not None:
                break
    if fact.speaker is None:
        acc = according_to(sent)
        if acc is not None:
            fact.speaker = acc
    ranges = quotes if quotes is not None else quote_ranges(sent)
    fact.quote = any(a < pred.i < b for a, b in ranges)
    return fact

