"""The Review page and ``/reviews``: an analyst marks a coded event right or wrong and corrects it
(:mod:`detente.reviews` stores it beside the coder's row), and the server's write protection.

Writes are off unless the server was started with ``--allow-writes``; then each write needs the
token (``--token`` or ``$DETENTE_TOKEN``) as ``Authorization: Bearer TOKEN``, compared in constant
time (``hmac.compare_digest``). Refused: 403 ``E730`` (writes off), 401 ``E731`` (no token), 401
``E732`` (wrong token), in the API's error shape. CORS is off unless ``--cors ORIGIN``: then that
one origin may call the API (GET, POST, the Authorization header). ``detente serve`` hands these to
its workers as ``DETENTE_ALLOW_WRITES``, ``DETENTE_TOKEN`` and ``DETENTE_CORS``
(:func:`serve_environment`); :func:`configure` sets them on an app directly (tests).

========================  ===================================================================
``GET /reviews``          JSON: the reviews, newest first (``event_id``, ``limit``), and
                          whether this server takes writes.
``POST /reviews``         JSON ``{"event_id", "verdict"?, "cameo"?, "source"?, "target"?,
                          "polarity"?, "modality"?, "reviewer"?, "note"?}`` -> 201 and the
                          stored review (:func:`detente.reviews.add_review`).
``GET /review``           The page: events to review (``pair``, ``actor``, ``from``, ``to``,
                          ``status`` = all|unreviewed|reviewed, ``offset``), each with its
                          latest verdict, and the latest reviews.
``GET /review/{id}``      One event: its sentence, article, coding, review history and the
                          review form (JavaScript posts it with the token typed in the page).
========================  ===================================================================
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from ..errors import ApiError, ConfigError, DetenteError

router = APIRouter()
PAGE_SIZE = 25


@dataclass(frozen=True)
class WriteSettings:
    allow_writes: bool = False
    token: str | None = None
    cors: str | None = None


def serve_environment(allow_writes: bool, token: str | None, cors: str | None) -> dict[str, str]:
    """The environment ``detente serve`` gives its workers; ``--allow-writes`` without a token is ``E733``."""
    token = token or os.environ.get("DETENTE_TOKEN") or None
    if allow_writes and not token:
        raise ConfigError("E733", "--allow-writes", "give the token writes must send: --token TOKEN or "
                                                    "$DETENTE_TOKEN")
    env = {"DETENTE_ALLOW_WRITES": "1" if allow_writes else "", "DETENTE_CORS": cors or ""}
    if token:
        env["DETENTE_TOKEN"] = token
    return env


def settings_from_env() -> WriteSettings:
    allow = os.environ.get("DETENTE_ALLOW_WRITES", "").strip().lower() in ("1", "true", "yes")
    token = os.environ.get("DETENTE_TOKEN") or None
    if allow and not token:
        raise ConfigError("E733", "$DETENTE_ALLOW_WRITES", "writes allowed but no $DETENTE_TOKEN")
    return WriteSettings(allow, token, os.environ.get("DETENTE_CORS") or None)


def configure(app: FastAPI, settings: WriteSettings) -> None:
    """Set the write protection and CORS of ``app`` (before it serves its first request)."""
    if settings.allow_writes and not settings.token:
        raise ConfigError("E733", "allow_writes", "writes need a token")
    app.state.writes = settings
    if settings.cors:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=[settings.cors], allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])


def _settings(request: Request) -> WriteSettings:
    return getattr(request.app.state, "writes", WriteSettings())


def require_write(request: Request) -> None:
    """Refuse a write: writes off (403 E730), no token (401 E731), a wrong one (401 E732)."""
    s = _settings(request)
    if not s.allow_writes or not s.token:
        raise ApiError("E730", f"{request.method} {request.url.path}",
                       "this server is read-only: start it with `detente serve --allow-writes --token TOKEN`")
    auth = request.headers.get("authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError("E731", f"{request.method} {request.url.path}", "send the server's token: "
                                                                       "Authorization: Bearer TOKEN")
    if not hmac.compare_digest(given.strip().encode("utf-8"), s.token.encode("utf-8")):
        raise ApiError("E732", f"{request.method} {request.url.path}", "the token is wrong")


# ---------------------------------------------------------------------------------------------
# JSON

class ReviewRequest(BaseModel):
    event_id: str = Field(..., description="The event reviewed (events.event_id).")
    verdict: str | None = Field(None, description="right, wrong or corrected (the default when a correction "
                                                  "is given).")
    cameo: str | None = Field(None, description="The right CAMEO code.", examples=["042"])
    source: str | None = Field(None, description="The right source actor: a code or a name (RUS, Russia).")
    target: str | None = Field(None, description="The right target actor.")
    polarity: str | None = Field(None, description="asserted or negated.")
    modality: str | None = Field(None, description="actual, intended, future, hypothetical or denied.")
    reviewer: str | None = Field(None, description="Who reviews (a name or initials).")
    note: str | None = Field(None, description="Why, in a line.")


@router.get("/reviews", summary="The analysts' reviews of coded events, newest first")
def reviews_json(
    request: Request,
    event_id: Annotated[str | None, Query(description="Only this event's reviews.")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> dict[str, Any]:
    from ..api import _open_store
    from ..reviews import count_reviews, list_reviews

    with _open_store(request.app.state.detente.db) as store:
        rows = list_reviews(store, event_id=event_id, limit=limit)
        total = count_reviews(store)
    return jsonable_encoder({"count": len(rows), "total": total, "writes": _settings(request).allow_writes,
                             "reviews": rows})  # type: ignore[no-any-return]


@router.post("/reviews", summary="Review an event: right, wrong, or corrected (needs --allow-writes and the token)",
             status_code=201)
def reviews_post(request: Request, body: ReviewRequest) -> JSONResponse:
    from ..reviews import add_review

    require_write(request)
    review = add_review(request.app.state.detente.db, body.event_id, body.verdict, cameo=body.cameo,
                        source=body.source, target=body.target, polarity=body.polarity, modality=body.modality,
                        reviewer=body.reviewer, note=body.note)
    return JSONResponse(jsonable_encoder(review), status_code=201)


# ---------------------------------------------------------------------------------------------
# Pages

def _event_rows(db: str, filters: dict[str, Any], status: str, offset: int) -> tuple[list[dict], int, int]:
    from ..api import _open_store
    from ..reviews import count_reviews, latest_verdicts

    with _open_store(db) as store:
        where, params = store.event_where(**filters)
        if status in ("reviewed", "unreviewed") and count_reviews(store):
            where += f" AND event_id {'IN' if status == 'reviewed' else 'NOT IN'} (SELECT event_id FROM reviews)"
        elif status == "reviewed":
            where += " AND FALSE"
        total = int(store.query(f"SELECT count(*) FROM events WHERE {where}", params).fetchall()[0][0])
        cur = store.query(f"""SELECT e.event_id, e.date, e.source_code, e.cameo, e.cameo_name, e.target_code,
                                     e.polarity, e.modality, e.sentence, a.title
                              FROM events e LEFT JOIN articles a USING (article_id) WHERE {where}
                              ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.event_id
                              LIMIT {PAGE_SIZE} OFFSET {int(offset)}""", params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        verdicts = latest_verdicts(store, [r["event_id"] for r in rows])
        n_reviews = count_reviews(store)
    for r in rows:
        r["review"] = verdicts.get(r["event_id"])
    return rows, total, n_reviews


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_list(
    request: Request, pair: str = "", actor: str = "", start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "", status: str = "all", offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    from . import _error, _page
    from .views import resolve_actor

    form = {"pair": pair, "actor": actor, "from": start, "to": end,
            "status": status if status in ("all", "unreviewed", "reviewed") else "all"}
    db = request.app.state.detente.db
    try:
        filters: dict[str, Any] = {"start": start or None, "end": end or None}
        if actor:
            filters["actor"] = resolve_actor(actor, "actor")
        if pair:
            sides = [s for s in pair.split(",") if s.strip()]
            if len(sides) != 2:
                raise ApiError("E720", "pair", "give two actors separated by a comma: China,Russia")
            filters["pair"] = [resolve_actor(s, "pair") for s in sides]
        rows, total, n_reviews = _event_rows(db, filters, form["status"], offset)
        from ..api import _open_store
        from ..reviews import list_reviews

        with _open_store(db) as store:
            recent = list_reviews(store, limit=10)
    except DetenteError as exc:
        err = _error(exc)
        return _page("review.html", status=err["status"], page="review", form=form, error=err["error"])
    query = urlencode({**{k: v for k, v in form.items() if v and k != "status"}, "status": form["status"]})
    return _page("review.html", page="review", form=form, rows=rows, total=total, offset=offset, size=PAGE_SIZE,
                 query=query, recent=recent, n_reviews=n_reviews, writes=_settings(request).allow_writes)


@router.get("/review/{event_id}", response_class=HTMLResponse, include_in_schema=False)
def review_event(request: Request, event_id: str) -> HTMLResponse:
    from ..api import _open_store
    from ..coding.codebook import load_codebook
    from ..records import MODALITIES, POLARITIES
    from ..reviews import list_reviews
    from . import _error, _page

    db = request.app.state.detente.db
    try:
        with _open_store(db) as store:
            cur = store.query("""SELECT e.*, a.title, a.url, a.source AS outlet, a.published
                                 FROM events e LEFT JOIN articles a USING (article_id) WHERE e.event_id = ?""",
                              [event_id])
            names = [d[0] for d in cur.description]
            found = cur.fetchall()
            if not found:
                raise ConfigError("E360", "event_id", f"no event {event_id!r} in the store")
            event = dict(zip(names, found[0], strict=True))
            history = list_reviews(store, event_id=event_id)
    except DetenteError as exc:
        err = _error(exc)
        return _page("review_event.html", status=err["status"], page="review", error=err["error"])
    book = load_codebook()
    codes = [(c, book.name(c)) for c in book.codes()]
    return _page("review_event.html", page="review", event=event, history=history, codes=codes,
                 polarities=POLARITIES, modalities=MODALITIES, writes=_settings(request).allow_writes)


def mount(app: FastAPI) -> None:
    """Add /reviews and the review pages to ``app``, with the write settings of the environment."""
    app.include_router(router)
    configure(app, settings_from_env())


__all__ = ["ReviewRequest", "WriteSettings", "configure", "mount", "require_write", "router", "serve_environment"]
