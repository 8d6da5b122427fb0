"""The HTTP API: thin FastAPI routes over the library (``detente serve`` runs it with uvicorn).

Contract: ``create_app(db_path=None, config=None) -> FastAPI``. Every route calls one library
function and returns its result as JSON:

========================  ===================================================================
``POST /code``            ``{"text", "published"?, "title"?, "url"?, "source"?}`` ->
                          ``Engine.code_article(...).to_dict()`` (the ``detente code --format
                          json`` object). The Engine is loaded on the first call, once per
                          process, and codes one request at a time (a lock: the spaCy pipeline
                          and the coder are not made for threads). Body, text and queue are
                          bounded (413, 429, 503; :mod:`detente.api_limits`).
``GET /events``           rows of the ``events`` table (filters ``actor``, ``pair=CHN,RUS``,
                          ``from``, ``to``, ``root``, ``quad``, ``polarity``, ``modality``,
                          ``counts_only``, ``plover``, ``claimant``, ``q``; ``sort``, ``offset``,
                          ``limit``; ``format=csv|jsonl``), ``record`` parsed to JSON; the route
                          is in :mod:`detente.web.events_page`.
                          ``actor``, ``pair`` and the dyad routes' ``{a}``/``{b}`` take codes in
                          any case or names (``china,russia``, ``NATO``:
                          :func:`detente.actors.lookup.actor_arg`); an unknown one is 400 ``E315``
                          ("no actor 'Chna' — did you mean China (CHN)?").
``GET /articles/{id}``    one article with its events (their spans placed in the text),
                          quantities and accounts: :mod:`detente.web.article_page`.
``GET /stats``            :meth:`detente.store.Store.stats`.
``GET /dyad/{a}/{b}``     :func:`detente.analysis.dyad_series` (``freq``, ``from``, ``to``,
                          ``unit``, ``directed``, ``weighted``, ``include_all``).
``GET /changes/{a}/{b}``  :func:`detente.analysis.dyad_changes` (series + change points with
                          their drivers).
``GET /health``           version, store path and whether it exists, whether the coder is loaded.
========================  ===================================================================

The store is only ever read, and never held: each request opens this process's latest copy of it
read-only (:mod:`detente.api_snapshot`: the copy is made again once a writer has committed a batch
and let go of the file), so ``detente ingest`` writes to the store while the API answers, and
requests during an ingest read the last committed batch instead of failing. The dyad and change
routes bring the happening tables up to date the way the CLI does
(``cluster_happenings(only_new=True)``), but in an in-memory database attached to the read-only
copy, so the store file is never changed; that database is made once per copy and shared by the
requests that read the copy (:func:`analysis_db`; with ``reviewed=true``, one per request).

Errors are JSON ``{"error": code, "detail": one line}``: a :class:`~detente.errors.DetenteError`
keeps its code and gets the HTTP status :data:`detente.errors.CATALOGUE` gives it (``E311`` a bad
date -> 400, ``E306`` no store -> 404, ``E301`` store locked -> 503, ...); the API's own codes are
E7xx (:data:`API_ERRORS`). No traceback is ever sent.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import CODER_VERSION, __version__
from .actors.lookup import actor_arg
from .analysis import cluster_happenings, dyad_changes, dyad_series
from .analysis.common import attach_store
from .api_limits import CodeGate, HostGuard, check_text, parse_hosts, read_body
from .api_snapshot import close_all, open_store
from .config import Config, load_config
from .errors import ApiError, DetenteError, InputError, http_status, meanings
from .ingest import IngestReport
from .ingest.jsonl import record_to_article
from .records import MODALITIES, POLARITIES, Article, valid_unicode, valid_unicode_value
from .reviews import apply_reviews
from .store import _store_error, parse_day

# E700-E705 and, from api_limits.py, E706-E709 and E711 (POST /code's body, text and queue
# limits, the Host check)
API_ERRORS = meanings("api", "api_limits", cls=ApiError)

status_for = http_status  # the HTTP status a library error becomes: by its code in the catalogue


def _one_line(text: str) -> str:
    return " ".join(valid_unicode(str(text))[0].split())  # a lone surrogate cannot be sent


def error_response(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": _one_line(detail)}, status_code=status, headers=headers)


# ---------------------------------------------------------------------------------------------
# State: the store path, the lazily loaded coder

@dataclass
class _Coder:
    """The Engine, loaded on first use; one article at a time."""

    config: Config
    engine: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def code(self, article: Article) -> dict[str, Any]:
        with self.lock:
            if self.engine is None:
                self.engine = _load_engine(self.config)
            return self.engine.code_article(article).to_dict()  # type: ignore[no-any-return]


def _load_engine(config: Config) -> Any:
    from .pipeline import Engine

    try:
        return Engine(config)
    except DetenteError:
        raise
    except Exception as exc:  # noqa: BLE001 - a missing model, a broken install: one line, 503
        raise ApiError("E702", "coder", f"could not load: {type(exc).__name__}: {exc}") from None


@dataclass
class _State:
    db: str
    config: Config
    coder: _Coder


def _state(request: Request) -> _State:
    return request.app.state.detente  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Store access: read-only, one connection per request, to this process's latest copy of the store
# (detente.api_snapshot: reading never holds a lock on the store file, so ingest can write to it)

def _open_store(db: str) -> Any:
    return open_store(db)


class _AnalysisDB:
    """An in-memory DuckDB with the store attached read-only: ``events`` and ``articles`` are
    views on the store, the happening tables are copied (if the store has them) and updated
    here, never in the store. One request's own (the analysts' reviews change it);
    :func:`analysis_db` shares one per copy of the store otherwise."""

    def __init__(self, db: str) -> None:
        self._store = _open_store(db)  # says E306 (no store) / E305 / E307 (schema) in the usual words
        self.con = duckdb.connect(":memory:")
        try:  # the copy the lease pins (kept until close)
            _attach_store(self.con, db, getattr(self._store, "snapshot", db))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.close()
        self._store.close()


def _attach_store(con: Any, db: str, path: str) -> None:
    """Attach the copy at ``path`` of the store ``db`` to the in-memory ``con`` (see :class:`_AnalysisDB`)."""
    try:
        attach_store(con, path, f"detente_store_{uuid.uuid4().hex[:8]}")
    except duckdb.Error as exc:
        raise _store_error(db, exc, "open the store") from None


class _SharedAnalysis:
    """The :class:`_AnalysisDB` of one copy of the store, its happening tables brought up to date
    (``cluster_happenings(only_new=True, include_all=...)``) once: a copy never changes, so every
    request on it would find the same, and nothing left to cluster. Requests only read it, each
    through a cursor of its own (:func:`analysis_db`); it is closed with the copy
    (:meth:`detente.api_snapshot.Lease.cached`)."""

    def __init__(self, db: str, path: str, include_all: bool) -> None:
        self.con = duckdb.connect(":memory:")
        try:
            _attach_store(self.con, db, path)
            cluster_happenings(self.con, only_new=True, include_all=include_all)
        except BaseException:
            self.close()
            raise
        self._lock = threading.Lock()

    def cursor(self) -> Any:
        with self._lock:
            return self.con.cursor()

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.close()


@dataclass
class Analysis:
    """What :func:`analysis_db` gives a request: ``con`` to read the store's ``events``,
    ``articles`` and up-to-date happening tables from, and ``reviewed``, the number of reviewed
    events applied (0 without ``reviewed``)."""

    con: Any
    reviewed: int = 0


@contextlib.contextmanager
def analysis_db(db: str, include_all: bool = False, reviewed: bool = False,
                happenings: bool = True) -> Iterator[Analysis]:
    """The store ``db`` for analysis, for one request: the in-memory database of :class:`_AnalysisDB`
    on this process's latest copy, the happening tables up to date (with ``include_all``). Without
    ``reviewed`` the database is the copy's :class:`_SharedAnalysis`, made by the first request
    on that copy and read by the others (through a cursor each; never written): no ATTACH and no
    clustering per request. With ``reviewed`` (the analysts' reviews applied: it rewrites
    ``events`` and the happenings) a private one, as before, clustered only if ``happenings``."""
    if reviewed:
        adb = _AnalysisDB(db)
        try:
            n = apply_reviews(adb.con)
            if happenings:
                cluster_happenings(adb.con, only_new=True, include_all=include_all)
            yield Analysis(adb.con, n)
        finally:
            adb.close()
        return
    include_all = include_all and happenings  # a series of events reads no happening
    store = _open_store(db)
    try:
        shared = store.lease.cached(("analysis", include_all),
                                    lambda path: _SharedAnalysis(db, path, include_all))
        cur = shared.cursor()
        try:
            yield Analysis(cur)
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.close()
    finally:
        store.close()


def _jsonable_row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    if isinstance(out.get("record"), str):
        out["record"] = json.loads(out["record"])
    return out


# ---------------------------------------------------------------------------------------------
# Request and parameter types

class CodeRequest(BaseModel):
    text: str = Field(..., description="The article's text (plain text; HTML is stripped).")
    published: str | None = Field(None, description="Publication date YYYY-MM-DD: anchors relative dates "
                                                    "('on Monday').", examples=["2023-03-21"])
    title: str | None = None
    url: str | None = Field(None, description="With an http(s) URL the article id is its hash.")
    source: str | None = Field(None, description="The outlet.")


Polarity = Enum("Polarity", {p: p for p in POLARITIES}, type=str)  # type: ignore[misc]
Modality = Enum("Modality", {m: m for m in MODALITIES}, type=str)  # type: ignore[misc]


class Freq(StrEnum):
    month = "month"
    week = "week"


class Unit(StrEnum):
    happenings = "happenings"
    events = "events"


FromQ = Annotated[str | None, Query(alias="from", description="First day: YYYY, YYYY-MM or YYYY-MM-DD.")]
ToQ = Annotated[str | None, Query(alias="to", description="Last day (inclusive): YYYY, YYYY-MM or YYYY-MM-DD.")]
CodeP = Annotated[str, PathParam(description="Country or actor code, or a name, any case: CHN, china, NATO.")]

router = APIRouter()


@router.get("/health", summary="Version, store and coder status")
def health(request: Request) -> dict[str, Any]:
    st = _state(request)
    return {"status": "ok", "version": __version__, "coder": CODER_VERSION, "db": st.db,
            "store_exists": Path(st.db).exists(), "engine_loaded": st.coder.engine is not None}


_CODE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": CodeRequest.model_json_schema()}}}}


@router.post("/code", summary="Code one article (nothing is stored)", openapi_extra=_CODE_BODY)
async def code(request: Request) -> dict[str, Any]:
    """Async so that waiting requests hold no thread: the body is read up to ``code_max_bytes``
    (413), the text checked against ``code_max_chars`` (413), then the request takes a place in the
    gate's queue (429 when full) and is coded in a worker thread once the coder is free (503 after
    ``code_wait`` seconds)."""
    import anyio

    st = _state(request)
    body = _code_request(await read_body(request, st.config.code_max_bytes))
    check_text(body.text, st.config.code_max_chars)
    gate: CodeGate = request.app.state.code_gate
    with gate.admitted():  # the threads below are bounded by the queue
        article = await anyio.to_thread.run_sync(_code_article, st, body)  # HTML, language: off the loop
        return await anyio.to_thread.run_sync(gate.run, st.coder.code, article)


def _code_request(raw: bytes) -> CodeRequest:
    """The JSON body as a :class:`CodeRequest`; a bad one raises FastAPI's validation error (422 E701)."""
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body", getattr(exc, "pos", 0)),
                                       "msg": f"JSON decode error: {type(exc).__name__}", "input": {}}]) from None
    try:
        return CodeRequest.model_validate(valid_unicode_value(data)[0])  # \ud800 escapes: U+FFFD, at the edge
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


def _code_article(st: _State, body: CodeRequest) -> Article:
    published = None
    if body.published:
        day = parse_day(body.published, what="published")
        published = day.isoformat() if day else None
    report = IngestReport()
    record = {"text": body.text, "title": body.title, "url": body.url, "source": body.source,
              "published": published}
    article = record_to_article(record, "request", st.config, report)
    if article is None:
        reason = report.failures[0][1] if report.failures else "no article in it"
        raise InputError("E130", "text", reason)
    return article


def _install_code_limits(app: FastAPI, config: Config) -> None:
    """POST /code's queue (code_queue, code_wait) and the Host check (allowed_hosts): api_limits.py."""
    app.state.code_gate = CodeGate(config.code_queue, config.code_wait)
    if parse_hosts(config.allowed_hosts):
        app.add_middleware(HostGuard, hosts=parse_hosts(config.allowed_hosts))


# GET /events (filtered, sorted, paged; JSON, CSV, JSON Lines): detente.web.events_page


@router.get("/stats", summary="Counts, date range, top pairs and CAMEO roots, last run")
def stats(request: Request, top: Annotated[int, Query(ge=1, le=1000)] = 10) -> dict[str, Any]:
    with _open_store(_state(request).db) as store:
        return jsonable_encoder(store.stats(top=top))  # type: ignore[no-any-return]


def _actors(a: str, b: str) -> tuple[str, str]:
    """The path's two sides as stored codes (names and lower case accepted; unknown: 400 E315)."""
    return actor_arg(a, what="a"), actor_arg(b, what="b")


@router.get("/dyad/{a}/{b}", summary="Cooperation–conflict series for a pair of countries")
def dyad(
    request: Request, a: CodeP, b: CodeP, freq: Freq = Freq.month, start: FromQ = None, end: ToQ = None,
    unit: Unit = Unit.happenings, directed: bool = False, weighted: bool = False, include_all: bool = False,
    reviewed: Annotated[bool, Query(description="Apply the analysts' reviews: corrected events as corrected, "
                                                "wrong ones left out (detente.reviews).")] = False,
) -> dict[str, Any]:
    a, b = _actors(a, b)
    with analysis_db(_state(request).db, include_all=include_all, reviewed=reviewed,
                     happenings=unit is Unit.happenings) as db:
        series = dyad_series(db.con, a, b, freq=freq.value, start=start, end=end, directed=directed,
                             weighted=weighted, include_all=include_all, unit=unit.value)
    return jsonable_encoder({"a": a.upper(), "b": b.upper(), "freq": freq.value, "unit": unit.value,
                             "series": series})


@router.get("/changes/{a}/{b}", summary="Change points in a pair's series, with the happenings behind them")
def changes(
    request: Request, a: CodeP, b: CodeP, freq: Freq = Freq.month, start: FromQ = None, end: ToQ = None,
    penalty: Annotated[float | None, Query(gt=0, description="Split penalty (default: BIC-like, "
                                                             "from the series' noise).")] = None,
    directed: bool = False, weighted: bool = False, include_all: bool = False,
    top: Annotated[int, Query(ge=1, le=100, description="Drivers listed per change.")] = 5,
    reviewed: Annotated[bool, Query(description="Apply the analysts' reviews: corrected events as corrected, "
                                                "wrong ones left out (detente.reviews).")] = False,
) -> dict[str, Any]:
    a, b = _actors(a, b)
    with analysis_db(_state(request).db, include_all=include_all, reviewed=reviewed) as db:
        series, found = dyad_changes(db.con, a, b, freq=freq.value, penalty=penalty, start=start, end=end,
                                     directed=directed, weighted=weighted, include_all=include_all, top=top)
    return jsonable_encoder({"a": a.upper(), "b": b.upper(), "freq": freq.value, "series": series,
                             "changes": found})


# ---------------------------------------------------------------------------------------------

def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DetenteError)
    async def _detente_error(request: Request, exc: DetenteError) -> JSONResponse:
        retry = getattr(exc, "retry_after", None)  # 429/503 of the /code limits: when to try again
        return error_response(status_for(exc), exc.code, f"{exc.subject}: {exc.reason}",
                              {"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(http_status("E701"), "E701", _validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "E704", 405: "E705"}.get(exc.status_code, "E701" if exc.status_code < 500 else "E700")
        detail = f"{request.method} {request.url.path}: {exc.detail}"
        return error_response(exc.status_code, code, detail)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return error_response(http_status("E700"), "E700",
                              f"{request.method} {request.url.path}: {type(exc).__name__}: {exc}")


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At shutdown, delete this process's copies of the store (uvicorn ends a SIGTERM'd process
    with the signal, so ``atexit`` would not run)."""
    yield
    close_all()


def create_app(db_path: str | None = None, config: Config | None = None, engine: Any = None) -> FastAPI:
    """The FastAPI application over the store at ``db_path`` (default: ``config.db``, i.e.
    ``$DETENTE_DB`` or ``./detente.duckdb``). ``engine``: an already loaded
    :class:`~detente.pipeline.Engine` (or anything with ``code_article``) to use for ``/code``."""
    config = (config or load_config()).with_(n_process=1)
    db = str(db_path) if db_path is not None else config.db
    app = FastAPI(title="detente", version=__version__, docs_url=None, redoc_url=None,  # /docs: detente.web
                  lifespan=_lifespan,
                  description="Political event data: who did what to whom, when, where, and who says so. "
                              "Errors are JSON {\"error\": code, \"detail\": one line}.")
    app.state.detente = _State(db=db, config=config, coder=_Coder(config=config, engine=engine))
    app.include_router(router)
    from .web import mount as mount_pages  # the HTML pages at / (detente.web)

    mount_pages(app)
    _install_error_handlers(app)
    _install_code_limits(app, config)
    return app


__all__ = ["API_ERRORS", "ApiError", "CodeRequest", "create_app", "status_for"]
