"""When an event happened: ``resolve_date(doc, token_i, published) -> DateInfo``.

Contract: for the predicate token ``doc[token_i]`` return the date of the time expression
that governs its clause or sentence, resolved against the publication date ``published``
(ISO ``YYYY-MM-DD``, or any ISO timestamp). With no usable expression the event is dated to
the publication day (``basis="publication"``); with no publication date either, ``date`` is None.

Finding expressions. A set of regular expressions runs once per document over its text
(cached on the Doc in ``doc._.detente_dates``): explicit dates ("19 September 2022",
"September 19", "in February 2022", "in 2014", "since 2014", "until August", "between January
and August") and relative ones ("yesterday", "on Tuesday", "last week", "earlier this month",
"next month", "three years ago", "last weekend"). spaCy DATE entities that none of the regexes
covers and that look like a numeric date ("19/09/2022", "2022/09/19") go to ``dateparser``
(only those: it returns nothing for "earlier this month" and can take seconds on free text);
its answers are cached per string.

Which expression governs the event. Each expression attaches to a governor: the first verb
above it in the parse (or the predicate itself when the predicate is a noun, as in "the meeting
on Tuesday"). In order of preference:
  1. an expression whose governor is the predicate ("met ... last week");
  2. one whose governor is a verb above the predicate ("Last week, X said it had signed ...");
  3. any other expression in the sentence, nearest first, except those inside a relative or
     adjectival clause ("the agreement signed in February") or inside a clause below the
     predicate ("agreed to meet next month": the agreement is not next month).

Resolution rules (``published`` = P):
  - a year ("in 2014", "since 2014") -> 1 January of it, precision "year";
  - a month with a year -> its first day, precision "month"; a month without a year ("in August",
    "until August") -> the most recent such month not after P for past tense, the next one
    not before P for future tense ("will ... in August"); "last August"/"next August" strictly
    before/after the current month;
  - a day and month, with or without year -> that day (year inferred like months);
  - a weekday ("on Tuesday") -> the most recent such day on or before P (past tense) or the
    next on or after P (future tense); "last Tuesday"/"next Tuesday" strictly before/after;
  - yesterday / last night -> P-1, today / tonight / this morning -> P, tomorrow -> P+1;
  - "N days ago" -> P-N (day); "N weeks ago" -> P-7N (day); "N months ago" -> that month
    (month); "N years ago" / "a decade ago" -> that year (year);
  - "last/this/next/earlier this/later this month" -> that month, precision "month";
    same for "year" with precision "year".
  - Weeks. The schema's precisions are day|month|year; a week is none of them. "last week",
    "this week", "next week" resolve to the *middle* day (Thursday) of that Monday-Sunday week
    with precision "day", so the error is at most three days either way, and DateInfo carries
    the whole span in ``earliest``/``latest``. "last weekend" -> its Saturday (span Sat-Sun).
    If a "week" precision is ever added to ``records.DATE_PRECISIONS`` only ``_week`` changes.
Month-precision dates are the first day of the month (``2022-02-01``), year-precision dates the
first of January: always a full ISO date, with ``precision`` saying how much of it is meant.

``basis`` is "explicit" when the expression names a calendar year, month or day number
(a year may still be inferred, as in "on 19 September"), "relative" when it is deictic
(weekdays, yesterday, last week, ago, this month), "publication" for the fallback.

``historical`` is true when the whole span of the resolved date ends more than
``historical_days`` days before publication.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..nlp import governing_verb, sentences

__all__ = ["DateInfo", "TimeExpr", "find_time_expressions", "parse_published", "resolve_date"]

_EXT = "detente_dates"
if not Doc.has_extension(_EXT):
    Doc.set_extension(_EXT, default=None)


@dataclass(frozen=True)
class DateInfo:
    date: str | None
    precision: str = "day"  # day | month | year
    basis: str = "publication"  # explicit | relative | publication
    text: str | None = None
    historical: bool = False
    # extensions: the span the expression covers (a month: its first and last day)
    earliest: str | None = None
    latest: str | None = None


# --------------------------------------------------------------------------- patterns

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "few": 3,
            "several": 3, "a couple of": 2, "couple of": 2, "fifteen": 15, "twenty": 20, "thirty": 30}

_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)(?![a-z])")
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_NUM = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|" \
       r"(?:a\s+)?few|several|(?:a\s+)?couple\s+of)"
_TRIG = r"(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Tt]hrough|[Dd]uring|[Bb]efore|[Aa]fter|[Oo]f|[Ee]arly|" \
        r"[Ll]ate|[Mm]id-?|[Tt]he\s+end\s+of|[Tt]he\s+beginning\s+of|[Tt]he\s+start\s+of|[Tt]he\s+middle\s+of)"

# Each pattern: (kind, regex). Named groups: d (day), m (month), y (year), m2/y2 (range end),
# wd (weekday), mod (last/next/this...), n (number), unit. ``q`` marks since/until qualifiers.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>" + _YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("range", re.compile(r"\b(?:[Bb]etween|[Ff]rom)\s+(?P<m>" + _MON + r")(?:\s+(?P<y>" + _YEAR + r"))?"
                         r"\s+(?:and|to|until|till|through)\s+(?P<m2>" + _MON + r")(?:\s+(?P<y2>" + _YEAR
                         + r"))?")),
    ("yrange", re.compile(r"\b(?:[Bb]etween|[Ff]rom)\s+(?P<y>" + _YEAR + r")\s+(?:and|to|until|till|through)\s+"
                          r"(?P<y2>" + _YEAR + r")\b")),
    ("dmy", re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MON + r"),?\s+(?P<y>"
                       + _YEAR + r")\b")),
    ("mdy", re.compile(r"\b(?P<m>" + _MON + r")\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>" + _YEAR + r")\b")),
    ("my", re.compile(r"(?:(?P<q>\b[Ss]ince|\b[Uu]ntil|\b[Tt]ill)\s+)?(?:(?:early|late|mid-?)\s*)?\b(?P<m>" + _MON
                      + r"),?\s+(?P<y>" + _YEAR + r")\b")),
    ("dm", re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MON + r")")),
    ("md", re.compile(r"\b(?P<m>" + _MON + r")\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?![\d,.]*\d)")),
    ("ago", re.compile(r"\b(?P<n>" + _NUM + r")\s+(?P<unit>day|week|month|year|decade)s?\s+ago\b", re.IGNORECASE)),
    ("rel_unit", re.compile(r"\b(?P<mod>last|next|this|coming|past|earlier\s+this|later\s+this|"
                            r"early\s+this|late\s+this|the\s+past|the\s+last|the\s+coming|the\s+next)\s+"
                            r"(?P<unit>week|weekend|month|year)\b(?!s)", re.IGNORECASE)),
    ("rel_day", re.compile(r"\b(?P<mod>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|"
                           r"last\s+night|this\s+(?:morning|afternoon|evening))\b", re.IGNORECASE)),
    ("weekday", re.compile(r"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Oo]n|[Ss]ince|[Uu]ntil)\s+)?\b(?P<wd>"
                           + _DAY + r")\b(?!\s*['’]s\s+(?:[A-Z]))")),
    ("rel_month", re.compile(r"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier\s+this|[Ll]ater\s+this)\s+(?P<m>"
                             + _MON + r")")),
    ("month", re.compile(r"\b(?P<trig>" + _TRIG + r")\s+(?:(?:early|late|mid-?)\s*)?(?P<m>" + _MON + r")")),
    ("year", re.compile(r"\b(?P<trig>" + _TRIG + r"|[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)"
                        r"\s+(?:(?:early|late|mid-?)\s*)?(?P<y>" + _YEAR + r")\b(?![-–]\d)"
                        r"(?!\s*(?:per\s*cent|percent|%|troops|people|soldiers|km|tonnes))")),
]
_INCLUDE_TRIG = re.compile(r"^(?:since|until|till|early|late|mid-?|the\s+\w+\s+of)$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b")


@dataclass
class TimeExpr:
    start: int  # token span in the doc
    end: int
    text: str
    kind: str
    groups: dict[str, str | None]
    root: int = 0
    governor: int = 0  # the verb (or noun) the expression attaches to
    sent_start: int = 0
    excluded: bool = False  # inside a relative / adjectival clause
    future: bool = False
    past: bool = False  # the governing verb is plainly past (VBD, have + VBN, was + VBN)


@dataclass
class _DocDates:
    exprs: dict[int, list[TimeExpr]]  # by sentence start
    resolved: dict[tuple[Any, ...], DateInfo]
    sent_of: list[int]  # token index -> start of its sentence (Token.sent is slow)
    by_pub: dict[tuple[int, Any], Any]  # (id(expr), published) -> resolution


def sentence_starts(doc: Doc) -> list[int]:
    """Token index -> index of the first token of its sentence, in one pass."""
    out = [0] * len(doc)
    for sent in sentences(doc):
        for i in range(sent.start, sent.end):
            out[i] = sent.start
    return out


# --------------------------------------------------------------------------- date helpers

def parse_published(s: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` (or any string that starts with one) -> date; else dateparser, cached."""
    if not s:
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return _dateparser(s)


@functools.lru_cache(maxsize=4096)
def _dateparser(s: str, base: dt.date | None = None) -> dt.date | None:
    try:
        import dateparser
    except ImportError:  # pragma: no cover
        return None
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}
    if base:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    try:
        r = dateparser.parse(s, languages=["en"], settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises odd things on odd input
        return None
    return r.date() if r else None


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def _month_of(m: str) -> int:
    return _MONTHS[m.lower().rstrip(".")]


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _num(s: str) -> int:
    s = re.sub(r"\s+", " ", s.lower())
    return int(s) if s.isdigit() else _NUMBERS.get(s, 1)


def _week(monday: dt.date) -> tuple[dt.date, str, dt.date, dt.date]:
    """A Monday-Sunday week -> (its Thursday, "day", Monday, Sunday). See the module docstring."""
    return monday + dt.timedelta(days=3), "day", monday, monday + dt.timedelta(days=6)


# A resolution: (date, precision, basis, earliest, latest)
_Res = tuple[dt.date, str, str, dt.date, dt.date]


def _resolve_expr(e: TimeExpr, pub: dt.date | None) -> _Res | None:  # noqa: C901 - to split into named steps (pyproject.toml)
    g = e.groups
    k = e.kind
    fut = e.future
    if k in ("iso", "dmy", "mdy"):
        d = _safe_date(int(g["y"] or 0), int(g["m"] or 0) if k == "iso" else _month_of(g["m"] or ""), int(g["d"] or 0))
        return (d, "day", "explicit", d, d) if d else None
    if k == "range":
        r = _resolve_expr(TimeExpr(e.start, e.end, e.text, "my" if g.get("y") else "month", g, future=fut), pub)
        if r is None:
            return None
        d = r[0]
        end = dt.date(int(g["y2"] or 0) if g.get("y2") else d.year, _month_of(g["m2"] or ""), 1)
        if end < d:
            end = end.replace(year=end.year + 1)
        return d, "month", "explicit", d, _month_end(end)
    if k == "my":
        d = dt.date(int(g["y"] or 0), _month_of(g["m"] or ""), 1)
        return d, "month", "explicit", d, _month_end(d)
    if k in ("year", "yrange"):
        d = dt.date(int(g["y"] or 0), 1, 1)
        return d, "year", "explicit", d, dt.date(int(g.get("y2") or d.year), 12, 31)
    if pub is None:
        return None
    if k in ("dm", "md"):
        month, day = _month_of(g["m"] or ""), int(g["d"] or 0)
        options = [d for d in (_safe_date(y, month, day) for y in (pub.year - 1, pub.year, pub.year + 1)) if d]
        if fut:
            options = [d for d in options if d >= pub]
        elif e.past:
            options = [d for d in options if d <= pub]
        if not options:
            return None
        # tense unknown ("are promising a showing on Feb. 4"): the nearest to publication, earlier on a tie
        d = min(options, key=lambda x: (abs((x - pub).days), x > pub))
        return d, "day", "explicit", d, d
    if k in ("month", "rel_month"):
        month = _month_of(g["m"] or "")
        mods = (g.get("mod") or "").lower().split()[-1:] or [""]
        this = pub.replace(day=1)
        cand = this.replace(month=month)
        if mods[0] == "last":
            if cand >= this:
                cand = cand.replace(year=cand.year - 1)
        elif mods[0] == "next":
            if cand <= this:
                cand = cand.replace(year=cand.year + 1)
        elif mods[0] == "this":
            pass
        elif fut:
            if cand < this:
                cand = cand.replace(year=cand.year + 1)
        elif cand > this and (e.past or (cand.month - this.month) % 12 > 2):
            cand = cand.replace(year=cand.year - 1)  # past, or too far ahead to be meant
        return cand, "month", "explicit", cand, _month_end(cand)
    if k == "weekday":
        wd = _WEEKDAYS[(g["wd"] or "").lower()]
        mod = (g.get("mod") or "").lower()
        back = (pub.weekday() - wd) % 7
        ahead = (wd - pub.weekday()) % 7
        if mod == "last":
            d = pub - dt.timedelta(days=back or 7)
        elif mod == "next":
            d = pub + dt.timedelta(days=ahead or 7)
        elif fut or mod == "coming" or mod == "until":
            d = pub + dt.timedelta(days=ahead)
        else:
            d = pub - dt.timedelta(days=back)
        return d, "day", "relative", d, d
    if k == "rel_day":
        mod = re.sub(r"\s+", " ", (g["mod"] or "").lower())
        off = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2}.get(mod, 0)
        d = pub + dt.timedelta(days=off)
        return d, "day", "relative", d, d
    if k == "ago":
        count, unit = _num(g["n"] or "1"), (g["unit"] or "").lower()
        if unit == "day":
            d = pub - dt.timedelta(days=count)
            return d, "day", "relative", d, d
        if unit == "week":
            d = pub - dt.timedelta(days=7 * count)
            return d, "day", "relative", d - dt.timedelta(days=3), d + dt.timedelta(days=3)
        if unit == "month":
            d = _add_months(pub, -count)
            return d, "month", "relative", d, _month_end(d)
        back_years = count * (10 if unit == "decade" else 1)
        d = dt.date(pub.year - back_years, 1, 1)
        return d, "year", "relative", d, dt.date(d.year, 12, 31)
    if k == "rel_unit":
        mod = re.sub(r"\s+", " ", (g["mod"] or "").lower()).replace("the ", "")
        unit = (g["unit"] or "").lower()
        step = -1 if mod in ("last", "past") else 1 if mod in ("next", "coming") else 0
        if unit == "week":
            monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(days=7 * step)
            d, prec, lo, hi = _week(monday)
            if step == 0 and not fut and d > pub:
                d = pub
            return d, prec, "relative", lo, hi
        if unit == "weekend":
            sat_back = (pub.weekday() - 5) % 7  # 0 on a Saturday, 1 on a Sunday, 2 on a Monday...
            sat_ahead = (5 - pub.weekday()) % 7
            if step < 0:
                d = pub - dt.timedelta(days=sat_back + 7 if sat_back <= 1 else sat_back)
            elif step > 0:
                d = pub + dt.timedelta(days=sat_ahead or 7)
            elif fut:
                d = pub + dt.timedelta(days=sat_ahead)
            else:
                d = pub - dt.timedelta(days=sat_back)
            return d, "day", "relative", d, d + dt.timedelta(days=1)
        if unit == "month":
            d = _add_months(pub.replace(day=1), step)
            return d, "month", "relative", d, _month_end(d)
        d = dt.date(pub.year + step, 1, 1)
        return d, "year", "relative", d, dt.date(d.year, 12, 31)
    if k == "parsed":
        d = _dateparser(e.text, pub)
        return (d, "day", "explicit", d, d) if d else None
    return None


# --------------------------------------------------------------------------- finding expressions

_FUTURE_HEADS = {"plan", "intend", "expect", "schedule", "due", "set", "prepare", "hope", "aim", "going", "go",
                 "agree", "promise", "pledge", "vow", "threaten", "decide", "want", "seek"}
_CLAUSE_BREAK = {"relcl", "acl"}


def _is_future(verb: Token) -> bool:
    v = verb
    for _ in range(3):
        for c in v.children:
            if c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "'ll", "shall", "wo", "would"):
                return True
        if v.tag_ == "VB" and v.dep_ == "xcomp" and v.head.lemma_ in _FUTURE_HEADS:
            return True
        if v.pos_ in ("VERB", "AUX") or v.head.i == v.i:
            return False
        v = v.head
    return False


def _is_past(verb: Token) -> bool:
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any((c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD")
                                      or c.lower_ in ("has", "have") for c in verb.children)


_governor = governing_verb


def _span_for(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def find_time_expressions(doc: Doc) -> dict[int, list[TimeExpr]]:
    """All time expressions in the document, by sentence start token (cached on the Doc)."""
    cached = doc._.get(_EXT)
    if cached is not None:
        return cached.exprs  # type: ignore[no-any-return]
    text = doc.text
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, dict[str, str | None]]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            a, b = m.span()
            groups = m.groupdict()
            trig = groups.get("trig")
            if trig and not _INCLUDE_TRIG.match(trig.strip()):
                a = m.start("m") if "m" in groups and groups.get("m") else m.start("y")
            if kind == "weekday" and groups.get("mod") and groups["mod"].lower() == "on":
                a = m.start("wd")
            if not free(a, b):
                continue
            if kind == "md" and _month_of(groups["m"] or "") == 5 and not text[a:b].startswith("May"):
                continue
            taken.append((a, b))
            found.append((a, b, kind, groups))
    for ent in doc.ents:  # numeric dates that the patterns do not cover
        if ent.label_ == "DATE" and _NUMERIC_DATE.search(ent.text) and free(ent.start_char, ent.end_char):
            m2 = _NUMERIC_DATE.search(ent.text)
            assert m2
            a, b = ent.start_char + m2.start(), ent.start_char + m2.end()
            taken.append((a, b))
            found.append((a, b, "parsed", {}))
    exprs: dict[int, list[TimeExpr]] = {}
    sent_of = sentence_starts(doc)
    for a, b, kind, groups in sorted(found, key=lambda f: f[0]):
        span = _span_for(doc, a, b)
        if span is None or len(span) == 0:
            continue
        root = span.root
        gov = _governor(root)
        excluded = False
        t = root
        while t.head.i != t.i:
            if t.dep_ in _CLAUSE_BREAK:
                excluded = True
                break
            t = t.head
        e = TimeExpr(start=span.start, end=span.end, text=text[a:b], kind=kind, groups=groups, root=root.i,
                     governor=gov.i, sent_start=sent_of[root.i], excluded=excluded, future=_is_future(gov),
                     past=_is_past(gov))
        exprs.setdefault(e.sent_start, []).append(e)
    doc._.set(_EXT, _DocDates(exprs=exprs, resolved={}, sent_of=sent_of, by_pub={}))
    return exprs


# --------------------------------------------------------------------------- the API

def _choose(doc: Doc, token_i: int, exprs: list[TimeExpr], usable: dict[int, _Res]) -> TimeExpr | None:
    pred = doc[token_i]
    anc = {t.i: n for n, t in enumerate(pred.ancestors, 1)}
    best: tuple[int, int] | None = None
    choice = None
    for e in exprs:
        if id(e) not in usable:
            continue
        root = doc[e.root]
        # does the expression reach the predicate before any other verb?
        tier = None
        t = root
        steps = 0
        while True:
            if t.i == token_i:
                tier, dist = 0, steps
                break
            if t.head.i == t.i:
                break
            t = t.head
            steps += 1
            if t.i != token_i and t.pos_ in ("VERB", "AUX"):
                break
        if tier is None:
            if e.governor in anc:
                tier, dist = 1, anc[e.governor]
            elif token_i in {a.i for a in doc[e.governor].ancestors} or e.governor == token_i:
                continue  # a clause below the predicate
            elif e.excluded:
                continue
            else:
                tier, dist = 2, abs(e.root - token_i)
        key = (tier, dist)
        if best is None or key < best:
            best, choice = key, e
    return choice


def resolve_date(doc: Doc, token_i: int, published: str | None, historical_days: int = 31) -> DateInfo:
    """The date of the event whose predicate is ``doc[token_i]`` (see the module docstring)."""
    find_time_expressions(doc)
    state: _DocDates = doc._.get(_EXT)
    key = (token_i, published, historical_days)
    hit = state.resolved.get(key)
    if hit is not None:
        return hit
    pub = parse_published(published)
    sent_start = state.sent_of[token_i]
    exprs = state.exprs.get(sent_start, [])
    usable = {}
    for e in exprs:
        k = (id(e), published)
        if k not in state.by_pub:
            state.by_pub[k] = _resolve_expr(e, pub)
        r = state.by_pub[k]
        if r is not None:
            usable[id(e)] = r
    chosen = _choose(doc, token_i, exprs, usable) if usable else None
    if chosen is not None:
        d, prec, basis, lo, hi = usable[id(chosen)]
        hist = bool(pub and (pub - hi).days > historical_days)
        info = DateInfo(d.isoformat(), prec, basis, chosen.text, hist, lo.isoformat(), hi.isoformat())
    elif pub is not None:
        info = DateInfo(pub.isoformat(), "day", "publication", None, False, pub.isoformat(), pub.isoformat())
    else:
        info = DateInfo(None, "day", "publication", None, False)
    state.resolved[key] = info
    return info
