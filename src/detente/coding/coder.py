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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from .. import CODER_VERSION
from ..config import Config, load_config
from ..records import Account, Actor, Article, CodedArticle, Event, Location, Quantity, event_id_for
from .codebook import Codebook, load_codebook
from .cues import Cues, load_cues
from .factuality import Factuality, assess, quote_ranges
from .frames import Frame, candidate_tokens, conjuncts, lemma, noun_frame, verb_frame
from .lexicon import Lexicon, Pattern, load_lexicon

VISIT_CODES = ("042", "043", "044")
STATEMENT_CODES = ("010",)


@dataclass
class Match:
    frame: Frame
    pattern: Pattern
    targets: list[Token]
    target_from_fallback: bool = False


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
        self.lexicon = lexicon or load_lexicon(lexicon_files)
        self.codebook = codebook or load_codebook()
        self.cues = cues or load_cues()
        self.version = CODER_VERSION
        heads: dict[str, set[str]] = {"verb": set(), "noun": set()}
        for p in self.lexicon.patterns():
            heads[p.pos].add(p.head)
        self.verb_heads = frozenset(heads["verb"])
        self.noun_heads = frozenset(heads["noun"])
        try:
            from ..context import dates, places
            self._dates: Any = dates
            self._places: Any = places
        except ImportError:  # pragma: no cover - context stage not installed
            self._dates = self._places = None

    # -- matching ---------------------------------------------------------------------------------------
    def match(self, frame: Frame) -> Match | None:
        for pat in self.lexicon.candidates(lemma(frame.pred), frame.pos):
            if not set(pat.words) <= frame.words:
                continue
            if pat.prep is not None:
                if pat.prep not in frame.preps:
                    continue
                return Match(frame, pat, frame.preps[pat.prep])
            if pat.no_target:
                return Match(frame, pat, [])
            if frame.objects and (pat.target_is_object or frame.pos == "verb"):
                objs = [o for o in frame.objects if lemma(o) not in pat.words]
                return Match(frame, pat, objs or [])
            fallback: list[Token] = []
            for prep in ("with", "against", "on", "toward", "towards"):
                if prep in frame.preps:
                    fallback = frame.preps[prep]
                    break
            return Match(frame, pat, fallback, target_from_fallback=bool(fallback))
        return None

    def frames(self, sent: Span) -> list[Frame]:
        out = []
        for tok in candidate_tokens(sent):
            lem = lemma(tok)
            if tok.pos_ in ("VERB", "AUX") and lem in self.verb_heads:
                out.append(verb_frame(tok))
            elif tok.pos_ in ("NOUN", "PROPN") and lem in self.noun_heads:
                out.append(noun_frame(tok, self.cues.light_verbs))
        return out

    # -- the document -----------------------------------------------------------------------------------
    def code(self, doc: Doc, article: Article) -> CodedArticle:
        from ..actors import DocActors

        actors = DocActors(self.kb, doc, article.published)
        countries = sorted({a.country for _, _, a in actors.mentions() if a.country})
        events: list[Event] = []
        for s_index, sent in enumerate(doc.sents):
            if len(sent) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in sent):
                continue
            events.extend(self.code_sentence(sent, s_index, article, actors, countries))
        quantities: list[Quantity] = []
        accounts: list[Account] = []
        try:
            from ..context.quantities import extract_quantities

            quantities = extract_quantities(doc, article.article_id, actors.country_of)
        except ImportError:  # pragma: no cover
            pass
        try:
            from ..context.accounts import find_accounts

            accounts = find_accounts(article.article_id, events, doc)
        except ImportError:  # pragma: no cover
            pass
        return CodedArticle(article=article, events=events, quantities=quantities, accounts=accounts)

    def code_sentence(self, sent: Span, s_index: int, article: Article, actors: Any,
                      countries: list[str]) -> list[Event]:
        quotes = quote_ranges(sent)
        matches: list[Match] = []
        consumed: set[int] = set()
        for frame in self.frames(sent):
            m = self.match(frame)
            if m is None:
                continue
            matches.append(m)
        # a head pattern that required an open complement ("agree to continue cooperation") consumes it
        for m in matches:
            for child in m.frame.pred.children:
                if child.dep_ == "xcomp" and lemma(child) in m.pattern.words:
                    consumed.add(child.i)
                    for g in child.children:
                        if g.dep_ in ("dobj", "xcomp") and lemma(g) in m.pattern.words:
                            consumed.add(g.i)
            if m.frame.light_verb is not None:
                consumed.add(m.frame.light_verb.i)  # "held talks": the noun carries the event
            for o in m.frame.objects:
                if lemma(o) in m.pattern.words:
                    consumed.add(o.i)
        events: list[Event] = []
        for m in matches:
            if m.frame.pred.i in consumed:
                continue
            events.extend(self._events_for(m, sent, s_index, article, actors, countries, quotes))
        return events

    def _actors(self, toks: Iterable[Token], actors: Any) -> list[tuple[Token, Actor]]:
        out: list[tuple[Token, Actor]] = []
        seen: set[str] = set()
        for tok in toks:
            for a in actors.actors_for(tok):
                key = a.code or a.text
                if key in seen:
                    continue
                seen.add(key)
                out.append((tok, a))
        return out

    def _events_for(self, m: Match, sent: Span, s_index: int, article: Article, actors: Any,
                    countries: list[str], quotes: list[tuple[int, int]]) -> list[Event]:
        frame, pat = m.frame, m.pattern
        code = pat.code
        fact = assess(frame.pred, sent, self.cues, quotes)
        if fact.refusal:
            refusal = self.codebook.refusal_for(code)
            if refusal:
                code = refusal
            else:
                fact.polarity = "negated"
        sources = self._actors(frame.subjects, actors)
        targets = self._actors(m.targets, actors) if m.targets else []
        pairs: list[tuple[tuple[Token, Actor] | None, tuple[Token, Actor] | None, bool]] = []
        if frame.reciprocal_group and not sources and len(targets) >= 2:
            sources, targets = targets, []
        if not sources:
            return []
        reciprocal = self.cues.is_reciprocal(code)
        if not targets and len(sources) >= 2 and reciprocal:
            for s in sources:
                for t in sources:
                    if s is not t:
                        pairs.append((s, t, True))
        elif targets:
            for s in sources:
                for t in targets:
                    if (s[1].code or s[1].text) != (t[1].code or t[1].text):
                        pairs.append((s, t, False))
        else:
            pairs = [(s, None, False) for s in sources]
        if not pairs:
            return []
        claimant: Actor | None = None
        if fact.speaker is not None:
            found = actors.actors_for(fact.speaker)
            claimant = found[0] if found else None
        date_info = None
        if self._dates is not None:
            date_info = self._dates.resolve_date(sent.doc, frame.pred.i, article.published,
                                                 self.config.historical_days)
        location: Location | None = None
        if self._places is not None:
            location = self._places.resolve_location(sent.doc, frame.pred.i, countries)
        events = []
        for src, tgt, symmetric in pairs:
            assert src is not None
            tgt_actor = tgt[1] if tgt else None
            if tgt_actor is None and code.startswith(VISIT_CODES) and location and location.country \
                    and location.country != src[1].country:
                tgt_actor = Actor(text=location.name, code=location.country, country=location.country,
                                  name=location.name, kind="place")
            events.append(self._event(m, code, sent, s_index, article, src, tgt, tgt_actor, symmetric, fact,
                                      claimant, date_info, location))
        return events

    def _event(self, m: Match, code: str, sent: Span, s_index: int, article: Article,
               src: tuple[Token, Actor], tgt: tuple[Token, Actor] | None, tgt_actor: Actor | None,
               symmetric: bool, fact: Factuality, claimant: Actor | None, date_info: Any,
               location: Location | None) -> Event:
        cb = self.codebook
        pred = m.frame.pred
        pred_span = _span_of(pred, sent, whole_phrase=False) or [0, 0]
        plover, mode, context = cb.plover(code)
        confidence = 0.45 + 0.08 * min(m.pattern.specificity, 3)
        if src[1].kind not in (None, "unknown"):
            confidence += 0.1
        if tgt_actor is not None and tgt_actor.kind not in (None, "unknown"):
            confidence += 0.1
        if m.target_from_fallback:
            confidence -= 0.1
        if m.frame.inherited_subject:
            confidence -= 0.05
        if m.frame.pos == "noun":
            confidence -= 0.05
        extra = f"{src[1].code or src[1].text}>{tgt_actor.code if tgt_actor else ''}:{code}"
        return Event(
            event_id=event_id_for(article.article_id, s_index, pred_span, extra),
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
            confidence=round(max(0.05, min(0.99, confidence)), 2),
            coder=self.version,
            plover_context=context,
            cameo_name=cb.name(code),
            trigger=pred.text,
            pattern=f"{m.pattern.origin} {m.pattern.text}",
            symmetric=symmetric,
            historical=bool(date_info.historical) if date_info else False,
            date_text=date_info.text if date_info else None,
        )
