"""The records detente reads and writes: Article, Actor, Location, Event, Quantity, Account.

This module is the public contract (documented in docs/schema.md, JSON Schema in
docs/schema.json). Field names never change; new fields may be added. Every record
round-trips through JSON: ``Event.from_dict(json.loads(json.dumps(ev.to_dict()))) == ev``.

Valid Unicode: every string in a record is valid Unicode (encodes as UTF-8). The edges that
read text (ingest, the API, the Spark job) pass it through :func:`valid_unicode` first, which
replaces each lone surrogate (``\\ud800`` in JSON, ``\\udc80`` from ``surrogateescape``) with
U+FFFD and says how many it replaced, so they can count a warning; :meth:`Article.make` and
the hashes apply it too, so an id can always be computed and equals the repaired text's.

Stable identifiers:
- ``Article.article_id``: sha256 of the canonical URL when there is one, else of the
  normalised text (see :func:`article_id_for`).
- ``Article.source_id``: the id the input gave the article (a JSON record's ``id``), kept as
  it is so events can be joined back to the corpus; not unique (two corpora may both have "1").
- ``Event.event_id``: sha256 of article_id + sentence index + predicate span + the
  event's direction and code (see :func:`event_id_for`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

T = TypeVar("T", bound="Record")

POLARITIES = ("asserted", "negated")
MODALITIES = ("actual", "intended", "future", "hypothetical", "denied", "alleged")
# What a "counted" event is, once for the records and the SQL of every aggregate: asserted, and
# actual, intended or future (not hypothetical, denied or alleged).
COUNTED_MODALITIES = ("actual", "intended", "future")


def counted_sql(alias: str = "") -> str:
    """The SQL condition for :attr:`Event.counts` over an ``events`` table (a missing polarity reads as
    asserted, a missing modality as actual, as in stores written before those columns)."""
    p = f"{alias}." if alias else ""
    mods = ", ".join(f"'{m}'" for m in COUNTED_MODALITIES)
    return f"(coalesce({p}polarity, 'asserted') = 'asserted' AND coalesce({p}modality, 'actual') IN ({mods}))"
DATE_PRECISIONS = ("day", "month", "year")
DATE_BASES = ("explicit", "relative", "publication")

_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|mc_cid$|mc_eid$|ref$|cmpid$)")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment, tracking parameters and trailing slash."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING_PARAMS.match(k.lower())])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def normalise_text(text: str) -> str:
    """NFKC, collapse white space, lower-case: two copies of one story hash alike."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def valid_unicode(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD (a surrogate pair becomes its
    character), and how many were replaced; valid text comes back as it is, with 0."""
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        pass
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") - text.count("\ufffd")


def valid_unicode_value(value: Any) -> tuple[Any, int]:
    """:func:`valid_unicode` applied to every string in a JSON value (dict keys included);
    the value (a new one only when something was replaced) and the count replaced."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        total, out = 0, {}
        for key, item in value.items():
            k, n = valid_unicode(key) if isinstance(key, str) else (key, 0)
            v, m = valid_unicode_value(item)
            out[k] = v
            total += n + m
        return (out, total) if total else (value, 0)
    if isinstance(value, list):
        pairs = [valid_unicode_value(item) for item in value]
        total = sum(n for _, n in pairs)
        return ([v for v, _ in pairs], total) if total else (value, 0)
    return value, 0


def sha256(text: str) -> str:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # hashed as the repaired text, so the id matches it
        data = valid_unicode(text)[0].encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def article_id_for(url: str | None, text: str) -> str:
    if url and urlsplit(url.strip()).scheme in ("http", "https"):
        return sha256(canonical_url(valid_unicode(url)[0]))
    return sha256(normalise_text(text))


def event_id_for(article_id: str, sentence_index: int, predicate_span: tuple[int, int] | list[int],
                 extra: str = "") -> str:
    key = f"{article_id}|{sentence_index}|{predicate_span[0]}-{predicate_span[1]}|{extra}"
    return sha256(key)[:32]


class Record:
    """Shared JSON round-trip for the dataclasses below."""

    _nested: ClassVar[dict[str, type]] = {}

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in names:
                continue
            nested = cls._nested.get(key)
            if nested is not None and isinstance(value, dict):
                value = nested.from_dict(value)  # type: ignore[attr-defined]
            kwargs[key] = value
        return cls(**kwargs)


@dataclass
class Article(Record):
    article_id: str
    text: str
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD
    lang: str | None = None
    # extensions
    origin: str | None = None  # where it was read from: path, path:line, URL, WARC record id
    status: str = "ok"  # ok | skipped | failed
    status_reason: str | None = None
    source_id: str | None = None  # the input's own id for the article (a JSON record's "id")

    @classmethod
    def make(cls, text: str, url: str | None = None, **kw: Any) -> Article:
        """The Article with its id; every string field made valid Unicode (:func:`valid_unicode`)."""
        text = valid_unicode(text)[0]
        url = valid_unicode(url)[0] if url is not None else None
        kw = {k: valid_unicode(v)[0] if isinstance(v, str) else v for k, v in kw.items()}
        return cls(article_id=article_id_for(url, text), text=text, url=url, **kw)


@dataclass
class Actor(Record):
    text: str
    code: str | None = None  # CAMEO-style: RUSGOV, CHN, NATO, IGOUNO
    country: str | None = None  # 3-letter CAMEO country / IGO code
    sector: str | None = None  # GOV, MIL, BUS, MED, ... (None for a whole state)
    name: str | None = None  # canonical name: "Vladimir Putin", "China"
    # extensions
    kind: str | None = None  # state | igo | person | group | sector | place | implied | unknown
    role: str | None = None  # "President of Russia" for a person, valid on the event date


@dataclass
class Location(Record):
    name: str
    country: str | None = None  # CAMEO 3-letter code
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    # extensions
    feature: str | None = None  # city | country | us_state
    text: str | None = None  # the words in the sentence


@dataclass
class Event(Record):
    event_id: str
    article_id: str
    sentence_index: int
    sentence: str
    spans: dict[str, list[int] | None]  # source/predicate/target -> [start, end] chars in sentence
    date: str | None
    date_precision: str
    date_basis: str
    source: Actor | None
    target: Actor | None
    cameo: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover: str | None
    plover_mode: str | None
    polarity: str = "asserted"
    modality: str = "actual"
    claimant: Actor | None = None
    quote: bool = False
    location: Location | None = None
    confidence: float = 0.5
    coder: str = ""
    # extensions
    plover_context: str | None = None
    cameo_name: str | None = None
    trigger: str | None = None  # the predicate's words
    pattern: str | None = None  # the lexicon pattern that fired (file:line pattern)
    symmetric: bool = False  # one half of a reciprocal event (meet, sign, agree with)
    historical: bool = False  # happened over a month before publication
    date_text: str | None = None  # the time expression the date came from

    _nested: ClassVar[dict[str, type]] = {"source": Actor, "target": Actor, "claimant": Actor,
                                          "location": Location}

    @property
    def counts(self) -> bool:
        """Asserted, and actual, intended or future: what aggregates use by default (:func:`counted_sql`)."""
        return self.polarity == "asserted" and self.modality in COUNTED_MODALITIES


@dataclass
class Quantity(Record):
    article_id: str
    sentence_index: int
    sentence: str
    measure: str  # exports, imports, trade, casualties, troops, loan, aid, ...
    value: float | None
    unit: str | None  # percent, USD, people, troops, barrels, tonnes, ...
    change: float | None = None  # percent change where stated (+50.0, -8.5)
    period: str | None = None
    from_country: str | None = None
    to_country: str | None = None
    # extensions
    quantity_id: str = ""
    text: str | None = None  # the words the number came from
    date: str | None = None


@dataclass
class Account(Record):
    article_id: str
    parties: list[str]
    summary: str
    event_ids: list[str] = field(default_factory=list)
    # extensions
    account_id: str = ""
    claims: list[dict[str, Any]] = field(default_factory=list)  # [{party, event_ids, says}]


@dataclass
class CodedArticle:
    """What coding one article yields; ``to_dict`` is the ``detente code --format json`` object."""

    article: Article
    events: list[Event] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.to_dict(),
            "events": [e.to_dict() for e in self.events],
            "quantities": [q.to_dict() for q in self.quantities],
            "accounts": [a.to_dict() for a in self.accounts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CodedArticle:
        return cls(
            article=Article.from_dict(data["article"]),
            events=[Event.from_dict(e) for e in data.get("events", [])],
            quantities=[Quantity.from_dict(q) for q in data.get("quantities", [])],
            accounts=[Account.from_dict(a) for a in data.get("accounts", [])],
        )
