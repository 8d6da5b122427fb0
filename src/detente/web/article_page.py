"""The Article view (``/article/{id}``) and ``/articles/{id}`` under it: an article's text with
every coded event marked where it is said, as displaCy marks entities.

Contract:

========================  ===================================================================
``GET /articles/{id}``    JSON ``{"article", "events", "quantities", "accounts"}`` (the
                          ``detente code --format json`` object of the stored article), each
                          event with ``offsets``: its ``source``, ``predicate`` and ``target``
                          spans as ``[start, end]`` characters of the article's text (``None``
                          for a span it has not, ``"offsets": null`` when its sentence is not
                          found in the text). ``id``: an ``article_id``, the input's own id or a
                          unique prefix (:meth:`detente.store.Store.resolve_article`); unknown:
                          404 ``E721``. A record that cannot be read back (NULL, not its
                          record's JSON) is left out, and ``"left_out": {reason: count}`` added.
``GET /article/{id}``     The page: title, outlet, date, link; the text with each event's source,
                          action and target highlighted and labelled, numbered like the list of
                          events beside it (CAMEO code and name, QuadClass, Goldstein, PLOVER,
                          factuality, claimant, date and how it was found, place, confidence,
                          rule); the divergent accounts, one column per side; the quantities.
========================  ===================================================================

:func:`locate` places the events: each event's sentence is searched in the text from where the
previous sentence was found (the coder's sentences are the text's own, right-stripped), so two
equal sentences map to their own places.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import Markup

from ..api import _open_store
from ..errors import ApiError, ConfigError, DetenteError, meanings
from ..records import Account, Article, CodedArticle, Event, Quantity
from ..store import read_record

PAGE_ERRORS = meanings("web.article_page")  # E721; its status: detente.errors.CATALOGUE
ROLES = ("source", "predicate", "target")
ROLE_LABELS = {"source": "SOURCE", "predicate": "ACTION", "target": "TARGET"}


def locate(text: str, events: list[dict[str, Any]]) -> list[int | None]:
    """The start of each event's sentence in ``text`` (``None``: not found), by sentence index."""
    starts: dict[int, int | None] = {}
    pos = 0
    for ev in sorted(events, key=lambda e: e["sentence_index"]):
        i, sentence = ev["sentence_index"], ev["sentence"]
        if i in starts or not sentence:
            continue
        at = text.find(sentence, pos)
        if at < 0:
            at = text.find(sentence)
        starts[i] = at if at >= 0 else None
        if at >= 0:
            pos = at + len(sentence)
    return [starts.get(ev["sentence_index"]) for ev in events]


def _offsets(ev: dict[str, Any], start: int | None) -> dict[str, list[int] | None] | None:
    if start is None:
        return None
    spans = ev.get("spans") or {}
    out: dict[str, list[int] | None] = {}
    for role in ROLES:
        span = spans.get(role)
        if span and 0 <= span[0] < span[1] <= len(ev["sentence"]):
            out[role] = [start + span[0], start + span[1]]
        else:
            out[role] = None
    return out


def article_data(db: str, ref: str) -> dict[str, Any]:
    """The stored article ``ref`` names, as the ``/articles/{id}`` JSON (see the module docstring)."""
    with _open_store(db) as store:
        try:
            article_id = store.resolve_article(ref)
        except ConfigError as exc:
            if exc.code == "E316":
                raise ApiError("E721", "article", f"no article {ref!r} in the store (an article_id, the input's "
                                                  "own id or a unique prefix of 6+ characters)") from None
            raise
        left_out: Counter[str] = Counter()
        coded, extra = _coded(store, article_id, left_out)
    if coded is None:  # resolved a moment ago: written over in between
        raise ApiError("E721", "article", f"no article {ref!r} in the store")
    data = coded.to_dict()
    for ev, start in zip(data["events"], locate(coded.article.text, data["events"]), strict=True):
        ev["offsets"] = _offsets(ev, start)
    data["article"].update(extra)
    if left_out:
        data["left_out"] = dict(sorted(left_out.items()))
    return data


def _coded(store: Any, article_id: str, left_out: Counter[str]) -> tuple[CodedArticle | None, dict[str, Any]]:
    """The stored article with its records (as :meth:`Store.article` rebuilds it, but by the
    indexes on ``article_id``: that method's one query joins every table) and its ``coded_at``,
    ``coder``. A record that cannot be read back is left out and counted in ``left_out`` by
    reason (:func:`detente.store.read_record`)."""
    row = store.query("SELECT text, url, title, source, published, lang, origin, status, status_reason, "
                      f"{store.column_sql('articles', 'source_id')}, coded_at, coder FROM articles "
                      "WHERE article_id = ?", [article_id]).fetchall()
    if not row:
        return None, {}
    text, url, title, source, published, lang, origin, status, reason, source_id, coded_at, coder = row[0]
    article = Article(article_id=article_id, text=text, url=url, title=title, source=source,
                      published=published.isoformat() if published else None, lang=lang, origin=origin,
                      status=status, status_reason=reason, source_id=source_id)

    def records(table: str, order: str, cls: type) -> list[Any]:
        cur = store.query(f"SELECT record FROM {table} WHERE article_id = ? ORDER BY {order}", [article_id])
        return [rec for (r,) in cur.fetchall() if (rec := read_record(r, table, cls, left_out)) is not None]

    coded = CodedArticle(article=article,
                         events=records("events", "sentence_index, event_id", Event),
                         quantities=records("quantities", "sentence_index, quantity_id", Quantity),
                         accounts=records("accounts", "account_id", Account))
    return coded, {"coded_at": coded_at.isoformat() if coded_at else None, "coder": coder}


# ---------------------------------------------------------------------------------------------
# The marked text

def _label(ev: dict[str, Any], role: str) -> str:
    if role == "predicate":
        return f"{ev['cameo']}"
    actor = ev.get(role) or {}
    return actor.get("code") or actor.get("country") or ROLE_LABELS[role]


def marked_text(text: str, events: list[dict[str, Any]]) -> Markup:
    """``text`` as HTML with every event's spans in ``<mark class="ent ent-ROLE">``, a label after
    each (the actor's code or the CAMEO code, and the event's number), the predicate's mark holding
    the anchor the event list links to. Spans of several events that cover the same characters are
    one mark with all their labels; a span overlapping another is marked in the pieces where it is
    alone (the first one's role wins where they overlap)."""
    spans: dict[tuple[int, int], dict[str, Any]] = {}
    for n, ev in enumerate(events, 1):
        for role in ROLES:
            off = (ev.get("offsets") or {}).get(role)
            if off:
                entry = spans.setdefault((off[0], off[1]), {"role": role, "labels": [], "events": []})
                entry["labels"].append((role, _label(ev, role), n))
                entry["events"].append(ev["event_id"])
    out: list[str] = []
    pos = 0
    for (s, e), entry in sorted(spans.items()):
        if e <= pos:
            continue
        s = max(s, pos)
        out.append(escape(text[pos:s]))
        labels = []
        seen = set()
        for role, label, _n in entry["labels"]:
            if (role, label) in seen:
                continue
            seen.add((role, label))
            nums = ",".join(str(m) for r, lab, m in entry["labels"] if r == role and lab == label)
            labels.append(f'<span class="ent-label">{escape(label)}<sup>{nums}</sup></span>')
        ids = " ".join(entry["events"])
        anchor = ""
        if entry["role"] == "predicate":
            anchor = "".join(f'<a class="ev-anchor" id="t-{escape(i)}"></a>' for i in entry["events"])
        title = "; ".join(f"event {n}: {ROLE_LABELS[r].lower()} {lab}" for r, lab, n in entry["labels"])
        out.append(f'{anchor}<mark class="ent ent-{entry["role"]}" data-events="{escape(ids)}" '
                   f'title="{escape(title)}">{escape(text[s:e])}{"".join(labels)}</mark>')
        pos = e
    out.append(escape(text[pos:]))
    return Markup("".join(out))


def _accounts(data: dict[str, Any], numbers: dict[str, int]) -> list[dict[str, Any]]:
    """Each account with one column per party: what that side says and the numbers of its events."""
    out = []
    for acc in data["accounts"]:
        sides = []
        for party in acc.get("parties") or []:
            claims = [c for c in acc.get("claims") or [] if c.get("party") == party]
            sides.append({"party": party, "claims": [
                {"says": c.get("says"), "events": [numbers[i] for i in c.get("event_ids") or [] if i in numbers]}
                for c in claims]})
        out.append({"summary": acc.get("summary"), "sides": sides,
                    "events": [numbers[i] for i in acc.get("event_ids") or [] if i in numbers]})
    return out


# ---------------------------------------------------------------------------------------------
# Routes

router = APIRouter()
IdP = Annotated[str, PathParam(description="An article_id, the input's own id (a JSON record's id) or a unique "
                                           "prefix of an article_id (6+ characters).")]


@router.get("/articles/{article_id}", summary="One stored article with its events placed in the text")
def article_json(request: Request, article_id: IdP) -> JSONResponse:
    return JSONResponse(article_data(request.app.state.detente.db, article_id))


@router.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    from . import _ENV, _error

    try:
        data = article_data(request.app.state.detente.db, article_id)
    except DetenteError as exc:
        err = _error(exc)
        return HTMLResponse(_ENV.get_template("article.html").render(page="article", error=err["error"]),
                            status_code=err["status"])
    numbers = {ev["event_id"]: n for n, ev in enumerate(data["events"], 1)}
    html = _ENV.get_template("article.html").render(
        page="article", data=data, art=data["article"], text_html=marked_text(data["article"]["text"], data["events"]),
        accounts=_accounts(data, numbers), unplaced=sum(1 for ev in data["events"] if ev["offsets"] is None))
    return HTMLResponse(html)


__all__ = ["PAGE_ERRORS", "article_data", "locate", "marked_text", "router"]
