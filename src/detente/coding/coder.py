"""The event coder: ``(Doc, Article) -> CodedArticle`` — who did what to whom, in CAMEO and PLOVER.

For every sentence: find candidate predicates (:mod:`.frames`), match each against the
lexicon (:mod:`.lexicon`; the most specific pattern wins), resolve the arguments to actors
(:mod:`detente.actors`), decide factuality and attribution (:mod:`.factuality`), then give
the event its own date and place (:mod:`detente.context`). Quantities and divergent
accounts are extracted per document.

Directions and mutual events (documented in docs/coding.md):
- "A met B" gives one directed event A -> B.
- A reciprocal code (cues.yaml ``reciprocal_codes``: meet, negotiate, agree, sign,
  cooperate, clash, ...) with two or more subjects and no target ("China and Russia
  signed a statement", "the two countries agreed") or "the meeting *between* A and B"
  gives two directed events, A -> B and B -> A, each marked ``symmetric=True``.
- Several sources and several targets ("A and B condemned C and D") give every pair.

An event needs a source actor; the target may be null (stored, not used for dyads).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from .. import CODER_VERSION
from ..actors import DocActors
from ..config import Config, load_config
from ..context import resolve_date, resolve_location
from ..context.accounts import find_accounts
from ..context.quantities import extract_quantities
from ..nlp import sentence_index, sentences
from ..records import Actor, Article, CodedArticle, Event, Location, event_id_for
from .calibration import LIKELY, RuleCalibration, calibrated, load_rule_calibration
from .codebook import Codebook, load_codebook
from .cues import ComplementClass, Cues, load_complements, load_cues, load_word_sense
from .factuality import Factuality, assess, irrealis_clause, quote_ranges
from .frames import Frame, candidate_tokens, conjuncts, lemma, noun_frame, verb_frame
from .lexicon import Lexicon, Pattern, load_lexicon
from .pairs import Candidate, PairModel, candidates, load_pair_model, party_key
from .patterns import NO_EVENT
from .rules import CONFLICT_ACTS, DOMESTIC_SECTORS, PLACE_PREPS, VIOLENT_ACTS, SentenceContext, events_for, figurative

_TEMPORAL_MARKS = frozenset({"after", "before", "since", "until", "till", "when", "while", "once", "as"})
# the highest confidence of a bare statement (cues.yaml statement_codes): below eval's threshold, 0.6
STATEMENT_CONFIDENCE = 0.5
# a complement clause with these is a claim about the future, not what the governor demands
_CLAIM_AUX = frozenset({"would", "will", "could", "might", "may", "'ll", "wo"})
# prepositions of venue and time: "met *at the Mercosur summit*" names where, not whom
_VENUE_PREPS = frozenset({"at", "in", "during", "on", "before", "after", "inside", "outside"})
_PURPOSE_WORDS = frozenset({"protest", "demand", "defiance", "opposition", "denounce", "condemn", "press", "oppose"})
# cooperative acts that, planned or announced, are expressions of intent (03x)
_COOPERATIVE_ACTS = ("04", "05", "06", "07", "08")
_NESTED_DEPS = frozenset({"prep", "pobj", "poss", "compound", "amod", "nmod", "appos", "acl"})


def _is_claim(clause: Token) -> bool:
    """"that the Palestinians *would* be granted ...": a clause about the future claims, it does not ask."""
    return any(a.dep_ == "aux" and a.lower_ in _CLAIM_AUX for a in clause.children)


def _speaker_actors(fact: Factuality, actors: Any) -> list[Actor]:
    """The actors of whoever reports the act ("..., *officials in Tokyo* said"), if anyone does."""
    return actors.actors_for(fact.speaker) if fact.speaker is not None else []


def _dyad(src: Actor, tgt: Actor) -> tuple[str, str]:
    """A directed pair as analyses count it: countries, or actor codes within one country."""
    if src.country and tgt.country and src.country != tgt.country:
        return src.country, tgt.country
    return party_key(src), party_key(tgt)


def _clause_of(tok: Token) -> int:
    """The index of the clause a token stands in: its nearest verb (itself included) with a subject of
    its own, or the sentence root."""
    t = tok
    for _ in range(40):
        if t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children):
            return t.i
        if t.head.i == t.i:
            break
        t = t.head
    return t.i


def in_dateline(tok: Token) -> bool:
    """Whether ``tok`` stands in the dateline opening its sentence (computed once per sentence)."""
    doc = tok.doc
    ends = doc.user_data.get("detente_datelines")
    if ends is None:
        ends = doc.user_data["detente_datelines"] = [dateline_end(s) for s in sentences(doc)]
    return tok.i < ends[sentence_index(doc)[tok.i]]


def dateline_end(sent: Span) -> int:
    """Index of the first token after a dateline opening the sentence ("WASHINGTON, March 2 -",
    "GAZA CITY, Palestinian Territories:", "LONDON (Reuters) -"), else the sentence start."""
    first = sent[0]
    if not (first.is_upper and first.is_alpha and len(first) > 1):
        return sent.start
    doc = sent.doc
    for tok in sent[:14]:
        if tok.i == sent.start:
            continue
        if tok.text == ":" or (tok.text in ("-", "--", "–", "—") and doc[tok.i - 1].whitespace_ and tok.whitespace_):
            return tok.i + 1  # a spaced dash: not the hyphen of "US-led"
    return sent.start


@dataclass
class Match:
    frame: Frame
    pattern: Pattern
    targets: list[Token]
    target_from_fallback: bool = False
    options: list[list[Token]] = field(default_factory=list)
    composed: bool = False  # governor + complement ("agreed to provide aid")


def _span_of(tok: Token | None, sent: Span, whole_phrase: bool = True) -> list[int] | None:
    if tok is None:
        return None
    if whole_phrase and tok.pos_ in ("NOUN", "PROPN", "PRON"):
        left = tok
        for t in tok.lefts:
            if t.dep_ in ("compound", "amod", "poss", "det", "nmod", "nummod") or t.dep_ == "case":
                left = t if t.i < left.i else left
                left = t.left_edge if t.left_edge.i < left.i else left
        start, end = left.idx, tok.idx + len(tok.text)
    else:
        start, end = tok.idx, tok.idx + len(tok.text)
    return [start - sent.start_char, end - sent.start_char]


class Coder:
    """Built once per process; ``code(doc, article)`` per document."""

    def __init__(self, kb: Any, lexicon_files: Iterable[str] = (), config: Config | None = None,
                 lexicon: Lexicon | None = None, codebook: Codebook | None = None, cues: Cues | None = None) -> None:
        self.kb = kb
        self.config = config or load_config()
        self.lexicon = lexicon or load_lexicon(lexicon_files, builtin=self.config.builtin_lexicon)
        self.codebook = codebook or load_codebook()
        self.cues = cues or load_cues()
        self.complements = load_complements()
        # when a violent code reads literally (the word-sense rules): the shipped lists or the setting's file
        self.word_sense = load_word_sense(self.config.word_sense or None)
        self.governors: dict[str, ComplementClass] = {
            g: cls for cls in self.complements.values() for g in cls.governors | cls.addressed_only}
        self.version = CODER_VERSION
        # the learned pair scorer (see .pairs), when the setting asks for it and a model ships
        # (PETRARCH practice is a dictionary coder's: rules only, as its gold sets were made)
        self.pair_model: PairModel | None = load_pair_model(self.config.pair_model or None) \
            if self.config.pairs and not self.config.petrarch_practice else None
        # the rules' events' calibrated confidence (see .calibration); as for the pair scorer, not in
        # PETRARCH practice (trained on the annotation guide's conventions, not its gold sets')
        self.calibration: RuleCalibration | None = load_rule_calibration(self.config.rule_calibration or None) \
            if self.config.calibrate and not self.config.petrarch_practice else None
        heads: dict[str, set[str]] = {"verb": set(), "noun": set()}
        for p in self.lexicon.patterns():
            heads[p.pos].add(p.head)
        roots: dict[str, set[str]] = {}
        for p in self.lexicon.patterns():
            roots.setdefault(p.head, set()).add(p.code[:2])
        # the CAMEO roots each head word's patterns give: a feature of the pair model
        self.lexicon_roots = {h: frozenset(r) for h, r in roots.items()}
        self.verb_heads = frozenset(heads["verb"])
        self.noun_heads = frozenset(heads["noun"])
        # set to a dict to collect each event's trail of rules, event id -> rule names (detente eval --trace)
        self.trace: dict[str, list[str]] | None = None

    def _word(self, tok: Token) -> str:
        """A token's lemma as lexicon patterns spell it (synonym classes applied)."""
        lem = lemma(tok)
        return self.lexicon.synonyms.get(lem, lem)

    # -- matching ---------------------------------------------------------------------------------------
    def match(self, frame: Frame) -> Match | None:  # noqa: C901 - to split into named steps (pyproject.toml)
        """The most specific pattern whose words the phrase has; target candidates in order of preference.

        A pattern's final preposition names where the target should be ("meet with"); when that
        phrase names no actor ("criticized X *over* its policy") the direct object, then the object
        of with/against/on/toward, are tried, in that order, each with less confidence.
        """
        cands = self.lexicon.candidates(lemma(frame.pred), frame.pos)
        words = self.lexicon.canonical(frame.words) if cands else set()
        for pat in cands:
            if not set(pat.words) <= words:
                continue
            if pat.prep is not None and (pat.prep not in frame.preps or pat.prep in frame.nested_preps):
                continue
            if pat.no_target:
                found = [self._purpose_targets(frame)] if pat.code.startswith("14") else []
                if frame.victims and pat.code.startswith(VIOLENT_ACTS):
                    found.append(frame.victims)
                found += self._complement_arguments(frame)
                found = [o for o in found if o]
                return Match(frame, pat, found[0] if found else [], options=found)
            options: list[list[Token]] = []
            if frame.victims and pat.code.startswith(VIOLENT_ACTS):
                options.append(frame.victims)
            if pat.prep is not None:
                options.append(frame.preps[pat.prep])
            objs = [o for o in frame.objects if self._word(o) not in pat.words]
            if objs and (pat.target_is_object or frame.pos == "verb"):
                options.append(objs)
            xobjs = [o for o in frame.xobjects if self._word(o) not in pat.words]
            if xobjs:
                options.append(xobjs)
            # the pattern's own object noun may name the target inside it: "demanded the withdrawal
            # *of Serbian forces*", "rejected *North Korea's* demand" (searched through of/poss/by)
            named = [o for o in frame.objects + frame.xobjects if self._word(o) in pat.words] or \
                [o for p, objs in frame.preps.items() if p not in _VENUE_PREPS for o in objs
                 if self._word(o) in pat.words]
            if named:
                options.append(named)
            # "demanded that Pyongyang abandon ...": the subject of the complement clause; for appeals and
            # demands ("asked Obama to help Iran", parsed as a clause) it comes before the act's object
            if frame.pos == "verb" and not pat.code.startswith("01"):  # a statement is not *to* what it reports
                clause_subjects = [g for c in frame.pred.children if c.dep_ == "ccomp"
                                   and not (pat.code.startswith(("02", "10")) and _is_claim(c))
                                   for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
                if clause_subjects:
                    cls = self.governors.get(lemma(frame.pred))
                    if cls is not None and cls.target == "addressee" and xobjs and xobjs in options:
                        options.insert(options.index(xobjs), clause_subjects)
                    else:
                        options.append(clause_subjects)
            for prep in ("with", "against", "on", "toward", "towards", "between", "among"):
                if pat.code.startswith("01") and prep in frame.preps and (prep == "on" or
                        not any(o.head.head.i == frame.pred.i for o in frame.preps[prep])):
                    continue  # "gave a speech on US relations *with Asia*": the topic's words, not the audience
                if prep in frame.preps and prep != pat.prep:
                    options.append(frame.preps[prep])
            if pat.code.startswith("14"):
                purpose = self._purpose_targets(frame)
                if purpose:
                    options.append(purpose)
            options += [o for o in self._complement_arguments(frame) if o and o not in options]
            return Match(frame, pat, options[0] if options else [], options=options)
        return None

    def _addressed(self, m: Match) -> bool:
        """An appeal or demand with its addressee as first target option ("urged *Y* to ...")."""
        cls = self.governors.get(lemma(m.frame.pred))
        return bool(cls is not None and cls.target == "addressee" and m.frame.pos == "verb" and m.options
                    and any(t in m.frame.objects for t in m.options[0]))

    def _complement_arguments(self, frame: Frame) -> list[list[Token]]:
        """Where an intent governor's act is aimed when the lexicon does not know the act: "offered
        to hand over two suspects *to Britain*", "agreed to set up a centre *in Tokyo*" — the open
        complement's object, then its with/to/on/against/for/in phrases."""
        cls = self.governors.get(lemma(frame.pred))
        refusal = lemma(frame.pred) in self.cues.refusal_verbs  # "refused to respond *to X's demand*"
        if frame.pos != "verb" or ((cls is None or cls.target != "complement") and not refusal):
            return []
        out: list[list[Token]] = []
        for x in frame.pred.children:
            if x.dep_ != "xcomp" or x.pos_ not in ("VERB", "AUX"):
                continue
            xf = verb_frame(x)
            out.append(xf.objects)
            out.extend(xf.preps[p] for p in ("with", "to", "on", "against", "for", "toward", "towards", "in")
                       if p in xf.preps)
        return out

    def _purpose_targets(self, frame: Frame) -> list[Token]:
        """Whom a protest is against: "in protest *against Sweden's* decision", "to protest *at X*",
        "to demand reforms *from the government*" — objects of purpose words under the predicate."""
        roots = [frame.pred] + ([frame.light_verb] if frame.light_verb is not None else [])
        out: list[Token] = []
        for root in roots:
            for tok in root.subtree:
                if tok.i == root.i or lemma(tok) not in _PURPOSE_WORDS or tok.dep_ in ("nsubj", "nsubjpass"):
                    continue
                for child in tok.children:
                    if child.dep_ in ("dobj", "obj"):
                        out.extend(conjuncts(child))
                    elif child.dep_ == "prep" and child.lower_ in ("against", "at", "of", "over", "from", "to",
                                                                   "toward"):
                        out.extend(c for g in child.children if g.dep_ == "pobj" for c in conjuncts(g))
        return out

    def frames(self, sent: Span) -> list[Frame]:
        return [frame for tok in candidate_tokens(sent) if (frame := self.frame_of(tok)) is not None]

    def frame_of(self, tok: Token) -> Frame | None:
        """The predicate frame of a verb or noun the lexicon has patterns for, else None."""
        lem = lemma(tok)
        if tok.pos_ in ("VERB", "AUX") and lem in self.verb_heads:
            frame = verb_frame(tok)
            if frame.passive and not frame.subjects and lem in self.cues.stative_passives:
                # "Serb forces were engaged in ethnic cleansing": the passive subject acts
                frame.subjects, frame.objects, frame.passive = frame.objects, [], False
            return frame
        if tok.pos_ in ("NOUN", "PROPN") and lem in self.noun_heads:
            return noun_frame(tok, self.cues.light_verbs, self.cues.meeting_preps)
        return None

    # -- the document -----------------------------------------------------------------------------------
    def doc_actors(self, doc: Doc, article: Article) -> Any:
        """The actors of a document (:class:`detente.actors.DocActors`), resolved on demand."""
        return DocActors(self.kb, doc, article.published)

    def coded_sentences(self, doc: Doc, article: Article, actors: Any = None
                        ) -> Iterator[tuple[int, Span, Any, list[tuple[int, int, Actor]], list[Event]]]:
        """(sentence index, sentence, the document's actors, the actor mentions in the sentence, the rules'
        events) for each sentence with a verb: the rule coder's pass, which :meth:`code` and the pair
        model's training share."""
        if actors is None:
            actors = self.doc_actors(doc, article)
        mentions = actors.mentions()
        countries = sorted({a.country for _, _, a in mentions if a.country})
        sent_of = sentence_index(doc)
        by_sentence: dict[int, list[tuple[int, int, Actor]]] = {}
        for mention in mentions:
            by_sentence.setdefault(sent_of[mention[0]], []).append(mention)
        for s_index, sent in enumerate(sentences(doc)):
            if len(sent) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in sent):
                continue
            named = by_sentence.get(s_index, [])
            # the states the sentence names (by name, adjective, capital or one of their people)
            states = {a.country for _, _, a in named if a.country and a.kind in ("state", "person")}
            yield s_index, sent, actors, named, self.code_sentence(sent, s_index, article, actors, countries, states)

    def code(self, doc: Doc, article: Article) -> CodedArticle:
        events: list[Event] = []
        actors = self.doc_actors(doc, article)
        for s_index, sent, _, named, found in self.coded_sentences(doc, article, actors):
            if self.calibration is not None:
                self.calibration.apply(found)
            events.extend(found)
            if self.pair_model is not None and len(named) >= 2:
                events.extend(self._pair_events(sent, s_index, article, named, found, actors))
        if self.config.min_confidence > 0:  # the setting: events below it are not kept
            events = [e for e in events if e.confidence >= self.config.min_confidence]
        quantities = extract_quantities(doc, article.article_id, actors.country_of, published=article.published)
        accounts = find_accounts(article.article_id, events, doc, country_of=actors.country_of)
        return CodedArticle(article=article, events=events, quantities=quantities, accounts=accounts)

    def code_sentence(self, sent: Span, s_index: int, article: Article, actors: Any,
                      countries: list[str], sent_countries: set[str]) -> list[Event]:
        """Events of one sentence; ``sent_countries``: the states it names."""
        quotes = quote_ranges(sent)
        matches: list[Match] = []
        consumed: set[int] = set()
        for frame in self.frames(sent):
            m = self.match(frame)
            if m is None:
                continue
            matches.append(m)
        # a pattern that names its complement or object ("agree to continue cooperation", "impose
        # sanctions on") consumes it; a light verb whose own pattern does not name its object noun
        # ("held talks", "made a call") gives way to the noun
        by_token = {m.frame.pred.i: m for m in matches}
        for m in matches:
            words = m.pattern.words
            for child in m.frame.pred.children:
                if child.dep_ == "xcomp" and self._word(child) in words:
                    consumed.add(child.i)
                    for g in child.children:
                        if g.dep_ in ("dobj", "xcomp") and self._word(g) in words:
                            consumed.add(g.i)
            for o in m.frame.objects:
                if self._word(o) in words:
                    consumed.add(o.i)
        for m in matches:
            lv = m.frame.light_verb
            if lv is not None and m.frame.pred.i not in consumed:
                verb_match = by_token.get(lv.i)
                if verb_match is None or self._word(m.frame.pred) not in verb_match.pattern.words:
                    consumed.add(lv.i)
        matches = matches + self._compose(matches, consumed)
        matches = matches + self._obligations(sent, matches, consumed, actors)
        ctx = SentenceContext(self, sent, s_index, article, actors, countries, quotes, sent_countries)
        events: list[Event] = []
        for m in matches:
            if m.frame.pred.i in consumed and not m.composed:
                continue
            events.extend(events_for(ctx, m, self.trace))  # the event rules (detente.coding.rules)
        return events

    def _pair_events(self, sent: Span, s_index: int, article: Article, mentions: list[tuple[int, int, Actor]],
                     found: list[Event], actors: Any) -> list[Event]:
        """Events the pair model proposes for pairs of actors the rules related by no event (see
        :mod:`.pairs`): the root's general code (040, 110, ...), the word joining the two actors as
        predicate, its factuality as for any predicate, the model's probability as confidence. A violent
        root (18-20) whose joining word reads figuratively ("beat X to the title", "struck a cordial
        tone with X") is dropped, as the rules' ``literal_sense`` drops theirs."""
        assert self.pair_model is not None
        # one event per pair of countries (per pair of actors within one country): the rules' "Chinese
        # officials" and the model's "China" are one pair. A rule event the calibration finds unlikely
        # (below LIKELY, so not asserted) leaves its pair to the model, as in the model's training, where
        # only the rules' confident events made a pair theirs
        floor = LIKELY if self.calibration is not None else 0.0
        have = {_dyad(e.source, e.target) for e in found
                if e.source and e.target and not (calibrated(e) and e.confidence < floor)}
        out: list[Event] = []
        quotes: list[tuple[int, int]] | None = None
        for cand in candidates(sent, mentions, found, skip=in_dateline, lexicon_roots=self.lexicon_roots):
            dyad = _dyad(cand.src, cand.tgt)
            if dyad in have:
                continue
            best = self.pair_model.best(cand.features)
            if best is None:
                continue
            root, prob = best
            if self.word_sense.is_violent(root) and self._figurative_join(cand.join, actors):
                continue
            have.add(dyad)
            if quotes is None:
                quotes = quote_ranges(sent)
            out.append(self._pair_event(cand, root, prob, sent, s_index, article, quotes))
            if self.trace is not None:
                self.trace[out[-1].event_id] = ["pair_model"]
        return out

    def _figurative_join(self, join: Token, actors: Any) -> bool:
        """Whether the word joining a pair reads figuratively, as the rules decide for their own matches:
        a ``none`` pattern of the lexicon ("struck a cordial tone with X", the ``idiom`` rule) or, for
        a word the lexicon knows, the word-sense check of violent codes (:func:`.rules.figurative`). A
        word the lexicon does not know ("the *presence* of X's troops in Y") has no violent reading to
        doubt."""
        frame = self.frame_of(join)
        if frame is None:
            return False
        m = self.match(frame)
        if m is None:
            return False
        if m.pattern.is_idiom:
            return True
        # a pattern with words ("fire missile") says the word's sense, as for the rules' matches
        return figurative(self, actors, frame, specific=bool(m.pattern.words))

    def _pair_event(self, cand: Candidate, root: str, prob: float, sent: Span, s_index: int, article: Article,
                    quotes: list[tuple[int, int]]) -> Event:
        join = cand.join
        fact = assess(join, sent, self.cues, quotes)
        code = root + "0"
        date_info = resolve_date(sent.doc, join.i, article.published, self.config.historical_days)
        location = resolve_location(sent.doc, join.i, [])
        return self._new_event(
            sent, s_index, article, join, code, code, (cand.src_tok, cand.src), (cand.tgt_tok, cand.tgt), cand.tgt,
            fact, None, date_info, location, confidence=round(prob, 2), coder=f"{self.version}+pairs",
            pattern=f"model:pairs {root}", symmetric=False,
            id_extra=f"pairs:{party_key(cand.src)}>{party_key(cand.tgt)}:{code}")

    @staticmethod
    def _nested_actors(tok: Token, actors: Any) -> list[Actor]:
        """Actors named inside a phrase that names none itself: "a part of *Syria's* second city",
        "an *Islamic State* target", "the roads leading *into Mordor*" (nearest first, breadth-first,
        through of/in/from/by/into/to/against phrases, modifiers and participle clauses)."""
        queue = [c for c in tok.children if c.dep_ in _NESTED_DEPS]
        # the agent of a nominal act before its theme: "the annexation of Crimea *by Russia*"
        queue.sort(key=lambda c: c.dep_ != "prep" or c.lower_ != "by")
        seen = 0
        while queue and seen < 12:
            t = queue.pop(0)
            seen += 1
            if t.dep_ == "prep" and t.lower_ not in ("of", "in", "from", "by", "into", "to", "against"):
                continue
            if t.dep_ == "acl":  # a participle clause: only where it leads ("roads leading into X")
                queue.extend(c for c in t.children if c.dep_ == "prep" and c.lower_ in ("into", "to", "toward"))
                continue
            found = [a for a in actors.actors_for(t) if a.country]
            if found:
                return found
            queue.extend(c for c in t.children if c.dep_ in _NESTED_DEPS)
        return []

    def _compose(self, matches: list[Match], consumed: set[int]) -> list[Match]:  # noqa: C901 - to split into named steps (pyproject.toml)
        """"agreed to provide aid to X" -> one intent event (033) to X; likewise threats, appeals, demands.

        The complement's code picks the composed code (data/coder/complements.yaml); the governor
        gives the source, the factuality and, for appeals and demands, the addressee as target.
        """
        by_pred = {m.frame.pred.i: m for m in matches}
        out: list[Match] = []
        for mx in matches:
            # the complement's predicate; for an event noun, its light verb ("prepared to *impose* martial law")
            x = mx.frame.pred if mx.frame.pos == "verb" else mx.frame.light_verb
            if x is None or x.i in consumed or mx.frame.pred.i in consumed:
                continue
            # "called *for* Russia *to* withdraw": an infinitive with a subject of its own, addressed like a
            # "that" clause ("demanded that Russia withdraw")
            for_clause = x.dep_ == "advcl" and irrealis_clause(x, self.cues)
            # "called *for* lifting sanctions": a gerund after the same word, addressed like a noun
            for_gerund = x.dep_ == "pcomp" and x.head.dep_ == "prep" and x.head.lower_ in self.cues.irrealis_marks
            if x.dep_ not in ("xcomp", "ccomp") and not for_clause and not for_gerund:
                continue
            gov = x.head.head if for_gerund else x.head
            while lemma(gov) in self.cues.aspectual_verbs and gov.dep_ == "xcomp" and gov.head is not gov \
                    and lemma(gov) not in self.governors:
                x, gov = gov, gov.head  # "prepared to *resume* shelling": through the aspectual verb
            cls = self.governors.get(lemma(gov))
            if cls is None or (x.dep_ in ("ccomp", "advcl", "pcomp") and cls.target != "addressee"):
                continue
            if x.dep_ == "ccomp" and _is_claim(x):
                continue  # "insisted that the Palestinians *would* be granted ...": a claim, not a demand
            mg = by_pred.get(gov.i)
            if mg is not None and self._word(x) in mg.pattern.words:
                continue  # the governor's own pattern already names this complement
            if gov.pos_ in ("VERB", "AUX"):
                gframe = mg.frame if mg is not None else verb_frame(gov)
            else:  # "ready to", "willing to": the adjective's clause subject
                gframe = Frame(pred=gov, pos="verb", subjects=mx.frame.subjects,
                               inherited_subject=mx.frame.inherited_subject, words=set(mx.frame.words))
            addressed = lemma(gov) in cls.addressed_only and self._addressee(x, gframe)
            if lemma(gov) in cls.addressed_only and not addressed:
                # "wants to attack": no addressee, so no appeal; a conflict act may still be a threat
                taker = next((o for o in self.complements.values() if lemma(gov) in o.takes_over), None)
                if taker is None or not mx.pattern.code.startswith(CONFLICT_ACTS):
                    continue
            code = cls.code_for(mx.pattern.code)
            if mx.pattern.code.startswith(CONFLICT_ACTS) and not addressed and code == cls.default:
                # a conflict act the governor's class has no code of its own for: the class that takes the
                # governor over ("vowed to attack" -> threaten; "prepared to shell" stays mobilize 154,
                # "prepared to impose sanctions" -> threaten)
                for other in self.complements.values():
                    if lemma(gov) in other.takes_over and other.code_for(mx.pattern.code):
                        cls, code = other, other.code_for(mx.pattern.code)
                        break
            if not code:
                continue  # "prepared to attend": no class codes it; the act keeps its own code
            if mx.pattern.is_idiom:
                code = NO_EVENT  # "vowed to strike a cordial tone": an act over an idiom is none either
            pattern = Pattern(code=code, head=lemma(gov), pos="verb", words=(lemma(x), *mx.pattern.words),
                              prep=mx.pattern.prep, target_is_object=False, no_target=False,
                              text=f"{lemma(gov)} + [{mx.pattern.text}]",
                              origin=f"complements.yaml:{cls.name} {mx.pattern.origin}")
            own = [o for o in gframe.objects if o.i != x.i]
            if x.dep_ in ("ccomp", "advcl"):  # "insisted that *Uganda* withdraw": the clause subject is addressed
                own = own + [g for c in x.children if c.dep_ in ("nsubj", "nsubjpass") for g in conjuncts(c)]
            if "on" in gframe.preps and lemma(gov) == "call":
                own = own + gframe.preps["on"]  # "called on Y to ..."
            options = [own, *mx.options] if cls.target == "addressee" else [*mx.options, own]
            options = [o for o in options if o]
            out.append(Match(gframe, pattern, options[0] if options else [], options=options, composed=True))
            consumed.update((x.i, gov.i, mx.frame.pred.i))
        return out

    @staticmethod
    def _addressee(x: Token, gframe: Frame) -> bool:
        """Whether the complement ``x`` has a subject of its own: the governor's object ("asked *Y* to")
        or the clause's subject ("wants *Putin* to attack")."""
        return any(o.i != x.i for o in gframe.objects) or any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children)

    def _obligations(self, sent: Span, matches: list[Match], consumed: set[int], actors: Any) -> list[Match]:
        """"X said Y *must* withdraw" -> X demands (10) of Y; "X said Y *should* ..." -> X appeals (02) to Y.

        A reported clause under a deontic modal (cues.yaml ``demand_modals``, ``appeal_modals``;
        "has to" / "needs to" count as ``demand_modals`` through ``obligation_verbs``) is what the
        speaker asks of the clause's subject, not an act of that subject: the speaker is the source,
        the clause subject the target, and the clause's own code (if the lexicon has one) picks the
        demand or appeal (complements.yaml). Self-obligations ("we must do more") are left alone.
        """
        out: list[Match] = []
        by_pred = {m.frame.pred.i: m for m in matches}
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") or tok.i in consumed:
                continue
            clause, act = tok, tok
            kind = None
            for aux in tok.children:
                if aux.dep_ == "aux" and aux.lower_ in self.cues.demand_modals:
                    kind = "demand"
                elif aux.dep_ == "aux" and aux.lower_ in self.cues.appeal_modals:
                    kind = "appeal"
            if kind is None and lemma(tok) in self.cues.obligation_verbs:
                xs = [c for c in tok.children if c.dep_ == "xcomp"
                      and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)]
                if xs:
                    kind, act = "demand", xs[0]
            cls = self.complements.get(kind or "")
            if cls is None or clause.dep_ not in ("ccomp", "parataxis", "acl"):
                continue
            speech = clause.head
            if speech.pos_ in ("NOUN", "PROPN") and lemma(speech) in self.cues.demand_speech_nouns \
                    and speech.dep_ in ("dobj", "obj") and speech.head.pos_ == "VERB":
                speech = speech.head  # "issued a stern reminder to Iraq that it must cooperate"
            elif clause.dep_ == "acl" or lemma(speech) not in self.cues.demand_speech_verbs:
                continue
            if speech.i in consumed:
                continue
            addressee = [g for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") for g in conjuncts(c)]
            named = self._actors(addressee, actors)
            dummy = act.tag_ == "VBN" or lemma(act) == "be"  # "it must be said that ...": no one is addressed
            if not named or all(t.lower_ in ("we", "i", "there") or (t.lower_ == "it" and dummy) for t in addressee):
                continue
            inner = by_pred.get(act.i)
            code = cls.code_for(inner.pattern.code) if inner is not None else cls.default
            if inner is not None and inner.pattern.is_idiom:
                code = NO_EVENT  # "they must strike a softer tone": no demand of an idiom
            gframe = verb_frame(speech)
            speakers = self._actors(gframe.subjects, actors)
            if not speakers or {a.code for _, a in speakers} >= {a.code for _, a in named}:
                continue  # no speaker, or a self-obligation ("we must do more")
            pattern = Pattern(code=code, head=lemma(speech), pos="verb", words=(lemma(act),), prep=None,
                              target_is_object=False, no_target=False,
                              text=f"{lemma(speech)} + [{kind}: {inner.pattern.text if inner else lemma(act)}]",
                              origin=f"complements.yaml:{cls.name} {inner.pattern.origin if inner else 'cues.yaml'}")
            out.append(Match(gframe, pattern, addressee, options=[addressee], composed=True))
            consumed.update((act.i, clause.i, speech.i))
        return out

    @staticmethod
    def _homed(actor: Actor, state: Actor, text: str, code: str) -> Actor:
        """``actor`` as a member of ``state`` ("Greek sides", "officials in Chile")."""
        return replace(actor, text=text, code=code, country=state.country, name=state.name)

    @classmethod
    def _coordinated_modifiers(cls, tok: Token, actor: Actor, actors: Any) -> list[Actor]:
        """"the Turkish and Greek sides", "US and British activists", "the ambassadors of A, B and C":
        one noun, several countries."""
        out: list[Actor] = []
        if not actor.country:
            return out
        heads: list[Token] = []
        for child in tok.children:
            if child.dep_ in ("amod", "compound", "nmod") and child.i < tok.i:
                heads.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                # "the ambassadors of A, B and C", "lawmakers in A and B"
                heads.extend(g for g in child.children if g.dep_ == "pobj")
        for head in heads:
            for conj in head.conjuncts:
                if head.i < tok.i and conj.i > tok.i:
                    continue
                for other in actors.actors_for(conj):
                    if other.kind == "state" and other.country and other.country != actor.country and not other.sector:
                        out.append(cls._homed(actor, other, f"{conj.text} {tok.text}",
                                              f"{other.country}{actor.sector or ''}"))
        return out

    @classmethod
    def _shared_modifier(cls, tok: Token, actor: Actor, actors: Any) -> list[Actor]:
        """"Lawmakers and officials *in A and B*": a sector noun with no country takes the countries of
        the of/in/from phrase its coordinated noun carries."""
        out: list[Actor] = []
        for other in tok.conjuncts:
            for prep in other.children:
                if prep.dep_ != "prep" or prep.lower_ not in ("of", "in", "from"):
                    continue
                for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                    for place in conjuncts(pobj):
                        for a in actors.actors_for(place):
                            if a.kind == "state" and a.country and not a.sector:
                                out.append(cls._homed(actor, a, f"{tok.text} {prep.text} {place.text}",
                                                      f"{a.country}{actor.code or actor.sector}"))
            if out:
                break
        return out

    def _actors(self, toks: Iterable[Token], actors: Any, nested: bool = False) -> list[tuple[Token, Actor]]:
        out: list[tuple[Token, Actor]] = []
        seen: set[str] = set()
        for tok in toks:
            if in_dateline(tok):
                continue  # "GAZA CITY, Palestinian Territories: ...": where the story was filed
            found = actors.actors_for(tok)
            if not found and nested and tok.pos_ in ("NOUN", "PROPN"):
                found = self._nested_actors(tok, actors)
            if len(found) == 1 and not found[0].country and found[0].sector:
                found = self._shared_modifier(tok, found[0], actors) or found
            if len(found) == 1:
                found = found + self._coordinated_modifiers(tok, found[0], actors)
            for a in found:
                if not a.country and not a.code:  # a name the knowledge base does not place
                    continue
                key = a.code or a.text
                if key in seen:
                    continue
                seen.add(key)
                out.append((tok, a))
        return out

    @staticmethod
    def _placed(actor: Actor, sent_countries: set[str]) -> Actor:
        """A domestic sector with no country ("Shona rebels", "police", "the opposition") takes the
        country of the sentence when exactly one state is named there."""
        if actor.country or actor.sector not in DOMESTIC_SECTORS or len(sent_countries) != 1:
            return actor
        (country,) = sent_countries
        return replace(actor, country=country, code=f"{country}{actor.code or actor.sector}")

    def _sentence_target(self, sent: Span, frame: Frame, sources: list[tuple[Token, Actor]],
                         actors: Any) -> tuple[Token, Actor] | None:
        """The one other party a sentence names, for an act whose own arguments name no target.

        "Japan's trade minister responded to Trump, saying ...": the act's arguments name no one the
        knowledge base places, but the sentence names exactly one state or organisation besides the
        source's own -- that is whom it concerns. Only in the act's own clause (not a coordinated or
        relative clause with a subject of its own); not a place where something happened ("talks *in
        Geneva*"), not the dateline, not a part of the source's phrase; two or more other parties leave
        the event without a target, as before."""
        src_tokens = {t.i for t, _ in sources}  # tokens that cannot hold the target
        for t, _ in sources:
            src_tokens.update(x.i for x in t.subtree)
        for c in frame.pred.children:  # what a claim is about: "insisted that *the Palestinians* would ..."
            if c.dep_ == "ccomp":
                src_tokens.update(x.i for x in c.subtree)
        own = {a.country for _, a in sources if a.country}
        home = _clause_of(frame.pred)
        found: dict[str, tuple[Token, Actor]] = {}
        for start, _, a in actors.mentions():
            if not sent.start <= start < sent.end or start in src_tokens or not a.country or a.country in own:
                continue
            tok = sent.doc[start]
            if in_dateline(tok) or a.kind in ("place", "implied", "unknown", None) or _clause_of(tok) != home:
                continue  # another clause's party: "the US criticised the deal, and *India* did not attend"
            head = tok
            while head.dep_ in ("compound", "amod", "poss", "case", "nmod") and head.head.i != head.i:
                head = head.head
            if head.dep_ == "pobj" and head.head.lower_ in PLACE_PREPS | {"from", "to", "into"} \
                    and (a.kind == "state" or (a.kind == "region" and a.country not in self.kb.states)) \
                    and not a.sector:
                continue  # "in Geneva", "to Moscow", "imports from Europe": where, not whom
            found.setdefault(a.country, (tok, a))
        return next(iter(found.values())) if len(found) == 1 else None

    def _ultimatum(self, pred: Token) -> Token | None:
        """The condition clause ("unless ...", "if ...") of the predicate, of its open complement
        ("threatened to strike *unless* ...") or of a clause above it."""
        tok = pred
        for _ in range(4):
            for c in list(tok.children) + [g for x in tok.children if x.dep_ == "xcomp" for g in x.children]:
                if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in ("unless", "if", "until")
                                             for g in c.children):
                    return c
            if tok.dep_ not in ("xcomp", "conj", "ccomp") or tok.head is tok:
                break
            tok = tok.head
        return None

    def _threat_code(self, code: str, fact: Factuality, pred: Token, sources: list[tuple[Token, Actor]],
                     actors: Any) -> str | None:
        """A conflict act that is only announced is a threat (CAMEO 13x): "X said it would boycott Y",
        "X will withdraw its troops unless Y ...". The act must be future or conditional and either
        set against an "unless" condition (an ultimatum) or announced by its own source."""
        cls = self.complements.get("threaten")
        if cls is None or not code.startswith(CONFLICT_ACTS) or fact.polarity != "asserted" \
                or fact.modality not in ("future", "hypothetical") or not sources:
            return None
        clause = self._ultimatum(pred)
        ultimatum = clause is not None and any(g.lower_ == "unless" for g in clause.children if g.dep_ == "mark")
        if not ultimatum and not self._announced_by_source(fact, sources, actors):
            return None
        return cls.code_for(code)

    @staticmethod
    def _announced_by_source(fact: Factuality, sources: list[tuple[Token, Actor]], actors: Any) -> bool:
        """Whether the speaker reporting the act is one of its sources (or of their country)."""
        said_by = _speaker_actors(fact, actors)
        if not said_by or not sources:
            return False
        keys = {a.code for a in said_by if a.code} | {a.country for a in said_by if a.country}
        return any(a.code in keys or (a.country and a.country in keys) for _, a in sources)

    @staticmethod
    def _foreign_speaker(fact: Factuality, sources: list[tuple[Token, Actor]], actors: Any) -> bool:
        """Whether the speaker reporting the act belongs to a state none of its sources belongs to."""
        said_by = {a.country for a in _speaker_actors(fact, actors) if a.country}
        return bool(said_by) and not said_by & {a.country for _, a in sources}

    def _promise_code(self, code: str, fact: Factuality) -> str | None:
        """The intent code (03x) of a cooperative act that is only planned or announced ("Finland *will*
        give Tanzania a grant" -> 033, "X *plans to* visit Y" -> 036); attempts ("tried to mediate")
        are not. Used for the PLOVER type (AGREE: "offer, promise, agree to ... a future action");
        the CAMEO code stays the act's, as CAMEO coders code it, with modality future/intended."""
        cls = self.complements.get("intent")
        if cls is None or not code.startswith(_COOPERATIVE_ACTS) or fact.polarity != "asserted":
            return None
        if fact.modality == "future" or (fact.modality == "intended" and fact.intent_verb is not None
                                          and fact.intent_verb not in self.cues.uncommitted_verbs):
            return cls.code_for(code)
        return None

    def _confidence(self, m: Match, src: Actor, tgt: Actor | None, code: str) -> float:
        """How much the evidence supports the event (documented in docs/coding.md); not a probability."""
        pred = m.frame.pred
        c = 0.45 + 0.08 * min(m.pattern.specificity, 3)
        c += 0.1 if src.kind not in (None, "unknown") and src.country else -0.1
        if tgt is not None:
            c += 0.1 if tgt.kind not in (None, "unknown", "place") else 0.0
        if m.target_from_fallback:
            c -= 0.1
        if m.frame.inherited_subject:
            c -= 0.05
        if m.composed:
            c += 0.05
        if m.frame.pos == "noun":
            c -= 0.05 if m.frame.light_verb is not None else 0.15
        elif pred.dep_ in ("ROOT", "ccomp", "parataxis") or (pred.dep_ == "conj" and pred.head.dep_ == "ROOT"):
            c += 0.05  # the head of a main or reported clause
        elif pred.dep_ == "advcl" and any(ch.dep_ == "mark" and ch.lower_ in _TEMPORAL_MARKS for ch in pred.children):
            c -= 0.2  # "... five years after crowds *burned* its embassy": background, rarely the news
        elif pred.dep_ in ("advcl", "relcl", "acl", "pcomp", "pobj", "csubj"):
            c -= 0.1  # a subordinate or embedded clause: background more often than news
        if code.startswith(self.cues.statement_codes) and not self.config.petrarch_practice:
            c = min(c, STATEMENT_CONFIDENCE)  # a bare statement is rarely an event a coder lists (cues.yaml)
        return round(max(0.05, min(0.99, c)), 2)

    def _event(self, m: Match, code: str, sent: Span, s_index: int, article: Article,  # noqa: PLR0913 - options
               src: tuple[Token, Actor], tgt: tuple[Token, Actor] | None, tgt_actor: Actor | None,
               symmetric: bool, fact: Factuality, claimant: Actor | None, date_info: Any,
               location: Location | None) -> Event:
        pred = m.frame.pred
        # PLOVER types an act that is only planned or announced as AGREE (an expression of intent);
        # CAMEO practice codes the act itself, with its modality beside it
        promise = None if m.composed else self._promise_code(code, fact)
        return self._new_event(
            sent, s_index, article, pred, code, promise or code, src, tgt, tgt_actor, fact, claimant, date_info,
            location, confidence=self._confidence(m, src[1], tgt_actor, code), coder=self.version,
            pattern=f"{m.pattern.origin} {m.pattern.text}", symmetric=symmetric,
            id_extra=f"{src[1].code or src[1].text}>{tgt_actor.code if tgt_actor else ''}:{code}")

    def _new_event(self, sent: Span, s_index: int, article: Article, pred: Token, code: str, plover_code: str,  # noqa: PLR0913 - options
                   src: tuple[Token, Actor], tgt: tuple[Token, Actor] | None, tgt_actor: Actor | None,
                   fact: Factuality, claimant: Actor | None, date_info: Any, location: Location | None, *,
                   confidence: float, coder: str, pattern: str, symmetric: bool, id_extra: str) -> Event:
        """The one place an Event record is assembled, for the rules' events and the pair scorer's."""
        cb = self.codebook
        plover, mode, context = cb.plover(plover_code)
        pred_span = _span_of(pred, sent, whole_phrase=False) or [0, 0]
        return Event(
            event_id=event_id_for(article.article_id, s_index, pred_span, id_extra),
            article_id=article.article_id,
            sentence_index=s_index,
            sentence=sent.text.rstrip(),
            spans={"source": _span_of(src[0], sent), "predicate": pred_span,
                   "target": _span_of(tgt[0], sent) if tgt else None},
            date=date_info.date if date_info else article.published,
            date_precision=date_info.precision if date_info else "day",
            date_basis=date_info.basis if date_info else "publication",
            source=src[1],
            target=tgt_actor,
            cameo=code,
            cameo_root=cb.root(code),
            quad_class=cb.quad_class(code),
            goldstein=cb.goldstein(code),
            plover=plover,
            plover_mode=mode,
            polarity=fact.polarity,
            modality=fact.modality,
            claimant=claimant,
            quote=fact.quote,
            location=location,
            confidence=confidence,
            coder=coder,
            plover_context=context,
            cameo_name=cb.name(code),
            trigger=pred.text,
            pattern=pattern,
            symmetric=symmetric,
            historical=bool(date_info.historical) if date_info else False,
            date_text=date_info.text if date_info else None,
        )
