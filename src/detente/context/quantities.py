"""How much: ``extract_quantities(doc, article_id, country_of) -> list[Quantity]``.

Contract: every numeric claim in the document that is tied to a measure becomes one
:class:`~detente.records.Quantity`; numbers that are not (years, dates, "two countries",
"three years ago") are left alone. ``country_of(token) -> str | None`` gives the CAMEO country
of the noun phrase headed by a token (``DocActors.country_of`` in the pipeline).

What is recognised (by the parse, not by wording):
  - percent changes: a percentage that is the object of "by" under a change verb ("increased by
    50 per cent", "fell by 3%"), a direct measure of one ("rose 5%", "down 3%"), or a modifier of
    a change noun ("a 3% increase in exports"). ``change`` gets the signed number (falls, drops,
    cuts are negative), ``value``/``unit`` stay empty unless an absolute level goes with it;
  - percent levels: "rose to 40 per cent", "unemployment stands at 7%": ``value`` 40,
    ``unit`` "percent", no ``change``;
  - money: "$2 billion", "2 billion dollars", "EUR 5m", "300 million yuan" -> ``value`` in
    units, ``unit`` the ISO currency; ``measure`` the noun it is for ("a $2 billion loan" -> loan,
    "$3 billion in aid" -> aid, "invested $5bn" -> investment);
  - counts of people: a number modifying a person noun (people, civilians, soldiers, troops...)
    -> ``unit`` that noun; ``measure`` from the verb or noun around it: killed/dead/death toll
    -> casualties, wounded/injured -> injured, arrested/detained -> arrested, deployed/sent troops
    -> troops, protest/march/strike -> participants, refugees/displaced -> displaced;
  - physical amounts: barrels, tonnes, cubic metres, kilometres -> ``unit`` that, ``measure``
    the commodity ("barrels of oil" -> oil) or the measure noun above.
The measure of a percentage is the subject of its change verb (or the noun the change noun is
"in"): "Russian exports to China increased" -> exports. Trade flows take their countries from
the measure's phrase: a demonym or possessive is the exporter of exports and importer of
imports; "to X" is the destination, "from X" the origin; "between X and Y" gives both. For
"imports from X" with no importer named, the importer is the other country of the article's
main pair (the two countries ``country_of`` finds most often in the document), if there is one.
``period`` comes from a time phrase on the same verb: "between January and August" ->
"January–August", "until August" -> "–August", "since 2014" -> "2014–", "in 2021" -> "2021".
``quantity_id`` is a stable hash of article, sentence, character span and measure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc, Token

from ..nlp import sentence_index, sentences
from ..records import Quantity, sha256
from .event_dates import resolve_date

__all__ = ["extract_quantities", "parse_number"]

CountryOf = Callable[[Token], "str | None"]

_WORD_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                 "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
                 "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                 "hundred": 100, "a dozen": 12, "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
                 "a hundred": 100, "a thousand": 1000}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "mn": 1e6,
           "bn": 1e9, "b": 1e9, "k": 1e3, "tn": 1e12, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR"}
_CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
                   "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY",
                   "renminbi": "CNY", "rmb": "CNY", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB",
                   "rubles": "RUB", "rupee": "INR", "rupees": "INR", "won": "KRW", "lira": "TRY", "hryvnia": "UAH",
                   "hryvnias": "UAH", "francs": "CHF", "riyals": "SAR", "dinars": "IQD"}
_PERCENT_WORDS = ("per cent", "percent", "%", "pc", "per-cent")

_UP = {"increase", "rise", "grow", "jump", "climb", "surge", "soar", "gain", "expand", "raise", "boost", "up",
       "double", "triple", "rebound", "recover", "accelerate", "swell", "spike", "widen", "leap", "add", "go"}
_DOWN = {"fall", "drop", "decline", "decrease", "shrink", "plunge", "slump", "slide", "contract", "cut", "reduce",
         "lose", "down", "dip", "sink", "tumble", "plummet", "slow", "ease", "narrow", "lower", "slash", "crash"}
_CHANGE_NOUNS = {"increase": 1, "rise": 1, "growth": 1, "jump": 1, "gain": 1, "surge": 1, "hike": 1, "boost": 1,
                 "expansion": 1, "fall": -1, "drop": -1, "decline": -1, "decrease": -1, "cut": -1, "reduction": -1,
                 "contraction": -1, "slump": -1, "loss": -1, "plunge": -1}
_LEVEL_VERBS = {"stand", "be", "reach", "hit", "remain", "account", "stay", "total", "amount", "make"}
_PERSON_NOUNS = {"people", "person", "civilian", "soldier", "troop", "serviceman", "servicemen", "police",
                 "policeman", "officer", "militant", "rebel", "fighter", "protester", "demonstrator", "child",
                 "woman", "man", "refugee", "migrant", "prisoner", "hostage", "worker", "student", "resident",
                 "villager", "personnel", "marine", "sailor", "pilot", "citizen", "national", "journalist",
                 "activist", "insurgent", "guerrilla", "member", "supporter", "victim", "casualty", "death",
                 "inhabitant", "peacekeeper", "observer", "diplomat", "detainee", "settler", "palestinian",
                 "israeli", "american", "kurd", "turk", "muslim"}
_MILITARY_NOUNS = {"troop", "soldier", "personnel", "marine", "serviceman", "servicemen", "peacekeeper", "sailor"}
_PHYSICAL_UNITS = {"barrel": "barrels", "tonne": "tonnes", "ton": "tonnes", "metre": "metres", "meter": "metres",
                   "kilometre": "km", "kilometer": "km", "km": "km", "bcm": "bcm", "cubic": "cubic metres",
                   "mile": "miles", "hectare": "hectares", "megawatt": "MW", "gigawatt": "GW", "mw": "MW",
                   "gw": "GW", "kg": "kg", "kilogram": "kg", "litre": "litres", "liter": "litres"}
_VERB_MEASURES = [
    ({"kill", "die", "dead", "death", "toll", "slay", "massacre", "execute", "murder", "perish", "behead"},
     "casualties"),
    ({"wound", "injure", "hurt", "injured", "wounded", "injury"}, "injured"),
    ({"arrest", "detain", "capture", "abduct", "kidnap", "seize", "imprison", "jail", "hold"}, "arrested"),
    ({"displace", "flee", "evacuate", "uproot", "expel", "deport", "force", "refugee"}, "displaced"),
    ({"protest", "march", "rally", "demonstrate", "strike", "gather", "block", "riot", "occupy", "picket",
      "demonstration"}, "participants"),
    ({"deploy", "send", "station", "withdraw", "mobilise", "mobilize", "dispatch", "pull", "base", "mass",
      "redeploy", "reinforce"}, "troops"),
    ({"release", "free", "pardon", "exchange", "swap"}, "released"),
]
_MONEY_VERB_MEASURES = {"invest": "investment", "lend": "loan", "loan": "loan", "borrow": "loan", "donate": "aid",
                        "pledge": "aid", "give": "aid", "grant": "aid", "pay": "payment", "spend": "spending",
                        "export": "exports", "import": "imports", "sell": "sales", "buy": "purchases",
                        "owe": "debt", "fine": "fine", "earn": "revenue", "raise": "funding", "allocate": "budget",
                        "provide": "aid", "offer": "aid", "approve": "funding", "sign": "deal"}
_MEASURE_NOUNS = {"export": "exports", "import": "imports", "trade": "trade", "gdp": "gdp", "inflation": "inflation",
                  "investment": "investment", "aid": "aid", "loan": "loan", "debt": "debt", "deficit": "deficit",
                  "surplus": "surplus", "budget": "budget", "spending": "spending", "output": "output",
                  "production": "production", "price": "prices", "sale": "sales", "revenue": "revenue",
                  "unemployment": "unemployment", "growth": "growth", "economy": "gdp", "tariff": "tariffs",
                  "turnover": "trade", "supply": "supplies", "shipment": "shipments", "deal": "deal",
                  "package": "aid", "assistance": "aid", "credit": "loan", "sanction": "sanctions",
                  "purchase": "purchases", "reserve": "reserves", "oil": "oil", "gas": "gas", "wheat": "wheat",
                  "grain": "grain", "coal": "coal", "arm": "arms", "weapon": "weapons", "fund": "funding",
                  "funding": "funding", "contract": "contract", "bond": "bonds", "rate": "rate",
                  "share": "share", "approval": "approval", "vote": "votes", "turnout": "turnout",
                  "support": "support", "population": "population", "income": "income", "wage": "wages",
                  "cost": "cost", "profit": "profit", "value": "value", "volume": "volume", "import_": "imports"}
_TIME_NOUNS = {"year", "month", "week", "day", "hour", "minute", "decade", "century", "time", "times", "second",
               "age", "term", "round", "stage", "phase", "point", "percentage"}

_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december"}
_NUM_RX = re.compile(r"^(?P<cur>US\$|\$|€|£|¥|₽|₹)?(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                     r"(?P<scale>bn|mn|m|k|tn|b)?(?P<pct>%)?$", re.IGNORECASE)


def parse_number(tokens: list[Token]) -> tuple[float | None, str | None, bool]:  # noqa: C901 - to split into named steps (pyproject.toml)
    """Tokens of a number phrase -> (value, currency, is_percent). "3,000" -> 3000; "$2 billion" ->
    (2e9, "USD", False); "50 per cent" -> (50, None, True); "a dozen" -> 12."""
    value: float | None = None
    cur: str | None = None
    pct = False
    scale = 1.0
    words: list[str] = []
    for t in tokens:
        low = t.lower_
        m = _NUM_RX.match(t.text)
        if m and value is None:
            value = float(m["n"].replace(",", ""))
            if m["cur"]:
                cur = _CURRENCY_SYMBOLS.get(m["cur"].lower())
            if m["scale"]:
                scale *= _SCALES[m["scale"].lower()]
            if m["pct"]:
                pct = True
        elif low in _CURRENCY_SYMBOLS:
            cur = _CURRENCY_SYMBOLS[low]
        elif low in _SCALES and value is not None:
            scale *= _SCALES[low]
        elif low in _CURRENCY_WORDS:
            cur = _CURRENCY_WORDS[low]
        elif low in ("%", "percent", "pc") or (low == "cent" and words and words[-1] == "per"):
            pct = True
        elif low in _WORD_NUMBERS and value is None:
            value = float(_WORD_NUMBERS[low])
        elif low in _WORD_NUMBERS and value is not None and low == "hundred":
            scale *= 100
        words.append(low)
    if value is None:
        joined = " ".join(words)
        for k, v in _WORD_NUMBERS.items():
            if k in joined:
                value = float(v)
                break
    if value is None:
        return None, cur, pct
    return value * scale, cur, pct


def _number_phrase(doc: Doc, tok: Token) -> tuple[list[Token], Token]:
    """A number token -> (the tokens of its phrase, the noun the phrase counts or measures)."""
    # numbers hang off the unit/noun: "50" -nummod-> "cent"; "$" <-quantmod- "2" -> "billion"
    node = tok
    while node.dep_ in ("compound", "quantmod", "nummod", "nmod") and node.head.i != node.i and \
            (node.head.like_num or node.head.lower_ in _SCALES or node.head.lower_ in _CURRENCY_SYMBOLS
             or node.head.text in ("$", "€", "£") or node.head.lower_ in ("cent", "percent", "%")
             or node.head.lower_ in _CURRENCY_WORDS):
        node = node.head
    phrase = sorted([t for t in node.subtree if t.i >= tok.i - 3 and t.i <= max(node.i, tok.i) + 3
                     and (t.like_num or t.lower_ in _SCALES or t.lower_ in _CURRENCY_WORDS or t.text in "$€£¥₽₹"
                          or t.lower_ in ("per", "cent", "percent", "%", "us$", "us") or t is tok or t is node)],
                    key=lambda t: t.i)
    return phrase, node


def _sign(lemma: str) -> int:
    if lemma in _UP:
        return 1
    if lemma in _DOWN:
        return -1
    return 0


def _measure_of_noun(t: Token) -> str | None:
    lem = t.lemma_.lower()
    return _MEASURE_NOUNS.get(lem) or _MEASURE_NOUNS.get(t.lower_)


def _subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    return None


def _pp(noun: Token, preps: tuple[str, ...]) -> dict[str, Token]:
    out = {}
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            for g in c.children:
                if g.dep_ == "pobj":
                    out[c.lower_] = g
    return out


def _period(verb: Token) -> str | None:
    for c in verb.children:
        if c.dep_ != "prep":
            continue
        p = c.lower_
        objs = [g for g in c.children if g.dep_ == "pobj"]
        if not objs:
            continue
        o = objs[0]
        if o.ent_type_ != "DATE" and not re.match(r"^(?:1[89]|20)\d\d$", o.text) and \
                o.lower_ not in _MONTH_NAMES:
            continue
        conj = [g for g in o.children if g.dep_ == "conj"]
        if p in ("between", "from") and conj:
            return f"{o.text}–{conj[0].text}"
        to = _pp(verb, ("to", "until", "through"))
        if p == "from" and to:
            return f"{o.text}–{next(iter(to.values())).text}"
        if p in ("until", "till", "through", "to"):
            return f"–{o.text}"
        if p == "since":
            return f"{o.text}–"
        if p in ("in", "during", "for", "over"):
            return o.text
    return None


class _Ctx:
    def __init__(self, doc: Doc, country_of: CountryOf):
        self.doc = doc
        self.country_of = country_of
        self._pair: tuple[str, ...] | None = None

    def country(self, t: Token | None) -> str | None:
        if t is None:
            return None
        try:
            return self.country_of(t)
        except Exception:  # noqa: BLE001 - a caller's resolver must not stop the stage
            return None

    def pair(self) -> tuple[str, ...]:
        if self._pair is None:
            counts: Counter[str] = Counter()
            for t in self.doc:
                if (t.ent_type_ in ("GPE", "NORP") and t.ent_iob_ == "B") or (t.pos_ == "PROPN"
                                                                              and t.dep_ != "compound"):
                    c = self.country(t)
                    if c:
                        counts[c] += 1
            self._pair = tuple(c for c, _ in counts.most_common(2))
        return self._pair


def _flow(ctx: _Ctx, noun: Token, measure: str) -> tuple[str | None, str | None]:
    """Exporter/importer of a trade-like measure noun."""
    own = None
    for c in noun.children:
        if c.dep_ in ("amod", "poss", "compound", "nmod"):
            own = own or ctx.country(c)
    pps = _pp(noun, ("to", "from", "into", "between", "with", "of"))
    to = ctx.country(pps.get("to")) or ctx.country(pps.get("into"))
    frm = ctx.country(pps.get("from"))
    if "between" in pps:
        a = pps["between"]
        b = next((g for g in a.children if g.dep_ == "conj"), None)
        return ctx.country(a), ctx.country(b)
    if "with" in pps and own:
        return own, ctx.country(pps["with"])
    if measure == "imports":
        to = own or to
    else:
        frm = own or frm
    if "of" in pps and not (frm or to):
        frm = ctx.country(pps["of"])
    pair = ctx.pair()
    if len(pair) == 2:
        if frm and not to and measure in ("imports", "exports", "trade", "supplies", "shipments") and frm in pair:
            to = pair[1] if pair[0] == frm else pair[0]
        elif to and not frm and measure in ("exports", "imports", "trade", "supplies", "shipments") and to in pair:
            frm = pair[1] if pair[0] == to else pair[0]
    return frm, to


def _counted_measure(noun: Token) -> str | None:
    """What a count of people is about: from the verb above it or a noun beside it."""
    t = noun
    for _ in range(4):
        h = t.head
        for words, measure in _VERB_MEASURES:
            if h.lemma_.lower() in words or t.lemma_.lower() in words:
                return measure
            for c in h.children:
                if c.dep_ in ("acomp", "amod", "oprd") and c.lemma_.lower() in words:
                    return measure
        if h.i == t.i:
            break
        t = h
    for c in noun.children:
        for words, measure in _VERB_MEASURES:
            if c.lemma_.lower() in words:
                return measure
    if noun.lemma_.lower() in _MILITARY_NOUNS:
        return "troops"
    return None


def extract_quantities(doc: Doc, article_id: str, country_of: CountryOf,
                       published: str | None = None) -> list[Quantity]:
    """Every measure-tied number in ``doc`` as a Quantity (see the module docstring)."""
    ctx = _Ctx(doc, country_of)
    sent_list = sentences(doc)
    sent_of = sentence_index(doc)
    out: list[Quantity] = []
    seen: set[int] = set()
    for tok in doc:
        if tok.i in seen or not (tok.like_num or (tok.lower_ in _WORD_NUMBERS and tok.pos_ == "NUM")):
            continue
        if tok.ent_type_ in ("DATE", "TIME", "ORDINAL") or (re.match(r"^(?:1[89]|20)\d\d$", tok.text)
                                                             and tok.ent_type_ != "MONEY"):
            continue
        phrase, node = _number_phrase(doc, tok)
        seen.update(t.i for t in phrase)
        value, cur, pct = parse_number(phrase)
        if value is None:
            continue
        s_idx = sent_of[tok.i]
        sent = sent_list[s_idx]
        q = _classify(ctx, tok, phrase, node, value, cur, pct)
        if q is None or q[0] == "unknown":
            continue
        measure, value_, unit, change, frm, to, verb = q
        a, b = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        text = doc[phrase[0].i:phrase[-1].i + 1].text
        date = None
        if published and verb is not None:
            date = resolve_date(doc, verb.i, published).date
        qid = sha256(f"{article_id}|{s_idx}|{a - sent.start_char}-{b - sent.start_char}|{measure}")[:32]
        out.append(Quantity(article_id=article_id, sentence_index=s_idx, sentence=sent.text.strip(),
                            measure=measure, value=value_, unit=unit, change=change,
                            period=_period(verb) if verb is not None else None, from_country=frm,
                            to_country=to, quantity_id=qid, text=text, date=date))
    return out


def _classify(ctx: _Ctx, tok: Token, phrase: list[Token], node: Token, value: float, cur: str | None,  # noqa: C901 - to split into named steps (pyproject.toml)
              pct: bool) -> tuple[Any, ...] | None:
    """-> (measure, value, unit, change, from, to, verb) or None when the number measures nothing."""
    measure: str | None
    frm: str | None
    to: str | None
    verb: Token | None
    noun: Token | None
    head = node
    if pct:
        # where does the percentage hang? by -> verb; to/at -> level; direct -> verb; amod -> change noun
        h = head.head
        if head.dep_ == "pobj" and h.lower_ in ("by", "of") and h.head.pos_ in ("VERB", "NOUN", "AUX"):
            verb = h.head
            sign = _sign(verb.lemma_.lower()) or _CHANGE_NOUNS.get(verb.lemma_.lower(), 0)
            if sign:
                measure, frm, to = _measure_for(ctx, verb)
                return measure, None, None, sign * value, frm, to, verb if verb.pos_ in ("VERB", "AUX") else None
        if head.dep_ == "pobj" and h.lower_ in ("to", "at", "of", "around", "about") and h.head.pos_ in ("VERB", "AUX"):
            verb = h.head
            if _sign(verb.lemma_.lower()) or verb.lemma_.lower() in _LEVEL_VERBS:
                measure, frm, to = _measure_for(ctx, verb)
                return measure, value, "percent", None, frm, to, verb
        if head.dep_ in ("dobj", "npadvmod", "advmod", "attr") and h.pos_ in ("VERB", "AUX"):
            verb = h
            sign = _sign(verb.lemma_.lower())
            measure, frm, to = _measure_for(ctx, verb)
            if sign:
                return measure, None, None, sign * value, frm, to, verb
            if verb.lemma_.lower() in _LEVEL_VERBS and measure != "unknown":
                return measure, value, "percent", None, frm, to, verb
        if head.dep_ in ("amod", "compound", "nummod", "nmod") and h.lemma_.lower() in _CHANGE_NOUNS:
            sign = _CHANGE_NOUNS[h.lemma_.lower()]
            inn = _pp(h, ("in", "of"))
            target = inn.get("in") or inn.get("of")
            measure = _measure_of_noun(target) if target is not None else None
            frm = to = None
            if target is not None:
                measure = measure or target.lemma_.lower()
                frm, to = _flow(ctx, target, measure)
            return measure or "unknown", None, None, sign * value, frm, to, _verb_above(h)
        if head.dep_ in ("amod", "compound", "nummod", "nmod") and _measure_of_noun(h):
            measure = _measure_of_noun(h) or h.lemma_.lower()
            frm, to = _flow(ctx, h, measure)
            return measure, value, "percent", None, frm, to, _verb_above(h)
        return None
    if cur:
        # money: what is it for?
        measure = None
        frm = to = None
        h = head.head
        for c in head.children:  # "$3 billion in aid", "$5bn of investment"
            if c.dep_ == "prep" and c.lower_ in ("in", "of", "for", "worth"):
                for g in c.children:
                    if g.dep_ == "pobj" and _measure_of_noun(g):
                        measure = _measure_of_noun(g)
        if measure is None and head.dep_ in ("compound", "nmod", "amod", "nummod") and h.pos_ == "NOUN":
            measure = _measure_of_noun(h) or h.lemma_.lower()  # "a $2 billion loan"
            noun = h
        else:
            noun = head
        verb = noun.head if noun.head.pos_ in ("VERB", "AUX") else _verb_above(noun)
        if measure is None and noun.dep_ == "pobj" and noun.head.lower_ in ("to", "at") and \
                noun.head.head.pos_ in ("VERB", "AUX") and (_sign(noun.head.head.lemma_.lower())
                                                          or noun.head.head.lemma_.lower() in _LEVEL_VERBS):
            verb = noun.head.head  # "exports rose 12% to $1.2 trillion": the level of the changing measure
            level_measure, frm, to = _measure_for(ctx, verb)
            if level_measure != "unknown":
                return level_measure, value, cur, None, frm, to, verb
        if measure is None and verb is not None:
            measure = _MONEY_VERB_MEASURES.get(verb.lemma_.lower())
        measure = measure or "money"
        if measure in ("exports", "imports", "trade"):
            frm, to = _flow(ctx, noun, measure)
        elif verb is not None:
            subj = _subject(verb)
            frm = ctx.country(subj)
            for c in verb.children:
                if c.dep_ == "dative":
                    to = ctx.country(c)
                if c.dep_ == "prep" and c.lower_ in ("to", "for"):
                    to = to or ctx.country(next((g for g in c.children if g.dep_ == "pobj"), None))
            pps = _pp(noun, ("to", "for", "from"))
            to = ctx.country(pps.get("to")) or ctx.country(pps.get("for")) or to
            frm = ctx.country(pps.get("from")) or frm
            if measure in ("loan", "aid", "investment", "funding"):
                for c in noun.children:
                    if c.dep_ in ("amod", "poss") and not frm:
                        frm = ctx.country(c)
        return measure, value, cur, None, frm, to, verb
    # counts: a number modifying a noun
    if head.pos_ in ("NOUN", "PROPN") and head is not tok:
        noun = head
    elif head.dep_ in ("nummod", "quantmod", "compound", "nmod") and head.head.pos_ in ("NOUN", "PROPN"):
        noun = head.head
    else:
        noun = None
    if noun is None:
        # "killing about 20", "the death toll rose to more than 200"
        h = tok.head
        if tok.dep_ == "pobj" and h.lower_ == "to" and any(c.lemma_.lower() in ("toll",) for c in h.head.children
                                                           if c.dep_ in ("nsubj",)):
            return "casualties", value, "people", None, None, None, h.head
        return None
    lem = noun.lemma_.lower()
    if lem in _TIME_NOUNS:
        return None
    if lem in _PHYSICAL_UNITS:
        unit = _PHYSICAL_UNITS[lem]
        of = _pp(noun, ("of",)).get("of")
        above = _measure_of_noun(noun.head) if noun.head.i != noun.i else None
        measure = (of.lemma_.lower() if of is not None else None) or above or "amount"
        return measure, value, unit, None, None, None, _verb_above(noun)
    if lem in _PERSON_NOUNS or noun.lower_ in _PERSON_NOUNS or noun.ent_type_ == "NORP":
        measure = _counted_measure(noun)
        if measure is None:
            return None
        unit = noun.lower_ if noun.tag_ in ("NNS", "NNPS") or noun.lower_ in ("people", "police", "personnel") \
            else noun.lemma_.lower() + "s"
        verb = _verb_above(noun)
        frm = to = None
        if measure == "troops" and verb is not None:  # "Moscow deployed 3,000 troops to Belarus"
            frm = ctx.country(_subject(verb))
            dest = _pp(verb, ("to", "into", "in"))
            to = ctx.country(dest.get("to") or dest.get("into") or dest.get("in"))
        return measure, value, unit, None, frm, to, verb
    return None


def _verb_above(t: Token) -> Token | None:
    x = t
    while x.head.i != x.i:
        x = x.head
        if x.pos_ in ("VERB", "AUX"):
            return x
    return x if x.pos_ in ("VERB", "AUX") else None


def _measure_for(ctx: _Ctx, verb: Token) -> tuple[str, str | None, str | None]:
    """The measure of a change verb (its subject) and, for flows, the countries."""
    if verb.pos_ == "NOUN":
        inn = _pp(verb, ("in", "of"))
        subj = inn.get("in") or inn.get("of")
    else:
        subj = _subject(verb)
    if subj is None:
        return "unknown", None, None
    if subj.lower_ in ("it", "they", "this", "that", "which") or subj.pos_ == "PRON":
        return "unknown", None, None
    measure = _measure_of_noun(subj)
    if measure is None:
        # "exports of oil" / "the value of trade": look one level down
        for c in subj.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj" and _measure_of_noun(g):
                        subj = g
                        measure = _measure_of_noun(g)
    measure = measure or subj.lemma_.lower()
    frm, to = _flow(ctx, subj, measure)
    if measure not in ("exports", "imports", "trade", "investment", "aid", "loan", "supplies", "shipments",
                       "purchases", "sales", "oil", "gas", "arms", "weapons"):
        own = ctx.country(subj) or next((ctx.country(ch) for ch in subj.children
                                         if ch.dep_ in ("amod", "poss", "compound") and ctx.country(ch)), None)
        frm, to = own, None
    return measure, frm, to

