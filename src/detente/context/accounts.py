"""Who claims what: ``find_accounts(article_id, events, doc) -> list[Account]``.

Contract: when one episode between two countries is reported with different content by the
two sides, return one :class:`~detente.records.Account` for it: ``parties`` [A, B] (CAMEO codes,
the side with coded claims first), a one-line ``summary``, the ``event_ids`` of the episode and
``claims`` = ``[{party, event_ids, says}]``.

How (general, not tied to any text):
  1. An *episode* is a run of events with the same unordered pair of source/target countries
     whose sentences lie at most ``window`` (2) sentences apart, within one article (not a
     *happening* of :mod:`detente.analysis.happenings`, which groups reports across articles).
  2. A side's *claims* are the episode's events whose ``claimant.country`` is that side ("According
     to the Russian secretary, the two countries agreed ..."), plus *statements*: sentences near the
     episode (one before to ``window`` after) where a speech predicate ("said", "stated",
     "talked about", "spoke of", "limited itself to", "mentioned", "insisted", "denied") has a
     subject that names that side ("Beijing", "the Chinese side", "Russia's foreign ministry")
     and that carry no coded event claimed by it. A statement *says* its quoted phrases, or the
     words of its complement when nothing is quoted.
  3. The accounts diverge when both sides make claims and either their coded claims differ
     (different CAMEO codes), or one side's only claim is a statement marked as contrastive or
     restrictive ("only", "merely", "limited itself to", "did not mention", "on the other hand",
     "however", "by contrast", "whereas", "instead") or negated ("denied").
A subject's country comes from ``country_of(token)`` when the caller passes one (the pipeline
passes ``DocActors.country_of``); otherwise from the texts and names of the events' actors, then
country names, capitals and demonyms (the gazetteer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..nlp import sentences
from ..records import Account, Event, sha256
from .gazetteer import fold, gazetteer

__all__ = ["find_accounts"]

SPEECH_LEMMAS = {"say", "state", "talk", "speak", "mention", "limit", "stress", "emphasise", "emphasize", "insist",
                 "describe", "report", "announce", "claim", "confirm", "deny", "note", "refer", "focus", "confine",
                 "restrict", "tell", "add", "declare", "assert", "maintain", "write", "publish", "call", "characterise",
                 "characterize", "portray", "reject", "dismiss", "acknowledge", "admit", "highlight", "underline"}
_CUES_RX = re.compile(r"\b(only|merely|simply|solely|just|limited (?:it|them)sel(?:f|ves) to|confined (?:it|them)sel"
                      r"(?:f|ves) to|restricted (?:it|them)sel(?:f|ves) to|did not mention|didn't mention|made no "
                      r"mention|no mention|silent|on the other hand|however|by contrast|in contrast|whereas|instead|"
                      r"contrary|differently|denied|rejected)\b", re.IGNORECASE)
_RESTRICT_RX = re.compile(r"\b(only|merely|simply|solely|just|limited|confined|restricted)\b", re.IGNORECASE)
_QUOTE_RX = re.compile(r"(?:(?<=[\s(])|^)[‘“\"']([^‘’“”\"]{3,120}?)[’”\"'](?![a-z])")

CountryOf = Callable[[Token], "str | None"]


def _actor_map(events: Iterable[Event]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in events:
        for a in (e.source, e.target, e.claimant):
            if a is not None and a.country:
                for t in (a.text, a.name):
                    if t:
                        out[fold(t)] = a.country
                        out[fold(re.sub(r"^the\s+", "", t, flags=re.IGNORECASE))] = a.country
    return out


def _speaker_country(tok: Token, actors: dict[str, str], country_of: CountryOf | None) -> str | None:
    if country_of is not None:
        try:
            c = country_of(tok)
        except Exception:  # noqa: BLE001 - a caller's resolver must not stop the stage
            c = None
        if c:
            return c
    g = gazetteer()
    left = min(t.i for t in tok.subtree
               if (t.i <= tok.i and t.dep_ in ("compound", "amod", "det", "poss", "case")) or t.i == tok.i)
    phrase = tok.doc[left:tok.i + 1].text
    for cand in (phrase, tok.text):
        c = actors.get(fold(cand)) or actors.get(fold(re.sub(r"^the\s+", "", cand, flags=re.IGNORECASE)))
        if c:
            return c
    c = g.country_of_name(tok.text)
    if c:
        return c
    for ch in tok.children:  # "the Chinese side", "Russia's ministry"
        if ch.dep_ in ("amod", "compound", "poss", "nmod"):
            c = actors.get(fold(ch.text)) or g.country_of_name(ch.text)
            if c:
                return c
    return None


def _statements(doc: Doc, sents: list[Span], first: int, last: int, pair: frozenset[str],
                actors: dict[str, str], country_of: CountryOf | None) -> list[dict[str, Any]]:
    out = []
    for si in range(max(first, 0), min(last, len(sents) - 1) + 1):
        sent = sents[si]
        for tok in sent:
            if tok.lemma_.lower() not in SPEECH_LEMMAS or tok.pos_ not in ("VERB", "AUX"):
                continue
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None and tok.dep_ in ("conj", "xcomp", "pcomp"):
                subj = next((c for c in tok.head.children if c.dep_ in ("nsubj",)), None)
            if subj is None:
                continue
            party = _speaker_country(subj, actors, country_of)
            if party not in pair:
                continue
            rest = doc[tok.i:sent.end].text
            quotes = [q.strip() for q in _QUOTE_RX.findall(rest)]
            if quotes:
                says = ", ".join(f"'{q}'" for q in quotes[:3])
            else:
                says = re.sub(r"\s+", " ", rest).strip().rstrip(".")[:100]
            text = sent.text
            cue = bool(_CUES_RX.search(text))
            restrict = bool(_RESTRICT_RX.search(doc[subj.i:sent.end].text))
            negated = any(c.dep_ == "neg" for c in tok.children) or tok.lemma_.lower() in ("deny", "reject", "dismiss")
            out.append({"party": party, "sentence_index": si, "says": ("only " if restrict else "") + says,
                        "cue": cue or negated})
            break  # one statement per sentence
    return out


def _says(events: list[Event]) -> str:
    seen: list[str] = []
    for e in events:
        name = (e.cameo_name or e.trigger or "event").strip()
        name = name[:1].lower() + name[1:]
        item = f"{name} ({e.cameo})"
        if item not in seen:
            seen.append(item)
    return "; ".join(seen)


def find_accounts(article_id: str, events: list[Event], doc: Doc, country_of: CountryOf | None = None,
                  window: int = 2) -> list[Account]:
    """Divergent accounts of one episode by the two sides (see the module docstring)."""
    by_pair: dict[frozenset[str], list[Event]] = {}
    for e in events:
        a = e.source.country if e.source else None
        b = e.target.country if e.target else None
        if a and b and a != b:
            by_pair.setdefault(frozenset((a, b)), []).append(e)
    if not by_pair:
        return []
    sents = sentences(doc)
    actors = _actor_map(events)
    accounts: list[Account] = []
    for pair, evs in sorted(by_pair.items(), key=lambda kv: sorted(kv[0])):
        evs.sort(key=lambda e: e.sentence_index)
        clusters: list[list[Event]] = [[evs[0]]]
        for e in evs[1:]:
            if e.sentence_index - clusters[-1][-1].sentence_index <= window:
                clusters[-1].append(e)
            else:
                clusters.append([e])
        for cl in clusters:
            acc = _account(article_id, doc, sents, pair, cl, actors, country_of, window)
            if acc is not None:
                accounts.append(acc)
    return accounts


def _account(article_id: str, doc: Doc, sents: list[Span], pair: frozenset[str], cl: list[Event],
             actors: dict[str, str], country_of: CountryOf | None, window: int) -> Account | None:
    coded: dict[str, list[Event]] = {p: [] for p in pair}
    for e in cl:
        c = e.claimant.country if e.claimant else None
        if c in coded:
            coded[c].append(e)
    first = cl[0].sentence_index - 1
    last = cl[-1].sentence_index + window
    claimed_sents = {(c, e.sentence_index) for c, es in coded.items() for e in es}
    stmts = [s for s in _statements(doc, sents, first, last, pair, actors, country_of)
             if (s["party"], s["sentence_index"]) not in claimed_sents]
    stated: dict[str, list[dict[str, Any]]] = {p: [s for s in stmts if s["party"] == p] for p in pair}
    speaking = [p for p in pair if coded[p] or stated[p]]
    if len(speaking) < 2:
        return None
    a, b = sorted(pair, key=lambda p: (not coded[p], min([e.sentence_index for e in coded[p]]
                                                        + [s["sentence_index"] for s in stated[p]] or [10**9]), p))
    codes_a = {e.cameo for e in coded[a]}
    codes_b = {e.cameo for e in coded[b]}
    if codes_a and codes_b:
        divergent = codes_a != codes_b or any(s["cue"] for s in stated[b])
    elif codes_a:
        divergent = any(s["cue"] for s in stated[b])
    else:  # neither side's claims are coded: two statements, one of them contrastive
        divergent = any(s["cue"] for s in stated[a] + stated[b])
    if not divergent:
        return None
    claims = []
    parts = []
    for p in (a, b):
        pieces = []
        if coded[p]:
            pieces.append(_says(coded[p]))
        pieces += [s["says"] for s in stated[p] if not coded[p] or s["cue"]]
        says = "; ".join(pieces)
        claims.append({"party": p, "event_ids": [e.event_id for e in coded[p]], "says": says})
        parts.append(f"{p} account: {says}")
    event_ids = list(dict.fromkeys(e.event_id for e in cl))
    summary = "; ".join(parts)
    if len(summary) > 300:
        summary = summary[:297] + "..."
    account_id = sha256(f"{article_id}|{a}|{b}|{'|'.join(sorted(event_ids))}")[:32]
    return Account(article_id=article_id, parties=[a, b], summary=summary, event_ids=event_ids,
                   account_id=account_id, claims=claims)
