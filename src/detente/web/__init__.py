"""The web pages of ``detente serve``: server-rendered HTML (Jinja2) over the library, with a
little plain JavaScript (actor autocomplete) and SVG charts drawn in Python (charts.py).
Nothing is loaded from the internet: the CSS and JS are files of this package under /static.

Contract: ``mount(app)`` adds to a :func:`detente.api.create_app` application:

========================  ===================================================================
``GET /``                 Overview: counts, date range, last run, pairs warming and cooling,
                          events per month by QuadClass (views.overview).
``GET /pair``             Pair explorer: ``a``, ``b`` (a code, a name or "Name (CODE)"),
                          ``freq``, ``from``, ``to`` -> the index chart with change points and,
                          under each, the happenings that moved it with their sentences and
                          articles (views.pair).
``GET /pair.csv``         The pair's series as CSV (the columns of ``dyad_series``).
``GET /actors``           JSON autocomplete over the actor knowledge base: ``q``, ``limit``.
``GET /browse``           Events: filters, server-side paging and sorting, CSV/JSONL of the rows
                          shown; ``GET /events`` under it (events_page).
``GET /article/{id}``     Article view: the text with each event's spans marked; ``GET
                          /articles/{id}`` under it (article_page).
``GET /relations/view``   Relations: the country matrix and a world map; ``GET /relations``
                          under it (relations_page).
``GET /review``           Review: verdicts and corrections, ``GET``/``POST /reviews`` (review;
                          writes need ``--allow-writes`` and the token).
``GET /happenings``       JSON: the clustered happenings, filtered and paged (happenings).
``GET /docs``             Swagger UI with its assets served from /static/vendor (api_docs).
``/static/...``           detente.css, detente.js, review.js, vendor/swagger-ui.
========================  ===================================================================

Page errors are pages: a :class:`~detente.errors.DetenteError` is shown as its code and one
line in the page, with the HTTP status the API would answer (:func:`detente.api.status_for`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import CODER_VERSION, __version__
from ..errors import DetenteError
from . import charts, views
from .views import WEB_ERRORS

HERE = Path(__file__).parent
router = APIRouter()


def _env() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True,
                             lstrip_blocks=True)
    env.globals.update(version=__version__, coder=CODER_VERSION, quad_names=charts.QUAD_NAMES,
                       quad_colours=charts.QUAD_COLOURS)
    env.filters["signed"] = lambda v: "" if v is None else f"{float(v):+.1f}"
    env.filters["thousands"] = lambda v: "" if v is None else f"{int(v):,}"
    return env


_ENV = _env()


def _db(request: Request) -> str:
    return request.app.state.detente.db  # type: ignore[no-any-return]


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(name).render(**context), status_code=status)


def _error(exc: DetenteError) -> dict[str, Any]:
    from ..api import status_for

    return {"error": {"code": exc.code, "subject": exc.subject, "reason": exc.reason}, "status": status_for(exc)}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request) -> HTMLResponse:
    db = _db(request)
    try:
        data = views.overview(db)
    except DetenteError as exc:
        err = _error(exc)
        return _page("overview.html", status=err["status"], page="overview", db=db, error=err["error"])
    return _page("overview.html", page="overview", db=db, timeline_svg=charts.quad_timeline(data["timeline"]),
                 **data)


@router.get("/pair", response_class=HTMLResponse, include_in_schema=False)
def pair_page(
    request: Request, a: str = "", b: str = "", freq: str = "month",
    start: Annotated[str, Query(alias="from")] = "", end: Annotated[str, Query(alias="to")] = "",
) -> HTMLResponse:
    form = {"a": a, "b": b, "freq": freq if freq in ("month", "week") else "month", "from": start, "to": end}
    if not a or not b:
        return _page("pair.html", page="pair", form=form)
    try:
        code_a, code_b = views.resolve_actor(a, "a"), views.resolve_actor(b, "b")
        data = views.pair(_db(request), code_a, code_b, freq=form["freq"], start=start, end=end)
    except DetenteError as exc:
        err = _error(exc)
        return _page("pair.html", status=err["status"], page="pair", form=form, error=err["error"])
    names = {s["code"]: s["name"] for s in views._states()}
    csv_query = request.url.query
    return _page("pair.html", page="pair", form=form, data=data, names=names, csv_query=csv_query,
                 chart_svg=charts.index_chart(data["series"], data["changes"]))


@router.get("/pair.csv", include_in_schema=False)
def pair_csv(
    request: Request, a: str, b: str, freq: str = "month",
    start: Annotated[str, Query(alias="from")] = "", end: Annotated[str, Query(alias="to")] = "",
) -> Response:
    code_a, code_b = views.resolve_actor(a, "a"), views.resolve_actor(b, "b")
    data = views.pair(_db(request), code_a, code_b, freq=freq if freq in ("month", "week") else "month",
                      start=start, end=end, top=1)
    name = f"detente-{code_a}-{code_b}-{data['freq']}.csv"
    return Response(views.series_csv(data["series"]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/actors", summary="Autocomplete: states of the actor knowledge base")
def actors(
    request: Request,
    q: Annotated[str, Query(description="What the user typed: part of a name, adjective or code.")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> JSONResponse:
    return JSONResponse({"q": q, "actors": views.suggest_actors(q, limit=limit, db=_db(request))})


def mount(app: FastAPI) -> None:
    """Add the pages, the /actors route and /static to ``app`` (made by ``detente.api.create_app``)."""
    app.include_router(router)
    from . import api_docs, article_page, events_page, happenings  # Events, Article, /happenings, /docs (#14)

    for pages in (events_page.router, article_page.router, happenings.router, api_docs.router):
        app.include_router(pages)
    from . import relations_page, review  # Relations, Review and /reviews (#14)

    relations_page.mount(app)
    review.mount(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


__all__ = ["WEB_ERRORS", "mount", "router"]
