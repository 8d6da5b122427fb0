"""Built-in evaluation: code a gold set, write predictions, score them.

Gold format (one JSON object per line): ``{"id", "text", "date", "expected": [{"source",
"target", "code"}], "scored"}``. Predictions: ``{"id", "events": [{"source", "target",
"code"}]}``. Scoring follows the usual event-data conventions (and agrees with the
shared bench scorer): within a record events are compared as *sets*; three levels —
``exact`` (source, target, full code), ``root`` (first two digits; a PLOVER type is its
own root) and ``presence`` (does the record have any event); a gold actor that is null is a
wildcard (``---`` is not); micro-averaged over scored records.

Which events become predictions: those that aggregates count (asserted; actual, intended
or future) with a source and a target, by default; ``include_all`` adds the rest.
:func:`evaluate` (what ``detente eval`` runs) also drops events below ``min_confidence``: by default
:data:`CALIBRATED_MIN_CONFIDENCE` when the rules' confidence is calibrated (docs/coding.md §5), else
:data:`HEURISTIC_MIN_CONFIDENCE` (``calibrate = false``, ``petrarch_practice = true``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coding.calibration import LIKELY
from .errors import InputError
from .records import Article, Event


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("E401", str(path), "gold file not found") from None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            raise InputError("E402", f"{path}:{n}", f"not valid JSON ({exc})") from None
    return rows


def gold_articles(rows: Iterable[dict[str, Any]]) -> Iterator[Article]:
    for row in rows:
        date = row.get("date")
        if row.get("date_is_placeholder"):
            date = None
        art = Article.make(row.get("text") or "", published=date, lang="en", origin=str(row.get("id")))
        yield art


def _unplaced(a: Any) -> bool:
    """An actor known only by its sector ("the police" where no single state is named)."""
    return a.country is None and a.kind == "sector"


def _cameo_actor(a: Any) -> str | None:
    """An actor's CAMEO code; an unplaced one gets CAMEO's unknown-country prefix ("---GOV")."""
    code = a.code or a.country
    return "---" + code if code and _unplaced(a) else code


def prediction_events(events: Iterable[Event], plover: bool = False, include_all: bool = False,
                      actor_chars: int = 0, countries: Mapping[str, str] | None = None,
                      unplaced: bool = False, trace: Mapping[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """Scorer-format events (``{source, target, code}``) of the events that count.

    Like the dyad analyses, only events whose two actors are placed: an actor known only by its
    sector ("the police" in a sentence naming no state, or two) is left out unless ``unplaced``,
    and then written with CAMEO's unknown-country prefix (``---COP``). ``countries`` rewrites the
    3-letter country prefix of actor codes (CAMEO ``ROM`` -> ISO ``ROU`` for PLOVER, whose actors
    use ISO 3166 country codes). ``trace`` (event id -> the rules that made it, :attr:`Coder.trace`)
    adds each event's ``pattern`` and ``rules``.
    """
    out: list[dict[str, Any]] = []
    seen = set()
    for e in events:
        if not include_all and not e.counts:
            continue
        if e.source is None or e.target is None:
            continue
        if not unplaced and (_unplaced(e.source) or _unplaced(e.target)):
            continue
        src, tgt = _cameo_actor(e.source), _cameo_actor(e.target)
        if not src or not tgt:
            continue
        if countries:
            src = countries.get(src[:3], src[:3]) + src[3:]
            tgt = countries.get(tgt[:3], tgt[:3]) + tgt[3:]
        if actor_chars:
            src, tgt = src[:actor_chars], tgt[:actor_chars]
        code = (e.plover or "") if plover else e.cameo
        if not code:
            continue
        key = (src, tgt, code)
        if key in seen:
            continue
        seen.add(key)
        row: dict[str, Any] = {"source": src, "target": tgt, "code": code}
        if trace is not None:
            row.update(pattern=e.pattern, rules=trace.get(e.event_id, []), modality=e.modality)
        out.append(row)
    return out


# -- scoring --------------------------------------------------------------------------------------------
def _root(code: str) -> str:
    return code[:2] if len(code) >= 2 and code[:2].isdigit() else code


def _norm_code(code: Any) -> str:
    if isinstance(code, int) and not isinstance(code, bool):
        return str(code).zfill(3)
    return "" if code is None else str(code).strip()


def _actor(a: Any, chars: int, gold: bool) -> str | None:
    if a is None:  # only a null gold actor is a wildcard (as in the shared scorer); "---" is not
        return None if gold else ""
    s = str(a).strip()
    return s[:chars] if chars else s


def _tuples(events: Iterable[dict[str, Any]], level: str, chars: int, gold: bool) -> set[tuple[Any, Any, str]]:
    out = set()
    for e in events or []:
        code = _norm_code(e.get("code"))
        if level == "root":
            code = _root(code)
        out.add((_actor(e.get("source"), chars, gold), _actor(e.get("target"), chars, gold), code))
    return out


def _matches(g: tuple[Any, ...], p: tuple[Any, ...]) -> bool:
    return all(gv is None or gv == pv for gv, pv in zip(g, p, strict=True))


def _matching(gold: set[tuple[Any, ...]], pred: set[tuple[Any, ...]]) -> int:
    """Size of a maximum matching (wildcards make it more than an intersection)."""
    gl, pl = sorted(gold, key=repr), sorted(pred, key=repr)
    adj = [[j for j, p in enumerate(pl) if _matches(g, p)] for g in gl]
    owner = [-1] * len(pl)

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if owner[j] < 0 or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return sum(1 for i in range(len(gl)) if augment(i, set()))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    records: int = 0
    levels: dict[str, Score] = field(default_factory=lambda: {"exact": Score(), "root": Score(), "presence": Score()})
    per_root: dict[str, Score] = field(default_factory=dict)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    correct_rejections: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "correct_rejections": self.correct_rejections,
                **{k: v.as_dict() for k, v in self.levels.items()},
                "per_root": {k: v.as_dict() for k, v in sorted(self.per_root.items())},
                "confusions": [{"gold": g, "predicted": p, "count": n}
                               for (g, p), n in self.confusions.most_common(15)]}


# -- the real-news sentence format (news_dev.jsonl and benchmarks/data) -----------------------------------
# Historical states are scored as their main successor, as the annotation guide codes them.
# YMD and RVN (South Yemen, South Vietnam) are detente's own, beyond the shared scorer's list; they are the main
# successors data/actors/states.yaml names (tests/test_actor_phrases_history.py checks the two agree).
HISTORICAL_SUCCESSORS = {"SUN": "RUS", "USR": "RUS", "YUG": "SRB", "SCG": "SRB", "CSK": "CZE", "DDR": "DEU",
                         "GDR": "DEU", "ZAR": "COD", "YMD": "YEM", "RVN": "VNM"}
_GROUP_ALIASES = {"AQA": "ALQ"}


def news_actor(code: Any) -> str | None:
    """An actor code as the real-news gold compares it: the country (first 3 letters, a historical state
    as its successor), an organisation or transnational group by its known-group code (``IGOWSTNAT`` and
    ``NAT`` are both NATO); ``None`` for no actor or an unknown country (``---GOV``)."""
    if not code or str(code).startswith("---"):
        return None
    a = str(code).upper()
    if a.startswith(("IGO", "IMG")):
        return _GROUP_ALIASES.get(a[-3:], a[-3:])
    return HISTORICAL_SUCCESSORS.get(a[:3], a[:3])


def is_news_gold(rows: list[dict[str, Any]]) -> bool:
    """Gold in the real-news sentence format: every record names its article and is of category news."""
    return bool(rows) and all(r.get("category") == "news" and "article_id" in r for r in rows)


def normalise_news(events: Iterable[dict[str, Any]], gold: bool) -> list[dict[str, Any]]:
    """Events with their actors as :func:`news_actor` writes them; gold events with an unidentified actor
    are dropped, as the annotation guide does not code them."""
    out = []
    for e in events or []:
        s, t = news_actor(e.get("source")), news_actor(e.get("target"))
        if gold and (s is None or t is None):
            continue
        out.append({**e, "source": s, "target": t})
    return out


MISS_KINDS = ("no event", "wrong root", "wrong source", "wrong target", "extra")


def misses(gold_rows: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]],
           actor_chars: int = 0) -> list[dict[str, Any]]:
    """Each unmatched gold or predicted event at the root level, with its kind and its sentence.

    Kinds: ``no event`` (the record has gold events and no prediction at all), ``wrong root`` (a
    prediction with the same source and target has another root), ``wrong source`` / ``wrong target``
    (same root, the other actor matches), ``extra`` (a prediction nothing in the gold explains); a gold
    event left after these is ``no event`` too."""
    out: list[dict[str, Any]] = []
    for row in gold_rows:
        if not row.get("scored", True):
            continue
        g = sorted(_tuples(row.get("expected") or [], "root", actor_chars, True), key=repr)
        p = sorted(_tuples(predictions.get(str(row.get("id")), []), "root", actor_chars, False), key=repr)
        free_g = [t for t in g if not any(_matches(t, q) for q in p)]
        free_p = [q for q in p if not any(_matches(t, q) for t in g)]
        used: set[int] = set()
        for t in free_g:
            kind = "no event"
            for j, q in enumerate(free_p):
                if j in used:
                    continue
                same_s, same_t, same_r = t[0] in (None, q[0]), t[1] in (None, q[1]), t[2] == q[2]
                if same_s and same_t:
                    kind = "wrong root"
                elif same_r and same_s:
                    kind = "wrong target"
                elif same_r and same_t:
                    kind = "wrong source"
                else:
                    continue
                used.add(j)
                out.append({"kind": kind, "id": row.get("id"), "gold": list(t), "predicted": list(q),
                            "text": row.get("text")})
                break
            else:
                out.append({"kind": kind, "id": row.get("id"), "gold": list(t), "predicted": None,
                            "text": row.get("text")})
        for j, q in enumerate(free_p):
            if j not in used:
                out.append({"kind": "extra", "id": row.get("id"), "gold": None, "predicted": list(q),
                            "text": row.get("text")})
    return out


def score(gold_rows: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]], actor_chars: int = 0,
          include_unscored: bool = False) -> Report:
    rep = Report()
    for row in gold_rows:
        if not include_unscored and not row.get("scored", True):
            continue
        rep.records += 1
        gold_ev = row.get("expected") or []
        pred_ev = predictions.get(str(row.get("id")), [])
        for level in ("exact", "root"):
            g = _tuples(gold_ev, level, actor_chars, True)
            p = _tuples(pred_ev, level, actor_chars, False)
            tp = _matching(g, p)
            sc = rep.levels[level]
            sc.tp += tp
            sc.fp += len(p) - tp
            sc.fn += len(g) - tp
            if level == "root":
                for code in {c for _, _, c in g} | {c for _, _, c in p}:
                    gg = {t for t in g if t[2] == code}
                    pp = {t for t in p if t[2] == code}
                    k = _matching(gg, pp)
                    s = rep.per_root.setdefault(code, Score())
                    s.tp += k
                    s.fp += len(pp) - k
                    s.fn += len(gg) - k
                gcodes = Counter(c for _, _, c in g)
                pcodes = Counter(c for _, _, c in p)
                if gcodes != pcodes:
                    for gc in gcodes - pcodes or {"(none)": 1}:
                        for pc in pcodes - gcodes or {"(none)": 1}:
                            rep.confusions[(gc, pc)] += 1
        has_g, has_p = bool(gold_ev), bool(pred_ev)
        pres = rep.levels["presence"]
        if has_g and has_p:
            pres.tp += 1
        elif has_p:
            pres.fp += 1
        elif has_g:
            pres.fn += 1
        else:
            rep.correct_rejections += 1
    return rep


def is_plover_gold(rows: list[dict[str, Any]]) -> bool:
    codes = [str(e.get("code")) for r in rows for e in (r.get("expected") or [])]
    return bool(codes) and sum(1 for c in codes if c.isalpha()) > len(codes) / 2


# -- the whole evaluation -------------------------------------------------------------------------------
# detente eval's default confidence. Calibrated: the rules' events at least 0.3 likely to be right and the pair
# scorer's (0.5 and up); of the thresholds 0.2-0.6 on 5-fold cross-validation over the training pools,
# 0.2 gives F1_root 0.315 at precision 0.466, 0.3 gives 0.312 at 0.483 (the rules' heuristic at 0.6: 0.282
# at 0.448): within 0.01 of the best F1, the more precise (docs/coding.md §5).
CALIBRATED_MIN_CONFIDENCE = LIKELY
HEURISTIC_MIN_CONFIDENCE = 0.6  # the rules' own score: where it begins to rank evidence (docs/coding.md §5)


def default_min_confidence(engine: Any) -> float:
    """The confidence :func:`evaluate` asserts an event at, for ``engine``'s coder."""
    calibrated = getattr(engine.coder, "calibration", None) is not None
    return CALIBRATED_MIN_CONFIDENCE if calibrated else HEURISTIC_MIN_CONFIDENCE


@dataclass
class Evaluation:
    """What :func:`evaluate` found: the predictions per record id (in ``rows`` order), the scores, the
    misses, and how the gold was read (PLOVER types or CAMEO codes; news actors as countries)."""

    rows: list[dict[str, Any]]
    predictions: dict[str, list[dict[str, Any]]]
    report: Report
    missed: list[dict[str, Any]]
    plover: bool
    news: bool
    row_events: list[list[dict[str, Any]]]  # each record's own predictions (ids may repeat)
    min_confidence: float = HEURISTIC_MIN_CONFIDENCE  # the confidence events were asserted at

    def prediction_lines(self) -> list[str]:
        """The predictions file, one ``{"id", "events"}`` JSON object per gold record."""
        return [json.dumps({"id": r.get("id"), "events": ev}) for r, ev in zip(self.rows, self.row_events, strict=True)]


def evaluate(rows: list[dict[str, Any]], engine: Any, *, min_confidence: float | None = None, include_all: bool = False,  # noqa: PLR0913 - options
             unplaced: bool = False, plover: bool | None = None, iso: bool | None = None, news: bool | None = None,
             actor_chars: int = 0, trace: bool = False) -> Evaluation:
    """Code each gold record with ``engine`` (a :class:`detente.pipeline.Engine`) and score the predictions.

    ``min_confidence``: None is :func:`default_min_confidence`. ``plover``/``news``: None detects the
    gold's kind from its records. ``iso``: actors' countries in
    ISO 3166 (ROU, not CAMEO's ROM; default: for PLOVER gold). ``trace``: each prediction carries its
    pattern and rule trail. Scoring news gold compares actors as ``../shared/bench/score_news.py`` does;
    the predictions keep detente's own codes.
    """
    if min_confidence is None:
        min_confidence = default_min_confidence(engine)
    use_plover = is_plover_gold(rows) if plover is None else plover
    # PLOVER codes actors' countries in ISO 3166, where CAMEO differs in four places (ROM, MTN, TMP, IMY)
    countries = {e.code: e.iso3 for e in engine.kb.states.values() if e.code and e.iso3 and e.iso3 != e.code} \
        if (use_plover if iso is None else iso) else None
    saved = engine.coder.trace
    trails: dict[str, list[str]] | None = {} if trace else None
    engine.coder.trace = trails
    preds: dict[str, list[dict[str, Any]]] = {}
    row_events: list[list[dict[str, Any]]] = []
    try:
        for row, article in zip(rows, gold_articles(rows), strict=True):
            coded = engine.code_article(article)
            events = prediction_events(
                [e for e in coded.events if e.confidence >= min_confidence], plover=use_plover,
                include_all=include_all, countries=countries, unplaced=unplaced, trace=trails)
            preds[str(row.get("id"))] = events
            row_events.append(events)
    finally:
        engine.coder.trace = saved
    use_news = is_news_gold(rows) if news is None else news
    scored_rows, scored_preds = rows, preds
    if use_news:
        scored_rows = [{**r, "expected": normalise_news(r.get("expected") or [], gold=True)} for r in rows]
        scored_preds = {k: normalise_news(v, gold=False) for k, v in preds.items()}
    return Evaluation(rows=rows, predictions=preds, report=score(scored_rows, scored_preds, actor_chars=actor_chars),
                      missed=misses(scored_rows, scored_preds, actor_chars=actor_chars), plover=use_plover,
                      news=use_news, row_events=row_events, min_confidence=min_confidence)
