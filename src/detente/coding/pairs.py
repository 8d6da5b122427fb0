"""A learned second opinion: which pairs of actors a sentence relates, and by which CAMEO root.

The rule coder (:mod:`.coder`) finds an event only where a lexicon pattern matches a predicate
whose arguments resolve to actors. Real news states many events less directly ("In his meeting
with Kagame, Hu said ...", "Truckloads of goods rolled into Iraq from Jordan"). This module
scores every ordered pair of actors a sentence names -- its *candidates* -- with a linear model
over the pair's dependency path, the words on it, the word that joins them, and what the rule
coder said about the pair, and proposes the pair's root (or no event).

``Sentence + actors -> [Candidate]`` (features), ``Candidate -> {root: probability}``
(:class:`PairModel`). The model is data (``data/coder/pair_model.json.gz``), trained by
``benchmarks/train_pairs.py`` on the project's own annotated real-news sentences
(``benchmarks/data/news_more.labels.jsonl``, pools ``dev`` and ``train``); it is read with the
standard library only. The coder adds a proposed event only where the rules found none for the
pair (none the rule calibration puts at :data:`.calibration.LIKELY` or above) and the model's
probability clears the model's threshold (chosen on its training data by
cross-validation); such events carry ``coder`` ``<version>+pairs`` and ``pattern``
``model:pairs <root>``, so every one of them can be told from a rule's.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import InitVar, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from ..records import Actor, Event

# kinds of actor a candidate may be: named, placed parties (not places, implied or unknown ones)
_PARTY_KINDS = frozenset({"state", "person", "igo", "group", "sector"})
MAX_PATH = 8  # tokens between a pair's two heads, beyond which the path is summarised
_KID_DEPS = frozenset({"dobj", "attr", "oprd", "xcomp", "nsubj", "nsubjpass", "ccomp", "advcl", "acomp"})
MAX_PARTIES = 12  # mentions per sentence considered (a list of 30 states is no 870 candidate pairs)


def party_key(a: Actor) -> str:
    """The actor a candidate stands for: its full code (sector included), else its country."""
    return a.code or a.country or a.text


@dataclass
class Candidate:
    """One ordered pair of actors named in a sentence, with the tokens that name them."""

    src_tok: Token
    src: Actor
    tgt_tok: Token
    tgt: Actor
    join: Token  # the word joining the two in the parse: the event's predicate
    features: list[str] = field(default_factory=list)


def _ancestors(tok: Token) -> list[Token]:
    out = [tok]
    while out[-1].head.i != out[-1].i and len(out) < 40:
        out.append(out[-1].head)
    return out


def _path(a: Token, b: Token, cache: dict[int, list[Token]] | None = None
          ) -> tuple[list[Token], Token, list[Token]]:
    """(a up to the join, the join, b up to the join): the dependency path between two tokens."""
    if cache is None:
        cache = {}
    up_a = cache.get(a.i) or cache.setdefault(a.i, _ancestors(a))
    up_b_all = cache.get(b.i) or cache.setdefault(b.i, _ancestors(b))
    seen = {t.i: n for n, t in enumerate(up_a)}
    up_b: list[Token] = []
    for t in up_b_all:
        if t.i in seen:
            return up_a[:seen[t.i]], t, up_b
        up_b.append(t)
    return up_a, up_a[-1], up_b  # different trees (should not happen within a sentence)


def _lem(t: Token) -> str:
    return (t.lemma_ or t.text).lower()


def _arg(tok: Token) -> str:
    """How a phrase attaches: its relation, with the preposition for a prepositional object."""
    if tok.dep_ in ("prep", "agent"):  # the path climbs pobj -> prep -> the joining word
        return f"{tok.dep_}:{tok.lower_}"
    if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent"):
        return f"{tok.head.dep_}:{tok.head.lower_}"
    return tok.dep_


def sentence_features(sent: Span, rule_events: Sequence[Event]) -> tuple[list[str], dict[tuple[str, str], set[str]]]:
    """What every candidate of a sentence shares: its verbs and the rules' roots; and the rules' roots
    by pair of actors."""
    shared = [f"sv={_lem(t)}" for t in sent if t.pos_ == "VERB"]
    rule_roots: dict[tuple[str, str], set[str]] = {}
    for e in rule_events:
        shared.append(f"sentrule={e.cameo_root}")
        if e.source is not None and e.target is not None:
            rule_roots.setdefault((party_key(e.source), party_key(e.target)), set()).add(e.cameo_root)
    return sorted(set(shared)), rule_roots


def features(src_tok: Token, src: Actor, tgt_tok: Token, tgt: Actor, path: tuple[list[Token], Token, list[Token]],  # noqa: C901 - to split into named steps (pyproject.toml)
             shared: list[str], rule_roots: dict[tuple[str, str], set[str]],
             lexicon_roots: dict[str, frozenset[str]] | None = None) -> list[str]:
    """The features of one candidate (strings; a linear model weighs each). ``lexicon_roots``: the
    CAMEO roots the lexicon's patterns give each head word, so that a word the training data never
    saw still speaks through the lexicon ("lex=04" for any verb of meeting)."""
    lex = lexicon_roots or {}
    up_a, join, up_b = path
    f = ["bias"]
    jl = _lem(join)
    f.append(f"join={jl}")
    f.append(f"joinpos={join.pos_}")
    a_rel = _arg(up_a[-1]) if up_a else "self"
    b_rel = _arg(up_b[-1]) if up_b else "self"
    f.append(f"arel={a_rel}")
    f.append(f"brel={b_rel}")
    f.append(f"frame={jl}|{a_rel}|{b_rel}")
    f.append(f"rels={a_rel}|{b_rel}")
    f.append(f"adep={src_tok.dep_}")
    f.append(f"bdep={tgt_tok.dep_}")
    inner = [t for t in up_a[1:] + up_b[1:]]
    if len(inner) > MAX_PATH:
        f.append("longpath")
    for r in lex.get(jl, ()):
        f.append(f"joinlex={r}")
        f.append(f"joinlex={r}|{a_rel}|{b_rel}")
    for t in inner[:MAX_PATH]:
        if t.pos_ in ("VERB", "NOUN", "ADJ", "ADP", "PROPN"):
            f.append(f"on={_lem(t)}")
            f.append(f"on={_lem(t)}|{jl}")
            for r in lex.get(_lem(t), ()):
                f.append(f"onlex={r}")
    # what the joining word governs: the event noun of "imposed sanctions on", "held talks with"
    for c in join.children:
        if c.dep_ in _KID_DEPS and c.pos_ in ("NOUN", "VERB") and c not in up_a and c not in up_b:
            f.append(f"kid={c.dep_}:{_lem(c)}")
            f.append(f"kid={_lem(c)}")
            for r in lex.get(_lem(c), ()):
                f.append(f"kidlex={r}")
    f.append(f"deps={'/'.join(t.dep_ for t in up_a)}^{'/'.join(t.dep_ for t in up_b)}"[:80])
    f.append(f"order={'ab' if src_tok.i < tgt_tok.i else 'ba'}")
    dist = abs(src_tok.i - tgt_tok.i)
    f.append(f"dist={min(dist // 4, 6)}")
    f.append(f"kinds={src.kind}|{tgt.kind}")
    f.append(f"sectors={src.sector or '-'}|{tgt.sector or '-'}")
    if src.country and src.country == tgt.country:
        f.append("domestic")
    for c in join.children:
        if c.dep_ == "neg":
            f.append("neg")
        elif c.dep_ == "aux" and c.lower_ in ("will", "would", "could", "may", "might", "should", "must", "'ll"):
            f.append(f"aux={c.lower_}")
        elif c.dep_ == "mark":
            f.append(f"mark={c.lower_}")
    if join.dep_ in ("advcl", "relcl", "acl", "ccomp", "xcomp", "pcomp", "conj"):
        f.append(f"joindep={join.dep_}")
    f.extend(shared)
    roots = rule_roots.get((party_key(src), party_key(tgt)), set())
    back = rule_roots.get((party_key(tgt), party_key(src)), set())
    f.extend(f"rule={r}" for r in roots)
    f.extend(f"ruleback={r}" for r in back)
    if not roots and not back:
        f.append("rule=none")
    return f


def candidates(sent: Span, mentions: Iterable[tuple[int, int, Actor]], rule_events: Sequence[Event],
               skip: Any = None, lexicon_roots: dict[str, frozenset[str]] | None = None) -> list[Candidate]:
    """Every ordered pair of different parties named in ``sent`` (one per pair of actor codes: the two
    mentions nearest to each other in the parse), with its features. ``skip(token)`` leaves a mention
    out (the dateline)."""
    doc = sent.doc
    parties: list[tuple[Token, Actor]] = []
    for start, end, a in mentions:
        if not sent.start <= start < sent.end or not a.country or a.kind not in _PARTY_KINDS:
            continue
        tok = doc[start:max(end, start + 1)].root
        if skip is not None and skip(tok):
            continue
        parties.append((tok, a))
    if len(parties) < 2:
        return []
    del parties[MAX_PARTIES:]
    shared, rule_roots = sentence_features(sent, rule_events)
    cache: dict[int, list[Token]] = {}
    best: dict[tuple[str, str], tuple[int, Token, Actor, Token, Actor, Any]] = {}
    for ta, a in parties:
        for tb, b in parties:
            if ta.i == tb.i or party_key(a) == party_key(b):
                continue
            if a.country == b.country and (a.sector or "") == (b.sector or ""):
                continue
            path = _path(ta, tb, cache)
            length = len(path[0]) + len(path[2])
            key = (party_key(a), party_key(b))
            if key not in best or length < best[key][0]:
                best[key] = (length, ta, a, tb, b, path)
    return [Candidate(ta, a, tb, b, path[1], features(ta, a, tb, b, path, shared, rule_roots, lexicon_roots))
            for _, ta, a, tb, b, path in best.values()]


@dataclass
class PairModel:
    """A multinomial logistic model over candidate features: ``labels[0]`` is "no event".

    ``weights`` maps a feature to its weight for each label. The model keeps them as one flat
    float32 array (``matrix``, ``len(labels)`` values per feature, in the order of ``index``): a
    model of 45,000 features loads in a fraction of a second and holds a few MB, where a dict of
    Python lists took seconds and a hundred."""

    labels: list[str]
    weights: InitVar[dict[str, list[float]] | None] = None
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict, repr=False)
    matrix: array = field(default_factory=lambda: array("f"), repr=False)

    def __post_init__(self, weights: dict[str, list[float]] | None) -> None:
        k = len(self.labels)
        for name, w in (weights or {}).items():
            if len(w) != k:
                raise ValueError(f"pair model: feature {name!r} has {len(w)} weights for {k} labels")
            self.index[name] = len(self.index)
            self.matrix.extend(w)

    def probabilities(self, feats: Iterable[str]) -> list[float]:
        k = len(self.labels)
        z = [0.0] * k
        m = self.matrix
        for name in feats:
            j = self.index.get(name)
            if j is not None:
                base = j * k
                for n in range(k):
                    z[n] += m[base + n]
        top = max(z)
        ex = [math.exp(v - top) for v in z]
        total = sum(ex)
        return [v / total for v in ex]

    def best(self, feats: Iterable[str]) -> tuple[str, float] | None:
        """The most likely root and its probability, if it is an event above the threshold."""
        p = self.probabilities(feats)
        k = max(range(1, len(p)), key=p.__getitem__)
        return (self.labels[k], p[k]) if p[k] >= self.threshold else None

    def to_json(self) -> dict[str, Any]:
        """Features in order and their weights as base64 of little-endian float32, ``len(labels)`` each."""
        m = array("f", self.matrix)
        if sys.byteorder != "little":
            m.byteswap()
        return {"labels": self.labels, "threshold": self.threshold, "meta": self.meta,
                "features": list(self.index),  # in row order: built in order, never reordered
                "weights_f32": base64.b64encode(m.tobytes()).decode("ascii")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PairModel:
        labels = list(data["labels"])
        threshold, meta = float(data.get("threshold", 0.5)), dict(data.get("meta") or {})
        if "weights_f32" not in data:  # the first format: {feature: [weight per label]}
            return cls(labels=labels, weights={k: list(v) for k, v in data["weights"].items()},
                       threshold=threshold, meta=meta)
        m = array("f")
        m.frombytes(base64.b64decode(data["weights_f32"]))
        if sys.byteorder != "little":
            m.byteswap()
        features = list(data["features"])
        if len(m) != len(features) * len(labels):
            raise ValueError(f"pair model: {len(m)} weights for {len(features)} features x {len(labels)} labels")
        return cls(labels=labels, threshold=threshold, meta=meta,
                   index={f: j for j, f in enumerate(features)}, matrix=m)


def read_model_json(path: str | None, shipped: str) -> Any:
    """The JSON of a coder model: the file at ``path`` (gzip-compressed or not), else the shipped
    ``data/coder/<shipped>``; ``None`` if there is none."""
    if path:
        raw = Path(path).read_bytes()
    else:
        res = resources.files("detente") / "data" / "coder" / shipped
        if not res.is_file():
            return None
        raw = res.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def load_pair_model(path: str | None = None) -> PairModel | None:
    """The shipped model (``data/coder/pair_model.json.gz``) or a user's; ``None`` if there is none."""
    data = read_model_json(path, "pair_model.json.gz")
    return None if data is None else PairModel.from_json(data)
