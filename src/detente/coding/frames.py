"""Predicates and their arguments over a spaCy dependency parse: ``Span (sentence) -> [Frame]``.

A :class:`Frame` is one candidate predicate (a verb, or a noun that names an event) with
the tokens that may fill its roles:

- ``subjects``: who acts — the subject, the passive agent ("by ..."), the subject inherited
  through open complements and coordinated verbs ("agreed to *continue*", "met and *signed*"),
  the controller of object-control verbs ("urged Iran to *halt*"), the noun a relative
  pronoun stands for, the possessor or nationality modifier of an event noun ("Russia's
  *invasion*", "the Xi–Putin *meeting*"), the subject of a light verb ("held *talks*").
- ``objects``: the direct object (or the passive subject, or the noun a passive participle
  modifies: "sanctions *imposed* by the West").
- ``preps``: preposition lemma -> its objects ("with", "on", "to"...); datives count as "to".
- ``words``: the lemmas of the predicate's phrase that lexicon patterns may require.

Coordination is expanded on every side: "China and Russia signed" gives two subjects.
Only structure is decided here; actors, codes and factuality are decided downstream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

PASS_SUBJ = {"nsubjpass", "csubjpass"}
OBJ = {"dobj", "obj"}
# children whose subtrees may hold constraint words of a pattern
PHRASE_DEPS = {"prt", "dobj", "obj", "dative", "xcomp", "acomp", "attr", "prep", "agent", "oprd", "advmod",
               "npadvmod", "compound", "amod", "nmod", "poss"}
STOP_DEPS = {"conj", "cc", "relcl", "ccomp", "advcl", "parataxis", "punct", "appos", "acl", "mark"}
RELATIVE_PRONOUNS = {"which", "that", "who", "whom", "whose"}
OBJECT_CONTROL = {"urge", "ask", "call", "persuade", "force", "order", "tell", "invite", "encourage", "press",
                  "pressure", "allow", "help", "compel", "instruct", "advise", "request", "warn", "push",
                  "permit", "enable", "authorize", "authorise", "require", "lead", "prompt", "convince"}
MAX_PHRASE = 40


@dataclass
class Frame:
    pred: Token
    pos: str  # verb | noun
    subjects: list[Token] = field(default_factory=list)
    objects: list[Token] = field(default_factory=list)
    preps: dict[str, list[Token]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    passive: bool = False
    inherited_subject: bool = False
    xobjects: list[Token] = field(default_factory=list)  # objects of an open complement ("refused to meet X")
    light_verb: Token | None = None  # the verb of "held talks", when the noun is the event
    reciprocal_group: bool = False  # "the meeting between A and B": the arguments are mutual
    victims: list[Token] = field(default_factory=list)  # "civilians were killed *in an air strike*"
    # prepositions found only inside another prepositional phrase of the predicate ("spoke *about*
    # the need *for* action": "for"); a pattern's own preposition must not be one of these alone
    nested_preps: set[str] = field(default_factory=set)

    def add_prep(self, lemma: str, toks: list[Token]) -> None:
        self.preps.setdefault(lemma, [])
        for t in toks:
            if t not in self.preps[lemma]:
                self.preps[lemma].append(t)


def lemma(tok: Token) -> str:
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def conjuncts(tok: Token) -> list[Token]:
    """The token and the tokens coordinated with it ("China and Russia" -> [China, Russia])."""
    out = [tok]
    for c in tok.conjuncts:
        if c not in out and abs(c.i - tok.i) < 40:
            out.append(c)
    # "Mordor, the Shire, Arnor and Bree": the parser often reads the second item of a list as an
    # apposition of the first and hangs the rest on it; an apposition that itself opens a
    # coordination closed by "and"/"or" is a list member, not a second name for the head
    for c in tok.children:
        if c.dep_ == "appos" and c.i > tok.i and c.conjuncts:
            members = [c, *c.conjuncts]
            if any(g.dep_ == "cc" for m in members for g in m.children):
                out.extend(m for m in members if m not in out and abs(m.i - tok.i) < 40)
        elif c.dep_ == "appos" and c.i > tok.i and c.pos_ == "PROPN" and c not in out and any(
                g.dep_ == "cc" and g.i > c.i for g in tok.children) and any(
                g.dep_ == "conj" and g.i > c.i for g in tok.children):
            out.append(c)  # "Mordor, the awful Arnor, and Gondor": a name between the head and its "and
    return sorted(out, key=lambda t: t.i)


def _subtree_lemmas(tok: Token, acc: set[str], budget: list[int]) -> None:
    for child in tok.children:
        if budget[0] <= 0:
            return
        if child.dep_ in STOP_DEPS and child.dep_ != "conj":
            continue
        budget[0] -= 1
        acc.add(lemma(child))
        _subtree_lemmas(child, acc, budget)


def phrase_words(pred: Token) -> set[str]:
    words: set[str] = set()
    budget = [MAX_PHRASE]
    for child in pred.children:
        if child.dep_ == "prep" and child.lower_ in NON_ARGUMENT_PREPS:
            continue
        if child.dep_ in PHRASE_DEPS or (child.dep_ == "acl" and pred.pos_ in ("NOUN", "PROPN")):
            words.add(lemma(child))
            _subtree_lemmas(child, words, budget)
        elif child.dep_ == "ccomp" and child.i > pred.i and any(
                g.dep_ == "mark" and g.lower_ == "that" for g in child.children):
            words.add("that")  # a that-clause: "agree *that* disputes should be settled" (a view, not a plan)
    return words


NON_ARGUMENT_PREPS = {"according", "despite", "during", "since", "until", "before", "after", "amid", "following",
                      "due", "because", "like", "unlike", "including", "as", "than", "per"}


def collect_preps(frame: Frame, tok: Token, depth: int = 2, nested: bool = False) -> None:
    """Prepositional objects of ``tok`` and, ``depth`` levels down, of the nouns inside them:
    "welcomed the resumption of ties *with Osgiliath*" gives "with" -> Osgiliath."""
    for child in tok.children:
        if child.dep_ in ("prep", "agent"):
            if child.lower_ in NON_ARGUMENT_PREPS:
                continue
            objs = [g for g in child.children if g.dep_ in ("pobj", "pcomp", "dobj")]
            if objs:
                key = lemma(child)
                if nested and key not in frame.preps:
                    frame.nested_preps.add(key)
                elif not nested:
                    frame.nested_preps.discard(key)
                frame.add_prep(key, [c for o in objs for c in conjuncts(o)])
                if depth > 1:
                    for o in objs:
                        collect_preps(frame, o, depth - 1, nested=nested or tok.pos_ in ("VERB", "AUX"))
        elif child.dep_ == "dative":
            # "gave Ukraine aid"; "gave aid to Ukraine" has dative = "to" as a preposition
            if child.lower_ == "to":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                frame.add_prep("to", [c for o in objs for c in conjuncts(o)])
            else:
                frame.add_prep("to", conjuncts(child))


def own_subjects(verb: Token) -> tuple[list[Token], bool]:
    """Subjects of a verb and whether it is passive (its agent then acts)."""
    subs: list[Token] = []
    passive = False
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            subs.extend(conjuncts(child))
        elif child.dep_ in PASS_SUBJ:
            passive = True
    return subs, passive


def inherited_subjects(verb: Token, depth: int = 0) -> list[Token]:  # noqa: C901 - to split into named steps (pyproject.toml)
    """Subjects from the governing verb for verbs without their own (xcomp, conj, infinitival advcl)."""
    if depth > 4:
        return []
    head = verb.head
    if head is verb:
        return []
    dep = verb.dep_
    if dep == "pcomp" and head.dep_ == "prep" and head.head is not head:
        # "Arnor is about to restore ties": through the preposition to the clause it hangs from
        gov = head.head
        objs = [c for c in gov.children if c.dep_ in OBJ]
        if objs and head.lower_ in ("of", "for"):
            return conjuncts(objs[0])  # "accused Sudan of *arming*", "praised X for *helping*"
        subs, passive = own_subjects(gov)
        if subs and not passive:
            return subs
        return inherited_subjects(gov, depth + 1) if gov.pos_ in ("VERB", "AUX", "ADJ") else []
    if dep == "relcl":
        return conjuncts(head) if head.pos_ in ("NOUN", "PROPN", "PRON") else []
    if dep == "acl" and verb.tag_ == "VBG" and head.pos_ in ("NOUN", "PROPN"):
        return conjuncts(head)  # "the country attacking its neighbour"
    if dep in ("xcomp", "conj", "advcl", "ccomp", "acomp", "pcomp") or (dep == "acl" and verb.tag_ != "VBN"):
        if dep in ("advcl", "ccomp") and verb.pos_ != "ADJ" and (dep == "ccomp" or verb.tag_ != "VBG") and \
                not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return []
        if dep == "xcomp" and lemma(head) in OBJECT_CONTROL:
            objs = [c for c in head.children if c.dep_ in OBJ]
            if objs:
                return conjuncts(objs[0])
            preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "on"]  # "called on X to"
            for p in preps:
                pobj = [g for g in p.children if g.dep_ == "pobj"]
                if pobj:
                    return conjuncts(pobj[0])
        subs, passive = own_subjects(head)
        if passive and dep in ("conj", "xcomp"):
            # "X has been indicted by Y *and will resign*", "X was urged by Y *to leave*": X, not Y
            subs = [c for ch in head.children if ch.dep_ in PASS_SUBJ for c in conjuncts(ch)]
        elif passive:
            # "the city was shelled, *killing* 20 people": the participle's doer is the agent
            subs = agent_objects(head)
        if head.pos_ == "ADJ" and all(t.lower_ == "it" for t in subs):
            subs = []  # "felt it necessary to warn": a dummy subject
        if subs:
            return subs
        if head.pos_ in ("ADJ",) or head.dep_ in ("acomp", "ccomp", "xcomp", "conj", "advcl", "pcomp"):
            return inherited_subjects(head, depth + 1)
        if head.pos_ in ("VERB", "AUX"):
            return inherited_subjects(head, depth + 1)
    return []


def agent_objects(verb: Token) -> list[Token]:
    out: list[Token] = []
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            for g in child.children:
                if g.dep_ == "pobj":
                    out.extend(conjuncts(g))
    return out


def verb_frame(verb: Token) -> Frame:  # noqa: C901 - to split into named steps (pyproject.toml)
    frame = Frame(pred=verb, pos="verb")
    subs, passive = own_subjects(verb)
    frame.passive = passive
    if passive:
        frame.subjects = agent_objects(verb)
        frame.objects = [c for ch in verb.children if ch.dep_ in PASS_SUBJ for c in conjuncts(ch)]
    else:
        frame.subjects = subs
        frame.objects = [c for ch in verb.children if ch.dep_ in OBJ for c in conjuncts(ch)]
        if not frame.objects:
            # "denounced as a crime Serbia's crackdown": the object follows the "as" phrase and the
            # parser attaches it to "as" as a second object
            for ch in verb.children:
                if ch.dep_ == "prep" and ch.lower_ == "as" and ch.i > verb.i:
                    pobjs = [g for g in ch.children if g.dep_ == "pobj"]
                    appos = [a for p in pobjs[:1] for a in p.children if a.dep_ == "appos"]
                    if len(pobjs) > 1:
                        frame.objects = conjuncts(pobjs[-1])
                    elif appos:  # ... or as an apposition of the "as" phrase
                        frame.objects = conjuncts(appos[0])
                    elif pobjs and any(a.dep_ == "amod" and any(p.dep_ in ("poss", "det") and p.i > a.i for p in
                                       pobjs[0].children) for a in pobjs[0].children):
                        # "denounced as illegal Russia's annexation" ("... the annexation"): no adjective
                        # comes before a possessor or an article of its own noun
                        frame.objects = conjuncts(pobjs[0])
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN"):
        # "sanctions imposed by the West on Russia": the modified noun is the object
        frame.passive = True
        frame.subjects = agent_objects(verb)
        frame.objects = [verb.head]
        frame.words.add(lemma(verb.head))
    if not frame.subjects and not frame.passive:
        frame.subjects = inherited_subjects(verb)
        frame.inherited_subject = bool(frame.subjects)
    # relative pronoun subject/object -> the noun the clause modifies
    if verb.dep_ == "relcl":
        frame.subjects = [verb.head if t.lower_ in RELATIVE_PRONOUNS else t for t in frame.subjects]
        frame.objects = [verb.head if t.lower_ in RELATIVE_PRONOUNS else t for t in frame.objects]
    frame.words |= phrase_words(verb)
    collect_preps(frame, verb)
    for o in frame.objects:
        collect_preps(frame, o)
    for child in verb.children:
        if child.dep_ == "xcomp":  # "agreed to continue cooperation with X"
            collect_preps(frame, child)
            for o in child.children:
                if o.dep_ in OBJ:
                    collect_preps(frame, o)
                    frame.xobjects.extend(conjuncts(o))
        elif child.dep_ == "prt":
            frame.words.add(lemma(child))
    return frame


def noun_frame(noun: Token, light_verbs: frozenset[str], meeting_preps: frozenset[str] = frozenset()) -> Frame:
    """An event noun: its possessor, nationality modifiers, "by"/"between" phrases, or light verb's subject;
    a meeting with a partner in an adjunct of a clause ("said *after talks with* Poland's premier",
    "*In a call with* Xi, Trump reaffirmed ...", prepositions ``meeting_preps``) is the clause subject's."""
    frame = Frame(pred=noun, pos="noun")
    mods: list[Token] = []
    for child in noun.children:
        if child.dep_ == "poss":
            mods.extend(conjuncts(child))
        elif child.dep_ in ("compound", "amod", "nmod") and child.i < noun.i:
            mods.append(child)
            # "Xi-Putin meeting": compound chains
            mods.extend(g for g in child.children if g.dep_ in ("compound", "conj") and g.i < noun.i)
    frame.subjects = mods
    frame.words |= phrase_words(noun)
    collect_preps(frame, noun)
    if "by" in frame.preps:
        # its own "by" phrase only: in "protest against violations *by the police*" the police
        # committed the violations, they did not protest
        own = [o for o in frame.preps["by"] if (g := _governing_prep(o)) is not None and g.head == noun]
        rest = [o for o in frame.preps.pop("by") if o not in own]
        if rest:
            frame.preps["by"] = rest
        frame.subjects = own + frame.subjects
    for key in ("between", "among"):
        if key in frame.preps:
            frame.reciprocal_group = True
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in ("in", "by", "during") and head.head.pos_ == "VERB":
        # "four children were killed *in an Israeli air strike*": the passive subject suffered it
        frame.victims = [c for ch in head.head.children if ch.dep_ in PASS_SUBJ for c in conjuncts(ch)]
    if noun.dep_ in ("dobj", "obj") and lemma(head) in light_verbs and head.pos_ in ("VERB", "AUX"):
        vf = verb_frame(head)
        frame.light_verb = head
        if vf.subjects:
            frame.subjects = vf.subjects + [m for m in frame.subjects if m not in vf.subjects]
            frame.inherited_subject = vf.inherited_subject
        for k, v in vf.preps.items():
            frame.add_prep(k, v)
    elif noun.dep_ == "nsubjpass" and lemma(head) in light_verbs:
        frame.subjects = agent_objects(head) + frame.subjects
        collect_preps(frame, head)
    elif "with" in frame.preps and not any(map(_could_be_agent, frame.subjects)) \
            and _meeting_adjunct(noun, meeting_preps):
        vf = verb_frame(head.head)
        if not vf.passive and vf.subjects:
            frame.subjects = vf.subjects
            frame.inherited_subject = True
    return frame


def _could_be_agent(mod: Token) -> bool:
    """A possessor, a name or a nationality ("Xi's", "Oval Office", "Israeli"); not "long", "bilateral"."""
    return mod.dep_ == "poss" or mod.pos_ in ("PROPN", "PRON") or mod.text[:1].isupper()


def _meeting_adjunct(noun: Token, preps: frozenset[str]) -> bool:
    """``noun`` is the object of an adjunct preposition of a verb: "said *at* a meeting with"."""
    head = noun.head
    return (noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in preps
            and head.head.pos_ in ("VERB", "AUX"))


def _governing_prep(tok: Token) -> Token | None:
    """The preposition whose object ``tok`` (or the conjunct it hangs on) is."""
    for a in tok.ancestors:
        if a.dep_ in ("prep", "agent"):
            return a
        if a.dep_ not in ("conj", "pobj", "appos"):
            return None
    return None


def candidate_tokens(sent: Span) -> Iterator[Token]:
    for tok in sent:
        if tok.pos_ in ("VERB", "NOUN", "PROPN") or (tok.pos_ == "AUX" and tok.dep_ == "ROOT"):
            yield tok
